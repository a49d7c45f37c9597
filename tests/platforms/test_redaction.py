"""No secret reaches a log line or an exception, even with every HTTP library at DEBUG."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from scheduler.credentials.redact import RedactingFilter, install_redaction, uninstall_redaction
from scheduler.credentials.secrets import Secrets
from scheduler.credentials.tokens import TokenStore
from scheduler.platforms.base import PlatformError
from tests.emulator import Emulator
from tests.platforms.conftest import (
    CREATE_OP,
    SECRET_VALUES,
    adapter_for,
    authorize_against,
    live_config,
    prepared,
)

CHATTY = ["", "urllib3", "requests", "oauthlib", "requests_oauthlib", "tweepy", "scheduler"]


@pytest.fixture
def debug_log(secrets: Secrets) -> Iterator[io.StringIO]:
    """A real handler on the root logger, everything at DEBUG, redaction installed."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    levels = {name: logging.getLogger(name).level for name in CHATTY}
    install_redaction(secrets)
    for name in CHATTY:  # after install, which quiets some: the filter alone must suffice
        logging.getLogger(name).setLevel(logging.DEBUG)
    yield stream
    uninstall_redaction()
    root.removeHandler(handler)
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)


@pytest.mark.parametrize("status", [401, 500])
@pytest.mark.parametrize("name", ["x", "linkedin", "bluesky", "outbox"])
def test_no_secret_is_logged_or_raised_through_an_error(
    name: str,
    status: int,
    emulator: Emulator,
    tmp_path: Path,
    debug_log: io.StringIO,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    if name != "outbox":
        emulator.fail_next(CREATE_OP[name], status)
    platform = adapter_for(name, emulator, tmp_path)

    try:
        platform.publish(prepared())
    except PlatformError as exc:
        logging.getLogger("scheduler.test").exception("publish failed: %r", exc)
        raised = f"{exc} {exc!r} {exc.__cause__!r}"
    else:
        raised = ""

    logged = debug_log.getvalue() + caplog.text
    assert "DEBUG" in logged or name == "outbox"
    for value in [*SECRET_VALUES.values(), *emulator.bluesky.issued]:
        assert value not in logged and value not in raised


def test_no_secret_is_logged_during_the_linkedin_code_exchange(
    emulator: Emulator, tmp_path: Path, secrets: Secrets, debug_log: io.StringIO
) -> None:
    config = live_config(tmp_path, emulator)
    store = TokenStore.in_var_dir(config.daemon.var_dir)

    tokens = authorize_against(emulator, config, store, secrets)
    logging.getLogger("scheduler.test").debug("got %s", {"access_token": tokens.access_token})

    logged = debug_log.getvalue()
    assert tokens.access_token not in logged and tokens.refresh_token not in logged  # type: ignore[operator]
    assert "test-li-client-secret" not in logged


@pytest.mark.parametrize(
    "line",
    [
        "Authorization: Bearer AQXabc.def-ghi",
        '{\'Authorization\': \'OAuth oauth_nonce="1", oauth_signature="x%2F", oauth_token="t"\'}',
        '{"access_token": "AQX1", "refresh_token": "AQW2", "expires_in": 5184000}',
        "grant_type=refresh_token&refresh_token=AQW2&client_secret=shh",
        '{"accessJwt": "AQX1", "refreshJwt": "AQW2", "did": "did:plc:abc"}',
        '{"identifier": "nhs.bsky.social", "password": "shh1-shh2-shh3-shh4"}',
        "token eyJ0eXAiOiJhdCtqd3QifQ.eyJzdWIiOiJkaWQ6cGxjOngifQ.c2lnbmF0dXJlAQW2 in a message",
        '"GET /plan.ics?token=AQX1-shh_AQW2 HTTP/1.1" 200',
    ],
)
def test_credential_shapes_are_masked_without_being_configured(line: str) -> None:
    cleaned = RedactingFilter().redact(line)

    for secret in ("AQXabc.def-ghi", 'oauth_signature="x', "AQX1", "AQW2", "shh"):
        assert secret not in cleaned
