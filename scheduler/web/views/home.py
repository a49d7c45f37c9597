"""Home: the signed-in person's to-do list (the sections of `operations.to_do` their role
sees: a month to publish late, posts to settle, months whose case study will not be sent,
case studies to approve), alerts and credentials, a daemon not seen recently, then this
month's vignette (its card, each platform's post with a link to it) and the next slot.

Admins settle an unknown post ("it is on the account" or "send it again") and publish a
month now, within the same bounds as `vignettes publish`: only the current month, a month
in its grace window, or a missed or skipped month. The console never forces a month
outside those bounds (that stays `vignettes publish --force-month` at a terminal, where
the month must be typed again): a button cannot be one mis-click from posting the wrong
month to the public.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue

from scheduler.errors import SchedulerError
from scheduler.operations.accounts.permissions import Permission, allows
from scheduler.operations.content.cards import VignetteCards, vignette_cards
from scheduler.operations.months import Month, parse_month
from scheduler.operations.pipeline.scope import is_scoped
from scheduler.operations.showcase.planning import PlanEntry
from scheduler.operations.showcase.publishing import (
    MonthReport,
    hand_publish_refusal,
    month_succeeded,
    publish_month,
    settle,
)
from scheduler.operations.showcase.status import Status, status
from scheduler.operations.to_do import LATE, to_do
from scheduler.web.auth import signed_in
from scheduler.web.formatting import month_name, platform_name, problem_text, state_tag
from scheduler.web.forms import ConfirmForm, SettleForm, error_list
from scheduler.web.guards import current_actor, requires
from scheduler.web.state import config, workspace
from scheduler.web.wording import months_in_words, sentence, spoken_list
from vignettes.errors import VignettesError

bp = Blueprint("home", __name__)

SETTLEABLE = ("unknown", "failed")


@dataclass(frozen=True)
class Vignette:
    """This month's case study as home shows it."""

    month: Month
    ref: str | None
    title: str | None
    organisation: str | None
    source: str | None
    state: str
    note: str


def this_months_vignette(now: Status) -> Vignette:
    month = now.this_month
    entry: PlanEntry | None = month.plan
    ref = month.ref or (entry.ref if entry else None)
    planned_here = entry is not None and entry.ref == ref
    return Vignette(
        month=Month.parse(month.month),
        ref=ref,
        title=entry.title if entry and planned_here else None,
        organisation=entry.organisation if entry and planned_here else None,
        source=entry.source if entry and planned_here else None,
        state=month.state if month.state != "planned" or entry is None else entry.state,
        note=month.reason or (entry.note if entry else ""),
    )


def settle_prefix(month: str, platform: str) -> str:
    """Each unknown post's settle form has its own field ids (a page holds several)."""
    return f"settle-{month}-{platform}"


def _may(permission: Permission) -> bool:
    account = signed_in()
    return account is not None and allows(account.role, permission)


def render_home(
    *,
    errors: list[dict[str, str]] | None = None,
    failed: tuple[str, SettleForm] | None = None,
) -> tuple[str, int]:
    """The home page; `failed` is the settle form (by its prefix) whose errors to show."""
    ws = workspace()
    now = status(ws)
    vignette = this_months_vignette(now)
    cards: VignetteCards | None = None
    if vignette.ref and _may(Permission.PREVIEW):
        cards = vignette_cards(ws, vignette.ref, vignette.month)
    publishable = (
        _may(Permission.PUBLISH_NOW)
        and vignette.ref is not None
        and vignette.state != "published"
        and vignette.state not in LATE  # the to-do list offers "Publish late" instead
        and hand_publish_refusal(ws, vignette.month) is None
    )
    actor = current_actor()
    page = render_template(
        "home/index.jinja",
        sections=to_do(ws, actor),
        now=now,
        vignette=vignette,
        cards=cards,
        enabled=config().platforms.enabled(),
        poll_after=config().engagement.poll_after,
        posts={p.platform: p for p in now.this_month.posts},
        publishable=publishable,
        may_settle=_may(Permission.SETTLE),
        settleable=SETTLEABLE,
        settle_prefix=settle_prefix,
        failed=failed,
        errors=errors or [],
    )
    return page, 400 if errors else 200


