"""What the daemon does when the database itself is the problem (a damaged file, a
read-only folder, a lock held for ever, a full disk, a schema from a newer version).

It cannot record an alert in a database it cannot write, so it does what is still possible:
one log line when the fault starts or changes (a reminder every hour, not one per retry),
the fault in its systemd STATUS= (`systemctl status` shows it), the alert channels
(webhook, email) told directly, and retries with a growing delay instead of exiting:
exiting would only make systemd restart it into the same fault, over and over. When the
database answers again it says so, in the log and on the channels.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable, Sequence

from scheduler.alerts import AlertMessage, Channel, announce
from scheduler.clock import Clock, SystemClock
from vignettes.errors import StoreError

log = logging.getLogger("scheduler.daemon.daemon")

FIRST_RETRY = 1.0  # seconds
LONGEST_RETRY = 300.0
REMIND_EVERY = 3600.0  # seconds between log reminders of the same fault
ANNOUNCE_AGAIN = 86400.0  # the channels hear of a fault that persists once a day
ALERT_KEY = "database"


class DatabaseHealth:
    """The daemon's view of its database: healthy, or the current fault and since when.
    `notify` is systemd's sd_notify (or nothing); `channels` the configured alert channels."""

    def __init__(
        self,
        notify: Callable[[str], None],
        channels: Sequence[Channel] = (),
        *,
        clock: Clock | None = None,
        longest_retry: float = LONGEST_RETRY,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.notify = notify
        self.channels = list(channels)
        self.clock = clock or SystemClock()
        self.longest_retry = max(longest_retry, FIRST_RETRY)
        self.monotonic = monotonic
        self.fault: str | None = None
        self.since: dt.datetime | None = None
        self.attempts = 0
        self._logged_at = 0.0
        self._announced_at = 0.0

    @property
    def healthy(self) -> bool:
        return self.fault is None

    def failed(self, exc: StoreError) -> float:
        """Record a fault; returns how many seconds to wait before trying again."""
        message = str(exc)
        clock = self.monotonic()
        new = message != self.fault
        if self.fault is None:
            self.since = self.clock.now()
            self.attempts = 0
        self.attempts += 1
        delay = min(FIRST_RETRY * 2.0 ** min(self.attempts - 1, 30), self.longest_retry)
        if new:
            log.error("database fault: %s (retrying in %.0f s)", message, delay)
            self._logged_at = clock
        elif clock - self._logged_at >= REMIND_EVERY:
            log.warning("database fault persists (%d attempts): %s", self.attempts, message)
            self._logged_at = clock
        else:
            log.debug("database fault again (attempt %d): %s", self.attempts, message)
        self.fault = message
        since = f"{self.since:%Y-%m-%d %H:%M:%S}Z" if self.since else "now"
        self.notify(f"STATUS=database fault since {since}, retrying: {message}")
        if new or clock - self._announced_at >= ANNOUNCE_AGAIN:
            self._announce(
                "critical",
                f"the daemon cannot use its database and is retrying: {message}",
            )
            self._announced_at = clock
        return delay

    def recovered(self) -> None:
        """The database answered: say so if it had not been."""
        if self.fault is None:
            return
        was, since, attempts = self.fault, self.since, self.attempts
        self.fault, self.since, self.attempts = None, None, 0
        log.info(
            "database usable again after %d failed attempt(s) since %s (it was: %s)",
            attempts,
            f"{since:%Y-%m-%d %H:%M:%S}Z" if since else "?",
            was,
        )
        self._announce("info", f"the daemon can use its database again (it was: {was})")

    def _announce(self, severity: str, text: str) -> None:
        # Logged already, in the daemon's own words: only the channels are told here.
        message = AlertMessage(ALERT_KEY, severity, text, self.clock.now())
        announce(self.channels, message, to_log=False)
