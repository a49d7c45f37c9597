"""Every query the project makes, behind one small `Store` seam.

`Store.write()` is the only way to change data: one transaction, taken with the write lock
up front on SQLite, committed on success and rolled back on any exception, so a failed
import or approval leaves the database exactly as it was.

`Store.open`, `read()` and `write()` are also where driver faults (a damaged file, a
read-only folder, a lock held too long, a full disk, a schema from a newer version) become
the typed one-line errors of `vignettes.store.faults`; nothing above sees a driver exception
except constraint violations, which callers handle.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from vignettes.errors import NotFound
from vignettes.planning.slots import Month
from vignettes.readiness import NOT_READY, Readiness, quantified_sql, quote_sql, score_sql
from vignettes.states import APPROVED_STATES
from vignettes.store.db import DEFAULT_BUSY_TIMEOUT, WRITE_OPTION, create_db_engine, migrate
from vignettes.store.faults import database_fault, is_fault
from vignettes.store.liveness import DatabaseFile, probe
from vignettes.store.models import AuditEvent, CaseStudy, MonthlySlot, RenderCheck
from vignettes.store.pipeline_models import LibraryService

# States in which a slot's case study counts as shown to the world.
SHOWCASED_STATES = ("publishing", "published", "partial")


# What a driver raises for a fault of the database itself (sqlite3 raises some of them
# unwrapped from the connect hook); `is_fault` leaves constraint violations alone.
_DRIVER_ERRORS = (DBAPIError, sqlite3.Error)


class Store:
    def __init__(self, engine: Engine, *, busy_timeout: float = DEFAULT_BUSY_TIMEOUT) -> None:
        self.engine = engine
        self.busy_timeout = busy_timeout
        # The SQLite file as opened: reads and writes stop if another takes its place.
        self.file = DatabaseFile.of(engine)
        self._reader = sessionmaker(engine, expire_on_commit=False)
        self._writer = sessionmaker(
            engine.execution_options(**{WRITE_OPTION: True}), expire_on_commit=False
        )

    @classmethod
    def open(cls, url: str, *, busy_timeout: float = DEFAULT_BUSY_TIMEOUT) -> Store:
        """Connect, and migrate the schema on first use. `busy_timeout` (seconds) is how
        long to wait for another process's lock. Raises a StoreError from
        `vignettes.store.faults` (DatabaseURLInvalid, exit 78, for a URL that cannot be used)."""
        engine = create_db_engine(url, busy_timeout=busy_timeout)
        try:
            migrate(engine)
        except _DRIVER_ERRORS as exc:
            engine.dispose()
            raise database_fault(exc, url, busy_timeout=busy_timeout) from exc
        except BaseException:
            engine.dispose()
            raise
        return cls(engine, busy_timeout=busy_timeout)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def _fault(self, exc: BaseException) -> Exception:
        # The full URL only goes to `database_fault`, which names the database without
        # its password and masks the password in the driver's words.
        url = self.engine.url.render_as_string(hide_password=False)
        return database_fault(exc, url, busy_timeout=self.busy_timeout)

    def check_file(self) -> None:
        """Raises DatabaseGone when the SQLite file this store opened was moved away,
        replaced or emptied since (`vignettes.store.liveness`); nothing for PostgreSQL."""
        if self.file is not None:
            self.file.check()

    def probe(self) -> str:
        """The schema revision, read from a real table through a fresh connection; raises
        a StoreError when the database cannot answer (the health check)."""
        # The probe's own connection is the driver's, not SQLAlchemy's: its errors come
        # unwrapped.
        unwrapped = self.engine.dialect.loaded_dbapi.Error
        try:
            return probe(self.engine, self.file, timeout=min(self.busy_timeout, 5.0))
        except (*_DRIVER_ERRORS, unwrapped) as exc:
            raise self._fault(exc) from exc

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for reading; raises a `vignettes.store.faults` StoreError for a fault, or
        DatabaseGone when the file opened is no longer the database's."""
        self.check_file()
        try:
            with self._reader() as session:
                yield session
        except _DRIVER_ERRORS as exc:
            if not is_fault(exc):
                raise
            raise self._fault(exc) from exc

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One transaction, committed on success, rolled back on any exception; raises a
        `vignettes.store.faults` StoreError for a fault (constraint violations pass through),
        or DatabaseGone when the file opened is no longer the database's."""
        self.check_file()
        try:
            with self._writer() as session, session.begin():
                yield session
        except _DRIVER_ERRORS as exc:
            if not is_fault(exc):
                raise
            raise self._fault(exc) from exc

    def close(self) -> None:
        self.engine.dispose()


