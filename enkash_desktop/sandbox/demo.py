"""The sandbox's demo partner: known credentials and cardholders.

The partner id and the first cardholder are the sample values from EnKash's own SSO page, so
the docs' curl sample works against the sandbox unchanged. A second partner,
:data:`DEMO_ENCRYPTED`, requires encrypted requests (ENKASH_API.md §5) and answers encrypted,
with EnKash's documented key rule (the first 16 bytes of the SHA-256 of its client secret). A
third, :data:`DEMO_ENCRYPTED_FIRST16`, encrypts with another rule (the first 16 characters of
its secret), so a test can prove that the profile's key rule matters. Everything here is public and
fake: it is safe to show on screen and in documentation.
"""

from __future__ import annotations

import hashlib
from typing import NamedTuple

from enkash_desktop.core.models import (
    Cardholder,
    Environment,
    PayloadEncryption,
    Profile,
    Secrets,
)


class DemoConstants(NamedTuple):
    """The demo partner's identifiers and login credentials."""

    partner_id: str = "CRMXWB3ZM"
    company_id: str = "CEK1PU9AOO"
    portal_partner: str = "hrms"
    username: str = "9000000001"
    password: str = "demo-password"
    oauth_client_id: str = "demo-client"
    oauth_client_secret: str = "demo-client-secret-0123456789abcdef"
    login_client_id: str = "CEK1GZBO6A"
    profile_name: str = "Demo (sandbox)"


DEMO = DemoConstants()

# The partner that demands encrypted payloads, keyed as EnKash's guide says. Its client secret
# is 32 hex digits on purpose: every key rule makes a 16-byte key from it, but only one is
# right, so a wrong key rule is caught by the server, as it would be by EnKash.
DEMO_ENCRYPTED = DemoConstants(
    partner_id="CRMXENC01",
    username="9000000002",
    password="demo-enc-password",
    oauth_client_id="demo-enc-client",
    oauth_client_secret="7c4a8d09ca3762af61e59520943dc264",
    profile_name="Demo, encrypted (sandbox)",
)
DEMO_ENCRYPTED_RULE = PayloadEncryption.SECRET_SHA256

# A partner told to key its payloads with the first 16 characters of its client secret.
DEMO_ENCRYPTED_FIRST16 = DemoConstants(
    partner_id="CRMXENC02",
    username="9000000003",
    password="demo-enc16-password",
    oauth_client_id="demo-enc16-client",
    oauth_client_secret="0f1e2d3c4b5a69788796a5b4c3d2e1f0",
    profile_name="Demo, encrypted with another key rule (sandbox)",
)
DEMO_ENCRYPTED_FIRST16_RULE = PayloadEncryption.SECRET_FIRST_16

# Employees of the demo company; the first is the docs' own sample cardholder.
DEMO_CARDHOLDERS: tuple[Cardholder, ...] = (
    Cardholder("CAQL8YCV3", DEMO.company_id, "EKCDM5AVZY"),
    Cardholder("CAR7T2KD9", DEMO.company_id, "EKCDP3HQ7W"),
    Cardholder("CAX4N6BM2", DEMO.company_id, "EKCDT8LJ4R"),
    Cardholder("CAZ9F1WQ6", DEMO.company_id, "EKCDB2XN5K"),
)

# The HR/company admin's card: its portal link is the reward_account page.
DEMO_ADMIN_CARDHOLDER = Cardholder("CAA3D5MH8", DEMO.company_id, "EKCDA9DM1N", admin=True)

# Every cardholder the sandbox knows (employees and the admin).
ALL_DEMO_CARDHOLDERS: tuple[Cardholder, ...] = (*DEMO_CARDHOLDERS, DEMO_ADMIN_CARDHOLDER)


def _profile(demo: DemoConstants, base_url: str, name: str) -> Profile:
    base = base_url.rstrip("/")
    return Profile(
        name=name,
        environment=Environment.SANDBOX,
        base_url=base,
        auth_base_url=base,
        partner_id=demo.partner_id,
        portal_partner=demo.portal_partner,
        portal_url=base,
        username=demo.username,
        oauth_client_id=demo.oauth_client_id,
        login_client_id=demo.login_client_id,
    )


def demo_profile(base_url: str, name: str = DEMO.profile_name) -> Profile:
    """A profile pointing every URL (SSO, auth, portal) at a running sandbox."""
    return _profile(DEMO, base_url, name)


