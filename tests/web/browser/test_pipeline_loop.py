"""The whole pipeline in real browsers, one profile per person, against the console on a
socket and a real SMTP server on loopback (aiosmtpd): an admin invites a contributor, whose
email brings a link that works once; she drafts a case study and submits it; a reviewer of
another library service asks for changes; she reads the message, edits and submits again;
the reviewer accepts it with all five criteria (escalating it); an approver approves and
queues it; the admin publishes the month (platforms in outbox mode) and the contributor's
"showcased" email names the live posts. The pipeline's pages met on the way pass axe."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from email.message import Message
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from scheduler.web.frontend import Frontend
from tests.mail.smtp_server import Inbox, free_port, smtp_server
from tests.web.browser.conftest import (
    Screenshots,
    Served,
    assert_accessible,
    browsing,
    csp_violations,
    serve,
    sign_in,
)
from tests.web.conftest import PASSWORD, make_console
from tests.web.pipeline_data import NORTH, two_services
from tests.web.plan_data import DECEMBER_MORNING

pytestmark = [pytest.mark.browser, pytest.mark.slow]

NIA = "nia@nhs.example"
TITLE = "Evidence search cut falls on ward 7"
LINK = re.compile(r"\b[a-z]+://\S+")


@pytest.fixture
def loop(tmp_path: Path, frontend: Frontend) -> Iterator[tuple[Served, Inbox]]:
    """1 December 2026 before the slot; the console's [email] is the SMTP server and its
    base_url the console's own address; the two services' people (rita reviews for
    Southdown, ann approves) and ada, an admin."""
    smtp_port, web_port = free_port(), free_port()
    email = {"smtp_host": "127.0.0.1", "smtp_port": smtp_port, "security": "none",
             "from_address": "vignettes@nhs.example", "timeout": "5s"}  # fmt: skip
    base_url = f"http://127.0.0.1:{web_port}"
    console = make_console(tmp_path, frontend, sections={"email": email},
                           now=DECEMBER_MORNING, base_url=base_url)  # fmt: skip
    two_services(console)
    console.add_user("ada", "admin")
    with smtp_server(smtp_port) as (inbox, _), serve(console, web_port) as served:
        yield served, inbox
        console.app.extensions["vignettes.mailer"].wait(30)


def mail(inbox: Inbox, to: str, subject: str) -> Message:
    """The one message to `to` whose subject starts with `subject`, once it arrives (the
    console sends in the background, after answering)."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        found = [m for m in inbox.to(to) if m["Subject"].startswith(subject)]
        if found:
            assert len(found) == 1, f"{len(found)} emails '{subject}' to {to}"
            return found[0]
        time.sleep(0.05)
    raise AssertionError(f"no email '{subject}' to {to}: {[m['Subject'] for m in inbox.messages]}")


def links(message: Message) -> list[str]:
    body = message.get_payload(decode=True)
    assert isinstance(body, bytes)
    return LINK.findall(body.decode(message.get_content_charset() or "utf-8"))


def check(page: Page, screenshots: Screenshots, name: str) -> None:
    """No axe violation, no script or style the CSP blocked (bar the design system's font)."""
    assert_accessible(page)
    screenshots.take(page, f"loop-{name}")
    assert [v for v in csp_violations(page) if not v.startswith("font-src")] == []


def invite_nia(page: Page, served: Served) -> None:
    sign_in(page, served, "ada")
    page.get_by_role("link", name="Users").first.click()
    page.get_by_role("button", name="Invite someone").click()
    page.get_by_label("Email address").fill(NIA)
    page.get_by_label("Contributor", exact=True).check()
    page.get_by_label(NORTH).check()
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_text(f"An invitation is on its way to {NIA}.")).to_be_visible()


def accept_invitation(page: Page, link: str, screenshots: Screenshots) -> None:
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Accept your invitation")
    expect(page.get_by_text(NORTH)).to_be_visible()
    check(page, screenshots, "invitation")
    expect(page.get_by_label("User name")).to_have_value("nia")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Confirm password").fill(PASSWORD)
    page.get_by_role("button", name="Create my account").click()
    expect(page.get_by_text("Welcome, nia: you are signed in as contributor.")).to_be_visible()


def draft_and_submit(page: Page) -> None:
    page.get_by_role("link", name="Case studies").first.click()
    page.get_by_role("button", name="Add a case study").click()
    page.get_by_label("Reference").fill("NM-2026-01")
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("Organisation").fill("Northmoor Hospitals NHS Trust")
    page.get_by_label("Card headline").fill("A library search cut falls on ward 7 by a quarter")
    page.get_by_label("Summary").fill("The ward asked the library for the evidence on falls.")
    page.locator("#time_saved_hours").fill("30")
    page.locator("#quote_text").fill("The search changed how we work.")
    page.locator("#quote_attribution").fill("Sam Lee, ward manager")
    page.locator("#quote_consent").check()
    page.locator("#contains_patient_data-2").check()
    page.get_by_role("button", name="Add case study").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.get_by_text("NM-2026-01 is saved as a draft")).to_be_visible()
    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_text("Waiting for a peer reviewer of another library")).to_be_visible()


