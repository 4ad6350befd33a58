"""The profiles a user works with, and the rules for changing them; values only, no widget.

The book holds the saved profiles (from the settings file, administrator-managed ones
included), the secrets known for each (read from the keyring, or typed and saved), the demo
profile with its in-memory secrets, and which profile is current. The window and the command
line ask it questions ("is this the demo?", "what would a copy be called?", "what changed?")
and tell it what the user did (saved, deleted); storing is the caller's job, on a worker.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from enkash_desktop.core.models import Cardholder, Profile, Secrets
    from enkash_desktop.store.settings import Settings


@dataclass(frozen=True)
class SaveOutcome:
    """What saving a profile did: its name, and the old name when it was renamed."""

    name: str
    renamed_from: str | None = None


def _copy_name(original: str, number: int) -> str:
    return f"{original} (copy)" if number == 1 else f"{original} (copy {number})"


@dataclass
class ProfileBook:
    """Profiles by name, their known secrets, the demo profile and the current choice."""

    profiles: dict[str, Profile] = field(default_factory=dict)
    saved_secrets: dict[str, Secrets] = field(default_factory=dict)
    session_secrets: dict[str, Secrets] = field(default_factory=dict)  # the demo's, never stored
    preferences: dict[str, Any] = field(default_factory=dict)
    demo_profile: Profile | None = None
    demo_cardholder: Cardholder | None = None
    current: str | None = None
    read_only: bool = False

    @classmethod
    def from_settings(cls, settings: Settings, *, read_only: bool = False) -> ProfileBook:
        return cls(profiles={p.name: p for p in settings.profiles},
                   preferences=dict(settings.preferences), read_only=read_only)

    # -- questions -----------------------------------------------------------------------

    def is_demo(self, name: str | None) -> bool:
        return self.demo_profile is not None and name == self.demo_profile.name

    @property
    def current_is_demo(self) -> bool:
        return self.is_demo(self.current)

    def names(self) -> list[str]:
        """Every profile's name, the demo first."""
        names = list(self.profiles)
        if self.demo_profile is not None:
            names.insert(0, self.demo_profile.name)
        return names

    def get(self, name: str) -> Profile | None:
        return self.demo_profile if self.is_demo(name) else self.profiles.get(name)

    def known_secrets(self, name: str) -> Secrets | None:
        """The secrets already in memory for ``name`` (None: ask the keyring)."""
        return self.session_secrets.get(name) or self.saved_secrets.get(name)

    def taken(self, name: str) -> bool:
        return name in self.profiles or self.is_demo(name)

    def copy_name(self, original: str,
                  pattern: Callable[[str, int], str] = _copy_name) -> str:
        """A free name for a copy of ``original``: "A (copy)", then "A (copy 2)", ...

        ``pattern(original, n)`` makes the n-th candidate (the window passes a translated one).
        """
        original = original.strip()
        number = 1
        while self.taken(name := pattern(original, number)):
            number += 1
        return name

    def is_modified(self, profile: Profile, secrets: Secrets) -> bool:
        """Whether the form differs from what is saved (the demo never is; a new one is)."""
        if self.current_is_demo:
            return False
        saved = self.profiles.get(self.current or "")
        if saved is None:
            return True
        if profile != saved:
            return True
        known = self.saved_secrets.get(saved.name)
        return known is not None and known != secrets

    def first_default(self, preferred: str | None) -> str | None:
        """The profile to show at start: the demo, else ``preferred`` if it exists, else the
        first saved one."""
        if self.demo_profile is not None:
            return self.demo_profile.name
        if preferred and preferred in self.profiles:
            return preferred
        return next(iter(self.profiles), None)

    # -- changes ---------------------------------------------------------------------------

    def start_demo(self, profile: Profile, secrets: Secrets, cardholder: Cardholder) -> None:
        """Add the demo profile; a stale saved copy of the same name must not shadow it."""
        self.demo_profile = profile
        self.profiles.pop(profile.name, None)
        self.session_secrets[profile.name] = secrets
        self.demo_cardholder = cardholder

    def secrets_loaded(self, name: str, secrets: Secrets) -> None:
        self.saved_secrets[name] = secrets

    def save(self, profile: Profile, secrets: Secrets) -> SaveOutcome:
        """Put ``profile`` in place of the current one (renamed or not), keeping the order;
        a profile of the same name is replaced (the caller has asked the user)."""
        old = self.current
        name = profile.name
        if self.is_demo(name):
            raise ValueError("The demo profile cannot be replaced.")
        profiles: dict[str, Profile] = {}
        for key, value in self.profiles.items():
            if key == old:
                profiles[name] = profile
            elif key != name:
                profiles[key] = value
        profiles.setdefault(name, profile)
        self.profiles = profiles
        self.current = name
        self.saved_secrets[name] = secrets
        return SaveOutcome(name, old if old and old != name else None)

    def delete(self, name: str) -> str | None:
        """Forget ``name``; returns the profile to show next (None: start a new one)."""
        self.profiles.pop(name, None)
        self.saved_secrets.pop(name, None)
        following = next(iter(self.profiles), None)
        if following is None and self.demo_profile is not None:
            following = self.demo_profile.name
        return following

    def snapshot(self, *, keep_first: bool = True) -> Settings:
        """The settings to save: every saved profile, the current one, the preferences."""
        from enkash_desktop.store.settings import Settings

        current = self.current if self.current in self.profiles else ""
        if not current and keep_first:
            current = next(iter(self.profiles), "")
        return Settings(profiles=tuple(self.profiles.values()), current_profile=current or "",
                        preferences=dict(self.preferences))

    def set_preferences(self, values: Mapping[str, Any]) -> None:
        self.preferences.update(values)
