"""The update notice: "Version X is available", with a link to the page IT named.

At most once a day, a moment after start, the feed named by the policy or the settings is
read on a worker (one GET, see :mod:`enkash_desktop.core.update_feed`). A newer version puts
a notice with a link in the status bar; nothing is ever downloaded or installed. No notice
when update checks are off, no feed is set, or the feed is unreadable (that goes to the log).
"""

from __future__ import annotations

import html
import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtWidgets import QLabel, QWidget

if TYPE_CHECKING:
    from enkash_desktop.core.update_feed import UpdateInfo
    from enkash_desktop.store.effective import EffectiveSettings

log = logging.getLogger(__name__)

# Milliseconds after the window is ready before the feed is read (start-up comes first).
CHECK_DELAY_MS = 3000
STATE_FILE_NAME = "update_check.json"

RunBackground = Callable[[Callable[[], object], Callable[[object], None] | None,
                          Callable[[object], None] | None], object]


def _tr(text: str) -> str:
    return QCoreApplication.translate("UpdateNotice", text)


class UpdateNotice(QLabel):
    """The status bar's "Version X is available" line, with a link; hidden until needed."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("updateNotice")
        self.setOpenExternalLinks(True)  # the browser opens the page; we download nothing
        self.setAccessibleName(_tr("Update notice"))
        self.info: UpdateInfo | None = None
        self.hide()

    def show_update(self, info: UpdateInfo) -> None:
        self.info = info
        link = html.escape(info.url, quote=True)
        self.setText(_tr('Version %s is available. <a href="%s">Get it from your IT '
                         'department’s page.</a>') % (html.escape(info.version), link))
        self.setToolTip(info.notes or _tr("Your IT department published a newer version."))
        self.setAccessibleDescription(_tr("Version %s is available at %s.")
                                      % (info.version, info.url))
        self.show()


def update_check_wanted(effective: EffectiveSettings) -> str:
    """The feed to read, or "" when checks are off or no feed is set."""
    if effective.value("update_checks") is False:
        return ""
    url = effective.value("update_feed_url")
    return url if isinstance(url, str) else ""


def schedule_update_check(notice: UpdateNotice, effective: EffectiveSettings, cache_dir: Path,
                          run_background: RunBackground, current_version: str) -> bool:
    """Plan one feed check after CHECK_DELAY_MS when one is due; True when one is planned."""
    from enkash_desktop.store.update_schedule import UpdateSchedule

    url = update_check_wanted(effective)
    if not url:
        log.info("update checks are off (policy or settings), or no update feed is set")
        return False
    schedule = UpdateSchedule(cache_dir / STATE_FILE_NAME)
    if not schedule.due():
        return False

    def job() -> object:
        from enkash_desktop.core.update_feed import fetch_feed

        schedule.mark()  # a failed check counts too: the feed is not hammered
        return fetch_feed(url)

    def done(value: object) -> None:
        from enkash_desktop.core.update_feed import UpdateInfo, is_newer

        if isinstance(value, UpdateInfo) and is_newer(value.version, current_version):
            log.info("update feed: version %s is available", value.version)
            notice.show_update(value)
        else:
            log.info("update feed: this version is current")

    def failed(exc: object) -> None:
        from enkash_desktop.core.update_feed import FeedError

        if isinstance(exc, FeedError):
            log.warning("update feed not read: %s", exc)
        elif isinstance(exc, BaseException):  # a bug: logged with its traceback
            log.error("update check failed", exc_info=exc)

    QTimer.singleShot(CHECK_DELAY_MS, notice, lambda: run_background(job, done, failed))
    return True
