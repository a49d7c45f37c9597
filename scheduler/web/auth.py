"""Sessions: who is signed in (Flask-Login over `sessions.check_session`), signing in and
out, and the forced password change after a one-time password.

The session cookie holds only the session's random token and Flask-WTF's CSRF secret,
signed with the console key. The session itself is a row on the server
(`scheduler.operations.accounts.sessions`), checked on every request: signing out ends
it for any copy of the cookie, as do a password change or reset, a disabled account and a
role change; it also ends after `[web] session_timeout` without activity and
`[web] session_lifetime` after signing in, and the person is told which.

A contributor in no library service reaches only the page saying it waits for an admin
(`waiting.index`): home sends it there, and everything else answers 404 (nothing exists
for it yet).
"""

from __future__ import annotations

from typing import Any

from flask import Flask, abort, flash, g, redirect, request, session, url_for
from flask.sessions import SecureCookieSessionInterface
from flask_login import AnonymousUserMixin, LoginManager, UserMixin, login_user, logout_user
from flask_login import current_user as _current_user
from werkzeug.wrappers import Response

from scheduler.operations.accounts.sessions import IDLE, SessionUser, check_session, end_session
from scheduler.operations.pipeline.scope import waits_for_a_service
from scheduler.web.formatting import spoken_duration
from scheduler.web.state import web_config, workspace
from vignettes.errors import StoreError

# Requests that never touch the session: design-system files, the health check, and the
# calendar feed (its URL token is its only credential: a session never opens it).
SESSIONLESS = frozenset({"assets.asset", "static", "health.healthz", "calendar.feed"})
# Whole screens that never touch the session: the public gallery is the same for everyone,
# sets no cookie and may be kept by shared caches.
SESSIONLESS_SCREENS = frozenset({"gallery"})
# What a person who must change their password may still reach.
WHILE_CHANGING_PASSWORD = frozenset({"signin.change_password", "signin.logout"})
_ENDED = "vignettes.session_ended"
_FAULT = "vignettes.session_fault"
# What a contributor waiting for a library service may reach.
WHILE_WAITING = frozenset({"waiting.index", "signin.logout", "account.index"})


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
    try:
        checked = check_session(workspace(), session_id)
    except StoreError as exc:
        # Raised again by _keep_session, once this request counts as signed out: the
        # 503 page must render without asking the database who is signed in again.
        g.setdefault(_FAULT, exc)
        return None
    g.setdefault(_ENDED, checked.ended)
    return ConsoleUser(checked.user) if checked.user is not None else None


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


def sign_out() -> None:
    """End this browser's session on the server, then forget it here."""
    token = session.get("_user_id")
    if isinstance(token, str):
        end_session(workspace(), token)
    logout_user()
    session.clear()


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
    fault = g.pop(_FAULT, None)
    if fault is not None:
        raise fault
    if account is None:
        ended = g.get(_ENDED)
        if ended is None:
            if "_user_id" in session:  # ended elsewhere: forget it here too
                logout_user()
                session.clear()
            return None
        logout_user()
        session.clear()
        web = web_config()
        flash(
            f"You were signed out after {spoken_duration(web.session_timeout)} "
            "without activity. Sign in again to continue."
            if ended == IDLE
            else f"You were signed out: a session lasts at most "
            f"{spoken_duration(web.session_lifetime)}. Sign in again to continue.",
            "information",
        )
        return redirect(url_for("signin.login", next=here()))
    if (
        account.must_change_password
        and web_config().password_sign_in
        and request.endpoint not in WHILE_CHANGING_PASSWORD
    ):
        return redirect(url_for("signin.change_password", next=here()))
    if waiting(account) and request.endpoint not in WHILE_WAITING:
        if request.endpoint == "home.index":
            return redirect(url_for("waiting.index"))
        abort(404)  # as for any contributor, what it may not see does not exist
    return None


def waiting(account: SessionUser) -> bool:
    """Whether `account` waits for an admin to give it a library service."""
    return waits_for_a_service(account.role, account.services)
