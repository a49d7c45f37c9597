"""Case studies: the list (search, filters, sort, pages) and one case study (every field,
status, readiness, the cards and posts for every enabled platform, the approvals and the
full history), with the card images served from the cards cache.

The decisions on the page (approve, reject, queue) are posted to `views.review`, and the
acts of peer review (submit, withdraw, review, comment) to `views.pipeline`; each renders
this page again when a form has a problem (`render_case_study`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Blueprint, Response, abort, render_template, request, session, url_for

from scheduler.operations.accounts.permissions import Permission, allows
from scheduler.operations.content.cards import VignetteCards, card_png, vignette_cards
from scheduler.operations.content.case_studies import (
    STATE_VALUES,
    ApprovalRecord,
    CaseStudyDetail,
    CaseStudyQuery,
    case_study,
    find,
)
from scheduler.operations.content.categories import categories
from scheduler.operations.months import Month, parse_month
from scheduler.operations.pipeline.acts import CRITERIA, open_acts
from scheduler.operations.pipeline.scope import is_scoped
from scheduler.operations.showcase.free_months import free_months
from scheduler.operations.showcase.planning import planned_months
from scheduler.web.auth import signed_in
from scheduler.web.case_form import BY_NAME
from scheduler.web.formatting import month_name, state_tag
from scheduler.web.forms import ApproveForm, ConfirmForm, QueueForm, RejectForm
from scheduler.web.guards import current_actor, requires
from scheduler.web.pipeline_forms import CommentForm, ReviewForm
from scheduler.web.state import config, workspace
from scheduler.web.wording import audit_action
from vignettes.errors import NotFound

bp = Blueprint("case_studies", __name__)

# The session's list of the card keys its form previews rendered (a few, newest last).
DRAFT_CARDS = "draft_cards"

PER_PAGE = 50
STATUSES = STATE_VALUES
SORTS = {
    "ref": "Reference",
    "title": "Title",
    "organisation": "Organisation",
    "status": "Status",
    "updated": "Recently changed",
    "approved": "Recently approved",
    "readiness": "Most ready first",
}
INTERFACES = {"web": "console", "cli": "command line", "daemon": "daemon"}
# A peer review's outcome as its history line says it.
OUTCOMES = {
    "changes_requested": "Changes requested",
    "accepted": "Accepted",
    "escalated": "Accepted and escalated",
    "rejected": "Not accepted",
}


@bp.app_template_filter("local_time")
def local_time(moment: dt.datetime | None) -> str:
    """`26 Nov 2026 at 12:00` in the schedule's time zone (what people plan in)."""
    if moment is None:
        return ""
    return f"{moment.astimezone(config().schedule.tz):%-d %b %Y at %H:%M}"


@bp.app_template_filter("local_date")
def local_date(moment: dt.datetime | None) -> str:
    """`26 Nov 2026`: for approvals, which files record by the day."""
    return f"{moment.astimezone(config().schedule.tz):%-d %b %Y}" if moment else ""


@bp.app_template_filter("plain_number")
def plain_number(value: float | None) -> str:
    """`30` for 30.0, `12.5` as it is, `–` for none."""
    if value is None:
        return "–"
    return f"{int(value):,}" if value.is_integer() else f"{value:,}"


def approval_when(approval: ApprovalRecord | None) -> str:
    """When a decision was made: the day and time, or the day alone when a file recorded
    it (the time is not known, and must not read as one past midnight)."""
    if approval is None:
        return ""
    if approval.day_only:
        return f"{approval.at:%-d %b %Y}"
    return local_time(approval.at)


def month_words(detail: CaseStudyDetail, picked: str | None) -> str:
    """The month a case study is planned for, as the page says it (`picked`: the month
    auto-pick has chosen for it, when it is in no slot yet)."""
    if detail.month:
        state = detail.slot_state or "planned"
        words = month_name(detail.month)
        return words if state == "planned" else f"{words} ({state_tag(state)['text'].lower()})"
    if picked:
        return (
            f"{month_name(picked)}: auto-pick's choice. It goes out then unless another "
            "case study is queued for that month."
        )
    if detail.requested_month:
        return f"Requested for {month_name(detail.requested_month)}: queued once approved"
    return "Not planned"


def _query() -> CaseStudyQuery:
    args = request.args
    page = args.get("page", "1")
    showcased = {"yes": True, "no": False}.get(args.get("showcased", ""))
    return CaseStudyQuery(
        text=args.get("q", "")[:200],
        status=args.get("status") if args.get("status") in STATUSES else None,
        region=args.get("region") or None,
        category=args.get("category") or None,
        showcased=showcased,
        sort=args.get("sort", "ref") if args.get("sort") in SORTS else "ref",
        page=int(page) if page.isdigit() and len(page) < 7 else 1,
        per_page=PER_PAGE,
    )


def _pages(page: int, pages: int, link: Any) -> list[dict[str, Any]]:
    """Numbered pagination: the first, the last, and two either side of this one."""
    shown = sorted({1, pages, *range(max(1, page - 2), min(pages, page + 2) + 1)})
    items: list[dict[str, Any]] = []
    for number in shown:
        if items and number - items[-1]["number"] > 1:
            items.append({"ellipsis": True, "number": number - 1})
        items.append({"number": number, "href": link(number), "current": number == page})
    return items


