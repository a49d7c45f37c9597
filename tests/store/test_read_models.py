"""Read models cached while the database is unchanged: the generation moves with every
commit by anyone (another process included), so nothing cached is ever shown stale."""

from __future__ import annotations

import datetime as dt
import threading
import time
from pathlib import Path

from tests.conftest import case_study_row, schedule_rule, write_import
from vignettes.importing.files import import_file
from vignettes.store.candidates import CandidatePool
from vignettes.store.queries import Store
from vignettes.store.read_models import PREFIX, cached, candidates, generation, one_generation

NOW = dt.datetime(2026, 11, 26, 12, 0, tzinfo=dt.UTC)


def load(store: Store, tmp_path: Path, *refs: str, approved_on: str = "2026-06-01") -> None:
    rows = [case_study_row(ref, organisation=f"Org {ref}", approved_on=approved_on) for ref in refs]
    path = write_import(tmp_path / f"{refs[0]}.json", rows)
    import_file(store, path, now=NOW, actor="test", schedule=schedule_rule())


def test_the_generation_moves_with_a_commit_from_another_process(
    store: Store, db_url: str, tmp_path: Path
) -> None:
    before = generation(store)
    assert before is not None and generation(store) == before  # reading changes nothing
    other = Store.open(db_url)  # as another process would
    load(other, tmp_path, "G-1")
    other.close()
    assert generation(store) != before


def test_cached_values_are_read_again_after_any_change(
    store: Store, db_url: str, tmp_path: Path
) -> None:
    reads: list[int] = []

    def count() -> int:
        reads.append(1)
        with store.read() as session:
            return len(list(CandidatePool(session)))

    assert cached(store, "count", count) == 0
    assert cached(store, "count", count) == 0 and len(reads) == 1
    other = Store.open(db_url)
    load(other, tmp_path, "R-1", "R-2")
    other.close()
    assert cached(store, "count", count) == 2 and len(reads) == 2


def test_cached_candidates_are_the_pool_s_and_never_stale(
    store: Store, db_url: str, tmp_path: Path
) -> None:
    load(store, tmp_path, "C-2", "C-3")
    with store.read() as session:
        assert [c.ref for c in candidates(store, session, True)] == ["C-2", "C-3"]
    other = Store.open(db_url)
    load(other, tmp_path, "C-1", approved_on="2026-01-01")  # approved earlier: first in line
    other.close()
    with store.read() as session:
        assert [c.ref for c in candidates(store, session, True)] == ["C-1", "C-2", "C-3"]


def test_candidates_beyond_the_cached_ones_are_read_from_the_database(
    store: Store, tmp_path: Path
) -> None:
    load(store, tmp_path, *(f"M-{i:04d}" for i in range(PREFIX + 20)))
    with store.read() as session:
        expected = [c.ref for c in CandidatePool(session, True)]
        found = candidates(store, session, True)
        assert [c.ref for c in found] == expected == [c.ref for c in found]
    assert len(expected) == PREFIX + 20


def test_one_request_looks_at_the_generation_once(
    store: Store, db_url: str, tmp_path: Path
) -> None:
    reads: list[int] = []

    def count() -> int:
        reads.append(1)
        return len(reads)

    with one_generation():
        assert cached(store, "reads", count) == 1
        other = Store.open(db_url)  # another process commits during the request
        load(other, tmp_path, "Q-1")
        other.close()
        assert cached(store, "reads", count) == 1  # the request's one look still holds
    assert cached(store, "reads", count) == 2  # the next request sees the change


def test_a_request_that_commits_sees_its_own_change(store: Store, tmp_path: Path) -> None:
    def count() -> int:
        with store.read() as session:
            return len(list(CandidatePool(session)))

    with one_generation():
        assert cached(store, "candidates", count) == 0
        load(store, tmp_path, "W-1", "W-2")  # through this process's own engine
        assert cached(store, "candidates", count) == 2


def test_readers_asking_at_once_share_one_computation(store: Store) -> None:
    computed: list[int] = []

    def slow() -> int:
        computed.append(1)
        time.sleep(0.3)  # long enough for every reader to arrive while it runs
        return 42

    answers: list[int] = []
    readers = [
        threading.Thread(target=lambda: answers.append(cached(store, "slow", slow)))
        for _ in range(5)
    ]
    for reader in readers:
        reader.start()
    for reader in readers:
        reader.join()
    assert answers == [42] * 5 and len(computed) == 1
