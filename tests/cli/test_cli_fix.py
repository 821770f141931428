"""--fix, --unsafe-fixes and --diff."""

from __future__ import annotations

import os
import shutil
import stat

from cli_helpers import CLEAN, UTCNOW, parses, write

SAFE = "from datetime import datetime, timezone\nx = datetime.now(timezone.utc).replace(tzinfo=None)\n"
AWARE = "from datetime import datetime, timezone\nx = datetime.now(timezone.utc)\n"


def test_fix_tree(project, cli, fake_rules, tmp_path):
    source = tmp_path / "source"
    write(source, {
        "app/db.py": UTCNOW,
        "app/mixed.py": UTCNOW + "print(x)\neval('x')\n",
        "app/clean.py": CLEAN,
        "app/broken.py": "def (:\n",
    })
    shutil.copytree(source, project / "tree")
    run = cli("check", "tree", "--fix", "--no-cache", "--extend-select", "PR99")
    assert run.code == 1
    assert "Fixed 2 problems." in run.out
    remaining = [line for line in run.out.splitlines() if line.startswith("tree/")]
    codes = sorted(line.split()[1] for line in remaining)
    assert codes == ["PR991", "PR992", "syntax-error"]  # unsafe-only, unfixable, unparseable
    assert (project / "tree/app/db.py").read_text() == SAFE
    assert (project / "tree/app/broken.py").read_text() == "def (:\n"
    for path in (project / "tree").rglob("*.py"):
        if path.name != "broken.py":
            assert parses(path.read_text()), path
    # Nothing left that --fix can do: a second run changes nothing.
    before = {p: p.read_bytes() for p in (project / "tree").rglob("*.py")}
    again = cli("check", "tree", "--fix", "--no-cache", "--extend-select", "PR99")
    assert "Fixed" not in again.out
    assert before == {p: p.read_bytes() for p in (project / "tree").rglob("*.py")}


def test_fix_unsafe(project, cli, fake_rules):
    write(project, {"a.py": UTCNOW + "print(x)\n"})
    run = cli("check", "--fix", "--unsafe-fixes", "--no-cache", "--extend-select", "PR99")
    assert run.code == 0
    assert (project / "a.py").read_text() == AWARE + "log(x)\n"
    assert "Fixed 2 problems." in run.out and "All checks passed!" in run.out


def test_unsafe_fixes_without_fix_writes_nothing(project, cli):
    write(project, {"a.py": UTCNOW})
    run = cli("check", "--unsafe-fixes")
    assert run.code == 1
    assert (project / "a.py").read_text() == UTCNOW


def test_fix_keeps_crlf_bom_and_mode(project, cli):
    data = ("\ufeff" + UTCNOW.replace("\n", "\r\n")).encode("utf-8")
    write(project, {"a.py": data})
    os.chmod(project / "a.py", 0o751)
    assert cli("check", "--fix").code == 0
    fixed = (project / "a.py").read_bytes()
    assert fixed == ("\ufeff" + SAFE.replace("\n", "\r\n")).encode("utf-8")
    assert stat.S_IMODE(os.stat(project / "a.py").st_mode) == 0o751
    assert not [p for p in project.iterdir() if "prodready-tmp" in p.name]


def test_fix_keeps_declared_encoding(project, cli):
    text = "# -*- coding: latin-1 -*-\n# café\n" + UTCNOW
    write(project, {"a.py": text.encode("latin-1")})
    assert cli("check", "--fix").code == 0
    assert (project / "a.py").read_bytes() == ("# -*- coding: latin-1 -*-\n# café\n" + SAFE).encode("latin-1")


def test_fix_through_symlink_keeps_link(project, cli):
    write(project, {"real/a.py": UTCNOW})
    (project / "link.py").symlink_to(project / "real/a.py")
    assert cli("check", "link.py", "--fix").code == 0
    assert (project / "link.py").is_symlink()
    assert (project / "real/a.py").read_text() == SAFE


def test_diff(project, cli):
    write(project, {"a.py": UTCNOW, "b.py": CLEAN})
    run = cli("check", "--diff")
    assert run.code == 1
    assert run.out.splitlines()[:2] == ["--- a/a.py", "+++ b/a.py"]
    assert "-x = datetime.utcnow()" in run.out
    assert "+x = datetime.now(timezone.utc).replace(tzinfo=None)" in run.out
    assert "b.py" not in run.out
    assert "Would fix 1 problem." in run.err
    assert (project / "a.py").read_text() == UTCNOW  # nothing written
    # --diff wins over --fix
    assert cli("check", "--diff", "--fix").code == 1
    assert (project / "a.py").read_text() == UTCNOW


def test_diff_clean(project, cli):
    write(project, {"a.py": CLEAN})
    run = cli("check", "--diff")
    assert run.code == 0 and run.out == ""


def test_diff_no_trailing_newline(project, cli):
    write(project, {"a.py": UTCNOW.rstrip("\n")})
    run = cli("check", "--diff")
    assert "\\ No newline at end of file" in run.out


def test_fix_stale_file_not_overwritten(project, cli, monkeypatch):
    import prodready.cli.runner as runner

    write(project, {"a.py": UTCNOW})
    real = runner.write_atomic

    def racing(path, data, original):
        path.write_text(UTCNOW + "# edited meanwhile\n")
        return real(path, data, original)

    monkeypatch.setattr(runner, "write_atomic", racing)
    run = cli("check", "--fix", "--no-cache")
    assert run.code == 2
    assert "not fixed: the file changed" in run.err
    assert (project / "a.py").read_text().endswith("# edited meanwhile\n")


def test_exit_non_zero_on_fix(project, cli):
    write(project, {"a.py": UTCNOW})
    assert cli("check", "--fix", "--exit-non-zero-on-fix").code == 1
    assert cli("check", "--fix", "--exit-non-zero-on-fix").code == 0


def test_fix_does_not_write_through_a_symlink_leading_outside_the_checked_paths(project, cli, tmp_path):
    outside = tmp_path / "elsewhere"
    write(outside, {"target.py": UTCNOW})
    write(project, {"inside.py": UTCNOW})
    (project / "link.py").symlink_to(outside / "target.py")
    run = cli("check", ".", "--fix")
    assert run.code == 2
    assert f"link.py: not fixed: it is a symlink to {outside / 'target.py'}, outside the checked paths" in run.err
    assert "--fix-through-symlinks" in run.err
    assert (outside / "target.py").read_text() == UTCNOW
    assert (project / "inside.py").read_text() == SAFE


def test_fix_through_symlinks_flag_writes_the_outside_target(project, cli, tmp_path):
    outside = tmp_path / "elsewhere"
    write(outside, {"target.py": UTCNOW})
    (project / "link.py").symlink_to(outside / "target.py")
    assert cli("check", ".", "--fix", "--fix-through-symlinks").code == 0
    assert (project / "link.py").is_symlink()
    assert (outside / "target.py").read_text() == SAFE


def test_symlink_to_a_file_inside_the_checked_folder_is_fixed(project, cli):
    write(project, {"real/a.py": UTCNOW})
    (project / "link.py").symlink_to(project / "real/a.py")
    assert cli("check", ".", "--fix").code == 0
    assert (project / "real/a.py").read_text() == SAFE
