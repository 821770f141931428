"""Cutting the client's byte stream into JSON-RPC messages, and recovering from bad frames.

pygls's reader trusts every ``Content-Length`` and matches the header case-sensitively: one
frame whose length is 10 bytes short or 50 bytes long, or a ``content-length:`` header,
leaves it reading the rest of the stream out of step, alive and never answering again.

`FrameParser` is the replacement, a pure state machine (bytes in, events out):

- Header names are matched case-insensitively, other headers (``Content-Type``) ignored,
  ``\\r\\n`` or bare ``\\n`` line ends accepted.
- A body is the JSON value that starts after the headers. When the declared length is
  right, that is exactly ``Content-Length`` bytes. When it is not, the parser decodes the
  JSON value found at the start of the body instead (a declared length that is too short
  or too long loses nothing), and when the stream goes quiet while a declared length is
  still unmet (`stalled`), the value is taken if it is already complete.
- Anything else (bytes that are not a header, a body that is not JSON) is skipped up to the
  next ``Content-Length`` header and reported as a `Junk` event, so the caller can log it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, BinaryIO, Optional, Union

_CONTENT_LENGTH = re.compile(rb"(?i)content-length[ \t]*:")
_HEADER_LINE = re.compile(rb"[ \t]*([A-Za-z][A-Za-z0-9_-]*)[ \t]*:[ \t]*([^\r\n]*)")
_BLANK_LINE = re.compile(rb"\r?\n\r?\n")
# What the start of a header block may look like while the rest has not arrived.
_PARTIAL_HEADER = re.compile(rb"(?:[ \t]*[A-Za-z][A-Za-z0-9_-]*[ \t]*:[^\r\n]*\r?\n)*"
                             rb"(?:[ \t]*[A-Za-z][A-Za-z0-9_-]*(?:[ \t]*:[^\r\n]*)?\r?|\r)?")
MAX_HEADER_BYTES = 64 * 1024
_decoder = json.JSONDecoder()
CHUNK = 1 << 16  # bytes asked of stdin per read
# How long the stream may stay quiet while a frame's declared length is unmet before the
# parser is asked whether the message is complete anyway (`FrameParser.stalled`).
STALL_SECONDS = 0.3


def read_chunk(stdin: BinaryIO) -> bytes:
    """What stdin has now (up to CHUNK bytes; b"" at its end), without waiting for more."""
    read1 = getattr(stdin, "read1", None)
    return read1(CHUNK) if read1 is not None else stdin.read(CHUNK)


@dataclass
class Message:
    value: Any  # the decoded JSON value (a dict for a well-formed JSON-RPC message)
    note: Optional[str] = None  # set when the frame was repaired (length did not match)


@dataclass
class Junk:
    size: int  # bytes skipped
    reason: str


Event = Union[Message, Junk]


class FrameParser:
    def __init__(self) -> None:
        self.buffer = bytearray()
        self.expected: Optional[int] = None  # declared body length of the frame being read

    @property
    def waiting_for_body(self) -> bool:
        return self.expected is not None

    def feed(self, data: bytes) -> None:
        self.buffer += data

    def next(self) -> Optional[Event]:
        """The next complete event, or None when more bytes are needed."""
        if self.expected is None:
            return self._header()
        return self._body(final=False)

    def stalled(self) -> Optional[Event]:
        """No bytes came for a while: take a body that is complete but shorter than declared."""
        if self.expected is None or not self.buffer:
            return None
        return self._body(final=True)

    # -- headers -----------------------------------------------------------------------------
    def _header(self) -> Optional[Event]:
        buf = self.buffer
        start = 0
        while start < len(buf) and buf[start] in b" \t\r\n":
            start += 1
        if start:
            del buf[:start]
        if not buf:
            return None
        blank = _BLANK_LINE.search(buf, 0, MAX_HEADER_BYTES + 4)
        if blank is None:
            if len(buf) > MAX_HEADER_BYTES or not _PARTIAL_HEADER.fullmatch(buf):
                return self._skip_to_header(1, "bytes that are not a message header")
            return None  # the rest of the header has not arrived yet
        lines = bytes(buf[:blank.start()]).split(b"\n")
        length: Optional[int] = None
        for line in lines:
            match = _HEADER_LINE.fullmatch(line.rstrip(b"\r"))
            if match is None:
                return self._skip_to_header(1, f"a header line that is not 'Name: value' ({_short(line)})")
            if match.group(1).lower() == b"content-length":
                value = match.group(2).strip()
                if not value.isdigit():
                    return self._skip_to_header(1, f"Content-Length is not a number ({_short(value)})")
                length = int(value)
        if length is None:
            return self._skip_to_header(1, "a header without Content-Length")
        del buf[:blank.end()]
        self.expected = length
        return self._body(final=False)

    def _skip_to_header(self, after: int, reason: str) -> Junk:
        """Drop bytes up to the next Content-Length header at or after ``after`` (or all of
        them but a trailing partial line that may still become one)."""
        buf = self.buffer
        match = _CONTENT_LENGTH.search(buf, after)
        if match is not None:
            size = match.start()
        else:
            last_line = buf.rfind(b"\n") + 1
            tail = bytes(buf[last_line:]).lstrip().lower()
            size = last_line if tail and b"content-length".startswith(tail[:14]) and last_line >= after else len(buf)
        size = max(size, min(after, len(buf)))
        del buf[:size]
        self.expected = None
        return Junk(size, reason)

    # -- bodies ------------------------------------------------------------------------------
    def _body(self, final: bool) -> Optional[Event]:
        assert self.expected is not None
        buf, expected = self.buffer, self.expected
        if len(buf) >= expected:
            try:
                value = json.loads(bytes(buf[:expected]))
            except (ValueError, RecursionError):
                pass
            else:
                del buf[:expected]
                self.expected = None
                return Message(value)
        elif not final:
            return None  # wait for the rest (or for `stalled`)
        # The declared length does not fit the body: take the JSON value at its start.
        found = _json_prefix(buf)
        if found is not None:
            value, size = found
            rest = bytes(buf[size:size + 64]).lstrip()
            if not rest or _CONTENT_LENGTH.match(rest) or final:
                del buf[:size]
                self.expected = None
                return Message(value, note=f"Content-Length said {expected} bytes, the message had {size}")
        if _CONTENT_LENGTH.search(buf, 1) is None:
            return None  # no sign of the next frame: the rest of this body may still be coming
        return self._skip_to_header(1, f"a body that is not JSON (Content-Length {expected})")


def _json_prefix(buf: bytearray) -> Optional[tuple[Any, int]]:
    """(value, its length in bytes) of a JSON value at the start of ``buf``, if complete."""
    head = bytes(buf)
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as exc:
        text = head[:exc.start].decode("utf-8")  # a value may end before the bad bytes
    try:
        value, end = _decoder.raw_decode(text)
    except (ValueError, RecursionError):
        return None
    size = end if head.isascii() else len(text[:end].encode("utf-8"))
    return value, size


def _short(data: bytes) -> str:
    text = data[:40].decode("utf-8", "replace")
    return repr(text + ("..." if len(data) > 40 else ""))
