"""A realistic export of eleven approved case studies from another library network: headers
in plain English, categories as labels in mixed case, blank and yes/no consent, UK dates,
real and serial dates in Excel, and columns that are no field at all."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

HEADER = [
    "Case Study ID",
    "Title",
    "Organisation name",
    "Library service",
    "NHS Region",
    "Headline",
    "Summary",
    "How the library helped",
    "Impact category",
    "Time saved (hours)",
    "Cost saving (£)",
    "Quote",
    "Quote by",
    "Consent to publish quote",
    "Link",
    "Status",
    "Approved by",
    "Approval date",
    "Submitted by",
    "Notes",
]
TRUSTS = [
    ("Fenbridge University Hospitals NHS Trust", "Fenbridge Healthcare Library",
     "East of England"),
    ("Harrowgate Community Health NHS Trust", "Harrowgate Knowledge Service",
     "North East and Yorkshire"),
    ("Severn Vale Mental Health NHS Foundation Trust", "Severn Vale Library", "South West"),
    ("Calder Integrated Care Board", "Calder Knowledge and Evidence Team", "North West"),
]  # fmt: skip
HOURS = [12, None, 7.5, None, 30, None, 3, None, None, 15, 2]
POUNDS = [None, 12400, None, None, 8000, None, None, None, 950, None, 0]
QUOTE = "The library's summary settled the question in a week."
CATEGORIES = [
    "Better Patient Care; time saved",
    "PATIENT SAFETY AND RISK, Cost savings",
    "Education & CPD",
    "research\nInnovation",
    "Service Improvement",
    "risk management; Decision making",
    "",
    "policy and guidelines",
    "Commissioning",
    "Patient experience",
    "Saved time",
]
CONSENT: list[Any] = ["Yes", "no", "Y", "", "TRUE", "yes", "N", "y", "", "Yes", "1"]


def case_studies() -> list[dict[str, Any]]:
    """Eleven rows as the other network's spreadsheet holds them (dates as Excel has them)."""
    rows = []
    for i in range(11):
        org, library, region = TRUSTS[i % len(TRUSTS)]
        approved: Any = dt.datetime(2025, 1, 10 + i)  # a date cell
        if i % 3 == 1:
            approved = 45678 + i  # a day number in a General cell (45678 is 2025-01-21)
        elif i % 3 == 2:
            approved = f"{5 + i:02d}/02/2025"  # UK day/month/year typed as text
        rows.append(
            {
                "Case Study ID": f"NWL-2025-{i + 1:03d}",
                "Title": f"Evidence search {i + 1} for the {region} clinical network",
                "Organisation name": org,
                "Library service": library,
                "NHS Region": region,
                "Headline": f"Library evidence changed practice on ward {i + 1}",
                "Summary": "A clinical librarian found and summarised the evidence, and the team "
                "changed its protocol within a month.",
                "How the library helped": "Searched MEDLINE and CINAHL, appraised 14 studies.",
                "Impact category": CATEGORIES[i],
                "Time saved (hours)": HOURS[i],
                "Cost saving (£)": POUNDS[i],
                "Quote": QUOTE if i != 6 else None,
                "Quote by": f"Dr Ada Quinn {i + 1}, Consultant" if i != 6 else None,
                "Consent to publish quote": CONSENT[i] if i != 6 else None,
                "Link": f"https://library.network.nhs.example/impact/{i + 1}",
                "Status": "Approved",
                "Approved by": "Morag Ellis, Regional Impact Lead",
                "Approval date": approved,
                "Submitted by": f"librarian{i}@network.nhs.example",
                "Notes": "checked at regional panel" if i % 2 else None,
            }
        )  # fmt: skip
    return rows


def write_xlsx(path: Path, rows: list[dict[str, Any]] | None = None) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Impact case studies"
    sheet.append(HEADER)
    for row in rows or case_studies():
        sheet.append([row.get(h) for h in HEADER])
    for cell in sheet["R"][1:]:  # the approval dates as Excel shows them
        if isinstance(cell.value, dt.datetime):
            cell.number_format = "DD/MM/YYYY"
    book.create_sheet("Guidance").append(["Read me first", "Fill in one row per case study"])
    book.save(path)
    return path


def write_csv(path: Path, rows: list[dict[str, Any]] | None = None) -> Path:
    """The same export saved as CSV (UTF-8 with a byte order mark, as Excel writes it)."""

    def text(value: Any) -> str:
        if isinstance(value, dt.datetime):
            return f"{value:%d/%m/%Y}"
        if isinstance(value, int) and value > 40000:  # a day number: CSV has the date
            return f"{dt.date(1899, 12, 30) + dt.timedelta(days=value):%Y-%m-%d}"
        return "" if value is None else str(value)

    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADER)
        for row in rows or case_studies():
            writer.writerow([text(row.get(h)) for h in HEADER])
    return path
