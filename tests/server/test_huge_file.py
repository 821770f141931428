"""A file with more findings than an editor can use: the server publishes the first ones by
position and one information diagnostic with the total (README, "Use it in your editor")."""

from __future__ import annotations

from prodready.server.scheduling import MAX_PUBLISHED_PER_FILE


async def test_findings_past_the_cap_are_summarised_not_published(session_factory):
    s = session_factory()
    await s.initialize()
    total = MAX_PUBLISHED_PER_FILE + 200
    text = "import datetime\n\n" + "".join(f"T{n} = datetime.datetime.utcnow()\n" for n in range(total))
    uri = s.open("stamps.py", text)
    diagnostics = await s.diagnostics(uri)
    summary = [d for d in diagnostics if d.code == "too-many-findings"]
    findings = [d for d in diagnostics if d.code != "too-many-findings"]
    assert len(summary) == 1
    reported = int(summary[0].message.split(" findings")[0].rsplit(" ", 1)[-1].replace(",", ""))
    assert reported >= total  # every naive utcnow(), and any file-level finding (god-file)
    assert len(findings) == MAX_PUBLISHED_PER_FILE
    # the first ones by position: no PR101 past the cap's last line is published
    lines = sorted(d.range.start.line for d in findings if d.code == "PR101")
    assert lines == list(range(2, 2 + len(lines))) and len(lines) >= MAX_PUBLISHED_PER_FILE - 5


async def test_a_file_under_the_cap_is_published_in_full(session_factory):
    s = session_factory()
    await s.initialize()
    text = "import datetime\n\n" + "".join(f"T{n} = datetime.datetime.utcnow()\n" for n in range(30))
    uri = s.open("stamps.py", text)
    diagnostics = await s.diagnostics(uri)
    assert [d.code for d in diagnostics].count("PR101") == 30
    assert not [d for d in diagnostics if d.code == "too-many-findings"]
