"""The console as an OpenID Connect client of `[web.sso]`'s provider, through Authlib's
Flask integration: the authorisation-code flow with PKCE (S256), `state` and `nonce`,
endpoints and keys from the issuer's discovery document. Authlib keeps the state, nonce
and code verifier in the signed session cookie, exchanges the code, and checks the ID
token's signature, issuer, audience, expiry and nonce; nothing here reads a token itself.

The client secret comes only from `VIGNETTES_SSO_CLIENT_SECRET` (environment or secrets
file) and stays inside Authlib's client: never in a page, a log or the database.
"""

from __future__ import annotations

from typing import Any

import requests
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.base_client.errors import MismatchingStateError, OAuthError
from authlib.integrations.flask_client import OAuth
from flask import Flask, current_app
from joserfc.errors import JoseError
from werkzeug.wrappers import Response

from scheduler.config import Config
from scheduler.config.sso import CALLBACK_PATH
from scheduler.operations.accounts.sso import Identity, client_secret

CLIENT = "provider"
SCOPES = "openid email profile"
TIMEOUT = 10  # seconds for each call to the provider; a sign-in page must not hang


class CallbackFailed(Exception):
    """The provider's answer cannot sign anyone in; `reason` is for the log (never a
    token), the message for the page, `status` the HTTP answer."""

    def __init__(self, message: str, reason: str, status: int = 400) -> None:
        self.reason = reason
        self.status = status
        super().__init__(message)


def init_sso(app: Flask, config: Config) -> None:
    """Register the provider's client when `[web.sso]` is set. Raises ConfigError when the
    client secret is missing (or the secrets file is unsafe)."""
    sso = config.web.sso
    if sso is None:
        return
    secret = client_secret()
    oauth = OAuth(app)
    oauth.register(
        CLIENT,
        client_id=sso.client_id,
        client_secret=secret,
        server_metadata_url=sso.discovery_url,
        client_kwargs={
            "scope": SCOPES,
            "code_challenge_method": "S256",
            "default_timeout": TIMEOUT,
        },
    )


def _client() -> Any:
    oauth: OAuth = current_app.extensions["authlib.integrations.flask_client"]
    return oauth.create_client(CLIENT)


def redirect_uri(config: Config) -> str:
    return config.web.base_url + CALLBACK_PATH


def start(config: Config) -> Response:
    """The redirect to the provider's sign-in page; raises CallbackFailed (502) when its
    discovery document cannot be read."""
    try:
        response: Response = _client().authorize_redirect(redirect_uri(config))
    except (requests.RequestException, ValueError, AuthlibBaseError, RuntimeError) as exc:
        raise CallbackFailed(
            "The sign-in service could not be reached. Try again in a few minutes.",
            f"discovery failed: {type(exc).__name__}: {exc}",
            502,
        ) from None
    return response


def finish(config: Config) -> Identity:
    """The person the provider's callback names, once Authlib has checked everything.
    Raises CallbackFailed."""
    sso = config.web.sso
    assert sso is not None  # the view answers 404 without [web.sso]
    try:
        token = _client().authorize_access_token(
            # The configured issuer, not only what the discovery document says it is.
            claims_options={"iss": {"essential": True, "value": sso.issuer}},
        )
    except MismatchingStateError:
        raise CallbackFailed(
            "This sign-in was not started from this browser, or has already been used. "
            "Start again from the sign-in page.",
            "the state is not one this session started",
        ) from None
    except OAuthError as exc:
        if exc.error == "access_denied":
            raise CallbackFailed(
                "The sign-in was cancelled at the sign-in service.", "access denied"
            ) from None
        raise CallbackFailed(
            "The sign-in service refused the sign-in. Start again from the sign-in page.",
            f"the provider answered {exc.error}",
        ) from None
    except (JoseError, AuthlibBaseError, ValueError, KeyError) as exc:
        raise CallbackFailed(
            "The sign-in service's answer could not be verified. Start again from the "
            "sign-in page.",
            f"the ID token was refused: {type(exc).__name__}: {exc}",
        ) from None
    except requests.RequestException as exc:
        raise CallbackFailed(
            "The sign-in service could not be reached. Try again in a few minutes.",
            f"the token request failed: {type(exc).__name__}",
            502,
        ) from None
    claims = token.get("userinfo")
    if not isinstance(claims, dict):
        raise CallbackFailed(
            "The sign-in service did not say who signed in.", "no ID token in the answer"
        )
    return Identity.from_claims(claims)
