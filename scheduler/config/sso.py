"""`[web.sso]`: signing in to the console through an OpenID Connect provider (Microsoft
Entra ID for NHSmail, a trust's own tenant, Keycloak...), and `[web] base_url`, which the
provider sends people back to.

The client secret is never read here: it comes from `VIGNETTES_SSO_CLIENT_SECRET` in the
environment or the secrets file (`scheduler.credentials.secrets`).
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlsplit

from scheduler.config.reader import Reader

NewUsers = Literal["refuse", "contributor"]
NEW_USERS: tuple[NewUsers, ...] = ("refuse", "contributor")
CALLBACK_PATH = "/login/sso/callback"
DEFAULT_LABEL = "Sign in with your organisation's account"
# Entra ID's shared issuers: any Microsoft tenant (or any personal account) signs in
# through them, so the ID token's issuer would be whichever tenant the person came from.
ENTRA_HOSTS = frozenset(
    {"login.microsoftonline.com", "login.microsoft.com", "login.windows.net", "sts.windows.net"}
)
ENTRA_SHARED = frozenset({"common", "organizations", "consumers", "{tenantid}"})
_DOMAIN = re.compile(r"^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


@dataclass(frozen=True)
class SsoConfig:
    """`issuer` exactly as the provider's discovery document states it; `allowed_email_domains`
    lower case. `password_sign_in = false` removes the password form altogether."""

    issuer: str
    client_id: str
    label: str = DEFAULT_LABEL
    allowed_email_domains: tuple[str, ...] = ()
    password_sign_in: bool = True
    new_users: NewUsers = "refuse"

    @property
    def discovery_url(self) -> str:
        return self.issuer.rstrip("/") + "/.well-known/openid-configuration"

    def allows_domain(self, email: str) -> bool:
        """Whether `email` is in an allowed domain (any domain when none is listed)."""
        domain = email.rpartition("@")[2].lower()
        return not self.allowed_email_domains or domain in self.allowed_email_domains


def is_loopback(host: str | None) -> bool:
    if host == "localhost":
        return True
    try:
        return host is not None and ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def parse_url(text: str, what: str) -> str:
    """An https URL (http only on this machine's loopback, for trying it out and tests),
    without a query or fragment; raises ValueError saying why not."""
    try:
        parts = urlsplit(text.strip())
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        raise ValueError(f"{text!r} is not a URL") from None
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise ValueError(f"{text!r} is not an https:// URL")
    if parts.scheme == "http" and not is_loopback(parts.hostname):
        raise ValueError(f"{text!r} must use https:// ({what} is sent sign-in codes)")
    if parts.query or parts.fragment or parts.username or parts.password:
        raise ValueError(f"{text!r} must not have a query, fragment or credentials")
    return text.strip()


def parse_base_url(text: str) -> str:
    """`[web] base_url`: where people reach the console, without a trailing slash."""
    return parse_url(text, "the console").rstrip("/")


def parse_issuer(text: str) -> str:
    issuer = parse_url(text, "the provider")
    parts = urlsplit(issuer)
    tenant = parts.path.strip("/").split("/")[0].lower()
    if parts.hostname in ENTRA_HOSTS and tenant in ENTRA_SHARED:
        raise ValueError(
            f"{text!r} is Entra ID's shared issuer, through which any Microsoft tenant could "
            "sign in; use your own tenant's: https://login.microsoftonline.com/<tenant id>/v2.0"
        )
    return issuer


def parse_domain(text: str) -> str:
    domain = text.strip().lstrip("@").lower()
    if not _DOMAIN.match(domain):
        raise ValueError(f"{text!r} is not an email domain like 'nhs.net'")
    return domain


def read_sso(web: Reader, base_url: str) -> SsoConfig | None:
    """Read `[web.sso]` (None when absent), adding every problem to the reader's list."""
    if "sso" not in web.data:
        web.seen.add("sso")
        return None
    sso = web.table("sso")
    issuer = sso.convert("issuer", "", parse_issuer, "") if "issuer" in sso.data else ""
    if "issuer" not in sso.data:
        sso.problem("issuer", "is needed: the provider's issuer URL, as its discovery says")
    client_id = sso.get("client_id", str, "").strip()
    if not client_id or len(client_id) > 255:
        sso.problem("client_id", "the application (client) ID the provider gave, 1-255 characters")
    label = sso.get("label", str, DEFAULT_LABEL).strip()
    if not 1 <= len(label) <= 60:
        sso.problem("label", "the sign-in button's words, 1 to 60 characters")
    domains = []
    for text in sso.strings("allowed_email_domains", ()):
        try:
            domains.append(parse_domain(text))
        except ValueError as exc:
            sso.problem("allowed_email_domains", str(exc))
    new_users = sso.get("new_users", str, "refuse")
    if new_users not in NEW_USERS:
        sso.problem("new_users", f'{new_users!r} is not "refuse" or "contributor"')
        new_users = "refuse"
    elif new_users == "contributor" and not domains:
        sso.problem(
            "new_users",
            '"contributor" needs allowed_email_domains, or anyone the provider knows '
            "could make themselves an account",
        )
    if not base_url and "base_url" not in web.data:
        web.problem("base_url", "is needed for [web.sso]: the provider sends people back to it")
    config = SsoConfig(
        issuer=issuer,
        client_id=client_id,
        label=label or DEFAULT_LABEL,
        allowed_email_domains=tuple(domains),
        password_sign_in=sso.get("password_sign_in", bool, True),
        new_users="contributor" if new_users == "contributor" else "refuse",
    )
    sso.finish()
    return config
