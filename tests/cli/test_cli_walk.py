"""Which files are checked: extensions, excludes, .gitignore."""

from __future__ import annotations

import pytest

from cli_helpers import PYPROJECT, UTCNOW, write

from prodready.cli.gitignore import compile_pattern


def checked(run) -> list[str]:
    return sorted(line.split(":", 1)[0] for line in run.out.splitlines() if ": PR101" in line)


def test_python_files_only(project, cli):
    write(project, {"a.py": UTCNOW, "b.pyi": UTCNOW, "c.txt": UTCNOW, "script": "#!/usr/bin/env python3\n" + UTCNOW})
    assert checked(cli("check")) == ["a.py", "b.pyi"]
    assert checked(cli("check", "script")) == ["script"]
    run = cli("check", "c.txt")
    assert "c.txt: skipped, not a Python file" in run.err and run.code == 0


def test_default_excludes(project, cli):
    write(project, {f"{d}/x.py": UTCNOW for d in (".venv", "venv", "node_modules", "build", "dist", ".tox", "lib/site-packages", "__pycache__", ".git")})
    write(project, {"src/app.py": UTCNOW})
    assert checked(cli("check")) == ["src/app.py"]


def test_exclude_options(project, cli):
    write(project, {"src/app.py": UTCNOW, "src/gen/x.py": UTCNOW, "legacy/old.py": UTCNOW, "build/b.py": UTCNOW})
    assert checked(cli("check", "--extend-exclude", "gen,legacy/*.py")) == ["src/app.py"]
    assert checked(cli("check", "--exclude", "gen")) == ["build/b.py", "legacy/old.py", "src/app.py"]
    (project / "pyproject.toml").write_text(PYPROJECT + 'extend-exclude = ["src/gen"]\n')
    assert checked(cli("check")) == ["legacy/old.py", "src/app.py"]


def test_named_paths_are_checked_unless_force_exclude(project, cli):
    write(project, {"build/b.py": UTCNOW, "src/app.py": UTCNOW, ".gitignore": "src/app.py\n"})
    assert checked(cli("check", "build/b.py")) == ["build/b.py"]
    assert checked(cli("check", "build")) == ["build/b.py"]
    assert checked(cli("check", "src/app.py")) == ["src/app.py"]
    assert checked(cli("check", "build/b.py", "src/app.py", "--force-exclude")) == []
    assert checked(cli("check", "build", "--force-exclude")) == []


def test_gitignore_nested_negation_anchored_dir_only(project, cli):
    write(project, {
        ".gitignore": "# comment\n*_gen.py\n/top_only.py\ncache/\n!keep_gen.py\ndocs/**/example.py\n",
        "a_gen.py": UTCNOW,
        "keep_gen.py": UTCNOW,
        "top_only.py": UTCNOW,
        "pkg/top_only.py": UTCNOW,
        "pkg/cache/c.py": UTCNOW,
        "pkg/cache.py": UTCNOW,  # a file called cache: dir-only pattern does not match
        "docs/a/b/example.py": UTCNOW,
        "docs/example2.py": UTCNOW,
        "sub/.gitignore": "!b_gen.py\nlocal.py\n",
        "sub/b_gen.py": UTCNOW,
        "sub/c_gen.py": UTCNOW,
        "sub/local.py": UTCNOW,
        "local.py": UTCNOW,
    })
    assert checked(cli("check")) == [
        "docs/example2.py", "keep_gen.py", "local.py", "pkg/cache.py", "pkg/top_only.py", "sub/b_gen.py",
    ]
    assert len(checked(cli("check", "--no-respect-gitignore"))) == 12


def test_gitignore_applies_from_parent_and_git_root(project, cli):
    (project / ".git").mkdir()
    write(project, {".gitignore": "ignored/\n", "src/ignored/x.py": UTCNOW, "src/ok.py": UTCNOW,
                    ".git/info/exclude": "secret_*.py\n", "src/secret_a.py": UTCNOW})
    assert checked(cli("check", "src")) == ["src/ok.py"]


def test_ignored_folder_cannot_be_reincluded(project, cli):
    write(project, {".gitignore": "out/\n!out/keep.py\n", "out/keep.py": UTCNOW})
    assert checked(cli("check")) == []


def test_respect_gitignore_config(project, cli):
    (project / "pyproject.toml").write_text(PYPROJECT + "respect-gitignore = false\n")
    write(project, {".gitignore": "*.py\n", "a.py": UTCNOW})
    assert checked(cli("check")) == ["a.py"]
    assert checked(cli("check", "--respect-gitignore")) == []


def test_folder_symlink_not_followed(project, cli):
    write(project, {"real/a.py": UTCNOW})
    (project / "loop").symlink_to(project, target_is_directory=True)
    assert checked(cli("check")) == ["real/a.py"]


def test_duplicate_paths_checked_once(project, cli):
    write(project, {"a.py": UTCNOW})
    assert checked(cli("check", "a.py", ".", "./a.py")) == ["a.py"]


def test_the_same_files_through_a_linked_folder_are_checked_once(project, cli):
    """Files are told apart by their real paths: a folder given twice, once through a link,
    and a file link beside its target are each checked once."""
    write(project, {"pkg/a.py": UTCNOW, "pkg/sub/b.py": UTCNOW})
    (project / "linked").symlink_to(project / "pkg", target_is_directory=True)
    (project / "pkg" / "alias.py").symlink_to(project / "pkg" / "a.py")
    run = cli("check", "pkg", "linked", "linked/sub/b.py")
    assert sorted(checked(run)) == ["pkg/a.py", "pkg/sub/b.py"]


@pytest.mark.parametrize("pattern, path, is_dir, expected", [
    ("*.pyc", "a/b.pyc", False, True),
    ("/build", "build", True, True),
    ("/build", "x/build", True, False),
    ("build/", "x/build", True, True),
    ("build/", "x/build", False, False),
    ("**/foo", "a/b/foo", False, True),
    ("**/foo", "foo", False, True),
    ("a/**/b", "a/b", False, True),
    ("a/**/b", "a/x/y/b", False, True),
    ("abc/**", "abc/x/y", False, True),
    ("abc/**", "abc", True, False),
    ("doc/*.txt", "doc/a.txt", False, True),
    ("doc/*.txt", "x/doc/a.txt", False, False),
    ("doc/*.txt", "doc/sub/a.txt", False, False),
    ("[ab].py", "x/a.py", False, True),
    ("[!ab].py", "x/a.py", False, False),
    ("?.py", "x/ab.py", False, False),
    ("\\#x", "#x", False, True),
    ("\\!x", "!x", False, True),
    ("foo\\ ", "foo ", False, True),
    ("foo   ", "foo", False, True),
])
def test_gitignore_patterns(pattern, path, is_dir, expected):
    assert compile_pattern(pattern).matches(path, is_dir) is expected


def test_gitignore_comments_and_blanks():
    assert compile_pattern("# x") is None
    assert compile_pattern("   ") is None
    assert compile_pattern("!keep").negate
