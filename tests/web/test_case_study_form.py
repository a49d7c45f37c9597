"""Adding and editing a case study in the console: every import field, the import's rules
with each problem in the error summary linked to its field, and an edit of approved
content that voids the approval and shows the change in the history."""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

import pytest

from scheduler.operations.content.case_studies import case_study
from scheduler.web.frontend import Frontend
from tests.conftest import case_study_row
from tests.web.conftest import Console, error_summary, make_console
from tests.web.content import ESCAPED, load, payload_case_study
from tests.web.pipeline_data import NORTH, SOUTH, two_services

IMPORT_FIELDS = {
    "ref", "title", "organisation", "library_service", "region", "headline", "summary",
    "background", "library_contribution", "outcome", "impact_categories", "time_saved_hours",
    "cost_saving_gbp", "quote_text", "quote_attribution", "quote_consent", "link", "hashtags",
    "showcase_month", "contains_patient_data",
}  # fmt: skip


def form_fields(page: str) -> dict[str, Any]:
    """What the form would send as it stands: text, and the checked boxes and radios."""
    form = page.split('action="/case-studies/', 1)[1].split("</form>", 1)[0]
    fields: dict[str, Any] = {}
    for tag in re.findall(r"<input[^>]*>", form, re.S):
        name = re.search(r'name="(\w+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if name is None or name.group(1) == "csrf_token":
            continue
        text = html.unescape(value.group(1)) if value else ""
        if 'type="checkbox"' in tag or 'type="radio"' in tag:
            if re.search(r"\schecked", tag):
                fields.setdefault(name.group(1), []).append(text)
        else:
            fields[name.group(1)] = text
    for name, text in re.findall(r'<textarea[^>]*name="(\w+)"[^>]*>(.*?)</textarea>', form, re.S):
        fields[name] = html.unescape(text)
    return {k: v[0] if isinstance(v, list) and k != "impact_categories" else v
            for k, v in fields.items()}  # fmt: skip


def test_the_add_form_has_every_import_field(console: Console) -> None:
    console.add_user("ed", "editor")
    console.sign_in("ed")
    page = console.get("/new-case-study").text
    named = set(re.findall(r'name="(\w+)"', page.split('action="/new-case-study"', 1)[1]))
    assert named >= IMPORT_FIELDS
    assert "status" not in named  # four eyes: nobody here may add it as approved


def test_problems_go_to_the_error_summary_linked_to_their_fields(console: Console) -> None:
    console.add_user("ed", "editor")
    console.sign_in("ed")
    sent = {"ref": "N-1", "title": "A title", "organisation": "Trust", "headline": "x" * 91}
    sent |= {"summary": "", "link": "http://example.org", "contains_patient_data": "yes"}
    page = console.post("/new-case-study", sent)
    assert page.status_code == 400
    assert error_summary(page.text) == [
        "Card headline is 91 characters, the limit is 90",
        "Summary is required",
        "Link must be an https:// link, got &#39;http://example.org&#39;",
        "Does the case study contain patient data? is true: case studies must not contain "
        "patient data; remove it and set false",
    ]
    for field in ("headline", "summary", "link", "contains_patient_data"):
        assert f'href="#{field}"' in page.text and f'id="{field}"' in page.text
    assert 'value="N-1"' in page.text  # what was typed is kept


def test_a_new_case_study_is_added_and_awaits_approval(console: Console) -> None:
    console.add_user("ed", "editor")
    console.sign_in("ed")
    sent = {"ref": "N-2", "title": "Falls review", "organisation": "Northmoor Trust"}
    sent |= {"headline": "Falls down a quarter", "summary": "The library's review helped."}
    sent |= {"impact_categories": "patient-safety", "quote_consent": ""}
    done = console.post("/new-case-study", sent)
    assert done.location == "/case-studies/N-2"
    assert "N-2 is added. It awaits approval." in console.get(done.location).text
    detail = case_study(console.ws, "N-2")
    assert (detail.status, detail.content.impact_categories) == ("submitted", ("patient-safety",))
    assert (detail.history[0].action, detail.history[0].actor) == ("added", "ed")


def test_an_edit_of_approved_content_voids_the_approval_and_shows_old_and_new(
    console: Console,
) -> None:
    load(console, case_study_row("E-1", headline="Evidence helped the ward"))
    console.add_user("ed", "editor")
    console.sign_in("ed")
    form = console.get("/case-studies/E-1/edit").text
    assert "Saving a change to its content voids the approval" in form
    sent = form_fields(form)
    done = console.post("/case-studies/E-1/edit", {**sent, "headline": "Evidence helps the ward"})
    page = console.get(done.location).text
    assert "Its approval was voided" in page
    assert "Card headline</span> changed from <q>Evidence helped the ward</q> to <q>Evidence " \
           "helps the ward</q>" in page  # fmt: skip
    assert case_study(console.ws, "E-1").status == "submitted"


def test_saving_the_edit_form_untouched_changes_nothing(console: Console) -> None:
    load(console, case_study_row("E-2", time_saved_hours=12.5, hashtags=["A", "B_2"]))
    console.add_user("ed", "editor")
    console.sign_in("ed")
    sent = form_fields(console.get("/case-studies/E-2/edit").text)
    done = console.post("/case-studies/E-2/edit", sent)
    assert "There were no changes to save." in console.get(done.location).text
    assert case_study(console.ws, "E-2").approval_current


def test_the_edit_form_shows_payloads_as_text(console: Console) -> None:
    load(console, payload_case_study())
    console.add_user("ed", "editor")
    console.sign_in("ed")
    page = console.get("/case-studies/XSS-1/edit").text
    assert "</textarea><script>" not in page and "<img src=x" not in page
    assert "&lt;/textarea&gt;&lt;script&gt;" in page and ESCAPED in page


@pytest.mark.parametrize("path", ["/new-case-study", "/case-studies/E-3/edit"])
def test_the_form_refuses_a_post_without_the_csrf_token_or_from_a_viewer(
    console: Console, path: str
) -> None:
    load(console, case_study_row("E-3"))
    console.add_user("ed", "editor")
    console.add_user("vera", "viewer")
    console.sign_in("ed")
    assert console.client.post(path, data={"ref": "E-9", "title": "t"}).status_code == 400
    console.sign_out()
    console.sign_in("vera")
    assert console.get(path).status_code == 403
    assert console.post(path, {"ref": "E-9", "title": "t"}).status_code == 403


def test_without_four_eyes_an_approver_may_record_an_approval_given_elsewhere(
    tmp_path: Path, frontend: Frontend
) -> None:
    console = make_console(tmp_path, frontend, four_eyes=False)
    console.add_user("priya", "approver")
    console.sign_in("priya")
    assert 'name="status"' in console.get("/new-case-study").text
    sent = {"ref": "new", "title": "Falls review", "organisation": "Northmoor Trust"}
    sent |= {"headline": "Falls down a quarter", "summary": "The library's review helped."}
    sent |= {"status": "approved", "approved_by": "Review panel", "approved_on": "01/06/2026"}
    done = console.post("/new-case-study", sent)
    assert done.location == "/case-studies/new"  # a ref may be "new": the form lives apart
    assert "by Review panel on 1 Jun 2026" in console.get(done.location).text
    console.ws.close()


def test_library_staff_of_one_service_need_not_name_it(console: Console) -> None:
    two_services(console)
    console.sign_in("cara")
    assert "Library service (optional)" in console.get("/new-case-study").text
    sent = {"ref": "N-3", "title": "Falls review", "organisation": "Northmoor Trust"}
    sent |= {"headline": "Falls down a quarter", "summary": "The library's review helped."}
    assert console.post("/new-case-study", sent).location == "/case-studies/N-3"
    page = console.get("/case-studies/N-3").text
    assert "N-3 is saved as a draft: submit it for review when it is finished." in page
    assert "awaits approval" not in page
    assert case_study(console.ws, "N-3").library_service == NORTH


def test_library_staff_of_two_services_are_asked_which(console: Console) -> None:
    two_services(console)
    console.add_user("tess", "contributor", services=(NORTH, SOUTH))
    console.sign_in("tess")
    form = console.get("/new-case-study").text
    assert "Library service (optional)" not in form and "One of your library services" in form
    sent = {"ref": "N-4", "title": "Falls review", "organisation": "Northmoor Trust"}
    sent |= {"headline": "Falls down a quarter", "summary": "The library's review helped."}
    page = console.post("/new-case-study", sent)
    assert page.status_code == 400
    assert error_summary(page.text) == ["Library service is required: choose your library service"]