def demo_secrets() -> Secrets:
    """The demo login secrets; no bearer token or cookie, since the app logs in for those."""
    return Secrets(password=DEMO.password, client_secret=DEMO.oauth_client_secret)


def demo_encrypted_profile(base_url: str,
                           name: str = DEMO_ENCRYPTED.profile_name) -> Profile:
    """A profile for the sandbox's encrypted partner, with its key rule already chosen."""
    return _profile(DEMO_ENCRYPTED, base_url, name).with_changes(encryption=DEMO_ENCRYPTED_RULE)


def demo_encrypted_secrets() -> Secrets:
    """The encrypted partner's login secrets (its client secret is also the AES key source)."""
    return Secrets(password=DEMO_ENCRYPTED.password,
                   client_secret=DEMO_ENCRYPTED.oauth_client_secret)


def demo_encrypted_first16_profile(base_url: str) -> Profile:
    """A profile for the sandbox's partner that keys with the first 16 characters."""
    return _profile(DEMO_ENCRYPTED_FIRST16, base_url, DEMO_ENCRYPTED_FIRST16.profile_name
                    ).with_changes(encryption=DEMO_ENCRYPTED_FIRST16_RULE)


def demo_encrypted_first16_secrets() -> Secrets:
    """That partner's login secrets."""
    return Secrets(password=DEMO_ENCRYPTED_FIRST16.password,
                   client_secret=DEMO_ENCRYPTED_FIRST16.oauth_client_secret)


class DemoCard(NamedTuple):
    """A card as the sandbox's card search (Get User Card Details) describes it."""

    cardholder: Cardholder
    user_id: str
    last4: str
    name: str
    mobile: str
    email: str
    status: str = "ACTIVE"
    role: str = "EMPLOYEE"
    token: str = ""  # a card token (not an SSO token): the program must never show it


def _card(account: str, card: str, user: str, last4: str, name: str, mobile: str,
          role: str = "EMPLOYEE", status: str = "ACTIVE") -> DemoCard:
    email = name.lower().replace(" ", ".") + "@demo-company.example"
    token = hashlib.sha1(f"{account}/{card}".encode()).hexdigest()[:20]  # like the docs' one
    return DemoCard(Cardholder(account, DEMO.company_id, card, admin=role == "HR_ADMIN"), user,
                    last4, name, mobile, email, status, role, token)


# The cards the card search knows, by card account: the docs' sample account has employees
# and an HR admin card; the admin's account has its admin card and two employees; the other
# demo cardholders are alone on their accounts (the search then answers one object).
DEMO_CARDS: tuple[DemoCard, ...] = (
    _card("CAQL8YCV3", "EKCDM5AVZY", "EKHCPB7W", "2209", "Asha Verma", "9000000101"),
    _card("CAQL8YCV3", "EKCDQ4RN8T", "EKHCQ2LM", "4417", "Rahul Iyer", "9000000102"),
    _card("CAQL8YCV3", "EKCDW7ZP2M", "EKHCW9XT", "8830", "Meera Nair", "9000000103",
          status="BLOCKED"),
    _card("CAQL8YCV3", "EKCDH6RS4A", "EKHCH1AD", "5120", "Priya Sharma", "9000000104",
          role="HR_ADMIN"),
    _card("CAA3D5MH8", "EKCDA9DM1N", "EKHCA3DM", "7001", "Vikram Rao", "9000000201",
          role="HR_ADMIN"),
    _card("CAA3D5MH8", "EKCDE2KL5P", "EKHCE2KL", "7002", "Neha Gupta", "9000000202"),
    _card("CAA3D5MH8", "EKCDF3MN6Q", "EKHCF3MN", "7003", "Arjun Menon", "9000000203"),
    _card("CAR7T2KD9", "EKCDP3HQ7W", "EKHCP3HQ", "3301", "Kiran Das", "9000000301"),
    _card("CAX4N6BM2", "EKCDT8LJ4R", "EKHCT8LJ", "3302", "Sneha Pillai", "9000000302"),
    _card("CAZ9F1WQ6", "EKCDB2XN5K", "EKHCB2XN", "3303", "Farhan Ali", "9000000303"),
)
# A card account of the demo company that has no cards yet.
DEMO_EMPTY_CARD_ACCOUNT = "CAEMPTY00"
