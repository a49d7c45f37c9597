"""Every page of a seeded console in Chromium, as an editor, an approver and an admin, at
1280 × 800 and on a 390 × 844 phone: no page wider than its window
(`document.documentElement.scrollWidth`), no console error (a blocked font or any other
Content-Security-Policy violation included), no axe-core WCAG 2.2 A/AA violation, and a
screenshot of each kept as a test artefact (`every-page/ROLE-SIZE-PAGE.png`).

One server and one browser serve the whole module; each role signs in once per window
size. Pages reached by a POST (a preview, an import's dry run, a one-time password) are
reached the way a person reaches them, by filling the form.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pytest
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page

from scheduler.operations.months import Month
from scheduler.operations.showcase.planning import queue
from scheduler.web.frontend import Frontend
from tests.web.browser.conftest import Screenshots, Served, assert_accessible, serve
from tests.web.conftest import OPERATOR, PASSWORD, make_console
from tests.web.plan_data import (
    DECEMBER_MORNING,
    approved,
    load,
    lose_outcome,
    publish,
    record_engagement,
    submitted,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SIZES = {"desktop": (1280, 800), "phone": (390, 844)}
ROLES = ("editor", "approver", "admin")


def _choose(page: Page, url: str, rows: list[dict[str, object]]) -> None:
    page.goto(url + "import")
    body = json.dumps(rows).encode("utf-8")
    page.locator("input[type=file]").set_input_files(
        files=[{"name": "case-studies.json", "mimeType": "application/json", "buffer": body}]
    )
    page.get_by_role("button", name="Check the file").click()


def _upload(page: Page, url: str) -> None:
    _choose(page, url, [submitted("UP-1", title="A case study from a file"), approved("ICS-2")])
    page.get_by_text("Nothing has been imported yet").wait_for()


def _upload_bad(page: Page, url: str) -> None:
    """A comms officer's own spreadsheet, saved as CSV, with mistakes in two rows."""
    header = "Reference,Title,Organisation,Library service,Card headline,Summary,"
    header += "Impact categories,Link,Time saved (hours)"
    service = "Northmoor Healthcare Library"
    rows = [
        header,
        f"UP-2,Falls review,Northmoor Trust,{service},{'x' * 91},A summary,Patient Safty,,",
        f"UP-3,Sepsis,Northmoor Trust,{service},A headline,A summary,,http://x.example,lots",
    ]
    page.goto(url + "import")
    page.locator("input[type=file]").set_input_files(
        files=[{"name": "our-case-studies.csv", "mimeType": "text/csv",
                "buffer": "\n".join(rows).encode("utf-8")}]
    )  # fmt: skip
    page.get_by_role("button", name="Check the file").click()
    page.locator("#problems").wait_for()


def _preview(page: Page, url: str) -> None:
    page.goto(url + "case-studies/ICS-3/edit")
    page.get_by_label("Card headline").fill("Falls on the ward down by a quarter")
    page.get_by_role("button", name="Preview").click()
    page.locator("#preview").wait_for()


def _one_time_password(page: Page, url: str) -> None:
    page.goto(url + "users/new")
    name = f"new-{secrets.token_hex(3)}"
    page.get_by_label("User name").fill(name)
    page.get_by_label("Email address").fill(f"{name}@nhs.example")
    page.get_by_role("button", name="Add user").click()
    page.locator("#one-time-password").wait_for()


@dataclass(frozen=True)
class Screen:
    name: str
    path: str = ""
    roles: tuple[str, ...] = ROLES
    reach: Callable[[Page, str], None] | None = None  # a page reached through a form
    status: int = 200


SCREENS = (
    Screen("home", ""),
    Screen("plan", "plan"),
    Screen("calendar", "plan/year"),
    Screen("calendar-feed", "plan/calendar"),
    Screen("case-studies", "case-studies"),
    Screen("case-study", "case-studies/ICS-1"),
    Screen("case-study-submitted", "case-studies/ICS-5"),
    Screen("add-case-study", "new-case-study"),
    Screen("edit-case-study", "case-studies/ICS-3/edit"),
    Screen("edit-preview", reach=_preview),
    Screen("import", "import"),
    Screen("import-check", reach=_upload),
    Screen("import-problems", reach=_upload_bad),
    Screen("engagement", "engagement"),
    Screen("change-password", "account/password"),
    Screen("account", "account"),
    Screen("impact", "impact"),
    Screen("publish-now", "publish/2026-12", roles=("admin",)),
    Screen("users", "users", roles=("admin",)),
    Screen("user", "users/ed", roles=("admin",)),
    Screen("add-user", "users/new", roles=("admin",)),
    Screen("one-time-password", reach=_one_time_password, roles=("admin",)),
    Screen("audit-log", "audit", roles=("admin",)),
    Screen("library-services", "services", roles=("admin",)),
    Screen("add-library-service", "services/new", roles=("admin",)),
    Screen("invite", "invitations/new", roles=("admin",)),
    Screen("not-found", "case-studies/NOPE-1", roles=("editor",), status=404),
    Screen("forbidden", "users", roles=("editor",), status=403),
)


