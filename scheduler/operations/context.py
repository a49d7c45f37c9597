"""What every operation works on: the configuration, the store and the clock, opened on
first use so that a command which needs none of them (`--help`) pays for none.

Both interfaces create one: the CLI per command, the web console once per process.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

# The one cache concept, for what the interfaces keep themselves (the console's markup).
from vignettes.caching import Cache

__all__ = ["Cache", "Workspace", "one_request", "parse_fake_now"]

if TYPE_CHECKING:
    from scheduler.clock import Clock
    from scheduler.config import Config
    from vignettes.store.queries import Store

FAKE_NOW_ENV = "VIGNETTES_FAKE_NOW"
FAKE_YEARS = (2000, 2100)


class Workspace:
    """Config, store and clock for one interface. `on_fake_clock` is told when
    `VIGNETTES_FAKE_NOW` makes everything run "as of" another time (the CLI prints a note)."""

    def __init__(
        self,
        config_path: Path | None = None,
        *,
        config: Config | None = None,
        clock: Clock | None = None,
        on_fake_clock: Callable[[str], None] | None = None,
    ) -> None:
        if config_path is None and config is None:
            raise ValueError("a Workspace needs a config path or a Config")
        self.config_path = config_path if config_path is not None else config.path  # type: ignore[union-attr]
        self._config = config
        self._store: Store | None = None
        self._clock = clock
        self._on_fake_clock = on_fake_clock

    @property
    def config(self) -> Config:
        """The validated configuration; raises ConfigError (exit 78)."""
        if self._config is None:
            from scheduler.config import load_config

            self._config = load_config(self.config_path)
        return self._config

    @property
    def store(self) -> Store:
        """The database, migrated on first use; raises StoreError."""
        if self._store is None:
            from vignettes.store.queries import Store

            database = self.config.database
            self._store = Store.open(
                database.url, busy_timeout=database.busy_timeout.total_seconds()
            )
        return self._store

    @property
    def clock(self) -> Clock:
        """The wall clock, or a fixed one from VIGNETTES_FAKE_NOW; raises ConfigError
        (exit 78) for a value that is not an ISO-8601 time with a UTC offset."""
        if self._clock is None:
            from scheduler.clock import FakeClock, SystemClock

            fake = os.environ.get(FAKE_NOW_ENV)
            if fake:
                # For rehearsals and end-to-end tests: the whole command runs "as of" then.
                when = parse_fake_now(fake)
                if self._on_fake_clock is not None:
                    self._on_fake_clock(fake)
                self._clock = FakeClock(when)
            else:
                self._clock = SystemClock()
        return self._clock

    def now(self) -> dt.datetime:
        return self.clock.now()

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None


def one_request() -> contextlib.AbstractContextManager[None]:
    """What one request to an interface reads from the cached read models: the database's
    generation is read once, at the first cached read, not at every one (a commit inside
    the request makes the next read look again)."""
    from vignettes.store.read_models import one_generation

    return one_generation()


def parse_fake_now(text: str) -> dt.datetime:
    """VIGNETTES_FAKE_NOW as a time-zone-aware datetime in the years 2000 to 2100; raises
    ConfigError."""
    from scheduler.errors import ConfigError

    example = "2026-12-01T10:05:00+00:00"
    try:
        when = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        raise ConfigError(
            FAKE_NOW_ENV, [f"{text!r} is not an ISO-8601 date and time like {example}"]
        ) from None
    if when.tzinfo is None:
        raise ConfigError(FAKE_NOW_ENV, [f"{text!r} has no UTC offset; add one, as in {example}"])
    if not FAKE_YEARS[0] <= when.year <= FAKE_YEARS[1]:
        # As for a month typed on the command line: schedules, bank holidays and the
        # cron triggers behind them are only computed for these years (year 9999 had no
        # next slot to find, and ended in a traceback).
        raise ConfigError(
            FAKE_NOW_ENV,
            [f"{text!r} is outside the years 2000 to 2100 this program can plan; as in {example}"],
        )
    return when
