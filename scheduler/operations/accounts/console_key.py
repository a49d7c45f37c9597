"""The key that signs the web console's session cookies and CSRF tokens.

From `VIGNETTES_WEB_SECRET_KEY` (the environment or the secrets file), never config.toml.
When it is absent, a random key is created once in a 0600 file beside the SQLite database
(in `[daemon] var_dir` for PostgreSQL) and reused by every later start, so sessions survive
a restart. Several console instances serving one database must share one key, or each
would refuse the others' cookies: give them all the same VIGNETTES_WEB_SECRET_KEY.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Mapping
from pathlib import Path

from sqlalchemy.engine import make_url

from scheduler.config import Config
from scheduler.credentials.secrets import check_private_file, load_secrets
from scheduler.errors import ConfigError
from scheduler.files import write_atomic
from scheduler.operations.context import Workspace

log = logging.getLogger(__name__)

KEY_ENV = "VIGNETTES_WEB_SECRET_KEY"
KEY_FILE_NAME = "web-secret.key"
MIN_LENGTH = 32


def key_file(config: Config) -> Path:
    """Where a created key is kept: beside the SQLite file, else in the var folder."""
    url = make_url(config.database.url)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        return Path(url.database).parent / KEY_FILE_NAME
    return config.daemon.var_dir / KEY_FILE_NAME


def signing_key(config: Config, environ: Mapping[str, str] | None = None) -> bytes:
    """The console's signing key; raises ConfigError for a short key, an unsafe secrets or
    key file, or a key file that is not one this function wrote."""
    given = load_secrets(environ).web_secret_key
    if given:
        if len(given) < MIN_LENGTH:
            raise ConfigError(
                KEY_ENV,
                [
                    f"is {len(given)} characters; use at least {MIN_LENGTH} random ones, e.g. "
                    "the output of: python3 -c 'import secrets; print(secrets.token_hex(32))'"
                ],
            )
        return _registered(given)
    path = key_file(config)
    if not path.exists():
        _create(path)
    check_private_file(path, "console key file")
    try:
        text = path.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        text = ""
    if len(text) < MIN_LENGTH * 2 or not all(c in "0123456789abcdef" for c in text):
        raise ConfigError(
            str(path),
            [
                "is not a key that `vignettes web` wrote; delete it to have a new one made "
                "(everyone signed in will have to sign in again)"
            ],
        )
    return _registered(text)


def _create(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    # Only if none is there yet: two consoles starting together end up with the same key.
    if not write_atomic(path, secrets.token_hex(MIN_LENGTH) + "\n", only_if_absent=True):
        return
    log.warning(
        "created the console's session-signing key in %s (mode 0600); every console instance "
        "serving this database needs the same key: copy it, or set %s for them all",
        path,
        KEY_ENV,
    )


def _registered(key: str) -> bytes:
    from scheduler.credentials.redact import add_secret

    add_secret(key)
    return key.encode("utf-8")


def start_console_logging(ws: Workspace) -> None:
    """Log lines as the daemon writes them (`[daemon] log_format`), redaction installed."""
    from scheduler.daemon.runtime import configure_logging

    configure_logging(ws.config.daemon.log_format)
