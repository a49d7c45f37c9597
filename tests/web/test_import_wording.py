"""An import as a person reads it in the console: problems name the file's own column
headers and the impact categories by the labels people write (never a field's internal
name, a command or configuration syntax); the dry run shows titles beside refs; the import
page offers a template (CSV and XLSX) and lists the columns a file may have."""

from __future__ import annotations

import csv
import html
import io
import re

from openpyxl import Workbook, load_workbook

from tests.conftest import case_study_row
from tests.web.conftest import Console
from tests.web.content import submitted, upload

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def csv_upload(header: list[str], *rows: list[str], name: str = "in.csv") -> dict[str, object]:
    out = io.StringIO()
    csv.writer(out).writerows([header, *rows])
    return {"file": (io.BytesIO(out.getvalue().encode("utf-8")), name)}


def dry_run(console: Console, data: dict[str, object]) -> str:
    sent = console.post("/import", data)
    assert sent.status_code == 302, sent.text
    return html.unescape(console.get(sent.location).text)


def signed_in_editor(console: Console) -> Console:
    console.add_user("ed", "editor")
    console.sign_in("ed")
    return console


def test_a_problem_names_the_column_as_the_file_wrote_it(console: Console) -> None:
    header = [
        "Reference",
        "Title",
        "Organisation",
        "Card headline",
        "Summary",
        "Time saved (hours)",
    ]
    page = dry_run(
        signed_in_editor(console),
        csv_upload(header, ["H-1", "A title", "A trust", "A headline", "A summary", "lots"]),
    )
    problems = page.split('id="problems"', 1)[1].split("</table>", 1)[0]
    assert "Time saved (hours)" in problems and "time_saved_hours" not in problems
    headings = re.findall(r"<th[^>]*scope=\"col\"[^>]*>\s*(\w+)", problems)
    assert headings[:4] == ["File", "Ref", "Column", "Reason"]


def test_categories_are_named_by_their_labels_and_no_command_is_shown(console: Console) -> None:
    rows = [submitted("C-1", impact_categories=["Patient Safty"])]
    page = dry_run(signed_in_editor(console), upload(rows))
    assert "did you mean 'Patient safety and risk'?" in page
    assert "known: Better patient care, More informed decisions" in page
    assert "`" not in page and "vignettes categories" not in page and "patient-care" not in page


def test_a_near_miss_column_is_named_by_its_column_not_its_field(console: Console) -> None:
    header = ["Reference", "Title", "Organisation", "Card headline", "Summary", "Time saveed"]
    page = dry_run(
        signed_in_editor(console),
        csv_upload(header, ["N-1", "A title", "A trust", "A headline", "A summary", "3"]),
    )
    assert "did you mean 'Time saved (hours)'?" in page and "time_saved_hours" not in page


def test_the_dry_run_shows_each_ref_with_its_title(console: Console) -> None:
    rows = [submitted("T-1", title="Falls review"), submitted("T-2", title="Sepsis pathway")]
    page = dry_run(signed_in_editor(console), upload(rows))
    new = page.split("New case studies", 1)[1].split("</dd>", 1)[0]
    assert re.search(r"T-1\s*<span[^>]*>Falls review</span>", new)
    assert re.search(r"T-2\s*<span[^>]*>Sepsis pathway</span>", new)


def test_the_import_page_lists_the_columns_and_the_categories(console: Console) -> None:
    page = html.unescape(signed_in_editor(console).get("/import").text)
    columns = page.split('id="columns"', 1)[1].split("</table>", 1)[0]
    assert "Reference" in columns and "(required)" in columns
    assert "Time saved (hours)" in columns and "Hours saved" in columns  # an alias
    assert "Better patient care" in page.split('id="categories"', 1)[1]
    assert 'href="/import/template.csv"' in page and 'href="/import/template.xlsx"' in page


def test_the_csv_template_imports_once_filled_in(console: Console) -> None:
    template = signed_in_editor(console).get("/import/template.csv")
    assert (
        template.mimetype == "text/csv" and "attachment" in template.headers["Content-Disposition"]
    )
    [header] = list(csv.reader(io.StringIO(template.data.decode("utf-8-sig"))))
    assert header[:2] == ["Reference", "Title"] and "Contains patient data" in header
    row = case_study_row("F-1", status=None, approved_by=None, approved_on=None)
    values = {"Reference": "F-1", "Title": row["title"], "Organisation": row["organisation"],
              "Card headline": row["headline"], "Summary": row["summary"],
              "Impact categories": "Better patient care; Time saved"}  # fmt: skip
    page = dry_run(console, csv_upload(header, [values.get(name, "") for name in header]))
    assert "Nothing has been imported yet" in page and "F-1" in page


def test_the_xlsx_template_says_what_each_column_holds_and_imports_once_filled_in(
    console: Console,
) -> None:
    template = signed_in_editor(console).get("/import/template.xlsx")
    assert template.mimetype == XLSX
    book = load_workbook(io.BytesIO(template.data))
    assert book.sheetnames == ["case_studies", "Columns", "Impact categories"]
    header = [cell.value for cell in book["case_studies"][1]]
    assert [row[0].value for row in book["Columns"].iter_rows(min_row=2)] == header
    filled: Workbook = book
    filled["case_studies"].append(
        ["X-1", "A title", "A trust", "", "", "A headline", "A summary"] + [""] * 13
    )
    out = io.BytesIO()
    filled.save(out)
    page = dry_run(console, {"file": (io.BytesIO(out.getvalue()), "filled.xlsx")})
    assert "Nothing has been imported yet" in page and "X-1" in page
