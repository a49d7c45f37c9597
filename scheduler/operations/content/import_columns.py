"""The columns an import file may have, as people write them: the names a template uses
(each one matched to its field by the import's own rules, so a template always imports),
the other names each field is also read from, which are required, and the template itself
as CSV or XLSX.

Screens show a problem's field by its column name here when the file's own header is not
known (`column_name`).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from scheduler.operations.context import Workspace
from vignettes.content import LIMITS
from vignettes.importing.columns import ALIASES, REQUIRED, resolve_header
from vignettes.text import word_key

# The template's header for each field a person fills in, in the order of the form. The
# decision columns (status, approved by, approved on) are left out: an approval is given
# on the case study's page.
HEADERS: dict[str, str] = {
    "ref": "Reference",
    "title": "Title",
    "organisation": "Organisation",
    "library_service": "Library service",
    "region": "Region",
    "headline": "Card headline",
    "summary": "Summary",
    "background": "Background",
    "library_contribution": "How the library helped",
    "outcome": "Outcome",
    "impact_categories": "Impact categories",
    "time_saved_hours": "Time saved (hours)",
    "cost_saving_gbp": "Cost saving (£)",
    "quote_text": "Quote",
    "quote_attribution": "Quoted person",
    "quote_consent": "Consent to use quote",
    "link": "Link",
    "hashtags": "Hashtags",
    "showcase_month": "Month to showcase",
    "contains_patient_data": "Contains patient data",
}
# What each column holds, in a few words (limits are added from the import's own).
HOLDS: dict[str, str] = {
    "ref": "A unique reference: letters, digits, dots, dashes, underscores",
    "title": "The case study's title",
    "organisation": "The trust or organisation",
    "library_service": "The library service, as the directory names it",
    "region": "The NHS region",
    "headline": "Large on the card",
    "summary": "The vignette text, on the card and in the posts",
    "background": "The challenge or question",
    "library_contribution": "What the library did",
    "outcome": "What difference it made",
    "impact_categories": "Up to 5, separated by ; (the categories below)",
    "time_saved_hours": "A number from 0 to 100,000",
    "cost_saving_gbp": "A number of pounds from 0 to 1,000,000,000",
    "quote_text": "Used only with consent",
    "quote_attribution": "The quoted person's name and role",
    "quote_consent": "Yes or no; blank means no consent",
    "link": "An https:// address",
    "hashtags": "Up to 5, separated by ;",
    "showcase_month": "As year-month, for example 2027-03",
    "contains_patient_data": "Must be no (or blank)",
}


def column_name(field: str) -> str:
    """The column a field is written in (the template's name), or the field as it is."""
    return HEADERS.get(field, field)


@dataclass(frozen=True)
class ImportColumn:
    field: str
    name: str
    required: bool
    holds: str
    also: tuple[str, ...]  # other names the import reads it from


def import_columns(ws: Workspace) -> tuple[ImportColumn, ...]:
    """Every column a person fills in, with the other names it is read from (the built-in
    aliases and this installation's `[import.columns]`)."""
    local = ws.config.importing.columns.local
    columns = []
    for field, name in HEADERS.items():
        also = [a for a in ALIASES.get(field, ()) if word_key(a) != word_key(name)]
        also += [header for header, mapped in local.items() if mapped == field]
        limit = LIMITS.get(field)
        holds = HOLDS[field] + (f"; up to {limit:,} characters" if limit else "")
        columns.append(ImportColumn(field, name, field in REQUIRED, holds, tuple(also)))
    return tuple(columns)


def template_headers(ws: Workspace) -> list[str]:
    """The template's header row, each name checked to import as its field here: where a
    local `[import.columns]` name takes one over, the field's own name is used instead."""
    rules = ws.config.importing.columns
    names = list(HEADERS.values())
    mapped = resolve_header("template", names, rules).fields
    return [
        name if found == field else field
        for (field, name), found in zip(HEADERS.items(), mapped, strict=True)
    ]


def template_csv(ws: Workspace) -> bytes:
    """The template as CSV: UTF-8 with a byte order mark (so Excel reads £ right), one
    header row."""
    out = io.StringIO(newline="")
    csv.writer(out).writerow(template_headers(ws))
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def template_xlsx(ws: Workspace) -> bytes:
    """The template as XLSX: a `case_studies` sheet with the header row, a `Columns` sheet
    saying what each holds, and the impact categories a file may name."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "case_studies"
    sheet.append(template_headers(ws))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for index, name in enumerate(HEADERS.values(), start=1):
        sheet.column_dimensions[cell_letter(index)].width = max(14, len(name) + 4)
    sheet.freeze_panes = "A2"
    about = book.create_sheet("Columns")
    about.append(["Column", "Required", "What it holds", "Also read from"])
    for column in import_columns(ws):
        about.append(
            [column.name, "yes" if column.required else "", column.holds, "; ".join(column.also)]
        )
    categories = book.create_sheet("Impact categories")
    categories.append(["Category", "Code"])
    for category in ws.config.importing.vocabulary.categories:
        categories.append([category.label, category.code])
    for extra in (about, categories):
        for cell in extra[1]:
            cell.font = Font(bold=True)
        extra.column_dimensions["A"].width = 28
        extra.column_dimensions["C"].width = 60
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def cell_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(index))
