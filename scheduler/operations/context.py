"""What every operation works on: the configuration, the store and the clock, opened on
first use so that a command which needs none of them (`--help`) pays for none.

Both interfaces create one: the CLI per command, the web console once per process.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from scheduler.clock import Clock
    from scheduler.config import Config
    from vignettes.store import Store

FAKE_NOW_ENV = "VIGNETTES_FAKE_NOW"


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
            from vignettes.store import Store

            self._store = Store.open(self.config.database.url)
        return self._store

    @property
    def clock(self) -> Clock:
        if self._clock is None:
            from scheduler.clock import FakeClock, SystemClock

            fake = os.environ.get(FAKE_NOW_ENV)
            if fake:
                # For rehearsals and end-to-end tests: the whole command runs "as of" then.
                if self._on_fake_clock is not None:
                    self._on_fake_clock(fake)
                self._clock = FakeClock(dt.datetime.fromisoformat(fake))
            else:
                self._clock = SystemClock()
        return self._clock

    def now(self) -> dt.datetime:
        return self.clock.now()

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None
