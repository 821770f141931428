"""End-to-end tests of `prodready server` with pytest-lsp (VS Code and Neovim capability profiles)."""

from __future__ import annotations

import asyncio

from lsprotocol import types

from .conftest import PR405_TEXT, codes, position_of, units

PR101_TEXT = "from datetime import datetime\n\nx = datetime.utcnow()\n"
PR101_SAFE = "from datetime import datetime, timezone\n\nx = datetime.now(timezone.utc).replace(tzinfo=None)\n"


async def test_diagnostics_on_open_and_change(session_factory):
    s = session_factory()
    await s.initialize()
    uri = s.open("app/service.py", PR101_TEXT)
    diags = await s.diagnostics(uri, 1, until=lambda d: "PR101" in codes(d))
    (d,) = [d for d in diags if d.code == "PR101"]
    assert d.source == "prodready"
    assert d.severity == types.DiagnosticSeverity.Warning
    assert d.code_description is not None and d.code_description.href.endswith("PR101-naive-utcnow.md")
    assert d.range == types.Range(types.Position(2, 4), types.Position(2, 21))
    assert list(d.tags) == [types.DiagnosticTag.Deprecated]
    assert d.data["code"] == "PR101" and d.data["uri"] == uri

    version = s.change(uri, (3, 0), (3, 0), "y = datetime.utcnow()\n")
    diags = await s.diagnostics(uri, version, until=lambda d: codes(d).count("PR101") == 2)
    lines = sorted(d.range.start.line for d in diags if d.code == "PR101")
    assert lines == [2, 3]

    if s.pull:
        first = await s.pull_report(uri)
        assert first.kind == "full" and first.result_id
        again = await s.pull_report(uri, previous=first.result_id)
        assert again.kind == "unchanged" and again.result_id == first.result_id
    else:
        published = [p for p in s.client.published if p.uri == uri]
        assert all(p.version in (1, 2) for p in published)


async def test_non_ascii_columns(session_factory):
    s = session_factory()
    await s.initialize()
    text = ('"""Café ☕ — ünïcode 😀 before."""\nfrom datetime import datetime\n'
            'label = "😀 déjà"; x = datetime.utcnow()\n')
    uri = s.open("app/unicode.py", text)
    diags = await s.diagnostics(uri, 1, until=lambda d: "PR101" in codes(d))
    (d,) = [d for d in diags if d.code == "PR101"]
    line, column = position_of(text, "datetime.utcnow()", s.encoding)
    assert (d.range.start.line, d.range.start.character) == (line, column)
    assert d.range.end.character == column + units("datetime.utcnow()", s.encoding)
    # The encoding is the negotiated one: UTF-8 for Neovim 0.11, UTF-16 for VS Code.
    assert s.encoding == ("utf-8" if s.profile.startswith("neovim") else "utf-16")


async def test_quick_fix_and_resolve(session_factory):
    s = session_factory()
    await s.initialize()
    uri = s.open("app/fix.py", PR101_TEXT)
    await s.diagnostics(uri, 1, until=lambda d: "PR101" in codes(d))
    actions = await s.code_actions(uri, (2, 6), (2, 6))
    titles = [a.title for a in actions]
    safe = [a for a in actions if a.kind == types.CodeActionKind.QuickFix and a.is_preferred]
    unsafe = [a for a in actions if a.title.endswith("(unsafe)")]
    assert len(safe) == 1 and len(unsafe) == 1, titles
    assert "Ignore PR101 for this line" in titles
    assert safe[0].diagnostics and safe[0].diagnostics[0].code == "PR101"
    edit = await s.resolved_edit(safe[0])
    assert s.apply(uri, edit) == PR101_SAFE
    edit = await s.resolved_edit(unsafe[0])
    assert "datetime.now(timezone.utc)\n" in s.apply(uri, edit)


