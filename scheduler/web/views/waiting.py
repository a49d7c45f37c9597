"""Waiting for an admin (/waiting): all a contributor in no library service sees, such as
one a first single sign-on just made (`new_users = "contributor"`). Until an admin gives
it a service, home sends it here and every other page answers 404 (`scheduler.web.auth`);
from then on this page sends it home."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template
from flask import url_for as url
from flask.typing import ResponseReturnValue

from scheduler.operations.accounts.permissions import Permission
from scheduler.web.auth import signed_in, waiting
from scheduler.web.guards import requires

bp = Blueprint("waiting", __name__)


@bp.get("/waiting")
@requires(Permission.BROWSE)
def index() -> ResponseReturnValue:
    account = signed_in()
    assert account is not None  # @requires saw to it
    if not waiting(account):
        return redirect(url("home.index"))
    return render_template("home/waiting.jinja")
