"""Import case studies from JSON, CSV or XLSX: validate every row, then write all or nothing.

Every problem is reported as `FILE:ROW ref field: reason` (ROW is the spreadsheet row, the
header being row 1; for JSON the item number). Text is stored as plain text: it is never
interpreted as HTML here, and renderers escape it.

File-supplied workflow fields (`status`, `approved_by`, `approved_on`) take effect only when
a ref is new. For a ref already in the store, approval is managed with `approve`/`reject`,
and a content change voids any approval (invariant 1).
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import io
import json
import math
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy.orm import Session

from vignettes.approval import record_approval, void_approval
from vignettes.content import (
    IMPACT_CATEGORIES,
    LIMITS,
    MAX_HASHTAG_LENGTH,
    MAX_HASHTAGS,
    MAX_IMPACT_CATEGORIES,
    CaseStudyContent,
)
from vignettes.errors import ImportRejected, QueueError
from vignettes.models import CaseStudy
from vignettes.slots import Month, ScheduleRule, current_month
from vignettes.store import Store, audit, case_studies_by_ref

REQUIRED = ("ref", "title", "organisation", "headline", "summary")
SINGLE_LINE = (
    "ref",
    "title",
    "organisation",
    "library_service",
    "region",
    "headline",
    "quote_attribution",
    "link",
)
MULTI_LINE = ("summary", "background", "library_contribution", "outcome", "quote_text")
TEXT_FIELDS = SINGLE_LINE + MULTI_LINE
KNOWN_FIELDS = (
    *TEXT_FIELDS,
    "impact_categories",
    "hashtags",
    "time_saved_hours",
    "cost_saving_gbp",
    "quote_consent",
    "status",
    "approved_by",
    "approved_on",
    "showcase_month",
    "contains_patient_data",
)
NUMBER_LIMITS = {"time_saved_hours": 100_000.0, "cost_saving_gbp": 1_000_000_000.0}
MAX_FILE_BYTES = 50 * 1024 * 1024
_TRUE = {"true", "yes", "y", "1"}
_FALSE = {"false", "no", "n", "0"}


@dataclass(frozen=True)
class ImportRow:
    row: int
    content: CaseStudyContent
    status: str = "submitted"
    approved_by: str = ""
    approved_on: dt.datetime | None = None
    showcase_month: Month | None = None


@dataclass
class ImportReport:
    source: str
    dry_run: bool
    rows: int = 0
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    approvals_voided: list[str] = field(default_factory=list)
    queued: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "dry_run": self.dry_run,
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "approvals_voided": self.approvals_voided,
            "queued": self.queued,
            "notes": self.notes,
        }


class _RowProblems:
    def __init__(self, source: str, row: int, ref: str) -> None:
        self.prefix = f"{source}:{row} {ref or '-'}"
        self.items: list[str] = []

    def add(self, field_name: str, reason: str) -> None:
        self.items.append(f"{self.prefix} {field_name}: {reason}")


# ---- reading files -------------------------------------------------------------------


def read_rows(path: Path) -> list[tuple[int, dict[str, Any]]]:
    """(row number, raw mapping) for each record; raises ImportRejected if unreadable."""
    source = str(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ImportRejected(source, [f"{source}: cannot read: {exc.strerror}"]) from exc
    if size > MAX_FILE_BYTES:
        raise ImportRejected(source, [f"{source}: file is {size} bytes, the limit is 50 MB"])
    suffix = path.suffix.lower()
    if suffix == ".json":
        return _read_json(path)
    if suffix == ".csv":
        return _read_csv(path)
    if suffix == ".xlsx":
        return _read_xlsx(path)
    raise ImportRejected(
        source, [f"{source}: unknown format {suffix or '(none)'!r}; use .json, .csv or .xlsx"]
    )


def _read_json(path: Path) -> list[tuple[int, dict[str, Any]]]:
    source = str(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise ImportRejected(source, [f"{source}: not UTF-8 text ({exc.reason})"]) from exc
    except json.JSONDecodeError as exc:
        raise ImportRejected(
            source, [f"{source}:{exc.lineno} not valid JSON: {exc.msg} (column {exc.colno})"]
        ) from exc
    if isinstance(data, dict) and "case_studies" in data:
        data = data["case_studies"]
    if not isinstance(data, list):
        raise ImportRejected(
            source, [f'{source}: expected a list of case studies or {{"case_studies": [...]}}']
        )
    rows = []
    problems = []
    for index, item in enumerate(data, start=1):
        if not isinstance(item, dict):
            problems.append(
                f"{source}:{index} - row: expected an object, got {type(item).__name__}"
            )
            continue
        rows.append((index, item))
    if problems:
        raise ImportRejected(source, problems)
    return rows


def _read_csv(path: Path) -> list[tuple[int, dict[str, Any]]]:
    source = str(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportRejected(
            source, [f"{source}: not UTF-8 text (byte {exc.start}); save the CSV as UTF-8"]
        ) from exc
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise ImportRejected(source, [f"{source}: the file is empty"]) from None
    rows: list[tuple[int, dict[str, Any]]] = []
    problems = []
    for number, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(cells) > len(header):
            problems.append(
                f"{source}:{number} - row: {len(cells)} cells but the header has {len(header)}"
            )
            continue
        rows.append((number, {h: c for h, c in zip(header, cells, strict=False) if h}))
    if problems:
        raise ImportRejected(source, problems)
    return rows


def _read_xlsx(path: Path) -> list[tuple[int, dict[str, Any]]]:
    from openpyxl import load_workbook

    source = str(path)
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise ImportRejected(source, [f"{source}: not a readable .xlsx workbook ({exc})"]) from exc
    try:
        sheet = book["case_studies"] if "case_studies" in book.sheetnames else book.worksheets[0]
        values: Iterator[tuple[Any, ...]] = sheet.iter_rows(values_only=True)
        header_row = next(values, None)
        if header_row is None:
            raise ImportRejected(source, [f"{source}: the first sheet is empty"])
        header = [str(h).strip() if h is not None else "" for h in header_row]
        rows = []
        for number, cells in enumerate(values, start=2):
            if all(c is None or (isinstance(c, str) and not c.strip()) for c in cells):
                continue
            rows.append((number, {h: c for h, c in zip(header, cells, strict=False) if h}))
        return rows
    finally:
        book.close()


# ---- validating rows -----------------------------------------------------------------


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value: Any, name: str, p: _RowProblems) -> str:
    if _is_blank(value):
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        p.add(name, f"must be text, got {type(value).__name__}")
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = unicodedata.normalize("NFC", str(value).replace("\r\n", "\n").strip())
    allowed = "\n\t" if name in MULTI_LINE else ""
    bad = next((c for c in text if unicodedata.category(c) == "Cc" and c not in allowed), None)
    if bad is not None:
        what = "a line break" if bad in "\n\r" else f"control character U+{ord(bad):04X}"
        p.add(name, f"contains {what}")
    limit = LIMITS.get(name)
    if limit is not None and len(text) > limit:
        p.add(name, f"is {len(text)} characters, the limit is {limit}")
    return text


def _list(value: Any, name: str, p: _RowProblems) -> list[str]:
    if _is_blank(value):
        return []
    if isinstance(value, str):
        return [part.strip() for part in value.split(";") if part.strip()]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return [v.strip() for v in value if v.strip()]
    p.add(name, "must be a list of text (or text separated by ';')")
    return []


def _bool(value: Any, name: str, p: _RowProblems) -> bool | None:
    if _is_blank(value):
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
        return value.strip().lower() in _TRUE
    p.add(name, f"must be true or false, got {value!r}")
    return None


def _number(value: Any, name: str, p: _RowProblems) -> float | None:
    if _is_blank(value):
        return None
    number: float | None = None
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            number = None
    if number is None or not math.isfinite(number):
        p.add(name, f"must be a number, got {value!r}")
        return None
    if not 0 <= number <= NUMBER_LIMITS[name]:
        p.add(name, f"must be between 0 and {NUMBER_LIMITS[name]:,.0f}, got {number:g}")
        return None
    return number


def _date(value: Any, name: str, p: _RowProblems, now: dt.datetime) -> dt.datetime | None:
    if _is_blank(value):
        return None
    day: dt.date | None = None
    if isinstance(value, dt.datetime):
        day = value.date()
    elif isinstance(value, dt.date):
        day = value
    elif isinstance(value, str):
        try:
            day = dt.date.fromisoformat(value.strip()[:10])
        except ValueError:
            day = None
    if day is None:
        p.add(name, f"must be a date like 2026-03-31, got {value!r}")
        return None
    if day > now.date():
        p.add(name, f"{day} is in the future")
        return None
    return dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)


def _month(value: Any, name: str, p: _RowProblems) -> Month | None:
    if _is_blank(value):
        return None
    if isinstance(value, dt.date):
        return Month.of(value)
    try:
        return Month.parse(str(value))
    except ValueError as exc:
        p.add(name, str(exc))
        return None


def _link(text: str, p: _RowProblems) -> None:
    if not text:
        return
    parts = urlsplit(text)
    if parts.scheme != "https":
        p.add("link", f"must be an https:// link, got {text[:60]!r}")
    elif not parts.hostname or "." not in parts.hostname:
        p.add("link", "has no valid host name")
    elif parts.username or parts.password:
        p.add("link", "must not contain a user name or password")
    elif any(c.isspace() for c in text):
        p.add("link", "must not contain spaces")


def validate_row(
    source: str, number: int, raw: Mapping[str, Any], now: dt.datetime
) -> tuple[ImportRow | None, list[str]]:
    """One raw record → an ImportRow, or the list of its problems."""
    ref_raw = raw.get("ref")
    ref = str(ref_raw).strip() if not _is_blank(ref_raw) else ""
    p = _RowProblems(source, number, ref)
    for key in raw:
        if key not in KNOWN_FIELDS:
            close = difflib.get_close_matches(key, KNOWN_FIELDS, n=1)
            p.add(key, "unknown field" + (f" (did you mean {close[0]!r}?)" if close else ""))
    texts = {name: _text(raw.get(name), name, p) for name in TEXT_FIELDS}
    for name in REQUIRED:
        if not texts[name] and not any(i.startswith(f"{p.prefix} {name}:") for i in p.items):
            p.add(name, "is required")
    if texts["ref"] and not all(c.isalnum() or c in "._-" for c in texts["ref"]):
        p.add("ref", "may only contain letters, digits, '.', '_' and '-'")
    _link(texts["link"], p)

    categories: list[str] = []
    for code in _list(raw.get("impact_categories"), "impact_categories", p):
        code = code.lower()
        if code not in IMPACT_CATEGORIES:
            p.add(
                "impact_categories",
                f"unknown category {code!r} (known: {', '.join(IMPACT_CATEGORIES)})",
            )
        elif code not in categories:
            categories.append(code)
    if len(categories) > MAX_IMPACT_CATEGORIES:
        p.add(
            "impact_categories",
            f"has {len(categories)} categories, the limit is {MAX_IMPACT_CATEGORIES}",
        )

    hashtags: list[str] = []
    for tag in _list(raw.get("hashtags"), "hashtags", p):
        tag = tag.lstrip("#")
        if not (tag[:1].isalpha() and all(c.isalnum() or c == "_" for c in tag)):
            p.add("hashtags", f"{tag!r} is not a hashtag (a letter, then letters, digits or _)")
        elif len(tag) > MAX_HASHTAG_LENGTH:
            p.add("hashtags", f"{tag[:20]!r}… is longer than {MAX_HASHTAG_LENGTH} characters")
        elif tag.casefold() not in (h.casefold() for h in hashtags):
            hashtags.append(tag)
    if len(hashtags) > MAX_HASHTAGS:
        p.add("hashtags", f"has {len(hashtags)} hashtags, the limit is {MAX_HASHTAGS}")

    consent = _bool(raw.get("quote_consent"), "quote_consent", p)
    if texts["quote_text"]:
        if not texts["quote_attribution"]:
            p.add("quote_attribution", "is required when there is a quote")
        if consent is None:
            p.add("quote_consent", "must say true or false when there is a quote")
    else:
        if consent:
            p.add("quote_consent", "is true but there is no quote_text")
        if texts["quote_attribution"]:
            p.add("quote_attribution", "is given but there is no quote_text")

    if _bool(raw.get("contains_patient_data"), "contains_patient_data", p):
        p.add(
            "contains_patient_data",
            "is true: case studies must not contain patient data; remove it and set false",
        )

    status = str(raw.get("status") or "submitted").strip().lower()
    if status not in ("submitted", "approved", "rejected"):
        p.add("status", f"{status!r} is not submitted, approved or rejected")
    approved_by = _text(raw.get("approved_by"), "approved_by", p) if raw.get("approved_by") else ""
    approved_on = _date(raw.get("approved_on"), "approved_on", p, now)
    if status == "approved":
        if not approved_by:
            p.add("approved_by", "is required when status is approved")
        if approved_on is None and _is_blank(raw.get("approved_on")):
            p.add("approved_on", "is required when status is approved")
        if not categories:
            p.add("impact_categories", "an approved case study needs at least one")
    elif approved_by or approved_on:
        p.add("status", f"is {status} but approved_by/approved_on are given")

    showcase = _month(raw.get("showcase_month"), "showcase_month", p)
    if p.items:
        return None, p.items
    content = CaseStudyContent(
        ref=texts["ref"],
        title=texts["title"],
        organisation=texts["organisation"],
        headline=texts["headline"],
        summary=texts["summary"],
        library_service=texts["library_service"],
        region=texts["region"],
        background=texts["background"],
        library_contribution=texts["library_contribution"],
        outcome=texts["outcome"],
        impact_categories=tuple(categories),
        time_saved_hours=_number(raw.get("time_saved_hours"), "time_saved_hours", p),
        cost_saving_gbp=_number(raw.get("cost_saving_gbp"), "cost_saving_gbp", p),
        quote_text=texts["quote_text"],
        quote_attribution=texts["quote_attribution"],
        quote_consent=bool(consent),
        link=texts["link"],
        hashtags=tuple(hashtags),
    )
    if p.items:
        return None, p.items
    return ImportRow(number, content, status, approved_by, approved_on, showcase), []


def validate_rows(
    source: str, rows: list[tuple[int, dict[str, Any]]], now: dt.datetime
) -> list[ImportRow]:
    """Validate every row; raises ImportRejected listing every problem in the file."""
    problems: list[str] = []
    valid: list[ImportRow] = []
    first_row: dict[str, int] = {}
    for number, raw in rows:
        row, row_problems = validate_row(source, number, raw, now)
        problems.extend(row_problems)
        ref = str(raw.get("ref") or "").strip()
        if ref:
            if ref in first_row:
                problems.append(f"{source}:{number} {ref} ref: duplicate of row {first_row[ref]}")
            else:
                first_row[ref] = number
        if row is not None:
            valid.append(row)
    if not rows:
        problems.append(f"{source}: no case studies in the file")
    if problems:
        raise ImportRejected(source, problems)
    return valid


# ---- writing -------------------------------------------------------------------------


class _Rollback(Exception):
    """Raised inside the write transaction to undo a dry run."""


def import_file(
    store: Store,
    path: Path,
    *,
    now: dt.datetime,
    actor: str,
    schedule: ScheduleRule,
    dry_run: bool = False,
    source_name: str | None = None,
) -> ImportReport:
    """Validate all of `path`, then upsert every row by ref in one transaction.

    Raises ImportRejected (nothing written) for any invalid row, or for a queue request
    the plan cannot satisfy. With `dry_run`, reports what would happen and writes nothing.
    """
    source = source_name or str(path)
    rows = validate_rows(source, read_rows(path), now)
    report = ImportReport(source=source, dry_run=dry_run, rows=len(rows))
    try:
        with store.write() as session:
            _upsert(session, rows, report, now=now, actor=actor, schedule=schedule)
            if dry_run:
                raise _Rollback
    except _Rollback:
        pass
    return report


def _upsert(
    session: Session,
    rows: list[ImportRow],
    report: ImportReport,
    *,
    now: dt.datetime,
    actor: str,
    schedule: ScheduleRule,
) -> None:
    from vignettes.planning import pin

    existing = case_studies_by_ref(session, [r.content.ref for r in rows])
    problems: list[str] = []
    to_pin: list[tuple[ImportRow, CaseStudy]] = []
    for row in rows:
        content = row.content
        new_hash = content.content_hash()
        cs = existing.get(content.ref)
        if cs is None:
            cs = CaseStudy(
                ref=content.ref, created_at=now, status="submitted", source=report.source
            )
            _apply(cs, content, new_hash, now)
            session.add(cs)
            report.created.append(content.ref)
            audit(
                session,
                at=now,
                actor=actor,
                action="imported",
                ref=content.ref,
                source=report.source,
                row=row.row,
                content_hash=new_hash,
            )
            if row.status == "approved":
                assert row.approved_on is not None
                record_approval(session, cs, by=row.approved_by, at=row.approved_on)
                audit(
                    session,
                    at=now,
                    actor=actor,
                    action="approved",
                    ref=content.ref,
                    approved_by=row.approved_by,
                    via="import",
                    content_hash=new_hash,
                )
            elif row.status == "rejected":
                cs.status = "rejected"
        elif cs.content_hash == new_hash:
            report.unchanged.append(content.ref)
        else:
            was_approved = cs.status == "approved"
            _apply(cs, content, new_hash, now)
            report.updated.append(content.ref)
            audit(
                session,
                at=now,
                actor=actor,
                action="updated",
                ref=content.ref,
                source=report.source,
                row=row.row,
                content_hash=new_hash,
            )
            if was_approved:
                void_approval(
                    session,
                    cs,
                    actor=actor,
                    at=now,
                    reason=f"content changed by import of {report.source} row {row.row}",
                )
                report.approvals_voided.append(content.ref)
            elif cs.status == "rejected":
                cs.status = "submitted"
                audit(session, at=now, actor=actor, action="resubmitted", ref=content.ref)
        if row.showcase_month is not None:
            if row.showcase_month < current_month(now, schedule):
                problems.append(
                    f"{report.source}:{row.row} {content.ref} showcase_month: "
                    f"{row.showcase_month} is in the past"
                )
            elif cs.approval_is_current:
                to_pin.append((row, cs))
            else:
                cs.requested_month = str(row.showcase_month)
                report.notes.append(
                    f"{content.ref}: showcase_month {row.showcase_month} is recorded as a request "
                    "and will be queued when the case study is approved"
                )
    session.flush()
    for row, cs in to_pin:
        assert row.showcase_month is not None
        try:
            with session.begin_nested():
                pin(session, row.showcase_month, cs.ref, by=actor, now=now, schedule=schedule)
            report.queued[str(row.showcase_month)] = cs.ref
        except QueueError as exc:
            problems.append(f"{report.source}:{row.row} {cs.ref} showcase_month: {exc}")
    if problems:
        raise ImportRejected(report.source, problems)


def _apply(cs: CaseStudy, content: CaseStudyContent, content_hash: str, now: dt.datetime) -> None:
    cs.title = content.title
    cs.organisation = content.organisation
    cs.library_service = content.library_service
    cs.region = content.region
    cs.headline = content.headline
    cs.summary = content.summary
    cs.background = content.background
    cs.library_contribution = content.library_contribution
    cs.outcome = content.outcome
    cs.impact_categories = list(content.impact_categories)
    cs.time_saved_hours = content.time_saved_hours
    cs.cost_saving_gbp = content.cost_saving_gbp
    cs.quote_text = content.quote_text
    cs.quote_attribution = content.quote_attribution
    cs.quote_consent = content.quote_consent
    cs.link = content.link
    cs.hashtags = list(content.hashtags)
    cs.content_hash = content_hash
    cs.updated_at = now


SAMPLE_FILE = Path(__file__).parent / "samples" / "case_studies.json"
