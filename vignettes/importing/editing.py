"""Adding or editing one case study from a form: validated and written exactly as a one-row
import file would be (`vignettes.importing.validation`, then `vignettes.importing.upsert`), so
limits, character rules, lookalike refs, categories and consent behave identically, and an edit of
approved content voids the approval exactly as a re-import does.

What differs from a file is only what a form means: adding refuses a ref that already
exists (a file would update it), editing keeps the ref (a case study is never renamed), and
an edit can say which version it was made from, so two people editing at once cannot
silently overwrite each other.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select

from vignettes.errors import ImportRejected, NotFound
from vignettes.importing.cells import is_blank, scalar_text
from vignettes.importing.issues import Issue, display
from vignettes.importing.report import ImportReport
from vignettes.importing.services import ANY_SERVICE, ServicePolicy
from vignettes.importing.tables import SourceRows
from vignettes.importing.upsert import upsert
from vignettes.importing.validation import DefaultRules, ImportRules, Validated, validate_rows
from vignettes.planning.slots import ScheduleRule
from vignettes.refs import normalise_ref
from vignettes.store.models import CaseStudy
from vignettes.store.queries import Store

# What problems and the audit trail name as the source of a form's row.
FORM_SOURCE = "form"
FORM_ROW = 1


def _refused(ref: str, field: str, reason: str) -> ImportRejected:
    return ImportRejected(FORM_SOURCE, [Issue(FORM_SOURCE, FORM_ROW, ref, field, reason)])


def check_record(
    record: Mapping[str, Any],
    *,
    ref: str | None,
    now: dt.datetime,
    rules: ImportRules | None = None,
) -> Validated:
    """Validate a form's `record` exactly as `save_record` would, and write nothing: what
    a preview of unsaved content shows. Raises ImportRejected (every problem naming its
    field)."""
    raw = dict(record)
    if ref is not None:
        raw["ref"] = ref
    validated = validate_rows(
        FORM_SOURCE, SourceRows([(FORM_ROW, raw)]), now, rules or DefaultRules()
    )
    validated.raise_problems(FORM_SOURCE)
    return validated


def save_record(
    store: Store,
    record: Mapping[str, Any],
    *,
    ref: str | None,
    now: dt.datetime,
    actor: str,
    schedule: ScheduleRule,
    rules: ImportRules | None = None,
    via: str = "",
    expected_hash: str | None = None,
    services: ServicePolicy = ANY_SERVICE,
    draft: bool = False,
) -> ImportReport:
    """Add a case study (`ref` None: the record's ref must be new) or edit `ref` (the
    record's ref, if given, must be the same). `record` holds import fields by name, as a
    file row would (text, or lists for impact_categories and hashtags). `expected_hash` is
    the content hash the person started from: a case study changed meanwhile is refused.

    Raises ImportRejected (every problem an Issue naming its field; nothing written), or
    NotFound when there is no case study `ref` to edit."""
    raw = dict(record)
    if ref is not None:
        given = raw.get("ref")
        if not is_blank(given) and normalise_ref(scalar_text(given) or "") != ref:
            reason = f"cannot change (it is {display(ref)}): add a new case study instead"
            raise _refused(ref, "ref", reason)
        raw["ref"] = ref
    with store.write() as session:
        if ref is not None:
            stored = session.scalar(select(CaseStudy.content_hash).where(CaseStudy.ref == ref))
            if stored is None:
                raise NotFound("case study", ref)
            if expected_hash and stored != expected_hash:
                raise _refused(
                    ref,
                    "",
                    "was changed by someone else after you opened it; open it again to see "
                    "their change, then make yours",
                )
        validated = validate_rows(
            FORM_SOURCE, SourceRows([(FORM_ROW, raw)]), now, rules or DefaultRules()
        )
        validated.raise_problems(FORM_SOURCE)
        row = validated.rows[0]
        new_ref = row.content.ref
        if ref is None and session.scalar(select(CaseStudy.id).where(CaseStudy.ref == new_ref)):
            raise _refused(new_ref, "ref", f"{display(new_ref)} already exists: edit it instead")
        report = ImportReport(FORM_SOURCE, False, 1, warnings=validated.warnings)
        upsert(session, [row], report, now=now, actor=actor, schedule=schedule, via=via, edit=True,
               services=services, draft=draft)  # fmt: skip
    return report
