"""Home's queues for each person: a reviewer's (oldest submission first, never their own
service's), an approver's escalated case studies, a contributor's own with what to do
next. Each shows its first ten and how many in all, with a link to the whole list: a home
page stays the same size however long the queue grows."""

from __future__ import annotations

import re

from tests.conftest import NOW, escalate
from tests.web.conftest import Console
from tests.web.content import load, submitted
from tests.web.pipeline_data import NORTH, draft, two_services


def queue_refs(page: str, queue_id: str) -> list[str]:
    section = page.split(f'id="{queue_id}"', 1)[1].split("<h2", 1)[0]
    return re.findall(r"\((Q-\d+)\)", section)


def submit_many(console: Console, count: int, start: int = 0) -> None:
    rows = [submitted(f"Q-{n:03}", library_service=NORTH) for n in range(start, start + count)]
    load(console, *rows)


def test_a_reviewer_sees_the_ten_oldest_submissions_and_how_many_there_are(
    console: Console,
) -> None:
    two_services(console)
    submit_many(console, 12)
    console.sign_in("rita")
    page = console.get("/").text
    assert queue_refs(page, "review-queue") == [f"Q-{n:03}" for n in range(10)]
    assert "12 in all" in page and 'href="/case-studies?status=submitted"' in page
    console.sign_out()
    console.sign_in("rob")  # Northmoor's own reviewer: none of these is his to review
    page = console.get("/").text  # his to-do list has no review section
    assert 'id="review-queue"' not in page and "Q-000" not in page


def test_home_stays_the_same_size_however_many_wait(console: Console) -> None:
    two_services(console)
    submit_many(console, 22)
    for n in range(11):
        escalate(console.ws.store, f"Q-{n:03}", NOW)
    console.sign_in("ann")
    before = console.get("/").text
    assert "11 in all" in before  # escalated: ten shown
    submit_many(console, 300, start=22)
    for n in range(22, 322, 2):
        escalate(console.ws.store, f"Q-{n:03}", NOW)
    page = console.get("/").text
    assert "161 in all" in page and "161 in all" in page.split('id="waiting-approval"')[1]
    assert abs(len(page) - len(before)) < 100  # ten rows of each queue, whatever waits


def test_a_contributor_sees_what_needs_them_first(console: Console) -> None:
    two_services(console)
    for n in range(12):
        draft(console, f"Q-{n:03}")
    console.sign_in("cara")
    console.post("/case-studies/Q-000/submit")
    page = console.get("/").text
    refs = re.findall(r"\((Q-\d+)\)", page)
    assert len(refs) == 10 and "Q-000" not in refs  # drafts, which need her, come first
    assert "12 in all" in page
