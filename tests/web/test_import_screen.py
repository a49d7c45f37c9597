"""Import in the console: a dry run first (what would change; every problem and warning
with file row, ref and field), then a confirmation that imports the very bytes checked, all
or nothing; wrong files and files over the limit get a clear message; uploads stay private
and temporary."""

from __future__ import annotations

import re
import tempfile
from io import BytesIO
from pathlib import Path

import pytest

from scheduler.operations.content.approval import approve
from scheduler.operations.content.case_studies import case_studies, case_study
from scheduler.web.frontend import Frontend
from tests.conftest import case_study_row, escalate
from tests.web.conftest import OPERATOR, Console, error_summary, make_console
from tests.web.content import load, payload_case_study, submitted, upload


def table_cells(page: str) -> list[str]:
    """The text of each cell of the first table in `page`, without the responsive headings."""
    table = page.split("</table>", 1)[0]
    table = re.sub(r'<span class="nhsuk-table__heading".*?</span>', "", table, flags=re.S)
    cells = re.findall(r"<td.*?>(.*?)</td>", table, re.S)
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", c)).strip() for c in cells]


def checked(console: Console, rows: list[dict[str, object]], name: str = "in.json") -> str:
    """Upload `rows` and follow to the dry run's page; returns its address."""
    sent = console.post("/import", upload(rows, name))
    assert sent.status_code == 302, sent.text
    return str(sent.location)


def test_a_dry_run_shows_what_would_change_and_writes_nothing(console: Console) -> None:
    load(console, case_study_row("I-1"), submitted("I-2"))
    console.add_user("ed", "editor")
    console.sign_in("ed")
    rows = [case_study_row("I-1", headline="A new headline"), submitted("I-2"), submitted("I-3")]
    page = console.get(checked(console, rows)).text
    assert "Nothing has been imported yet" in page
    assert re.search(r"New case studies\s*</dt>\s*<dd[^>]*>\s*1", page)
    assert re.search(r"Approvals voided\s*</dt>\s*<dd[^>]*>\s*1", page)
    assert "Import 3 rows" in page
    assert [r.ref for r in case_studies(console.ws)] == ["I-1", "I-2"]


def test_a_bad_row_shows_every_problem_in_a_table_and_nothing_can_be_confirmed(
    console: Console,
) -> None:
    console.add_user("ed", "editor")
    console.sign_in("ed")
    rows = [submitted("B-1"), submitted("B-2", headline="x" * 91, link="ftp://x.example")]
    page = console.get(checked(console, rows, "batch.json")).text
    assert error_summary(page) == ["2 problems in batch.json: nothing was imported"]
    assert table_cells(page.split('id="problems"', 1)[1])[:4] == [
        "2",
        "B-2",
        "headline",
        "is 91 characters, the limit is 90",
    ]
    assert "Import " not in page and 'action="/import/' not in page
    assert case_studies(console.ws) == []


def test_confirming_imports_the_bytes_that_were_checked_once(console: Console) -> None:
    console.add_user("ed", "editor")
    console.sign_in("ed")
    address = checked(console, [submitted("C-1"), payload_case_study("C-2")])
    done = console.post(f"{address}/confirm")
    assert done.location == address
    page = console.get(address).text
    assert "<h1>Imported</h1>" in page
    assert 'href="/case-studies/C-1"' in page and 'href="/case-studies/C-2"' in page
    assert [r.ref for r in case_studies(console.ws)] == ["C-1", "C-2"]
    assert case_study(console.ws, "C-1").history[0].detail["source"] == "in.json"
    again = console.post(f"{address}/confirm")  # a second click imports nothing more
    assert again.status_code == 302
    assert len(case_study(console.ws, "C-1").history) == 1


def test_the_result_shows_file_names_and_problems_as_text(console: Console) -> None:
    console.add_user("ed", "editor")
    console.sign_in("ed")
    name = "<img src=x onerror=alert(1)>.json"
    row = payload_case_study("X-1") | {"impact_categories": "<script>window.__xss=5</script>"}
    page = console.get(checked(console, [row], name)).text
    assert "<img src=x" not in page and "<script>window.__xss" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;.json" in page
    assert "unknown category &#39;&lt;script&gt;window.__xss=5&lt;/script&gt;&#39;" in page


def test_wrong_or_empty_files_are_refused_with_a_message(console: Console) -> None:
    console.add_user("ed", "editor")
    console.sign_in("ed")
    wrong = console.post("/import", {"file": (BytesIO(b"%PDF-1.4"), "report.pdf")})
    assert wrong.status_code == 400
    assert error_summary(wrong.text) == ["The selected file must be a JSON, CSV or XLSX file"]
    empty = console.post("/import", {"file": (BytesIO(b""), "empty.csv")})
    assert error_summary(empty.text) == ["The selected file is empty"]
    none = console.post("/import", {})
    assert error_summary(none.text) == ["Select a file to import"]


