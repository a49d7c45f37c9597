"""A small hand-counted history for the impact dashboard, the command and the evidence
pack: five case studies submitted across three quarters, two regions, two library services
and two organisation types, one of them showcased with engagement. The counts each test
expects are worked out by hand in the docstrings."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from scheduler.web.frontend import Frontend
from tests.web.conftest import Console
from tests.web.gallery_data import (
    DECEMBER_MORNING,
    approved,
    gallery_console,
    load,
    record_engagement,
    reject_as,
    showcase,
    submitted,
)

FT = "Northmoor Teaching Hospitals NHS Foundation Trust"
ICB = "Eastgate Integrated Care Board"
NORTH = {"region": "North West", "library_service": "Northmoor Library", "organisation": FT}
EAST = {"region": "London", "library_service": "Eastgate LKS", "organisation": ICB}


def at(console: Console, when: str) -> None:
    console.clock.set(dt.datetime.fromisoformat(f"{when}T09:00:00+00:00"))


def counted_history(tmp_path: Path, frontend: Frontend, db_url: str | None = None) -> Console:
    """A1 (2025 Q4, accepted, 10 h, £1,000, patient care); A2 (2026 Q1, accepted, 5 h,
    patient care and time saved, showcased in December 2026: X 100 impressions and 4
    likes, LinkedIn 500 impressions, 10 likes, 2 reposts, 1 reply); S1 (2026 Q1, in
    review, 7 h, £300, policy); A3 (2026 Q3, accepted, £2,500, policy); R1 (2026 Q3,
    rejected, 100 h, research). A1 and A2 are the North's (a foundation trust), the rest
    the East's (an integrated care board). Approved on import, A1, A2 and A3 count as
    escalated too (approval comes after escalation)."""
    console = gallery_console(tmp_path, frontend, db_url)
    at(console, "2025-11-10")
    load(
        console,
        approved(
            "A1",
            **NORTH,
            time_saved_hours=10,
            cost_saving_gbp=1000,
            impact_categories=["patient-care"],
            approved_on="2025-11-10",
        ),
    )
    at(console, "2026-02-01")
    load(
        console,
        approved(
            "A2",
            **NORTH,
            time_saved_hours=5,
            impact_categories=["patient-care", "time-saved"],
            approved_on="2026-02-01",
        ),
        submitted(
            "S1", **EAST, time_saved_hours=7, cost_saving_gbp=300, impact_categories=["policy"]
        ),
    )
    at(console, "2026-08-15")
    load(
        console,
        approved(
            "A3",
            **EAST,
            cost_saving_gbp=2500,
            impact_categories=["policy"],
            approved_on="2026-08-15",
        ),
        approved(
            "R1",
            **EAST,
            time_saved_hours=100,
            impact_categories=["research"],
            approved_on="2026-08-15",
        ),
    )
    reject_as(console, "R1", "Priya Shah", "Not about the library's contribution")
    console.clock.set(DECEMBER_MORNING)
    showcase(console, "A2")
    record_engagement(console, "x", impressions=100, likes=4)
    record_engagement(console, "linkedin", impressions=500, likes=10, reposts=2, replies=1)
    return console
