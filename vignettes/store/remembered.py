"""Read models remembered while the database is unchanged, for the screens people load
over and over (the console's pages, `status`): the auto-pick candidates, and whatever else
depends on the database alone (`remember`).

Reading the candidates in preference order means sorting every approved case study not in
a slot (about 10 ms for 7,000 on SQLite), which the plan and `status` would otherwise do on
every page. The first `PREFIX` candidates are kept with the database's *generation*, a
value that changes whenever any connection, in this process or another, commits a change:

- SQLite: `PRAGMA data_version` on a connection of our own that never writes (SQLite
  changes it for every commit by any other connection, any process);
- PostgreSQL: the current snapshot (`pg_current_snapshot()`: the next transaction ID and
  those still running), which changes when a transaction that writes starts or ends;
  transactions that only read get no ID and change nothing. IDs are shared by the
  cluster's databases, so others' writes also count: that only costs a recomputation.

The generation is read *before* the candidates are read, in a fresh session, so what is
remembered is never older than the generation it is filed under. When the database cannot
say (an in-memory database, a standby, an error), nothing is remembered. The daemon does
not use this: it reads the candidates afresh when it picks.
"""

from __future__ import annotations

import itertools
import sqlite3
import threading
import weakref
from collections.abc import Callable, Hashable, Iterator
from typing import Any, TypeVar

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from vignettes.store.queries import Candidate, CandidatePool, Store

# More than any plan of 120 months or a "queue a case study" list of 200 reads.
PREFIX = 512
# Remembered values per store, at most (then all are forgotten and read afresh).
LIMIT = 4096
T = TypeVar("T")


class _Generations:
    """Tells one store's generation and keeps what was remembered under it; thread-safe.
    Holds the store's engine, never the store itself: it is kept per store in a weak
    mapping, and the watching connection closes when the store is gone."""

    def __init__(self, store: Store) -> None:
        self._engine = store.engine
        self._lock = threading.Lock()
        self._watch: sqlite3.Connection | None = None
        self._memo: dict[Any, tuple[object, Any]] = {}

    def generation(self) -> object | None:
        engine = self._engine
        try:
            if engine.dialect.name == "sqlite":
                with self._lock:
                    if self._watch is None:
                        path = engine.url.database or ""
                        if not path or path == ":memory:":
                            return None
                        self._watch = sqlite3.connect(
                            path, check_same_thread=False, isolation_level=None
                        )
                    row = self._watch.execute("PRAGMA data_version").fetchone()
                return ("sqlite", row[0])
            with engine.connect() as connection:
                return connection.execute(text("SELECT pg_current_snapshot()::text")).scalar()
        except (sqlite3.Error, SQLAlchemyError):
            return None

    def __del__(self) -> None:
        if self._watch is not None:
            self._watch.close()

    def remembered(self, key: Any, generation: object) -> Any:
        with self._lock:
            found = self._memo.get(key)
        return found[1] if found is not None and found[0] == generation else None

    def remember(self, key: Any, generation: object, value: Any) -> None:
        with self._lock:
            if len(self._memo) >= LIMIT:
                self._memo.clear()
            self._memo[key] = (generation, value)


_by_store: weakref.WeakKeyDictionary[Store, _Generations] = weakref.WeakKeyDictionary()
_creating = threading.Lock()


def _generations(store: Store) -> _Generations:
    with _creating:
        found = _by_store.get(store)
        if found is None:
            found = _by_store[store] = _Generations(store)
        return found


def generation(store: Store) -> object | None:
    """A value that changes whenever anyone commits a change to `store`'s database, or
    None when the database cannot say."""
    return _generations(store).generation()


def remember(store: Store, key: Hashable, compute: Callable[[], T]) -> T:
    """`compute()` (which must depend on the database alone, read in sessions it opens
    itself, and return an immutable value), or what it returned before under `key` if
    nobody has committed a change since. Raises DatabaseGone when the database file was
    moved, replaced or emptied: what was remembered is then of a database no longer there,
    and its connection watching for changes would never see one."""
    store.check_file()
    known = _generations(store)
    now = known.generation()
    if now is not None:
        found = known.remembered(("value", key), now)
        if found is not None:
            return found[0]  # type: ignore[no-any-return]
    value = compute()  # after the generation was read: never older than it
    if now is not None:
        known.remember(("value", key), now, (value,))
    return value


class RememberedCandidates:
    """Iterates like `CandidatePool(session, prefer_ready)`: the remembered first
    candidates, then (only if a reader goes that far) the rest from `session`."""

    def __init__(
        self, prefix: tuple[Candidate, ...], complete: bool, session: Session, prefer_ready: bool
    ) -> None:
        self._prefix = prefix
        self._complete = complete
        self._session = session
        self._prefer_ready = prefer_ready
        self._rest: CandidatePool | None = None

    def __iter__(self) -> Iterator[Candidate]:
        yield from self._prefix
        if self._complete:
            return
        if self._rest is None:
            self._rest = CandidatePool(self._session, self._prefer_ready)
        yield from itertools.islice(self._rest, len(self._prefix), None)


def candidates(store: Store, session: Session, prefer_ready: bool) -> RememberedCandidates:
    """The auto-pick candidates in preference order for a screen, the first `PREFIX`
    remembered until the database changes. `session` reads any beyond those. Raises
    DatabaseGone as `remember` does."""
    store.check_file()
    known = _generations(store)
    now = known.generation()
    key = ("candidates", prefer_ready)
    found = known.remembered(key, now) if now is not None else None
    if found is None:
        with store.read() as fresh:  # after the generation was read: never older than it
            read = tuple(itertools.islice(CandidatePool(fresh, prefer_ready), PREFIX + 1))
        found = (read[:PREFIX], len(read) <= PREFIX)
        if now is not None:
            known.remember(key, now, found)
    prefix, complete = found
    return RememberedCandidates(prefix, complete, session, prefer_ready)
