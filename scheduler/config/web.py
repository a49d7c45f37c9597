"""`[web]`: the web console's settings (`vignettes web`), validated like every other table.

The session-signing key is a secret and never read here (`VIGNETTES_WEB_SECRET_KEY`, see
`scheduler.operations.accounts.console_key`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import ipaddress
import re
from dataclasses import dataclass

from scheduler.config.reader import Reader
from scheduler.config.sso import SsoConfig, parse_base_url, read_sso
from scheduler.config.values import parse_duration
from vignettes.importing.sources import MAX_FILE_BYTES

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
_SIZE = re.compile(r"^(\d{1,9})\s*(B|KB|MB)$", re.IGNORECASE)
_UNITS = {"b": 1, "kb": 1024, "mb": 1024 * 1024}
_HOST = re.compile(r"^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.?)+$")
MIN_TIMEOUT = dt.timedelta(minutes=1)
MAX_TIMEOUT = dt.timedelta(hours=24)
MAX_LIFETIME = dt.timedelta(days=7)


@dataclass(frozen=True)
class WebConfig:
    """`upload_limit` is in bytes; `trusted_proxies` are the networks whose X-Forwarded-*
    headers are believed (none by default: a client could forge them)."""

    host: str = "127.0.0.1"
    port: int = 8000
    secure_cookies: bool = False
    session_timeout: dt.timedelta = dt.timedelta(minutes=30)
    # However busy a session is, it ends this long after signing in.
    session_lifetime: dt.timedelta = dt.timedelta(hours=12)
    four_eyes: bool = True
    upload_limit: int = 10 * 1024 * 1024
    trusted_proxies: tuple[IPNetwork, ...] = ()
    # The design system's Frutiger font from the NHS assets host (browsers then ask that
    # host for it); off: Arial, and no request leaves the console's own site.
    nhs_fonts: bool = False
    # Where people reach the console ("https://vignettes.example.nhs.uk"), for addresses
    # that must be absolute: links in emails, where a sign-in provider sends people back to
    # ("" = not configured).
    base_url: str = ""
    # How long an invitation's one-time link works.
    invitation_lifetime: dt.timedelta = dt.timedelta(days=7)
    sso: SsoConfig | None = None

    @property
    def password_sign_in(self) -> bool:
        """Whether the username and password form is offered (off only with single sign-on)."""
        return self.sso is None or self.sso.password_sign_in

    def trusts(self, address: str | None) -> bool:
        """Whether a request from `address` comes through a configured proxy."""
        if not address or not self.trusted_proxies:
            return False
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(ip in network for network in self.trusted_proxies)


def parse_size(text: str) -> int:
    """`"10MB"`, `"512KB"`, `"2000000B"` → bytes (KB = 1024 bytes); raises ValueError."""
    match = _SIZE.match(text.strip())
    if not match:
        raise ValueError(f"{text!r} is not a size like '10MB' or '512KB'")
    return int(match[1]) * _UNITS[match[2].lower()]


def format_size(size: int) -> str:
    for unit, factor in (("MB", 1024 * 1024), ("KB", 1024)):
        if size >= factor and size % factor == 0:
            return f"{size // factor} {unit}"
    return f"{size} bytes"


def _parse_host(text: str) -> str:
    host = text.strip()
    try:
        ipaddress.ip_address(host)
    except ValueError:
        if not _HOST.match(host) or len(host) > 253:
            raise ValueError(f"{text!r} is not an IP address or host name") from None
    return host


def read_web(root: Reader) -> WebConfig:
    """Read the `[web]` table, adding every problem to the reader's list."""
    web = root.table("web")
    default = WebConfig()
    config = WebConfig(
        host=web.convert("host", default.host, _parse_host, default.host),
        port=web.get("port", int, default.port),
        secure_cookies=web.get("secure_cookies", bool, default.secure_cookies),
        session_timeout=web.convert(
            "session_timeout", "30m", parse_duration, default.session_timeout
        ),
        session_lifetime=web.convert(
            "session_lifetime", "12h", parse_duration, default.session_lifetime
        ),
        four_eyes=web.get("four_eyes", bool, default.four_eyes),
        upload_limit=web.convert("upload_limit", "10MB", parse_size, default.upload_limit),
        trusted_proxies=_networks(web),
        nhs_fonts=web.get("nhs_fonts", bool, default.nhs_fonts),
        base_url=web.convert("base_url", "", _base_url, default.base_url),
        invitation_lifetime=web.convert(
            "invitation_lifetime", "7d", parse_duration, default.invitation_lifetime
        ),
    )
    config = dataclasses.replace(config, sso=read_sso(web, config.base_url))
    if not dt.timedelta(hours=1) <= config.invitation_lifetime <= dt.timedelta(days=90):
        web.problem("invitation_lifetime", "must be between 1h and 90d")
    if not 1 <= config.port <= 65535:
        web.problem("port", f"{config.port} is not a TCP port (1 to 65535)")
    if not MIN_TIMEOUT <= config.session_timeout <= MAX_TIMEOUT:
        web.problem("session_timeout", "must be between 1m and 24h")
    if not MIN_TIMEOUT <= config.session_lifetime <= MAX_LIFETIME:
        web.problem("session_lifetime", "must be between 1m and 7d")
    elif config.session_lifetime < config.session_timeout:
        web.problem("session_lifetime", "must be at least session_timeout")
    if not 1024 <= config.upload_limit <= MAX_FILE_BYTES:
        web.problem(
            "upload_limit",
            f"must be between 1KB and {format_size(MAX_FILE_BYTES).replace(' ', '')}, "
            "the import limit",
        )
    web.finish()
    return config


def _base_url(text: str) -> str:
    return parse_base_url(text) if text.strip() else ""


def _networks(web: Reader) -> tuple[IPNetwork, ...]:
    networks = []
    for text in web.strings("trusted_proxies", ()):
        try:
            networks.append(ipaddress.ip_network(text.strip(), strict=False))
        except ValueError:
            web.problem(
                "trusted_proxies", f"{text!r} is not an IP address or network like '10.0.0.0/24'"
            )
    return tuple(networks)
