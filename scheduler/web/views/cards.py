"""GET /cards/<key>/<platform>.png: a card image that `operations.cards.vignette_cards`
rendered and cached, for any page that shows one (the Content-Security-Policy allows
images from this site only, so cards are served rather than inlined)."""

from __future__ import annotations

from flask import Blueprint, Response, abort

from scheduler.operations.cards import card_png
from scheduler.operations.permissions import Permission
from scheduler.web.guards import requires
from scheduler.web.state import workspace

bp = Blueprint("cards", __name__)


@bp.get("/cards/<key>/<platform>.png")
@requires(Permission.PREVIEW)
def card(key: str, platform: str) -> Response:
    png = card_png(workspace(), key, platform)
    if png is None:
        abort(404)
    response = Response(png, mimetype="image/png")
    # The key is a hash of the content, the month and the rendering settings: the image
    # under it never changes.
    response.headers["Cache-Control"] = "private, max-age=31536000, immutable"
    return response