@bp.get("/")
@requires(Permission.BROWSE)
def index() -> tuple[str, int]:
    actor = current_actor()
    if is_scoped(actor):
        # Library staff: their own case studies, their state and what to do next (their
        # to-do list's one section), and nothing of the plan or the posts.
        sections = to_do(workspace(), actor)
        return render_template("home/contributor.jinja", sections=sections), 200
    return render_home()


def _month(text: str) -> Month:
    try:
        return parse_month(text)
    except ValueError:
        abort(404)


@bp.post("/settle/<month>/<platform>")
@requires(Permission.SETTLE)
def settle_post(month: str, platform: str) -> ResponseReturnValue:
    when = _month(month)
    if platform not in config().platforms.enabled():
        abort(404)
    prefix = settle_prefix(str(when), platform)
    form = SettleForm(prefix=prefix)
    if not form.validate_on_submit():
        errors = error_list(form) or [
            {"text": "Choose what happened to the post", "href": f"#{prefix}-url"}
        ]
        return render_home(errors=errors, failed=(prefix, form))
    try:
        done = settle(
            workspace(),
            current_actor(),
            when,
            form.resolution.data,
            platform=platform,
            url=(form.url.data or "").strip() if form.resolution.data == "posted" else "",
        )
    except (SchedulerError, VignettesError) as exc:
        return render_home(errors=[{"text": problem_text(exc), "href": "#needs-a-person"}])
    name = platform_name(platform)
    if done.publish is None:
        flash(f"{month_name(when)} on {name}: marked as posted.", "success")
    else:
        _flash_report(done.publish, f"{month_name(when)} on {name}: sent again.")
    return redirect(url_for("home.index"))


def _flash_report(report: MonthReport, lead: str) -> None:
    states = spoken_list(
        f"{platform_name(p)} {state_tag(s)['text'].lower()}" for p, s in report.posts.items()
    )
    ok = month_succeeded(report)
    flash(f"{lead} {states or 'No platform is enabled'}.", "success" if ok else "information")
    for note in report.notes:
        flash(sentence(months_in_words(note)), "information")


def _late(now: Status, month: Month) -> bool:
    """Whether `month` is the current month and its slot went by unpublished: home offers
    "Publish late" for it, and every page after says "late", not "now"."""
    return str(month) == now.this_month.month and now.this_month.state in LATE


def render_publish(month: Month, errors: list[dict[str, str]] | None = None) -> tuple[str, int]:
    ws = workspace()
    now = status(ws)
    vignette = this_months_vignette(now) if str(month) == now.this_month.month else None
    page = render_template(
        "home/publish.jinja",
        month=month,
        when="late" if _late(now, month) else "now",
        vignette=vignette,
        refusal=hand_publish_refusal(ws, month),
        enabled=config().platforms.enabled(),
        form=ConfirmForm(formdata=None),
        errors=errors or [],
    )
    return page, 409 if errors else 200


@bp.get("/publish/<month>")
@requires(Permission.PUBLISH_NOW)
def confirm_publish(month: str) -> tuple[str, int]:
    return render_publish(_month(month))


@bp.post("/publish/<month>")
@requires(Permission.PUBLISH_NOW)
def publish(month: str) -> ResponseReturnValue:
    when = _month(month)
    late = _late(status(workspace()), when)
    try:
        report = publish_month(workspace(), current_actor(), when)
    except (SchedulerError, VignettesError) as exc:
        return render_publish(when, [{"text": problem_text(exc), "href": "#publish"}])
    _flash_report(report, f"{month_name(when)} published {'late' if late else 'now'}:")
    return redirect(url_for("home.index"))
