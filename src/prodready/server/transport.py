"""The server's stdio loop: bytes from stdin through `FrameParser` and `MessageGate` to pygls.

Replaces pygls's ``start_io`` so that a malformed frame costs at most that message (the
parser resynchronises at the next header and the skipped bytes are logged), requests are
answered as the spec says (`MessageGate`), and the process exit code is the one ``exit``
asks for (pygls swallows it). Reading happens on a thread of its own; when the stream goes
quiet while a frame's declared length is unmet, the parser is asked whether the message is
complete anyway (a ``Content-Length`` that was too long then costs a short pause, not the
connection).
"""

from __future__ import annotations

import asyncio
import logging
import sys
from concurrent.futures import ThreadPoolExecutor
from typing import BinaryIO, Optional

from pygls.io_ import StdoutWriter

from prodready.server.early import EarlyStart
from prodready.server.framing import STALL_SECONDS, FrameParser, Junk, Message, read_chunk
from prodready.server.lifecycle import MessageGate

logger = logging.getLogger("prodready.server.protocol")



def serve(server, stdin: Optional[BinaryIO] = None, stdout: Optional[BinaryIO] = None,
          early: Optional[EarlyStart] = None) -> int:
    """Serve LSP on stdin/stdout until ``exit`` or end of input; returns the exit code.

    ``early``: what `early.answer_initialize` read (and perhaps answered) before the server
    was built; the loop goes on from there.
    """
    stdin = stdin or sys.stdin.buffer
    stdout = stdout or sys.stdout.buffer
    server.protocol.set_writer(StdoutWriter(stdout))
    gate = MessageGate(server)
    if early is not None and early.answered is not None:
        gate.answered_early(early.answered, early.result)
    try:
        asyncio.run(_loop(stdin, gate, early))
    except BrokenPipeError:
        logger.error("the client closed the connection")
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        try:
            server.shutdown()
        except Exception:  # noqa: BLE001
            logger.exception("shutting down failed")
    if gate.exit_code is not None:
        return gate.exit_code
    logger.warning("input ended without exit%s", "" if gate.shutdown_seen else " or shutdown")
    return 0 if gate.shutdown_seen else 1


async def _loop(stdin: BinaryIO, gate: MessageGate, early: Optional[EarlyStart] = None) -> None:
    loop = asyncio.get_running_loop()
    reader = early.reader if early is not None and early.reader is not None else \
        ThreadPoolExecutor(max_workers=1, thread_name_prefix="prodready-stdin")
    parser = early.parser if early is not None else FrameParser()
    pending: Optional[asyncio.Future] = None
    if early is not None:
        for event in early.events:  # read before the server existed
            _deliver(event, None, gate)
        if early.ended:
            reader.shutdown(wait=False)
            return
        if early.pending is not None:
            pending = asyncio.wrap_future(early.pending)
        _deliver(parser.next(), parser, gate)
    try:
        while gate.exit_code is None:
            if pending is None:
                pending = loop.run_in_executor(reader, read_chunk, stdin)
            timeout = STALL_SECONDS if parser.waiting_for_body else None
            try:
                data = await asyncio.wait_for(asyncio.shield(pending), timeout)
            except asyncio.TimeoutError:
                _deliver(parser.stalled(), parser, gate)
                continue
            pending = None
            if not data:
                return  # end of input
            parser.feed(data)
            _deliver(parser.next(), parser, gate)
            await asyncio.sleep(0)  # let handlers scheduled by these messages run
    finally:
        reader.shutdown(wait=False, cancel_futures=True)


def _deliver(event, parser: Optional[FrameParser], gate: MessageGate) -> None:
    """Hand ``event`` and then (with a parser) every complete one after it to the gate."""
    while event is not None and gate.exit_code is None:
        if isinstance(event, Junk):
            gate.note(f"skipped {event.size} bytes of input: {event.reason}")
        elif isinstance(event, Message):
            if event.note:
                gate.note(f"repaired a message frame: {event.note}")
            gate.handle(event.value)
        event = parser.next() if parser is not None else None
