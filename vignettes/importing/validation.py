"""Validating import records: every field's rules, every problem reported at once, and what
only deserves a warning (the import still goes ahead), each as `FILE:ROW ref field: reason`.
Pure: no database.

Rows arrive keyed by field (`vignettes.importing.sources` has matched the columns). Values are
taken as people write them: categories by label in any case, consent as yes/no, UK dates. Blank
consent means *no consent*: the quote is kept but withheld, with a warning.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from vignettes.categories import DEFAULT_VOCABULARY, Vocabulary, split_cell
from vignettes.content import (
    LIMITS,
    MAX_HASHTAG_LENGTH,
    MAX_HASHTAGS,
    MAX_IMPACT_CATEGORIES,
    QUOTE_WITHHELD,
    SPECS,
    CaseStudyContent,
)
from vignettes.errors import ImportRejected
from vignettes.importing.cells import (
    NUMBER_LIMITS,
    RowIssues,
    as_bool,
    as_date,
    as_list,
    as_month,
    as_number,
    check_link,
    is_blank,
    scalar_text,
)
from vignettes.importing.columns import FIELDS, REQUIRED, ColumnRules
from vignettes.importing.decisions import DECISION_FIELDS, carries_decision, ignored_decisions
from vignettes.importing.issues import Issue, char_name, display
from vignettes.importing.sources import CellProblem, SourceRows
from vignettes.planning.slots import Month
from vignettes.refs import confusable, confusable_key, normalise_ref, ref_key, ref_problems
from vignettes.text import character_problems, name_problems, normalise_text

__all__ = [
    "KNOWN_FIELDS",
    "NUMBER_LIMITS",
    "REQUIRED",
    "ImportRow",
    "ImportRules",
    "char_name",
    "character_problems",
    "display",
    "name_problems",
    "normalise_text",
    "ref_key",
    "validate_row",
    "validate_rows",
]

# The text fields of the content, one line or several (`vignettes.fields`).
_TEXTS = [s for s in SPECS if s.kind in ("input", "text") and s.name != "hashtags"]
SINGLE_LINE = tuple(s.name for s in _TEXTS if not s.multi_line)
MULTI_LINE = tuple(s.name for s in _TEXTS if s.multi_line)
TEXT_FIELDS = SINGLE_LINE + MULTI_LINE
KNOWN_FIELDS = FIELDS
# Fields naming a person: no format characters at all (beyond joiners), as they are shown
# in one-line histories where a bidi override would disguise who decided what.
NAME_FIELDS = ("approved_by",)
# A file's decision: `rejected` (not accepted) and `withdrawn` (taken back by its library
# service) both take a case study out of the pipeline, each kept as the state it names.
STATUSES = {s: s for s in ("submitted", "approved", "rejected", "withdrawn")}
_ASCII_HASHTAG = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
# Hashtags are written `#A;#B`, `#A #B` or `#A, #B`: a hashtag holds none of these.
_TAG_SEPARATORS = re.compile(r"[;,\s]+")


class ImportRules(Protocol):
    """What this installation's configuration says about reading files."""

    @property
    def columns(self) -> ColumnRules: ...
    @property
    def vocabulary(self) -> Vocabulary: ...


@dataclass(frozen=True)
class DefaultRules:
    columns: ColumnRules = field(default_factory=ColumnRules)
    vocabulary: Vocabulary = DEFAULT_VOCABULARY


@dataclass(frozen=True)
class ImportRow:
    row: int
    content: CaseStudyContent
    status: str = "submitted"
    approved_by: str = ""
    approved_on: dt.datetime | None = None
    showcase_month: Month | None = None
    # What the file wrote for status, as written.
    status_written: str = ""


def _text(value: Any, name: str, p: RowIssues) -> str:
    if value.__class__ is str and value.isascii():
        # The common case, checked at C speed: printable ASCII needs no more than a length.
        plain = value.strip()
        if plain.isprintable():
            limit = LIMITS.get(name)
            if limit is not None and len(plain) > limit:
                p.add(name, f"is {len(plain)} characters, the limit is {limit}")
            return plain
    if is_blank(value):
        return ""
    text = scalar_text(value)
    if text is None:
        p.add(name, f"must be text, got {type(value).__name__}")
        return ""
    if name == "ref":
        text = normalise_ref(text)
    for reason in character_problems(text, multi_line=name in MULTI_LINE, name=name in NAME_FIELDS):
        p.add(name, reason)
    limit = LIMITS.get(name)
    if limit is not None and len(text) > limit:
        p.add(name, f"is {len(text)} characters, the limit is {limit}")
    return text


def _categories(value: Any, vocabulary: Vocabulary, p: RowIssues) -> list[str]:
    if is_blank(value):
        return []
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        names = [part for v in value for part in split_cell(v)]
    elif isinstance(value, str):
        names = split_cell(value)
    else:
        p.add("impact_categories", "must be a list of categories (or text separated by ';')")
        return []
    codes: list[str] = []
    for name in names:
        code = vocabulary.resolve(name)
        if code is None:
            near = vocabulary.closest(name)
            hint = f"did you mean {near.label!r}? " if near else ""
            p.add(
                "impact_categories",
                f"unknown category {display(name)!r}; {hint}known: "
                f"{', '.join(c.label for c in vocabulary.categories)}",
            )
        elif code not in codes:
            codes.append(code)
    if len(codes) > MAX_IMPACT_CATEGORIES:
        p.add(
            "impact_categories",
            f"has {len(codes)} categories, the limit is {MAX_IMPACT_CATEGORIES}",
        )
    return codes


