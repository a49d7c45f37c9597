"""One case study: every field, its state, the cards and posts of every enabled platform
(lengths against each limit, in its unit), warnings, the history with its interface, and
only the decisions the role may take."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from sqlalchemy import select

from scheduler.web.frontend import Frontend
from tests.conftest import case_study_row, escalate
from tests.web.conftest import Console, make_console
from tests.web.content import ESCAPED, load, payload_case_study, submitted
from tests.web.pipeline_data import NORTH, two_services
from tests.web.plan_data import DECEMBER_MORNING, approved, publish
from vignettes.states import SnapshotState
from vignettes.store.models import EngagementSnapshot, Post


def card_links(page: str) -> list[str]:
    """The card images' addresses (each names its case study: `?ref=`)."""
    return re.findall(r'src="(/cards/[0-9a-f]{32}/[a-z]+\.png)\?ref=[^"]+"', page)


def test_the_page_shows_the_cards_posts_and_lengths_of_every_enabled_platform(
    console: Console,
) -> None:
    load(console, case_study_row("C-1", time_saved_hours=30))
    console.add_user("vera", "viewer")
    console.sign_in("vera")
    page = console.get("/case-studies/C-1").text
    links = card_links(page)
    assert [link.rsplit("/", 1)[1] for link in links] == ["x.png", "linkedin.png"]
    for link in links:
        card = console.get(link)
        assert card.status_code == 200 and card.data.startswith(b"\x89PNG")
        assert "immutable" in card.headers["Cache-Control"]
    assert re.search(r"\d+ of 280 weighted characters", page)
    assert re.search(r"\d+ of 3000 characters", page)
    assert "Evidence helped the ward get patients moving a day sooner" in page


def test_a_quote_without_consent_is_said_to_be_withheld(console: Console) -> None:
    load(console, submitted("C-2", quote_consent=None))
    console.add_user("vera", "viewer")
    console.sign_in("vera")
    page = console.get("/case-studies/C-2").text
    assert "Quote withheld: no consent recorded" in page
    assert "No: quote withheld: no consent recorded" in page


def test_the_history_says_who_did_what_when_and_through_which_interface(
    console: Console,
) -> None:
    load(console, submitted("C-3"))
    console.add_user("vera", "viewer")
    console.sign_in("vera")
    page = console.get("/case-studies/C-3").text
    history = page.split('id="history"', 1)[1]
    assert "26 Nov 2026 at 12:00" in history
    assert "operator" in history and "command line" in history and "Imported" in history


def test_each_role_sees_only_the_decisions_it_may_take(console: Console) -> None:
    load(console, submitted("C-4"), case_study_row("C-5"))
    forms = {}
    for role in ("viewer", "editor", "reviewer", "approver"):
        console.add_user(role, role)
        console.sign_in(role)
        page = console.get("/case-studies/C-4").text + console.get("/case-studies/C-5").text
        forms[role] = set(re.findall(r'action="/case-studies/C-\d/(\w+)"', page))
        forms[role] |= {"edit"} if "/case-studies/C-4/edit" in page else set()
        console.sign_out()
    editor = {"edit", "queue", "withdraw"}
    reviewer = editor | {"review", "comments"}
    assert forms == {
        "viewer": set(),
        "editor": editor,
        "reviewer": reviewer,
        "approver": reviewer | {"reject"},  # approve: once a peer review escalates it
    }
    escalate(console.ws.store, "C-4")
    console.sign_in("approver")
    assert "approve" in re.findall(r'action="/case-studies/C-4/(\w+)"', console.get(
        "/case-studies/C-4").text)  # fmt: skip


def test_an_unknown_case_study_or_card_is_not_found(console: Console) -> None:
    console.add_user("vera", "viewer")
    console.sign_in("vera")
    assert console.get("/case-studies/NOPE-1").status_code == 404
    assert console.get("/cards/" + "0" * 32 + "/x.png").status_code == 404
    assert console.get("/cards/../../etc/x.png").status_code == 404


def test_case_study_text_is_shown_as_text(console: Console) -> None:
    load(console, payload_case_study())
    console.add_user("vera", "viewer")
    console.sign_in("vera")
    page = console.get("/case-studies/XSS-1").text
    assert "<script>window.__xss" not in page and "<svg onload" not in page
    assert "<b onmouseover" not in page and 'href="javascript:' not in page
    assert ESCAPED in page


