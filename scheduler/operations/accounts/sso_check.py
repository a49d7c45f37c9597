"""`vignettes doctor` for single sign-on: the client secret is set, the issuer's discovery
document can be read and names the configured issuer, and its signing keys can be fetched.
Read-only; a failure is a line saying what to do, never a traceback."""

from __future__ import annotations

from typing import Any

import requests

from scheduler.config import Config
from scheduler.credentials.secrets import Secrets
from scheduler.operations.accounts.sso import SECRET_KEY
from scheduler.platforms.checks import Check

TIMEOUT = 10
NAME = "single sign-on"


def sso_checks(
    config: Config, secrets: Secrets, session: requests.Session | None = None
) -> list[Check]:
    """Nothing when `[web.sso]` is not set; otherwise one line per check."""
    sso = config.web.sso
    if sso is None:
        return []
    http = session or requests.Session()
    checks = []
    if secrets.sso_client_secret:
        checks.append(Check(f"{NAME}: client secret", True, "info", f"{SECRET_KEY} is set"))
    else:
        checks.append(
            Check(
                f"{NAME}: client secret",
                False,
                "error",
                f"{SECRET_KEY} is not set (environment or secrets file): the console will "
                "not start",
            )
        )
    discovery, problem = _json(http, sso.discovery_url)
    if discovery is None or problem:
        return [*checks, Check(f"{NAME}: discovery", False, "error", problem)]
    if discovery.get("issuer") != sso.issuer:
        said = discovery.get("issuer")
        return [
            *checks,
            Check(
                f"{NAME}: discovery",
                False,
                "error",
                f"{sso.discovery_url} names the issuer {said!r}, not {sso.issuer!r}: set "
                "[web.sso] issuer to exactly the provider's",
            ),
        ]
    missing = [
        k for k in ("authorization_endpoint", "token_endpoint", "jwks_uri") if k not in discovery
    ]
    if missing:
        return [
            *checks,
            Check(
                f"{NAME}: discovery",
                False,
                "error",
                f"the discovery document has no {', '.join(missing)}",
            ),
        ]
    checks.append(Check(f"{NAME}: discovery", True, "info", f"{sso.issuer} answers"))
    keys, problem = _json(http, str(discovery["jwks_uri"]))
    found = keys.get("keys") if keys else None
    if problem or not isinstance(found, list) or not found:
        why = problem or f"{discovery['jwks_uri']} lists no keys"
        checks.append(Check(f"{NAME}: signing keys", False, "error", why))
    else:
        checks.append(
            Check(f"{NAME}: signing keys", True, "info", f"{len(found)} published by the provider")
        )
    return checks


def _json(http: requests.Session, url: str) -> tuple[dict[str, Any] | None, str]:
    """The JSON object at `url`, or None and why not."""
    try:
        answer = http.get(url, timeout=TIMEOUT)
    except requests.RequestException as exc:
        return (
            None,
            f"{url} cannot be reached ({type(exc).__name__}); check the address and the network",
        )
    if answer.status_code != 200:
        return None, f"{url} answered HTTP {answer.status_code}"
    try:
        data = answer.json()
    except ValueError:
        return None, f"{url} did not answer JSON"
    if not isinstance(data, dict):
        return None, f"{url} did not answer a JSON object"
    return data, ""
