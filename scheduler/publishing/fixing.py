"""Fixing a month's case study on its slot before anything is sent: the queued one, or an
auto-pick, re-checked against its approval and content hash (invariant 1). A month whose
case study changed, or that has nothing to show, is stopped here with the reason on the
slot and an alert for a person.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from scheduler.alerts import Alerter
from scheduler.config import Config
from scheduler.publishing.outcomes import GRACE_ENDED
from scheduler.publishing.snapshot import MonthReport, Snapshot
from vignettes.content import CHANGED_OUTSIDE
from vignettes.planning.selection import pick_first
from vignettes.planning.slots import Month, SlotTime
from vignettes.store.models import CaseStudy, MonthlySlot, Post
from vignettes.store.queries import (
    CandidatePool,
    Store,
    audit,
    get_case_study,
    get_slot,
    lock_month,
    organisations_by_month,
)


class SlotFixer:
    """One month's fixing step, in one write transaction. Alerts it wants raised or resolved
    are collected in `deferred` and `resolved_on_commit` for the caller to deliver after the
    commit: on SQLite a second write transaction inside this one would wait on our own lock."""

    def __init__(
        self,
        store: Store,
        config: Config,
        alerts: Alerter,
        *,
        instance: str,
        via: str,
        slot: Callable[[Month], SlotTime],
        actor: str | None = None,
    ) -> None:
        self.store = store
        self.config = config
        self.alerts = alerts
        self.instance = instance
        self.actor = actor or instance  # whom the audit trail names
        self.via = via
        self.slot = slot
        self.deferred: list[tuple[str, str, str]] = []
        # Auto-picks released in this run: not picked again at once (a case study changed
        # outside impact-vignettes still looks approved to the candidates' query).
        self.released: set[str] = set()
        self.resolved_on_commit: list[str] = []

    def fix(
        self, month: Month, report: MonthReport, now: dt.datetime, *, manual: bool
    ) -> Snapshot | None:
        with self.store.write() as session:
            lock_month(session, month)
            slot = get_slot(session, month)
            if slot is None:
                slot = MonthlySlot(month=str(month), state="planned", reason="")
                session.add(slot)
            report.slot_state = slot.state
            if manual and slot.state in ("missed", "skipped"):
                self._reopen(session, slot, month, now)
            if slot.state in ("published", "missed", "skipped"):
                report.notes.append(f"{month} is already {slot.state}")
                return None
            slot.scheduled_at = self.slot(month).utc
            # Twice at most: an auto-pick edited before anything was sent is released and
            # chosen again at once.
            for _ in range(2):
                if slot.case_study is None and not self._auto_pick_into(
                    session, slot, month, report
                ):
                    return None
                cs = slot.case_study
                assert cs is not None
                report.ref = cs.ref
                content = cs.content()
                current = content.content_hash()
                if cs.approval_is_current and current == cs.approved_hash == cs.content_hash:
                    break
                if not self._blocked(session, slot, cs, month, report, now):
                    return None
            else:
                return None
            if slot.fixed_at is None:
                slot.fixed_at = now
                audit(
                    session,
                    at=now,
                    actor=self.actor,
                    via=self.via,
                    action="slot_fixed",
                    ref=cs.ref,
                    month=str(month),
                    source=slot.source,
                    content_hash=current,
                )
            slot.content_hash = current
            if slot.state == "planned":
                slot.state = "publishing"
            slot.reason = ""
            snapshot = Snapshot(slot.id, cs.id, month, content, current)
        self.alerts.resolve(f"blocked:{month}", now=now)
        self.alerts.resolve(f"empty:{month}", now=now)
        return snapshot

    def _reopen(self, session: Session, slot: MonthlySlot, month: Month, now: dt.datetime) -> None:
        """A person asked to publish a month the daemon gave up on: let it go out late.
        Posts that failed only because the grace window ended may be sent again."""
        audit(
            session,
            at=now,
            actor=self.actor,
            via=self.via,
            action="reopened",
            month=str(month),
            previous_state=slot.state,
        )
        slot.state = "publishing" if slot.case_study_id is not None else "planned"
        slot.reason = ""
        for post in session.scalars(select(Post).where(Post.slot_id == slot.id)):
            if post.state == "failed" and GRACE_ENDED in post.reason:
                post.state, post.next_attempt_at, post.updated_at = "pending", None, now
        self.resolved_on_commit.append(f"missed:{month}")

    def _auto_pick_into(
        self, session: Session, slot: MonthlySlot, month: Month, report: MonthReport
    ) -> bool:
        if not self.config.selection.auto_pick:
            slot.reason = "nothing queued and auto_pick is off"
        else:
            result = pick_first(
                month,
                CandidatePool(session, self.config.selection.prefer_ready),
                organisations_by_month(session),
                self.config.selection.avoid_same_organisation_months,
                exclude=self.released,
            )
            if result.candidate is not None:
                slot.case_study_id = get_case_study(session, result.candidate.ref).id
                slot.source = "auto"
                session.flush()
                session.refresh(slot)
                return True
            slot.reason = result.reason
        report.notes.append(f"{month}: nothing to publish: {slot.reason}")
        self.deferred.append(
            (
                f"empty:{month}",
                "critical",
                f"{month} has no case study to showcase: {slot.reason}. Queue one with "
                f"`vignettes queue {month} REF`.",
            )
        )
        return False

    def _blocked(
        self,
        session: Session,
        slot: MonthlySlot,
        cs: CaseStudy,
        month: Month,
        report: MonthReport,
        now: dt.datetime,
    ) -> bool:
        why = (
            f"{cs.ref}: {CHANGED_OUTSIDE}"
            if cs.changed_outside
            else f"{cs.ref} changed after approval"
            if cs.approved_hash is None and cs.approvals and cs.approvals[-1].decision == "voided"
            else f"{cs.ref} is not approved ({cs.status})"
        )
        # A row may exist on the platform if it is posted, in flight or unknown, or if an
        # earlier send of it was ambiguous and never proven absent (even when back to
        # pending for a retry). Only failures known to have posted nothing allow a re-pick.
        sent = session.scalars(
            select(Post).where(
                Post.slot_id == slot.id,
                Post.state.in_(("posted", "sending", "unknown"))
                | Post.ambiguous_send_at.is_not(None)
                | Post.duplicate_probe_at.is_not(None),
            )
        ).first()
        if slot.source == "auto" and sent is None:
            # Nothing went out yet: let auto-pick choose again rather than lose the month.
            self.released.add(cs.ref)
            slot.case_study_id = None
            slot.fixed_at = None
            slot.source = None
            for post in session.scalars(select(Post).where(Post.slot_id == slot.id)):
                session.delete(post)
            audit(
                session,
                at=now,
                actor=self.actor,
                via=self.via,
                action="auto_pick_released",
                ref=cs.ref,
                month=str(month),
                reason=why,
            )
            report.notes.append(f"{why}: auto-pick released it and chooses again")
            session.flush()
            session.refresh(slot)
            return True
        slot.reason = f"not sent: {why}"
        report.notes.append(slot.reason)
        text = (
            f"{month}: {why}, so nothing was sent. Re-approve it (`vignettes approve "
            f"{cs.ref} --by NAME`) or queue another case study."
        )
        self.deferred.append((f"blocked:{month}", "critical", text))
        return False
