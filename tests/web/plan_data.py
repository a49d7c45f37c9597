"""Builders for the home, plan, engagement, users and audit screens' tests: case studies
imported as the operator would, a month published through the real pipeline (outbox mode),
a post whose outcome was lost, engagement snapshots as the poller records them, and a case
study whose text is made of script payloads."""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import Any

from sqlalchemy import select

from scheduler.alerts import Alerter
from scheduler.operations.content.importing import import_case_studies
from scheduler.operations.months import Month
from scheduler.operations.showcase.publishing import publish_month
from tests.conftest import case_study_row, write_import
from tests.web.conftest import OPERATOR, Console, error_summary
from vignettes.store.models import EngagementSnapshot, Heartbeat, MonthlySlot, Post

# Early on the first Tuesday of December 2026: December's slot (10:00) is still ahead.
DECEMBER_MORNING = dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.UTC)
DECEMBER = Month(2026, 12)

# Text that would run as script if a page rendered it as markup.
PAYLOADS: dict[str, str] = {
    "title": "<script>window.__xss = 'title'</script> Falls review",
    "organisation": "<img src=x onerror=\"window.__xss = 'organisation'\"> Trust",
    "headline": '<a href="javascript:window.__xss = 1">Evidence</a> helped the ward',
}


def approved(ref: str, **overrides: Any) -> dict[str, Any]:
    """An approved import row, from its own organisation (auto-pick spreads them)."""
    return case_study_row(ref, **{"organisation": f"Trust of {ref}", **overrides})


def submitted(ref: str, **overrides: Any) -> dict[str, Any]:
    """An import row awaiting review."""
    return approved(ref, status=None, approved_by=None, approved_on=None, **overrides)


def load(console: Console, *rows: dict[str, Any]) -> None:
    """Import `rows` as the operator does on the command line."""
    path = write_import(console.ws.config_path.parent / "loaded.json", list(rows))
    import_case_studies(console.ws, OPERATOR, path)


def publish(console: Console, month: Month = DECEMBER) -> None:
    """Publish `month` now through the real pipeline (outbox mode: files, no network)."""
    publish_month(console.ws, OPERATOR, month)


def lose_outcome(console: Console, platform: str, month: Month = DECEMBER) -> None:
    """The post was sent but its answer never came (a read timeout after sending)."""
    with console.ws.store.write() as session:
        post = session.scalars(
            select(Post)
            .join(MonthlySlot)
            .where(MonthlySlot.month == str(month), Post.platform == platform)
        ).one()
        post.state, post.reason = "unknown", "read timeout after sending"
        post.url = post.remote_id = None
        post.unknown_since = console.clock.now()
        slot = post.slot
        slot.state = "partial"


def record_engagement(console: Console, platform: str, *rounds: dict[str, int | None]) -> None:
    """Engagement snapshots of `platform`'s December post, one per round, a day apart."""
    with console.ws.store.write() as session:
        post = session.scalars(
            select(Post)
            .join(MonthlySlot)
            .where(MonthlySlot.month == str(DECEMBER), Post.platform == platform)
        ).one()
        posted = post.posted_at or console.clock.now()
        for day, figures in enumerate(rounds, start=1):
            session.add(
                EngagementSnapshot(
                    post_id=post.id,
                    platform=platform,
                    offset_label=f"{day}d",
                    offset_seconds=day * 86400,
                    due_at=posted + dt.timedelta(days=day),
                    taken_at=posted + dt.timedelta(days=day),
                    state="taken",
                    unavailable=[],
                    updated_at=posted + dt.timedelta(days=day),
                    **figures,
                )
            )


def record_heartbeat(console: Console, *, minutes_ago: int, instance: str = "box-1") -> None:
    """The daemon `instance` last said it was alive `minutes_ago`."""
    at = console.clock.now() - dt.timedelta(minutes=minutes_ago)
    with console.ws.store.write() as session:
        session.add(Heartbeat(instance=instance, role="active", at=at, started_at=at))


def raise_alert(console: Console, message: str) -> None:
    """An open alert, as the daemon raises one."""
    Alerter(console.ws.store, []).raise_alert(
        "post:2026-12:x", "error", message, now=console.clock.now()
    )


def mark_missed(console: Console, month: Month) -> None:
    """`month`'s slot passed its grace with the daemon down: the daemon marked it missed."""
    with console.ws.store.write() as session:
        session.add(
            MonthlySlot(month=str(month), state="missed", reason="the daemon was not running")
        )


def options(page: str, select_id: str) -> list[tuple[str, str]]:
    """The (value, text) of each option of the select `select_id` on `page`."""
    body = page.split(f'id="{select_id}"', 1)[1].split("</select>", 1)[0]
    found = re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', body)
    return [(html.unescape(value), html.unescape(text.strip())) for value, text in found]


def problems(page: str) -> list[str]:
    """The error summary's messages as a person reads them (entities unescaped)."""
    return [html.unescape(m) for m in error_summary(page)]
