"""Who is told what by email, and the words: put in the outbox within the transaction of
the act that causes it (so a rolled-back act tells nobody), sent later by the daemon or
the console (`scheduler.mail`), never blocking the act.

- a contributor (every enabled contributor account of the case study's library service):
  changes requested, accepted, escalated, rejected, showcased (with the live posts);
- reviewers (accounts whose role is reviewer, not of that service): a new submission, at
  once or in a daily digest, as each chooses;
- approvers (accounts whose role is approver): a case study escalated.

An email says no more than the case study's title and where to read the rest: the
console's address for it (`[web] base_url`), and for a showcased one the posts' public
links. Each message's key names the event and the person: at most one email each.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from vignettes.store.account_models import User
from vignettes.store.models import CaseStudy
from vignettes.store.outbox import enqueue, pending_by_key
from vignettes.store.pipeline_models import Review, user_services

SIGNATURE = "\n\n-- \nImpact vignettes (this address does not read replies)\n"
DIGEST_HOUR = 8


@dataclass(frozen=True)
class Links:
    """The console's public address (`[web] base_url`, "" when not configured) and the time
    zone daily digests are sent in (at 08:00)."""

    base_url: str = ""
    timezone: str = "Europe/London"

    def case_study(self, ref: str) -> str:
        path = f"/case-studies/{ref}"
        if not self.base_url:
            return f"{path} in the console (ask an admin for its address)"
        return self.base_url.rstrip("/") + path

    def home(self) -> str:
        return self.base_url.rstrip("/") + "/" if self.base_url else "the console"


def _title(cs: CaseStudy) -> str:
    return " ".join(cs.title.split())


def _subject(what: str, cs: CaseStudy) -> str:
    title = _title(cs)
    return f"{what}: {title[:150]}{'…' if len(title) > 150 else ''}"


def contributors_of(session: Session, cs: CaseStudy) -> list[User]:
    if cs.library_service_id is None:
        return []
    stmt = (
        select(User)
        .join(user_services, user_services.c.user_id == User.id)
        .where(user_services.c.service_id == cs.library_service_id, User.role == "contributor")
    )
    return [u for u in session.scalars(stmt.order_by(User.id)) if _reachable(u)]


def reviewers_for(session: Session, cs: CaseStudy) -> list[User]:
    """Reviewers who may review `cs`: not of its library service."""
    own = select(user_services.c.user_id).where(user_services.c.service_id == cs.library_service_id)
    stmt = select(User).where(User.role == "reviewer")
    if cs.library_service_id is not None:
        stmt = stmt.where(User.id.not_in(own))
    return [u for u in session.scalars(stmt.order_by(User.id)) if _reachable(u)]


def approvers(session: Session) -> list[User]:
    stmt = select(User).where(User.role == "approver").order_by(User.id)
    return [u for u in session.scalars(stmt) if _reachable(u)]


def _reachable(user: User) -> bool:
    return bool(user.email) and user.disabled_at is None


def _tell(
    session: Session, users: Sequence[User], key: str, subject: str, body: str, now: dt.datetime
) -> int:
    told = 0
    for user in users:
        assert user.email is not None
        told += enqueue(session, key=f"{key}:{user.id}", to_address=user.email,
                        subject=subject, body=body + SIGNATURE, now=now,
                        user_id=user.id)  # fmt: skip
    return told


def submitted(session: Session, cs: CaseStudy, number: int, links: Links, now: dt.datetime) -> int:
    """Tell reviewers that `cs` was submitted (its `number`th submission)."""
    told = 0
    at_once = []
    for user in reviewers_for(session, cs):
        if user.submission_emails == "daily":
            told += _digest(session, user, cs, links, now)
        else:
            at_once.append(user)
    body = (
        f'The case study "{_title(cs)}" is waiting for a peer review.\n\n'
        f"Review it in the console: {links.case_study(cs.ref)}"
    )
    subject = _subject("Submitted for review", cs)
    return told + _tell(session, at_once, f"submitted:{cs.ref}:{number}", subject, body, now)


def _digest(session: Session, user: User, cs: CaseStudy, links: Links, now: dt.datetime) -> int:
    """Add `cs` to `user`'s digest for today, sent tomorrow at 08:00 local time."""
    zone = ZoneInfo(links.timezone)
    today = now.astimezone(zone).date()
    key = f"digest:{user.id}:{today.isoformat()}"
    line = f'- "{_title(cs)}": {links.case_study(cs.ref)}'
    waiting = pending_by_key(session, key)
    if waiting is not None:
        if line not in waiting.body:
            head, sep, tail = waiting.body.partition(SIGNATURE)
            waiting.body = f"{head}\n{line}{sep}{tail}"
        return 0
    send_at = dt.datetime.combine(today + dt.timedelta(days=1), dt.time(DIGEST_HOUR), zone)
    body = f"Case studies submitted for peer review on {today:%-d %B %Y}:\n\n{line}"
    assert user.email is not None
    subject = f"Case studies submitted for review on {today:%-d %B %Y}"
    added = enqueue(session, key=key, to_address=user.email, user_id=user.id, now=now,
                    subject=subject, body=body + SIGNATURE,
                    not_before=send_at.astimezone(dt.UTC))  # fmt: skip
    return int(added)


