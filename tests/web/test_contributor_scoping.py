"""Library staff in the console: a contributor of service A sees A's case studies and
nothing else: service B's page, card and actions answer 404, as do the plan, import,
users and the audit log; B is in no list, search or count."""

from __future__ import annotations

import pytest

from scheduler.operations.content.editing import add_case_study
from tests.conftest import case_study_row, seed_directory
from tests.web.conftest import OPERATOR, Console

NORTH, SOUTH = "Northmoor Healthcare Library", "Southdown Library Service"


@pytest.fixture
def two_services(console: Console) -> Console:
    seed_directory(console.ws.store, NORTH, SOUTH)
    for ref, service in (("A-1", NORTH), ("B-1", SOUTH)):
        row = case_study_row(ref, status=None, approved_by=None, approved_on=None,
                             library_service=service, title=f"Title of {ref}")  # fmt: skip
        add_case_study(console.ws, OPERATOR, {k: v for k, v in row.items() if k != "status"})
    console.add_user("cara", "contributor", services=(NORTH,))
    console.sign_in("cara")
    return console


def test_a_contributor_sees_their_own_case_study(two_services: Console) -> None:
    page = two_services.get("/case-studies/A-1")
    assert page.status_code == 200 and "Title of A-1" in page.text


@pytest.mark.parametrize(
    "path",
    ["/case-studies/B-1", "/case-studies/B-1/edit", "/plan", "/import", "/users", "/audit",
     "/engagement"],
)  # fmt: skip
def test_everything_else_is_not_there_for_them(two_services: Console, path: str) -> None:
    assert two_services.get(path).status_code == 404


def test_other_services_actions_are_not_there_either(two_services: Console) -> None:
    for action in ("approve", "reject", "queue"):
        assert two_services.post(f"/case-studies/B-1/{action}").status_code == 404


def test_b_is_in_no_list_search_or_count(two_services: Console) -> None:
    listing = two_services.get("/case-studies?q=Title").text
    assert "A-1" in listing and "B-1" not in listing and "Title of B-1" not in listing
    home = two_services.get("/").text
    assert "A-1" in home and "B-1" not in home


def test_a_card_of_another_service_is_not_served(two_services: Console) -> None:
    two_services.sign_out()
    two_services.add_user("vera", "viewer")
    two_services.sign_in("vera")
    page = two_services.get("/case-studies/B-1").text
    key = page.split("/cards/", 1)[1].split("/", 1)[0]
    assert two_services.get(f"/cards/{key}/x.png?ref=B-1").status_code == 200
    two_services.sign_out()
    two_services.sign_in("cara")
    assert two_services.get(f"/cards/{key}/x.png?ref=B-1").status_code == 404
    assert two_services.get(f"/cards/{key}/x.png").status_code == 404
