"""Credentials from the environment or a private secrets file; never from config.toml.

The secrets file (named by `VIGNETTES_SECRETS_FILE`) uses `KEY=VALUE` lines — the same
format as a systemd `EnvironmentFile=`, so one file serves both. Blank lines and lines
starting with `#` are ignored; a value may be wrapped in single or double quotes. The file
must be a regular file owned by the current user with mode 0600 (no group/other bits);
otherwise we refuse, naming the path and never the content. The environment wins over the
file, so one value can be overridden for a single run.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator, Mapping
from pathlib import Path

from scheduler.errors import ConfigError

SECRETS_FILE_ENV = "VIGNETTES_SECRETS_FILE"
KNOWN_KEYS = (
    "VIGNETTES_X_API_KEY",
    "VIGNETTES_X_API_SECRET",
    "VIGNETTES_X_ACCESS_TOKEN",
    "VIGNETTES_X_ACCESS_SECRET",
    "VIGNETTES_LINKEDIN_ACCESS_TOKEN",
    "VIGNETTES_LINKEDIN_REFRESH_TOKEN",
    "VIGNETTES_LINKEDIN_CLIENT_ID",
    "VIGNETTES_LINKEDIN_CLIENT_SECRET",
    "VIGNETTES_BLUESKY_APP_PASSWORD",
    # Signs the web console's session cookies and CSRF tokens (`vignettes web`).
    "VIGNETTES_WEB_SECRET_KEY",
    # The `[email]` SMTP account's password, when the server asks for one.
    "VIGNETTES_SMTP_PASSWORD",
    # The console's client secret at the single sign-on provider (`[web.sso]`).
    "VIGNETTES_SSO_CLIENT_SECRET",
)


class Secrets(Mapping[str, str]):
    """Read-only credentials. `repr`/`str` list which keys are set, never a value."""

    def __init__(self, values: Mapping[str, str], source: str = "environment") -> None:
        self._values = {k: v for k, v in values.items() if v}
        self.source = source

    def __getitem__(self, key: str) -> str:
        return self._values[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __repr__(self) -> str:
        return f"Secrets(source={self.source!r}, keys={sorted(self._values)})"

    __str__ = __repr__

    def values_to_redact(self) -> list[str]:
        """Every secret value, for the logging filter."""
        return list(self._values.values())

    def missing(self, *keys: str) -> list[str]:
        return [k for k in keys if k not in self._values]

    # Named accessors, so callers don't spell environment variable names.
    @property
    def x_api_key(self) -> str | None:
        return self._values.get("VIGNETTES_X_API_KEY")

    @property
    def x_api_secret(self) -> str | None:
        return self._values.get("VIGNETTES_X_API_SECRET")

    @property
    def x_access_token(self) -> str | None:
        return self._values.get("VIGNETTES_X_ACCESS_TOKEN")

    @property
    def x_access_secret(self) -> str | None:
        return self._values.get("VIGNETTES_X_ACCESS_SECRET")

    @property
    def linkedin_access_token(self) -> str | None:
        return self._values.get("VIGNETTES_LINKEDIN_ACCESS_TOKEN")

    @property
    def linkedin_refresh_token(self) -> str | None:
        return self._values.get("VIGNETTES_LINKEDIN_REFRESH_TOKEN")

    @property
    def linkedin_client_id(self) -> str | None:
        return self._values.get("VIGNETTES_LINKEDIN_CLIENT_ID")

    @property
    def linkedin_client_secret(self) -> str | None:
        return self._values.get("VIGNETTES_LINKEDIN_CLIENT_SECRET")

    @property
    def bluesky_app_password(self) -> str | None:
        return self._values.get("VIGNETTES_BLUESKY_APP_PASSWORD")

    @property
    def smtp_password(self) -> str | None:
        return self._values.get("VIGNETTES_SMTP_PASSWORD")

    @property
    def web_secret_key(self) -> str | None:
        return self._values.get("VIGNETTES_WEB_SECRET_KEY")

    @property
    def sso_client_secret(self) -> str | None:
        return self._values.get("VIGNETTES_SSO_CLIENT_SECRET")


def check_private_file(path: Path, what: str = "secrets file") -> None:
    """Refuse a file others could read or replace; raises ConfigError naming the path."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise ConfigError(str(path), [f"{what} not found"]) from None
    except OSError as exc:
        raise ConfigError(str(path), [f"cannot read {what}: {exc.strerror}"]) from None
    problems = []
    if not stat.S_ISREG(st.st_mode):
        problems.append(f"{what} must be a regular file")
    if st.st_uid != os.geteuid():
        problems.append(f"{what} must be owned by uid {os.geteuid()}, it is owned by {st.st_uid}")
    if st.st_mode & 0o077:
        problems.append(
            f"{what} is mode {stat.S_IMODE(st.st_mode):04o}; it must be 0600 "
            f"(run: chmod 600 {path})"
        )
    if problems:
        raise ConfigError(str(path), problems)


def parse_secrets_file(text: str, path: Path) -> dict[str, str]:
    """`KEY=VALUE` lines → dict; problems name the line number, never its content."""
    values: dict[str, str] = {}
    problems: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("export "):
            line = line[len("export ") :].lstrip()
        key, sep, value = line.partition("=")
        key = key.strip()
        if not sep or not key.replace("_", "").isalnum():
            problems.append(f"line {number}: not KEY=VALUE")
            continue
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        if key not in KNOWN_KEYS:
            problems.append(f"line {number}: unknown key {key} (known: {', '.join(KNOWN_KEYS)})")
            continue
        values[key] = value
    if problems:
        raise ConfigError(str(path), problems)
    return values


def load_secrets(environ: Mapping[str, str] | None = None) -> Secrets:
    """Secrets from `VIGNETTES_SECRETS_FILE` (if set; strict permission check) overlaid by
    the environment. Raises ConfigError for an unsafe or malformed file."""
    env = os.environ if environ is None else environ
    values: dict[str, str] = {}
    source = "environment"
    file_name = env.get(SECRETS_FILE_ENV, "")
    if file_name:
        path = Path(file_name).expanduser()
        check_private_file(path)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            reason = getattr(exc, "strerror", None) or "not UTF-8 text"
            raise ConfigError(str(path), [f"cannot read secrets file: {reason}"]) from None
        values.update(parse_secrets_file(text, path))
        source = f"{path} + environment"
    values.update({k: env[k] for k in KNOWN_KEYS if env.get(k)})
    return Secrets(values, source)