def test_the_page_and_the_list_show_the_month_auto_pick_chose(console: Console) -> None:
    load(console, case_study_row("P-1"), submitted("P-2", showcase_month="2027-03"))
    console.add_user("vera", "viewer")
    console.sign_in("vera")
    page = console.get("/case-studies/P-1").text
    assert "December 2026: auto-pick&#39;s choice" in page and "Not queued" not in page
    assert "As they would go out in December 2026." in page
    assert "Requested for March 2027: queued once approved" in console.get("/case-studies/P-2").text
    row = console.get("/case-studies").text.split('href="/case-studies/P-1"', 1)[1]
    row = row.split("</tr>", 1)[0]
    assert "December 2026" in row and "Auto-pick" in row


def test_one_state_tag_and_the_content_hash_under_technical_details(console: Console) -> None:
    load(console, case_study_row("T-1"))
    console.add_user("vera", "viewer")
    console.sign_in("vera")
    page = console.get("/case-studies/T-1").text
    assert page.count('class="nhsuk-tag') == 1
    technical = page.split("Technical details", 1)[1]
    content_hash = re.search(r"[0-9a-f]{64}", technical)
    assert content_hash and content_hash.group(0) not in page.split("Technical details", 1)[0]


def approvals(page: str) -> str:
    return " ".join(page.split('id="approvals"', 1)[1].split('id="history"')[0].split())


def test_an_approval_s_time_is_shown_only_when_it_is_known(console: Console) -> None:
    load(console, case_study_row("T-2"), submitted("T-3"))  # T-2 approved "2026-06-01" in a file
    escalate(console.ws.store, "T-3")  # a peer review escalated it: it may be approved
    console.add_user("ann", "approver")
    console.sign_in("ann")
    console.post("/case-studies/T-3/approve")
    from_file = approvals(console.get("/case-studies/T-2").text)
    in_console = approvals(console.get("/case-studies/T-3").text)
    assert "1 Jun 2026 </td>" in from_file and "1 Jun 2026 at" not in from_file
    assert "26 Nov 2026 at 12:00" in in_console


def test_its_contributor_finds_the_live_posts_once_it_is_showcased(
    tmp_path: Path, frontend: Frontend
) -> None:
    console = two_services(make_console(tmp_path, frontend, now=DECEMBER_MORNING))
    load(console, approved("N-1", library_service=NORTH))
    console.sign_in("cara")
    assert "Live posts" not in console.get("/case-studies/N-1").text
    publish(console)
    with console.ws.store.read() as session:
        urls = set(session.scalars(select(Post.url).where(Post.state == "posted")))
    page = console.get("/case-studies/N-1").text
    assert "Live posts" in page and len(urls) == 2
    assert all(url in page.split("Live posts", 1)[1] for url in urls)
    console.ws.close()


def test_a_live_post_on_the_web_is_a_link(tmp_path: Path, frontend: Frontend) -> None:
    console = two_services(make_console(tmp_path, frontend, now=DECEMBER_MORNING))
    load(console, approved("N-1", library_service=NORTH))
    publish(console)
    with console.ws.store.write() as session:
        for post in session.scalars(select(Post).where(Post.platform == "x")):
            post.url = "https://x.com/nhs/status/42"
    console.sign_in("cara")
    page = console.get("/case-studies/N-1").text
    assert '<a class="nhsuk-link" href="https://x.com/nhs/status/42">View the post on X</a>' in page
    console.ws.close()


def test_its_contributor_sees_each_live_posts_latest_engagement(
    tmp_path: Path, frontend: Frontend
) -> None:
    console = two_services(make_console(tmp_path, frontend, now=DECEMBER_MORNING))
    load(console, approved("N-1", library_service=NORTH))
    publish(console)
    console.sign_in("cara")
    assert console.get("/case-studies/N-1").text.count("Engagement not measured yet") == 2
    with console.ws.store.write() as session:
        x_post = session.scalars(select(Post).where(Post.platform == "x")).one()
        for label, hours, likes in (("1h", 1, 3), ("24h", 24, 37)):  # the later one counts
            taken = x_post.posted_at + dt.timedelta(hours=hours)  # type: ignore[operator]
            session.add(
                EngagementSnapshot(
                    post_id=x_post.id, platform="x", offset_label=label,
                    offset_seconds=hours * 3600, due_at=taken, state=SnapshotState.TAKEN,
                    taken_at=taken, impressions=1204, likes=likes, reposts=5, replies=1,
                    updated_at=taken,
                )
            )  # fmt: skip
    live = console.get("/case-studies/N-1").text.split("Live posts", 1)[1]
    assert "1,204 impressions, 37 likes, 5 reposts and 1 reply" in live
    assert "3 likes" not in live and live.count("Engagement not measured yet") == 1
    console.ws.close()