_OUTCOME = {
    "changes_requested": (
        "Changes requested",
        "A peer reviewer has asked for changes to your case study",
        "Read their message, edit the case study and submit it again",
    ),
    "accepted": (
        "Accepted",
        "Your case study has been accepted into the national listing",
        "See the review",
    ),
    "escalated": (
        "Accepted and escalated",
        "Your case study has been accepted into the national listing and escalated to the "
        "national leads to become an impact vignette",
        "See the review",
    ),
    "rejected": (
        "Not accepted",
        "Your case study has not been accepted",
        "Read why",
    ),
}


def reviewed(
    session: Session, cs: CaseStudy, review: Review, links: Links, now: dt.datetime
) -> int:
    """Tell the contributors what the review decided, and approvers of an escalation."""
    what, sentence, action = _OUTCOME[review.outcome]
    body = f'{sentence}: "{_title(cs)}".\n\n{action} in the console: {links.case_study(cs.ref)}'
    told = _tell(session, contributors_of(session, cs), f"review:{review.id}",
                 _subject(what, cs), body, now)  # fmt: skip
    if review.outcome == "escalated":
        told += escalated(session, cs, f"review:{review.id}", links, now)
    return told


def escalated(session: Session, cs: CaseStudy, event: str, links: Links, now: dt.datetime) -> int:
    body = (
        f'The case study "{_title(cs)}" meets all five criteria and waits for approval for '
        f"showcase.\n\nApprove it in the console: {links.case_study(cs.ref)}"
    )
    return _tell(session, approvers(session), f"escalated:{event}",
                 _subject("Escalated for approval", cs), body, now)  # fmt: skip


def rejected(session: Session, cs: CaseStudy, event: str, links: Links, now: dt.datetime) -> int:
    """An approver rejected `cs` (after review): tell its contributors."""
    what, sentence, action = _OUTCOME["rejected"]
    body = f'{sentence}: "{_title(cs)}".\n\n{action} in the console: {links.case_study(cs.ref)}'
    return _tell(session, contributors_of(session, cs), f"rejected:{event}",
                 _subject(what, cs), body, now)  # fmt: skip


def showcased(
    session: Session, cs: CaseStudy, month: str, urls: Sequence[str], links: Links, now: dt.datetime
) -> int:
    """Tell the contributors that `cs` is out, with the public links of its posts."""
    posts = "\n".join(f"- {url}" for url in urls) or "- (the posts' links are in the console)"
    body = (
        f'Your case study "{_title(cs)}" is this month\'s impact vignette. It is live:\n\n'
        f"{posts}\n\nSee it and its engagement in the console: {links.case_study(cs.ref)}"
    )
    return _tell(session, contributors_of(session, cs), f"showcased:{cs.ref}:{month}",
                 _subject("Showcased", cs), body, now)  # fmt: skip
