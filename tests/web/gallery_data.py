"""Builders for the public gallery's tests: a console with the gallery on, case studies
imported as the operator would, one showcased through the real publishing pipeline (outbox
mode, then given the web addresses a platform would answer with), engagement as the poller
records it, and a crawl of every public page."""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import select, text

from scheduler.operations.content.approval import approve, reject
from scheduler.operations.months import Month
from scheduler.operations.showcase.publishing import publish_month
from scheduler.web.frontend import Frontend
from tests.web.conftest import OPERATOR, Console, make_console
from tests.web.plan_data import DECEMBER, DECEMBER_MORNING, approved, load, submitted
from vignettes.store.models import EngagementSnapshot, MonthlySlot, Post

__all__ = ["DECEMBER", "approved", "load", "submitted"]

LIVE_URLS = {
    "x": "https://x.com/nhslibraries/status/1860000000000000001",
    "linkedin": "https://www.linkedin.com/feed/update/urn:li:share:7000000000000000001",
    "bluesky": "https://bsky.app/profile/nhslibraries.example/post/3kgallery0001",
}


def gallery_console(
    tmp_path: Path, frontend: Frontend, db_url: str | None = None, **gallery: Any
) -> Console:
    """The console with the gallery on (and any other `[gallery]` keys), as of December's
    first morning."""
    return make_console(
        tmp_path,
        frontend,
        db_url=db_url,
        sections={"gallery": {"enabled": True, **gallery}},
        now=DECEMBER_MORNING,
    )


def showcase(console: Console, ref: str, month: Month = DECEMBER) -> None:
    """Publish `month` with `ref` queued for it, and give each post the web address its
    platform would have answered with."""
    from scheduler.operations.showcase.planning import queue

    queue(console.ws, OPERATOR, month, ref)
    publish_month(console.ws, OPERATOR, month)
    with console.ws.store.write() as session:
        posts = session.scalars(
            select(Post).join(MonthlySlot).where(MonthlySlot.month == str(month))
        ).all()
        for post in posts:
            post.url = LIVE_URLS[post.platform]


def record_engagement(console: Console, platform: str, **figures: int | None) -> None:
    """A snapshot of `platform`'s post a day after it went out."""
    with console.ws.store.write() as session:
        post = session.scalars(select(Post).where(Post.platform == platform)).one()
        at = (post.posted_at or console.clock.now()) + dt.timedelta(days=1)
        session.add(
            EngagementSnapshot(
                post_id=post.id,
                platform=platform,
                offset_label="1d",
                offset_seconds=86400,
                due_at=at,
                taken_at=at,
                state="taken",
                unavailable=[],
                updated_at=at,
                **figures,
            )
        )


def approve_as(console: Console, ref: str, name: str) -> None:
    from scheduler.operations.actor import Actor

    approve(console.ws, Actor(name, "cli"), ref)


def reject_as(console: Console, ref: str, name: str, reason: str) -> None:
    from scheduler.operations.actor import Actor

    reject(console.ws, Actor(name, "cli"), ref, reason)


def start_ids_at(console: Console, first: int) -> None:
    """Make the next case study's internal id `first`, so a page can be searched for it."""
    with console.ws.store.write() as session:
        if session.get_bind().dialect.name == "postgresql":
            session.execute(text("SELECT setval('case_studies_id_seq', :n)"), {"n": first - 1})
    if console.ws.store.dialect == "sqlite":
        load(console, submitted("PAD-0", title="Padding row"))
        with console.ws.store.write() as session:
            session.execute(
                text("UPDATE case_studies SET id = :n WHERE ref = 'PAD-0'"), {"n": first - 1}
            )


def pages(console: Console) -> Iterator[tuple[str, str]]:
    """Every public page's address and body: the gallery under every filter value it
    offers and every page number, each listed case study, and the feed."""
    seen: set[str] = set()
    queue = ["/gallery", "/gallery/feed.atom"]
    while queue:
        address = queue.pop()
        if address in seen:
            continue
        seen.add(address)
        response = console.get(address)
        data = response.get_data()
        # A card is searched byte for byte too (its PNG metadata could carry text).
        body = data.decode("latin-1") if address.endswith(".png") else data.decode("utf-8")
        yield address, body
        if address.startswith("/gallery/feed") or address.endswith(".png"):
            continue
        for link in re.findall(r'(?:href|src)="(/gallery[^"]*)"', body):
            queue.append(html.unescape(link))
        if address == "/gallery":
            for name in ("region", "category", "service", "year"):
                for value in option_values(body, name):
                    queue.append(f"/gallery?{name}={value}")
            queue.append("/gallery?showcased=yes")


def option_values(page: str, select_id: str) -> list[str]:
    if f'id="{select_id}"' not in page:
        return []
    body = page.split(f'id="{select_id}"', 1)[1].split("</select>", 1)[0]
    return [html.unescape(v) for v in re.findall(r'<option value="([^"]+)"', body)]
