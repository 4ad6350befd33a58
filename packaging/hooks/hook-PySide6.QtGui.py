"""PySide6.QtGui without the Qt plugins and translations Enkash Desktop never uses."""

from __future__ import annotations

import os
import runpy

_trim = runpy.run_path(os.path.join(os.path.dirname(__file__), "_qt_trim.py"))
hiddenimports, binaries, datas = _trim["trimmed_qt_dependencies"](__file__)
