"""The page header, rendered by the design system's macro once per account and screen and
then reused: the macro costs about 4 ms a page, a third of a plan page's time.

What differs per request, the sign-out form's CSRF token, is not in the remembered markup:
it holds a marker that each page replaces with its own form. Everything else the header
shows (service name, the account's name and role, the navigation and which item is
current) is in the key, so a changed role or screen renders afresh.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask import current_app, render_template
from markupsafe import Markup

from scheduler.operations.signin import SessionUser

_KEY = "vignettes.headers"
_SIGN_OUT = "<!--sign-out-form-->"
_LIMIT = 1024


def header_html(
    account: SessionUser | None, navigation: Sequence[dict[str, Any]], sign_out: Markup | None
) -> Markup:
    """The header for `account` (None: signed out) with `navigation`, and `sign_out` (this
    request's sign-out form) in its place."""
    key = (
        (account.name, account.role) if account else None,
        tuple((item["text"], item["href"], bool(item.get("current"))) for item in navigation),
    )
    known: dict[Any, str] = current_app.extensions.setdefault(_KEY, {})
    markup = known.get(key)
    if markup is None:
        markup = render_template(
            "macros/header.jinja",
            account=account,
            navigation=list(navigation),
            sign_out=Markup(_SIGN_OUT),
        )
        if len(known) >= _LIMIT:
            known.clear()
        known[key] = markup
    return Markup(markup.replace(_SIGN_OUT, str(sign_out or "")))
