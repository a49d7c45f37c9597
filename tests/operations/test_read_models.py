"""Read models for screens: past months, the calendar feed, cached cards, the audit log."""

from __future__ import annotations

from pathlib import Path

from icalendar import Calendar
from sqlalchemy import insert

from scheduler.operations.audit import audit_log
from scheduler.operations.content.cards import card_png, vignette_cards
from scheduler.operations.context import Workspace
from scheduler.operations.showcase.calendar import plan_calendar
from scheduler.operations.showcase.history import past_months
from tests.operations.conftest import approved, load
from vignettes.planning.slots import Month
from vignettes.store.models import CaseStudy, MonthlySlot, Post


def publish_by_hand(ws: Workspace, month: str, ref: str) -> None:
    """A published slot in the past, as the daemon leaves one."""
    with ws.store.write() as session:
        case_id = session.query(CaseStudy.id).filter_by(ref=ref).scalar()
        slot = session.execute(
            insert(MonthlySlot).values(
                month=month, case_study_id=case_id, state="published", source="auto", reason=""
            )
        ).inserted_primary_key[0]
        session.execute(
            insert(Post).values(
                slot_id=slot,
                case_study_id=case_id,
                platform="x",
                state="posted",
                content_hash="h",
                text="t",
                remote_id="1",
                url="https://x.com/i/web/status/1",
                attempts=1,
                reason="",
                sending_by="",
                updated_at=ws.now(),
            )
        )


def test_past_months_show_what_went_out_with_links_most_recent_first(
    ws: Workspace, tmp_path: Path
) -> None:
    load(ws, tmp_path, approved("P-1"), approved("P-2"))
    publish_by_hand(ws, "2026-09", "P-1")

    months = past_months(ws, 3)

    assert [str(m.month) for m in months] == ["2026-10", "2026-09", "2026-08"]
    september = months[1]
    assert (september.state, september.ref) == ("published", "P-1")
    assert [(p.platform, p.url) for p in september.posts] == [("x", "https://x.com/i/web/status/1")]
    assert months[0].state == "none" and months[0].posts == ()


def test_the_calendar_has_a_stable_event_per_slot_with_the_text_escaped(
    ws: Workspace, tmp_path: Path
) -> None:
    load(ws, tmp_path, approved("C-1", title='Evidence; review, "quoted" <b>'))

    raw = plan_calendar(ws)
    feed = Calendar.from_ical(raw)

    events = feed.walk("VEVENT")
    assert len(events) == 24
    uids = [str(e["uid"]) for e in events]
    assert "slot-2026-12@impact-vignettes" in uids and len(set(uids)) == 24
    december = next(e for e in events if str(e["uid"]) == "slot-2026-12@impact-vignettes")
    assert str(december["summary"]) == 'Impact vignette: Evidence; review, "quoted" <b>'
    assert "Case study: C-1" in str(december["description"])
    assert b"Evidence\\; review\\, " in raw  # RFC 5545 TEXT escaping


def test_cards_are_rendered_once_then_served_from_the_cache(ws: Workspace, tmp_path: Path) -> None:
    load(ws, tmp_path, approved("K-1"))

    first = vignette_cards(ws, "K-1", Month(2026, 12))
    again = vignette_cards(ws, "K-1", Month(2026, 12))

    assert first == again and first.problem is None
    assert [p.platform for p in first.posts] == ["x", "linkedin"]
    png = card_png(ws, first.key, "x")
    assert png is not None and png.startswith(b"\x89PNG")
    assert first.posts[0].png_bytes == len(png)


def test_an_edit_gives_new_cards_never_the_stale_ones(ws: Workspace, tmp_path: Path) -> None:
    load(ws, tmp_path, approved("K-2"))
    before = vignette_cards(ws, "K-2")
    load(ws, tmp_path, approved("K-2", headline="A different headline for the same study"))

    after = vignette_cards(ws, "K-2")

    assert after.key != before.key and after.content_hash != before.content_hash


def test_card_png_refuses_keys_and_platforms_it_did_not_make(ws: Workspace) -> None:
    assert card_png(ws, "../../etc/passwd", "x") is None
    assert card_png(ws, "0" * 32, "x") is None
    assert card_png(ws, "0" * 32, "../meta") is None


def test_the_audit_log_pages_newest_first_and_filters_by_case_study(
    ws: Workspace, tmp_path: Path
) -> None:
    load(ws, tmp_path, approved("A-1"), approved("A-2"))

    page = audit_log(ws, per_page=2)
    only = audit_log(ws, ref="A-1")

    assert page.total == 4 and page.pages == 2  # imported and approved, twice
    assert [line.action for line in page.lines] == ["approved", "imported"]
    assert {line.ref for line in only.lines} == {"A-1"} and only.total == 2
    assert {line.via for line in page.lines} == {"cli"}
