"""Home: for now, who is signed in and what their role lets them do (phase B puts this
month's vignette, the next slot and everything that needs a person here)."""

from __future__ import annotations

from flask import Blueprint, render_template

from scheduler.operations.permissions import GRANTS, Permission
from scheduler.web.auth import signed_in
from scheduler.web.guards import requires

bp = Blueprint("home", __name__)


@bp.get("/")
@requires(Permission.READ)
def index() -> str:
    account = signed_in()
    assert account is not None  # @requires saw to it
    allowed = [p for p in Permission if p in GRANTS[account.role]]
    return render_template("home/index.jinja", account=account, allowed=allowed)
