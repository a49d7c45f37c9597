"""The gallery over HTTP: caching headers from the data and 304s answered without
rendering, a policy of its own for framing (embedding allowed only for the configured
origins), the page template's script allowed by its hash, and no session for anyone."""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import template_rendered

from scheduler.web.frontend import Frontend
from tests.web.conftest import Console
from tests.web.gallery_data import approved, gallery_console, load, reject_as

INTRANET = "https://intranet.example.nhs.uk"


@pytest.fixture
def console(tmp_path: Path, frontend: Frontend) -> Iterator[Console]:
    made = gallery_console(tmp_path, frontend)
    load(made, approved("PUB-1"))
    yield made
    made.ws.close()


def renders(console: Console, address: str, **headers: str) -> tuple[int, int]:
    """The status of GET `address` and how many templates it rendered."""
    seen: list[str] = []

    def count(_app: object, template: object, **_: object) -> None:
        seen.append(str(template))

    with template_rendered.connected_to(count, console.app):
        status = console.get(address, headers=headers).status_code
    return status, len(seen)


@pytest.mark.parametrize(
    "address", ["/gallery", "/gallery/case-studies/PUB-1", "/gallery/feed.atom"]
)
def test_an_unchanged_page_is_answered_304_without_rendering(
    console: Console, address: str
) -> None:
    first = console.get(address)
    assert first.headers["ETag"] and first.headers["Last-Modified"]
    assert first.headers["Cache-Control"] == "public, no-cache"
    assert renders(console, address, **{"If-None-Match": first.headers["ETag"]}) == (304, 0)
    since = first.headers["Last-Modified"]
    assert renders(console, address, **{"If-Modified-Since": since}) == (304, 0)


def test_a_change_to_the_data_changes_the_etag(console: Console) -> None:
    etag = console.get("/gallery/case-studies/PUB-1").headers["ETag"]
    reject_as(console, "PUB-1", "Priya Shah", "Withdrawn by the trust")
    again = console.get("/gallery/case-studies/PUB-1", headers={"If-None-Match": etag})
    assert again.status_code == 410 and again.headers["ETag"] != etag


def test_each_address_has_its_own_etag(console: Console) -> None:
    first = console.get("/gallery").headers["ETag"]
    assert console.get("/gallery?region=London").headers["ETag"] != first
    stale = console.get("/gallery?region=London", headers={"If-None-Match": first})
    assert stale.status_code == 200


def test_no_site_may_frame_the_gallery_by_default(console: Console) -> None:
    response = console.get("/gallery")
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"


def test_only_the_configured_intranet_may_frame_the_gallery(
    tmp_path: Path, frontend: Frontend
) -> None:
    console = gallery_console(tmp_path, frontend, embed_origins=[INTRANET])
    response = console.get("/gallery")
    policy = response.headers["Content-Security-Policy"]
    assert f"frame-ancestors {INTRANET};" in policy
    assert "X-Frame-Options" not in response.headers
    # The console itself stays unframeable.
    console_page = console.get("/login")
    assert "frame-ancestors 'none'" in console_page.headers["Content-Security-Policy"]
    assert console_page.headers["X-Frame-Options"] == "DENY"


def test_the_gallery_policy_allows_exactly_the_page_scripts_it_has(console: Console) -> None:
    response = console.get("/gallery")
    policy = response.headers["Content-Security-Policy"]
    scripts = re.findall(r"<script(?: [^>]*)?>(.*?)</script>", response.text, re.S)
    assert scripts, "the page template's script is on the page"
    for script in scripts:
        digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in policy
    assert "unsafe-inline" not in policy and "nonce" not in policy


def test_an_anonymous_visitor_gets_no_session_cookie(console: Console) -> None:
    for address in ("/gallery", "/gallery/case-studies/PUB-1", "/gallery/feed.atom"):
        response = console.get(address)
        assert "Set-Cookie" not in response.headers
        assert "Cookie" not in response.headers.get("Vary", "")


def test_a_signed_in_person_sees_the_same_page_and_keeps_their_session(
    console: Console,
) -> None:
    console.add_user("sam", "viewer")
    console.sign_in("sam")
    signed_in = console.get("/gallery")
    anonymous = console.app.test_client().get("/gallery")
    assert signed_in.headers["ETag"] == anonymous.headers["ETag"]
    assert signed_in.data == anonymous.data
    assert "sam" not in signed_in.text and "Set-Cookie" not in signed_in.headers
    assert console.get("/").status_code == 200  # still signed in to the console


def test_the_only_public_pages_are_the_gallery_and_the_few_the_console_needs(
    console: Console,
) -> None:
    # A new view anyone may reach must be added here on purpose; a gallery view must
    # be public (it has no sign-in to send anyone to).
    public = {e for e, v in console.app.view_functions.items() if getattr(v, "public", False)}
    gallery = {e for e in console.app.view_functions if e.startswith("gallery.")}
    assert gallery == {"gallery.index", "gallery.show", "gallery.card", "gallery.feed"}
    assert public - gallery == {
        "assets.asset",
        "calendar.feed",
        "health.healthz",
        "invitations.accept_invitation",  # the one-time link: its token is the check
        "signin.login",
        "signin.logout",
        "sso.callback",  # single sign-on begins and returns before anyone is signed in
        "sso.start",
    }
