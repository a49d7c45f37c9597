"""The read models a screen reloads (the list, a case study, the plan, status, what can be
queued, the free months) are cached while the database is unchanged: a change by
anyone (another process included) is shown at once, and so is the clock passing a slot or
its grace."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from scheduler.clock import FakeClock
from scheduler.operations.content.case_studies import case_study, find
from scheduler.operations.context import Workspace
from scheduler.operations.showcase.free_months import free_months
from scheduler.operations.showcase.planning import plan, queue, queueable
from scheduler.operations.showcase.status import status
from tests.operations.conftest import CLI, approved, load
from vignettes.planning.slots import Month, slot_time
from vignettes.store.models import Heartbeat
from vignettes.store.search import CaseStudyQuery


@pytest.fixture
def elsewhere(ws: Workspace) -> Iterator[Workspace]:
    """The same database opened again, as another process (the CLI, the daemon) has it."""
    other = Workspace(config=ws.config, clock=FakeClock(ws.now()))
    yield other
    other.close()


def december(ws: Workspace) -> dt.datetime:
    return slot_time(Month(2026, 12), ws.config.schedule).utc


def test_the_list_shows_a_case_study_imported_by_another_process(
    ws: Workspace, elsewhere: Workspace, tmp_path: Path
) -> None:
    load(ws, tmp_path, approved("L-1"))
    assert [r.ref for r in find(ws, CaseStudyQuery()).rows] == ["L-1"]

    load(elsewhere, tmp_path, approved("L-1"), approved("L-2"))

    listing = find(ws, CaseStudyQuery())
    assert [r.ref for r in listing.rows] == ["L-1", "L-2"] and listing.total == 2


def test_a_case_study_shows_an_edit_made_by_another_process(
    ws: Workspace, elsewhere: Workspace, tmp_path: Path
) -> None:
    load(ws, tmp_path, approved("E-1", title="The first title"))
    assert case_study(ws, "E-1").content.title == "The first title"

    load(elsewhere, tmp_path, approved("E-1", title="A better title"))

    assert case_study(ws, "E-1").content.title == "A better title"


def test_the_plan_moves_on_when_a_slot_and_then_its_grace_pass(
    ws: Workspace, tmp_path: Path
) -> None:
    load(ws, tmp_path, approved("P-1"))
    assert isinstance(ws.clock, FakeClock)
    assert plan(ws, 2)[1].state == "planned"  # December's slot is ahead

    ws.clock.set(december(ws) + dt.timedelta(minutes=1))
    first = plan(ws, 2)[0]
    assert (str(first.month), first.state, first.ref) == ("2026-12", "due", "P-1")

    ws.clock.set(december(ws) + ws.config.schedule.grace + dt.timedelta(minutes=1))
    assert plan(ws, 2)[0].state == "passed"


def test_status_shows_a_heartbeat_written_elsewhere_and_ages_it_with_the_clock(
    ws: Workspace, elsewhere: Workspace
) -> None:
    assert status(ws).daemons == ()
    with elsewhere.store.write() as session:
        session.add(Heartbeat(instance="host-1", role="active", at=ws.now(), started_at=ws.now()))
    seen = status(ws).daemons
    assert [(d.instance, d.age_seconds, d.alive) for d in seen] == [("host-1", 0, True)]

    assert isinstance(ws.clock, FakeClock)
    ws.clock.advance(dt.timedelta(hours=1))

    (later,) = status(ws).daemons
    assert (later.age_seconds, later.alive) == (3600, False)


def test_status_names_the_next_slot_afresh_once_a_slot_passes(ws: Workspace) -> None:
    assert str(status(ws).next_slot.month) == "2026-12"  # type: ignore[union-attr]
    assert isinstance(ws.clock, FakeClock)
    ws.clock.set(december(ws) + dt.timedelta(minutes=1))
    assert str(status(ws).next_slot.month) == "2027-01"  # type: ignore[union-attr]


def test_free_months_lose_a_month_queued_elsewhere_and_a_slot_that_passes(
    ws: Workspace, elsewhere: Workspace, tmp_path: Path
) -> None:
    load(ws, tmp_path, approved("F-1"))
    assert str(free_months(ws)[0].month) == "2026-12"

    queue(elsewhere, CLI, Month(2026, 12), "F-1")
    assert str(free_months(ws)[0].month) == "2027-01"

    assert isinstance(ws.clock, FakeClock)
    ws.clock.set(slot_time(Month(2027, 1), ws.config.schedule).utc + dt.timedelta(minutes=1))
    assert str(free_months(ws)[0].month) == "2027-02"


def test_the_case_studies_offered_to_queue_include_one_imported_elsewhere(
    ws: Workspace, elsewhere: Workspace, tmp_path: Path
) -> None:
    load(ws, tmp_path, approved("Q-1"))
    assert [c.ref for c in queueable(ws).cases] == ["Q-1"]

    load(elsewhere, tmp_path, approved("Q-1"), approved("Q-2"))

    assert [c.ref for c in queueable(ws).cases] == ["Q-1", "Q-2"]
