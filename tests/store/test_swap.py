"""Swapping two months: their case studies trade places, queued or auto-picked, and both
end up queued; a month that can no longer change is refused and nothing moves."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import NOW, case_study_row, schedule_rule, selection_rule, write_import
from tests.store.helpers import run_import, snapshot
from vignettes.errors import QueueError
from vignettes.planning.plan import build_plan, queue, swap
from vignettes.planning.slots import Month
from vignettes.store.models import AuditEvent, MonthlySlot
from vignettes.store.queries import Store, audit_trail

DEC, JAN, FEB = Month(2026, 12), Month(2027, 1), Month(2027, 2)


def load(store: Store, tmp_path: Path, *refs: str) -> None:
    rows = [
        case_study_row(ref, organisation=f"Org {ref}", approved_on=f"2026-0{i + 1}-01")
        for i, ref in enumerate(refs)
    ]
    run_import(store, write_import(tmp_path / "in.json", rows))


def planned(store: Store, months: int = 3) -> dict[str, tuple[str | None, str | None]]:
    with store.read() as session:
        entries = build_plan(
            session, now=NOW, schedule=schedule_rule(), selection=selection_rule(), months=months
        )
    return {str(e.month): (e.ref, e.source) for e in entries[1:]}


def do_swap(store: Store, first: Month, second: Month) -> None:
    swap(
        store,
        first,
        second,
        by="Priya",
        now=NOW,
        schedule=schedule_rule(),
        selection=selection_rule(),
        via="cli",
    )


def test_two_queued_months_trade_their_case_studies(store: Store, tmp_path: Path) -> None:
    load(store, tmp_path, "A", "B")
    queue(store, DEC, "A", by="t", now=NOW, schedule=schedule_rule())
    queue(store, JAN, "B", by="t", now=NOW, schedule=schedule_rule())

    do_swap(store, DEC, JAN)

    assert planned(store) == {"2026-12": ("B", "queued"), "2027-01": ("A", "queued")}


def test_an_auto_pick_can_be_swapped_and_becomes_queued(store: Store, tmp_path: Path) -> None:
    load(store, tmp_path, "A", "B", "C")
    assert planned(store)["2026-12"] == ("A", "auto-pick")

    do_swap(store, DEC, FEB)

    after = planned(store, 4)
    assert after["2026-12"] == ("C", "queued")
    assert after["2027-02"] == ("A", "queued")


def test_a_swap_is_in_the_history_of_both_case_studies_with_its_interface(
    store: Store, tmp_path: Path
) -> None:
    load(store, tmp_path, "A", "B")
    do_swap(store, DEC, JAN)

    with store.read() as session:
        events = [(e.action, e.month, e.actor, e.via) for e in audit_trail(session, "A")]
        other = [(e.action, e.month) for e in audit_trail(session, "B")]
    assert ("swapped", "2027-01", "Priya", "cli") in events
    assert ("swapped", "2026-12") in other


def test_a_month_that_is_publishing_cannot_be_swapped_and_nothing_moves(
    store: Store, tmp_path: Path
) -> None:
    load(store, tmp_path, "A", "B")
    queue(store, DEC, "A", by="t", now=NOW, schedule=schedule_rule())
    with store.write() as session:
        slot = session.query(MonthlySlot).filter_by(month="2026-12").one()
        slot.state = "publishing"
    before = snapshot(store)

    with pytest.raises(QueueError, match="2026-12 is already publishing"):
        do_swap(store, DEC, JAN)
    assert snapshot(store) == before


def test_a_month_with_nothing_planned_cannot_be_swapped(store: Store, tmp_path: Path) -> None:
    load(store, tmp_path, "A")
    with pytest.raises(QueueError, match="2027-01 has no case study to swap"):
        do_swap(store, DEC, JAN)
    with store.read() as session:
        assert session.query(AuditEvent).filter_by(action="swapped").count() == 0


def test_a_month_cannot_be_swapped_with_itself(store: Store, tmp_path: Path) -> None:
    load(store, tmp_path, "A")
    with pytest.raises(QueueError, match="cannot be swapped with itself"):
        do_swap(store, DEC, DEC)
