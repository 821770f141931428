"""pytest-lsp fixtures: the real server process, driven with VS Code's and Neovim's capabilities.

The old VS Code profile (1.65) has no pull diagnostics, so the server pushes; the Neovim
0.11 profile pulls (``textDocument/diagnostic``) and negotiates UTF-8 positions. Helpers hide
the difference: `Session.diagnostics` returns the diagnostics of a document version either way.
"""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path
from typing import Any, Optional

import pytest
import pytest_lsp
from lsprotocol import types
from pygls.protocol import default_converter
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features

PROFILES = ["visual-studio-code", "neovim@v0.11.0"]
SERVER_COMMAND = [sys.executable, "-m", "prodready", "server"]
WAIT = 20.0  # seconds: a bound on every wait, never a timing assertion


def make_client() -> LanguageClient:
    """The standard test client, also recording every publishDiagnostics in order."""
    client = LanguageClient(converter_factory=default_converter)
    client.published = []  # type: ignore[attr-defined]

    def publish_diagnostics(client: LanguageClient, params: types.PublishDiagnosticsParams) -> None:
        client.diagnostics[params.uri] = params.diagnostics
        client.published.append(params)  # type: ignore[attr-defined]

    client.registrations = []  # type: ignore[attr-defined]

    def register_capability(client: LanguageClient, params: types.RegistrationParams) -> None:
        client.registrations.extend(params.registrations)  # type: ignore[attr-defined]

    features = dict(DEFAULT_CLIENT_FEATURES)
    features[types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS] = publish_diagnostics
    features[types.CLIENT_REGISTER_CAPABILITY] = register_capability
    register_lsp_features(client, features)
    return client


ENV = {**os.environ, "PRODREADY_TEST_FAULTY_RULE": "1", "PYTHONUNBUFFERED": "1"}


@pytest_lsp.fixture(
    params=PROFILES,
    config=ClientServerConfig(server_command=SERVER_COMMAND, client_factory=make_client, server_env=ENV),
)
async def lsp(request, lsp_client: LanguageClient):
    """A started (not yet initialized) client; `session` initializes it."""
    lsp_client.profile = request.param  # type: ignore[attr-defined]
    yield
    await lsp_client.shutdown_session()


# A finding of a default-on rule (PR405), for tests whose configuration is invalid, so that
# the defaults apply and preview rules are off.
PR405_TEXT = "import requests\n\nr = requests.get(\"https://example.com\")\n"


def _with_preview(options: dict) -> dict:
    """The server tests exercise preview rules (PR101 naive-utcnow above all): turned on through
    the editor settings unless a test says otherwise."""
    return {"preview": True, **options} if isinstance(options, dict) else options


