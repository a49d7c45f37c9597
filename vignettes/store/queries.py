"""The one small `Store` seam every query goes through, and the queries most modules share
(a case study by ref, the audit trail, the months' slots). Queries of one concept live
beside it: `listing`, `candidates`, `render_checks`, `search`, `accounts`, `directory`,
`outbox`, `invitations`.

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
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from vignettes.errors import NotFound
from vignettes.planning.slots import Month
from vignettes.store.db import DEFAULT_BUSY_TIMEOUT, WRITE_OPTION, create_db_engine, migrate
from vignettes.store.faults import database_fault, is_fault
from vignettes.store.liveness import DatabaseFile, probe
from vignettes.store.models import AuditEvent, CaseStudy, MonthlySlot

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
