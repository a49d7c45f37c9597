"""Sign in (/login), sign out (POST /logout) and change your own password
(/account/password, where a one-time password leads first)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, make_response, redirect, render_template, request
from flask import url_for as url
from flask.typing import ResponseReturnValue

from scheduler.operations.accounts.passwords import PasswordRejected
from scheduler.operations.accounts.permissions import Permission
from scheduler.operations.accounts.signin import (
    SignInRefused,
    SignInThrottled,
    authenticate,
    change_own_password,
)
from scheduler.web.auth import sign_in, sign_out, signed_in
from scheduler.web.forms import ChangePasswordForm, SignInForm, error_list
from scheduler.web.guards import public, requires
from scheduler.web.security import safe_next
from scheduler.web.state import web_config, workspace

bp = Blueprint("signin", __name__)


def _next() -> str | None:
    return safe_next(
        request.form.get("next") if request.method == "POST" else request.args.get("next")
    )


@bp.route("/login", methods=["GET", "POST"])
@public
def login() -> ResponseReturnValue:
    target = _next()
    if request.method == "GET" and signed_in() is not None:
        return redirect(target or url("home.index"))
    form = SignInForm()
    problem, status, retry_after = None, 200, None
    if form.validate_on_submit():
        try:
            account = authenticate(
                workspace(), form.username.data, form.password.data, request.remote_addr or ""
            )
        except SignInThrottled as exc:
            problem, status, retry_after = str(exc), 429, exc.retry_after
        except SignInRefused as exc:
            problem = str(exc)
        else:
            sign_in(account)
            if account.must_change_password:
                return redirect(url("signin.change_password", next=target))
            return redirect(target or url("home.index"))
    form.next.data = target or ""
    web = web_config()
    if not web.password_sign_in:
        # The password form is gone; a password POSTed anyway was refused above.
        errors = [{"text": problem, "href": "#maincontent"}] if problem else []
        status = 403 if problem else status
    else:
        errors = error_list(form, (problem, "username") if problem else None)
    page = render_template(
        "signin/login.jinja",
        form=form,
        errors=errors,
        problem=problem,
        sso=web.sso,
        password_sign_in=web.password_sign_in,
    )
    response = make_response(page, status)
    if retry_after is not None:
        response.headers["Retry-After"] = str(retry_after)
    return response


@bp.post("/logout")
@public  # anyone may end their own session; CSRFProtect has checked the token
def logout() -> ResponseReturnValue:
    was_signed_in = signed_in() is not None
    sign_out()
    if was_signed_in:
        flash("You have signed out.", "success")
    return redirect(url("signin.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@requires(Permission.BROWSE)  # every role, library staff included
def change_password() -> ResponseReturnValue:
    if not web_config().password_sign_in:
        abort(404)  # nobody signs in with a password, so nobody needs one
    account = signed_in()
    assert account is not None  # @requires saw to it
    target = _next()
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            renewed = change_own_password(
                workspace(), account, form.current_password.data, form.new_password.data
            )
        except SignInRefused as exc:
            form.current_password.errors.append(str(exc))
        except PasswordRejected as exc:
            form.new_password.errors.append(_sentence(str(exc)))
        else:
            sign_in(renewed)
            flash("Your password has been changed.", "success")
            return redirect(target or url("home.index"))
    form.next.data = target or ""
    return render_template(
        "signin/change_password.jinja", form=form, errors=error_list(form), account=account
    )


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]
