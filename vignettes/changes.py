"""What a re-import or an edit changed: the old and the new value of each content field, as
the audit trail records them on the `updated` line ("headline: 'Evidence helped…' →
'Evidence helps…'"). Pure.

The record stays small whatever the fields hold: a long text keeps only an excerpt around
its first difference (at most EXCERPT characters of each value), so one audit line is a few
kilobytes at most. Only content fields are compared (`CONTENT_FIELDS`): never the workflow
columns (hashes, approvals), and nothing secret, which content never holds (a link with a
user name or password is refused before it is stored).
"""

from __future__ import annotations

from typing import Any

from vignettes.content import CONTENT_FIELDS, CaseStudyContent

# Characters of a text value kept in the record, and how many of them come before the
# first difference (context for a person reading the history).
EXCERPT = 160
LEAD = 40
ELLIPSIS = "…"


def content_changes(old: CaseStudyContent, new: CaseStudyContent) -> dict[str, dict[str, Any]]:
    """`{field: {"old": …, "new": …}}` for every content field whose value differs, in the
    order of `CONTENT_FIELDS`. Numbers compare as the content hash does (to the penny), so
    `12` and `12.0` are no change; texts longer than EXCERPT are cut to an excerpt."""
    changes: dict[str, dict[str, Any]] = {}
    for name in CONTENT_FIELDS:
        before = _comparable(getattr(old, name))
        after = _comparable(getattr(new, name))
        if before == after:
            continue
        if isinstance(before, str) and isinstance(after, str):
            before, after = excerpts(before, after)
        changes[name] = {"old": before, "new": after}
    return changes


def _comparable(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, 2)
    if isinstance(value, tuple | list):
        return list(value)
    return value


def excerpts(old: str, new: str, limit: int = EXCERPT) -> tuple[str, str]:
    """`old` and `new` cut to at most `limit` characters each (plus an ellipsis at a cut
    end), both from the same place: LEAD characters before their first difference, so a
    change at the end of a long text is still seen."""
    if len(old) <= limit and len(new) <= limit:
        return old, new
    common = _common_prefix(old, new)
    start = max(0, common - LEAD)
    return _cut(old, start, limit), _cut(new, start, limit)


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def _cut(text: str, start: int, limit: int) -> str:
    piece = text[start : start + limit]
    head = ELLIPSIS if start > 0 and text else ""
    tail = ELLIPSIS if start + limit < len(text) else ""
    return head + piece + tail
