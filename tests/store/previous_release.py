"""A database as the release before the pipeline left it (schema revision 0007), filled
the way that release wrote rows: case studies submitted, approved (one already posted,
one whose approval an edit voided) and rejected, their approvals, audit trail, a
published month with its posts, and two console accounts.

The schema comes from the migration scripts up to 0007; rows go in through the reflected
tables (the models describe the newest schema, not that one).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from alembic import command
from alembic.config import Config as AlembicConfig
from sqlalchemy import Engine, MetaData, insert

from vignettes.store.db import MIGRATIONS, create_db_engine

T0 = dt.datetime(2025, 3, 4, 9, 0)  # naive UTC, as UTCDateTime stores it
NORTHMOOR = "Northmoor Healthcare Library"
SOUTHDOWN = "Southdown Library and Knowledge Service"


def database_at(url: str, revision: str) -> Engine:
    """An engine on `url` whose schema is at `revision` (built by the migration scripts)."""
    engine = create_db_engine(url)
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
    return engine


def _case_study(ref: str, status: str, service: str, org: str, region: str, **kw: Any) -> dict:
    row = {
        "ref": ref,
        "title": f"Case study {ref}",
        "organisation": org,
        "library_service": service,
        "region": region,
        "headline": "Evidence helped the ward",
        "summary": "A rapid evidence summary shaped a new protocol.",
        "background": "",
        "library_contribution": "",
        "outcome": "",
        "impact_categories": ["patient-care"],
        "time_saved_hours": None,
        "cost_saving_gbp": None,
        "quote_text": "",
        "quote_attribution": "",
        "quote_consent": False,
        "link": "",
        "hashtags": [],
        "status": status,
        "content_hash": f"sha256:{ref}",
        "approved_hash": None,
        "approved_by": None,
        "approved_at": None,
        "requested_month": None,
        "source": "legacy.xlsx",
        "created_at": T0,
        "updated_at": T0,
    }
    row.update(kw)
    return row


APPROVED_AT = T0 + dt.timedelta(days=2)
CASE_STUDIES = [
    _case_study("ICS-1", "submitted", NORTHMOOR, "Northmoor Trust", "North West"),
    _case_study(
        "ICS-2",
        "approved",
        NORTHMOOR,
        "Fellside Trust",
        "North West",
        approved_hash="sha256:ICS-2",
        approved_by="Priya Shah",
        approved_at=APPROVED_AT,
    ),
    _case_study(
        "ICS-3",
        "approved",
        SOUTHDOWN,
        "Southdown Trust",
        "South East",
        approved_hash="sha256:ICS-3",
        approved_by="Priya Shah",
        approved_at=APPROVED_AT,
    ),
    _case_study("ICS-4", "rejected", "", "Nowhere Trust", ""),
    # Approved once, then edited: the edit voided the approval (back to submitted).
    _case_study("ICS-5", "submitted", NORTHMOOR, "Northmoor Trust", "Yorkshire"),
]


def seed_previous_release(engine: Engine) -> dict[str, int]:
    """Fill a 0007 database; returns the case studies' ids by ref."""
    meta = MetaData()
    meta.reflect(engine)
    t = meta.tables
    with engine.begin() as conn:
        conn.execute(insert(t["case_studies"]), CASE_STUDIES)
        ids = {r.ref: r.id for r in conn.execute(t["case_studies"].select())}
        approvals = [
            (ids["ICS-2"], "approved", APPROVED_AT),
            (ids["ICS-3"], "approved", APPROVED_AT),
            (ids["ICS-4"], "rejected", APPROVED_AT),
            (ids["ICS-5"], "approved", APPROVED_AT),
            (ids["ICS-5"], "voided", APPROVED_AT + dt.timedelta(days=1)),
        ]
        conn.execute(
            insert(t["approvals"]),
            [
                {"case_study_id": i, "decision": d, "actor": "Priya Shah", "at": at,
                 "content_hash": "sha256:old", "reason": ""}
                for i, d, at in approvals
            ],
        )  # fmt: skip
        conn.execute(
            insert(t["audit_events"]),
            [
                {"at": T0, "actor": "operator", "action": "imported", "ref": ref, "month": "",
                 "detail": {"source": "legacy.xlsx"}, "via": "cli"}
                for ref in ids
            ],
        )  # fmt: skip
        slot = conn.execute(
            insert(t["monthly_slots"]).returning(t["monthly_slots"].c.id),
            {"month": "2025-04", "case_study_id": ids["ICS-3"], "source": "queued",
             "queued_by": "Priya Shah", "queued_at": APPROVED_AT, "scheduled_at": APPROVED_AT,
             "state": "published", "fixed_at": APPROVED_AT, "content_hash": "sha256:ICS-3",
             "reason": ""},
        ).scalar_one()  # fmt: skip
        conn.execute(
            insert(t["posts"]),
            [
                {"slot_id": slot, "case_study_id": ids["ICS-3"], "platform": platform,
                 "state": "posted", "content_hash": "sha256:ICS-3", "text": "…",
                 "remote_id": f"{platform}-1", "url": f"https://{platform}.example/1",
                 "attempts": 1, "reason": "", "sending_by": "", "updated_at": APPROVED_AT}
                for platform in ("x", "linkedin")
            ],
        )  # fmt: skip
        conn.execute(
            insert(t["users"]),
            [
                {"name": name, "role": role, "password_hash": f"$argon2id$fake-{name}",
                 "must_change_password": False, "session_epoch": 3,
                 "password_changed_at": T0, "created_at": T0, "updated_at": T0}
                for name, role in (("priya", "admin"), ("sam", "editor"))
            ],
        )  # fmt: skip
    return ids
