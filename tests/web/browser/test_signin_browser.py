"""What a person does in a real browser: sign in by keyboard alone, on pages that axe-core
finds no WCAG 2.2 A/AA problem with, under a CSP that lets only the site's scripts run."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.web.browser.conftest import (
    Screenshots,
    Served,
    assert_accessible,
    csp_violations,
    sign_in,
)
from tests.web.conftest import PASSWORD

pytestmark = pytest.mark.browser


def focused(page: Page) -> str:
    return str(
        page.evaluate("document.activeElement.id || document.activeElement.textContent.trim()")
    )


def test_a_person_signs_in_with_the_keyboard_alone(served: Served, page: Page) -> None:
    served.add_user("priya", "editor")
    page.goto(served.url)  # a signed-out visit goes to sign in, and back afterwards
    page.keyboard.press("Tab")
    assert focused(page) == "Skip to main content"
    for _ in range(5):
        if focused(page) == "username":
            break
        page.keyboard.press("Tab")
    assert focused(page) == "username"
    page.keyboard.type("priya")
    page.keyboard.press("Tab")
    assert focused(page) == "password"
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(served.url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Impact vignettes")
    expect(page.get_by_text("priya (editor)")).to_be_visible()


def test_the_sign_in_page_is_accessible_and_runs_only_its_own_scripts(
    served: Served, page: Page, screenshots: Screenshots
) -> None:
    page.goto(served.url + "login")
    expect(page.get_by_role("button", name="Show password")).to_be_visible()  # initAll() ran
    assert "nhsuk-frontend-supported" in (page.get_attribute("body", "class") or "")
    assert_accessible(page)
    screenshots.take(page, "sign-in")
    # Only the design system's web font (on assets.nhs.uk) is blocked, by design.
    assert csp_violations(page) == []


def test_a_refused_sign_in_is_accessible_and_focuses_the_error_summary(
    served: Served, page: Page, screenshots: Screenshots
) -> None:
    sign_in(page, served, "priya", "not the right password")
    expect(page.get_by_role("alert").filter(has_text="There is a problem")).to_be_visible()
    expect(page.locator(".nhsuk-error-summary")).to_be_focused()
    assert_accessible(page)
    screenshots.take(page, "sign-in-error")


def test_the_home_page_is_accessible(served: Served, page: Page, screenshots: Screenshots) -> None:
    served.add_user("priya", "admin")
    sign_in(page, served, "priya")
    page.wait_for_url(served.url)
    assert_accessible(page)
    screenshots.take(page, "home")
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(served.url + "login")
    expect(page.get_by_text("You have signed out.")).to_be_visible()


def test_an_error_page_is_accessible(served: Served, page: Page, screenshots: Screenshots) -> None:
    served.add_user("priya", "viewer")
    sign_in(page, served, "priya")
    response = page.goto(served.url + "no-such-page")
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    assert_accessible(page)
    screenshots.take(page, "page-not-found")
