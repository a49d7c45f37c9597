"""The public gallery and the impact dashboard in a real browser: each page free of WCAG 2.2
A/AA problems (axe-core), no script blocked by the gallery's own policy, a search that
works without JavaScript, the gallery framed by the configured intranet and by nothing
else, and a screenshot of each page. Each page is checked at a desktop's 1280×800 and a
phone's 390×844: axe, no horizontal scrolling, no console error; and on the dashboard
each chart has its data table beside it at desktop width and under it on a phone."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, expect

from scheduler.operations.content.importing import import_case_studies
from scheduler.web.frontend import Frontend
from tests.web.browser.conftest import (
    Screenshots,
    Served,
    assert_accessible,
    csp_violations,
    serve,
    sign_in,
)
from tests.web.conftest import OPERATOR
from tests.web.gallery_data import gallery_console, record_engagement, showcase
from vignettes.importing.files import SAMPLE_FILE

pytestmark = pytest.mark.browser
SHOWN = "ICS-2025-001"


def sampled(tmp_path: Path, frontend: Frontend, **gallery: object) -> object:
    """The bundled sample case studies, one showcased in December 2026 with engagement."""
    console = gallery_console(tmp_path, frontend, **gallery)
    import_case_studies(console.ws, OPERATOR, SAMPLE_FILE)
    showcase(console, SHOWN)
    record_engagement(console, "linkedin", impressions=2140, likes=61, reposts=9, replies=4)
    record_engagement(console, "x", impressions=3810, likes=44, reposts=12, replies=3)
    console.add_user("vera", "viewer")
    return console


@pytest.fixture
def gallery(tmp_path: Path, frontend: Frontend) -> Iterator[Served]:
    with serve(sampled(tmp_path, frontend)) as running:  # type: ignore[arg-type]
        yield running


VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}


@pytest.fixture(params=sorted(VIEWPORTS))
def sized(
    request: pytest.FixtureRequest, chromium: Browser
) -> Iterator[tuple[str, Page, list[str]]]:
    """A page at a desktop's or a phone's viewport, and the errors its console reports."""
    context = chromium.new_context(viewport=VIEWPORTS[request.param])  # type: ignore[arg-type]
    opened = context.new_page()
    opened.add_init_script(
        "window.__csp = []; document.addEventListener('securitypolicyviolation',"
        " e => window.__csp.push(e.effectiveDirective + ' ' + e.blockedURI));"
    )
    errors: list[str] = []

    def heard(message: ConsoleMessage) -> None:
        if message.type == "error":
            errors.append(message.text)

    opened.on("console", heard)
    opened.on("pageerror", lambda exc: errors.append(str(exc)))
    yield request.param, opened, errors
    context.close()


def check(page: Page, screenshots: Screenshots, name: str, errors: list[str]) -> None:
    """No axe violation, nothing blocked by the policy, no console error, and nothing wider
    than the viewport (the page never scrolls sideways)."""
    assert_accessible(page)
    screenshots.take(page, name)
    assert csp_violations(page) == []
    assert errors == []
    wide = page.evaluate("document.documentElement.scrollWidth")
    assert wide <= page.viewport_size["width"], f"{name} is {wide}px wide"  # type: ignore[index]


def test_the_gallery_and_a_public_case_study(
    gallery: Served, sized: tuple[str, Page, list[str]], screenshots: Screenshots
) -> None:
    size, page, errors = sized
    page.goto(gallery.url + "gallery")
    expect(page.get_by_role("heading", name="Library impact case studies", level=1)).to_be_visible()
    check(page, screenshots, f"gallery-{size}", errors)
    page.get_by_role("link", name="Evidence review on multifactorial falls prevention").click()
    expect(page.get_by_role("heading", name="The vignette")).to_be_visible()
    card = page.locator("img.app-card").first
    expect(card).to_have_js_property("complete", True)
    assert page.evaluate("document.querySelector('img.app-card').naturalWidth") > 0
    check(page, screenshots, f"gallery-case-study-{size}", errors)


def test_searching_the_gallery_works_without_javascript(gallery: Served, chromium: Browser) -> None:
    context = chromium.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(gallery.url + "gallery")
    page.get_by_label("Search").fill("sepsis")
    page.get_by_label("Search").press("Enter")
    expect(page.locator("#results-count")).to_have_text("1 case study")
    expect(page.get_by_role("link", name="Updating the adult sepsis pathway")).to_be_visible()
    context.close()


def test_the_impact_dashboard(
    gallery: Served, sized: tuple[str, Page, list[str]], screenshots: Screenshots
) -> None:
    size, page, errors = sized
    sign_in(page, gallery, "vera")
    page.goto(gallery.url + "impact")
    expect(page.get_by_role("heading", name="Impact", level=1)).to_be_visible()
    charts = page.locator(".app-chart-pair").all()
    assert len(charts) >= 6  # every breakdown, the savings and the engagement
    for pair in charts:
        chart, table = pair.locator("img.app-chart"), pair.locator("table")
        expect(chart).to_have_js_property("complete", True)
        c, t = chart.bounding_box(), table.bounding_box()
        assert c and t
        box = pair.locator(".app-chart-pair__table")
        assert box.evaluate("e => e.scrollWidth <= e.clientWidth"), "a table is cut off"
        if size == "desktop":  # side by side: the table starts right of the chart, level with it
            assert t["x"] >= c["x"] + c["width"] and abs(t["y"] - c["y"]) < c["height"]
        else:  # stacked: the table under the chart
            assert t["y"] >= c["y"] + c["height"]
    check(page, screenshots, f"impact-{size}", errors)


class _Intranet(http.server.BaseHTTPRequestHandler):
    gallery = ""

    def do_GET(self) -> None:
        body = f'<!doctype html><title>Intranet</title><iframe src="{self.gallery}"></iframe>'
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.end_headers()
        self.wfile.write(body.encode())

    def log_message(self, *_: object) -> None:
        pass


@pytest.mark.parametrize("allowed", [True, False])
def test_only_the_configured_intranet_can_frame_the_gallery(
    tmp_path: Path, frontend: Frontend, page: Page, allowed: bool
) -> None:
    intranet = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Intranet)
    origin = f"http://localhost:{intranet.server_address[1]}"
    embed = [origin] if allowed else ["https://elsewhere.example.nhs.uk"]
    thread = threading.Thread(target=intranet.serve_forever, daemon=True)
    thread.start()
    try:
        with serve(sampled(tmp_path, frontend, embed_origins=embed)) as running:  # type: ignore[arg-type]
            _Intranet.gallery = running.url + "gallery"
            page.goto(origin + "/")
            page.wait_for_timeout(500)
            framed = page.frames[-1]
            shown = framed.url.endswith("/gallery") and "case studies" in framed.content()
            assert shown is allowed
    finally:
        intranet.shutdown()
        thread.join(timeout=10)
