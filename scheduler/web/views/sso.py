"""Single sign-on: /login/sso sends a person to the provider's sign-in page, and
/login/sso/callback is where the provider sends them back (`[web] base_url` + that path is
the redirect URI registered at the provider).

A link starts the flow, not a form: the strict CSP's `form-action 'self'` would stop a form
whose answer redirects to the provider. Every way the callback can go wrong ends on a page
that says what to do, never a traceback, and counts as a failed sign-in.
"""

from __future__ import annotations

import logging

from flask import Blueprint, abort, make_response, redirect, render_template, request, session
from flask import url_for as url
from flask.typing import ResponseReturnValue

from scheduler.operations.accounts.signin import SignInThrottled
from scheduler.operations.accounts.sso import (
    SsoRefused,
    callback_failed,
    check_callback,
    sign_in_with_provider,
)
from scheduler.web import sso
from scheduler.web.auth import sign_in, signed_in, waiting
from scheduler.web.guards import public
from scheduler.web.security import safe_next
from scheduler.web.state import config, workspace

log = logging.getLogger(__name__)
bp = Blueprint("sso", __name__)
NEXT = "sso_next"


@bp.get("/login/sso")
@public
def start() -> ResponseReturnValue:
    if config().web.sso is None:
        abort(404)
    target = safe_next(request.args.get("next"))
    if signed_in() is not None:
        return redirect(target or url("home.index"))
    try:
        response = sso.start(config())
    except sso.CallbackFailed as exc:
        log.warning("single sign-on could not start: %s", exc.reason)
        return _refused("The sign-in service could not be reached", str(exc), exc.status)
    session[NEXT] = target or ""
    return response


@bp.get("/login/sso/callback")
@public
def callback() -> ResponseReturnValue:
    if config().web.sso is None:
        abort(404)
    ws, address = workspace(), request.remote_addr or ""
    target = safe_next(session.pop(NEXT, None))
    try:
        check_callback(ws, address)
        identity = sso.finish(config())
    except SignInThrottled as exc:
        return _refused("Too many attempts", str(exc), 429, exc.retry_after)
    except sso.CallbackFailed as exc:
        callback_failed(ws, address, exc.reason)
        return _refused("You could not be signed in", str(exc), exc.status)
    try:
        account = sign_in_with_provider(ws, identity, address)
    except SignInThrottled as exc:
        return _refused("Too many attempts", str(exc), 429, exc.retry_after)
    except SsoRefused as exc:
        return _refused("You cannot sign in to this console", str(exc), exc.status)
    sign_in(account)
    if waiting(account):  # a new contributor: no page but this one exists for it yet
        return redirect(url("waiting.index"))
    return redirect(target or url("home.index"))


def _refused(
    title: str, message: str, status: int, retry_after: int | None = None
) -> ResponseReturnValue:
    page = render_template("signin/sso_refused.jinja", title=title, message=message)
    response = make_response(page, status)
    if retry_after is not None:
        response.headers["Retry-After"] = str(retry_after)
    return response
