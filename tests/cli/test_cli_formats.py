"""--format json / sarif / github / gitlab / junit / concise: well-formed and complete."""

from __future__ import annotations

import json

from cli_helpers import UTCNOW, write

import prodready
from prodready.cli.output import escape_data, escape_property
from prodready.quickfixes.apply import apply_edits
from prodready.core.findings import Edit
from prodready.core.source import SourceFile


def test_json_schema(project, cli):
    write(project, {"app/db.py": "# é\n" + UTCNOW, "app/ok.py": "x = 1\n", "bad.py": "def (:\n"})
    run = cli("check", "--format", "json")
    assert run.code == 1
    doc = json.loads(run.out)
    assert set(doc) == {"version", "tool", "findings", "summary"}
    assert doc["version"] == 1
    assert doc["tool"] == {"name": "prodready", "version": prodready.__version__}
    assert doc["summary"] == {"files": 3, "findings": 2, "by_code": {"PR101": 1, "syntax-error": 1}}
    pr101 = next(f for f in doc["findings"] if f["code"] == "PR101")
    assert set(pr101) == {"path", "code", "name", "severity", "message", "range", "fix"}
    assert pr101["path"] == "app/db.py"
    assert pr101["name"] == "naive-utcnow" and pr101["severity"] == "warning"
    assert pr101["range"] == {"start": {"line": 3, "column": 5}, "end": {"line": 3, "column": 22}}
    assert pr101["fix"]["applicability"] == "safe" and pr101["fix"]["title"]
    syntax = next(f for f in doc["findings"] if f["code"] == "syntax-error")
    assert syntax["fix"] is None and syntax["severity"] == "error" and syntax["path"] == "bad.py"


def test_json_shows_unsafe_fix_with_flag(project, cli):
    write(project, {"a.py": UTCNOW})
    doc = json.loads(cli("check", "--format", "json", "--unsafe-fixes").out)
    assert doc["findings"][0]["fix"]["applicability"] == "unsafe"


def test_json_clean(project, cli):
    write(project, {"a.py": "x = 1\n"})
    run = cli("check", "--output-format", "json")
    assert run.code == 0
    assert json.loads(run.out)["findings"] == []


def test_sarif_structure_and_fixes(project, cli):
    text = "# é\n" + UTCNOW
    write(project, {"app/db.py": text, "bad.py": "def (:\n"})
    run = cli("check", "--format", "sarif")
    assert run.code == 1
    doc = json.loads(run.out)
    assert doc["version"] == "2.1.0" and "sarif" in doc["$schema"]
    sarif_run = doc["runs"][0]
    driver = sarif_run["tool"]["driver"]
    assert driver["name"] == "prodready" and driver["version"] == prodready.__version__ and driver["informationUri"]
    rules = driver["rules"]
    ids = [r["id"] for r in rules]
    assert "PR101" in ids and "syntax-error" in ids
    for rule in rules:
        assert {"id", "name", "shortDescription", "fullDescription", "helpUri", "defaultConfiguration", "properties"} <= set(rule)
        assert rule["defaultConfiguration"]["level"] in {"error", "warning", "note"}
    results = sarif_run["results"]
    assert len(results) == 2
    pr101 = next(r for r in results if r["ruleId"] == "PR101")
    assert rules[pr101["ruleIndex"]]["id"] == "PR101"
    assert pr101["level"] == "warning" and pr101["message"]["text"]
    location = pr101["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": "app/db.py", "uriBaseId": "%SRCROOT%"}
    assert location["region"] == {"startLine": 3, "startColumn": 5, "endLine": 3, "endColumn": 22}
    fixes = pr101["fixes"]
    assert len(fixes) == 1 and fixes[0]["description"]["text"]
    change = fixes[0]["artifactChanges"][0]
    assert change["artifactLocation"]["uri"] == "app/db.py"
    # Applying the replacements reproduces the safe fix.
    source = SourceFile(text)
    edits = []
    for replacement in change["replacements"]:
        region = replacement["deletedRegion"]
        start = source.offset(region["startLine"] - 1, region["startColumn"] - 1, "utf-32")
        end = source.offset(region["endLine"] - 1, region["endColumn"] - 1, "utf-32")
        edits.append(Edit(start, end, replacement["insertedContent"]["text"]))
    assert apply_edits(text, edits) == "# é\nfrom datetime import datetime, timezone\nx = datetime.now(timezone.utc).replace(tzinfo=None)\n"
    syntax = next(r for r in results if r["ruleId"] == "syntax-error")
    assert rules[syntax["ruleIndex"]]["id"] == "syntax-error" and "fixes" not in syntax


def test_sarif_fixes_after_cache_hit(project, cli):
    write(project, {"a.py": UTCNOW})
    cli("check")  # fills the cache without edits
    doc = json.loads(cli("check", "--format", "sarif").out)
    assert doc["runs"][0]["results"][0]["fixes"]


