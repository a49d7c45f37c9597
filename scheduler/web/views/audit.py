"""The audit log (admins): every recorded action, newest first, a page at a time, with who
did it, when (local time), through which interface, and to which case study or month;
filtered by case study ref and by actor."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, render_template, request, url_for

from scheduler.operations.accounts.permissions import Permission
from scheduler.operations.audit import audit_log
from scheduler.web.guards import requires
from scheduler.web.state import workspace

bp = Blueprint("audit", __name__)

PER_PAGE = 50
MAX_FILTER = 200


def _page() -> int:
    text = request.args.get("page", "1")
    return int(text) if text.isdigit() and 0 < len(text) < 7 else 1


@bp.get("/audit")
@requires(Permission.READ_AUDIT_LOG)
def index() -> str:
    ref = request.args.get("ref", "").strip()[:MAX_FILTER]
    actor = request.args.get("actor", "").strip()[:MAX_FILTER]
    log = audit_log(
        workspace(), page=_page(), per_page=PER_PAGE, ref=ref or None, actor=actor or None
    )
    page = min(log.page, log.pages)
    filters: dict[str, Any] = {k: v for k, v in (("ref", ref), ("actor", actor)) if v}

    def href(number: int) -> str:
        return url_for("audit.index", page=number, **filters)

    return render_template(
        "audit/index.jinja",
        log=log,
        ref=ref,
        actor=actor,
        previous=href(page - 1) if page > 1 else None,
        next=href(page + 1) if page < log.pages else None,
        pages=_items(page, log.pages, href),
    )


def _items(page: int, pages: int, href: Callable[[int], str]) -> list[dict[str, Any]]:
    """The pagination's numbered items: the first, the last and two either side of the
    current page, with an ellipsis for each gap."""
    items: list[dict[str, Any]] = []
    last = 0
    for number in sorted({1, pages, *range(max(1, page - 2), min(pages, page + 2) + 1)}):
        if number > last + 1:
            items.append({"ellipsis": True})
        items.append({"number": number, "href": href(number), "current": number == page})
        last = number
    return items
