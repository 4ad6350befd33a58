"""The Qt floor of Enkash Desktop: the main window, its panels and the worker.

This is the only package (with :mod:`enkash_desktop.app`) that imports Qt. Importing it is
cheap on purpose: the heavy modules (httpx, keyring, the sandbox, the store) are imported
lazily, after the window is on screen.
"""

import linecache


def forget_module_sources() -> None:
    """Drop the module sources that PySide's import hook made linecache keep.

    PySide reads the source of every module imported after it (it looks for "PySide6", for
    its ``__feature__`` switches) through linecache, which keeps them all: ~1.2 MiB by the
    first paint, ~6 MiB once the store, the sandbox and httpx are loaded. Nothing here needs
    them (a traceback reads its lines again), so the program drops them after each batch
    of imports, on the GUI thread. A frozen bundle has no sources: there it does nothing.
    """
    linecache.clearcache()