@dataclass
class Window:
    """One signed-in browser at one size, recording what its console reports."""

    context: BrowserContext
    page: Page
    errors: list[str] = field(default_factory=list)


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory, frontend: Frontend) -> Iterator[Served]:
    """1 December 2026, before the slot: December published with X's outcome lost and
    LinkedIn's engagement read; March queued then changed (so it will not be sent); two
    case studies waiting for approval; ed (editor), ann (approver) and ada (admin)."""
    folder = tmp_path_factory.mktemp("every-page")
    console = make_console(folder, frontend, now=DECEMBER_MORNING)
    load(
        console,
        approved("ICS-1", title="Falls review on the older people's wards"),
        approved("ICS-2"),
        approved("ICS-3", time_saved_hours=120, cost_saving_gbp=4500),
        approved("ICS-4"),
        submitted("ICS-5", title="Sepsis pathway rewritten in weeks"),
        submitted("ICS-6"),
    )
    publish(console)
    lose_outcome(console, "x")
    record_engagement(console, "linkedin", {"impressions": 900, "likes": 8})
    queue(console.ws, OPERATOR, Month(2027, 3), "ICS-4")
    load(console, approved("ICS-4", summary="Changed after approval, so approved no more."))
    for name, role in (("ed", "editor"), ("ann", "approver"), ("ada", "admin")):
        console.add_user(name, role)
    with serve(console) as running:
        yield running


@pytest.fixture(scope="module")
def windows(chromium: Browser, seeded: Served) -> Iterator[dict[tuple[str, str], Window]]:
    """A signed-in window per role and size, made when first asked for."""
    made: dict[tuple[str, str], Window] = {}
    names = {"editor": "ed", "approver": "ann", "admin": "ada"}

    def open_window(role: str, size: str) -> Window:
        width, height = SIZES[size]
        context = chromium.new_context(viewport={"width": width, "height": height})
        page = context.new_page()
        window = Window(context, page)
        page.on("console", lambda m: _record(window, m))
        page.on("pageerror", lambda e: window.errors.append(f"page error: {e}"))
        page.add_init_script(
            "document.addEventListener('securitypolicyviolation', e => console.error("
            "'CSP violation: ' + e.effectiveDirective + ' ' + e.blockedURI));"
        )
        page.goto(seeded.url + "login")
        page.get_by_label("Username").fill(names[role])
        page.get_by_label("Password", exact=True).fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(seeded.url)
        return window

    class Lazy(dict[tuple[str, str], Window]):
        def __missing__(self, key: tuple[str, str]) -> Window:
            self[key] = made[key] = open_window(*key)
            return self[key]

    yield Lazy()
    for window in made.values():
        window.context.close()


def _record(window: Window, message: ConsoleMessage) -> None:
    # An error page's own status (a 404 page answering 404) is reported too: that is the
    # page doing its job, not a failure on it.
    own_status = message.location.get("url") == window.page.url and message.text.startswith(
        "Failed to load resource: the server responded with a status of 40"
    )
    if message.type == "error" and not own_status:
        window.errors.append(message.text)


CASES = [
    pytest.param(role, size, screen, id=f"{role}-{size}-{screen.name}")
    for role in ROLES
    for size in SIZES
    for screen in SCREENS
    if role in screen.roles
]


@pytest.mark.parametrize(("role", "size", "screen"), CASES)
def test_the_page_fits_its_window_reports_no_error_and_passes_axe(
    windows: dict[tuple[str, str], Window],
    seeded: Served,
    screenshots: Screenshots,
    role: str,
    size: str,
    screen: Screen,
) -> None:
    window = windows[(role, size)]
    page = window.page
    window.errors.clear()
    if screen.reach is not None:
        screen.reach(page, seeded.url)
    else:
        response = page.goto(seeded.url + screen.path)
        assert response is not None and response.status == screen.status
    page.wait_for_load_state("load")
    page.wait_for_function("[...document.images].every(i => i.complete)")

    screenshots.take(page, f"every-page/{role}-{size}-{screen.name}")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= SIZES[size][0], f"{screen.name} is {width}px wide"
    assert window.errors == []
    assert_accessible(page)


@pytest.mark.parametrize("size", SIZES)
def test_the_sign_in_page_fits_reports_no_error_and_passes_axe(
    chromium: Browser, seeded: Served, screenshots: Screenshots, size: str
) -> None:
    width, height = SIZES[size]
    context = chromium.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(seeded.url + "login")
    screenshots.take(page, f"every-page/signed-out-{size}-sign-in")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert errors == []
    assert_accessible(page)
    context.close()
