"""Plan: the next 12 months (slot in local time, case study, queued or auto-pick, state,
why a slot moved off a bank holiday) and the last 12 (what went out, with links to the
posts); editors queue an approved case study to a month, unqueue it, or swap two months.
The same year as a calendar (/plan/year): a grid of the 12 months, each with its case
study, state and a thumbnail of its card (/plan/<month>/card.png, rendered when the
browser asks for it, so the page itself is quick).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from scheduler.errors import SchedulerError
from scheduler.operations.accounts.permissions import Permission, allows
from scheduler.operations.content.cards import card_thumbnail
from scheduler.operations.months import Month, parse_month
from scheduler.operations.showcase.history import past_months
from scheduler.operations.showcase.planning import (
    PlanEntry,
    QueueableCase,
    plan,
    queue,
    queueable,
    swap,
    unqueue,
)
from scheduler.operations.to_do import LATE
from scheduler.web.auth import signed_in
from scheduler.web.formatting import local_time, month_name, problem_text
from scheduler.web.forms import PlanQueueForm, SwapForm, error_list
from scheduler.web.guards import current_actor, requires
from scheduler.web.state import workspace
from vignettes.errors import VignettesError

bp = Blueprint("plan", __name__)

MONTHS = 12
# How many queueable case studies the form offers, in the order auto-pick would take them.
OFFERED = 200


def _may(permission: Permission) -> bool:
    account = signed_in()
    return account is not None and allows(account.role, permission)


def _choices(entries: list[PlanEntry]) -> tuple[list[PlanEntry], list[PlanEntry]]:
    """The months a case study can be queued for (ahead, nothing queued yet), and the
    months that can be swapped (a case study planned, nothing fixed yet)."""
    now = workspace().now()
    free = [
        e for e in entries if e.state == "planned" and e.source != "queued" and e.slot.utc > now
    ]
    swappable = [e for e in entries if e.state == "planned" and e.ref]
    return free, swappable


Options = list[dict[str, str]]  # the design system's select items


def _items(pairs: Iterable[tuple[str, str]]) -> Options:
    return [{"value": value, "text": text} for value, text in pairs]


def _options(
    free: list[PlanEntry], swappable: list[PlanEntry], cases: Sequence[QueueableCase]
) -> dict[str, Options]:
    """Each select's options, by field name."""
    pick = [("", "Select a month")]
    months = _items(pick + [(str(e.month), f"{month_name(e.month)}: {e.ref}") for e in swappable])
    return {
        "month": _items(
            pick
            + [
                (str(e.month), f"{month_name(e.month)} ({local_time(e.slot.local, 'short')})")
                for e in free
            ]
        ),
        "ref": _items(
            [("", "Select a case study")]
            + [(c.ref, f"{c.ref}: {c.title} ({c.organisation})") for c in cases]
        ),
        "first": months,
        "second": months,
    }


def render_plan(
    *,
    queue_form: PlanQueueForm | None = None,
    swap_form: SwapForm | None = None,
    errors: list[dict[str, str]] | None = None,
) -> tuple[str, int]:
    ws = workspace()
    entries = plan(ws, MONTHS)
    may_queue = _may(Permission.QUEUE)
    free, swappable = _choices(entries)
    queue_form = queue_form or PlanQueueForm(formdata=None)
    swap_form = swap_form or SwapForm(formdata=None)
    offered = queueable(ws, OFFERED) if may_queue else None
    choices = _options(free, swappable, offered.cases if offered else ())
    page = render_template(
        "plan/index.jinja",
        entries=entries,
        past=past_months(ws, MONTHS),
        may_queue=may_queue,
        may_publish=_may(Permission.PUBLISH_NOW),
        offered=offered,
        free=free,
        swappable=swappable,
        queue_form=queue_form,
        swap_form=swap_form,
        choices=choices,
        timezone=ws.config.schedule.timezone,
        late_states=LATE,
        view="list",
        errors=errors or [],
    )
    return page, 400 if errors else 200


