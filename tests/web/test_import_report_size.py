"""Issue 17, item 2 in the console: a dry run's page and the report kept on the server are
bounded whatever the file (100,000 wrong rows made a 60 MB report and a 290 MB page):
identical problems are one line, lists of refs are counted beyond their first few."""

from __future__ import annotations

import csv
import io
from io import BytesIO
from pathlib import Path

from tests.conftest import case_study_row
from tests.web.conftest import Console, error_summary
from tests.web.content import submitted

ROWS = 3000


def csv_upload(rows: list[dict[str, object]], name: str = "big.csv") -> dict[str, object]:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    for row in rows:
        writer.writerow({k: ";".join(v) if isinstance(v, list) else v for k, v in row.items()})
    return {"file": (BytesIO(out.getvalue().encode("utf-8")), name)}


def kept_reports(console: Console) -> int:
    """Bytes of every report kept on the server for uploads."""
    folder = Path(console.ws.config.daemon.var_dir) / "uploads"
    return sum(p.stat().st_size for p in folder.glob("*.json"))


def test_many_identical_problems_are_one_line_of_a_small_page(console: Console) -> None:
    console.add_user("ed", "editor")
    console.sign_in("ed")
    rows = [submitted(f"B-{n:05}", impact_categories="Foo") for n in range(ROWS)]
    page = console.get(console.post("/import", csv_upload(rows)).location)
    assert error_summary(page.text) == [f"{ROWS:,} problems in big.csv: nothing was imported"]
    assert "2–3,001 (3,000 rows)" in page.text
    assert "B-00000 and 2,999 more" in page.text
    assert len(page.data) < 40_000
    assert kept_reports(console) < 4_000


def test_a_large_dry_run_lists_the_first_refs_and_counts_the_rest(console: Console) -> None:
    console.add_user("ed", "editor")
    console.sign_in("ed")
    rows = [case_study_row(f"N-{n:05}", status=None, approved_by=None, approved_on=None,
                           quote_consent=None) for n in range(ROWS)]  # fmt: skip
    page = console.get(console.post("/import", csv_upload(rows)).location).text
    assert "Import 3,000 rows" in page
    assert "<li>and 2,950 more</li>" in page
    assert "2–3,001 (3,000 rows)" in page and page.count("is blank") == 1  # one warning line
    assert len(page) < 60_000
    assert kept_reports(console) < 8_000
