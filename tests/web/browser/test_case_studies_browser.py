"""What the comms team does with case studies in a real browser: import a file (a bad row
first, then a good file), approve one a peer review escalated, queue, see every platform's
card, edit an approved case study and read the change in its history, all by keyboard if
need be; every page checked with axe-core and photographed, with script payloads in the
text staying text."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from scheduler.clock import FakeClock
from scheduler.config import parse_config
from scheduler.operations.context import Workspace
from scheduler.web import create_app
from scheduler.web.frontend import Frontend
from scheduler.web.server import ConsoleServer
from tests.conftest import NOW, case_study_row, escalate, seed_directory
from tests.web.browser.conftest import (
    Screenshots,
    Served,
    assert_accessible,
    csp_violations,
    sign_in,
)
from tests.web.conftest import PASSWORD, SIGNING_KEY, Console
from tests.web.content import PAYLOADS, load, payload_case_study, submitted

pytestmark = pytest.mark.browser


@pytest.fixture
def served(tmp_path: Path, frontend: Frontend) -> Iterator[Served]:
    """The console over a real socket, with Bluesky enabled beside X and LinkedIn."""
    data = {
        "database": {"url": f"sqlite:///{tmp_path / 'vignettes.db'}"},
        "daemon": {"var_dir": str(tmp_path / "var")},
        "platforms": {"bluesky": {"enabled": True}},
    }
    clock = FakeClock(NOW)
    ws = Workspace(config=parse_config(data, tmp_path / "config.toml"), clock=clock)
    seed_directory(ws.store)
    console = Console(create_app(ws, signing_key=SIGNING_KEY, frontend=frontend), ws, clock)
    server = ConsoleServer(console.app, "127.0.0.1", 0)
    thread = threading.Thread(target=server.run, name="console", daemon=True)
    thread.start()
    yield Served(console, server.url)
    server.stop()
    thread.join(timeout=10)
    ws.close()


def no_script_ran(page: Page) -> None:
    assert page.evaluate("typeof window.__xss") == "undefined"
    assert csp_violations(page) == []


def choose_file(page: Page, rows: list[dict[str, Any]], name: str = "case-studies.json") -> None:
    body = json.dumps(rows, ensure_ascii=False).encode("utf-8")
    page.locator("input[type=file]").set_input_files(
        files=[{"name": name, "mimeType": "application/json", "buffer": body}]
    )
    page.get_by_role("button", name="Check the file").click()


def test_import_a_file_with_a_bad_row_then_a_good_one(
    served: Served, page: Page, screenshots: Screenshots
) -> None:
    served.add_user("ed", "editor")
    sign_in(page, served, "ed")
    page.get_by_role("link", name="Import").click()
    assert_accessible(page)
    screenshots.take(page, "import")
    choose_file(page, [submitted("B-1"), submitted("B-2", headline="x" * 91)], "batch.json")
    expect(page.locator(".nhsuk-error-summary")).to_be_focused()
    expect(page.get_by_role("heading", level=1)).to_have_text("The file cannot be imported")
    problem = page.locator("#problems tbody tr").first
    expect(problem).to_contain_text("B-2")
    expect(problem).to_contain_text("is 91 characters, the limit is 90")
    assert_accessible(page)
    screenshots.take(page, "import-problems")
    page.get_by_role("link", name="Upload another file").click()
    choose_file(page, [submitted("B-1"), submitted("B-2")], "batch.json")
    expect(page.get_by_text("Nothing has been imported yet")).to_be_visible()
    assert_accessible(page)
    screenshots.take(page, "import-check")
    page.get_by_role("button", name="Import 2 rows").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Imported")
    expect(page.get_by_role("link", name="B-2")).to_be_visible()
    assert_accessible(page)
    screenshots.take(page, "import-done")


def test_approve_and_queue_with_every_platform_card_loaded(
    served: Served, page: Page, screenshots: Screenshots
) -> None:
    load(served.console, submitted("A-1", time_saved_hours=30))
    escalate(served.console.ws.store, "A-1")
    served.add_user("priya", "approver")
    sign_in(page, served, "priya")
    page.goto(served.url + "case-studies/A-1")
    cards = page.locator("img.app-card")
    expect(cards).to_have_count(3)
    page.wait_for_function("[...document.images].every(i => i.complete)")
    loaded = cards.evaluate_all("imgs => imgs.map(i => [i.alt.length > 0, i.naturalWidth])")
    assert [alt for alt, _ in loaded] == [True] * 3 and all(width > 0 for _, width in loaded)
    for unit in ("weighted characters", "of 3000 characters", "graphemes"):
        expect(page.get_by_text(unit).first).to_be_visible()
    assert_accessible(page)
    screenshots.take(page, "case-study")
    page.get_by_role("button", name="Approve").click()
    expect(page.get_by_text("A-1 is approved.")).to_be_visible()
    page.get_by_label("Queue it for a month").select_option("2027-03")
    page.get_by_role("button", name="Queue").click()
    expect(page.get_by_text("A-1 is queued for March 2027")).to_be_visible()
    assert_accessible(page)
    screenshots.take(page, "case-study-queued")
    no_script_ran(page)


def test_an_edit_of_an_approved_case_study_voids_it_and_the_history_shows_the_change(
    served: Served, page: Page, screenshots: Screenshots
) -> None:
    load(served.console, case_study_row("E-1", headline="Evidence helped the ward"))
    served.add_user("ed", "editor")
    sign_in(page, served, "ed")
    page.goto(served.url + "case-studies/E-1/edit")
    assert_accessible(page)
    screenshots.take(page, "edit-case-study")
    page.get_by_label("Title").fill("")
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator(".nhsuk-error-summary")).to_be_focused()
    expect(page.get_by_role("link", name="Title is required")).to_be_visible()
    assert_accessible(page)
    screenshots.take(page, "edit-case-study-error")
    page.get_by_label("Title").fill("Early mobilisation after hip fracture")
    page.get_by_label("Card headline").fill("Evidence helps the ward")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("Its approval was voided")).to_be_visible()
    history = page.locator("#history ~ table tbody tr")
    expect(history.first).to_contain_text("Approval voided")
    change = history.nth(1)
    expect(change).to_contain_text("Changed")
    expect(change).to_contain_text("Card headline changed from Evidence helped the ward")
    expect(change).to_contain_text("to Evidence helps the ward")
    expect(page.locator(".nhsuk-tag")).to_have_text(["Submitted"])  # the page's one state tag


def focused(page: Page) -> str:
    return str(page.evaluate("document.activeElement.textContent.trim()"))


def tab_to(page: Page, text: str, limit: int = 60) -> None:
    """Press Tab until the element whose text starts with `text` has the focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if focused(page).startswith(text):
            return
    raise AssertionError(f"{text!r} never got the focus (last: {focused(page)!r})")


