"""Import: upload a JSON, CSV or XLSX file (/import), see the dry run — what would change
and every problem and warning with its file row, ref and field (/import/<token>) — then
confirm, which imports the very bytes that were checked, all or nothing, exactly as
`vignettes import` does, and only if it still does what the dry run showed (else the new
outcome is shown to confirm instead). The upload is kept server-side until then
(`web.uploads`); a check that has expired says so."""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    make_response,
    redirect,
    render_template,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue

from scheduler.config.web import format_size
from scheduler.operations.accounts.permissions import Permission
from scheduler.operations.content.categories import categories
from scheduler.operations.content.import_columns import import_columns, template_csv, template_xlsx
from scheduler.operations.content.importing import import_case_studies, listing
from scheduler.web.formatting import spoken_duration
from scheduler.web.forms import ConfirmImportForm, ImportForm, error_list
from scheduler.web.guards import current_actor, requires
from scheduler.web.state import config, web_config, workspace
from scheduler.web.uploads import Pending, PendingImports, display_name, private_copy, suffix_of
from vignettes.errors import ImportRejected

bp = Blueprint("importing", __name__)

# The tokens of this browser session's uploads (most recent last, a few at most).
SESSION_KEY = "imports"
KEPT_PER_SESSION = 5


def _pending() -> PendingImports:
    return PendingImports(config().daemon.var_dir / "uploads", web_config().session_timeout)


def _run(
    path: Any, name: str, dry_run: bool, expect: str | None = None
) -> tuple[str, dict[str, Any], str]:
    """Import (or check) `path`: the stage reached ("changed" when `expect` no longer
    holds), what the page shows of it, and the fingerprint of its outcome."""
    try:
        report = import_case_studies(
            workspace(), current_actor(), path, dry_run=dry_run, source_name=name, expect=expect
        )
    except ImportRejected as exc:
        # Grouped and bounded: what is kept on disk and shown stays small whatever the
        # file (100,000 wrong rows once made a 60 MB dry run and a 290 MB page).
        return (
            "rejected",
            {
                "problems": listing(exc.issues).to_json(),
                "warnings": listing(exc.warnings).to_json(),
            },
            "",
        )
    stage = "changed" if report.stale else "checked" if dry_run else "imported"
    return stage, report.summary(), report.digest()


@bp.route("/import", methods=["GET", "POST"])
@requires(Permission.IMPORT)
def index() -> ResponseReturnValue:
    form = ImportForm()
    limit = web_config().upload_limit
    problem = None
    if form.validate_on_submit():
        upload = form.file.data
        name = display_name(upload.filename)
        data = upload.read(limit + 1)
        if len(data) > limit:
            abort(413)  # within the multipart slack, yet over the limit itself
        if not suffix_of(name):
            problem = "The selected file must be a JSON, CSV or XLSX file"
        elif not data:
            problem = "The selected file is empty"
        else:
            with private_copy(data, suffix_of(name)) as path:
                stage, result, digest = _run(path, name, dry_run=True)
            store = _pending()
            pending = store.keep(data, name, current_actor().name, workspace().now())
            pending.stage, pending.result, pending.digest = stage, result, digest
            store.save(pending)
            if stage != "checked":
                store.drop_data(pending)  # nothing to confirm: keep only the report
            tokens = [*session.get(SESSION_KEY, []), pending.token][-KEPT_PER_SESSION:]
            session[SESSION_KEY] = tokens
            return redirect(url_for("importing.result", token=pending.token))
    if problem:
        form.file.errors = [problem]
    errors = error_list(form)
    page = render_template(
        "importing/index.jinja",
        form=form,
        errors=errors,
        limit=format_size(limit),
        columns=import_columns(workspace()),
        vocabulary=categories(workspace()).categories,
    )
    return page, 400 if errors else 200


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.get("/import/template.<kind>")
@requires(Permission.IMPORT)
def template(kind: str) -> Response:
    """A file with the header row an import reads (CSV, or XLSX with what each column
    holds and the impact categories)."""
    if kind == "csv":
        body, mimetype = template_csv(workspace()), "text/csv"
    elif kind == "xlsx":
        body, mimetype = template_xlsx(workspace()), XLSX
    else:
        abort(404)
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="case-studies.{kind}"'
    return response


def _mine(token: str) -> Pending:
    """The upload `token` of this session and account: 404 for anything else, and the
    "this check has expired" page (410) for one of this session's that is gone."""
    if token not in session.get(SESSION_KEY, []):
        abort(404)
    pending = _pending().find(token, current_actor().name, workspace().now())
    if pending is None:
        page = render_template(
            "importing/expired.jinja", timeout=spoken_duration(web_config().session_timeout)
        )
        abort(make_response(page, 410))
    return pending


@bp.get("/import/<token>")
@requires(Permission.IMPORT)
def result(token: str) -> str:
    pending = _mine(token)
    return render_template(
        "importing/result.jinja",
        pending=pending,
        result=pending.result or {},
        form=ConfirmImportForm(formdata=None),
    )


@bp.post("/import/<token>/confirm")
@requires(Permission.IMPORT)
def confirm(token: str) -> ResponseReturnValue:
    pending = _mine(token)
    store = _pending()
    if pending.stage == "checked":
        with store.claimed_file(pending) as path:
            if path is not None:  # else a second click: the first one imports it
                # Re-checked as it is imported: if the outcome is no longer the one shown
                # (an approval it would now void, a ref added meanwhile), nothing is
                # written and the new outcome is shown to confirm instead.
                stage, result, digest = _run(
                    path, pending.name, dry_run=False, expect=pending.digest or None
                )
                pending.changed = stage == "changed"
                if pending.changed:
                    store.put_back(pending, path.read_bytes())
                    stage = "checked"
                pending.stage, pending.result, pending.digest = stage, result, digest
                store.save(pending)
    return redirect(url_for("importing.result", token=token))


@bp.post("/import/<token>/cancel")
@requires(Permission.IMPORT)
def cancel(token: str) -> ResponseReturnValue:
    _mine(token)
    _pending().remove(token)
    session[SESSION_KEY] = [t for t in session.get(SESSION_KEY, []) if t != token]
    return redirect(url_for("importing.index"))
