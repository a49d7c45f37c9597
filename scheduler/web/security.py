"""Response headers, the per-request CSP nonce, `next=` checks, and X-Forwarded-* only from
configured proxies.

The Content-Security-Policy allows scripts and styles from this site alone, plus the one
inline script of the nhsuk-frontend page template, which carries this request's nonce; no
'unsafe-inline' anywhere, so markup that slipped into a page still could not run.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import urlsplit

from flask import Response, g
from werkzeug.middleware.proxy_fix import ProxyFix

from scheduler.config.web import WebConfig

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def csp_nonce() -> str:
    """This request's nonce for the page template's inline script."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(18)
    nonce: str = g.csp_nonce
    return nonce


def content_security_policy(nonce: str) -> str:
    return "; ".join(
        [
            "default-src 'none'",
            f"script-src 'self' 'nonce-{nonce}'",
            "style-src 'self'",
            "img-src 'self'",
            # The design system's CSS names its Frutiger font on assets.nhs.uk; the console
            # does not fetch it (no third party learns who uses the console) and falls back
            # to Arial, as the design system intends when the font is unavailable.
            "font-src 'self'",
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
    headers.setdefault("Content-Security-Policy", content_security_policy(csp_nonce()))
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