async def test_fix_all(session_factory):
    s = session_factory()
    await s.initialize()
    text = ("from datetime import datetime\n\n\ndef a():\n    return datetime.utcnow()\n\n\n"
            "def b():\n    return datetime.utcnow()\n")
    uri = s.open("app/fixall.py", text)
    await s.diagnostics(uri, 1, until=lambda d: codes(d).count("PR101") == 2)
    actions = await s.code_actions(uri, (0, 0), (0, 0), only=["source.fixAll"])
    (action,) = [a for a in actions if a.kind == "source.fixAll.prodready"]
    edit = await s.resolved_edit(action)
    fixed = s.apply(uri, edit)
    assert fixed.count("datetime.now(timezone.utc).replace(tzinfo=None)") == 2
    assert fixed.startswith("from datetime import datetime, timezone\n")
    # minimal edits, not a whole-file rewrite
    edits = edit.document_changes[0].edits if edit.document_changes else edit.changes[uri]
    assert all(e.range.start.line == e.range.end.line for e in edits)
    # applying it leaves nothing to fix
    version = s.change(uri, (0, 0), (len(text.splitlines()) + 1, 0), fixed)
    diags = await s.diagnostics(uri, version, until=lambda d: "PR101" not in codes(d))
    assert "PR101" not in codes(diags)


async def test_ignore_line_action(session_factory):
    s = session_factory()
    await s.initialize()
    uri = s.open("app/ignore.py", PR101_TEXT)
    await s.diagnostics(uri, 1, until=lambda d: "PR101" in codes(d))
    actions = await s.code_actions(uri, (2, 4), (2, 10), only=["quickfix"])
    (ignore,) = [a for a in actions if a.title == "Ignore PR101 for this line"]
    new_text = s.apply(uri, await s.resolved_edit(ignore))
    assert new_text.splitlines()[2] == "x = datetime.utcnow()  # noqa: PR101"
    lines = len(PR101_TEXT.splitlines())
    version = s.change(uri, (0, 0), (lines, 0), new_text)
    diags = await s.diagnostics(uri, version, until=lambda d: "PR101" not in codes(d))
    assert "PR101" not in codes(diags)


async def test_hover_shows_message_short_why_and_link(session_factory):
    s = session_factory()
    await s.initialize()
    uri = s.open("app/hover.py", PR101_TEXT)
    await s.diagnostics(uri, 1, until=lambda d: "PR101" in codes(d))
    hover = await asyncio.wait_for(s.client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(2, 8))), 20)
    assert hover is not None
    assert hover.contents.kind == types.MarkupKind.Markdown
    value = hover.contents.value
    assert value.startswith("**PR101** `datetime.utcnow()` returns a naive datetime")
    assert "holds UTC wall-clock time" in value  # the why, in short
    assert "[naive-utcnow (PR101)](" in value and "docs/rules/PR101-naive-utcnow.md)" in value
    # Not the whole page: no headings, examples or code blocks in a tooltip.
    assert "##" not in value and "```" not in value and "Examples the rule is tested with" not in value
    assert len(value) < 800
    nothing = await asyncio.wait_for(s.client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(0, 2))), 20)
    assert nothing is None


async def test_configuration_change_disables_rule(session_factory):
    s = session_factory()
    await s.initialize(settings={"debounce": 0})
    uri = s.open("app/config.py", PR101_TEXT)
    await s.diagnostics(uri, 1, until=lambda d: "PR101" in codes(d))
    s.client.set_configuration({"debounce": 0, "ignore": ["naive-utcnow"]}, section="prodready")
    before = len(s.client.published)
    s.client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=None))
    if s.pull:
        diags = await s.diagnostics(uri, until=lambda d: "PR101" not in codes(d))
    else:
        await s.wait_for(lambda: any(p.uri == uri and "PR101" not in codes(p.diagnostics)
                                     for p in s.client.published[before:]), "diagnostics without PR101")
        diags = s.client.diagnostics[uri]
    assert "PR101" not in codes(diags)