def test_a_file_over_the_upload_limit_gets_the_clear_413_page(
    tmp_path: Path, frontend: Frontend
) -> None:
    small = make_console(tmp_path, frontend, upload_limit="1KB")
    small.add_user("ed", "editor")
    small.sign_in("ed")
    for size in (1025, 200_000):  # inside the multipart slack, and beyond it
        refused = small.post("/import", {"file": (BytesIO(b" " * size), "big.json")})
        assert refused.status_code == 413
        assert "The largest file you can upload is 1 KB." in refused.text
    small.ws.close()


def test_an_upload_is_only_for_the_session_that_made_it_and_expires(
    tmp_path: Path, frontend: Frontend
) -> None:
    console = make_console(tmp_path, frontend)
    console.add_user("ed", "editor")
    console.add_user("sam", "editor")
    console.sign_in("ed")
    address = checked(console, [submitted("T-1")])
    other = Console(console.app, console.ws, console.clock)  # another browser
    other.sign_in("sam")
    assert other.get(address).status_code == 404
    assert other.post(f"{address}/confirm").status_code == 404
    console.idle(29)
    assert console.get(address).status_code == 200
    console.idle(29)  # the session lives on, but the upload is past its time: it says so
    assert console.get(address).status_code == 410
    assert case_studies(console.ws) == []
    console.ws.close()


def test_uploads_live_only_in_private_places_and_are_removed(console: Console) -> None:
    console.add_user("ed", "editor")
    console.sign_in("ed")
    address = checked(console, [submitted("P-1")])
    kept = console.ws.config.daemon.var_dir / "uploads"
    assert kept.stat().st_mode & 0o777 == 0o700
    assert all(p.stat().st_mode & 0o777 == 0o600 for p in kept.iterdir())
    console.post(f"{address}/confirm")
    assert [p.suffix for p in kept.iterdir()] == [".json"]  # the report, not the bytes
    assert list(Path(tempfile.gettempdir()).glob("vignettes-upload-*")) == []
    token = address.rsplit("/", 1)[1]
    console.post(f"/import/{token}/cancel")
    assert list(kept.iterdir()) == []


@pytest.mark.parametrize("step", ["", "/confirm", "/cancel"])
def test_every_import_form_refuses_a_post_without_the_csrf_token(
    console: Console, step: str
) -> None:
    console.add_user("ed", "editor")
    console.sign_in("ed")
    address = checked(console, [submitted("F-1")]) if step else "/import"
    refused = console.client.post(address + step, data=upload([submitted("F-2")]))
    assert refused.status_code == 400 and "Sorry, the form could not be sent" in refused.text
    assert case_studies(console.ws) == []


def test_a_viewer_cannot_import(console: Console) -> None:
    console.add_user("vera", "viewer")
    console.sign_in("vera")
    assert console.get("/import").status_code == 403
    assert console.post("/import", upload([submitted("V-1")])).status_code == 403


def test_a_confirmation_that_would_now_void_an_approval_is_shown_again_instead(
    console: Console,
) -> None:
    load(console, submitted("S-1"))
    console.add_user("ed", "editor")
    console.sign_in("ed")
    address = checked(console, [submitted("S-1", headline="A new headline")])
    assert re.search(r"Approvals voided\s*</dt>\s*<dd[^>]*>\s*0", console.get(address).text)
    escalate(console.ws.store, "S-1")  # meanwhile, a peer review escalates it
    approve(console.ws, OPERATOR, "S-1")  # and someone approves it

    console.post(f"{address}/confirm")

    page = console.get(address).text
    assert "The case studies changed since you checked this file" in page
    assert re.search(r"Approvals voided\s*</dt>\s*<dd[^>]*>\s*1", page)
    assert case_study(console.ws, "S-1").approval_current  # nothing was imported
    console.post(f"{address}/confirm")  # confirmed again, knowing
    assert "<h1>Imported</h1>" in console.get(address).text
    assert case_study(console.ws, "S-1").content.headline == "A new headline"


def test_an_expired_check_says_so_and_how_to_go_on(console: Console) -> None:
    console.add_user("ed", "editor")
    console.sign_in("ed")
    address = checked(console, [submitted("E-1")])
    for _ in range(2):  # busy elsewhere: the session lives on, the check does not
        console.idle(20)
        console.get("/")
    for expired in (console.get(address), console.post(f"{address}/confirm")):
        assert expired.status_code == 410
        assert "<h1>This check has expired</h1>" in expired.text
        assert "kept for 30 minutes" in expired.text and "Upload the file again" in expired.text
    assert case_studies(console.ws) == []
