"""Library services (admins): the directory with each service's region, organisations and
count of case studies; add one (a name that differs only by case is refused); change its
region and organisations, never its name; nobody else reaches it."""

from __future__ import annotations

import pytest

from scheduler.operations.pipeline.services import list_services
from tests.web.conftest import OPERATOR, Console
from tests.web.content import load, submitted
from tests.web.plan_data import problems


@pytest.fixture
def admin(console: Console) -> Console:
    console.add_user("ada", "admin")
    console.sign_in("ada")
    return console


def directory(console: Console) -> dict[str, tuple[str, tuple[str, ...], int]]:
    return {s.name: (s.region, s.organisations, s.case_studies)
            for s in list_services(console.ws, OPERATOR)}  # fmt: skip


def test_an_admin_sees_the_directory_with_its_counts(admin: Console) -> None:
    load(admin, submitted("S-1"), submitted("S-2"))
    page = admin.get("/services").text
    assert "Northmoor Healthcare Library" in page and "North West" in page
    row = page.split("Northmoor Healthcare Library", 1)[1].split("</tr>", 1)[0]
    assert ">2</td>" in row.replace(" ", "").replace("\n", "")
    assert directory(admin)["Northmoor Healthcare Library"][2] == 2


def test_an_admin_adds_a_service_with_its_organisations(admin: Console) -> None:
    form = {"name": " Fellside Library ", "region": "North East"}
    done = admin.post("/services/new", {**form, "organisations": "Fellside Trust\n\nFell ICB\n"})
    assert done.location == "/services"
    assert "Fellside Library is in the directory." in admin.get("/services").text
    assert directory(admin)["Fellside Library"] == ("North East", ("Fell ICB", "Fellside Trust"), 0)


@pytest.mark.parametrize(
    ("form", "problem"),
    [
        ({"name": "", "region": "North"}, "The name is required"),
        ({"name": "northmoor healthcare library"},
         'There is already a library service called "Northmoor Healthcare Library"'),
        ({"name": "Fell", "region": "x" * 61}, "The region is 61 characters"),
    ],
)  # fmt: skip
def test_a_service_that_cannot_be_added_is_named_in_the_error_summary(
    admin: Console, form: dict[str, str], problem: str
) -> None:
    page = admin.post("/services/new", form)
    assert page.status_code == 400
    [said] = problems(page.text)
    assert said.startswith(problem)
    assert set(directory(admin)) == {"Northmoor Healthcare Library"}


def test_an_admin_changes_a_services_region_and_organisations_not_its_name(
    admin: Console,
) -> None:
    [service] = list_services(admin.ws, OPERATOR)
    page = admin.get(f"/services/{service.id}").text
    assert 'name="name"' not in page and "keeps its name" in page
    admin.post(f"/services/{service.id}", {"region": "Cumbria", "organisations": "Fell Trust"})
    assert directory(admin)["Northmoor Healthcare Library"][:2] == ("Cumbria", ("Fell Trust",))
    assert admin.get("/services/999").status_code == 404


@pytest.mark.parametrize("role", ["viewer", "editor", "reviewer", "approver"])
def test_only_admins_reach_the_directory(console: Console, role: str) -> None:
    console.add_user("sam", role)
    console.sign_in("sam")
    assert console.get("/services").status_code == 403
    assert console.post("/services/new", {"name": "Sneaky Library"}).status_code == 403
    assert "Sneaky Library" not in directory(console)
