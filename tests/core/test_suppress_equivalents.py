"""Ruff/Bandit codes a rule declares as equivalent (`equivalent_codes`) silence it too."""

from prodready.api import check_text
from prodready.core.config import Config
from prodready.checks.secrets.hardcoded_secret import HardcodedSecret
from prodready.core.docs import render_markdown
from prodready.core.suppress import nosec_suppressions

SECRET = 'API_KEY = "sk-live-9f8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c"{comment}\n'
UTCNOW = "from datetime import datetime\nx = datetime.utcnow(){comment}\n"
TIMEOUT = 'import requests\nr = requests.get("https://example.com"){comment}\n'


def codes(text):
    # Preview rules (PR101, PR201) run too: these tests are about suppression comments.
    return [f.code for f in check_text(text, "app/m.py", Config(preview=True)).findings]


def test_baseline_findings():
    assert codes(SECRET.format(comment="")) == ["PR201"]
    assert codes(UTCNOW.format(comment="")) == ["PR101"]
    assert codes(TIMEOUT.format(comment="")) == ["PR405"]


def test_noqa_with_ruff_code():
    for comment in ("  # noqa: S105", "  # noqa: S106", "  # NOQA: E501, s105"):
        assert codes(SECRET.format(comment=comment)) == [], comment
    assert codes(UTCNOW.format(comment="  # noqa: DTZ003")) == []
    assert codes(TIMEOUT.format(comment="  # noqa: S113")) == []


def test_nosec_with_bandit_code():
    for comment in ("  # nosec B105", "  # nosec: B105,B106", "  # nosec B106 B105"):
        assert codes(SECRET.format(comment=comment)) == [], comment
    assert codes(TIMEOUT.format(comment="  # nosec B113")) == []


def test_bare_nosec_silences_rules_with_a_bandit_code_only():
    assert codes(SECRET.format(comment="  # nosec")) == []
    assert codes(TIMEOUT.format(comment="  # nosec - internal service")) == []
    # PR101 has no Bandit equivalent: a bare nosec is not about it.
    assert codes(UTCNOW.format(comment="  # nosec")) == ["PR101"]


def test_unrelated_code_does_not_silence():
    assert codes(SECRET.format(comment="  # noqa: S113")) == ["PR201"]
    assert codes(SECRET.format(comment="  # nosec B113")) == ["PR201"]
    assert codes(UTCNOW.format(comment="  # noqa: S105")) == ["PR101"]
    assert codes(TIMEOUT.format(comment="  # noqa: DTZ003")) == ["PR405"]


def test_nosec_parsing():
    assert nosec_suppressions("x = 1") is None
    assert nosec_suppressions("x = 1  # nosec") == set()
    assert nosec_suppressions("x = 1  # nosec: B105, B106") == {"b105", "b106"}
    assert nosec_suppressions("x = 1  # nosecure") is None


def test_docs_list_equivalent_codes():
    page = render_markdown(HardcodedSecret)
    assert "Also silenced by: `# noqa: S105`" in page
    assert "`# nosec B105`" in page