class Session:
    """A client initialized against a temporary workspace, with helpers for both profiles."""

    def __init__(self, client: LanguageClient, root: Path) -> None:
        self.client = client
        self.root = root
        self.profile: str = client.profile  # type: ignore[attr-defined]
        self.versions: dict[str, int] = {}
        self.texts: dict[str, str] = {}
        self.result_ids: dict[str, Optional[str]] = {}

    async def initialize(self, options: Optional[dict] = None, settings: Optional[dict] = None) -> types.InitializeResult:
        caps = client_capabilities(self.profile)
        if settings is not None:
            self.client.set_configuration(_with_preview(settings), section="prodready")
        result = await self.client.initialize_session(types.InitializeParams(
            capabilities=caps,
            root_uri=self.root.as_uri(),
            workspace_folders=[types.WorkspaceFolder(uri=self.root.as_uri(), name="ws")],
            initialization_options=_with_preview(options if options is not None else {"debounce": 0}),
        ))
        self.encoding = result.capabilities.position_encoding or "utf-16"
        return result

    @property
    def pull(self) -> bool:
        return self.client.capabilities.text_document.diagnostic is not None  # type: ignore[union-attr]

    def uri(self, name: str) -> str:
        return (self.root / name).as_uri()

    def open(self, name: str, text: str) -> str:
        uri = self.uri(name)
        (self.root / name).parent.mkdir(parents=True, exist_ok=True)
        self.versions[uri] = 1
        self.texts[uri] = text
        self.client.text_document_did_open(types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri, language_id="python", version=1, text=text)))
        return uri

    def change(self, uri: str, start: tuple[int, int], end: tuple[int, int], new_text: str) -> int:
        """An incremental change; positions are (line, column in the session's encoding)."""
        self.versions[uri] += 1
        version = self.versions[uri]
        self.texts[uri] = apply_range(self.texts[uri], start, end, new_text, self.encoding)
        self.client.text_document_did_change(types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[types.TextDocumentContentChangePartial(
                range=types.Range(types.Position(*start), types.Position(*end)), text=new_text)],
        ))
        return version

    async def diagnostics(self, uri: str, version: Optional[int] = None,
                          until=None) -> list[types.Diagnostic]:
        """The diagnostics of ``version`` (default: the latest) of a document.

        Push: waits for a publishDiagnostics of that version (and, with ``until``, one for
        which ``until(diagnostics)`` holds). Pull: asks with textDocument/diagnostic.
        """
        version = version if version is not None else self.versions[uri]
        loop = asyncio.get_running_loop()
        deadline = loop.time() + WAIT
        while True:
            if self.pull:
                report = await self.pull_report(uri)
                items = list(report.items)
                if until is None or until(items):
                    return items
            else:
                for params in reversed(self.client.published):  # type: ignore[attr-defined]
                    if params.uri == uri and params.version == version:
                        items = list(params.diagnostics)
                        if until is None or until(items):
                            return items
                        break
            if loop.time() > deadline:
                raise AssertionError(f"no diagnostics for {uri} v{version} matching the condition in {WAIT}s")
            await asyncio.sleep(0.02)

    async def pull_report(self, uri: str, previous: Optional[str] = None):
        report = await asyncio.wait_for(self.client.text_document_diagnostic_async(types.DocumentDiagnosticParams(
            text_document=types.TextDocumentIdentifier(uri=uri), previous_result_id=previous)), WAIT)
        return report

    async def code_actions(self, uri: str, start: tuple[int, int], end: tuple[int, int],
                           only: Optional[list[str]] = None) -> list[types.CodeAction]:
        result = await asyncio.wait_for(self.client.text_document_code_action_async(types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=types.Range(types.Position(*start), types.Position(*end)),
            context=types.CodeActionContext(diagnostics=[], only=only),
        )), WAIT)
        return [a for a in (result or []) if isinstance(a, types.CodeAction)]

    async def resolved_edit(self, action: types.CodeAction) -> types.WorkspaceEdit:
        if action.edit is None:
            action = await asyncio.wait_for(self.client.code_action_resolve_async(action), WAIT)
        assert action.edit is not None, f"{action.title} resolved to no edit"
        return action.edit

    def apply(self, uri: str, edit: types.WorkspaceEdit) -> str:
        """Apply a WorkspaceEdit to our copy of the document (checking its shape for the profile)."""
        caps = self.client.capabilities
        document_changes = bool(caps.workspace and caps.workspace.workspace_edit
                                and caps.workspace.workspace_edit.document_changes)
        if document_changes:
            assert edit.document_changes, "client supports documentChanges: expected versioned edits"
            (change,) = edit.document_changes
            assert isinstance(change, types.TextDocumentEdit)
            assert change.text_document.uri == uri
            assert change.text_document.version == self.versions[uri]
            edits = change.edits
        else:
            assert edit.changes and uri in edit.changes
            edits = edit.changes[uri]
        text = self.texts[uri]
        for e in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
            text = apply_range(text, (e.range.start.line, e.range.start.character),
                               (e.range.end.line, e.range.end.character), e.new_text, self.encoding)
        return text

    async def wait_for(self, predicate, what: str) -> Any:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + WAIT
        while loop.time() < deadline:
            value = predicate()
            if value:
                return value
            await asyncio.sleep(0.02)
        raise AssertionError(f"timed out waiting for {what}")


def units(text: str, encoding: str) -> int:
    if encoding == "utf-8":
        return len(text.encode("utf-8"))
    if encoding == "utf-32":
        return len(text)
    return len(text.encode("utf-16-le")) // 2


def offset_of(text: str, line: int, column: int, encoding: str) -> int:
    lines = text.split("\n")
    start = sum(len(l) + 1 for l in lines[:line])
    current = lines[line] if line < len(lines) else ""
    count = 0
    for index, ch in enumerate(current):
        if count >= column:
            return start + index
        count += units(ch, encoding)
    return start + len(current)


def apply_range(text: str, start: tuple[int, int], end: tuple[int, int], new_text: str, encoding: str) -> str:
    a = offset_of(text, *start, encoding)
    b = offset_of(text, *end, encoding)
    return text[:a] + new_text + text[b:]


def position_of(text: str, needle: str, encoding: str, occurrence: int = 0) -> tuple[int, int]:
    index = -1
    for _ in range(occurrence + 1):
        index = text.index(needle, index + 1)
    line = text.count("\n", 0, index)
    line_start = text.rfind("\n", 0, index) + 1
    return line, units(text[line_start:index], encoding)


@pytest.fixture
def session_factory(lsp: LanguageClient, tmp_path: Path):
    def make() -> Session:
        # The workspace turns preview rules on, as a user would: the server tests exercise them
        # (PR101 above all), also when editor settings are invalid and the server falls back
        # to the workspace configuration. A test that writes its own pyproject.toml keeps it.
        if not (tmp_path / "pyproject.toml").exists():
            (tmp_path / "pyproject.toml").write_text("[tool.prodready]\npreview = true\n", encoding="utf-8")
        return Session(lsp, tmp_path)
    return make


def codes(diagnostics) -> list[str]:
    return sorted(str(d.code) for d in diagnostics)