def _hashtags(value: Any, p: RowIssues) -> list[str]:
    hashtags: list[str] = []
    for tag in as_list(value, "hashtags", p, _TAG_SEPARATORS):
        tag = tag.lstrip("#")
        plain = tag.isascii() and _ASCII_HASHTAG.fullmatch(tag) is not None
        if not plain and not (tag[:1].isalpha() and all(c.isalnum() or c == "_" for c in tag)):
            p.add("hashtags", f"{tag!r} is not a hashtag (a letter, then letters, digits or _)")
        elif len(tag) > MAX_HASHTAG_LENGTH:
            p.add("hashtags", f"{tag[:20]!r}… is longer than {MAX_HASHTAG_LENGTH} characters")
        elif tag.casefold() not in (h.casefold() for h in hashtags):
            hashtags.append(tag)
    if len(hashtags) > MAX_HASHTAGS:
        p.add("hashtags", f"has {len(hashtags)} hashtags, the limit is {MAX_HASHTAGS}")
    return hashtags


def _quote(raw: Mapping[str, Any], texts: dict[str, str], p: RowIssues) -> bool:
    consent = as_bool(raw.get("quote_consent"), "quote_consent", p)
    if p.has("quote_text") or p.has("quote_attribution"):
        return bool(consent)  # the quote itself is wrong: more about it would be noise
    if texts["quote_text"]:
        if not texts["quote_attribution"]:
            p.add("quote_attribution", "is required when there is a quote")
        if consent is None and not p.has("quote_consent"):
            p.warn(
                "quote_consent",
                f"is blank: {QUOTE_WITHHELD.split(': ', 1)[1]}, so the quote is stored but "
                "never used on a card, in alt text or in a post",
            )
    else:
        if consent:
            p.add("quote_consent", "is true but there is no quote_text")
        if texts["quote_attribution"]:
            p.add("quote_attribution", "is given but there is no quote_text")
    return bool(consent)


def _workflow(
    raw: Mapping[str, Any], p: RowIssues, now: dt.datetime
) -> tuple[str, str, str, dt.datetime | None]:
    """(status, status as written, approved_by, approved_on)."""
    written = str(raw.get("status") or "submitted").strip().lower()
    status = STATUSES.get(written)
    if status is None:
        p.add("status", f"{written!r} is not submitted, approved, rejected or withdrawn")
        status = "submitted"
    given = raw.get("approved_by")
    approved_by = _text(given, "approved_by", p) if not is_blank(given) else ""
    approved_on = as_date(raw.get("approved_on"), "approved_on", p, now)
    if status == "approved":
        if not approved_by and not p.has("approved_by"):
            p.add("approved_by", "is required when status is approved")
        if approved_on is None and not p.has("approved_on"):
            p.add("approved_on", "is required when status is approved")
    elif (approved_by or approved_on) and not p.has("status"):
        p.add("status", f"is {written} but approved_by/approved_on are given")
    return status, written, approved_by, approved_on


def validate_row(
    source: str,
    number: int,
    raw: Mapping[str, Any],
    now: dt.datetime,
    rules: ImportRules = DefaultRules(),
    missing: frozenset[str] = frozenset(),
    *,
    decisions: bool = True,
) -> tuple[ImportRow | None, list[Issue], list[Issue]]:
    """One record (keyed by field) → an ImportRow or its problems, and its warnings.
    `missing` are fields whose column is absent (already reported once for the file).
    Without `decisions` (an upload in the console), the decision columns are not read:
    the row is submitted, whatever they say, with a warning for each one given."""
    as_written = scalar_text(raw.get("ref")) or ""
    ref = normalise_ref(as_written)
    p = RowIssues(source, number, ref)
    if not decisions:
        ignored_decisions(raw, p)
        raw = {k: v for k, v in raw.items() if k not in DECISION_FIELDS}
    unusable = [k for k, v in raw.items() if isinstance(v, CellProblem)]
    for key in unusable:
        p.add(key, raw[key].reason)
    if unusable:  # reported once here; the field then counts as empty
        raw = {k: (None if k in unusable else v) for k, v in raw.items()}
    texts = {name: _text(raw.get(name), name, p) for name in TEXT_FIELDS}
    for name in REQUIRED:
        if not texts[name] and not p.has(name) and name not in missing:
            p.add(name, "is required")
    if texts["ref"] and not p.has("ref"):
        for reason in ref_problems(texts["ref"]):
            p.add("ref", reason)
        if texts["ref"] != as_written:
            p.warn(
                "ref",
                f"{display(as_written)!r} has compatibility characters (such as "
                f"full-width letters); it is stored as {display(texts['ref'])!r}",
            )
    check_link(texts["link"], p)
    categories = _categories(raw.get("impact_categories"), rules.vocabulary, p)
    hashtags = _hashtags(raw.get("hashtags"), p)
    consent = _quote(raw, texts, p)
    if as_bool(raw.get("contains_patient_data"), "contains_patient_data", p):
        p.add(
            "contains_patient_data",
            "is true: case studies must not contain patient data; remove it and set false",
        )
    status, written, approved_by, approved_on = _workflow(raw, p, now)
    showcase = as_month(raw.get("showcase_month"), "showcase_month", p)
    time_saved = as_number(raw.get("time_saved_hours"), "time_saved_hours", p)
    cost_saving = as_number(raw.get("cost_saving_gbp"), "cost_saving_gbp", p)
    if p.items:
        return None, p.items, p.warnings
    values: dict[str, Any] = {
        **texts,
        "impact_categories": tuple(categories),
        "time_saved_hours": time_saved,
        "cost_saving_gbp": cost_saving,
        "quote_consent": consent,
        "hashtags": tuple(hashtags),
    }
    content = CaseStudyContent(**values)
    row = ImportRow(number, content, status, approved_by, approved_on, showcase, written)
    return row, [], p.warnings


