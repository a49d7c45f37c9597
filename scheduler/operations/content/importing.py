"""Importing case studies from JSON, CSV or XLSX: every row validated, then all or nothing.

A file's decisions (status approved, rejected or withdrawn, approved_by, approved_on) are
taken only from the machine's operator, on the command line, and recorded in the audit
trail under the operator's name (`--by`, else the login name). Through the console an
import never approves, rejects or withdraws anything: a signed-in person could otherwise
approve their own upload, or an editor withdraw an approved case study, bypassing the
approver (and four eyes). There those columns are reported as ignored.
"""

from __future__ import annotations

from pathlib import Path

from scheduler.operations.accounts.permissions import Permission, require
from scheduler.operations.actor import Actor
from scheduler.operations.context import Workspace
from scheduler.operations.pipeline.scope import service_policy
from vignettes.importing.files import SAMPLE_FILE, ImportReport, import_file
from vignettes.importing.issue_groups import DETAIL_LINES, Listing, listing
from vignettes.importing.issues import Issue

# The report's lines as interfaces show them: identical problems grouped, at most
# DETAIL_LINES of them (`vignettes.importing.issue_groups`).
__all__ = [
    "DETAIL_LINES",
    "SAMPLE_SOURCE",
    "ImportReport",
    "Issue",
    "Listing",
    "import_case_studies",
    "listing",
]

SAMPLE_SOURCE = "samples/case_studies.json"


def import_case_studies(
    ws: Workspace,
    actor: Actor,
    path: Path | None,
    *,
    dry_run: bool = False,
    source_name: str | None = None,
    expect: str | None = None,
) -> ImportReport:
    """Import `path` (None: the bundled sample case studies). With `dry_run`, report what
    would change and write nothing. The configuration's `[import]` says how columns are
    named and which impact categories exist. `source_name` is what problems and the audit
    trail call the file (an upload's own name rather than its temporary path). `expect`:
    the digest of the dry run being confirmed; if the import would now do anything else,
    nothing is written and the new report comes back `stale` (shown again). Raises
    PermissionDenied, ImportRejected listing every problem (nothing is written then
    either), or ImportInterrupted on Ctrl-C."""
    require(actor, Permission.IMPORT)
    operator = actor.via == "cli" and actor.role is None
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
        decisions=operator,
        expect=expect,
    )
