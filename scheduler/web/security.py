"""Response headers, the per-request CSP nonce, `next=` checks, X-Forwarded-* only from
configured proxies, and a 400 for a Host no URL can be built for.

The Content-Security-Policy allows scripts and styles from this site alone, plus the one
inline script of the nhsuk-frontend page template, which carries this request's nonce; no
'unsafe-inline' anywhere, so markup that slipped into a page still could not run. Fonts
come from this site, and from the NHS assets host only with `[web] nhs_fonts = true`.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import urlsplit

from flask import Response, g
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.sansio.utils import get_host

from scheduler.config.web import WebConfig

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def csp_nonce() -> str:
    """This request's nonce for the page template's inline script."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(18)
    nonce: str = g.csp_nonce
    return nonce


# Where the design system's CSS loads its Frutiger font from.
NHS_FONTS_HOST = "https://assets.nhs.uk"


def content_security_policy(nonce: str, *, nhs_fonts: bool = False) -> str:
    return "; ".join(
        [
            "default-src 'none'",
            f"script-src 'self' 'nonce-{nonce}'",
            "style-src 'self'",
            "img-src 'self'",
            # The design system's CSS names its Frutiger font on the NHS assets host. By
            # default the page uses Arial instead (as the design system does when the font
            # is unavailable), so the browser never asks for it: no third party learns who
            # uses the console, and no blocked request is reported. `nhs_fonts` allows
            # that host for fonts, and for nothing else.
            f"font-src 'self' {NHS_FONTS_HOST}" if nhs_fonts else "font-src 'self'",
            "connect-src 'self'",
            "manifest-src 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
            "base-uri 'none'",
        ]
    )


def add_security_headers(response: Response, web: WebConfig) -> Response:
    headers = response.headers
    # A view with a policy of its own (the public gallery: `scheduler.web.public`) keeps it;
    # its empty X-Frame-Options means "framing is for CSP to say" and is not sent.
    headers.setdefault(
        "Content-Security-Policy", content_security_policy(csp_nonce(), nhs_fonts=web.nhs_fonts)
    )
    headers["X-Content-Type-Options"] = "nosniff"
    frame = headers.setdefault("X-Frame-Options", "DENY")
    if not frame:
        del headers["X-Frame-Options"]
    # Same-origin requests keep their Referer: Flask-WTF checks it on HTTPS form posts.
    headers["Referrer-Policy"] = "same-origin"
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
    headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=()"
    if web.secure_cookies:
        headers["Strict-Transport-Security"] = "max-age=31536000"
    if "Cache-Control" not in headers:
        # Pages show unpublished case studies and accounts: never kept by a shared cache
        # or shown again from the back button after signing out.
        headers["Cache-Control"] = "no-store"
    return response


def safe_next(target: str | None) -> str | None:
    """`target` if it is a path on this site, else None: no scheme, no host, not
    scheme-relative (`//evil.example`, `/\\evil.example`), no control characters."""
    if not target or len(target) > 2000:
        return None
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in target):
        return None
    # Browsers read a backslash as a slash, so `/\evil.example` is `//evil.example`.
    normalised = target.replace("\\", "/")
    if not normalised.startswith("/") or normalised.startswith("//"):
        return None
    parts = urlsplit(normalised)
    if parts.scheme or parts.netloc:
        return None
    return target


class ForwardedByTrustedProxy:
    """Apply werkzeug's ProxyFix (one proxy hop) only to requests whose peer is one of
    `[web] trusted_proxies`; everyone else's X-Forwarded-* headers are dropped."""

    _FORWARDED = (
        "HTTP_X_FORWARDED_FOR",
        "HTTP_X_FORWARDED_PROTO",
        "HTTP_X_FORWARDED_HOST",
        "HTTP_X_FORWARDED_PORT",
        "HTTP_X_FORWARDED_PREFIX",
    )

    def __init__(self, app: WSGIApp, web: WebConfig) -> None:
        self.app = app
        self.web = web
        self.fixed = ProxyFix(app, x_for=1, x_proto=1, x_host=1, x_port=1, x_prefix=1)

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        if self.web.trusts(environ.get("REMOTE_ADDR")):
            return self.fixed(environ, start_response)
        for key in self._FORWARDED:
            environ.pop(key, None)
        return self.app(environ, start_response)


class RefuseUnusableHost:
    """Answer 400 to a request whose Host (as forwarded by a trusted proxy, if any) names
    no host a URL can be built for: an empty or over-long label (`a..b`, 300 letters)
    cannot be encoded as IDNA, so Flask has no URL adapter and even its error page could
    not be drawn (it was a 500 with a traceback). Plain text: nothing of the console,
    whose links need that host, is involved."""

    BODY = b"Bad request: the Host header does not name a host.\n"

    def __init__(self, app: WSGIApp) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        if _usable_host(environ):
            return self.app(environ, start_response)
        start_response(
            "400 Bad Request",
            [
                ("Content-Type", "text/plain; charset=utf-8"),
                ("Content-Length", str(len(self.BODY))),
                ("Cache-Control", "no-store"),
                ("X-Content-Type-Options", "nosniff"),
            ],
        )
        return [self.BODY]


def _usable_host(environ: dict[str, Any]) -> bool:
    """Whether werkzeug can bind this request's host as Flask will (`Map.bind`)."""
    server = environ.get("SERVER_NAME")
    port = environ.get("SERVER_PORT")
    host = get_host(
        environ.get("wsgi.url_scheme", "http"),
        environ.get("HTTP_HOST"),
        (server, int(port) if port and str(port).isdigit() else None) if server else None,
    )
    try:
        host.lower().partition(":")[0].encode("idna")
    except UnicodeError:
        return False
    return True
