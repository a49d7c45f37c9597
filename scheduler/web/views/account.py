"""Your account (/account): what the console knows of you (role, email address, library
services), which emails it sends you, and, for a peer reviewer, how new submissions reach
you: an email each, or one daily digest at 08:00. Every role may reach it, library staff
included; it shows and changes only the signed-in person's own account."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue

from scheduler.errors import SchedulerError
from scheduler.operations.accounts.permissions import Permission
from scheduler.operations.accounts.users import own_account, set_submission_emails
from scheduler.web.formatting import problem_text
from scheduler.web.forms import error_list
from scheduler.web.guards import current_actor, requires
from scheduler.web.pipeline_forms import SubmissionEmailsForm
from scheduler.web.state import web_config, workspace

bp = Blueprint("account", __name__)

# Which emails each role gets (`vignettes.notices`), as the page says it.
EMAILS = {
    "contributor": "When a reviewer asks for changes to, accepts, escalates or rejects one of "
    "your library services' case studies, and when one is showcased (with its posts).",
    "reviewer": "When a case study of another library service is submitted for review.",
    "approver": "When a case study is escalated and waits for your approval.",
}
# Who chooses how new submissions reach them.
CHOOSES = frozenset({"reviewer"})


def _page(form: SubmissionEmailsForm, status: int = 200) -> tuple[str, int]:
    me = own_account(workspace(), current_actor())
    if not form.is_submitted():
        form.choice.data = me.submission_emails
    page = render_template(
        "account/index.jinja",
        me=me,
        emails=EMAILS.get(me.role, ""),
        chooses=me.role in CHOOSES,
        form=form,
        errors=error_list(form),
        password_sign_in=web_config().password_sign_in,
    )
    return page, status


@bp.route("/account", methods=["GET", "POST"])
@requires(Permission.BROWSE)
def index() -> ResponseReturnValue:
    form = SubmissionEmailsForm()
    if not form.is_submitted():
        return _page(SubmissionEmailsForm(formdata=None))
    if not form.validate():
        return _page(form, 400)
    try:
        set_submission_emails(workspace(), current_actor(), form.choice.data)
    except SchedulerError as exc:
        form.choice.errors.append(problem_text(exc))
        return _page(form, 400)
    when = "once a day, at 08:00" if form.choice.data == "daily" else "as each is submitted"
    flash(f"New submissions now reach you {when}.", "success")
    return redirect(url_for("account.index"))
