"""[tool.prodready] parsing, validation messages and rule selection."""

import pytest

from prodready.core.config import Config, ConfigError
from prodready.core.findings import Severity


class FakeRule:
    def __init__(self, code, name):
        self.code, self.name = code, name


UTC = FakeRule("PR101", "naive-utcnow")
SECRET = FakeRule("PR201", "hardcoded-secret")


def test_defaults_enable_everything():
    config = Config()
    assert config.rule_enabled(UTC) and config.rule_enabled(SECRET)


def test_select_by_prefix_and_ignore_by_name():
    config = Config.from_mapping({"select": ["PR2"], "extend-select": ["naive-utcnow"], "ignore": ["hardcoded-secret"]})
    assert config.rule_enabled(UTC)
    assert not config.rule_enabled(SECRET)


def test_per_file_ignores(tmp_path):
    config = Config.from_mapping({"per-file-ignores": {"tests/*": ["PR101"]}})
    assert not config.rule_enabled(UTC, "tests/test_x.py")
    assert config.rule_enabled(UTC, "app/x.py")


def test_severity_override_and_camel_case_keys():
    config = Config.from_mapping({"severity": {"naive-utcnow": "error"}, "extendSelect": ["PR1"]})
    assert config.severity_for(UTC, Severity.WARNING) is Severity.ERROR
    assert config.extend_select == ("PR1",)


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        ({"select": 3}, "select: expected a list of strings"),
        ({"severity": {"PR101": "loud"}}, "unknown severity 'loud'"),
        ({"target-version": "py2"}, "target-version"),
        ({"request-timeout": -1}, "positive whole number"),
        ({"selekt": ["PR1"]}, "unknown setting 'selekt'"),
    ],
)
def test_invalid_values_give_clear_messages(data, fragment):
    with pytest.raises(ConfigError) as info:
        Config.from_mapping(data)
    assert fragment in str(info.value)


def test_load_pyproject_and_entrypoints(tmp_path):
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\n[project.scripts]\nx = "pkg.cli:main"\n'
        '[tool.prodready]\nignore = ["PR201"]\ntarget-version = "py312"\n'
    )
    config = Config.discover(tmp_path / "pkg")
    assert config.ignore == ("PR201",)
    assert config.target_version == (3, 12)
    assert any(p.endswith("pkg/cli.py") for p in config.option("entrypoints"))


def test_broken_toml_is_a_config_error(tmp_path):
    path = tmp_path / "pyproject.toml"
    path.write_text("[tool.prodready\n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        Config.load(path)


def test_default_excludes(tmp_path):
    config = Config(root=str(tmp_path))
    assert config.is_excluded(str(tmp_path / ".venv" / "lib" / "x.py"))
    assert config.is_excluded(str(tmp_path / "node_modules" / "x.py"))
    assert not config.is_excluded(str(tmp_path / "app" / "x.py"))
