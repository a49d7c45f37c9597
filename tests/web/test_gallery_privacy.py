"""Nothing private reaches a public page: the gallery, every filter and page of it, each
listed case study, its cards' alt text and the feed are rendered from a database full of
private data, and each private value is looked for in every one of them."""

from __future__ import annotations

import html
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from scheduler.operations.content.importing import import_case_studies
from scheduler.web.frontend import Frontend
from tests.conftest import write_import
from tests.web.conftest import OPERATOR, Console
from tests.web.gallery_data import (
    approve_as,
    approved,
    gallery_console,
    load,
    pages,
    reject_as,
    showcase,
    start_ids_at,
    submitted,
)
from vignettes.store.models import Approval, CaseStudy

# Every value below is private: none may appear on any public page or in the feed.
SECRETS = {
    "draft title": "Unreviewed draft about the oncology backlog",
    "draft summary": "Draft summary nobody has reviewed yet",
    "rejected title": "Rejected review of discharge letters",
    "withdrawn title": "Withdrawn study of theatre scheduling",
    "withheld quote": "Only say this if I agree in writing",
    "withheld attribution": "Dr Withheld Person, consultant",
    "reviewer": "Rowena Reviewerson",
    "second reviewer": "Quentin Approverley",
    "rejection reason": "Names a patient's ward: rewrite before resubmitting",
    "reviewer email": "rowena.reviewerson@library.nhs.example",
    "account name": "gallerysecretadmin",
    "account email": "gallerysecretadmin@nhs.example",
    "import file": "private-returns-q3",
    "consent record": "quote_consent",
}
INTERNAL_ID = 987_654


@pytest.fixture
def private_console(tmp_path: Path, frontend: Frontend, db_url: str) -> Iterator[Console]:
    console = gallery_console(tmp_path, frontend, db_url, feed_accepted=True)
    start_ids_at(console, INTERNAL_ID)
    rows = [
        approved("PUB-1", approved_by=SECRETS["reviewer"]),
        approved(
            "PUB-2",
            approved_by=SECRETS["second reviewer"],
            quote_text=SECRETS["withheld quote"],
            quote_attribution=SECRETS["withheld attribution"],
            quote_consent=None,
            region="South West",
        ),
        submitted("DRAFT-1", title=SECRETS["draft title"], summary=SECRETS["draft summary"]),
        approved("REJ-1", title=SECRETS["rejected title"]),
        approved("WD-1", title=SECRETS["withdrawn title"]),
    ]
    path = write_import(tmp_path / f"{SECRETS['import file']}.json", rows)
    import_case_studies(console.ws, OPERATOR, path)
    console.add_user(SECRETS["account name"], "admin")
    reason = f"{SECRETS['rejection reason']} {SECRETS['reviewer email']}"
    reject_as(console, "REJ-1", SECRETS["reviewer"], reason)
    withdrawn = approved("WD-1", title=SECRETS["withdrawn title"], approved_by=None)
    load(console, {**withdrawn, "status": "withdrawn", "approved_on": None})
    showcase(console, "PUB-1")
    yield console
    console.ws.close()


def test_no_public_page_or_feed_shows_anything_private(private_console: Console) -> None:
    crawled = dict(pages(private_console))
    assert "/gallery/case-studies/PUB-1" in crawled  # the crawl reached the listing
    assert any("/cards/" in address for address in crawled)  # and a showcased card
    with private_console.ws.store.read() as session:
        hashes = [h for row in session.execute(select(CaseStudy.content_hash)) for h in row]
        ids = [str(i) for i in session.scalars(select(CaseStudy.id))]
    assert str(INTERNAL_ID + 1) in ids
    for address, body in crawled.items():
        shown = html.unescape(body)
        for what, secret in SECRETS.items():
            assert secret not in shown, f"{what} shown on {address}"
        for value in hashes + [i for i in ids if len(i) > 3]:
            assert value not in shown, f"an internal value ({value}) shown on {address}"


def test_only_listed_case_studies_have_a_public_address(private_console: Console) -> None:
    answers = {
        ref: private_console.get(f"/gallery/case-studies/{ref}").status_code
        for ref in ("PUB-1", "PUB-2", "DRAFT-1", "REJ-1", "WD-1", "NO-SUCH-REF")
    }
    # Rejected and withdrawn after acceptance: gone; never accepted or unknown: the same 404.
    assert answers == {
        "PUB-1": 200,
        "PUB-2": 200,
        "DRAFT-1": 404,
        "REJ-1": 410,
        "WD-1": 410,
        "NO-SUCH-REF": 404,
    }


def test_a_withheld_quote_is_stored_but_on_no_public_page(private_console: Console) -> None:
    page = html.unescape(private_console.get("/gallery/case-studies/PUB-2").text)
    assert "Evidence review on early mobilisation" in page
    assert SECRETS["withheld quote"] not in page
    with private_console.ws.store.read() as session:
        stored = session.scalars(select(CaseStudy.quote_text).where(CaseStudy.ref == "PUB-2"))
        assert stored.one() == SECRETS["withheld quote"]


def test_the_crawl_met_every_kind_of_private_record(private_console: Console) -> None:
    # The secrets above are really in the database the pages were made from.
    with private_console.ws.store.read() as session:
        statuses = dict(session.execute(select(CaseStudy.ref, CaseStudy.status)).all())
        deciders = set(session.scalars(select(Approval.actor)))
    assert statuses["DRAFT-1"] == "submitted"
    assert (statuses["REJ-1"], statuses["WD-1"]) == ("rejected", "withdrawn")
    assert {SECRETS["reviewer"], SECRETS["second reviewer"]} <= deciders
    _ = approve_as  # approvals above came through the import, as a file records them
