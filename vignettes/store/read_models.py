"""The `read models` cache: what the screens people load over and over (the console's
pages, `status`) read from the database, kept while the database is unchanged: the
auto-pick candidates, and whatever else depends on the database alone (`cached`).

Reading the candidates in preference order means sorting every approved case study not in
a slot (about 10 ms for 7,000 on SQLite), which the plan and `status` would otherwise do on
every page. What is kept is filed under the database's *generation*, a value that changes
whenever any connection, in this process or another, commits a change:

- SQLite: `PRAGMA data_version` on a connection of our own that never writes (SQLite
  changes it for every commit by any other connection, any process);
- PostgreSQL: the current snapshot (`pg_current_snapshot()`: the next transaction ID and
  those still running), which changes when a transaction that writes starts or ends;
  transactions that only read get no ID and change nothing. IDs are shared by the
  cluster's databases, so others' writes also count: that only costs a recomputation.

The generation is read *before* the value is computed, in a fresh session, so what is kept
is never older than the generation it is filed under. When the database cannot say (an
in-memory database, a standby, an error), nothing is kept. A key names the read model and
everything besides the database its value depends on (a query, the clock's phase); the
configuration is the same for a store's whole life. The daemon does not use this: it reads
afresh when it picks.

Within `one_generation()` (the console wraps each request in it) the generation is read
once, at the first cached read, rather than at every one; a commit through this process's
engine inside it makes the next cached read look again, so a request that writes then reads
sees its own write.
"""

from __future__ import annotations

import contextlib
import contextvars
import itertools
import sqlite3
import threading
import weakref
from collections.abc import Callable, Hashable, Iterator
from typing import Any, TypeVar

from sqlalchemy import event, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from vignettes.caching import Cache
from vignettes.store.candidates import Candidate, CandidatePool
from vignettes.store.queries import Store

# More than any plan of 120 months or a "queue a case study" list of 200 reads.
PREFIX = 512
# Bytes of read models kept per store: a page of 50 rows is about 50 kB of objects, a case
# study with a long history a few hundred; the least recently used go first.
MAX_BYTES = 64 * 1024 * 1024
STRIPES = 64
WAIT_FOR_ANOTHER = 5.0  # seconds a reader waits for another's computation of the same key
T = TypeVar("T")
# Per request (`one_generation`): each store's generation, read once.
_pinned: contextvars.ContextVar[dict[int, object] | None] = contextvars.ContextVar(
    "read_models_generation", default=None
)


class _Generations:
    """Tells one store's generation and keeps the read models filed under it; thread-safe.
    Holds the store's engine, never the store itself: it is kept per store in a weak
    mapping, and the watching connection closes when the store is gone."""

    def __init__(self, store: Store) -> None:
        self._engine = store.engine
        self._lock = threading.Lock()
        self._watch: sqlite3.Connection | None = None
        self.kept: Cache[tuple[object, Any]] = Cache(
            "read models", "the read model's name and arguments (and the generation)", MAX_BYTES
        )
        # One computation of a read model at a time: after a commit, every session asks for
        # the same pages at once, and all but the first should wait for its answer rather
        # than work it out again beside it. Striped, so keys typed by people cannot make
        # the locks grow; re-entrant, and given up after a while (then computed anyway),
        # so a read model computed inside another can never deadlock.
        self._stripes = [threading.RLock() for _ in range(STRIPES)]
        # A commit through this engine makes a request's pinned generation stale. (The
        # listener holds only the id: the engine must not keep this object alive.)
        mine = id(self)

        def committed(_connection: Any) -> None:
            pinned = _pinned.get()
            if pinned is not None:
                pinned.pop(mine, None)

        event.listen(self._engine, "commit", committed)

    def generation(self) -> object | None:
        pinned = _pinned.get()
        if pinned is not None and id(self) in pinned:
            return pinned[id(self)]
        found = self._read_generation()
        if pinned is not None and found is not None:
            pinned[id(self)] = found
        return found

    def _read_generation(self) -> object | None:
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

    @contextlib.contextmanager
    def computing(self, key: Any) -> Iterator[None]:
        stripe = self._stripes[hash(key) % STRIPES]
        held = stripe.acquire(timeout=WAIT_FOR_ANOTHER)
        try:
            yield
        finally:
            if held:
                stripe.release()

    def kept_value(self, key: Any, generation: object) -> Any:
        found = self.kept.get(key)
        return found[1] if found is not None and found[0] == generation else None

    def keep(self, key: Any, generation: object, value: Any) -> None:
        self.kept.put(key, (generation, value))


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


def cached(store: Store, key: Hashable, compute: Callable[[], T]) -> T:
    """`compute()` (which must depend on the database and `key` alone, read in sessions it
    opens itself, and return an immutable value), or what it returned before under `key`
    if nobody has committed a change since. Raises DatabaseGone when the database file was
    moved, replaced or emptied: what was kept is then of a database no longer there, and
    its connection watching for changes would never see one."""
    store.check_file()
    known = _generations(store)
    now = known.generation()
    if now is None:
        return compute()
    found = known.kept_value(("value", key), now)
    if found is not None:
        return found[0]  # type: ignore[no-any-return]
    with known.computing(("value", key)):
        found = known.kept_value(("value", key), now)  # another reader may have just kept it
        if found is not None:
            return found[0]  # type: ignore[no-any-return]
        value = compute()  # after the generation was read: never older than it
        known.keep(("value", key), now, (value,))
        return value


@contextlib.contextmanager
def one_generation() -> Iterator[None]:
    """Read each store's generation once inside the block (a request), not at every
    cached read; a commit through this process's engine inside it reads it again."""
    token = _pinned.set({})
    try:
        yield
    finally:
        _pinned.reset(token)


def kept_bytes(store: Store) -> int:
    """Bytes of read models kept for `store` now."""
    return _generations(store).kept.bytes


class CachedCandidates:
    """Iterates like `CandidatePool(session, prefer_ready)`: the cached first candidates,
    then (only if a reader goes that far) the rest from `session`."""

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


def candidates(store: Store, session: Session, prefer_ready: bool) -> CachedCandidates:
    """The auto-pick candidates in preference order for a screen, the first `PREFIX`
    kept until the database changes. `session` reads any beyond those. Raises DatabaseGone
    as `cached` does."""
    store.check_file()
    known = _generations(store)
    now = known.generation()
    key = ("candidates", prefer_ready)
    found = known.kept_value(key, now) if now is not None else None
    if found is None:
        with known.computing(key):
            found = known.kept_value(key, now) if now is not None else None
            if found is None:
                with store.read() as fresh:  # after the generation was read: never older
                    pool = CandidatePool(fresh, prefer_ready)
                    read = tuple(itertools.islice(pool, PREFIX + 1))
                found = (read[:PREFIX], len(read) <= PREFIX)
                if now is not None:
                    known.keep(key, now, found)
    prefix, complete = found
    return CachedCandidates(prefix, complete, session, prefer_ready)
