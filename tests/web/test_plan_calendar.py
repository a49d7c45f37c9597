"""The plan as a calendar: the next 12 months in a server-rendered table, three to a row,
each month with its case study, state and a thumbnail of its card."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from scheduler.web.frontend import Frontend
from tests.web.conftest import Console, make_console
from tests.web.plan_data import DECEMBER_MORNING, approved, load


@pytest.fixture
def console(tmp_path: Path, frontend: Frontend) -> Iterator[Console]:
    made = make_console(tmp_path, frontend, now=DECEMBER_MORNING)
    load(made, approved("ICS-1", title="Falls review"), approved("ICS-2"))
    made.add_user("vera", "viewer")
    made.sign_in("vera")
    yield made
    made.ws.close()


def test_the_calendar_is_a_table_of_twelve_months_three_to_a_row(console: Console) -> None:
    page = console.get("/plan/year").text
    assert page.count('<th class="nhsuk-table__header app-calendar__period" scope="row">') == 4
    months = re.findall(r'id="calendar-(\d{4}-\d{2})"', page)
    assert months[0] == "2026-12" and months[-1] == "2027-11" and len(months) == 12
    december = page.split('id="calendar-2026-12"', 1)[1].split("</td>", 1)[0]
    assert "December 2026" in december and "Falls review" in december
    assert 'href="/case-studies/ICS-1"' in december and "Planned" in december
    assert 'src="/plan/2026-12/card.png"' in december
    assert "February 2027" in page and "Nothing planned" in page  # only two case studies


def test_a_month_s_thumbnail_is_its_card_made_small_and_revalidated(console: Console) -> None:
    card = console.get("/plan/2026-12/card.png")
    assert card.status_code == 200 and card.data.startswith(b"\x89PNG")
    assert card.headers["Cache-Control"] == "private, no-cache" and card.headers["ETag"]
    width = int.from_bytes(card.data[16:20], "big")  # the PNG's IHDR
    assert width == 480
    again = console.get("/plan/2026-12/card.png", headers={"If-None-Match": card.headers["ETag"]})
    assert again.status_code == 304
    assert console.get("/plan/2027-02/card.png").status_code == 404  # nothing planned
    assert console.get("/plan/nonsense/card.png").status_code == 404


def test_the_list_and_the_calendar_link_to_each_other(console: Console) -> None:
    assert 'href="/plan/year">Calendar' in console.get("/plan").text
    assert 'href="/plan">List' in console.get("/plan/year").text
    assert (
        '<span class="app-views__current" aria-current="page">Calendar'
        in console.get("/plan/year").text
    )
