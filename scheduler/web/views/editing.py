"""Add a case study (/new-case-study: under /case-studies/ it could be taken for a case
study whose ref is "new") or edit one (/case-studies/<ref>/edit) in a form with
every import field. The operation validates and writes it exactly as an import; each
problem it names is shown beside its field and in the error summary. Saving changed
approved content voids the approval, and the page says so.

"Preview" (the form's second button, `action=preview`) renders the cards and post texts
of the fields as they are, unsaved, above the form with every warning the case study's
page shows: a POST that saves nothing."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue

from scheduler.operations.accounts.permissions import Permission, allows
from scheduler.operations.content.case_studies import case_study
from scheduler.operations.content.categories import categories
from scheduler.operations.content.drafts import Draft, preview_draft
from scheduler.operations.content.editing import (
    LIMITS,
    Saved,
    add_case_study,
    edit_case_study,
    fields_of,
)
from scheduler.web.auth import signed_in
from scheduler.web.case_form import BY_NAME, Field, fields_for, record_from, show_problems
from scheduler.web.formatting import month_name
from scheduler.web.forms import CaseStudyForm
from scheduler.web.guards import current_actor, requires
from scheduler.web.state import config, workspace
from scheduler.web.views.case_studies import DRAFT_CARDS
from scheduler.web.wording import months_in_words, sentence
from vignettes.errors import ImportRejected, NotFound

bp = Blueprint("editing", __name__)

# The value of the form's "Preview" button (`action`): render, save nothing.
PREVIEW = "preview"
# Previews whose card addresses the session remembers (see `case_studies.card`).
KEPT_DRAFTS = 5


def _with_review() -> bool:
    """Whether the add form offers to record an approval made elsewhere: only to an
    approver, and never with four eyes (they would be approving what they add)."""
    account = signed_in()
    allowed = account is not None and allows(account.role, Permission.APPROVE)
    return allowed and not config().web.four_eyes


def _page(
    form: CaseStudyForm,
    fields: tuple[Field, ...],
    *,
    ref: str | None,
    approved: bool = False,
    errors: list[dict[str, str]] | None = None,
    status: int = 200,
    draft: Draft | None = None,
) -> tuple[str, int]:
    vocabulary = categories(workspace()).categories
    form.impact_categories.choices = [(c.code, c.label) for c in vocabulary]
    page = render_template(
        "case_studies/form.jinja",
        form=form,
        fields=fields,
        ref=ref,
        approved=approved,
        errors=errors or [],
        limits=LIMITS,
        draft=draft,
        draft_warnings=[_warning_text(w) for w in draft.warnings] if draft else [],
    )
    return page, status


def _warning_text(warning: Any) -> str:
    spec = BY_NAME.get(warning.field)
    return f"{spec.label} {warning.reason}" if spec else sentence(warning.reason)


def _preview(
    form: CaseStudyForm, fields: tuple[Field, ...], *, ref: str | None, approved: bool = False
) -> tuple[str, int]:
    """The form again, with what its fields would give above it; nothing is saved."""
    try:
        draft = preview_draft(workspace(), current_actor(), record_from(form, fields), ref=ref)
    except ImportRejected as exc:
        errors = show_problems(form, exc.issues, fields)
        return _page(form, fields, ref=ref, approved=approved, errors=errors, status=400)
    # The card address of what this person typed, for the card view's scope check.
    keys = [*session.get(DRAFT_CARDS, []), draft.cards.key]
    session[DRAFT_CARDS] = keys[-KEPT_DRAFTS:]
    return _page(form, fields, ref=ref, approved=approved, draft=draft)


def _saved_message(saved: Saved) -> str:
    if saved.created:
        message = f"{saved.ref} is added. It awaits approval."
    elif not saved.changed:
        return "There were no changes to save."
    else:
        message = f"Your changes to {saved.ref} are saved."
    if saved.approval_voided:
        message += " Its approval was voided: the content changed, so it needs approving again."
    if saved.queued_month:
        message += f" It is queued for {month_name(saved.queued_month)}."
    return " ".join([message, *(sentence(months_in_words(note)) for note in saved.notes)])


def _flash(saved: Saved) -> None:
    flash(_saved_message(saved), "success")
    for warning in saved.warnings:
        flash(_warning_text(warning), "information")


@bp.route("/new-case-study", methods=["GET", "POST"])
@requires(Permission.ADD)
def new() -> ResponseReturnValue:
    fields = fields_for(adding=True, with_review=_with_review())
    form = CaseStudyForm()
    if not form.is_submitted():
        return _page(CaseStudyForm(formdata=None, data={"status": "submitted"}), fields, ref=None)
    if not form.validate():
        abort(400)
    if request.form.get("action") == PREVIEW:
        return _preview(form, fields, ref=None)
    try:
        saved = add_case_study(workspace(), current_actor(), record_from(form, fields))
    except ImportRejected as exc:
        errors = show_problems(form, exc.issues, fields)
        return _page(form, fields, ref=None, errors=errors, status=400)
    _flash(saved)
    return redirect(url_for("case_studies.show", ref=saved.ref))


@bp.route("/case-studies/<ref>/edit", methods=["GET", "POST"])
@requires(Permission.EDIT)
def edit(ref: str) -> ResponseReturnValue:
    ws = workspace()
    fields = fields_for(adding=False, with_review=False)
    try:
        detail = case_study(ws, ref, current_actor())
    except NotFound:
        abort(404)
    form = CaseStudyForm()
    if not form.is_submitted():
        data: dict[str, Any] = fields_of(detail.content, detail.requested_month)
        loaded = CaseStudyForm(formdata=None, data={**data, "loaded_hash": detail.content_hash})
        return _page(loaded, fields, ref=detail.ref, approved=detail.approval_current)
    if not form.validate():
        abort(400)
    if request.form.get("action") == PREVIEW:
        return _preview(form, fields, ref=detail.ref, approved=detail.approval_current)
    try:
        saved = edit_case_study(
            ws,
            current_actor(),
            detail.ref,
            record_from(form, fields),
            expected_hash=form.loaded_hash.data or None,
        )
    except NotFound:
        abort(404)
    except ImportRejected as exc:
        errors = show_problems(form, exc.issues, fields)
        approved = detail.approval_current
        return _page(form, fields, ref=detail.ref, approved=approved, errors=errors, status=400)
    _flash(saved)
    return redirect(url_for("case_studies.show", ref=detail.ref))
