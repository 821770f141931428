"""Installs prodready and its dependencies into ``bundled/libs`` for one VS Code target.

    python scripts/bundle_python.py --project ../.. --target linux-x64 --out bundled/libs

The extension runs the bundled copy with whatever interpreter the user has (3.10 or newer),
so the folder must work on every supported Python version, not only the one running pip:

1. build the prodready wheel from the project and install it with its dependencies,
   choosing binary wheels for the target's platform (so darwin/win32 packages can be built
   on Linux too);
2. pip evaluates environment markers for the *running* Python only, so requirements such as
   ``tomli; python_version < "3.11"`` are then installed for the other versions too;
3. packages with compiled modules (libcst, PyYAML) ship one extension file per Python
   version: the extension files of the same package version for each other supported
   Python are added from their wheels.

Everything is fetched from the package index pip is configured with. Fails loudly.
"""

from __future__ import annotations

import argparse
import email.parser
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

# VS Code target -> pip platform tags accepted for it.
PLATFORMS = {
    "linux-x64": ["manylinux_2_28_x86_64", "manylinux_2_17_x86_64", "manylinux2014_x86_64"],
    "linux-arm64": ["manylinux_2_28_aarch64", "manylinux_2_17_aarch64", "manylinux2014_aarch64"],
    "alpine-x64": ["musllinux_1_2_x86_64", "musllinux_1_1_x86_64"],
    "alpine-arm64": ["musllinux_1_2_aarch64", "musllinux_1_1_aarch64"],
    "darwin-x64": [
        "macosx_10_9_x86_64",
        "macosx_10_12_x86_64",
        "macosx_10_13_x86_64",
        "macosx_10_15_x86_64",
        "macosx_11_0_x86_64",
        "macosx_10_9_universal2",
        "macosx_10_12_universal2",
        "macosx_11_0_universal2",
    ],
    "darwin-arm64": ["macosx_11_0_arm64", "macosx_10_9_universal2", "macosx_10_12_universal2", "macosx_11_0_universal2"],
    "win32-x64": ["win_amd64"],
    "win32-arm64": ["win_arm64"],
}
PYTHON_VERSIONS = ["3.10", "3.11", "3.12", "3.13", "3.14"]
# Supported versions that must be complete; the others are added when wheels exist.
REQUIRED_VERSIONS = ["3.10", "3.11", "3.12", "3.13"]


def run(*args: str) -> None:
    print("+", " ".join(args), flush=True)
    subprocess.run(args, check=True)


def pip(*args: str) -> None:
    run(sys.executable, "-m", "pip", "--disable-pip-version-check", "--no-input", *args)


def platform_args(target: str) -> list[str]:
    args = ["--only-binary=:all:", "--implementation", "cp"]
    for tag in PLATFORMS[target]:
        args += ["--platform", tag]
    return args


def distributions(libs: Path) -> list[tuple[str, str, Path]]:
    found = []
    for info in sorted(libs.glob("*.dist-info")):
        meta = email.parser.Parser().parsestr((info / "METADATA").read_text(encoding="utf-8"))
        found.append((meta["Name"], meta["Version"], info))
    return found


def normalize(name: str) -> str:
    return name.lower().replace("_", "-").replace(".", "-")


def missing_marker_requirements(libs: Path) -> dict[str, tuple[str, list[str]]]:
    """Requirements needed on some supported Python version that are not installed:
    normalized name -> (requirement, the Python versions that need it)."""
    try:
        from packaging.markers import default_environment
        from packaging.requirements import Requirement
    except ImportError:  # pip always carries a copy
        from pip._vendor.packaging.markers import default_environment
        from pip._vendor.packaging.requirements import Requirement

    installed = {normalize(name) for name, _, _ in distributions(libs)}
    needed: dict[str, tuple[str, list[str]]] = {}
    for _name, _version, info in distributions(libs):
        meta = email.parser.Parser().parsestr((info / "METADATA").read_text(encoding="utf-8"))
        for line in meta.get_all("Requires-Dist") or []:
            requirement = Requirement(line)
            key = normalize(requirement.name)
            if key in installed:
                continue
            for version in PYTHON_VERSIONS:
                env = default_environment()
                env.update(python_version=version, python_full_version=f"{version}.0", extra="")
                if requirement.marker is None or requirement.marker.evaluate(env):
                    spec, versions = needed.setdefault(key, (f"{requirement.name}{requirement.specifier}", []))
                    if version not in versions:
                        versions.append(version)
    return needed


