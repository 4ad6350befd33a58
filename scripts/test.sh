#!/usr/bin/env bash
# Quick start 2: set everything up and run every check: ruff, mypy and the whole test
# suite, with the keyring tests against a real Secret Service (gnome-keyring in a private
# D-Bus session). Extra arguments go to pytest.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh" all

say "ruff"
.venv/bin/ruff check enkash_desktop tests benchmarks scripts
say "mypy (strict, the whole package)"
.venv/bin/mypy
say "import rules (lint-imports: the floors in pyproject.toml)"
.venv/bin/lint-imports --no-cache

# A throw-away keyring in a temporary folder (never the user's own), unlocked with a
# throw-away password; it lives only as long as this D-Bus session.
KEYRING_HOME="$(mktemp -d)"
trap 'rm -rf "$KEYRING_HOME"' EXIT
export XDG_DATA_HOME="$KEYRING_HOME/data" XDG_CONFIG_HOME="$KEYRING_HOME/config"
mkdir -p "$XDG_DATA_HOME" "$XDG_CONFIG_HOME"
export ENKASH_TEST_KEYRING_PASSWORD="enkash-test-$$"
export QT_QPA_PLATFORM="${QT_QPA_PLATFORM:-offscreen}"
# The whole suite includes the installer test, which builds the Linux packages (minutes).
export ENKASH_PACKAGING="${ENKASH_PACKAGING:-1}"
say "pytest (inside a private D-Bus session with an unlocked gnome-keyring)"
dbus-run-session -- sh -c '
  printf %s "$ENKASH_TEST_KEYRING_PASSWORD" |
    gnome-keyring-daemon --unlock --components=secrets >/dev/null
  exec .venv/bin/python -m pytest "$@"
' sh "$@"
