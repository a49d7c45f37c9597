"""The plan as a calendar feed: GET /plan.ics?token=… for Outlook and other calendars, and
the page where a signed-in person gets (and replaces) their own feed address.

The token in the address is the feed's only credential: a session never opens it (a
calendar client has none, and a link that worked only in a signed-in browser would be
useless to subscribe to). Only a hash of the token is stored, so the address is shown once,
right after it is made; making a new one stops the old one working, and disabling an
account stops its feed. Every refusal (no token, a wrong one, an old one, a disabled
account's) is the same 404, so the answer never says which.
"""

from __future__ import annotations

from flask import Blueprint, Response, render_template, request, url_for

from scheduler.operations.accounts.permissions import Permission
from scheduler.operations.accounts.signin import calendar_owner, reset_calendar_token
from scheduler.operations.showcase.calendar import plan_calendar
from scheduler.web.forms import ConfirmForm
from scheduler.web.guards import current_actor, public, requires
from scheduler.web.state import workspace

bp = Blueprint("calendar", __name__)

NOT_FOUND = "Not found: this calendar address is not valid. Get a new one in the console.\n"


@bp.get("/plan.ics")
@public  # the token is checked here: it is the feed's credential, not a session
def feed() -> Response:
    ws = workspace()
    owner = calendar_owner(ws, request.args.get("token", ""))
    if owner is None:
        return Response(NOT_FOUND, status=404, mimetype="text/plain")
    body = plan_calendar(ws)
    response = Response(body, content_type="text/calendar; charset=utf-8")
    response.headers["Content-Disposition"] = 'inline; filename="impact-vignettes.ics"'
    return response


@bp.get("/plan/calendar")
@requires(Permission.READ)
def index() -> str:
    return render_template("plan/calendar.jinja", form=ConfirmForm(formdata=None), address=None)


@bp.post("/plan/calendar")
@requires(Permission.READ)  # anyone signed in may replace their own feed address
def new_address() -> str:
    actor = current_actor()
    token = reset_calendar_token(workspace(), actor, actor.name)
    # Shown in this response only (never stored, flashed or put in the session): a POST
    # answered with the page itself, not a redirect, is how a secret is shown just once.
    address = url_for("calendar.feed", token=token, _external=True)
    return render_template("plan/calendar.jinja", form=ConfirmForm(formdata=None), address=address)
