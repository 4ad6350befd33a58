#!/usr/bin/env bash
# Quick start 2: set everything up and run every check: ruff, mypy and the whole test
# suite, with the keyring tests against a real Secret Service (gnome-keyring in a private
# D-Bus session). Extra arguments go to pytest.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"

say "ruff"
.venv/bin/ruff check enkash_desktop tests benchmarks scripts
say "mypy (core and store)"
.venv/bin/mypy

# A throw-away keyring password: the keyring lives only as long as this D-Bus session.
export ENKASH_TEST_KEYRING_PASSWORD="enkash-test-$$"
export QT_QPA_PLATFORM="${QT_QPA_PLATFORM:-offscreen}"
# The whole suite includes the installer test, which builds the Linux packages (minutes).
export ENKASH_PACKAGING="${ENKASH_PACKAGING:-1}"
say "pytest (inside a private D-Bus session with an unlocked gnome-keyring)"
exec dbus-run-session -- sh -c '
  printf %s "$ENKASH_TEST_KEYRING_PASSWORD" |
    gnome-keyring-daemon --unlock --components=secrets >/dev/null
  exec .venv/bin/python -m pytest "$@"
' sh "$@"
