"""Home as a to-do list per role: months whose case study will not be sent (with the fix
each role may make), case studies waiting for approval, the current month to publish late,
and the navigation's counts; the plan marks a month that will not be sent."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Iterator
from pathlib import Path

import pytest

from scheduler.operations.months import Month
from scheduler.operations.showcase.planning import queue
from scheduler.web.frontend import Frontend
from tests.conftest import escalate
from tests.web.conftest import OPERATOR, Console, make_console
from tests.web.plan_data import DECEMBER_MORNING, approved, load, submitted
from vignettes.store.models import MonthlySlot

ARABIC = "مكتبة تساعد الأطباء"  # no card font has Arabic: it could never be posted
MARCH = Month(2027, 3)


@pytest.fixture
def console(tmp_path: Path, frontend: Frontend) -> Iterator[Console]:
    """1 December 2026: ICS-1 queued for March, then changed by a re-import (its approval
    voided: back to a peer review); ICS-2 and ICS-3 await a peer review; ICS-4 was
    escalated by one and awaits approval."""
    made = make_console(tmp_path, frontend, now=DECEMBER_MORNING)
    load(made, approved("ICS-1", title="Falls review"), submitted("ICS-2"), submitted("ICS-3"))
    load(made, submitted("ICS-4", title="Sepsis pathway"))
    escalate(made.ws.store, "ICS-4", DECEMBER_MORNING)
    queue(made.ws, OPERATOR, MARCH, "ICS-1")
    load(made, approved("ICS-1", title="Falls review", summary="A changed summary."))
    yield made
    made.ws.close()


def skip(console: Console, month: Month) -> None:
    """`month`'s slot passed before the daemon first ran: the first tick skipped it."""
    with console.ws.store.write() as session:
        session.add(MonthlySlot(month=str(month), state="skipped", reason="before the first tick"))


def text(console: Console, path: str) -> str:
    return html.unescape(console.get(path).text)


def test_a_queued_month_whose_approval_was_voided_needs_a_person_with_its_fix(
    console: Console,
) -> None:
    console.add_user("ann", "approver")
    console.sign_in("ann")
    page = text(console, "/")
    needs = page.split('id="needs-a-person"', 1)[1].split('id="this-month"', 1)[0]
    assert "A month will not be sent as planned" in needs and "March 2027" in needs
    assert "It was changed after it was approved, so its approval was voided." in needs
    assert 'href="/case-studies/ICS-1#decide">Review and approve ICS-1' in needs
    assert "Unqueue it from March 2027 on the plan" in needs  # an approver edits too


def test_a_viewer_sees_the_month_but_not_an_action_it_may_not_take(console: Console) -> None:
    console.add_user("vera", "viewer")
    console.sign_in("vera")
    needs = text(console, "/").split('id="needs-a-person"', 1)[1].split('id="this-month"')[0]
    assert "March 2027" in needs and "An editor or approver can fix this." in needs
    assert "Review and approve" not in needs and "waiting for" not in needs


def test_the_plan_marks_such_a_month_with_a_warning_tag_not_planned(console: Console) -> None:
    console.add_user("ed", "editor")
    console.sign_in("ed")
    page = text(console, "/plan")
    march = page.split('id="month-2027-03"', 1)[1].split("</tr>", 1)[0]
    assert "nhsuk-tag--orange" in march and "Will not be sent" in march
    assert ">Planned<" not in march
    year = text(console, "/plan/year").split('id="calendar-2027-03"', 1)[1].split("</td>")[0]
    assert "Will not be sent" in year and "approval was voided" in year


def test_an_approver_sees_what_waits_for_review_and_approval_with_counts_beside_them(
    console: Console,
) -> None:
    console.add_user("ann", "approver")
    console.sign_in("ann")
    page = text(console, "/")
    review = page.split('id="review-queue"', 1)[1].split("</table>", 1)[0]
    assert "3 case studies are waiting for a peer review" in page  # ICS-1's approval voided
    assert all(f'href="/case-studies/{ref}"' in review for ref in ("ICS-1", "ICS-2", "ICS-3"))
    approval = page.split('id="waiting-approval"', 1)[1].split("</table>", 1)[0]
    assert "A case study is escalated, waiting for approval" in page
    assert 'href="/case-studies/ICS-4"' in approval and "ICS-2" not in approval
    assert "Case studies (3 to review, 1 to approve)" in page and "Plan (1 to fix)" in page


