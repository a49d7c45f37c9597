"""The impact dashboard's rollup (migration 0013): the case studies counted and summed per
status, region, library service, organisation, impact categories and quarter submitted.

Triggers on `case_studies` keep it in step, in the same transaction as every insert,
update and delete (whoever writes: the console, the CLI, an import, a bulk insert), so the
dashboard reads a few thousand rows rather than every case study. A group whose last case
study leaves it is deleted. `hours` and `pounds` are 0 where no case study reported them:
`hours_n` and `pounds_n` say how many did.
"""

from __future__ import annotations

from sqlalchemy import Float, Integer, PrimaryKeyConstraint, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from vignettes.states import STATE_LENGTH
from vignettes.store.models import Base

# The dashboard groups by the first five: SQLite keeps the table in this order (WITHOUT
# ROWID), so it groups as it reads, without sorting.
ROLLUP_KEYS = (
    "status",
    "region",
    "library_service",
    "organisation",
    "categories",
    "service_key",
    "period",
)


class ImpactRollup(Base):
    __tablename__ = "impact_rollup"
    __table_args__ = (
        PrimaryKeyConstraint(*ROLLUP_KEYS, name="pk_impact_rollup"),
        {"sqlite_with_rowid": False},
    )

    status: Mapped[str] = mapped_column(String(STATE_LENGTH))
    region: Mapped[str] = mapped_column(Text)
    library_service: Mapped[str] = mapped_column(Text)
    organisation: Mapped[str] = mapped_column(Text)
    categories: Mapped[str] = mapped_column(Text)  # impact_categories as its JSON text
    service_key: Mapped[int] = mapped_column(Integer)  # library_service_id, 0 for none
    period: Mapped[int] = mapped_column(Integer)  # year * 10 + quarter (UTC); 0: not submitted
    n: Mapped[int] = mapped_column(Integer)
    hours: Mapped[float] = mapped_column(Float)
    hours_n: Mapped[int] = mapped_column(Integer)
    pounds: Mapped[float] = mapped_column(Float)
    pounds_n: Mapped[int] = mapped_column(Integer)
