"""Security headers on every response, cookie flags for HTTP and HTTPS deployments, and
X-Forwarded-* believed only from a configured proxy."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from scheduler.web.frontend import Frontend
from tests.web.conftest import PASSWORD, Console, make_console


@pytest.mark.parametrize("path", ["/login", "/", "/healthz", "/no-such-page", "/static/console.js"])
def test_every_response_carries_the_security_headers(console: Console, path: str) -> None:
    headers = console.get(path).headers
    policy = headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Frame-Options"] == "DENY"


def test_the_one_inline_script_runs_only_with_this_requests_nonce(console: Console) -> None:
    first, second = console.get("/login"), console.get("/login")
    nonce = first.headers["Content-Security-Policy"].split("'nonce-")[1].split("'")[0]
    assert f'<script nonce="{nonce}">' in first.text
    assert nonce not in second.headers["Content-Security-Policy"]
    assert first.text.count("<script") == 2  # the nonced one, and console.js from the site
    assert ' style="' not in first.text and " onclick=" not in first.text


def test_by_default_pages_use_arial_and_allow_no_font_host(console: Console) -> None:
    page = console.get("/login")
    policy = page.headers["Content-Security-Policy"]
    assert "font-src 'self';" in policy and "assets.nhs.uk" not in policy
    [stylesheet] = re.findall(r'href="(/assets/nhsuk-frontend[^"]*\.css)"', page.text)
    css = console.get(stylesheet)
    assert css.status_code == 200 and css.mimetype == "text/css"
    assert "assets.nhs.uk" not in css.text and "@font-face" not in css.text
    assert "font-family:Frutiger W01,arial,sans-serif" in css.text  # Arial, as it falls back
    assert "max-age=31536000" in css.headers["Cache-Control"]


def test_nhs_fonts_allow_the_nhs_assets_host_for_fonts_and_nothing_else(
    tmp_path: Path, frontend: Frontend
) -> None:
    console = make_console(tmp_path, frontend, nhs_fonts=True)
    page = console.get("/login")
    directives = dict(
        d.strip().split(" ", 1) for d in page.headers["Content-Security-Policy"].split(";")
    )
    assert directives["font-src"] == "'self' https://assets.nhs.uk"
    assert [k for k, v in directives.items() if "assets.nhs.uk" in v] == ["font-src"]
    assert 'href="/assets/nhsuk-frontend-10.6.1.min.css"' in page.text
    console.ws.close()


def test_pages_are_never_cached_but_design_system_files_are(console: Console) -> None:
    assert console.get("/login").headers["Cache-Control"] == "no-store"
    css = console.get("/assets/nhsuk-frontend-10.6.1.min.css")
    assert css.status_code == 200 and "max-age=31536000" in css.headers["Cache-Control"]
    icon = console.get("/assets/images/nhsuk-icon-user.svg")
    assert icon.status_code == 200 and "max-age=86400" in icon.headers["Cache-Control"]
    assert console.get("/assets/../package.json").status_code == 404


def test_the_session_cookie_is_httponly_and_lax_and_not_secure_over_http(
    console: Console,
) -> None:
    console.add_user("priya", "viewer")
    cookie = console.sign_in("priya").headers["Set-Cookie"]
    assert cookie.startswith("vignettes=")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    assert "Strict-Transport-Security" not in console.get("/").headers


def test_with_secure_cookies_the_cookie_is_secure_and_host_only(
    tmp_path: Path, frontend: Frontend
) -> None:
    console = make_console(tmp_path, frontend, secure_cookies=True)
    console.add_user("priya", "viewer")
    response = console.client.get("/login", base_url="https://localhost")
    token = response.text.split('name="csrf_token" value="')[1].split('"')[0]
    signed_in = console.client.post(
        "/login",
        base_url="https://localhost",
        data={"csrf_token": token, "username": "priya", "password": PASSWORD},
        headers={"Referer": "https://localhost/login"},  # Flask-WTF checks it over HTTPS
    )
    cookie = signed_in.headers["Set-Cookie"]
    assert (
        cookie.startswith("__Host-vignettes=") and "; Secure" in cookie and "Domain" not in cookie
    )
    assert signed_in.headers["Strict-Transport-Security"] == "max-age=31536000"
    console.ws.close()


def test_forwarded_headers_are_ignored_unless_the_peer_is_a_trusted_proxy(
    tmp_path: Path, frontend: Frontend
) -> None:
    console = make_console(tmp_path, frontend, trusted_proxies=["127.0.0.1"])
    seen = {}

    @console.app.before_request
    def remember() -> None:
        from flask import request

        seen["address"], seen["scheme"] = request.remote_addr, request.scheme

    headers = {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"}
    console.client.get("/healthz", headers=headers, environ_base={"REMOTE_ADDR": "127.0.0.1"})
    assert seen == {"address": "203.0.113.9", "scheme": "https"}
    console.client.get("/healthz", headers=headers, environ_base={"REMOTE_ADDR": "192.0.2.1"})
    assert seen == {"address": "192.0.2.1", "scheme": "http"}
    console.ws.close()


@pytest.mark.parametrize("host", ["a..b", "..", "a" * 300])
@pytest.mark.parametrize("path", ["/", "/login", "/healthz", "/no/such/page"])
def test_a_host_no_url_can_be_built_for_is_a_plain_400(
    console: Console, host: str, path: str
) -> None:
    response = console.client.get(path, environ_overrides={"HTTP_HOST": host})
    assert response.status_code == 400
    assert response.text == "Bad request: the Host header does not name a host.\n"


def test_a_bad_host_forwarded_by_a_trusted_proxy_is_a_plain_400_too(
    tmp_path: Path, frontend: Frontend
) -> None:
    console = make_console(tmp_path, frontend, trusted_proxies=["127.0.0.1"])
    proxy = {"REMOTE_ADDR": "127.0.0.1"}

    def forwarded(host: str) -> int:
        response = console.client.get(
            "/login", headers={"X-Forwarded-Host": host}, environ_overrides=proxy
        )
        return response.status_code

    assert (forwarded("a..b"), forwarded("ok.example")) == (400, 200)
    console.ws.close()
