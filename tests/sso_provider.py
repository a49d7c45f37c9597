"""A real OpenID Connect provider on loopback for the single sign-on tests:
`oidc-provider-mock` (PyPI) served by werkzeug on 127.0.0.1 in a thread. It publishes a
discovery document and its keys, shows its own sign-in page, issues one-time codes and
signs ID tokens (with the nonce it was sent).

Two things are added around it, never inside our code: every request it receives is kept
(`seen`), so a test can check what the console sent (PKCE, the client secret); and a test
can have the next token answer carry an ID token it signed itself (`next_id_token`), from
the claims the provider would have issued, with the provider's own key or another one.

    with Provider.running() as provider:
        provider.add_person("sub-1", email="priya@nhs.net")
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

import flask
import oidc_provider_mock
import requests
from joserfc import jwt
from joserfc.jwk import RSAKey
from werkzeug.serving import BaseWSGIServer, make_server

Claims = dict[str, Any]
Signer = Callable[[Claims, RSAKey, str], str]


@dataclass
class Seen:
    path: str
    values: dict[str, str]
    authorization: str


@dataclass
class Provider:
    """The provider at `issuer` (http://127.0.0.1:<port>, as its discovery says)."""

    server: BaseWSGIServer
    seen: list[Seen] = field(default_factory=list)
    next_id_token: Signer | None = None

    @property
    def issuer(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}"

    @classmethod
    @contextlib.contextmanager
    def running(cls) -> Iterator[Provider]:
        # The provider is Authlib's server side, which refuses plain http unless told.
        os.environ["AUTHLIB_INSECURE_TRANSPORT"] = "1"
        app = oidc_provider_mock.app(require_nonce=True)
        server = make_server("127.0.0.1", 0, app, threaded=True)
        provider = cls(server)
        app.before_request(provider._record)
        app.after_request(provider._rewrite)
        thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
        thread.start()
        try:
            yield provider
        finally:
            server.shutdown()
            server.server_close()
            thread.join(timeout=10)

    def reset(self) -> None:
        self.seen.clear()
        self.next_id_token = None

    def add_person(self, subject: str, **claims: Any) -> None:
        """Someone the provider knows, with these claims (email, email_verified, name)."""
        answer = requests.put(f"{self.issuer}/users/{subject}", json=claims, timeout=10)
        answer.raise_for_status()

    def authorize(self, authorize_url: str, subject: str) -> str:
        """What a person does on the provider's page: sign in as `subject`. Returns the
        address the provider sends the browser back to (the console's callback)."""
        answer = requests.post(
            authorize_url, data={"sub": subject}, allow_redirects=False, timeout=10
        )
        assert answer.status_code == 302, answer.text[:500]
        return str(answer.headers["Location"])

    def requests_to(self, path: str) -> list[Seen]:
        return [s for s in self.seen if s.path == path]

    def _record(self) -> None:
        request = flask.request
        values = {k: v for k, v in request.values.items()}
        self.seen.append(Seen(request.path, values, request.headers.get("Authorization", "")))

    def _rewrite(self, response: flask.Response) -> flask.Response:
        if flask.request.path != "/oauth2/token" or self.next_id_token is None:
            return response
        signer, self.next_id_token = self.next_id_token, None
        if response.status_code != 200:
            return response
        body = json.loads(response.get_data())
        header, claims = _unverified(body["id_token"])
        key = RSAKey.import_key(flask.g.oidc_provider_mock_storage.jwk.as_dict(is_private=True))
        body["id_token"] = signer(claims, key, header.get("kid", ""))
        response.set_data(json.dumps(body))
        return response


def sign(claims: Claims, key: RSAKey, kid: str) -> str:
    """An RS256 ID token over `claims`, signed by `key` under key id `kid` (none when "",
    as the provider's own tokens come)."""
    header = {"alg": "RS256", **({"kid": kid} if kid else {})}
    return jwt.encode(header, claims, key)


def another_key() -> RSAKey:
    return RSAKey.generate_key(2048)


def query_of(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def _unverified(token: str) -> tuple[Claims, Claims]:
    header, payload, _ = token.split(".")
    return _json(header), _json(payload)


def _json(part: str) -> Claims:
    data: Claims = json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
    return data
