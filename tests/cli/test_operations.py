"""The operations layer seen through the command: swap, the interface in the audit trail,
and the could-it-be-posted answers kept between commands."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from scheduler.config import load_config
from scheduler.operations.actor import Actor
from scheduler.operations.context import Workspace
from scheduler.operations.showcase.planning import plan
from tests.conftest import NOW, case_study_row, write_import
from vignettes.store.models import AuditEvent, RenderCheck
from vignettes.store.queries import Store


def database(config_path: Path) -> Store:
    return Store.open(load_config(config_path).database.url)


def two_approved(vignettes: Any, tmp_path: Path) -> None:
    rows = [
        case_study_row("S-1", organisation="Org One", approved_on="2026-01-01"),
        case_study_row("S-2", organisation="Org Two", approved_on="2026-02-01"),
    ]
    assert vignettes("import", str(write_import(tmp_path / "in.json", rows))).code == 0


def test_swap_exchanges_two_months_and_prints_both(vignettes: Any, tmp_path: Path) -> None:
    two_approved(vignettes, tmp_path)

    result = vignettes("swap", "2026-12", "2027-01")

    assert result.code == 0
    assert result.out.splitlines() == ["2026-12: S-2 (queued)", "2027-01: S-1 (queued)"]
    months = {e["month"]: e["ref"] for e in vignettes("plan", "--json").json()}
    assert (months["2026-12"], months["2027-01"]) == ("S-2", "S-1")


def test_swap_of_a_month_with_nothing_planned_fails_with_the_reason(
    vignettes: Any, tmp_path: Path
) -> None:
    two_approved(vignettes, tmp_path)
    result = vignettes("swap", "2026-12", "2027-03")
    assert result.code == 1
    assert "2027-03 has no case study to swap" in result.err


def test_every_audited_action_records_that_it_came_through_the_cli(
    vignettes: Any, tmp_path: Path, config_path: Path
) -> None:
    two_approved(vignettes, tmp_path)
    vignettes("queue", "2027-03", "S-2", "--by", "Comms Officer")

    store = database(config_path)
    with store.read() as session:
        rows = session.execute(select(AuditEvent.action, AuditEvent.via)).all()
    store.close()
    assert {action for action, _via in rows} >= {"imported", "approved", "queued"}
    assert {via for _action, via in rows} == {"cli"}


def test_the_plan_remembers_what_it_checked_and_rechecks_nothing_next_time(
    vignettes: Any, tmp_path: Path, config_path: Path
) -> None:
    two_approved(vignettes, tmp_path)
    vignettes("plan")
    store = database(config_path)
    with store.read() as session:
        first = session.scalar(select(func.count()).select_from(RenderCheck))

    vignettes("plan")

    with store.read() as session:
        again = session.scalar(select(func.count()).select_from(RenderCheck))
    store.close()
    assert first == again == 2  # the two auto-picked months, once each


def test_a_changed_setting_means_every_answer_is_worked_out_afresh(
    vignettes: Any, tmp_path: Path, config_path: Path
) -> None:
    two_approved(vignettes, tmp_path)
    vignettes("plan")
    before = answers_kept_under(config_path)
    text = config_path.read_text() + '\n[platforms.x]\ntemplate = "{headline} {link}"\n'
    config_path.write_text(text)

    vignettes("plan")

    after = answers_kept_under(config_path)
    assert len(before) == len(after) == 1 and before != after  # the old ones are deleted


def answers_kept_under(config_path: Path) -> set[str]:
    store = database(config_path)
    with store.read() as session:
        settings = set(session.scalars(select(RenderCheck.settings).distinct()))
    store.close()
    return settings


class _Clock:
    def now(self) -> Any:
        return NOW

    def sleep(self, seconds: float) -> None:
        pass


def test_the_operations_take_an_actor_of_any_interface(
    vignettes: Any, tmp_path: Path, config_path: Path
) -> None:
    from scheduler.operations.showcase.planning import queue

    two_approved(vignettes, tmp_path)
    ws = Workspace(config_path, clock=_Clock())  # type: ignore[arg-type]
    queue(ws, Actor("ada", "web", role="editor"), plan(ws, 5)[4].month, "S-1")

    with ws.store.read() as session:
        last = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    ws.close()
    assert last is not None and (last.action, last.actor, last.via) == ("queued", "ada", "web")
