"""The production-code-path fact (core/production.py), decided on root-relative paths."""

import pytest

from prodready.core.fileinfo import FileInfo
from prodready.core.production import is_production_path, root_relative

CASES = [
    ("app/views.py", True),
    ("src/myservice/api/routes.py", True),
    ("settings/production.py", True),
    ("config/settings.py", True),
    ("manage.py", True),
    ("mypkg/testing_utils.py", True),
    ("mypkg/devices.py", True),
    ("mypkg/contest.py", True),
    ("tests/test_app.py", False),
    ("app/tests/helpers.py", False),
    ("test/utils.py", False),
    ("testing/fixtures.py", False),
    ("app/test_views.py", False),
    ("app/views_test.py", False),
    ("conftest.py", False),
    ("app/conftest.py", False),
    ("scripts/migrate_data.py", False),
    ("tools/release.py", False),
    ("docs/conf.py", False),
    ("doc/source/conf.py", False),
    ("dev/seed.py", False),
    ("examples/docker/assets/conda_store_config.py", False),
    ("example/app.py", False),
    ("eval/run_eval.py", False),
    ("evals/score.py", False),
    ("benchmarks/bench_api.py", False),
    ("bench/load.py", False),
    ("setup.py", False),
    ("noxfile.py", False),
    ("fabfile.py", False),
    ("hatch_build.py", False),
    ("configuration.example.py", False),
    ("netbox/configuration_example.py", False),
    ("production.example.py", False),
    ("settings/dev.py", False),
    ("myproj/settings/development.py", False),
    ("config/local.py", False),
    ("settings/ci.py", False),
    ("settings/test.py", False),
    ("settings_dev.py", False),
    ("settings_local.py", False),
    ("proj/dev_settings.py", False),
    ("proj/local_config.py", False),
    ("dev.py", True),  # not a settings module: the name alone says nothing
    ("contrib/cookiecutter/ext/{{cookiecutter.project}}/plugin.py", False),
    ("{{cookiecutter.slug}}/app.py", False),
]


@pytest.mark.parametrize("path, expected", CASES)
def test_is_production_path(path, expected):
    assert is_production_path(path) is expected
    assert FileInfo.for_path(path).is_production is expected


def test_temp_dir_above_the_root_does_not_count(tmp_path):
    root = tmp_path / "test_x0" / "proj"
    path = str(root / "app" / "views.py")
    rel = root_relative(path, str(root))
    assert rel == "app/views.py"
    assert is_production_path(rel)
    assert root_relative("tests/test_a.py", str(root)) == "tests/test_a.py"


def _analyze(path, text, root=None):
    from prodready.checks import all_rules
    from prodready.core.config import Config
    from prodready.core.engine import analyze_source
    from prodready.core.source import SourceFile

    config = Config(root=root, preview=True) if root else Config(preview=True)
    return analyze_source(SourceFile(text, path), config, all_rules())


def test_template_tree_gives_no_syntax_error():
    text = "class {{ cookiecutter.plugin_class_name }}Plugin(plugins.SingletonPlugin):\n    pass\n"
    analysis = _analyze("contrib/cookiecutter/ext/{{cookiecutter.project}}/plugin.py", text)
    assert analysis.problem is None and not analysis.findings
    assert _analyze("ext/plugin.py", text).problem is not None


def test_production_only_rules_quiet_on_tooling_but_not_under_a_test_named_temp_dir(tmp_path):
    text = 'SECRET_KEY = "django-insecure-8f2k$w0x"\n'
    assert not [f for f in _analyze("scripts/seed.py", text).findings if f.code == "PR201"]
    root = tmp_path / "test_x0" / "proj"
    path = str(root / "app" / "settings.py")
    assert [f for f in _analyze(path, text, root=str(root)).findings if f.code == "PR201"]


def test_folders_above_the_project_never_make_it_tooling(tmp_path, monkeypatch):
    """A checkout under ~/dev/ (or /srv/tools/) is production code: the path facts are decided
    below the nearest folder with a project marker, in the CLI and in the engine."""
    import subprocess
    import sys

    from prodready.core.production import root_relative

    project = tmp_path / "dev" / "shop"
    (project / "app").mkdir(parents=True)
    (project / "scripts").mkdir()
    (project / "requirements.txt").write_text("requests\n")
    code = "import requests\n\ndef fetch(url):\n    return requests.get(url)\n"
    (project / "app" / "views.py").write_text(code)
    (project / "scripts" / "seed.py").write_text(code)
    assert root_relative(str(project / "app" / "views.py"), None) == "app/views.py"
    assert root_relative(str(project / "scripts" / "seed.py"), None) == "scripts/seed.py"
    out = subprocess.run([sys.executable, "-P", "-m", "prodready", "check", "--no-cache", "--isolated", "-q",
                          "--select", "PR405", str(project)], cwd=tmp_path, capture_output=True, text=True).stdout
    assert "app/views.py:4:12: PR405" in out
    assert "seed.py" not in out
