"""Where Enkash Desktop keeps its per-user files (settings, data, logs, cache)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from enkash_desktop import APP_NAME

HOME_ENV = "ENKASH_DESKTOP_HOME"


@dataclass(frozen=True)
class AppPaths:
    """The four per-user directories; ``ENKASH_DESKTOP_HOME`` puts all of them under one."""

    config_dir: Path
    data_dir: Path
    log_dir: Path
    cache_dir: Path

    @classmethod
    def default(cls) -> AppPaths:
        """The platform's usual directories, or four folders under ``$ENKASH_DESKTOP_HOME``."""
        home = os.environ.get(HOME_ENV, "").strip()
        if home:
            return cls.under(Path(home).expanduser())
        # Imported here: platformdirs is off the start-up path until someone asks.
        import platformdirs

        return cls(
            config_dir=Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)),
            data_dir=Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)),
            log_dir=Path(platformdirs.user_log_dir(APP_NAME, appauthor=False)),
            cache_dir=Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False)),
        )

    @classmethod
    def under(cls, base: Path) -> AppPaths:
        """All four directories under one folder (portable use and tests)."""
        return cls(base / "config", base / "data", base / "logs", base / "cache")

    def ensure(self) -> AppPaths:
        """Create the directories, private to the user (0o700), and return ``self``."""
        for directory in (self.config_dir, self.data_dir, self.log_dir, self.cache_dir):
            existed = directory.is_dir()
            directory.mkdir(mode=0o700, parents=True, exist_ok=True)
            if not existed and os.name == "posix":
                # mkdir honours the umask; make sure a fresh directory is really private.
                directory.chmod(0o700)
        return self

    @property
    def settings_file(self) -> Path:
        return self.config_dir / "settings.json"

    @property
    def login_state_file(self) -> Path:
        return self.data_dir / "login_state.json"

    @property
    def history_file(self) -> Path:
        return self.data_dir / "history.sqlite3"

    @property
    def log_file(self) -> Path:
        return self.log_dir / "enkash-desktop.log"
