"""Every query about invitations: make one, find a usable one by its token's hash, use it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from vignettes.store.pipeline_models import Invitation


def add_invitation(
    session: Session,
    *,
    email: str,
    role: str,
    service_ids: Sequence[int],
    token_hash: str,
    invited_by: str,
    now: dt.datetime,
    lifetime: dt.timedelta,
) -> Invitation:
    """A new invitation; any earlier one to the same address that is still open stops
    working (only the latest link counts)."""
    session.execute(
        update(Invitation)
        .where(Invitation.email == email, Invitation.used_at.is_(None))
        .where(Invitation.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    invitation = Invitation(
        email=email,
        role=role,
        service_ids=sorted(set(service_ids)),
        token_hash=token_hash,
        invited_by=invited_by,
        created_at=now,
        expires_at=now + lifetime,
    )
    session.add(invitation)
    session.flush()
    return invitation


def usable_invitation(session: Session, token_hash: str, now: dt.datetime) -> Invitation | None:
    """The invitation whose token hashes to `token_hash`, if it is unused, not revoked
    and not expired."""
    stmt = select(Invitation).where(
        Invitation.token_hash == token_hash,
        Invitation.used_at.is_(None),
        Invitation.revoked_at.is_(None),
        Invitation.expires_at > now,
    )
    return session.scalars(stmt).first()


def open_invitations(session: Session, now: dt.datetime) -> list[Invitation]:
    stmt = select(Invitation).where(
        Invitation.used_at.is_(None),
        Invitation.revoked_at.is_(None),
        Invitation.expires_at > now,
    )
    return list(session.scalars(stmt.order_by(Invitation.created_at.desc())))


def open_invitation_for(session: Session, email: str, now: dt.datetime) -> Invitation | None:
    """The newest invitation to `email` that is unused, not replaced and not expired."""
    stmt = select(Invitation).where(
        Invitation.email == email,
        Invitation.used_at.is_(None),
        Invitation.revoked_at.is_(None),
        Invitation.expires_at > now,
    )
    return session.scalars(stmt.order_by(Invitation.created_at.desc())).first()
