"""Builders for the case-study screens' tests: case studies loaded as the operator would
(`vignettes import`), a case study whose text is made of script payloads, and a file to
upload."""

from __future__ import annotations

import json
from typing import Any

from scheduler.operations.content.importing import import_case_studies
from tests.conftest import case_study_row, write_import
from tests.web.conftest import OPERATOR, Console

# Text that would run as script if any page rendered it as markup.
PAYLOADS: dict[str, str] = {
    "title": "<script>window.__xss = 'title'</script> Falls review",
    "organisation": "<img src=x onerror=\"window.__xss = 'organisation'\"> Trust",
    "headline": '"><svg onload="window.__xss = 1"> Evidence helped',
    "summary": 'javascript:window.__xss=2 <a href="javascript:window.__xss = 3">read</a>',
    "quote_text": "</textarea><script>window.__xss = 'quote'</script>",
    "quote_attribution": '<b onmouseover="window.__xss = 4">Ward sister</b>',
}
ESCAPED = "&lt;script&gt;window.__xss = &#39;title&#39;&lt;/script&gt;"


def submitted(ref: str, **overrides: Any) -> dict[str, Any]:
    """An import row awaiting review."""
    fields: dict[str, Any] = {"status": None, "approved_by": None, "approved_on": None}
    return case_study_row(ref, **{**fields, **overrides})


def load(console: Console, *rows: dict[str, Any]) -> None:
    """Import `rows` as the operator does on the command line."""
    path = write_import(console.ws.config_path.parent / "loaded.json", list(rows))
    import_case_studies(console.ws, OPERATOR, path)


def payload_case_study(ref: str = "XSS-1") -> dict[str, Any]:
    return submitted(ref, **PAYLOADS)


def upload(rows: list[dict[str, Any]], name: str = "case-studies.json") -> dict[str, Any]:
    """The form data of an upload of `rows` as a JSON file."""
    from io import BytesIO

    body = json.dumps(rows, ensure_ascii=False).encode("utf-8")
    return {"file": (BytesIO(body), name)}