def is_extension_file(name: str) -> bool:
    return name.endswith((".so", ".pyd", ".dylib")) and "/" in name


def add_extension_modules(libs: Path, target: str, work: Path, only: dict[str, list[str]]) -> None:
    """For packages with compiled modules, adds the modules built for every Python version
    (for a package only some versions need, `only` lists those)."""
    for name, version, info in distributions(libs):
        wheel_meta = (info / "WHEEL").read_text(encoding="utf-8")
        if "Root-Is-Purelib: true" in wheel_meta:
            continue
        for python in only.get(normalize(name), PYTHON_VERSIONS):
            tag = "cp" + python.replace(".", "")
            download = work / f"{normalize(name)}-{tag}"
            download.mkdir(parents=True, exist_ok=True)
            try:
                pip(
                    "download",
                    "--no-deps",
                    "--quiet",
                    "--dest",
                    str(download),
                    "--python-version",
                    python,
                    *platform_args(target),
                    f"{name}=={version}",
                )
            except subprocess.CalledProcessError:
                if python in REQUIRED_VERSIONS:
                    raise SystemExit(f"error: no {target} wheel of {name} {version} for Python {python}")
                print(f"warning: no {target} wheel of {name} {version} for Python {python}; skipped")
                continue
            wheels = list(download.glob("*.whl"))
            if len(wheels) != 1:
                raise SystemExit(f"error: expected one wheel in {download}, found {wheels}")
            with zipfile.ZipFile(wheels[0]) as archive:
                for member in archive.namelist():
                    if not is_extension_file(member) or ".dist-info/" in member or ".data/" in member:
                        continue
                    destination = libs / member
                    if destination.exists():
                        continue
                    destination.parent.mkdir(parents=True, exist_ok=True)
                    with archive.open(member) as source, open(destination, "wb") as out:
                        shutil.copyfileobj(source, out)
                    print(f"added {member} (Python {python})")


def clean(libs: Path) -> None:
    for cache in list(libs.rglob("__pycache__")):
        shutil.rmtree(cache, ignore_errors=True)
    # Console scripts point at the build machine's interpreter; the extension never uses them.
    shutil.rmtree(libs / "bin", ignore_errors=True)
    # libcst ships its own test suite inside the package; nothing imports it at run time.
    for tests in list((libs / "libcst").rglob("tests")):
        if tests.is_dir():
            shutil.rmtree(tests)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--project", type=Path, required=True, help="the prodready source tree")
    parser.add_argument("--target", default="linux-x64", choices=sorted(PLATFORMS))
    parser.add_argument("--out", type=Path, required=True, help="the bundled/libs folder to (re)create")
    options = parser.parse_args()

    libs = options.out.resolve()
    if libs.exists():
        shutil.rmtree(libs)
    libs.mkdir(parents=True)
    with tempfile.TemporaryDirectory(prefix="prodready-bundle-") as temp:
        work = Path(temp)
        wheels = work / "wheel"
        pip("wheel", "--no-deps", "--quiet", "--wheel-dir", str(wheels), str(options.project.resolve()))
        (project_wheel,) = wheels.glob("prodready-*.whl")
        python = f"{sys.version_info.major}.{sys.version_info.minor}"
        install = ["install", "--quiet", "--no-compile", "--target", str(libs), *platform_args(options.target)]
        pip(*install, "--python-version", python, str(project_wheel))
        # Requirements of the added packages may bring in more marker-guarded ones.
        only: dict[str, list[str]] = {}
        for _round in range(5):
            extra = missing_marker_requirements(libs)
            if not extra:
                break
            for key, (spec, versions) in sorted(extra.items()):
                print(f"adding {spec} for Python {', '.join(versions)}")
                # pip checks Requires-Python against the running interpreter: skip that.
                pip(*install, "--no-deps", "--ignore-requires-python", "--python-version", versions[0], spec)
                only[key] = versions
        add_extension_modules(libs, options.target, work / "downloads", only)
    clean(libs)
    if not (libs / "prodready" / "__init__.py").is_file():
        raise SystemExit(f"error: prodready was not installed into {libs}")
    print(f"bundled {len(distributions(libs))} distributions into {libs}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
