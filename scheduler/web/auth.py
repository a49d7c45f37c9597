"""Sessions: who is signed in (Flask-Login over `signin.session_user`), signing in and
out, the idle timeout, and the forced password change after a one-time password.

The session cookie holds only the account's "id:epoch" session id, the time of the last
request and Flask-WTF's CSRF secret, signed with the console key. Every request re-reads
the account, so a disabled account, a reset password or a changed role takes effect at
once.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, flash, redirect, request, session, url_for
from flask.sessions import SecureCookieSessionInterface
from flask_login import AnonymousUserMixin, LoginManager, UserMixin, login_user, logout_user
from flask_login import current_user as _current_user
from werkzeug.wrappers import Response

from scheduler.config import format_duration
from scheduler.operations.accounts.signin import SessionUser, session_user
from scheduler.web.state import web_config, workspace

SEEN = "seen"
# Requests that never touch the session: design-system files, the health check, and the
# calendar feed (its URL token is its only credential: a session never opens it).
SESSIONLESS = frozenset({"assets.asset", "static", "health.healthz", "calendar.feed"})
# Whole screens that never touch the session: the public gallery is the same for everyone,
# sets no cookie and may be kept by shared caches.
SESSIONLESS_SCREENS = frozenset({"gallery"})
# What a person who must change their password may still reach.
WHILE_CHANGING_PASSWORD = frozenset({"signin.change_password", "signin.logout"})


class ConsoleUser(UserMixin):  # type: ignore[misc]
    def __init__(self, account: SessionUser) -> None:
        self.account = account

    def get_id(self) -> str:
        return self.account.session_id


class Anonymous(AnonymousUserMixin):  # type: ignore[misc]
    account = None


class ConsoleSessions(SecureCookieSessionInterface):
    """The signed-cookie sessions, never saved for a public screen: Flask-Login looks at
    the session after every request, which would add `Vary: Cookie` (and could set a
    cookie) on pages that are the same for everyone."""

    def save_session(self, app: Flask, session: Any, response: Any) -> None:
        if request.blueprint in SESSIONLESS_SCREENS:
            return
        super().save_session(app, session, response)


def init_auth(app: Flask) -> None:
    app.session_interface = ConsoleSessions()
    manager = LoginManager(app)
    manager.anonymous_user = Anonymous
    # Not "strong": an address change (VPN, NAT pools) must not sign people out; the idle
    # timeout and the cookie flags protect the session instead.
    manager.session_protection = None

    manager.user_loader(_load)
    manager.unauthorized_handler(_to_sign_in)
    app.before_request(_keep_session)


def _load(session_id: str) -> ConsoleUser | None:
    account = session_user(workspace(), session_id)
    return ConsoleUser(account) if account is not None else None


def _to_sign_in() -> Response:
    return redirect(url_for("signin.login", next=here()))


def signed_in() -> SessionUser | None:
    """The signed-in account of this request, or None."""
    account: SessionUser | None = _current_user.account
    return account


def here() -> str | None:
    """This page's path and query, for a `next=` back to it (GET requests only)."""
    if request.method != "GET":
        return None
    query = request.query_string.decode("latin-1")
    return request.path + (f"?{query}" if query else "")


def sign_in(account: SessionUser) -> None:
    # A fresh session: nothing from before sign-in (including its CSRF secret) survives.
    session.clear()
    login_user(ConsoleUser(account))
    session[SEEN] = _now()


def sign_out() -> None:
    logout_user()
    session.clear()


def _now() -> int:
    return int(workspace().now().timestamp())


def sessionless() -> bool:
    """Whether this request must neither read nor write the session."""
    return (
        request.endpoint is None
        or request.endpoint in SESSIONLESS
        or request.blueprint in SESSIONLESS_SCREENS
    )


def _keep_session() -> Response | None:
    if sessionless():
        return None
    account = signed_in()
    if account is None:
        return None
    timeout = web_config().session_timeout
    now, seen = _now(), session.get(SEEN)
    if not isinstance(seen, int) or now - seen > timeout.total_seconds():
        sign_out()
        flash(
            f"You were signed out after {_spoken(format_duration(timeout))} without activity. "
            "Sign in again to continue.",
            "information",
        )
        return redirect(url_for("signin.login", next=here()))
    session[SEEN] = now
    if account.must_change_password and request.endpoint not in WHILE_CHANGING_PASSWORD:
        return redirect(url_for("signin.change_password", next=here()))
    return None


def _spoken(duration: str) -> str:
    """'30m' → '30 minutes', '1h30m' → '1 hour 30 minutes'."""
    names = {"d": "day", "h": "hour", "m": "minute", "s": "second"}
    parts = []
    number = ""
    for ch in duration:
        if ch.isdigit():
            number += ch
            continue
        parts.append(f"{number} {names[ch]}{'' if number == '1' else 's'}")
        number = ""
    return " ".join(parts)
