"""Users (admins only): the accounts, adding one with a role, changing a role, disabling and
enabling, and resetting a password. The rules (name format, password rules, the last admin
kept) are the accounts operations'; this only translates.

A password the console makes (a one-time password) is shown once, on the page the form's
POST redirects to (POST, redirect, GET: a reload never adds the user twice). The password
itself is never stored, flashed, put in a cookie or logged: the session holds a random
seed, from which the page derives the password with the console's key
(`one_time_password(seed)`), and the page removes the seed as it shows it. A seed read
again (a copied cookie) shows nothing once the person has chosen their own password. The
person must choose their own at their first sign-in.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from flask import Blueprint, abort, current_app, flash, redirect, render_template, session, url_for
from flask.typing import ResponseReturnValue

from scheduler.errors import SchedulerError
from scheduler.operations.accounts.invitations import list_invitations
from scheduler.operations.accounts.passwords import MIN_LENGTH, PasswordRejected, one_time_password
from scheduler.operations.accounts.permissions import ROLES, Permission
from scheduler.operations.accounts.users import (
    UserRow,
    add_user,
    disable_user,
    enable_user,
    is_last_admin,
    list_users,
    reset_password,
    set_email,
    set_role,
    set_services,
)
from scheduler.operations.pipeline.scope import waits_for_a_service
from scheduler.operations.pipeline.services import list_services
from scheduler.web.formatting import problem_text
from scheduler.web.forms import AddUserForm, ConfirmForm, ResetPasswordForm, SetRoleForm, error_list
from scheduler.web.guards import current_actor, requires
from scheduler.web.pipeline_forms import EmailForm, ServicesForm
from scheduler.web.state import workspace
from vignettes.errors import NotFound, VignettesError

bp = Blueprint("users", __name__)

# The session key of the one-time password waiting to be shown: the account, whether it
# was added (or reset), and the seed.
SHOW_ONCE = "one_time"

ROLE_TEXT = {
    "contributor": "library staff: draft, submit and follow their own service's case studies",
    "viewer": "read and preview",
    "editor": "also add, edit, import and queue",
    "reviewer": "also peer-review other services' case studies and comment",
    "approver": "also approve and reject",
    "admin": "also manage users and library services, settle unknown posts, publish a month now",
}


@bp.get("/users")
@requires(Permission.MANAGE_USERS)
def index() -> str:
    return render_template(
        "users/index.jinja",
        users=list_users(workspace(), current_actor()),
        role_text=ROLE_TEXT,
        waiting=lambda user: waits_for_a_service(user.role, user.services),
        invitations=list_invitations(workspace(), current_actor()),
    )


def render_new(form: AddUserForm, errors: list[dict[str, str]]) -> tuple[str, int]:
    page = render_template(
        "users/new.jinja",
        form=form,
        errors=errors,
        roles=ROLES,
        role_text=ROLE_TEXT,
        min_length=MIN_LENGTH,
        service_names=service_names(),
    )
    return page, 400 if errors else 200


def service_names() -> list[str]:
    """The directory's names, for the forms that choose an account's services."""
    return [s.name for s in list_services(workspace(), current_actor())]


@bp.get("/users/new")
@requires(Permission.MANAGE_USERS)
def new() -> tuple[str, int]:
    return render_new(AddUserForm(formdata=None), [])


@bp.post("/users/new")
@requires(Permission.MANAGE_USERS)
def add() -> ResponseReturnValue:
    form = AddUserForm()
    if not form.validate_on_submit():
        return render_new(form, error_list(form))
    one_time = form.password_choice.data == "one-time"
    seed = secrets.token_hex(32)
    password = one_time_password(_key(seed)) if one_time else form.password.data
    try:
        user = add_user(
            workspace(),
            current_actor(),
            form.name.data,
            form.role.data,
            password,
            email=form.email.data,
            services=form.services.data or [],
            must_change_password=one_time,
        )
    except PasswordRejected as exc:
        form.password.errors.append(problem_text(exc))
        return render_new(form, error_list(form))
    except (SchedulerError, VignettesError) as exc:
        if "email address" in str(exc):  # the address is malformed or taken
            form.email.errors.append(problem_text(exc))
        elif "library service" in str(exc):
            form.services.errors.append(problem_text(exc))
        else:
            form.name.errors.append(problem_text(exc, keep=(form.name.data or "").strip().lower()))
        return render_new(form, error_list(form))
    if one_time:
        return _show_once(user, seed, added=True)
    flash(f"{user.name} can now sign in as {user.role}.", "success")
    return redirect(url_for("users.index"))


def _key(seed: str) -> bytes:
    """The one-time password's seed, bound to this console's key: a seed alone, read from
    a cookie, gives nothing."""
    secret = current_app.config["SECRET_KEY"]
    key = secret if isinstance(secret, bytes) else str(secret).encode()
    return hmac.new(key, b"one-time password:" + seed.encode(), hashlib.sha256).digest()


def _show_once(user: UserRow, seed: str, *, added: bool) -> ResponseReturnValue:
    session[SHOW_ONCE] = {"name": user.name, "seed": seed, "added": added}
    return redirect(url_for("users.one_time", name=user.name))


@bp.get("/users/<name>/one-time-password")
@requires(Permission.MANAGE_USERS)
def one_time(name: str) -> ResponseReturnValue:
    waiting = session.pop(SHOW_ONCE, None)
    user = _find(name)
    if (
        not isinstance(waiting, dict)
        or waiting.get("name") != name
        or not user.must_change_password
    ):
        flash(
            f"The one-time password for {name} was shown once already. Reset the password "
            "to make another.",
            "information",
        )
        return redirect(url_for("users.show", name=name))
    assert isinstance(waiting, dict)
    password = one_time_password(_key(str(waiting.get("seed", ""))))
    added = bool(waiting.get("added"))
    return render_template("users/password.jinja", user=user, password=password, added=added)


def _find(name: str) -> UserRow:
    for user in list_users(workspace(), current_actor()):
        if user.name == name:
            return user
    abort(404)


def render_user(
    name: str,
    *,
    role_form: SetRoleForm | None = None,
    password_form: ResetPasswordForm | None = None,
    email_form: EmailForm | None = None,
    services_form: ServicesForm | None = None,
    errors: list[dict[str, str]] | None = None,
) -> tuple[str, int]:
    users = list_users(workspace(), current_actor())
    user = next((u for u in users if u.name == name), None)
    if user is None:
        abort(404)
    role_form = role_form or SetRoleForm(formdata=None, role=user.role)
    email_form = email_form or EmailForm(formdata=None, email=user.email or "")
    services_form = services_form or ServicesForm(formdata=None, services=list(user.services))
    page = render_template(
        "users/show.jinja",
        user=user,
        last_admin=is_last_admin(user, users),
        me=current_actor().name == user.name,
        role_form=role_form,
        password_form=password_form or ResetPasswordForm(formdata=None),
        email_form=email_form,
        services_form=services_form,
        service_names=service_names(),
        confirm_form=ConfirmForm(formdata=None),
        roles=ROLES,
        role_text=ROLE_TEXT,
        min_length=MIN_LENGTH,
        errors=errors or [],
    )
    return page, 400 if errors else 200


@bp.get("/users/<name>")
@requires(Permission.MANAGE_USERS)
def show(name: str) -> tuple[str, int]:
    return render_user(name)


@bp.post("/users/<name>/role")
@requires(Permission.MANAGE_USERS)
def change_role(name: str) -> ResponseReturnValue:
    form = SetRoleForm()
    if not form.validate_on_submit():
        return render_user(name, role_form=form, errors=error_list(form))
    try:
        user = set_role(workspace(), current_actor(), name, form.role.data)
    except (SchedulerError, VignettesError) as exc:
        form.role.errors.append(problem_text(exc, keep=name))
        return render_user(name, role_form=form, errors=error_list(form))
    flash(f"{user.name} is now {user.role} (from their next page).", "success")
    return redirect(url_for("users.show", name=user.name))


@bp.post("/users/<name>/disable")
@requires(Permission.MANAGE_USERS)
def disable(name: str) -> ResponseReturnValue:
    try:
        user = disable_user(workspace(), current_actor(), name)
    except (SchedulerError, VignettesError) as exc:
        return render_user(name, errors=[{"text": problem_text(exc, keep=name), "href": "#access"}])
    flash(f"{user.name} can no longer sign in; their sessions have ended.", "success")
    return redirect(url_for("users.show", name=user.name))


@bp.post("/users/<name>/enable")
@requires(Permission.MANAGE_USERS)
def enable(name: str) -> ResponseReturnValue:
    try:
        user = enable_user(workspace(), current_actor(), name)
    except (SchedulerError, VignettesError) as exc:
        return render_user(name, errors=[{"text": problem_text(exc, keep=name), "href": "#access"}])
    flash(f"{user.name} can sign in again.", "success")
    return redirect(url_for("users.show", name=user.name))


@bp.post("/users/<name>/password")
@requires(Permission.MANAGE_USERS)
def new_password(name: str) -> ResponseReturnValue:
    form = ResetPasswordForm()
    if not form.validate_on_submit():
        return render_user(name, password_form=form, errors=error_list(form))
    one_time = form.password_choice.data == "one-time"
    seed = secrets.token_hex(32)
    password = one_time_password(_key(seed)) if one_time else form.password.data
    try:
        user = reset_password(
            workspace(), current_actor(), name, password, must_change_password=one_time
        )
    except PasswordRejected as exc:
        form.password.errors.append(problem_text(exc))
        return render_user(name, password_form=form, errors=error_list(form))
    except (SchedulerError, VignettesError) as exc:
        form.password.errors.append(problem_text(exc, keep=name))
        return render_user(name, password_form=form, errors=error_list(form))
    if one_time:
        return _show_once(user, seed, added=False)
    flash(f"{user.name}'s password is changed; their sessions have ended.", "success")
    return redirect(url_for("users.show", name=user.name))


@bp.post("/users/<name>/email")
@requires(Permission.MANAGE_USERS)
def change_email(name: str) -> ResponseReturnValue:
    form = EmailForm()
    if not form.validate_on_submit():
        return render_user(name, email_form=form, errors=error_list(form))
    try:
        user = set_email(workspace(), current_actor(), name, form.email.data)
    except NotFound:
        abort(404)
    except (SchedulerError, VignettesError) as exc:
        form.email.errors.append(problem_text(exc))
        return render_user(name, email_form=form, errors=error_list(form))
    flash(f"{user.name}'s email address is now {user.email}.", "success")
    return redirect(url_for("users.show", name=user.name))


@bp.post("/users/<name>/services")
@requires(Permission.MANAGE_USERS)
def change_services(name: str) -> ResponseReturnValue:
    form = ServicesForm()
    form.validate_on_submit()  # nothing to check but the CSRF token: none is a choice too
    try:
        user = set_services(workspace(), current_actor(), name, form.services.data or [])
    except NotFound as exc:
        if exc.what == "user":
            abort(404)
        form.services.errors.append(problem_text(exc))
        return render_user(name, services_form=form, errors=error_list(form))
    which = ", ".join(user.services) or "no library service"
    flash(f"{user.name} belongs to {which} (from their next page).", "success")
    return redirect(url_for("users.show", name=user.name))
