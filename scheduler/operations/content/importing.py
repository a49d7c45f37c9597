"""Importing case studies from JSON, CSV or XLSX: every row validated, then all or nothing."""

from __future__ import annotations

from pathlib import Path

from scheduler.operations.accounts.permissions import Permission, require
from scheduler.operations.actor import Actor
from scheduler.operations.context import Workspace
from scheduler.operations.pipeline.scope import service_policy
from vignettes.importing.files import SAMPLE_FILE, ImportReport, import_file

__all__ = ["SAMPLE_SOURCE", "ImportReport", "import_case_studies"]

SAMPLE_SOURCE = "samples/case_studies.json"


def import_case_studies(
    ws: Workspace,
    actor: Actor,
    path: Path | None,
    *,
    dry_run: bool = False,
    source_name: str | None = None,
) -> ImportReport:
    """Import `path` (None: the bundled sample case studies). With `dry_run`, report what
    would change and write nothing. The configuration's `[import]` says how columns are
    named and which impact categories exist. `source_name` is what problems and the audit
    trail call the file (an upload's own name rather than its temporary path). Raises
    PermissionDenied, ImportRejected listing every problem (nothing is written then
    either), or ImportInterrupted on Ctrl-C."""
    require(actor, Permission.IMPORT)
    if path is None:
        source_name = SAMPLE_SOURCE
    return import_file(
        ws.store,
        SAMPLE_FILE if path is None else path,
        now=ws.now(),
        actor=actor.name,
        schedule=ws.config.schedule,
        rules=ws.config.importing,
        dry_run=dry_run,
        source_name=source_name,
        via=actor.via,
        services=service_policy(actor),
    )
