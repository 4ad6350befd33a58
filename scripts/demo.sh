#!/usr/bin/env bash
# Quick start 1: set everything up and start Enkash Desktop in demo mode (the built-in
# sandbox: no credentials needed).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh" demo
if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}${QT_QPA_PLATFORM:-}" ]; then
  echo "No display was found, so here is the same demo from the command line:" >&2
  exec .venv/bin/enkash-sso send --demo "$@"
fi
exec .venv/bin/enkash-desktop --demo "$@"
