"""What importing a pasted curl command would change, worked out before anything changes.

:func:`plan_import` compares a :class:`~.curl_import.CurlImport` with the values on screen
and returns a :class:`CurlPlan`: the fields whose value would change (old and new), whether
the profile's base URL is kept and why, and the secrets the command carries. The window
shows the plan as a preview and applies it only when the user accepts; the plan itself
changes nothing.

Rules:
- the base URL changes unless the command calls a documentation placeholder host, or the
  profile's URLs are set by the administrator (then it is kept, and the plan says why);
- the partner id changes when the command has one;
- the three cardholder ids always become the command's, empty ones included: ids of two
  different cardholders are never mixed (the core's warnings ask for the missing ones).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum

from .curl_import import CurlImport, is_placeholder_host
from .fields import CARDHOLDER_IDS

# The values a plan compares, by key: the profile's two and the cardholder's three.
PROFILE_KEYS = ("base_url", "partner_id")
PLAN_KEYS = (*PROFILE_KEYS, *(f.key for f in CARDHOLDER_IDS))


class UrlKept(Enum):
    """Why a command's base URL does not replace the profile's ("" when it does, or is the
    same)."""

    NO = ""
    PLACEHOLDER = "placeholder"  # a host from EnKash's documentation, never a real server
    MANAGED = "managed"  # the administrator set the profile's URLs


@dataclass(frozen=True)
class FieldChange:
    """One field the import would change: its key, the value now and the value after."""

    key: str
    old: str
    new: str


@dataclass(frozen=True)
class CurlPlan:
    """What accepting the import would do; ``repr`` shows no secret (the import's own)."""

    imported: CurlImport
    changes: tuple[FieldChange, ...]
    url_kept: UrlKept = UrlKept.NO

    @property
    def secrets(self) -> tuple[str, ...]:
        """The secret kinds the command carries ("authorization", "cookie")."""
        return tuple(kind for kind, value in (("authorization", self.imported.authorization),
                                              ("cookie", self.imported.cookie)) if value)

    @property
    def replaces_typed_values(self) -> bool:
        """True when a value already filled in would be replaced by another."""
        return any(change.old.strip() for change in self.changes)

    def change(self, key: str) -> FieldChange | None:
        """The change of field ``key``, or None when it stays as it is."""
        return next((c for c in self.changes if c.key == key), None)

    def applied_to(self, values: Mapping[str, str]) -> dict[str, str]:
        """``values`` as they are after the import (the fields of :data:`PLAN_KEYS`)."""
        after = {key: values.get(key, "") for key in PLAN_KEYS}
        after.update((change.key, change.new) for change in self.changes)
        return after


def plan_import(imported: CurlImport, current: Mapping[str, str], *,
                managed: bool = False) -> CurlPlan:
    """The plan for ``imported`` over the ``current`` values (keys of :data:`PLAN_KEYS`;
    a missing key counts as empty). ``managed``: the profile's URLs are the
    administrator's."""
    changes: list[FieldChange] = []
    kept = UrlKept.NO
    old_url = current.get("base_url", "")
    new_url = imported.base_url.strip().rstrip("/")
    if new_url != old_url.strip().rstrip("/"):
        if is_placeholder_host(new_url):
            kept = UrlKept.PLACEHOLDER
        elif managed:
            kept = UrlKept.MANAGED
        else:
            changes.append(FieldChange("base_url", old_url, new_url))
    old_partner = current.get("partner_id", "")
    new_partner = imported.partner_id.strip()
    if new_partner and new_partner != old_partner.strip():
        changes.append(FieldChange("partner_id", old_partner, new_partner))
    for field in CARDHOLDER_IDS:
        old = current.get(field.key, "")
        new = getattr(imported.cardholder, field.key)
        if new != old:
            changes.append(FieldChange(field.key, old, new))
    return CurlPlan(imported, tuple(changes), kept)
