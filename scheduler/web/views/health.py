"""GET /healthz: 200 when the database answers, 503 when it does not (for load balancers
and systemd checks; it needs no account and says nothing about why)."""

from __future__ import annotations

from flask import Blueprint, Response

from scheduler.operations.health import database_reachable
from scheduler.web.guards import public
from scheduler.web.state import workspace
from vignettes.errors import StoreError

bp = Blueprint("health", __name__)


@bp.get("/healthz")
@public
def healthz() -> Response:
    try:
        ok = database_reachable(workspace())
    except StoreError:  # it could not even be opened
        ok = False
    response = Response(
        "ok\n" if ok else "database unreachable\n",
        status=200 if ok else 503,
        mimetype="text/plain",
    )
    response.headers["Cache-Control"] = "no-store"
    return response
