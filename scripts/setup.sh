#!/usr/bin/env bash
# Sets up everything Enkash Desktop needs, then returns; sourced by demo.sh and test.sh.
#
#   source scripts/setup.sh demo   what the demo needs (the program and Qt's libraries)
#   source scripts/setup.sh        everything (also what the tests and the installer build need)
#
# On Debian/Ubuntu as root it installs the system packages below with apt-get (apt's own
# messages go to build/setup/apt.log); as another user it lists the missing ones with the
# command to install them, and stops. Then it makes .venv (Python >= 3.11) and installs the
# project into it (with its test tools, unless only the demo is wanted).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
SETUP_FOR="${1:-all}"
SETUP_START=$SECONDS
SETUP_WORKED=0
APT_LOG="$ROOT/build/setup/apt.log"

# The demo: Python's venv module, Qt's system libraries (offscreen and xcb) and a font.
DEMO_PACKAGES=(
  python3-venv
  libgl1 libegl1 libxkbcommon0 libglib2.0-0 libfontconfig1 fontconfig-config libdbus-1-3
  libxcb-cursor0 libxkbcommon-x11-0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0
  fonts-dejavu-core
)
# The tests add a virtual X server for the screenshot test, a real Secret Service for the
# keyring tests, curl for the cURL tests, and binutils for PyInstaller (the installer test
# builds the Linux packages); PyInstaller also needs Python's shared library (added below).
TEST_PACKAGES=(xvfb xauth gnome-keyring dbus curl binutils)

say() { printf '\033[1m[setup]\033[0m %s\n' "$*" >&2; }

# Debian's own Python keeps its shared library in a package of its own (libpython3.11 for
# python3.11), which PyInstaller needs; a Python built elsewhere brings its own.
python_library_package() {
  local py="$1" exe version
  exe="$(readlink -f "$(command -v "$py")")"
  dpkg-query -S "$exe" >/dev/null 2>&1 || return 0
  version="$("$py" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
  echo "libpython$version"
}

install_system_packages() {
  command -v dpkg-query >/dev/null 2>&1 || { say "Not a Debian system: skipping system packages."; return 0; }
  local wanted=("${DEMO_PACKAGES[@]}") missing=() library
  if [ "$SETUP_FOR" != demo ]; then
    wanted+=("${TEST_PACKAGES[@]}")
    library="$(python_library_package "$(pick_python)")"
    [ -z "$library" ] || wanted+=("$library")
  fi
  for pkg in "${wanted[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -eq 0 ]; then
    SETUP_WORKED=1
    mkdir -p "$(dirname "$APT_LOG")"
    say "Installing Debian packages: ${missing[*]} (apt's messages go to ${APT_LOG#"$ROOT"/})"
    export DEBIAN_FRONTEND=noninteractive
    {
      echo "== $(date -u '+%F %T') apt-get install ${missing[*]}"
      apt-get update || echo "apt-get update failed; trying with the cached lists."
    } >>"$APT_LOG" 2>&1
    if ! apt-get install -y --no-install-recommends "${missing[@]}" </dev/null >>"$APT_LOG" 2>&1; then
      tail -n 20 "$APT_LOG" >&2
      say "apt-get could not install the packages; the whole output is in $APT_LOG."
      exit 1
    fi
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
  local py stamp want extras have
  py="$(pick_python)"
  if [ ! -x .venv/bin/python ]; then
    say "Creating .venv with $("$py" --version)"
    "$py" -m venv .venv
  fi
  extras='[test,dev,packaging]'
  [ "$SETUP_FOR" != demo ] || extras=''
  want="$(sha256sum pyproject.toml | cut -d' ' -f1)"
  stamp=".venv/.setup-stamp"
  have="$(cat "$stamp" 2>/dev/null || true)"
  # The stamp holds the pyproject's hash and what was installed; everything covers the demo.
  if [ "$have" != "$want $extras" ] && [ "$have" != "$want [test,dev,packaging]" ]; then
    SETUP_WORKED=1
    if [ -n "$extras" ]; then
      say "Installing Enkash Desktop and its test tools into .venv"
    else
      say "Installing Enkash Desktop into .venv"
    fi
    .venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip
    .venv/bin/python -m pip install -q --disable-pip-version-check -e ".$extras"
    echo "$want $extras" > "$stamp"
  fi
}

install_system_packages
make_venv
[ "$SETUP_WORKED" -eq 0 ] || say "Set-up finished in $((SECONDS - SETUP_START)) s."
