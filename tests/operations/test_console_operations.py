"""Operations the console's home, plan and engagement screens call: the roles they check
again behind the views, what can be queued, a settled post's address, the plan's view of
this month in `status`, the hand-publish bounds as things stand, and the CSV as text."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import select

from scheduler.errors import OperationFailed
from scheduler.operations.accounts.permissions import PermissionDenied
from scheduler.operations.actor import Actor
from scheduler.operations.context import Workspace
from scheduler.operations.showcase.engagement import csv_text, engagement_report, write_csv
from scheduler.operations.showcase.planning import queue, queueable, swap, unqueue
from scheduler.operations.showcase.publishing import hand_publish_refusal, publish_month, settle
from scheduler.operations.showcase.status import status
from tests.operations.conftest import CLI, approved, load
from vignettes.planning.slots import Month
from vignettes.store.models import EngagementSnapshot, Post

VIEWER = Actor("vera", "web", "viewer")
EDITOR = Actor("ed", "web", "editor")
DECEMBER, JANUARY = Month(2026, 12), Month(2027, 1)


def test_a_viewer_through_the_console_may_not_change_the_plan(
    ws: Workspace, tmp_path: Path
) -> None:
    load(ws, tmp_path, approved("Q-1"), approved("Q-2"))
    with pytest.raises(PermissionDenied, match="may not queue"):
        queue(ws, VIEWER, DECEMBER, "Q-1")
    queue(ws, EDITOR, DECEMBER, "Q-1")
    with pytest.raises(PermissionDenied):
        swap(ws, VIEWER, DECEMBER, JANUARY)
    with pytest.raises(PermissionDenied):
        unqueue(ws, VIEWER, DECEMBER)
    assert unqueue(ws, EDITOR, DECEMBER).ref == "Q-1"


def test_only_an_admin_through_the_console_may_publish_or_settle(ws: Workspace) -> None:
    approver = Actor("ann", "web", "approver")
    with pytest.raises(PermissionDenied, match="may not publish now"):
        publish_month(ws, approver, Month(2026, 11))
    with pytest.raises(PermissionDenied, match="may not settle"):
        settle(ws, approver, Month(2026, 11), "retry")


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "data:text/html,hi",
        "//x.com/a",
        "x.com/a/status/1",
        " https://x.com/a",
    ],
)
def test_a_settled_post_s_address_must_be_a_web_address(ws: Workspace, url: str) -> None:
    with pytest.raises(OperationFailed, match="is not the address of a post"):
        settle(ws, CLI, Month(2026, 11), "posted", platform="x", url=url)


def test_queueable_lists_approved_unplanned_case_studies_in_auto_pick_order_cut_short(
    ws: Workspace, tmp_path: Path
) -> None:
    load(ws, tmp_path, *(approved(f"O-{i}", approved_on=f"2026-0{i}-01") for i in (3, 1, 2, 4)))
    queue(ws, CLI, DECEMBER, "O-1")

    offered = queueable(ws, limit=2)

    assert [c.ref for c in offered.cases] == ["O-2", "O-3"] and offered.more
    assert queueable(ws, limit=3).more is False


def test_status_names_this_month_s_case_study_before_publishing_fixes_it(
    ws: Workspace, tmp_path: Path
) -> None:
    load(ws, tmp_path, approved("S-1", title="Falls review"))
    ws.clock.set(dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.UTC))  # type: ignore[attr-defined]

    month = status(ws).this_month

    assert (month.month, month.ref, month.state) == ("2026-12", None, "planned")
    assert month.plan is not None
    assert (month.plan.ref, month.plan.title, month.plan.source) == (
        "S-1",
        "Falls review",
        "auto-pick",
    )
    assert month.to_json()["plan"]["ref"] == "S-1"


def test_the_hand_publish_bounds_read_the_slot_as_it_is_now(ws: Workspace) -> None:
    assert hand_publish_refusal(ws, Month(2026, 11)) is None  # the current month
    refusal = hand_publish_refusal(ws, JANUARY)
    assert refusal is not None and refusal.startswith("it is a future month")
    assert "grace window ended" in (hand_publish_refusal(ws, Month(2026, 9)) or "")


def a_snapshot(ws: Workspace) -> None:
    """The poller's first look at the X post: 120 impressions, 4 likes."""
    with ws.store.write() as session:
        post = session.scalars(select(Post).where(Post.platform == "x")).one()
        at = ws.now() + dt.timedelta(days=1)
        session.add(
            EngagementSnapshot(
                post_id=post.id, platform="x", offset_label="1d", offset_seconds=86400,
                due_at=at, taken_at=at, state="taken", impressions=120, likes=4,
                unavailable=[], updated_at=at,
            )
        )  # fmt: skip


def test_the_csv_as_text_is_the_file_the_command_writes(ws: Workspace, tmp_path: Path) -> None:
    load(ws, tmp_path, approved("E-1", title='=HYPERLINK("https://evil.example")'))
    publish_month(ws, CLI, Month(2026, 11))
    a_snapshot(ws)
    report = engagement_report(ws)
    write_csv(report, tmp_path / "engagement.csv")

    text = csv_text(report)

    assert text.encode("utf-8") == (tmp_path / "engagement.csv").read_bytes()
    header, row = text.splitlines()
    assert header.startswith("month,ref,title,platform") and "'=HYPERLINK" in row