def test_a_keyboard_alone_goes_from_sign_in_to_approval(served: Served, page: Page) -> None:
    load(served.console, submitted("K-1"))
    escalate(served.console.ws.store, "K-1")
    served.add_user("priya", "approver")
    page.goto(served.url + "login")
    page.get_by_label("Username").focus()
    page.keyboard.type("priya")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(served.url)
    tab_to(page, "Case studies")
    page.keyboard.press("Enter")
    page.wait_for_url("**/case-studies")
    tab_to(page, "K-1")
    page.keyboard.press("Enter")
    page.wait_for_url("**/case-studies/K-1")
    tab_to(page, "Approve")
    page.keyboard.press("Enter")
    expect(page.get_by_text("K-1 is approved.")).to_be_visible()


def test_the_list_and_the_add_form_are_accessible(
    served: Served, page: Page, screenshots: Screenshots
) -> None:
    load(served.console, case_study_row("L-1"), submitted("L-2"), submitted("L-3"))
    served.add_user("ed", "editor")
    sign_in(page, served, "ed")
    page.get_by_role("link", name="Case studies").click()
    expect(page.get_by_text("3 case studies")).to_be_visible()
    assert_accessible(page)
    screenshots.take(page, "case-studies")
    page.get_by_role("button", name="Add a case study").click()
    assert_accessible(page)
    screenshots.take(page, "add-case-study")
    page.get_by_label("Reference").fill("L-4")
    page.get_by_role("button", name="Add case study").click()
    expect(page.get_by_role("link", name="Title is required")).to_be_visible()
    assert_accessible(page)
    screenshots.take(page, "add-case-study-error")


def test_payloads_stay_text_on_every_page_and_no_script_runs(
    served: Served, page: Page, screenshots: Screenshots
) -> None:
    load(served.console, payload_case_study("X-1"))
    served.add_user("ed", "editor")
    sign_in(page, served, "ed")
    page.goto(served.url + "case-studies")
    expect(page.get_by_text(PAYLOADS["title"])).to_be_visible()
    page.goto(served.url + "case-studies/X-1")
    expect(page.get_by_role("heading", level=1)).to_have_text(PAYLOADS["title"])
    expect(page.get_by_text(PAYLOADS["quote_attribution"]).first).to_be_visible()
    screenshots.take(page, "case-study-payloads")
    page.goto(served.url + "case-studies/X-1/edit")
    expect(page.locator("#quote_text")).to_have_value(PAYLOADS["quote_text"])
    expect(page.get_by_label("Title")).to_have_value(PAYLOADS["title"])
    no_script_ran(page)
    page.goto(served.url + "import")
    bad = payload_case_study("X-2") | {"impact_categories": "<script>window.__xss=5</script>"}
    choose_file(page, [bad], "<img src=x onerror=window.__xss=6>.json")
    expect(page.get_by_text("<img src=x onerror=window.__xss=6>.json").first).to_be_visible()
    expect(page.get_by_text("unknown category '<script>window.__xss=5</script>'")).to_be_visible()
    no_script_ran(page)