def audit(
    session: Session,
    *,
    at: dt.datetime,
    actor: str,
    action: str,
    ref: str = "",
    month: str = "",
    via: str = "",
    **detail: Any,
) -> None:
    """Append one line to the audit trail: who (`actor`), through which interface (`via`:
    "cli", "web" or "daemon"), did what, to which case study or month."""
    session.add(
        AuditEvent(at=at, actor=actor, action=action, ref=ref, month=month, via=via, detail=detail)
    )


def get_case_study(session: Session, ref: str) -> CaseStudy:
    found = session.scalars(select(CaseStudy).where(CaseStudy.ref == ref)).first()
    if found is None:
        raise NotFound("case study", ref)
    return found


def case_studies_by_ref(session: Session, refs: Sequence[str]) -> dict[str, CaseStudy]:
    found: dict[str, CaseStudy] = {}
    for start in range(0, len(refs), 500):
        chunk = refs[start : start + 500]
        for cs in session.scalars(select(CaseStudy).where(CaseStudy.ref.in_(chunk))):
            found[cs.ref] = cs
    return found


@dataclass(frozen=True)
class CaseStudyRow:
    """A light row for listings (no ORM objects: `list` stays fast on 10,000 rows)."""

    ref: str
    title: str
    organisation: str
    region: str
    status: str
    approved_by: str | None
    approved_at: dt.datetime | None
    approval_current: bool
    month: str | None
    readiness: Readiness = NOT_READY
    library_service: str = ""
    submitted_at: dt.datetime | None = None
    # The newest review as `vignettes.workflow.review_json` gives it, or None.
    latest_review: dict[str, Any] | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "ref": self.ref,
            "title": self.title,
            "organisation": self.organisation,
            "library_service": self.library_service,
            "region": self.region,
            "status": self.status,
            "state": self.status,
            "submitted_at": self.submitted_at.isoformat() if self.submitted_at else None,
            "latest_review": self.latest_review,
            "approved_by": self.approved_by,
            "approved_at": self.approved_at.isoformat() if self.approved_at else None,
            "approval_current": self.approval_current,
            "month": self.month,
            "readiness": self.readiness.to_json(),
        }


def list_case_studies(
    session: Session, status: str | None = None, services: frozenset[int] | None = None
) -> list[CaseStudyRow]:
    """Every case study (with `status`; of `services` only, unless None), by ref."""
    stmt = (
        select(
            CaseStudy.ref,
            CaseStudy.title,
            CaseStudy.organisation,
            CaseStudy.region,
            CaseStudy.status,
            CaseStudy.approved_by,
            CaseStudy.approved_at,
            CaseStudy.approved_hash,
            CaseStudy.content_hash,
            MonthlySlot.month,
            quote_sql().label("has_quote"),
            quantified_sql().label("quantified"),
            LibraryService.name.label("service"),
            CaseStudy.submitted_at,
        )
        .outerjoin(MonthlySlot, MonthlySlot.case_study_id == CaseStudy.id)
        .outerjoin(LibraryService, LibraryService.id == CaseStudy.library_service_id)
        .order_by(CaseStudy.ref)
    )
    if status:
        stmt = stmt.where(CaseStudy.status == status)
    if services is not None:
        stmt = stmt.where(CaseStudy.library_service_id.in_(sorted(services)))
    reviews = latest_review_json(session)
    return [
        CaseStudyRow(
            ref=r.ref,
            title=r.title,
            organisation=r.organisation,
            region=r.region,
            status=r.status,
            approved_by=r.approved_by,
            approved_at=r.approved_at,
            approval_current=r.status in APPROVED_STATES and r.approved_hash == r.content_hash,
            month=r.month,
            readiness=Readiness(bool(r.has_quote), bool(r.quantified)),
            library_service=r.service or "",
            submitted_at=r.submitted_at,
            latest_review=reviews.get(r.ref),
        )
        for r in session.execute(stmt)
    ]


