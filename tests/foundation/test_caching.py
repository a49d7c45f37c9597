"""Every in-memory cache is bounded in bytes, counting its keys as well as its values, so
what people type (a search, a session) cannot make it grow without end."""

from __future__ import annotations

from dataclasses import dataclass

from vignettes.caching import Cache, approximate_size


@dataclass(frozen=True)
class Row:
    ref: str
    title: str


def test_a_cache_never_holds_more_bytes_than_its_bound() -> None:
    cache: Cache[tuple[Row, ...]] = Cache("rows", "a search", max_bytes=20_000)
    for i in range(1_000):
        cache.put(("search", f"typed {i}"), (Row(f"R-{i}", "t" * 100),))
        assert cache.bytes <= 20_000
    assert 0 < len(cache) < 1_000
    assert cache.get(("search", "typed 999")) is not None  # the latest stays
    assert cache.get(("search", "typed 0")) is None  # the oldest went first


def test_long_keys_count_against_the_bound_like_values() -> None:
    cache: Cache[int] = Cache("tiny values", "what was typed", max_bytes=50_000)
    for i in range(1_000):
        cache.put("k" * 10_000 + str(i), 1)  # a 10 kB search for a one-byte answer
    assert cache.bytes <= 50_000 and len(cache) <= 5


def test_an_entry_bigger_than_the_bound_is_not_kept_and_evicts_nothing() -> None:
    cache: Cache[str] = Cache("texts", "a name", max_bytes=10_000)
    cache.put("small", "x")
    cache.put("huge", "x" * 20_000)
    assert cache.get("huge") is None and cache.get("small") == "x"


def test_a_value_s_size_counts_what_it_holds() -> None:
    one = approximate_size(Row("R-1", "t"))
    assert approximate_size(Row("R-1", "t" * 10_000)) > one + 9_900
    assert approximate_size([Row("R-1", "t")] * 3) < 3 * one  # one object, counted once