def review(page: Page, met: str, decision: str, message: str = "") -> None:
    for n in range(1, 6):
        page.locator(f"#met_{n}" if str(n) in met else f"#met_{n}-2").check()
    page.get_by_label(decision, exact=True).check()
    page.get_by_label("Message to the contributor").fill(message)
    page.get_by_role("button", name="Save review").click()


def open_from_home(page: Page, served: Served, title: str) -> None:
    page.goto(served.url)
    page.get_by_role("link", name=title).first.click()


def own_reviewer_is_refused(page: Page, served: Served) -> None:
    """rob reviews for Northmoor: its case study is not in his queue, nor his to review."""
    sign_in(page, served, "rob")
    expect(page.get_by_role("link", name=TITLE)).to_have_count(0)
    page.goto(served.url + "case-studies/NM-2026-01")
    expect(page.get_by_text("a reviewer of another library service reviews it")).to_be_visible()
    expect(page.get_by_role("button", name="Save review")).to_have_count(0)


def edit_and_resubmit(page: Page, served: Served) -> None:
    page.goto(served.url)
    expect(page.get_by_role("row", name=TITLE)).to_contain_text("Changes requested")
    page.get_by_role("link", name=TITLE).click()
    expect(page.get_by_text("Say what the library did, and how many falls.")).to_be_visible()
    page.get_by_role("link", name="Edit this case study").click()
    page.locator("#library_contribution").fill("A librarian searched and summarised.")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("Your changes to NM-2026-01 are saved.")).to_be_visible()
    page.get_by_role("button", name="Submit for review").click()
    page.goto(served.url)
    expect(page.get_by_role("row", name=TITLE)).to_contain_text("Submitted")


def approve_and_queue(page: Page, served: Served) -> None:
    sign_in(page, served, "ann")
    open_from_home(page, served, TITLE)
    page.get_by_role("button", name="Approve").click()
    expect(page.get_by_text("NM-2026-01 is approved.")).to_be_visible()
    page.get_by_label("Queue it for a month").select_option("2026-12")
    page.get_by_role("button", name="Queue").click()
    expect(page.get_by_text("NM-2026-01 is queued for December 2026")).to_be_visible()


def publish_now(page: Page, served: Served) -> None:
    page.goto(served.url)
    page.get_by_role("button", name="Publish December 2026 now").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Publish December 2026 now")
    page.get_by_role("button", name="Publish December 2026 now").click()
    expect(page.get_by_text("December 2026 published now:")).to_be_visible()


def live_posts(page: Page, served: Served) -> list[str]:
    """The addresses the case study's page gives for its posts, X's and LinkedIn's (in
    outbox mode each is its file in the outbox, shown as text)."""
    open_from_home(page, served, TITLE)
    expect(page.get_by_role("heading", name="Live posts")).to_be_visible()
    live = page.locator(".app-live-posts li").all_inner_texts()
    assert [text.split(":")[0] for text in live] == ["LinkedIn", "X"]
    assert all("Engagement not measured yet" in text for text in live)  # published just now
    return sorted(page.locator(".app-live-posts .app-break").all_inner_texts())


def test_a_case_study_goes_from_invitation_to_showcase(
    loop: tuple[Served, Inbox], chromium: Browser, screenshots: Screenshots
) -> None:
    served, inbox = loop
    with browsing(chromium) as ada, browsing(chromium) as nia, browsing(chromium) as rita:
        invite_nia(ada, served)
        [link] = links(mail(inbox, NIA, "Your invitation"))
        assert link.startswith(served.url + "invitation/")
        accept_invitation(nia, link, screenshots)
        with browsing(chromium) as again:
            again.goto(link)
            expect(again.get_by_text("The link has been used already")).to_be_visible()
        draft_and_submit(nia)
        mail(inbox, "rita@nhs.example", "Submitted for review")
        with browsing(chromium) as rob:
            own_reviewer_is_refused(rob, served)
        assert inbox.to("rob@nhs.example") == []

        sign_in(rita, served, "rita")
        open_from_home(rita, served, TITLE)
        check(rita, screenshots, "review-form")
        review(rita, "12", "Request changes", "Say what the library did, and how many falls.")
        expect(rita.get_by_role("heading", name="Changes requested")).to_be_visible()
        mail(inbox, NIA, "Changes requested")
        edit_and_resubmit(nia, served)

        open_from_home(rita, served, TITLE)
        review(rita, "12345", "Accept", "Clear, quantified and quoted.")
        expect(rita.get_by_role("heading", name="Accepted and escalated")).to_be_visible()
        mail(inbox, NIA, "Accepted and escalated")
        mail(inbox, "ann@nhs.example", "Escalated for approval")
        with browsing(chromium) as ann:
            approve_and_queue(ann, served)
        publish_now(ada, served)

        showcased = links(mail(inbox, NIA, "Showcased"))
        assert live_posts(nia, served) == sorted(a for a in showcased if "/outbox/" in a)
        nia.get_by_role("link", name="nia (contributor)").click()
        check(nia, screenshots, "account")