def latest_review_json(session: Session) -> dict[str, dict[str, Any]]:
    """By ref, the newest review of every case study that has one: criteria met,
    decision, outcome, by, at (what `list --json` shows)."""
    from sqlalchemy import func

    from vignettes.store.pipeline_models import Review

    newest = select(func.max(Review.id)).group_by(Review.case_study_id).scalar_subquery()
    stmt = select(CaseStudy.ref, Review).join(Review, Review.case_study_id == CaseStudy.id)
    return {
        ref: review_json(review)
        for ref, review in session.execute(stmt.where(Review.id.in_(newest)))
    }


def review_json(review: Any) -> dict[str, Any]:
    """A review as data: the five criteria (met, note), decision, outcome, by, at, via."""
    notes = review.notes or {}
    return {
        "criteria": {
            str(n): {"met": n in review.met(), "note": notes.get(str(n), "")} for n in range(1, 6)
        },
        "decision": review.decision,
        "message": review.message,
        "outcome": review.outcome,
        "by": review.by,
        "at": review.at.isoformat(),
        "via": review.via,
    }


def slots_by_month(
    session: Session, months: Iterable[Month] | None = None
) -> dict[str, MonthlySlot]:
    stmt = select(MonthlySlot)
    if months is not None:
        stmt = stmt.where(MonthlySlot.month.in_([str(m) for m in months]))
    return {slot.month: slot for slot in session.scalars(stmt)}


def get_slot(session: Session, month: Month) -> MonthlySlot | None:
    return session.scalars(select(MonthlySlot).where(MonthlySlot.month == str(month))).first()


def slot_of_case_study(session: Session, case_study_id: int) -> MonthlySlot | None:
    return session.scalars(
        select(MonthlySlot).where(MonthlySlot.case_study_id == case_study_id)
    ).first()


def organisations_by_month(session: Session) -> dict[Month, str]:
    """Every month that has (or had) a case study, with its organisation."""
    stmt = select(MonthlySlot.month, CaseStudy.organisation).join(
        CaseStudy, MonthlySlot.case_study_id == CaseStudy.id
    )
    return {Month.parse(month): org for month, org in session.execute(stmt)}


@dataclass(frozen=True)
class Candidate:
    """An approved case study not yet in any slot: what auto-pick may choose from.
    `readiness` is its vignette readiness (`vignettes.readiness`)."""

    ref: str
    title: str
    organisation: str
    approved_at: dt.datetime
    created_at: dt.datetime
    readiness: Readiness = NOT_READY


def _candidates_in_order(session: Session, prefer_ready: bool) -> Any:
    """Approved, unedited case studies in no slot, in auto-pick order (the order of
    `vignettes.planning.selection.preference`, which tests keep equal): with `prefer_ready`, the
    most ready first; then oldest approval, oldest import, and ref by code point (as
    Python compares strings; PostgreSQL's locale collation would not)."""
    in_a_slot = select(MonthlySlot.case_study_id).where(MonthlySlot.case_study_id.is_not(None))
    ref_order = (
        CaseStudy.ref.collate("C")
        if session.get_bind().dialect.name == "postgresql"
        else CaseStudy.ref
    )
    order = (score_sql().desc(),) if prefer_ready else ()
    return (
        select(
            CaseStudy.ref,
            CaseStudy.title,
            CaseStudy.organisation,
            CaseStudy.approved_at,
            CaseStudy.created_at,
            quote_sql(),
            quantified_sql(),
        )
        .where(
            CaseStudy.status == "approved",
            CaseStudy.approved_hash == CaseStudy.content_hash,
            CaseStudy.approved_at.is_not(None),
            CaseStudy.id.not_in(in_a_slot),
        )
        .order_by(*order, CaseStudy.approved_at, CaseStudy.created_at, ref_order)
    )


