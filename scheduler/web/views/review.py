"""The decisions taken on a case study's page: approve it, reject it with a reason, queue it
to a month. Each is a POST (CSRF checked), allowed by role, done by one operation, then
sent back to the page (POST, redirect, GET); a refusal shows the page again with the reason
in the error summary.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, url_for
from flask.typing import ResponseReturnValue

from scheduler.errors import OperationFailed
from scheduler.operations.accounts.permissions import Permission, PermissionDenied
from scheduler.operations.content.approval import approve as approve_case_study
from scheduler.operations.content.approval import reject as reject_case_study
from scheduler.operations.months import parse_month
from scheduler.operations.showcase.planning import queue as queue_case_study
from scheduler.web.formatting import month_name
from scheduler.web.forms import ApproveForm, QueueForm, RejectForm, error_list
from scheduler.web.guards import current_actor, requires
from scheduler.web.state import workspace
from scheduler.web.views.case_studies import render_case_study
from scheduler.web.wording import months_in_words, sentence
from vignettes.errors import ApprovalError, NotFound, QueueError

bp = Blueprint("review", __name__)

# Refused by the rules (not by a mistake in the form): the page again, 409 Conflict.
REFUSED = 409


def _back(ref: str) -> ResponseReturnValue:
    return redirect(url_for("case_studies.show", ref=ref))


def _refusal(exc: Exception | str) -> str:
    """An operation's message as a sentence for the error summary (the CLI's option names
    mean nothing here)."""
    text = str(exc).replace("--reason", "The reason").replace("--by: ", "")
    return sentence(months_in_words(text))


@bp.post("/case-studies/<ref>/approve")
@requires(Permission.APPROVE)
def approve(ref: str) -> ResponseReturnValue:
    ApproveForm()  # the CSRF token was checked before the view
    try:
        outcome = approve_case_study(workspace(), current_actor(), ref)
    except NotFound:
        abort(404)
    except PermissionDenied:
        abort(403)
    except (ApprovalError, OperationFailed) as exc:
        errors = [{"text": _refusal(exc), "href": "#approve"}]
        return render_case_study(ref, errors=errors, status=REFUSED)
    message = f"{ref} is approved."
    if outcome.queued_month:
        message += f" It is queued for its requested month, {month_name(outcome.queued_month)}."
    if outcome.note:
        message += f" {_refusal(outcome.note)}."
    flash(message, "success")
    return _back(ref)


@bp.post("/case-studies/<ref>/reject")
@requires(Permission.APPROVE)
def reject(ref: str) -> ResponseReturnValue:
    form = RejectForm()
    if not form.validate_on_submit():
        return render_case_study(ref, errors=error_list(form), reject_form=form, status=400)
    try:
        outcome = reject_case_study(workspace(), current_actor(), ref, form.reason.data)
    except NotFound:
        abort(404)
    except PermissionDenied:
        abort(403)
    except ApprovalError as exc:
        form.reason.errors.append(_refusal(exc))
        return render_case_study(ref, errors=error_list(form), reject_form=form, status=REFUSED)
    note = f" It was {outcome.note}." if outcome.note else ""
    flash(f"{ref} is rejected.{note}", "success")
    return _back(ref)


@bp.post("/case-studies/<ref>/queue")
@requires(Permission.QUEUE)
def queue(ref: str) -> ResponseReturnValue:
    form = QueueForm()
    status = 400
    if form.validate_on_submit():
        try:
            queued = queue_case_study(
                workspace(), current_actor(), parse_month(form.month.data), ref
            )
        except ValueError:
            form.month.errors.append("Select a month from the list")
        except NotFound:
            abort(404)
        except PermissionDenied:
            abort(403)
        except (QueueError, OperationFailed) as exc:
            form.month.errors.append(_refusal(exc))
            status = REFUSED
        else:
            when = f"{queued.slot.local:%a %-d %b %Y at %H:%M}"
            flash(
                f"{ref} is queued for {month_name(queued.month)}: it goes out on {when}.", "success"
            )
            return _back(ref)
    return render_case_study(ref, errors=error_list(form), queue_form=form, status=status)
