"""What sets the public gallery's responses apart from the console's: a Content-Security-
Policy of its own (its `frame-ancestors` are `[gallery] embed_origins`, so an intranet page
can frame it and no other site can), caching headers made from the data (`ETag`,
`Last-Modified`, `304 Not Modified` answered before anything is rendered), and pages that
never read or set a session.

The page template's one inline script is allowed by its hash, not a nonce: a gallery page
is the same bytes for everyone until the data changes, which is what makes it cacheable.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
from collections.abc import Iterable

from flask import Response, request

# The nhsuk-frontend page template's inline script, exactly (nhsuk/template.jinja). A test
# renders a gallery page and checks every inline script's hash is in the policy.
PAGE_TEMPLATE_SCRIPT = (
    "document.body.className += ' js-enabled' + ('noModule' in HTMLScriptElement.prototype "
    "? ' nhsuk-frontend-supported' : '');"
)
# Shared caches may keep a page, but must ask again every time: a withdrawal or a consent
# withdrawn takes effect on the next request, answered 304 while nothing changed.
CACHE_CONTROL = "public, no-cache"


def script_hash(script: str) -> str:
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"


def gallery_policy(embed_origins: Iterable[str]) -> str:
    origins = " ".join(embed_origins) or "'none'"
    return "; ".join(
        [
            "default-src 'none'",
            f"script-src {script_hash(PAGE_TEMPLATE_SCRIPT)}",
            "style-src 'self'",
            "img-src 'self'",
            "font-src 'self'",
            "manifest-src 'self'",
            "form-action 'self'",
            f"frame-ancestors {origins}",
            "base-uri 'none'",
        ]
    )


def public_headers(response: Response, embed_origins: tuple[str, ...]) -> Response:
    """The gallery's own policy (kept by the console's header hook, which only fills in
    what a view has not set). X-Frame-Options cannot name origins: it is sent only when
    no site may frame the gallery, and CSP says the rest."""
    response.headers["Content-Security-Policy"] = gallery_policy(embed_origins)
    if embed_origins:
        response.headers["X-Frame-Options"] = ""
    response.headers.setdefault("Cache-Control", CACHE_CONTROL)
    return response


def entity_tag(*parts: str) -> str:
    """A strong ETag over what a response is made from."""
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:32]


def not_modified(etag: str, last_modified: dt.datetime | None) -> Response | None:
    """A 304 when the request's validators still match, before any rendering; else None.
    If-None-Match, when sent, decides alone (RFC 9110 13.2.2)."""
    if request.if_none_match:
        fresh = request.if_none_match.contains(etag)
    elif request.if_modified_since and last_modified is not None:
        fresh = last_modified.replace(microsecond=0) <= request.if_modified_since
    else:
        fresh = False
    if not fresh:
        return None
    response = Response(status=304)
    validators(response, etag, last_modified)
    return response


def validators(response: Response, etag: str, last_modified: dt.datetime | None) -> Response:
    response.set_etag(etag)
    if last_modified is not None:
        response.last_modified = last_modified
    response.headers["Cache-Control"] = CACHE_CONTROL
    return response
