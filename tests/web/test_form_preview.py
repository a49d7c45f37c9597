"""Preview while writing: on the add and edit forms, "Preview" renders the cards and post
texts of the unsaved fields with every warning the case study's page shows (a POST that
saves nothing), and the same problems saving would name."""

from __future__ import annotations

import re

from scheduler.operations.audit import audit_log
from scheduler.operations.content.case_studies import case_study
from scheduler.operations.months import Month
from scheduler.operations.showcase.planning import queue
from tests.conftest import case_study_row
from tests.web.conftest import OPERATOR, Console, error_summary
from tests.web.content import load
from tests.web.test_case_study_form import form_fields

ARABIC = "مكتبة تساعد الأطباء"  # no card font has Arabic: it could never be posted


def preview_section(page: str) -> str:
    return page.split('id="preview"', 1)[1].split('<div class="nhsuk-grid-row">\n  <div class')[0]


def test_previewing_an_edit_shows_its_cards_and_posts_and_saves_nothing(
    console: Console,
) -> None:
    load(console, case_study_row("E-1", headline="Evidence helped the ward"))
    console.add_user("ed", "editor")
    console.sign_in("ed")
    sent = form_fields(console.get("/case-studies/E-1/edit").text)
    before = case_study(console.ws, "E-1").content_hash

    page = console.post(
        "/case-studies/E-1/edit", {**sent, "headline": "Falls down a quarter", "action": "preview"}
    )

    assert page.status_code == 200
    shown = preview_section(page.text)
    assert "Nothing is saved yet" in page.text
    assert "Falls down a quarter" in shown and re.search(r"\d+ of 280 weighted characters", shown)
    for card in re.findall(r'src="(/cards/[0-9a-f]{32}/[a-z]+\.png(?:\?ref=[^"]*)?)"', shown):
        assert console.get(card).data.startswith(b"\x89PNG")
    assert 'value="Falls down a quarter"' in page.text  # the form keeps what was typed
    assert case_study(console.ws, "E-1").content_hash == before
    assert "updated" not in [e.action for e in audit_log(console.ws).lines if e.ref == "E-1"]


def test_a_preview_shows_every_warning_the_case_study_page_shows(console: Console) -> None:
    console.add_user("ed", "editor")
    console.sign_in("ed")
    sent = {"ref": "N-1", "title": "Falls review", "organisation": "Northmoor Trust"}
    sent |= {"headline": ARABIC, "summary": "The library's review helped."}
    sent |= {"quote_text": "It changed practice.", "quote_attribution": "Ward sister"}

    page = console.post("/new-case-study", {**sent, "action": "preview"}).text

    shown = preview_section(page)
    assert "It could not be posted" in shown and "ARABIC LETTER" in shown
    assert "Quote withheld: no consent recorded" in shown
    warned = page.split('id="preview"')[0]  # the import's own warning, as saving gives it
    assert "is blank: no consent recorded, so the quote is stored but never used" in warned
    assert console.get("/case-studies/N-1").status_code == 404  # not added


def test_a_preview_of_fields_with_problems_names_them_like_saving_would(
    console: Console,
) -> None:
    console.add_user("ed", "editor")
    console.sign_in("ed")
    sent = {"ref": "N-2", "title": "A title", "organisation": "Trust", "headline": "x" * 91}
    page = console.post("/new-case-study", {**sent, "summary": "", "action": "preview"})
    assert page.status_code == 400
    assert error_summary(page.text) == [
        "Card headline is 91 characters, the limit is 90",
        "Summary is required",
    ]
    assert 'id="preview"' not in page.text
    assert console.get("/case-studies/N-2").status_code == 404


def test_a_viewer_cannot_preview_through_the_forms(console: Console) -> None:
    load(console, case_study_row("E-3"))
    console.add_user("vera", "viewer")
    console.sign_in("vera")
    assert console.post("/new-case-study", {"action": "preview"}).status_code == 403
    assert console.post("/case-studies/E-3/edit", {"action": "preview"}).status_code == 403


def test_a_preview_renders_for_the_month_the_case_study_is_planned_for(
    console: Console,
) -> None:
    load(console, case_study_row("E-4"), case_study_row("E-5", organisation="Other Trust"))
    queue(console.ws, OPERATOR, Month(2027, 3), "E-5")
    console.add_user("ed", "editor")
    console.sign_in("ed")
    for ref, month in (("E-4", "December 2026"), ("E-5", "March 2027")):  # auto-pick, queued
        sent = form_fields(console.get(f"/case-studies/{ref}/edit").text)
        page = console.post(f"/case-studies/{ref}/edit", {**sent, "action": "preview"}).text
        assert f"As they would go out in {month}." in preview_section(page)
