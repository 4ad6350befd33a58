"""Tests that need Windows (the registry). They run in the Windows job of
packaging/ci/build-installers.yml; elsewhere they are not collected (not skipped), so the
no-skip rule holds."""

from __future__ import annotations

import sys

collect_ignore_glob = [] if sys.platform == "win32" else ["test_*.py"]