async def test_file_that_stops_parsing_keeps_other_findings(session_factory):
    s = session_factory()
    await s.initialize()
    text = ("from datetime import datetime\n\n\ndef a():\n    return datetime.utcnow()\n\n\n"
            "def b():\n    return 1\n\n\ndef c():\n    return datetime.utcnow()\n")
    uri = s.open("app/broken.py", text)
    await s.diagnostics(uri, 1, until=lambda d: codes(d).count("PR101") == 2)
    # type an unclosed call inside b()
    version = s.change(uri, (8, 12), (8, 12), " + int(")
    diags = await s.diagnostics(uri, version, until=lambda d: "syntax-error" in codes(d))
    assert codes(diags).count("PR101") == 2  # a() and c() keep their findings
    (err,) = [d for d in diags if d.code == "syntax-error"]
    assert err.severity == types.DiagnosticSeverity.Error
    assert 7 <= err.range.start.line <= 12
    # close it again: the syntax error goes away
    version = s.change(uri, (8, 19), (8, 19), ")")
    diags = await s.diagnostics(uri, version, until=lambda d: "syntax-error" not in codes(d))
    assert codes(diags) == ["PR101", "PR101"]


async def test_rule_that_raises_is_logged_and_server_keeps_answering(session_factory):
    s = session_factory()
    await s.initialize()
    text = PR101_TEXT + "prodready_test_boom()\n"
    uri = s.open("app/faulty.py", text)
    diags = await s.diagnostics(uri, 1, until=lambda d: "PR101" in codes(d))
    assert "PR999" not in codes(diags)
    await s.wait_for(lambda: any("PR999" in m.message for m in s.client.log_messages), "a log message about PR999")
    logged = [m for m in s.client.log_messages if "PR999" in m.message]
    assert logged[0].type == types.MessageType.Error
    # still answering requests and analysing changes
    version = s.change(uri, (4, 0), (4, 0), "y = datetime.utcnow()\n")
    diags = await s.diagnostics(uri, version, until=lambda d: codes(d).count("PR101") == 2)
    actions = await s.code_actions(uri, (2, 6), (2, 6))
    assert actions
    assert len([m for m in s.client.log_messages if "PR999" in m.message]) >= 1


async def test_debounce_publishes_only_the_last_version(session_factory):
    s = session_factory()
    await s.initialize(options={"debounce": 400})
    uri = s.open("app/debounce.py", PR101_TEXT)
    if s.pull:
        # Pull clients ask for diagnostics themselves: after rapid changes the answer is for the last.
        for k in range(6):
            s.change(uri, (3 + k, 0), (3 + k, 0), f"v{k} = datetime.utcnow()\n")
        report = await s.pull_report(uri)
        assert codes(report.items).count("PR101") == 7
        assert not s.client.published  # a pull client never gets pushed diagnostics
        return
    await s.diagnostics(uri, 1)
    start = len(s.client.published)
    last = 1
    for k in range(6):
        last = s.change(uri, (3 + k, 0), (3 + k, 0), f"v{k} = datetime.utcnow()\n")
    diags = await s.diagnostics(uri, last)
    assert codes(diags).count("PR101") == 7
    await asyncio.sleep(0.5)  # give a wrongly scheduled older result the chance to show up
    versions = [p.version for p in s.client.published[start:] if p.uri == uri]
    assert versions == [last]


async def test_bad_pyproject_config_is_reported(session_factory, tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.prodready]\nselect = 5\n')
    s = session_factory()
    await s.initialize()
    uri = s.open("app/badconfig.py", PR405_TEXT)
    diags = await s.diagnostics(uri, 1, until=lambda d: "PR405" in codes(d))
    assert "PR405" in codes(diags)  # the defaults are used (PR405 is on by default)
    message = await s.wait_for(lambda: [m for m in s.client.messages if "select" in m.message], "a warning")
    assert message[0].type == types.MessageType.Warning
    # fixing the file (and telling the server) applies it
    (tmp_path / "pyproject.toml").write_text('[tool.prodready]\nignore = ["PR405"]\n')
    s.client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(changes=[
        types.FileEvent(uri=(tmp_path / "pyproject.toml").as_uri(), type=types.FileChangeType.Changed)]))
    if s.pull:
        diags = await s.diagnostics(uri, until=lambda d: "PR405" not in codes(d))
    else:
        await s.wait_for(lambda: "PR405" not in codes(s.client.diagnostics.get(uri, [])), "PR405 to go away")


