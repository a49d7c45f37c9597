"""The whole single sign-on in Chromium: the console's sign-in page, the provider's own
sign-in page (a real OpenID Connect provider on loopback), and back, signed in; and the
refusal a stranger sees, and the page a newcomer waits on. Every page of ours passes
axe-core's WCAG 2.2 AA checks."""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from scheduler.web.frontend import Frontend
from scheduler.web.server import ConsoleServer
from tests.sso_provider import Provider
from tests.web.browser.conftest import Screenshots, assert_accessible, csp_violations
from tests.web.conftest import Console
from tests.web.sso_flow import LABEL, bind, sso_console

pytestmark = pytest.mark.browser


@contextlib.contextmanager
def served_with_sso(
    tmp_path: Path,
    frontend: Frontend,
    provider: Provider,
    monkeypatch: pytest.MonkeyPatch,
    **sso: Any,
) -> Iterator[tuple[Console, str]]:
    """The console on 127.0.0.1 at the address its `[web] base_url` names, with `sso`
    added to its `[web.sso]`."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    console = sso_console(tmp_path, frontend, provider, monkeypatch, base_url=url, **sso)
    server = ConsoleServer(console.app, "127.0.0.1", port)
    thread = threading.Thread(target=server.run, name="console", daemon=True)
    thread.start()
    try:
        yield console, url + "/"
    finally:
        server.stop()
        thread.join(timeout=10)
        console.ws.close()


def sign_in_at_the_provider(page: Page, subject: str) -> None:
    """What a person does on the provider's own page."""
    page.get_by_placeholder("sub").fill(subject)
    page.get_by_role("button", name="Authorize").click()


def test_a_person_signs_in_through_the_providers_own_page(
    tmp_path: Path,
    frontend: Frontend,
    sso_provider: Provider,
    monkeypatch: pytest.MonkeyPatch,
    page: Page,
    screenshots: Screenshots,
) -> None:
    with served_with_sso(tmp_path, frontend, sso_provider, monkeypatch) as (console, url):
        console.add_user("priya", "editor")
        bind(console, "priya", sso_provider, "priya-in-chromium")
        page.goto(url + "plan")  # signed out: to the sign-in page, and back afterwards
        expect(page.get_by_role("button", name=LABEL)).to_be_visible()
        assert_accessible(page)
        screenshots.take(page, "sign-in-sso")
        page.get_by_role("button", name=LABEL).click()
        page.wait_for_url(sso_provider.issuer + "/**")
        sign_in_at_the_provider(page, "priya-in-chromium")
        page.wait_for_url(url + "plan")
        expect(page.get_by_text("priya (editor)")).to_be_visible()
        assert [v for v in csp_violations(page) if not v.startswith("font-src")] == []


def test_a_stranger_is_refused_on_an_accessible_page(
    tmp_path: Path,
    frontend: Frontend,
    sso_provider: Provider,
    monkeypatch: pytest.MonkeyPatch,
    page: Page,
    screenshots: Screenshots,
) -> None:
    with served_with_sso(tmp_path, frontend, sso_provider, monkeypatch) as (_console, url):
        page.goto(url + "login")
        page.get_by_role("button", name=LABEL).click()
        sign_in_at_the_provider(page, "a-stranger")
        page.wait_for_url(url + "login/sso/callback**")
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "You cannot sign in to this console"
        )
        assert_accessible(page)
        screenshots.take(page, "sign-in-sso-refused")


def test_a_newcomer_from_an_allowed_domain_waits_on_an_accessible_page(
    tmp_path: Path,
    frontend: Frontend,
    sso_provider: Provider,
    monkeypatch: pytest.MonkeyPatch,
    page: Page,
    screenshots: Screenshots,
) -> None:
    sso_provider.add_person("newcomer", email="new.person@nhs.net", email_verified=True)
    settings = {"allowed_email_domains": ["nhs.net"], "new_users": "contributor"}
    with served_with_sso(tmp_path, frontend, sso_provider, monkeypatch, **settings) as (_c, url):
        page.goto(url + "login")
        page.get_by_role("button", name=LABEL).click()
        sign_in_at_the_provider(page, "newcomer")
        page.wait_for_url(url + "waiting")
        expect(page.get_by_role("heading", level=1)).to_have_text("Waiting for an admin")
        expect(page.get_by_text("new.person (contributor)")).to_be_visible()
        assert_accessible(page)
        screenshots.take(page, "sign-in-sso-waiting")