def test_sarif_unsafe_fix_with_flag(project, cli):
    write(project, {"a.py": UTCNOW})
    doc = json.loads(cli("check", "--format", "sarif", "--unsafe-fixes").out)
    result = doc["runs"][0]["results"][0]
    assert result["properties"]["fixApplicability"] == "unsafe"
    inserted = "".join(r["insertedContent"]["text"] for r in result["fixes"][0]["artifactChanges"][0]["replacements"])
    assert "replace(tzinfo=None" not in inserted


def test_github_annotations(project, cli, fake_rules):
    write(project, {"dir,x/a:b.py": "eval('1')\n" + UTCNOW})
    run = cli("check", "--format", "github", "--no-cache", "--extend-select", "PR99")
    lines = run.out.splitlines()
    assert run.code == 1 and len(lines) == 2
    assert lines[0] == (
        "::error file=dir%2Cx/a%3Ab.py,line=1,col=1,endLine=1,endColumn=10,"
        "title=PR992 test-eval-call::eval call, with a comma, a colon: and 100%25"
    )
    assert lines[1].startswith("::warning file=dir%2Cx/a%3Ab.py,line=3,col=5,endLine=3,endColumn=22,title=PR101 naive-utcnow::")


def test_github_escaping():
    assert escape_data("a%b\r\nc") == "a%25b%0D%0Ac"
    assert escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"


# -- gitlab / junit / concise -----------------------------------------------------------------
TWO_SAME = "from datetime import datetime\n\n\ndef f():\n    a = datetime.utcnow()\n    a = datetime.utcnow()\n    return a\n"


def test_gitlab_code_quality_fields_and_fingerprints(project, cli):
    write(project, {"a.py": TWO_SAME, "pkg/b.py": UTCNOW, "bad.py": "def f(:\n"})
    run = cli("check", "--format", "gitlab", "--output", "gl-code-quality.json")
    assert run.code == 1 and run.out == ""
    issues = json.loads((project / "gl-code-quality.json").read_text())
    assert len(issues) == 4
    for issue in issues:
        assert issue["type"] == "issue"
        assert issue["description"] and issue["check_name"]
        assert issue["severity"] in {"info", "minor", "major", "critical", "blocker"}
        assert isinstance(issue["location"]["path"], str) and issue["location"]["lines"]["begin"] >= 1
    prints = [i["fingerprint"] for i in issues]
    assert len(set(prints)) == 4  # identical lines in one function still differ
    by_path = {(i["location"]["path"], i["location"]["lines"]["begin"]): i for i in issues}
    assert by_path[("bad.py", 1)]["severity"] == "blocker"
    assert by_path[("pkg/b.py", 2)]["check_name"] == "PR101 naive-utcnow"
    assert by_path[("pkg/b.py", 2)]["severity"] == "major"
    # Stable across runs and across lines added above the findings.
    write(project, {"a.py": "import os\n\n" + TWO_SAME})
    again = json.loads(cli("check", "--format", "gitlab", "--no-cache").out)
    assert sorted(i["fingerprint"] for i in again) == sorted(prints)


def test_gitlab_clean_run_is_an_empty_array(project, cli):
    write(project, {"a.py": "x = 1\n"})
    run = cli("check", "--format", "gitlab")
    assert run.code == 0 and json.loads(run.out) == []


def test_junit_is_xml_with_one_failure_per_finding(project, cli):
    import xml.etree.ElementTree as ET

    write(project, {"a.py": TWO_SAME, "b.py": UTCNOW, "c.py": "x = 1\n"})
    run = cli("check", "--format", "junit", "-o", "junit.xml")
    assert run.code == 1
    root = ET.fromstring((project / "junit.xml").read_bytes())
    assert root.tag == "testsuites" and root.get("failures") == "3"
    suites = {s.get("name"): s for s in root.findall("testsuite")}
    assert set(suites) == {"a.py", "b.py"}
    cases = suites["a.py"].findall("testcase")
    assert len(cases) == 2 and len({c.get("name") for c in cases}) == 2
    failure = cases[0].find("failure")
    assert failure.get("type") == "PR101" and "a.py:5:9: PR101" in failure.text


def test_junit_clean_run_is_one_passing_case(project, cli):
    import xml.etree.ElementTree as ET

    write(project, {"a.py": "x = 1\n"})
    root = ET.fromstring(cli("check", "--format", "junit").out)
    cases = root.findall("testsuite/testcase")
    assert len(cases) == 1 and cases[0].find("failure") is None


def test_concise_is_one_line_per_finding_and_nothing_else(project, cli):
    write(project, {"a.py": TWO_SAME})
    run = cli("check", "--format", "concise", "--color", "always")
    assert run.out.splitlines() == [
        "a.py:5:9: PR101 `datetime.utcnow()` returns a naive datetime and is deprecated since Python 3.12; use `datetime.now(timezone.utc)`",
        "a.py:6:9: PR101 `datetime.utcnow()` returns a naive datetime and is deprecated since Python 3.12; use `datetime.now(timezone.utc)`",
    ]
