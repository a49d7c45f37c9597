"""Keep credentials out of every log line.

`RedactingFilter` rewrites a record's message, arguments, exception and stack text,
removing bearer/basic/OAuth header values, cookies, `access_token`/`refresh_token`/
`client_secret`/`oauth_token(_secret)`/`oauth_signature`/`secret_key`/`csrf_token` values in
JSON, form or query text, Bluesky's `accessJwt`/`refreshJwt`/`password` values and anything
shaped like a JWT, and every configured secret value (also URL-encoded). `install_redaction`
puts it on the root handlers and on the loggers of the HTTP libraries, and turns down the
libraries that dump request headers and bodies at DEBUG (tweepy, requests_oauthlib,
oauthlib).
"""

from __future__ import annotations

import logging
import re
import urllib.parse
from collections.abc import Iterable
from typing import Any

from scheduler.credentials.secrets import Secrets

MASK = "[REDACTED]"
_MIN_SECRET_LENGTH = 6  # shorter values would mask ordinary words

_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    # Authorization header values: Bearer/Basic tokens, and whole OAuth 1.0a headers.
    (re.compile(r"(?i)\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=\-]+"), rf"\1 {MASK}"),
    (re.compile(r"(?i)\bOAuth\s+oauth_[^\r\n'\"]*(?:\"[^\r\n'\"]*)*"), f"OAuth {MASK}"),
    # key=value / "key": "value" / key: value for credential-bearing names.
    (
        re.compile(
            r"(?i)(?P<key>\b(?:access_token|refresh_token|client_secret|id_token|"
            r"oauth_token_secret|oauth_token|oauth_signature|oauth_verifier|code_verifier|"
            r"api_secret|access_secret|consumer_secret|token_secret|"
            r"accessJwt|refreshJwt|access_jwt|refresh_jwt|password|app_password|"
            r"(?:vignettes_web_)?secret_key|csrf_token|cookie)\b)"
            r"(?P<sep>[\"']?\s*[:=]\s*[\"']?)(?!\[REDACTED\])(?P<value>[^\"'&\s,;}\]]+)"
        ),
        rf"\g<key>\g<sep>{MASK}",
    ),
    # A JWT (Bluesky session tokens) wherever it appears: header.payload.signature, base64url.
    (re.compile(r"\beyJ[A-Za-z0-9_-]{6,}\.[A-Za-z0-9_-]{6,}\.[A-Za-z0-9_-]*"), MASK),
    # The console's calendar feed address (`/plan.ics?token=…`): its token opens the plan.
    (re.compile(r"(?i)([?&]token=)(?!\[REDACTED\])[^&\s#\"']+"), rf"\1{MASK}"),
    # Cookie headers: the console's session cookie is a bearer credential.
    (re.compile(r"(?im)^((?:set-)?cookie:\s*)\S[^\r\n]*"), rf"\1{MASK}"),
    # oauthlib's DEBUG line with the request signature (replayable within its time window).
    (re.compile(r"(?m)^(Signature:\s+)\S+"), rf"\1{MASK}"),
]


class RedactingFilter(logging.Filter):
    """A filter that never drops a record, only scrubs it (idempotent; safe on many handlers)."""

    def __init__(self, secret_values: Iterable[str] = ()) -> None:
        super().__init__()
        self._literals: list[str] = []
        self.add_secrets(secret_values)

    def add_secrets(self, values: Iterable[str]) -> None:
        found = set(self._literals)
        for value in values:
            if len(value) < _MIN_SECRET_LENGTH:
                continue
            found.update({value, urllib.parse.quote(value, safe=""), urllib.parse.quote(value)})
        # Longest first, so a secret containing another is masked whole.
        self._literals = sorted(found, key=len, reverse=True)

    def redact(self, text: str) -> str:
        for literal in self._literals:
            if literal in text:
                text = text.replace(literal, MASK)
        for pattern, replacement in _PATTERNS:
            text = pattern.sub(replacement, text)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string must not lose the line
            message = f"{record.msg!r} {record.args!r}"
        record.msg = self.redact(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            # Formatters re-render exc_info only when exc_text is empty, so this text is
            # what every handler prints.
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


# Loggers that print request/response headers or bodies at DEBUG.
_CHATTY = ("tweepy", "requests_oauthlib", "oauthlib")
_installed: RedactingFilter | None = None


def install_redaction(
    secrets: Secrets | None = None, *, extra: Iterable[str] = ()
) -> RedactingFilter:
    """Attach one shared `RedactingFilter` to every root handler and the HTTP libraries'
    loggers, and raise the chatty libraries to INFO. Calling it again adds secrets (e.g.
    freshly refreshed tokens) and covers handlers added since."""
    global _installed
    if _installed is None:
        _installed = RedactingFilter()
    flt = _installed
    flt.add_secrets([*(secrets.values_to_redact() if secrets else []), *extra])
    for handler in logging.getLogger().handlers:
        if flt not in handler.filters:
            handler.addFilter(flt)
    # Logger filters only see records made on that exact logger, so scrub at creation
    # instead: every record from any logger (and handlers added later) is covered.
    factory = logging.getLogRecordFactory()
    if not getattr(factory, "_vignettes_redacting", False):

        def redacting_factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
            record = factory(*args, **kwargs)
            flt.filter(record)
            return record

        redacting_factory._vignettes_redacting = True  # type: ignore[attr-defined]
        redacting_factory._vignettes_inner = factory  # type: ignore[attr-defined]
        logging.setLogRecordFactory(redacting_factory)
    for name in _CHATTY:
        logger = logging.getLogger(name)
        if logger.level == logging.NOTSET or logger.level < logging.INFO:
            logger.setLevel(logging.INFO)
    return flt


def add_secret(value: str) -> None:
    """Register a secret learnt at run time (a new access token) with the installed filter."""
    if _installed is not None:
        _installed.add_secrets([value])


def uninstall_redaction() -> None:
    """Undo `install_redaction` (tests; a process normally keeps it for life)."""
    global _installed
    if _installed is None:
        return
    for handler in logging.getLogger().handlers:
        handler.removeFilter(_installed)
    factory = logging.getLogRecordFactory()
    inner = getattr(factory, "_vignettes_inner", None)
    if inner is not None:
        logging.setLogRecordFactory(inner)
    _installed = None
