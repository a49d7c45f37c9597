"""What `vignettes status` reports: is the daemon alive, what is next, what needs a person."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select

from scheduler.config import Config
from scheduler.platforms.registry import INFO
from scheduler.report import platform_states
from vignettes.models import Alert, Heartbeat, MonthlySlot, Post
from vignettes.planning import build_plan
from vignettes.slots import current_month, slot_time
from vignettes.store import Store, get_slot

STALE_HEARTBEAT = 3  # ticks without a heartbeat before status calls the daemon down
OPEN_STATES = ("unknown", "failed", "needs_reauth", "pending", "sending")


def collect_status(config: Config, store: Store, now: dt.datetime) -> dict[str, Any]:
    here = current_month(now, config.schedule)
    with store.read() as session:
        beats = list(session.scalars(select(Heartbeat).order_by(Heartbeat.at.desc())))
        plan = build_plan(
            session, now=now, schedule=config.schedule, selection=config.selection, months=3
        )
        slot = get_slot(session, here)
        this_month = {
            "month": str(here),
            "slot_local": slot_time(here, config.schedule).local.isoformat(),
            "state": slot.state if slot else "planned",
            "ref": slot.case_study.ref if slot and slot.case_study else None,
            "reason": (slot.reason or None) if slot else None,
            "posts": {
                p.platform: {
                    "state": p.state,
                    "url": p.url,
                    "reason": p.reason or None,
                    "attempts": p.attempts,
                }
                for p in session.scalars(select(Post).where(Post.slot_id == slot.id))
            }
            if slot
            else {},
        }
        problems = [
            {
                "month": p.slot.month,
                "platform": p.platform,
                "state": p.state,
                "reason": p.reason,
                "attempts": p.attempts,
                "next_attempt_at": p.next_attempt_at.isoformat() if p.next_attempt_at else None,
            }
            for p in session.scalars(
                select(Post)
                .join(MonthlySlot)
                .where(Post.state.in_(OPEN_STATES))
                .order_by(MonthlySlot.month)
            )
        ]
        engagement = platform_states(session)
        alerts = [
            {
                "key": a.key,
                "severity": a.severity,
                "message": a.message,
                "since": a.first_at.isoformat(),
                "count": a.count,
            }
            for a in session.scalars(
                select(Alert).where(Alert.resolved_at.is_(None)).order_by(Alert.first_at)
            )
        ]
    upcoming = next((e for e in plan if e.slot.utc > now), None)
    limit = config.daemon.tick * STALE_HEARTBEAT
    daemons = [
        {
            "instance": b.instance,
            "role": b.role,
            "last_seen": b.at.isoformat(),
            "age_seconds": int((now - b.at).total_seconds()),
            "alive": now - b.at <= limit,
        }
        for b in beats
    ]
    return {
        "now": now.isoformat(),
        "daemon": {"alive": any(d["alive"] for d in daemons), "instances": daemons},
        "next_slot": upcoming.to_json() if upcoming else None,
        "this_month": this_month,
        "problems": problems,
        "alerts": alerts,
        "credentials": _credential_warnings(config, now),
        # Per platform: polling paused by a rate limit, refused (tier, scope, outbox), and
        # figures the last round could not read, each with the reason.
        "engagement": engagement,
        # Figures an enabled platform has no API for at all (Bluesky impressions): shown as
        # "not offered", never as 0 or as a failure.
        "not_offered": {
            name: list(INFO[name].not_offered)
            for name in config.platforms.enabled()
            if INFO[name].not_offered
        },
    }


def _credential_warnings(config: Config, now: dt.datetime) -> list[str]:
    from scheduler.auth import TokenStore, expiry_warnings
    from scheduler.errors import ConfigError
    from scheduler.platforms.linkedin import linkedin_version_age_warning

    li = config.platforms.linkedin
    if not (li.enabled and li.mode == "live"):
        return []
    lines = []
    try:
        lines += [
            w.message for w in expiry_warnings(TokenStore.in_var_dir(config.daemon.var_dir), now)
        ]
    except ConfigError as exc:
        lines += exc.problems
    warning = linkedin_version_age_warning(li.version, now)
    if warning:
        lines.append(warning)
    return lines
