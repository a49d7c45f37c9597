"""Invitations: an admin invites an email address with a role and library services; the
one-time link (`<base_url>/invitation/<token>`, valid for `[web] invitation_lifetime`,
7 days by default) lets the person choose a user name and a password, once.

Only a SHA-256 of the token is stored, so the link exists only in what `invite` returns:
the CLI prints it, the console emails it at once (not through the outbox, which would
keep it in the database) and shows it to the admin only when the email could not be sent.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from scheduler.config import Config
from scheduler.credentials.secrets import load_secrets
from scheduler.mail.smtp import MailError, build_message, send
from scheduler.operations.accounts.passwords import check_new_password, hash_password
from scheduler.operations.accounts.permissions import Permission, require
from scheduler.operations.accounts.sessions import SessionUser, start_session
from scheduler.operations.accounts.users import (
    AccountError,
    check_role,
    normalise_email,
    normalise_name,
)
from scheduler.operations.actor import Actor
from scheduler.operations.context import Workspace
from vignettes.store import accounts as q
from vignettes.store.accounts import AccountExists
from vignettes.store.directory import get_service, services_by_ids, set_user_services
from vignettes.store.invitations import add_invitation, open_invitations, usable_invitation
from vignettes.store.queries import audit

PATH = "/invitation/"


@dataclass(frozen=True)
class Invited:
    """An invitation just made; `link` holds its one-time token (shown or sent once)."""

    email: str
    role: str
    services: tuple[str, ...]
    expires_at: dt.datetime
    link: str


@dataclass(frozen=True)
class OpenInvitation:
    """What the invitation page shows before the person accepts."""

    email: str
    role: str
    services: tuple[str, ...]
    expires_at: dt.datetime
    suggested_name: str


@dataclass(frozen=True)
class InvitationRow:
    """An invitation still open, as the users screen lists it (never its token)."""

    email: str
    role: str
    services: tuple[str, ...]
    invited_by: str
    created_at: dt.datetime
    expires_at: dt.datetime


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def invitation_link(config: Config, token: str) -> str:
    base = config.web.base_url or f"http://{config.web.host}:{config.web.port}"
    return base.rstrip("/") + PATH + token


def invite(
    ws: Workspace, actor: Actor, email: str, role: str, services: Sequence[str] = ()
) -> Invited:
    """Invite `email` as `role` into `services`; an earlier open invitation to the same
    address stops working. Raises PermissionDenied, AccountError, AccountExists (someone
    has that address already), NotFound (a service)."""
    require(actor, Permission.MANAGE_USERS)
    address, role = normalise_email(email), check_role(role)
    token = secrets.token_urlsafe(32)
    now = ws.now()
    with ws.store.write() as session:
        existing = q.find_user_by_email(session, address)
        if existing is not None:
            raise AccountExists(existing.name, email=address)
        found = [get_service(session, name) for name in services]
        invitation = add_invitation(session, email=address, role=role,
                                    service_ids=[s.id for s in found], token_hash=_hash(token),
                                    invited_by=actor.name, now=now,
                                    lifetime=ws.config.web.invitation_lifetime)  # fmt: skip
        names = tuple(sorted(s.name for s in found))
        audit(session, at=now, actor=actor.name, via=actor.via, action="user.invite",
              email=address, role=role, services=list(names))  # fmt: skip
        expires = invitation.expires_at
    return Invited(address, role, names, expires, invitation_link(ws.config, token))


def email_invitation(ws: Workspace, invited: Invited) -> str:
    """Send the invitation's link to its address now; returns "" when sent, else why not
    (the console then shows the link to the admin)."""
    config = ws.config.email
    if not config.sending:
        return "email is not configured ([email])"
    body = (
        f"You are invited to the impact vignettes console as {invited.role}.\n\n"
        f"Choose your user name and password here (the link works once, until "
        f"{invited.expires_at:%-d %B %Y %H:%M} UTC):\n\n{invited.link}\n"
    )
    message = build_message(config, invited.email, "Your invitation to impact vignettes", body)
    try:
        send(config, load_secrets().smtp_password, message)
    except MailError as exc:
        return exc.message
    return ""


def list_invitations(ws: Workspace, actor: Actor) -> list[InvitationRow]:
    """Invitations not yet used, replaced or expired, newest first. Raises
    PermissionDenied."""
    require(actor, Permission.MANAGE_USERS)
    with ws.store.read() as session:
        rows = []
        for i in open_invitations(session, ws.now()):
            names = tuple(s.name for s in services_by_ids(session, i.service_ids))
            rows.append(
                InvitationRow(i.email, i.role, names, i.invited_by, i.created_at, i.expires_at)
            )
        return rows


def open_invitation(ws: Workspace, token: str) -> OpenInvitation | None:
    """The invitation `token` opens, if it is unused, not replaced and not expired."""
    if not token or len(token) > 100:
        return None
    with ws.store.read() as session:
        found = usable_invitation(session, _hash(token), ws.now())
        if found is None:
            return None
        names = tuple(s.name for s in services_by_ids(session, found.service_ids))
        local = found.email.partition("@")[0]
        suggested = "".join(c for c in local if c.isalnum() or c in "._-")[:64]
        return OpenInvitation(found.email, found.role, names, found.expires_at, suggested)


def accept_invitation(ws: Workspace, token: str, name: str, password: str) -> SessionUser:
    """Create the invited account with the chosen name and password and use up the
    invitation; returns the account, signed in. Raises AccountError (the link no longer
    works, or a bad name), PasswordRejected, AccountExists."""
    name = normalise_name(name)
    check_new_password(password, name)
    hashed = hash_password(password)
    now = ws.now()
    with ws.store.write() as session:
        invitation = usable_invitation(session, _hash(token), now)
        if invitation is None:
            raise AccountError("this invitation has been used, replaced or has expired")
        user = q.add_user(session, name=name, role=invitation.role, password_hash=hashed,
                          now=now, email=invitation.email)  # fmt: skip
        set_user_services(session, user, invitation.service_ids)
        invitation.used_at, invitation.user_id = now, user.id
        audit(session, at=now, actor=name, via="web", action="user.accept-invitation",
              user=name, role=invitation.role, invited_by=invitation.invited_by)  # fmt: skip
        session.flush()  # the services are read back with the new session
        return start_session(session, user, now)
