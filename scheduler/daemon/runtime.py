"""Assembling the acting parts from config: secrets (and their redaction), platform
adapters, alert channels, the publisher and the worker with its chores."""

from __future__ import annotations

import datetime as dt
import json
import logging
import sys
import time
from collections.abc import Callable, Mapping

import requests

from scheduler.alerts import Alerter, channels_from_config
from scheduler.clock import Clock
from scheduler.config import Config
from scheduler.daemon.tick import Chore, Worker
from scheduler.platforms.base import Platform
from scheduler.publishing.publish import Publisher
from vignettes.store.queries import Store

log = logging.getLogger(__name__)


class UTCFormatter(logging.Formatter):
    """ISO-8601 UTC timestamps whatever the host's time zone."""

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
        return f"{stamp}.{int(record.msecs):03d}Z"


class JSONFormatter(UTCFormatter):
    def format(self, record: logging.LogRecord) -> str:
        data = {
            "ts": self.formatTime(record),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        if record.exc_info:
            data["exc"] = self.formatException(record.exc_info)
        return json.dumps(data, ensure_ascii=False)


def configure_logging(log_format: str = "text", level: int = logging.INFO) -> None:
    """One line per event with UTC timestamps, on stderr, redaction installed."""
    from scheduler.credentials.redact import install_redaction

    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        JSONFormatter()
        if log_format == "json"
        else UTCFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    )
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    install_redaction()


def build_platforms(
    config: Config,
    clock: Clock,
    session: requests.Session | None = None,
    environ: Mapping[str, str] | None = None,
) -> dict[str, Platform]:
    """Adapters for the enabled platforms; raises ConfigError (exit 78) for missing or
    unsafe credentials before anything is sent."""
    from scheduler.credentials.redact import install_redaction
    from scheduler.credentials.secrets import load_secrets
    from scheduler.platforms.factory import make_platform

    secrets = load_secrets(environ)
    install_redaction(secrets)
    return {
        name: make_platform(name, config, secrets, clock, session)
        for name in config.platforms.enabled()
    }


def token_chore(config: Config, alerts: Alerter) -> Chore:
    """Alert 14 days before a token expires, and when the LinkedIn version ages."""
    from scheduler.credentials.tokens import TokenStore, expiry_warnings
    from scheduler.platforms.linkedin.version import linkedin_version_age_warning

    def check_tokens(now: dt.datetime) -> list[str]:
        lines = []
        li = config.platforms.linkedin
        if li.enabled and li.mode == "live":
            for w in expiry_warnings(TokenStore.in_var_dir(config.daemon.var_dir), now):
                alerts.raise_alert(
                    f"token:{w.platform}:{w.token}",
                    "critical" if w.expired else "warning",
                    w.message,
                    now=now,
                )
                lines.append(w.message)
            warning = linkedin_version_age_warning(li.version, now)
            if warning:
                alerts.raise_alert("linkedin:version", "warning", warning, now=now)
                lines.append(warning)
        return lines

    return check_tokens


def email_chore(config: Config, store: Store, clock: Clock) -> Chore:
    """Send the outbox's due emails on every tick (notifications of the review pipeline);
    a mail server's fault is kept on each message and retried, never stops the tick."""
    from scheduler.credentials.secrets import load_secrets
    from scheduler.mail.outbox import send_due

    password = load_secrets().smtp_password if config.email.sending else None

    def send_email(now: dt.datetime) -> list[str]:
        if not config.email.sending:
            return []
        report = send_due(store, config.email, password, clock, by="daemon")
        lines = [f"email sent: {key}" for key in report.sent]
        lines += [f"email will be retried: {key}" for key in report.retrying]
        lines += [f"email failed: {key}" for key in report.failed + report.unknown]
        return lines

    return send_email


def build_worker(
    config: Config,
    store: Store,
    clock: Clock,
    *,
    platforms: Mapping[str, Platform] | None = None,
    should_stop: Callable[[], bool] | None = None,
    extra_chores: list[Chore] | None = None,
) -> Worker:
    alerts = Alerter(store, channels_from_config(config.alerts))
    publisher = Publisher(
        store,
        config,
        platforms if platforms is not None else build_platforms(config, clock),
        clock,
        alerts,
        should_stop=should_stop,
    )
    from scheduler.engagement.polling import EngagementPoller

    chores: list[Chore] = [
        token_chore(config, alerts),
        EngagementPoller(store, config, publisher.platforms, alerts),
        email_chore(config, store, clock),
        *(extra_chores or []),
    ]
    return Worker(publisher, chores)