@dataclass(frozen=True)
class Validated:
    """Every row of a file that passed, the warnings the report will show, and the
    problems found (the file is refused if there are any: `raise_problems`)."""

    rows: list[ImportRow]
    warnings: list[Issue]
    # Rows that record a decision (approval, rejection, withdrawal), taken or not.
    decisions: int = 0
    problems: list[Issue] = field(default_factory=list)

    def raise_problems(self, source: str) -> None:
        """Raises ImportRejected listing every problem (and the warnings) if there are any."""
        if self.problems:
            raise ImportRejected(source, self.problems, self.warnings)


def validate_rows(
    source: str,
    table: SourceRows,
    now: dt.datetime,
    rules: ImportRules = DefaultRules(),
    *,
    decisions: bool = True,
) -> Validated:
    """Validate every row, collecting every problem in the file; the rows that passed
    (without a second row for one ref) can still be checked against the database, so
    that a file's problems are all found in one round. Without `decisions`, the decision
    columns are only warned about (`validate_row`).

    Refs are compared as they will be stored (NFKC, `2026.0` as `2026`), and refs differing
    only by case or Unicode form are rejected: they would be two copies of one case study."""
    problems: list[Issue] = list(table.problems)
    warnings: list[Issue] = list(table.warnings)
    valid: list[ImportRow] = []
    first_row: dict[str, tuple[int, str]] = {}
    deciding = 0
    for number, raw in table.rows:
        deciding += carries_decision(raw)
        row, row_problems, row_warnings = validate_row(
            source, number, raw, now, rules, table.missing, decisions=decisions
        )
        problems.extend(row_problems)
        warnings.extend(row_warnings)
        ref = row.content.ref if row is not None else normalise_ref(_ref_text(raw))
        if ref:
            key = ref_key(ref)
            if key not in first_row:
                first_row[key] = (number, ref)
            else:
                first, other = first_row[key]
                reason = (
                    f"duplicate of row {first}"
                    if other == ref
                    else f"differs only by case from {display(other)} (row {first})"
                )
                problems.append(Issue(source, number, ref, "ref", reason))
                continue  # one row per ref goes on to the database's checks
        if row is not None:
            valid.append(row)
    lookalikes = _lookalikes(source, list(first_row.values()))
    problems.extend(lookalikes)
    if lookalikes:
        rows_of = {issue.row for issue in lookalikes}
        valid = [row for row in valid if row.row not in rows_of]
    if not table.rows and not problems:
        problems.append(Issue(source, None, "", "", "no case studies in the file"))
    columns = table.columns
    return Validated(valid, in_columns(warnings, columns), deciding, in_columns(problems, columns))


def in_columns(issues: Sequence[Issue], columns: Mapping[str, str]) -> list[Issue]:
    """`issues`, each naming its field's column as the file wrote it (`columns`: field →
    header, from the file's reader)."""
    if not columns:
        return list(issues)
    return [
        dataclasses.replace(i, column=columns[i.field])
        if i.field in columns and not i.column
        else i
        for i in issues
    ]


def _lookalikes(source: str, refs: list[tuple[int, str]]) -> list[Issue]:
    """Refs of one file that could be taken for one another (a Cyrillic `І` for an `I`)."""
    if all(ref.isascii() for _, ref in refs):
        return []
    seen: dict[str, tuple[int, str]] = {}
    problems = []
    for number, ref in refs:
        key = confusable_key(ref)
        if key in seen and confusable(ref, seen[key][1]):
            first, other = seen[key]
            problems.append(
                Issue(
                    source,
                    number,
                    ref,
                    "ref",
                    f"looks like {display(other)} (row {first}) but is a different ref; "
                    "use refs that look different",
                )
            )
        else:
            seen.setdefault(key, (number, ref))
    return problems


def _ref_text(raw: Mapping[str, Any]) -> str:
    value = raw.get("ref")
    return scalar_text(value) or "" if not isinstance(value, CellProblem) else ""
