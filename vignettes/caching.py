"""What this program keeps so as not to work something out twice: every in-memory cache is
a `Cache`, named for what it holds, with what its key holds written down, bounded in bytes.

The caches, and what each key must hold (docs/caches.md says more):

- `read models` (`vignettes.store.read_models`): what a screen or `status` reads from the
  database, per store, under the database's generation (which changes at every commit by
  anyone) and everything else the value depends on (the clock's phase, a query).
- `design-system markup` (`scheduler.web.components`): a design-system component's HTML,
  per console, under the component's name and every parameter it was given.
- `postability answers`: the `render_checks` table (durable, pruned), under content hash,
  month and the settings fingerprint (`scheduler.publishing.postability`).
- `glyph runs`, `run widths`, `emoji images` (`cards.glyphs`, `cards.typeset`): what
  laying out a card's words costs, under the word or run and the size (`memoised`).
- `rendered cards`: card PNGs and texts on disk under `daemon.var_dir/cache/vignettes`,
  under the same three, pruned to `[cards] cache_limit` (`scheduler.operations.content.cards`).

A bound in bytes, not entries: a key can come from what people type (a search, a session),
and an entry's size from what they wrote (a long case study), so only bytes say how much
memory a cache may take. Each entry counts its key and its value; the least recently used
entries go first. An entry bigger than the whole bound is not kept at all.
"""

from __future__ import annotations

import dataclasses
import functools
import sys
import threading
from collections.abc import Callable, Hashable
from typing import Any, Generic, ParamSpec, TypeVar

from cachetools import LRUCache

V = TypeVar("V")
_MISSING: Any = object()
# Containers are walked at most this deep: deeper values are counted by their own size.
_DEPTH = 12


def approximate_size(value: Any) -> int:
    """Bytes `value` takes, counting what it holds (containers, dataclasses, objects'
    attributes), each object once. A long sequence is sized from an even sample of its
    items (read models hold hundreds of rows alike): an estimate, cheap enough to take at
    every miss."""
    seen: set[int] = set()
    return _size(value, seen, 0)


_ATOMIC = (str, bytes, int, float, bool, type(None))
_SAMPLE = 32


def _size(value: Any, seen: set[int], depth: int) -> int:
    if type(value) in _ATOMIC:
        return sys.getsizeof(value)
    if id(value) in seen:
        return 0
    seen.add(id(value))
    size = sys.getsizeof(value)
    if depth >= _DEPTH:
        return size
    if isinstance(value, dict):
        return size + sum(
            _size(k, seen, depth + 1) + _size(v, seen, depth + 1) for k, v in value.items()
        )
    if isinstance(value, tuple | list | set | frozenset):
        items = list(value) if not isinstance(value, tuple | list) else value
        if len(items) <= _SAMPLE:
            return size + sum(_size(item, seen, depth + 1) for item in items)
        step = len(items) / _SAMPLE
        sample = [items[int(i * step)] for i in range(_SAMPLE)]
        return size + sum(_size(item, seen, depth + 1) for item in sample) * len(items) // _SAMPLE
    attributes = getattr(value, "__dict__", None)
    if isinstance(attributes, dict):
        return size + sum(_size(v, seen, depth + 1) for v in attributes.values())
    if dataclasses.is_dataclass(value):  # one with __slots__
        return size + sum(
            _size(getattr(value, f.name, None), seen, depth + 1) for f in dataclasses.fields(value)
        )
    return size


class Cache(Generic[V]):
    """A thread-safe LRU cache bounded by the bytes of its keys and values."""

    def __init__(self, name: str, keyed_by: str, max_bytes: int) -> None:
        self.name = name
        self.keyed_by = keyed_by
        self.max_bytes = max_bytes
        self._entries: LRUCache[Hashable, tuple[V, int]] = LRUCache(
            maxsize=max_bytes, getsizeof=lambda entry: entry[1]
        )
        self._lock = threading.Lock()

    def get(self, key: Hashable, default: Any = None) -> V | Any:
        """The value kept under `key`, or `default`."""
        with self._lock:
            found = self._entries.get(key, _MISSING)
        return default if found is _MISSING else found[0]

    def put(self, key: Hashable, value: V, size: int | None = None) -> None:
        """Keep `value` under `key`; `size` (bytes) when the caller knows it better."""
        bytes_ = approximate_size(key) + (approximate_size(value) if size is None else size)
        if bytes_ > self.max_bytes:
            return  # would push out everything else and still not fit
        with self._lock:
            self._entries[key] = (value, bytes_)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    @property
    def bytes(self) -> int:
        """The bytes counted for everything kept now."""
        with self._lock:
            return int(self._entries.currsize)

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

    def keys_now(self) -> list[Hashable]:
        """The keys of everything kept now."""
        with self._lock:
            return list(self._entries.keys())


P = ParamSpec("P")
R = TypeVar("R")


def memoised(
    name: str, keyed_by: str, max_bytes: int, size_of: Callable[[Any], int] | None = None
) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """A function's results kept in a `Cache` under its (hashable, positional) arguments:
    what `functools.lru_cache` does, bounded in bytes. `size_of` gives a result's bytes
    when `approximate_size` cannot see them (an image's pixels). Exceptions are not kept."""

    def wrap(function: Callable[P, R]) -> Callable[P, R]:
        kept: Cache[R] = Cache(name, keyed_by, max_bytes)

        @functools.wraps(function)
        def cached(*args: P.args, **kwargs: P.kwargs) -> R:
            found = kept.get(args, _MISSING)
            if found is not _MISSING:
                return found
            value = function(*args, **kwargs)
            kept.put(args, value, size=size_of(value) if size_of else None)
            return value

        cached.cache = kept  # type: ignore[attr-defined]
        return cached

    return wrap
