"""The acts of peer review on a case study's page: submit it, withdraw it, review it
against the five criteria, and add to its comment thread. Each is a POST (CSRF checked),
allowed by role, done by one operation (`scheduler.operations.pipeline.acts`: the same
rules as `vignettes submit` and `vignettes review`), then back to the page; a refusal shows
the page again with the reason in the error summary.

Whatever email an act causes waits in the outbox; the console sends it after answering
(`scheduler.web.mailer`), so no act waits for a mail server.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, abort, flash, redirect, url_for
from flask.typing import ResponseReturnValue

from scheduler.operations.accounts.permissions import Permission, PermissionDenied
from scheduler.operations.actor import Actor
from scheduler.operations.context import Workspace
from scheduler.operations.pipeline.acts import (
    Acted,
    OwnService,
    ReviewInput,
    WorkflowError,
    comment,
    parse_decision,
    review,
    submit,
    withdraw,
)
from scheduler.web.forms import ConfirmForm, error_list
from scheduler.web.guards import current_actor, requires
from scheduler.web.pipeline_forms import CommentForm, ReviewForm
from scheduler.web.state import workspace
from scheduler.web.views.case_studies import render_case_study
from scheduler.web.views.review import REFUSED
from vignettes.errors import NotFound

bp = Blueprint("pipeline", __name__)

DONE = {
    "submitted": "{ref} is submitted: peer reviewers from other library services are told.",
    "changes_requested": "Your review of {ref} is saved: its contributors are asked for changes.",
    "accepted": "{ref} is accepted into the national listing.",
    "escalated": "{ref} is accepted and escalated to the national leads for approval.",
    "rejected": "Your review of {ref} is saved: it is not accepted.",
    "withdrawn": "{ref} is withdrawn.",
}


def _sentence(exc: Exception) -> str:
    text = str(exc)
    return text[:1].upper() + text[1:]


def _done(acted: Acted) -> ResponseReturnValue:
    message = DONE.get(acted.state, "{ref} is saved.").format(ref=acted.ref)
    if acted.note:
        message += f" It was {acted.note}."
    flash(message, "success")
    return redirect(url_for("case_studies.show", ref=acted.ref))


def _act(
    ref: str, act: Callable[[Workspace, Actor, str], Acted], anchor: str
) -> ResponseReturnValue:
    """Submit or withdraw: a button with nothing but its CSRF token (checked before the
    view), refused on the case study's page when the workflow does not allow it."""
    ConfirmForm()
    try:
        acted = act(workspace(), current_actor(), ref)
    except NotFound:
        abort(404)
    except PermissionDenied:
        abort(403)
    except WorkflowError as exc:
        errors = [{"text": _sentence(exc), "href": f"#{anchor}"}]
        return render_case_study(ref, errors=errors, status=REFUSED)
    return _done(acted)


@bp.post("/case-studies/<ref>/submit")
@requires(Permission.SUBMIT)
def submit_case_study(ref: str) -> ResponseReturnValue:
    return _act(ref, submit, "submit")


@bp.post("/case-studies/<ref>/withdraw")
@requires(Permission.SUBMIT)
def withdraw_case_study(ref: str) -> ResponseReturnValue:
    return _act(ref, withdraw, "withdraw")


@bp.post("/case-studies/<ref>/review")
@requires(Permission.REVIEW)
def review_case_study(ref: str) -> ResponseReturnValue:
    form = ReviewForm()
    if not form.validate_on_submit():
        return render_case_study(ref, errors=error_list(form), review_form=form, status=400)
    given = ReviewInput(
        met=form.met(),
        decision=parse_decision(form.decision.data),
        message=form.message.data or "",
        notes=form.notes(),
    )
    try:
        acted = review(workspace(), current_actor(), ref, given)
    except NotFound:
        abort(404)
    except PermissionDenied:
        abort(403)
    except (OwnService, WorkflowError) as exc:
        problem = str(exc).removeprefix(f"{ref}: ")
        # What the message lacks goes beside the message; anything else, the decision.
        field = form.message if "message" in problem else form.decision
        field.errors = [problem[:1].upper() + problem[1:]]
        errors = error_list(form)
        return render_case_study(ref, errors=errors, review_form=form, status=REFUSED)
    return _done(acted)


@bp.post("/case-studies/<ref>/comments")
@requires(Permission.COMMENT)
def add_comment(ref: str) -> ResponseReturnValue:
    form = CommentForm()
    if not form.validate_on_submit():
        return render_case_study(ref, errors=error_list(form), comment_form=form, status=400)
    try:
        comment(workspace(), current_actor(), ref, form.body.data)
    except NotFound:
        abort(404)
    except PermissionDenied:
        abort(403)
    except WorkflowError as exc:
        problem = str(exc).removeprefix(f"{ref}: ")
        form.body.errors = [problem[:1].upper() + problem[1:]]
        return render_case_study(ref, errors=error_list(form), comment_form=form, status=400)
    flash("Your comment is added.", "success")
    return redirect(url_for("case_studies.show", ref=ref, _anchor="comments"))