@bp.get("/plan")
@requires(Permission.READ)
def index() -> tuple[str, int]:
    return render_plan()


# Months to a row of the calendar: a quarter of a year.
PER_ROW = 3


@bp.get("/plan/year")
@requires(Permission.READ)
def year() -> str:
    entries = plan(workspace(), MONTHS)
    rows = [entries[i : i + PER_ROW] for i in range(0, len(entries), PER_ROW)]
    return render_template(
        "plan/year.jinja",
        rows=rows,
        may_queue=_may(Permission.QUEUE),
        may_preview=_may(Permission.PREVIEW),
        timezone=workspace().config.schedule.timezone,
        view="calendar",
    )


@bp.get("/plan/<month>/card.png")
@requires(Permission.PREVIEW)
def card(month: str) -> Response:
    """The thumbnail of the card planned for `month` (one of the next 12): revalidated on
    every view, since the month's case study or its content may change."""
    when = _month(month)
    ws = workspace()
    entry = next((e for e in plan(ws, MONTHS) if e.month == when and e.ref), None)
    if entry is None or entry.ref is None:
        abort(404)
    thumbnail = card_thumbnail(ws, entry.ref, entry.month)
    if thumbnail is None:
        abort(404)
    response = Response(thumbnail.png, mimetype="image/png")
    response.headers["Cache-Control"] = "private, no-cache"
    response.set_etag(thumbnail.key)
    response.make_conditional(request)  # 304 when the browser has this card already
    return response


def _month(text: str | None) -> Month | None:
    try:
        return parse_month(text or "")
    except ValueError:
        return None


@bp.post("/plan/queue")
@requires(Permission.QUEUE)
def queue_month() -> ResponseReturnValue:
    form = PlanQueueForm()
    if not form.validate_on_submit():
        return render_plan(queue_form=form, errors=error_list(form))
    month = _month(form.month.data)
    if month is None:
        form.month.errors.append("Select a month from the list")
        return render_plan(queue_form=form, errors=error_list(form))
    try:
        done = queue(workspace(), current_actor(), month, form.ref.data.strip())
    except (SchedulerError, VignettesError) as exc:
        form.ref.errors.append(problem_text(exc))
        return render_plan(queue_form=form, errors=error_list(form))
    flash(
        f"{done.ref} is queued for {month_name(done.month)} ({local_time(done.slot.local)}).",
        "success",
    )
    return redirect(url_for("plan.index"))


@bp.post("/plan/<month>/unqueue")
@requires(Permission.QUEUE)
def unqueue_month(month: str) -> ResponseReturnValue:
    when = _month(month)
    if when is None:
        abort(404)
    try:
        done = unqueue(workspace(), current_actor(), when)
    except (SchedulerError, VignettesError) as exc:
        return render_plan(errors=[{"text": problem_text(exc), "href": "#next-months"}])
    flash(
        f"{done.ref} is no longer queued for {month_name(done.month)}; auto-pick fills the "
        "month unless you queue another case study.",
        "success",
    )
    return redirect(url_for("plan.index"))


@bp.post("/plan/swap")
@requires(Permission.QUEUE)
def swap_months() -> ResponseReturnValue:
    form = SwapForm()
    if not form.validate_on_submit():
        return render_plan(swap_form=form, errors=error_list(form))
    first, second = _month(form.first.data), _month(form.second.data)
    if first is None or second is None:
        field = form.first if first is None else form.second
        field.errors.append("Select a month from the list")
        return render_plan(swap_form=form, errors=error_list(form))
    try:
        done = swap(workspace(), current_actor(), first, second)
    except (SchedulerError, VignettesError) as exc:
        form.second.errors.append(problem_text(exc))
        return render_plan(swap_form=form, errors=error_list(form))
    flash(
        f"Swapped: {month_name(done.first)} now shows {done.first_ref}, "
        f"{month_name(done.second)} shows {done.second_ref}. Both are queued.",
        "success",
    )
    return redirect(url_for("plan.index"))