async def test_bad_editor_setting_keeps_last_good_config(session_factory):
    s = session_factory()
    await s.initialize(options={"debounce": 0, "severity": {"PR101": "loud"}})
    uri = s.open("app/badsetting.py", PR101_TEXT)
    diags = await s.diagnostics(uri, 1, until=lambda d: "PR101" in codes(d))
    assert [d.severity for d in diags if d.code == "PR101"] == [types.DiagnosticSeverity.Warning]
    await s.wait_for(lambda: [m for m in s.client.messages if "loud" in m.message], "a warning about the severity")


async def test_binary_and_close(session_factory):
    s = session_factory()
    await s.initialize()
    uri = s.open("app/binary.py", "x = 1\x00\n")
    diags = await s.diagnostics(uri, 1, until=lambda d: bool(d))
    assert codes(diags) == ["decode-error"]
    if not s.pull:
        s.client.text_document_did_close(types.DidCloseTextDocumentParams(
            text_document=types.TextDocumentIdentifier(uri=uri)))
        await s.wait_for(lambda: s.client.published[-1].uri == uri and len(s.client.published[-1].diagnostics) == 0,
                         "diagnostics cleared on close")


async def test_config_watcher_and_refresh(session_factory, lsp):
    """VS Code registers a pyproject watcher dynamically; a pull client with refresh support
    gets workspace/diagnostic/refresh after a configuration change."""
    from pytest_lsp import client_capabilities

    s = session_factory()
    if s.profile.startswith("neovim"):
        caps = client_capabilities(s.profile)
        caps.workspace.diagnostics = types.DiagnosticWorkspaceClientCapabilities(refresh_support=True)
        s.client.capabilities = None
        await s.client.initialize_session(types.InitializeParams(
            capabilities=caps, root_uri=s.root.as_uri(), initialization_options={"debounce": 0}))
        s.encoding = "utf-8"
        uri = s.open("app/refresh.py", PR101_TEXT)
        await s.diagnostics(uri, 1, until=lambda d: "PR101" in codes(d))
        s.client.workspace_did_change_configuration(types.DidChangeConfigurationParams(
            settings={"prodready": {"ignore": ["PR101"]}}))
        await s.wait_for(lambda: s.client.diagnostic_refresh_count > 0, "a diagnostic refresh request")
        diags = await s.diagnostics(uri, until=lambda d: "PR101" not in codes(d))
        assert "PR101" not in codes(diags)
    else:
        await s.initialize()
        registrations = await s.wait_for(lambda: s.client.registrations, "a capability registration")
        (registration,) = registrations
        assert registration.method == types.WORKSPACE_DID_CHANGE_WATCHED_FILES
        globs = [w["globPattern"] for w in registration.register_options["watchers"]]
        assert "**/pyproject.toml" in globs


def test_module_entry_point_runs():
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-m", "prodready.server", "--help"], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0 and "--debounce" in result.stdout


async def test_pyproject_change_applies_without_a_watcher(session_factory, tmp_path):
    s = session_factory()
    await s.initialize()
    uri = s.open("app/stamp.py", PR101_TEXT)
    await s.diagnostics(uri, 1, until=lambda d: "PR101" in codes(d))
    (tmp_path / "pyproject.toml").write_text('[tool.prodready]\npreview = true\nignore = ["naive-utcnow"]\n')
    version = s.change(uri, (3, 0), (3, 0), "y = 1\n")
    diags = await s.diagnostics(uri, version, until=lambda d: "PR101" not in codes(d))
    assert "PR101" not in codes(diags)


async def test_huge_file_gets_one_diagnostic(session_factory):
    s = session_factory()
    await s.initialize()
    uri = s.open("app/huge.py", "x = 1\n" * 900_000)  # 5.4 MB
    diags = await s.diagnostics(uri, 1, until=lambda d: bool(d))
    assert codes(diags) == ["too-large"]
    assert diags[0].severity == types.DiagnosticSeverity.Information
    # the server keeps answering
    small = s.open("app/small.py", PR101_TEXT)
    assert "PR101" in codes(await s.diagnostics(small, 1, until=lambda d: "PR101" in codes(d)))
