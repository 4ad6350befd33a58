#!/usr/bin/env bash
# Builds the Linux installers of Enkash Desktop into dist/:
#   dist/enkash-desktop/                          the PyInstaller bundle (one folder)
#   dist/enkash-desktop_<version>_<arch>.deb       for Debian 12+ / Ubuntu 22.04+
#   dist/enkash-desktop-<version>-linux-<arch>.tar.gz   the same bundle, to unpack anywhere
#
# Needs only the project's .venv (scripts/setup.sh makes it); installs PyInstaller into that
# venv when it is missing, and nothing else. Needs dpkg-deb and objdump (binutils) on the
# build host, and Qt's xcb libraries (see packaging/README.md).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

say() { printf '\033[1m[build-linux]\033[0m %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

PY=.venv/bin/python
[ -x "$PY" ] || die "The project venv is missing: run 'bash scripts/setup.sh' first, then try again."
for tool in dpkg-deb objdump tar; do
  command -v "$tool" >/dev/null 2>&1 ||
    die "The '$tool' command is missing: install it with 'sudo apt-get install dpkg-dev binutils tar'."
done
if [ ! -x .venv/bin/pyinstaller ]; then
  say "PyInstaller is not in .venv, so it will be installed there (pip install 'pyinstaller>=6.22,<7')."
  .venv/bin/pip install --quiet 'pyinstaller>=6.22,<7'
fi

VERSION="$("$PY" -c 'import enkash_desktop; print(enkash_desktop.__version__)')"
ARCH="$(dpkg --print-architecture)"
MACHINE="$(uname -m)"
BUNDLE=dist/enkash-desktop
DEB="dist/enkash-desktop_${VERSION}_${ARCH}.deb"
TARBALL="dist/enkash-desktop-${VERSION}-linux-${MACHINE}.tar.gz"
STAGE=build/deb-root
START=$SECONDS

# Debian packages the bundle takes from the system. PyInstaller never bundles libGL/libEGL;
# without fontconfig-config every glyph is a box; the libraries the spec leaves out of the
# bundle (SYSTEM_LIBS in enkash-desktop.spec) are listed after libfontconfig1.
DEPENDS="libgl1, libegl1, fontconfig-config, libxkbcommon0, libxkbcommon-x11-0, libxcb-cursor0, \
libxcb-icccm4, libxcb-keysyms1, libxcb-shape0, libglib2.0-0, libdbus-1-3, libfontconfig1, \
libfreetype6, libx11-6, libx11-xcb1, libxcb1, libxcb-glx0, libxcb-image0, libxcb-randr0, \
libxcb-render0, libxcb-render-util0, libxcb-shm0, libxcb-sync1, libxcb-util1, libxcb-xfixes0, \
libxcb-xkb1, libc6, libstdc++6, libgcc-s1, zlib1g, libffi8, libsqlite3-0, libssl3"
RECOMMENDS="gnome-keyring"

say "Building Enkash Desktop ${VERSION} for ${ARCH} with $(.venv/bin/pyinstaller --version | sed 's/^/PyInstaller /')."
rm -rf "$BUNDLE" build/pyinstaller "$STAGE" "$DEB" "$TARBALL"
.venv/bin/pyinstaller --noconfirm --clean --log-level WARN \
  --distpath dist --workpath build/pyinstaller packaging/enkash-desktop.spec
[ -x "$BUNDLE/enkash-desktop" ] || die "PyInstaller did not produce $BUNDLE/enkash-desktop."

say "Staging the .deb contents in $STAGE."
install -d -m 0755 "$STAGE/DEBIAN" "$STAGE/opt" "$STAGE/usr/bin" "$STAGE/usr/share/applications" \
  "$STAGE/usr/share/metainfo" "$STAGE/usr/share/icons/hicolor/scalable/apps" \
  "$STAGE/usr/share/doc/enkash-desktop"
cp -a "$BUNDLE" "$STAGE/opt/enkash-desktop"
# The bootloader finds _internal/ through the real path, so plain symlinks work as launchers.
ln -s /opt/enkash-desktop/enkash-desktop "$STAGE/usr/bin/enkash-desktop"
ln -s /opt/enkash-desktop/enkash-sso "$STAGE/usr/bin/enkash-sso"

DESKTOP=resources/enkash-desktop.desktop
[ -f "$DESKTOP" ] || DESKTOP=packaging/linux/enkash-desktop.desktop
install -m 0644 "$DESKTOP" "$STAGE/usr/share/applications/enkash-desktop.desktop"

METAINFO="$(ls resources/*.metainfo.xml 2>/dev/null | head -1 || true)"
[ -n "$METAINFO" ] || METAINFO=packaging/linux/com.enkash.desktop.metainfo.xml
sed -e "s/@VERSION@/${VERSION}/" -e "s/@DATE@/$(date -u +%Y-%m-%d)/" "$METAINFO" \
  > "$STAGE/usr/share/metainfo/$(basename "$METAINFO")"
chmod 0644 "$STAGE/usr/share/metainfo/$(basename "$METAINFO")"

shopt -s nullglob
for png in resources/icons/enkash-desktop-*.png; do
  size="${png##*-}"; size="${size%.png}"
  install -d -m 0755 "$STAGE/usr/share/icons/hicolor/${size}x${size}/apps"
  install -m 0644 "$png" "$STAGE/usr/share/icons/hicolor/${size}x${size}/apps/enkash-desktop.png"
done
shopt -u nullglob
if [ -f resources/enkash-desktop.svg ]; then
  install -m 0644 resources/enkash-desktop.svg "$STAGE/usr/share/icons/hicolor/scalable/apps/enkash-desktop.svg"
fi
cat > "$STAGE/usr/share/doc/enkash-desktop/copyright" <<COPYRIGHT
Enkash Desktop ${VERSION}
Copyright (C) $(date -u +%Y) EnKash. Proprietary software for internal distribution only.
The bundled Python, Qt (LGPLv3, PySide6) and Python packages keep their own licences.
COPYRIGHT
chmod 0644 "$STAGE/usr/share/doc/enkash-desktop/copyright"
# A native package's changelog and the two programs' manual pages (lintian asks for them;
# packaging/linux/lintian-explained.txt lists what is left and why).
cat > "$STAGE/usr/share/doc/enkash-desktop/changelog" <<CHANGELOG
enkash-desktop (${VERSION}) unstable; urgency=medium

  * Enkash Desktop ${VERSION}.

 -- Enkash Desktop team <enkash-desktop@localhost>  $(date -u -R)
CHANGELOG
gzip -9n "$STAGE/usr/share/doc/enkash-desktop/changelog"
install -d -m 0755 "$STAGE/usr/share/man/man1"
for page in packaging/linux/enkash-desktop.1 packaging/linux/enkash-sso.1; do
  sed "s/@VERSION@/${VERSION}/" "$page" | gzip -9n > "$STAGE/usr/share/man/man1/$(basename "$page").gz"
  chmod 0644 "$STAGE/usr/share/man/man1/$(basename "$page").gz"
done
# Shared libraries are loaded, not run: no execute bit (lintian: shared-library-is-executable).
find "$STAGE/opt/enkash-desktop" -type f \( -name '*.so' -o -name '*.so.*' \) -exec chmod 0644 {} +

INSTALLED_KB="$(du -sk --exclude=DEBIAN "$STAGE" | cut -f1)"
cat > "$STAGE/DEBIAN/control" <<CONTROL
Package: enkash-desktop
Version: ${VERSION}
Section: utils
Priority: optional
Architecture: ${ARCH}
Maintainer: Enkash Desktop team <enkash-desktop@localhost>
Installed-Size: ${INSTALLED_KB}
Depends: ${DEPENDS}
Recommends: ${RECOMMENDS}
Description: Mint an EnKash rewards SSO token for a cardholder
 Enkash Desktop mints an EnKash rewards single sign-on (SSO) token for a
 cardholder and opens the rewards portal as that cardholder. It includes the
 enkash-sso command and a built-in demo mode. Secrets are kept in the system
 keyring (gnome-keyring is recommended).
CONTROL
chmod 0644 "$STAGE/DEBIAN/control"
# Nothing group- or world-writable, whatever the umask was.
chmod -R go-w "$STAGE"
find "$STAGE" -type d -exec chmod 0755 {} +

say "Packing $DEB (xz; this takes about half a minute)."
dpkg-deb --root-owner-group -Zxz --build "$STAGE" "$DEB" >/dev/null
say "Packing $TARBALL."
tar -C dist --owner=0 --group=0 --numeric-owner -czf "$TARBALL" enkash-desktop

size() { du -sh "$1" | cut -f1; }
cat >&2 <<SUMMARY

Enkash Desktop ${VERSION} was built in $((SECONDS - START)) s:
  $BUNDLE/   $(size "$BUNDLE") unpacked
  $DEB   $(size "$DEB")
  $TARBALL   $(size "$TARBALL")

The .deb installs:
  /opt/enkash-desktop/                          the program (enkash-desktop, enkash-sso, _internal/)
  /usr/bin/enkash-desktop, /usr/bin/enkash-sso  links to the two programs
  /usr/share/applications/enkash-desktop.desktop
  /usr/share/icons/hicolor/*/apps/enkash-desktop.{png,svg}
  /usr/share/metainfo/$(basename "$METAINFO")
  /usr/share/doc/enkash-desktop/copyright
It depends on Qt's system libraries (${DEPENDS%%, libfreetype6*}, ...) and recommends ${RECOMMENDS}.
Install it with: sudo apt install ./$DEB
Check an installed copy with: enkash-desktop --self-test
SUMMARY
