"""A library service's evidence pack for a year, as an XLSX workbook (openpyxl): its case
studies and their review outcome, the attributable quotes with their consent records, the
vignettes showcased with their post links and engagement, and the totals. What a service
shows for the Quality and Improvement Outcomes Framework (Outcome 6).

`vignettes evidence --service NAME --year Y --out FILE.xlsx`, and a download on the
console's impact screen, for the people `visibility.may_download_evidence` allows.
"""

from __future__ import annotations

import difflib
import io
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from scheduler.errors import OperationFailed
from scheduler.files import write_atomic
from scheduler.operations.accounts.permissions import Permission, PermissionDenied
from scheduler.operations.actor import Actor
from scheduler.operations.context import Workspace
from scheduler.operations.impact.visibility import may_download_evidence, public_rule
from vignettes.reporting.evidence import Evidence, evidence, library_services

__all__ = ["EvidencePack", "evidence_pack", "known_services", "write_evidence_pack"]

SHEETS = ("Summary", "Case studies", "Quotes", "Vignettes")
CASE_COLUMNS = (
    "Ref",
    "Title",
    "Organisation",
    "Submitted",
    "Status",
    "In the national listing",
    "Review outcome",
    "Decided by",
    "Decided on",
    "Reason",
    "Impact categories",
    "Hours saved",
    "Pounds saved",
)
POST_COLUMNS = ("Month", "Ref", "Title", "Platform", "Post", "Posted")
DECISIONS = {"approved": "Accepted", "rejected": "Rejected", "voided": "Acceptance voided"}


class EvidencePack:
    """The workbook's bytes and what it holds (for the command's message)."""

    def __init__(self, data: Evidence, workbook: bytes) -> None:
        self.data = data
        self.workbook = workbook

    @property
    def filename(self) -> str:
        safe = "".join(c if c.isalnum() else "-" for c in self.data.service).strip("-")
        return f"evidence-{safe[:60] or 'service'}-{self.data.year}.xlsx"


def known_services(ws: Workspace, actor: Actor) -> list[str]:
    """The directory's library services whose evidence pack `actor` may take, by name."""
    with ws.store.read() as session:
        return [name for i, name in library_services(session) if may_download_evidence(actor, i)]


def evidence_pack(ws: Workspace, actor: Actor, service: str, year: int) -> EvidencePack:
    """`service`'s evidence pack for `year`. Raises PermissionDenied, or OperationFailed
    naming the library services there are (and the closest) for one that is not known."""
    if not 2000 <= year <= 2100:
        raise OperationFailed(f"year {year} is not between 2000 and 2100")
    with ws.store.read() as session:
        services = dict((name, i) for i, name in library_services(session))
    if service not in services:
        close = difflib.get_close_matches(service, list(services), n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        listed = ", ".join(list(services)[:10]) + (" …" if len(services) > 10 else "")
        raise OperationFailed(
            f"no library service in the directory is called {service!r}{hint} "
            f"(known: {listed or 'none yet'})"
        )
    if not may_download_evidence(actor, services[service]):
        raise PermissionDenied(actor, Permission.EVIDENCE_PACK)
    with ws.store.read() as session:
        data = evidence(session, public_rule(), services[service], service, year)
    return EvidencePack(data, _workbook(ws, data))


def write_evidence_pack(
    ws: Workspace, actor: Actor, service: str, year: int, out: Path
) -> EvidencePack:
    """`evidence_pack`, written to `out` (replaced whole, or left as it was). Raises what
    `evidence_pack` raises, and OperationFailed for a path that is not a writable .xlsx
    file in a folder that exists (checked before any work)."""
    if out.suffix.lower() != ".xlsx":
        raise OperationFailed(f"--out {out}: the evidence pack is a workbook: name a .xlsx file")
    if not out.parent.is_dir():
        raise OperationFailed(f"--out {out}: no such folder {out.parent}")
    pack = evidence_pack(ws, actor, service, year)
    try:
        write_atomic(out, pack.workbook)
    except OSError as exc:
        raise OperationFailed(f"--out {out}: cannot write it: {exc.strerror or exc}") from exc
    return pack


def _workbook(ws: Workspace, data: Evidence) -> bytes:
    labels = ws.config.importing.vocabulary
    book = Workbook()
    summary = book.active
    assert summary is not None
    summary.title = SHEETS[0]
    listed = [c for c in data.cases if c.listed]
    hours = [c.time_saved_hours for c in listed if c.time_saved_hours is not None]
    pounds = [c.cost_saving_gbp for c in listed if c.cost_saving_gbp is not None]
    _rows(
        summary,
        ("Figure", "Value"),
        [
            ("Library service", data.service),
            ("Year submitted", data.year),
            ("Case studies submitted", len(data.cases)),
            ("Accepted into the national listing", len(listed)),
            ("Showcased as vignettes", len({p.ref for p in data.posts})),
            ("Hours saved (accepted case studies)", sum(hours) if hours else None),
            ("Accepted case studies reporting hours", len(hours)),
            ("Pounds saved (accepted case studies)", sum(pounds) if pounds else None),
            ("Accepted case studies reporting pounds", len(pounds)),
            ("Attributable quotes (with consent)", sum(1 for q in data.quotes if q.consent)),
            ("Generated", ws.now().strftime("%Y-%m-%d %H:%M UTC")),
        ],
    )
    _rows(
        book.create_sheet(SHEETS[1]),
        CASE_COLUMNS,
        [
            (
                c.ref,
                c.title,
                c.organisation,
                c.submitted_at.strftime("%Y-%m-%d"),
                c.status,
                "yes" if c.listed else "no",
                DECISIONS.get(c.reviews[-1].decision, c.reviews[-1].decision) if c.reviews else "",
                c.reviews[-1].by if c.reviews else "",
                c.reviews[-1].at.strftime("%Y-%m-%d") if c.reviews else "",
                c.reviews[-1].reason if c.reviews else "",
                "; ".join(labels.labels(c.impact_categories)),
                c.time_saved_hours,
                c.cost_saving_gbp,
            )
            for c in data.cases
        ],
    )
    _rows(
        book.create_sheet(SHEETS[2]),
        ("Ref", "Quote", "Attributed to", "Consent now", "Consent record"),
        [
            (
                q.ref,
                q.quote_text,
                q.quote_attribution,
                "yes" if q.consent else "no: not to be used",
                "\n".join(
                    f"{e.at:%Y-%m-%d %H:%M} {e.action} by {e.by} ({e.via or 'not recorded'})"
                    f"{': consent ' + e.consent if e.consent else ''}"
                    f"{' from ' + e.source if e.source else ''}"
                    for e in q.record
                ),
            )
            for q in data.quotes
        ],
    )
    figures = [name for name, _ in data.posts[0].figures] if data.posts else []
    _rows(
        book.create_sheet(SHEETS[3]),
        (*POST_COLUMNS, *(f.replace("_", " ").capitalize() for f in figures)),
        [
            (
                p.month,
                p.ref,
                p.title,
                p.platform,
                p.url,
                p.posted_at.strftime("%Y-%m-%d %H:%M") if p.posted_at else "",
                *(value for _, value in p.figures),
            )
            for p in data.posts
        ],
    )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _rows(sheet: Worksheet, header: tuple[str, ...], rows: Iterable[tuple[Any, ...]]) -> None:
    """A header in bold, then the rows. Text is always stored as text: a title that starts
    with `=` must never become a formula in someone's spreadsheet."""
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str) and cell.data_type == "f":
                cell.data_type = "s"
    sheet.freeze_panes = "A2"
