"""The home, plan, calendar, engagement, users and audit screens in a real browser: each
page free of WCAG 2.2 A/AA problems (axe-core) and saved as a screenshot; queueing a month
from the plan with the keyboard alone; and a case study made of script payloads shown as
text everywhere, with no script run."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from scheduler.operations.actor import Actor
from scheduler.operations.content.approval import reject
from scheduler.web.frontend import Frontend
from tests.web.browser.conftest import (
    Screenshots,
    Served,
    assert_accessible,
    csp_violations,
    serve,
    sign_in,
)
from tests.web.conftest import make_console
from tests.web.plan_data import (
    DECEMBER_MORNING,
    PAYLOADS,
    approved,
    load,
    lose_outcome,
    publish,
    record_engagement,
    submitted,
)

pytestmark = pytest.mark.browser


@pytest.fixture
def december(tmp_path: Path, frontend: Frontend) -> Iterator[Served]:
    """1 December 2026 before the slot: December's vignette published, its X outcome lost,
    LinkedIn's engagement read twice; ada (admin) and ed (editor) have accounts."""
    console = make_console(tmp_path, frontend, now=DECEMBER_MORNING)
    load(console, approved("ICS-1", title="Falls review"), approved("ICS-2"), approved("ICS-3"))
    publish(console)
    lose_outcome(console, "x")
    record_engagement(
        console, "linkedin", {"impressions": 900, "likes": 8}, {"impressions": 1400, "likes": 12}
    )
    console.add_user("ada", "admin")
    console.add_user("ed", "editor")
    with serve(console) as running:
        yield running


def check(page: Page, screenshots: Screenshots, name: str) -> None:
    """The page as it is now: no axe violation, only the design system's font blocked."""
    assert_accessible(page)
    screenshots.take(page, name)
    assert csp_violations(page) == []


def test_home_with_an_unknown_post_and_the_publish_page(
    december: Served, page: Page, screenshots: Screenshots
) -> None:
    sign_in(page, december, "ada")
    expect(page.get_by_role("heading", name="X, December 2026")).to_be_visible()
    expect(page.locator("img.app-card-thumbnail")).to_have_js_property("complete", True)
    assert page.evaluate("document.querySelector('img.app-card-thumbnail').naturalWidth") > 0
    check(page, screenshots, "home-needs-a-person")
    page.goto(december.url + "publish/2026-12")
    check(page, screenshots, "publish-now")
    page.goto(december.url + "publish/2027-03")
    check(page, screenshots, "publish-now-refused")


def test_settling_an_unknown_post_in_the_browser(december: Served, page: Page) -> None:
    sign_in(page, december, "ada")
    page.get_by_label("Address of the post (optional)").fill("https://x.com/nhs/status/42")
    page.get_by_role("button", name="It is on the account").click()
    expect(page.get_by_text("December 2026 on X: marked as posted.")).to_be_visible()
    expect(page.get_by_role("link", name="View the post on X")).to_have_attribute(
        "href", "https://x.com/nhs/status/42"
    )


def test_the_plan_and_the_calendar_pages(
    december: Served, page: Page, screenshots: Screenshots
) -> None:
    sign_in(page, december, "ed")
    page.goto(december.url + "plan")
    check(page, screenshots, "plan")
    page.get_by_role("link", name="Subscribe in your own calendar").click()
    check(page, screenshots, "plan-calendar")
    page.get_by_role("button", name="Make a calendar address").click()
    address = page.get_by_label("Calendar address").input_value()
    assert address.startswith(december.url + "plan.ics?token=")
    check(page, screenshots, "plan-calendar-address")


def test_engagement_with_its_chart(december: Served, page: Page, screenshots: Screenshots) -> None:
    sign_in(page, december, "ed")
    page.goto(december.url + "engagement")
    expect(page.get_by_text("1,400 (+500)")).to_be_visible()
    assert page.evaluate("document.querySelector('img.app-chart').naturalWidth") == 1200
    check(page, screenshots, "engagement")


def test_the_users_pages_and_a_one_time_password(
    december: Served, page: Page, screenshots: Screenshots
) -> None:
    sign_in(page, december, "ada")
    page.goto(december.url + "users")
    check(page, screenshots, "users")
    page.get_by_role("button", name="Add a user").click()
    page.get_by_role("button", name="Add user").click()  # nothing filled in
    expect(page.locator(".nhsuk-error-summary")).to_be_focused()
    check(page, screenshots, "users-add-error")
    page.get_by_label("User name").fill("priya")
    page.get_by_label("Email address").fill("priya@nhs.example")
    page.get_by_label("Approver").check()
    page.get_by_role("button", name="Add user").click()
    expect(page.get_by_label("One-time password for priya")).not_to_be_empty()
    check(page, screenshots, "users-one-time-password")
    page.goto(december.url + "users/priya")
    check(page, screenshots, "users-priya")


