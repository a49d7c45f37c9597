"""`[email]`: how the outbox of notifications reaches people (`scheduler.mail`).

Without the table (or with `enabled = false`) messages wait in the outbox and `status`
says so. The SMTP password is a secret, never read here (`VIGNETTES_SMTP_PASSWORD`).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Literal

from scheduler.config.reader import Reader
from scheduler.config.values import parse_duration

Security = Literal["starttls", "tls", "none"]
SECURITY: tuple[Security, ...] = ("starttls", "tls", "none")
# Enough to catch a typo; the server is the judge of what it delivers.
ADDRESS = re.compile(r"^[^@\s<>\"',;]+@[A-Za-z0-9.-]+\.[A-Za-z0-9-]{2,}$")


@dataclass(frozen=True)
class EmailConfig:
    """`configured`: the table is present (else nothing is ever sent)."""

    configured: bool = False
    enabled: bool = False
    smtp_host: str = ""
    smtp_port: int = 587
    security: Security = "starttls"
    from_address: str = ""
    username: str = ""
    timeout: dt.timedelta = dt.timedelta(seconds=20)

    @property
    def sending(self) -> bool:
        return self.configured and self.enabled


def read_email(root: Reader) -> EmailConfig:
    present = "email" in root.data
    table = root.table("email")
    default = EmailConfig()
    security = table.get("security", str, default.security)
    if security not in SECURITY:
        table.problem("security", f"{security!r} is not one of {', '.join(SECURITY)}")
        security = default.security
    config = EmailConfig(
        configured=present,
        enabled=table.get("enabled", bool, present),
        smtp_host=table.get("smtp_host", str, default.smtp_host).strip(),
        smtp_port=table.get("smtp_port", int, default.smtp_port),
        security=security,
        from_address=table.get("from_address", str, default.from_address).strip(),
        username=table.get("username", str, default.username).strip(),
        timeout=table.convert("timeout", "20s", parse_duration, default.timeout),
    )
    if not 1 <= config.smtp_port <= 65535:
        table.problem("smtp_port", f"{config.smtp_port} is not a TCP port (1 to 65535)")
    if config.sending:
        if not config.smtp_host:
            table.problem("smtp_host", "is required to send email")
        if not ADDRESS.match(config.from_address):
            table.problem("from_address", f"{config.from_address!r} is not an email address")
    if not dt.timedelta(seconds=1) <= config.timeout <= dt.timedelta(minutes=5):
        table.problem("timeout", "must be between 1s and 5m")
    table.finish()
    return config
