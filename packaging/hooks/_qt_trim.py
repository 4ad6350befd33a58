"""Shared by the PySide6 hooks here: PyInstaller's own collection, minus what the app never uses.

Enkash Desktop draws plain widgets. It needs one windowing platform plugin per system (xcb
on Linux, plus offscreen for the self-test and headless use), the compose input context so
dead keys work, the SVG and ICO image readers and the SVG icon engine. Everything else in
the Qt plugin folders (Wayland, EGLFS, VNC, GTK and portal themes that drag in cairo and
pango, TLS and network plugins, print support, QML tooling) and all translations are left
out; this is most of the difference between a 160 MB and a 110 MB bundle.
"""

from __future__ import annotations

import os

from PyInstaller.utils.hooks.qt import add_qt6_dependencies

# Plugin folder -> the plugin files (name without "lib" prefix and suffix) that are kept.
# A folder missing here is dropped entirely.
KEEP_PLUGINS: dict[str, set[str]] = {
    "platforms": {"qxcb", "qoffscreen", "qwindows", "qcocoa"},
    "platforminputcontexts": {"composeplatforminputcontextplugin"},
    "xcbglintegrations": {"qxcb-glx-integration"},
    "imageformats": {"qsvg", "qico"},
    "iconengines": {"qsvgicon"},
    "styles": {"qmodernwindowsstyle", "qwindowsvistastyle", "qmacstyle"},
}


def _plugin_kept(src: str, dest: str) -> bool:
    """True for binaries that are not Qt plugins and for the plugins listed above."""
    parts = dest.replace("\\", "/").split("/")
    if "plugins" not in parts:
        return True
    folder = parts[parts.index("plugins") + 1] if len(parts) > parts.index("plugins") + 1 else ""
    name = os.path.basename(src).split(".")[0]
    name = name[3:] if name.startswith("lib") else name
    return name in KEEP_PLUGINS.get(folder, set())


def trimmed_qt_dependencies(hook_file: str) -> tuple[list, list, list]:
    """``add_qt6_dependencies`` for the module named by ``hook_file``, trimmed."""
    hiddenimports, binaries, datas = add_qt6_dependencies(hook_file)
    binaries = [(src, dest) for src, dest in binaries if _plugin_kept(src, dest)]
    datas = [(src, dest) for src, dest in datas
             if "translations" not in dest.replace("\\", "/").split("/")]
    unwanted = {"PySide6.QtNetwork", "PySide6.QtQml", "PySide6.QtQuick", "PySide6.QtOpenGL",
                "PySide6.QtDBus", "PySide6.QtPrintSupport"}
    hiddenimports = [name for name in hiddenimports if name not in unwanted]
    return hiddenimports, binaries, datas
