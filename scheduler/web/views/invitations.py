"""Invitations: an admin invites an email address with a role and library services
(/invitations/new) and the console emails the one-time link at once; the person opens it
(/invitation/<token>, the one page besides sign-in that needs no account), chooses a user
name and a password, and is signed in. The link works once, until it expires
(`[web] invitation_lifetime`) or a newer invitation to the same address replaces it.

Only a hash of the token is stored, so the link is never kept: when the email cannot be
sent, the admin's answer to the POST shows it once, to pass on another way (as a one-time
password is shown: never redirected to, flashed or logged).
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue

from scheduler.errors import SchedulerError
from scheduler.operations.accounts.invitations import accept_invitation as accept
from scheduler.operations.accounts.invitations import (
    email_invitation,
    invite,
    open_invitation,
)
from scheduler.operations.accounts.passwords import PasswordRejected
from scheduler.operations.accounts.permissions import ROLES, Permission
from scheduler.web.auth import sign_in
from scheduler.web.formatting import problem_text, spoken_duration
from scheduler.web.forms import error_list
from scheduler.web.guards import current_actor, public, requires
from scheduler.web.pipeline_forms import AcceptInvitationForm, InviteForm
from scheduler.web.state import web_config, workspace
from scheduler.web.views.users import ROLE_TEXT, service_names
from vignettes.errors import NotFound, VignettesError

bp = Blueprint("invitations", __name__)
GONE = "this invitation has been used, replaced or has expired"


def _invite_page(form: InviteForm, status: int = 200) -> tuple[str, int]:
    page = render_template(
        "invitations/new.jinja",
        form=form,
        errors=error_list(form),
        roles=ROLES,
        role_text=ROLE_TEXT,
        service_names=service_names(),
        invitation_lifetime=spoken_duration(web_config().invitation_lifetime),
    )
    return page, status


@bp.route("/invitations/new", methods=["GET", "POST"])
@requires(Permission.MANAGE_USERS)
def new() -> ResponseReturnValue:
    form = InviteForm()
    if not form.is_submitted():
        return _invite_page(InviteForm(formdata=None, role="contributor"))
    if not form.validate():
        return _invite_page(form, 400)
    try:
        invited = invite(workspace(), current_actor(), form.email.data, form.role.data,
                         form.services.data or [])  # fmt: skip
    except NotFound as exc:
        form.services.errors.append(problem_text(exc))
        return _invite_page(form, 400)
    except (SchedulerError, VignettesError) as exc:
        target = form.role if "role" in str(exc) else form.email
        target.errors.append(problem_text(exc))
        return _invite_page(form, 400)
    why_not = email_invitation(workspace(), invited)
    if why_not:
        page = render_template("invitations/link.jinja", invited=invited, why_not=why_not)
        return page, 200
    flash(f"An invitation is on its way to {invited.email}.", "success")
    return redirect(url_for("users.index"))


def _accept_page(token: str, form: AcceptInvitationForm, status: int = 200) -> ResponseReturnValue:
    invitation = open_invitation(workspace(), token)
    if invitation is None:
        return render_template("invitations/gone.jinja"), 404
    if not form.is_submitted():
        form.name.data = invitation.suggested_name
    page = render_template(
        "invitations/accept.jinja",
        invitation=invitation,
        form=form,
        token=token,
        errors=error_list(form),
    )
    return page, status


@bp.route("/invitation/<token>", methods=["GET", "POST"])
@public
def accept_invitation(token: str) -> ResponseReturnValue:
    form = AcceptInvitationForm()
    if not form.is_submitted():
        return _accept_page(token, AcceptInvitationForm(formdata=None))
    if not form.validate():
        return _accept_page(token, form, 400)
    try:
        account = accept(workspace(), token, form.name.data, form.password.data)
    except PasswordRejected as exc:
        form.password.errors.append(problem_text(exc))
        return _accept_page(token, form, 400)
    except (SchedulerError, VignettesError) as exc:
        if GONE in str(exc):
            return render_template("invitations/gone.jinja"), 404
        keep = (form.name.data or "").strip().lower()
        form.name.errors.append(problem_text(exc, keep=keep))
        return _accept_page(token, form, 400)
    sign_in(account)
    flash(f"Welcome, {account.name}: you are signed in as {account.role}.", "success")
    return redirect(url_for("home.index"))