def auto_pick_candidates(session: Session, prefer_ready: bool = True) -> list[Candidate]:
    return list(CandidatePool(session, prefer_ready))


class CandidatePool:
    """The auto-pick candidates in preference order, read from the database only as far as
    they are needed: a plan usually looks at the first few of thousands. Iterating again
    replays what was read, then reads on. Use within the session it was made with."""

    PAGE = 256

    def __init__(self, session: Session, prefer_ready: bool = True) -> None:
        self._rows = session.execute(
            _candidates_in_order(session, prefer_ready).execution_options(yield_per=self.PAGE)
        )
        self._seen: list[Candidate] = []
        self._done = False

    def __iter__(self) -> Iterator[Candidate]:
        index = 0
        while True:
            if index < len(self._seen):
                yield self._seen[index]
                index += 1
                continue
            if self._done:
                return
            row = self._rows.fetchone()
            if row is None:
                self._done = True
                self._rows.close()
                return
            ready = Readiness(bool(row[5]), bool(row[6]))
            self._seen.append(Candidate(row[0], row[1], row[2], row[3], row[4], ready))


def audit_trail(session: Session, ref: str) -> list[AuditEvent]:
    stmt = select(AuditEvent).where(AuditEvent.ref == ref).order_by(AuditEvent.id)
    return list(session.scalars(stmt))


def count_case_studies(session: Session) -> int:
    from sqlalchemy import func

    return int(session.scalar(select(func.count()).select_from(CaseStudy)) or 0)


def lock_month(session: Session, month: Month) -> None:
    """Serialise work on one month's slot across processes until this transaction ends.
    SQLite already serialises writers (BEGIN IMMEDIATE); PostgreSQL needs an advisory lock,
    or two publishers could both create the month's slot row."""
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy import text

        session.execute(
            text("SELECT pg_advisory_xact_lock(727003, :m)"), {"m": month.year * 100 + month.month}
        )


def cached_render_checks(
    session: Session, keys: Iterable[tuple[str, str]], settings: str
) -> dict[tuple[str, str], str]:
    """Remembered postability answers for (content hash, month) pairs under `settings`:
    the problem, or "" when the content could be posted. Pairs never checked are absent."""
    wanted = set(keys)
    if not wanted:
        return {}
    hashes = sorted({h for h, _m in wanted})
    found: dict[tuple[str, str], str] = {}
    for start in range(0, len(hashes), 500):
        stmt = select(RenderCheck.content_hash, RenderCheck.month, RenderCheck.problem).where(
            RenderCheck.settings == settings,
            RenderCheck.content_hash.in_(hashes[start : start + 500]),
        )
        for content_hash, month, problem in session.execute(stmt):
            if (content_hash, month) in wanted:
                found[(content_hash, month)] = problem
    return found


def remember_render_checks(
    session: Session, answers: Mapping[tuple[str, str], str], settings: str, now: dt.datetime
) -> None:
    """Store postability answers; a pair already stored (by a concurrent check, which
    necessarily reached the same answer) is left as it is."""
    stored = cached_render_checks(session, answers, settings)
    for (content_hash, month), problem in answers.items():
        if (content_hash, month) not in stored:
            session.add(
                RenderCheck(
                    content_hash=content_hash,
                    month=month,
                    settings=settings,
                    problem=problem,
                    checked_at=now,
                )
            )
