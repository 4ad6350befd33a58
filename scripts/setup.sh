#!/usr/bin/env bash
# Sets up everything Enkash Desktop needs, then returns; sourced by demo.sh and test.sh.
#
# On Debian/Ubuntu as root it installs the system packages below with apt-get; as another
# user it lists the missing ones with the command to install them, and stops.
# Then it makes .venv (Python >= 3.11) and installs the project with its test tools.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

# Qt's system libraries (offscreen and xcb), a virtual X server for the screenshot test,
# a real Secret Service for the keyring tests, curl for the cURL tests, fonts, and
# binutils for PyInstaller (the installer test builds the Linux packages).
DEBIAN_PACKAGES=(
  python3-venv
  libgl1 libegl1 libxkbcommon0 libglib2.0-0 libfontconfig1 fontconfig-config libdbus-1-3
  xvfb xauth libxcb-cursor0 libxkbcommon-x11-0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0
  gnome-keyring dbus curl fonts-dejavu-core binutils
)

say() { printf '\033[1m[setup]\033[0m %s\n' "$*" >&2; }

install_system_packages() {
  command -v dpkg-query >/dev/null 2>&1 || { say "Not a Debian system: skipping system packages."; return 0; }
  local missing=()
  for pkg in "${DEBIAN_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -eq 0 ]; then
    say "Installing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null || say "apt-get update failed; trying with the cached lists."
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    say "These Debian packages are missing: ${missing[*]}"
    say "Install them with: sudo apt-get install --no-install-recommends ${missing[*]}"
    exit 1
  fi
}

pick_python() {
  for candidate in "${PYTHON:-}" python3 python3.13 python3.12 python3.11; do
    [ -n "$candidate" ] || continue
    if command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
      echo "$candidate"; return 0
    fi
  done
  say "Python 3.11 or newer is needed (found: $(python3 --version 2>&1 || echo none))."
  exit 1
}

make_venv() {
  local py stamp want
  py="$(pick_python)"
  if [ ! -x .venv/bin/python ]; then
    say "Creating .venv with $("$py" --version)"
    "$py" -m venv .venv
  fi
  want="$(sha256sum pyproject.toml | cut -d' ' -f1)"
  stamp=".venv/.setup-stamp"
  if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    say "Installing Enkash Desktop and its test tools into .venv"
    .venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip
    .venv/bin/python -m pip install -q --disable-pip-version-check -e '.[test,dev,packaging]'
    echo "$want" > "$stamp"
  fi
}

install_system_packages
make_venv
