"""Set a Qt enum or flag property by its key names, through the meta-object.

The first touch of PySide's ``Qt`` namespace creates all of its Python enums at once
(93 of them: about 20 ms, as long as the whole bare window takes to paint). The widgets
shown at start-up need only a few of those values (label alignment, plain text, splitter
orientation), so they set them by name here and the ``Qt`` namespace is created after the
first paint, when something else needs it.
"""

from __future__ import annotations

from PySide6.QtCore import QObject


def set_enum(obj: QObject, name: str, keys: str) -> None:
    """``obj.<name> = keys``, e.g. ``set_enum(label, "alignment", "AlignRight|AlignVCenter")``.

    Raises ValueError for an unknown property or key, so a typo fails loudly in tests.
    """
    meta = obj.metaObject()
    index = meta.indexOfProperty(name)
    enumerator = meta.property(index).enumerator() if index >= 0 else None
    if enumerator is None or not enumerator.isValid():
        raise ValueError(f"{type(obj).__name__} has no enum property {name!r}")
    # PySide's stub asks for bytes, but only str is accepted at run time.
    value, ok = enumerator.keysToValue(keys)  # type: ignore[arg-type]
    if not ok or not obj.setProperty(name, value):
        raise ValueError(f"{type(obj).__name__}.{name} cannot be set to {keys!r}")
