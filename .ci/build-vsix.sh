#!/usr/bin/env bash
# Builds the VS Code extension package editors/vscode/prodready-<target>-<version>.vsix
# from a clean checkout:
#   npm ci -> type check -> esbuild bundle -> prodready + dependencies into bundled/libs
#   -> vsce package --target <target>
# Usage: .ci/build-vsix.sh [target]     (default linux-x64; see editors/vscode/README.md)
# Environment: PYTHON (default python3) is the Python whose pip builds bundled/libs.
# Idempotent: bundled/libs, dist/ and the .vsix are recreated on every run.
set -euo pipefail

TARGET="${1:-${VSIX_TARGET:-linux-x64}}"
PYTHON="${PYTHON:-python3}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
EXT="$ROOT/editors/vscode"

die() { echo "build-vsix: error: $*" >&2; exit 1; }
step() { echo; echo "==> [${SECONDS}s] $*"; }

command -v node >/dev/null || die "node is not installed"
command -v npm >/dev/null || die "npm is not installed"
command -v "$PYTHON" >/dev/null || die "$PYTHON is not installed"
"$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 10))' || die "$PYTHON must be Python 3.10 or newer"

cd "$EXT"
# One build at a time in this checkout (two would clobber node_modules and bundled/libs).
if command -v flock >/dev/null; then
  exec 9>"$EXT/.build.lock"
  flock 9
fi
VERSION="$(node -p 'require("./package.json").version')"
VSIX="$EXT/prodready-$TARGET-$VERSION.vsix"

step "npm ci"
npm ci --no-audit --no-fund

step "type check"
npx --no-install tsc --noEmit -p .

step "bundle the extension (esbuild)"
rm -rf dist
node esbuild.mjs --production
test -s dist/extension.js || die "esbuild produced no dist/extension.js"

step "install prodready into bundled/libs for $TARGET"
"$PYTHON" scripts/bundle_python.py --project "$ROOT" --target "$TARGET" --out bundled/libs

step "scan the extension's own files for secrets"
# vsce's built-in scan reads every packaged file, which takes minutes for the thousands of
# files of bundled/libs (third-party code); run the same secretlint rules on ours instead.
node node_modules/secretlint/bin/secretlint.js --secretlintrc .secretlintrc.json \
  dist/extension.js package.json README.md CHANGELOG.md bundled/tool/server.py

step "package $VSIX"
rm -f "$VSIX"
npx --no-install vsce package --target "$TARGET" --no-dependencies --allow-missing-repository \
  --allow-package-all-secrets --allow-package-env-file --out "$VSIX"
test -s "$VSIX" || die "vsce produced no $VSIX"
echo
echo "built $VSIX in ${SECONDS}s"
