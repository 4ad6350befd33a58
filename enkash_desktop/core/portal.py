"""The rewards portal link built from an SSO token (ENKASH_API.md §3)."""

from __future__ import annotations

from urllib.parse import quote

from .models import Profile


def portal_link(profile: Profile, sso_token: str, *, admin: bool = False) -> str:
    """The portal URL that signs the cardholder in; empty when the profile cannot build one.

    Employees land on `employee_rewards`, an HR/company admin's card on `reward_account`.
    The token is one percent-encoded path segment.
    """
    base = profile.effective_portal_url.rstrip("/")
    partner = profile.portal_partner.strip()
    if not (base and partner and sso_token):
        return ""
    page = "reward_account" if admin else "employee_rewards"
    return f"{base}/sso/{quote(sso_token, safe='')}/{page}/{quote(partner, safe='')}"
