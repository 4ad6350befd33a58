#!/usr/bin/env bash
# Builds the macOS app of Enkash Desktop:
#   dist/Enkash Desktop.app                         (PyInstaller BUNDLE, see enkash-desktop.spec)
#   dist/EnkashDesktop-<version>-macos-<arch>.dmg   a compressed disk image with an Applications link
# Needs the project's .venv (python3 -m venv .venv && .venv/bin/pip install -e .); installs
# PyInstaller into it when missing. The app is not signed or notarised (see packaging/README.md).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
say() { printf '[build-macos] %s\n' "$*" >&2; }

[ "$(uname -s)" = Darwin ] || { say "This script runs on macOS only."; exit 1; }
[ -x .venv/bin/python ] || { say "The project venv is missing: create .venv and install the project first."; exit 1; }
if [ ! -x .venv/bin/pyinstaller ]; then
  say "PyInstaller is not in .venv, so it will be installed there."
  .venv/bin/pip install --quiet 'pyinstaller>=6.22,<7'
fi

VERSION="$(.venv/bin/python -c 'import enkash_desktop; print(enkash_desktop.__version__)')"
ARCH="$(uname -m)"
APP="dist/Enkash Desktop.app"
DMG="dist/EnkashDesktop-${VERSION}-macos-${ARCH}.dmg"

say "Building Enkash Desktop ${VERSION} for ${ARCH}."
rm -rf "$APP" dist/enkash-desktop build/pyinstaller "$DMG"
.venv/bin/pyinstaller --noconfirm --clean --log-level WARN \
  --distpath dist --workpath build/pyinstaller packaging/enkash-desktop.spec

say "Checking the app with its self-test."
ENKASH_DESKTOP_HOME="$(mktemp -d)" QT_QPA_PLATFORM=offscreen \
  "$APP/Contents/MacOS/enkash-desktop" --self-test

say "Making $DMG."
STAGE="$(mktemp -d)"
cp -R "$APP" "$STAGE/"
ln -s /Applications "$STAGE/Applications"
hdiutil create -volname "Enkash Desktop ${VERSION}" -srcfolder "$STAGE" -fs HFS+ \
  -format UDZO -imagekey zlib-level=9 -ov "$DMG" >/dev/null
rm -rf "$STAGE"
say "Done: $DMG (open it and drag Enkash Desktop to Applications)."