def test_the_audit_log(december: Served, page: Page, screenshots: Screenshots) -> None:
    sign_in(page, december, "ada")
    page.goto(december.url + "audit")
    newest = page.locator("tbody tr").first
    expect(newest).to_contain_text("Signed in")
    expect(newest).to_contain_text("Console")
    check(page, screenshots, "audit-log")


def focused(page: Page) -> str:
    return str(
        page.evaluate("document.activeElement.id || document.activeElement.textContent.trim()")
    )


def tab_to(page: Page, target: str, limit: int = 120) -> None:
    for _ in range(limit):
        if focused(page) == target:
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {target!r}")


def test_an_editor_queues_a_month_from_the_plan_with_the_keyboard_alone(
    december: Served, page: Page
) -> None:
    sign_in(page, december, "ed")
    page.goto(december.url + "plan")
    tab_to(page, "month")
    page.keyboard.type("March 2027")  # a closed select picks the option typed
    page.keyboard.press("Tab")
    assert focused(page) == "ref"
    page.keyboard.type("ICS-3")
    page.keyboard.press("Tab")
    assert focused(page) == "Queue case study"
    page.keyboard.press("Enter")
    expect(page.get_by_text("ICS-3 is queued for March 2027")).to_be_visible()
    march = page.locator("#month-2027-03")
    expect(march).to_contain_text("Queued")
    expect(march.get_by_role("button", name="Unqueue ICS-3 from March 2027")).to_be_visible()

    # Every Unqueue button submits the one form above the table, to its own month.
    march.get_by_role("button", name="Unqueue ICS-3 from March 2027").click()
    expect(page.get_by_text("ICS-3 is no longer queued for March 2027")).to_be_visible()
    expect(page.locator("#month-2027-03")).not_to_contain_text("Queued")


@pytest.fixture
def payloads(tmp_path: Path, frontend: Frontend) -> Iterator[Served]:
    """This month's vignette is a case study made of script payloads; another one was
    rejected with a payload for a reason."""
    console = make_console(tmp_path, frontend, now=DECEMBER_MORNING)
    load(console, approved("XSS-1", **PAYLOADS), submitted("XSS-2"))
    reject(
        console.ws, Actor("ann", "cli"), "XSS-2", "<img src=x onerror=\"window.__xss = 'reason'\">"
    )
    publish(console)
    record_engagement(console, "x", {"impressions": 10, "likes": 1})
    console.add_user("ada", "admin")
    with serve(console) as running:
        yield running


@pytest.mark.parametrize("screen", ["", "plan", "engagement", "audit"])
def test_script_payloads_are_shown_as_text_and_never_run(
    payloads: Served, page: Page, screenshots: Screenshots, screen: str
) -> None:
    sign_in(page, payloads, "ada")
    page.goto(payloads.url + screen)
    if screen == "audit":
        expect(page.get_by_text("<img src=x onerror=", exact=False).first).to_be_visible()
    else:
        expect(page.get_by_text(PAYLOADS["title"]).first).to_be_visible()
    if screen in ("", "plan"):
        expect(page.get_by_text(PAYLOADS["organisation"]).first).to_be_visible()
    assert page.evaluate("typeof window.__xss") == "undefined"
    assert page.locator("main script, main img[src='x'], main a[href^='javascript']").count() == 0
    check(page, screenshots, f"payloads-{screen or 'home'}")


def test_the_calendar_shows_each_month_s_card_and_is_operable_by_keyboard(
    december: Served, page: Page, screenshots: Screenshots
) -> None:
    sign_in(page, december, "ed")
    page.goto(december.url + "plan/year")
    page.wait_for_function("[...document.images].every(i => i.complete)")
    widths = page.locator("img.app-calendar__card").evaluate_all(
        "imgs => imgs.map(i => i.naturalWidth)"
    )
    assert widths and all(width == 480 for width in widths)
    check(page, screenshots, "plan-year")
    for _ in range(60):  # Tab from the top of the page to December's case study
        page.keyboard.press("Tab")
        if page.evaluate("!!document.activeElement.closest('#calendar-2026-12')"):
            break
    assert focused(page).startswith("ICS-1")
    page.keyboard.press("Enter")
    expect(page).to_have_url(december.url + "case-studies/ICS-1")