@bp.get("/case-studies")
@requires(Permission.BROWSE)
def index() -> str:
    query = _query()
    listing = find(workspace(), query, current_actor())
    kept: dict[str, Any] = {k: v for k, v in request.args.items() if k != "page" and v}

    def link(number: int) -> str:
        return url_for("case_studies.index", **kept, page=number)

    return render_template(
        "case_studies/index.jinja",
        listing=listing,
        args=request.args,
        statuses=STATUSES,
        sorts=SORTS,
        vocabulary=categories(workspace()).categories,
        pages=_pages(listing.query.page, listing.pages, link) if listing.pages > 1 else [],
        previous=link(listing.query.page - 1) if listing.query.page > 1 else None,
        next=link(listing.query.page + 1) if listing.query.page < listing.pages else None,
        may_add=_may(Permission.ADD),
    )


def _may(permission: Permission) -> bool:
    account = signed_in()
    return account is not None and allows(account.role, permission)


def _value(value: Any) -> str:
    if value is None or value == "" or value == []:
        return "(empty)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(value)
    return str(value)


def _label(name: str) -> str:
    return BY_NAME[name].label if name in BY_NAME else name


def history_rows(detail: CaseStudyDetail) -> list[dict[str, Any]]:
    """The history as a table shows it, newest first: when, who, through which interface,
    what, and for a change each field's old and new value."""
    rows = []
    for event in reversed(detail.history):
        info = event.detail or {}
        notes = []
        if info.get("source") and info.get("row"):
            notes.append(f"From {info['source']}, row {info['row']}")
        if info.get("reason"):
            notes.append(f"Reason: {info['reason']}")
        if event.action == "reviewed" and info.get("outcome") in OUTCOMES:
            met = ", ".join(str(n) for n in info.get("met") or []) or "none"
            notes.append(f"{OUTCOMES[info['outcome']]} (criteria met: {met})")
        changes = [
            (_label(name), _value(change.get("old")), _value(change.get("new")))
            for name, change in (info.get("changes") or {}).items()
            if isinstance(change, dict)
        ]
        what = audit_action(event.action)
        if event.action == "submitted" and info.get("resubmitted"):
            what = "Submitted again"
        rows.append(
            {
                "when": event.at,
                "who": event.actor,
                "via": INTERFACES.get(event.via, event.via or "not recorded"),
                "what": f"{what} {month_name(event.month)}" if event.month else what,
                "notes": notes,
                "changes": changes,
            }
        )
    return rows


def picked_month(detail: CaseStudyDetail) -> str | None:
    """The month auto-pick has chosen for a case study in no slot yet, if any."""
    entry = None if detail.month else planned_months(workspace()).get(detail.ref)
    return str(entry.month) if entry is not None else None


def cards_month(detail: CaseStudyDetail) -> Month | None:
    """The month a case study's cards are shown for, as they would go out: its slot's, or
    the one auto-pick chose."""
    month = detail.month or picked_month(detail)
    return parse_month(month) if month else None


def render_case_study(
    ref: str,
    *,
    errors: list[dict[str, str]] | None = None,
    reject_form: RejectForm | None = None,
    queue_form: QueueForm | None = None,
    review_form: ReviewForm | None = None,
    comment_form: CommentForm | None = None,
    status: int = 200,
) -> tuple[str, int]:
    """The page of case study `ref` (404 when there is none, or not the person's to see),
    with any form's problems."""
    ws = workspace()
    actor = current_actor()
    try:
        detail = case_study(ws, ref, actor)
    except NotFound:
        abort(404)
    picked = picked_month(detail)
    cards: VignetteCards | None = None
    if _may(Permission.PREVIEW):
        cards = vignette_cards(ws, detail.ref, cards_month(detail))
    may_queue = _may(Permission.QUEUE) and detail.approval_current and not detail.month
    months = free_months(ws) if may_queue else ()
    queue_form = queue_form or QueueForm(formdata=None)
    queue_form.month.choices = [("", "Select a month")] + [
        (str(m.month), f"{m.slot.local:%B %Y} ({m.slot.local:%a %-d %b, %H:%M})") for m in months
    ]
    page = render_template(
        "case_studies/show.jinja",
        detail=detail,
        cards=cards,
        history=history_rows(detail),
        month_words=month_words(detail, picked),
        approval_when=approval_when,
        labels={name: spec.label for name, spec in BY_NAME.items()},
        errors=errors or [],
        approve_form=ApproveForm(formdata=None),
        reject_form=reject_form or RejectForm(formdata=None),
        queue_form=queue_form,
        review_form=review_form or ReviewForm(formdata=None),
        comment_form=comment_form or CommentForm(formdata=None),
        confirm_form=ConfirmForm(formdata=None),
        acts=open_acts(actor, detail.status, detail.library_service_id, detail.slot_state),
        criteria=CRITERIA,
        may_edit=_may(Permission.EDIT),
        may_approve=_may(Permission.APPROVE),
        may_queue=may_queue,
        four_eyes=config().web.four_eyes,
    )
    return page, status


@bp.get("/case-studies/<ref>")
@requires(Permission.BROWSE)
def show(ref: str) -> tuple[str, int]:
    return render_case_study(ref)


@bp.get("/cards/<key>/<platform>.png")
@requires(Permission.PREVIEW)
def card(key: str, platform: str) -> Response:
    actor = current_actor()
    # A preview this session rendered from the add or edit form shows what this person
    # typed: its key is kept in the session.
    if is_scoped(actor) and key not in session.get(DRAFT_CARDS, []):
        # A contributor's card address names its case study, which must be theirs and
        # must be the one the key was rendered from.
        ref = request.args.get("ref", "")
        try:
            detail = case_study(workspace(), ref, actor)
        except NotFound:
            abort(404)
        if vignette_cards(workspace(), ref, cards_month(detail)).key != key:
            abort(404)
    png = card_png(workspace(), key, platform)
    if png is None:
        abort(404)
    response = Response(png, mimetype="image/png")
    # The key is a hash of the content and settings: the image under it never changes.
    response.headers["Cache-Control"] = "private, max-age=31536000, immutable"
    return response
