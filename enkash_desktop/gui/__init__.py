"""The Qt floor of Enkash Desktop: the main window, its panels and the worker.

This is the only package (with :mod:`enkash_desktop.app`) that imports Qt. Importing it is
cheap on purpose: the heavy modules (httpx, keyring, the sandbox, the store) are imported
lazily, after the window is on screen.
"""