def test_a_reviewer_sees_the_review_queue_but_not_the_approvals(console: Console) -> None:
    console.add_user("rob", "reviewer")
    console.sign_in("rob")
    page = text(console, "/")
    assert "Case studies (3 to review)" in page and 'id="review-queue"' in page
    assert 'id="waiting-approval"' not in page and "to approve" not in page


def test_an_editor_s_navigation_counts_only_what_an_editor_can_fix(console: Console) -> None:
    console.add_user("ed", "editor")
    console.sign_in("ed")
    page = text(console, "/case-studies")
    assert "Plan (1 to fix)" in page and "to approve" not in page and "to review" not in page
    assert "waiting for" not in text(console, "/")


def test_an_unpostable_auto_pick_says_so_and_offers_the_edit(
    tmp_path: Path, frontend: Frontend
) -> None:
    console = make_console(tmp_path, frontend, now=DECEMBER_MORNING)
    load(console, approved("AR-1", headline=ARABIC))
    console.add_user("ed", "editor")
    console.sign_in("ed")
    needs = text(console, "/").split('id="needs-a-person"', 1)[1].split('id="this-month"')[0]
    assert "December 2026" in needs and "It cannot be posted: " in needs
    assert "ARABIC LETTER" in needs and "Edit AR-1 so it can be posted" in needs
    assert "Queue another case study for December 2026" in needs
    console.ws.close()


def test_nothing_to_do_says_so(tmp_path: Path, frontend: Frontend) -> None:
    console = make_console(tmp_path, frontend, now=DECEMBER_MORNING)
    load(console, approved("ICS-1"))
    console.add_user("ann", "approver")
    console.sign_in("ann")
    page = text(console, "/")
    assert "Nothing needs you right now." in page and "(0 to approve)" not in page
    console.ws.close()


def test_the_current_month_when_skipped_offers_publish_late_on_home_and_the_plan(
    tmp_path: Path, frontend: Frontend
) -> None:
    after_grace = DECEMBER_MORNING + dt.timedelta(days=5)  # December's slot and grace passed
    console = make_console(tmp_path, frontend, now=after_grace)
    load(console, approved("ICS-1"))
    skip(console, Month(2026, 12))
    console.add_user("ada", "admin")
    console.sign_in("ada")
    home = text(console, "/")
    assert "December 2026 was not published" in home and "Skipped" in home
    assert 'href="/publish/2026-12"' in home and "Publish December 2026 late" in home
    december = text(console, "/plan").split('id="month-2026-12"', 1)[1].split("</tr>")[0]
    assert 'href="/publish/2026-12">Publish late' in december
    confirm = text(console, "/publish/2026-12")  # late on every page on the way, never "now"
    assert '<h1 id="publish">Publish December 2026 late</h1>' in confirm
    assert "straight away: its slot has passed" in confirm and "2026 now" not in confirm
    done = console.post("/publish/2026-12", {})
    assert "December 2026 published late:" in text(console, done.location)
    console.sign_out()
    console.add_user("ed", "editor")
    console.sign_in("ed")
    assert "Publish late" not in text(console, "/") + text(console, "/plan")
    console.ws.close()


def test_a_new_installation_s_engagement_is_explained_in_plain_words(console: Console) -> None:
    console.add_user("vera", "viewer")
    console.sign_in("vera")
    engagement = text(console, "/").split('id="engagement"', 1)[1]
    assert "Nothing has been posted yet, so there are no engagement figures." in engagement
    assert "1 hour, 1 day, 7 days, 28 days and 90 days after it is posted" in engagement
    assert (
        'LinkedIn does not report quotes or bookmarks at all, so those show as "not offered"'
        in (engagement)
    )
    assert "not_offered" not in engagement and "poll_after" not in engagement
