"""Previewing a case study while it is written: the cards, post texts and alt texts that
the add or edit form's unsaved fields would give, with every warning the case study's page
shows, and nothing saved.

The fields go through the import's own validation (`vignettes.importing.editing.check_record`),
so a preview shows exactly what saving would store, or the same problems saving would name.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from scheduler.operations.accounts.permissions import Permission, require
from scheduler.operations.actor import Actor
from scheduler.operations.content.cards import VignetteCards, content_cards
from scheduler.operations.content.case_studies import case_study
from scheduler.operations.context import Workspace
from scheduler.operations.showcase.planning import planned_months
from vignettes.content import QUOTE_WITHHELD
from vignettes.importing.editing import check_record
from vignettes.importing.issues import Issue
from vignettes.planning.slots import Month


@dataclass(frozen=True)
class Draft:
    """What the unsaved fields would give: the cards and posts (as the case study's page
    shows them, or why they could not be posted), the month they are rendered for, the
    import's warnings, and whether the quote is withheld."""

    cards: VignetteCards
    month: Month | None
    warnings: tuple[Issue, ...]
    quote_note: str | None


def preview_draft(
    ws: Workspace, actor: Actor, fields: Mapping[str, Any], *, ref: str | None = None
) -> Draft:
    """Render what `fields` (the form's, as for `add_case_study`; `ref` when editing) would
    give, writing nothing to the database. The month is the case study's own (its slot, or
    auto-pick's choice), else the month the form asks for. Raises PermissionDenied, NotFound,
    or ImportRejected whose issues each name the field at fault."""
    require(actor, Permission.PREVIEW)
    checked = check_record(fields, ref=ref, now=ws.now(), rules=ws.config.importing)
    row = checked.rows[0]
    month = row.showcase_month
    if ref is not None:
        slot = case_study(ws, ref).month
        planned = planned_months(ws).get(ref)
        month = Month.parse(slot) if slot else planned.month if planned else month
    return Draft(
        cards=content_cards(ws, row.content, month),
        month=month,
        warnings=tuple(checked.warnings),
        quote_note=QUOTE_WITHHELD if row.content.quote_withheld else None,
    )
