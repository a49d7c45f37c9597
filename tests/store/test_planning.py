"""The plan and the queue: pins, auto-picks, gaps, and the rules comms relies on."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tests.conftest import NOW, case_study_row, schedule_rule, selection_rule, write_import
from vignettes.errors import QueueError
from vignettes.importing.files import import_file
from vignettes.planning.plan import build_plan, queue, unqueue
from vignettes.planning.slots import Month
from vignettes.store.models import MonthlySlot
from vignettes.store.queries import Store, get_case_study


def load(store: Store, tmp_path: Path, rows: list[dict[str, object]]) -> None:
    import_file(
        store,
        write_import(tmp_path / "in.json", rows),
        now=NOW,
        actor="t",
        schedule=schedule_rule(),
    )


def plan(
    store: Store, months: int = 4, **selection: object
) -> list[tuple[str, str | None, str | None, str]]:
    with store.read() as session:
        entries = build_plan(
            session,
            now=NOW,
            schedule=schedule_rule(),
            selection=selection_rule(**selection),
            months=months,
        )  # type: ignore[arg-type]
    return [(str(e.month), e.ref, e.source, e.state) for e in entries]


def approved(ref: str, org: str, on: str) -> dict[str, object]:
    return case_study_row(ref, organisation=org, approved_on=on)


def test_the_plan_starts_with_the_current_month_and_fills_gaps_by_auto_pick(
    store: Store, tmp_path: Path
) -> None:
    load(
        store,
        tmp_path,
        [approved("A", "Org A", "2026-01-01"), approved("B", "Org B", "2026-02-01")],
    )
    assert plan(store, 3) == [
        ("2026-11", None, None, "passed"),
        ("2026-12", "A", "auto-pick", "planned"),
        ("2027-01", "B", "auto-pick", "planned"),
    ]


def test_a_queued_case_study_takes_its_month_and_leaves_the_pool(
    store: Store, tmp_path: Path
) -> None:
    load(
        store,
        tmp_path,
        [approved("A", "Org A", "2026-01-01"), approved("B", "Org B", "2026-02-01")],
    )
    queue(store, Month(2026, 12), "B", by="comms", now=NOW, schedule=schedule_rule())
    assert plan(store, 3)[1:] == [
        ("2026-12", "B", "queued", "planned"),
        ("2027-01", "A", "auto-pick", "planned"),
    ]


def test_auto_pick_spreads_one_organisation_across_the_window(store: Store, tmp_path: Path) -> None:
    rows = [
        approved("A1", "Org A", "2026-01-01"),
        approved("A2", "Org A", "2026-01-02"),
        approved("B1", "Org B", "2026-01-03"),
    ]
    load(store, tmp_path, rows)
    refs = [ref for _, ref, _, _ in plan(store, 5, avoid=2)]
    assert refs == [None, "A1", "B1", None, "A2"]


def test_with_auto_pick_off_empty_months_say_why(store: Store, tmp_path: Path) -> None:
    load(store, tmp_path, [approved("A", "Org A", "2026-01-01")])
    with store.read() as session:
        entries = build_plan(
            session,
            now=NOW,
            schedule=schedule_rule(),
            selection=selection_rule(auto_pick=False),
            months=2,
        )
    assert entries[1].note == "nothing queued and auto_pick is off"


def test_queueing_refuses_an_unapproved_case_study(store: Store, tmp_path: Path) -> None:
    load(
        store,
        tmp_path,
        [case_study_row("S", status="submitted", approved_by=None, approved_on=None)],
    )
    with pytest.raises(QueueError, match="S is not approved"):
        queue(store, Month(2027, 1), "S", by="comms", now=NOW, schedule=schedule_rule())


def test_queueing_refuses_a_past_month(store: Store, tmp_path: Path) -> None:
    load(store, tmp_path, [approved("A", "Org A", "2026-01-01")])
    with pytest.raises(QueueError, match="2026-10 is in the past"):
        queue(store, Month(2026, 10), "A", by="comms", now=NOW, schedule=schedule_rule())
    with pytest.raises(QueueError, match="already passed"):
        queue(store, Month(2026, 11), "A", by="comms", now=NOW, schedule=schedule_rule())


def test_queueing_refuses_a_case_study_pinned_elsewhere_or_a_taken_month(
    store: Store, tmp_path: Path
) -> None:
    load(
        store,
        tmp_path,
        [approved("A", "Org A", "2026-01-01"), approved("B", "Org B", "2026-01-02")],
    )
    queue(store, Month(2027, 1), "A", by="comms", now=NOW, schedule=schedule_rule())
    with pytest.raises(QueueError, match="already queued for 2027-01"):
        queue(store, Month(2027, 2), "A", by="comms", now=NOW, schedule=schedule_rule())
    with pytest.raises(QueueError, match="2027-01 already has A queued"):
        queue(store, Month(2027, 1), "B", by="comms", now=NOW, schedule=schedule_rule())


def test_queueing_refuses_a_case_study_already_showcased(store: Store, tmp_path: Path) -> None:
    load(store, tmp_path, [approved("A", "Org A", "2026-01-01")])
    with store.write() as session:
        cs = get_case_study(session, "A")
        session.add(
            MonthlySlot(
                month="2026-10", case_study_id=cs.id, source="auto", state="published", reason=""
            )
        )
    with pytest.raises(QueueError, match="already showcased in 2026-10"):
        queue(store, Month(2027, 1), "A", by="comms", now=NOW, schedule=schedule_rule())


def test_unqueue_frees_the_month_for_auto_pick(store: Store, tmp_path: Path) -> None:
    load(
        store,
        tmp_path,
        [approved("A", "Org A", "2026-01-01"), approved("B", "Org B", "2026-01-02")],
    )
    queue(store, Month(2026, 12), "B", by="comms", now=NOW, schedule=schedule_rule())
    assert unqueue(store, Month(2026, 12), by="comms", now=NOW) == "B"
    assert plan(store, 2)[1] == ("2026-12", "A", "auto-pick", "planned")
    with pytest.raises(QueueError, match="nothing is queued for 2026-12"):
        unqueue(store, Month(2026, 12), by="comms", now=NOW)


def test_a_slot_passed_within_grace_is_due(store: Store, tmp_path: Path) -> None:
    load(store, tmp_path, [approved("A", "Org A", "2026-01-01")])
    just_after = dt.datetime(2026, 12, 2, 9, 0, tzinfo=dt.UTC)
    with store.read() as session:
        entry = build_plan(
            session, now=just_after, schedule=schedule_rule(), selection=selection_rule(), months=1
        )[0]
    assert (entry.state, entry.ref) == ("due", "A")


def test_a_queued_month_says_why_its_case_study_will_not_be_sent(
    store: Store, tmp_path: Path
) -> None:
    load(store, tmp_path, [approved("Q", "Org Q", "2026-01-01")])
    queue(store, Month(2027, 1), "Q", by="t", now=NOW, schedule=schedule_rule())
    with store.read() as session:
        entries = build_plan(
            session, now=NOW, schedule=schedule_rule(), selection=selection_rule(), months=3
        )  # type: ignore[arg-type]
    assert [e.blocked for e in entries] == ["", "", ""]  # approved: it will be sent
    load(store, tmp_path, [{**approved("Q", "Org Q", "2026-01-01"), "summary": "Changed."}])
    with store.read() as session:
        january = build_plan(
            session, now=NOW, schedule=schedule_rule(), selection=selection_rule(), months=3
        )[2]  # type: ignore[arg-type]
    assert (str(january.month), january.state, january.blocked) == ("2027-01", "planned", "changed")
    assert january.to_json()["blocked"] == "changed"
