"""Library services (admins): the directory every case study and account belongs to. Add a
service with its region and the organisations it serves, and change those later; a
service is never renamed or removed (case studies and accounts refer to it). The rules are
the operations' (`scheduler.operations.pipeline.services`, also `vignettes services`)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue

from scheduler.operations.accounts.permissions import Permission
from scheduler.operations.pipeline.services import (
    ServiceError,
    ServiceRow,
    add_service,
    list_services,
    update_service,
)
from scheduler.web.forms import error_list
from scheduler.web.guards import current_actor, requires
from scheduler.web.pipeline_forms import ServiceForm
from scheduler.web.state import workspace

bp = Blueprint("services", __name__)


@bp.get("/services")
@requires(Permission.MANAGE_SERVICES)
def index() -> str:
    return render_template(
        "services/index.jinja", services=list_services(workspace(), current_actor())
    )


def _problem(form: ServiceForm, exc: ServiceError) -> None:
    """The operation's message beside the field it is about."""
    text = str(exc)
    field = form.name
    if text.startswith("the region"):
        field = form.region
    elif text.startswith("an organisation"):
        field = form.organisations
    field.errors = [*field.errors, text[:1].upper() + text[1:]]


def _page(form: ServiceForm, service: ServiceRow | None, status: int = 200) -> tuple[str, int]:
    page = render_template(
        "services/form.jinja", form=form, service=service, errors=error_list(form)
    )
    return page, status


@bp.route("/services/new", methods=["GET", "POST"])
@requires(Permission.MANAGE_SERVICES)
def new() -> ResponseReturnValue:
    form = ServiceForm()
    if not form.is_submitted():
        return _page(ServiceForm(formdata=None), None)
    if not form.validate():
        abort(400)
    try:
        added = add_service(workspace(), current_actor(), form.name.data or "",
                            region=form.region.data or "",
                            organisations=form.organisation_list())  # fmt: skip
    except ServiceError as exc:
        _problem(form, exc)
        return _page(form, None, 400)
    flash(f"{added.name} is in the directory.", "success")
    return redirect(url_for("services.index"))


def _find(service_id: int) -> ServiceRow:
    for service in list_services(workspace(), current_actor()):
        if service.id == service_id:
            return service
    abort(404)


@bp.route("/services/<int:service_id>", methods=["GET", "POST"])
@requires(Permission.MANAGE_SERVICES)
def edit(service_id: int) -> ResponseReturnValue:
    service = _find(service_id)
    form = ServiceForm()
    if not form.is_submitted():
        data = {"region": service.region, "organisations": "\n".join(service.organisations)}
        return _page(ServiceForm(formdata=None, data=data), service)
    if not form.validate():
        abort(400)
    try:
        changed = update_service(workspace(), current_actor(), service.name,
                                 region=form.region.data or "",
                                 organisations=form.organisation_list())  # fmt: skip
    except ServiceError as exc:
        _problem(form, exc)
        return _page(form, service, 400)
    flash(f"{changed.name} is changed.", "success")
    return redirect(url_for("services.index"))
