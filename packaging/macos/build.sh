#!/usr/bin/env bash
# Builds the macOS app of Enkash Desktop:
#   dist/Enkash Desktop.app                         (PyInstaller BUNDLE, see enkash-desktop.spec)
#   dist/EnkashDesktop-<version>-macos-<arch>.dmg   a compressed disk image with an Applications link
# Needs the project's .venv (python3 -m venv .venv && .venv/bin/pip install -e .); installs
# PyInstaller into it when missing.
#
# Signing (packaging/README.md, "Signing"): with MACOS_SIGN_IDENTITY (a "Developer ID
# Application: ..." identity in the keychain) the app and the disk image are signed with the
# hardened runtime and a timestamp; with MACOS_NOTARY_PROFILE (a `xcrun notarytool
# store-credentials` profile) or APPLE_ID + APPLE_TEAM_ID + APPLE_APP_PASSWORD the disk image
# is also notarised and stapled. Without them the output is unsigned and the script says so.
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

if [ -n "${MACOS_SIGN_IDENTITY:-}" ]; then
  say "Signing the app as '${MACOS_SIGN_IDENTITY}'."
  # Inside out: every library and program first, then the bundle itself.
  find "$APP/Contents" -type f \( -name '*.dylib' -o -name '*.so' -o -perm -u+x \) -print0 |
    while IFS= read -r -d '' binary; do
      file -b "$binary" | grep -q 'Mach-O' || continue
      codesign --force --timestamp --options runtime --sign "$MACOS_SIGN_IDENTITY" "$binary"
    done
  codesign --force --timestamp --options runtime --sign "$MACOS_SIGN_IDENTITY" "$APP"
  codesign --verify --deep --strict --verbose=2 "$APP"
fi

say "Making $DMG."
STAGE="$(mktemp -d)"
cp -R "$APP" "$STAGE/"
ln -s /Applications "$STAGE/Applications"
hdiutil create -volname "Enkash Desktop ${VERSION}" -srcfolder "$STAGE" -fs HFS+ \
  -format UDZO -imagekey zlib-level=9 -ov "$DMG" >/dev/null
rm -rf "$STAGE"

if [ -n "${MACOS_SIGN_IDENTITY:-}" ]; then
  codesign --force --timestamp --sign "$MACOS_SIGN_IDENTITY" "$DMG"
  codesign --verify --verbose=2 "$DMG"
  if [ -n "${MACOS_NOTARY_PROFILE:-}" ]; then
    say "Notarising $DMG (this takes a few minutes)."
    xcrun notarytool submit "$DMG" --keychain-profile "$MACOS_NOTARY_PROFILE" --wait
  elif [ -n "${APPLE_ID:-}" ] && [ -n "${APPLE_TEAM_ID:-}" ] && [ -n "${APPLE_APP_PASSWORD:-}" ]; then
    say "Notarising $DMG (this takes a few minutes)."
    xcrun notarytool submit "$DMG" --apple-id "$APPLE_ID" --team-id "$APPLE_TEAM_ID" \
      --password "$APPLE_APP_PASSWORD" --wait
  else
    say "The app is signed but NOT notarised (set MACOS_NOTARY_PROFILE, or APPLE_ID, APPLE_TEAM_ID and APPLE_APP_PASSWORD). Gatekeeper will still refuse to open it on other Macs until it is notarised."
  fi
  if [ -n "${MACOS_NOTARY_PROFILE:-}${APPLE_ID:-}" ]; then
    xcrun stapler staple "$DMG"
    spctl --assess --type open --context context:primary-signature --verbose=2 "$DMG"
  fi
else
  say "The app and the disk image are NOT signed (set MACOS_SIGN_IDENTITY to sign). Gatekeeper will say that 'Enkash Desktop' cannot be opened because Apple cannot check it for malicious software; users must right-click > Open once, or IT must allow it with its device management."
fi
say "Done: $DMG (open it and drag Enkash Desktop to Applications)."
