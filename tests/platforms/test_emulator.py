"""The emulator rejects what the real APIs reject (checked with raw HTTP, not our adapters)."""

from __future__ import annotations

import requests
import tweepy

from tests.emulator import Emulator
from tests.platforms.conftest import png

# OAuth 1.0a user context, signed as tweepy (the live X client) signs it.
USER = tweepy.OAuth1UserHandler(
    "test-x-api-key", "test-x-api-secret", "test-x-access-token", "test-x-access-secret"
).apply_auth()
LINKEDIN = {
    "Authorization": "Bearer test-li-access-token",
    "LinkedIn-Version": "202610",
    "X-Restli-Protocol-Version": "2.0.0",
}


def test_x_accepts_a_multipart_upload(emulator: Emulator) -> None:
    response = requests.post(
        f"{emulator.base_url}/2/media/upload",
        auth=USER,
        timeout=5,
        files={"media": png()},
        data={"media_category": "tweet_image"},
    )

    assert response.status_code == 200
    assert response.json()["data"]["image"] == {"image_type": "image/png", "w": 4, "h": 3}


def test_x_refuses_an_image_over_5_mb(emulator: Emulator) -> None:
    big = png() + b"\0" * (5 * 1024 * 1024)

    response = requests.post(
        f"{emulator.base_url}/2/media/upload",
        auth=USER,
        timeout=5,
        files={"media": big},
        data={"media_category": "tweet_image"},
    )

    assert response.status_code == 400


def test_x_refuses_alt_text_over_1000_characters(emulator: Emulator) -> None:
    media = requests.post(
        f"{emulator.base_url}/2/media/upload",
        auth=USER,
        timeout=5,
        files={"media": png()},
        data={"media_category": "tweet_image"},
    ).json()
    body = {"id": media["data"]["id"], "metadata": {"alt_text": {"text": "a" * 1001}}}

    response = requests.post(
        f"{emulator.base_url}/2/media/metadata", auth=USER, json=body, timeout=5
    )

    assert response.status_code == 400


def test_x_refuses_a_post_with_someone_elses_media(emulator: Emulator) -> None:
    body = {"text": "hello", "media": {"media_ids": ["999"]}}

    response = requests.post(f"{emulator.base_url}/2/tweets", auth=USER, json=body, timeout=5)

    assert response.status_code == 400 and emulator.x_posts == []


def test_x_answers_every_call_with_rate_limit_headers(emulator: Emulator) -> None:
    response = requests.get(f"{emulator.base_url}/2/users/me", auth=USER, timeout=5)

    assert {"x-rate-limit-limit", "x-rate-limit-remaining", "x-rate-limit-reset"} <= set(
        k.lower() for k in response.headers
    )


def test_linkedin_without_a_version_header_is_a_400(emulator: Emulator) -> None:
    headers = {k: v for k, v in LINKEDIN.items() if k != "LinkedIn-Version"}

    response = requests.get(f"{emulator.base_url}/rest/posts?q=author", headers=headers, timeout=5)

    assert response.status_code == 400 and response.json()["code"] == "VERSION_MISSING"


def test_linkedin_without_the_restli_protocol_header_is_refused(emulator: Emulator) -> None:
    headers = {k: v for k, v in LINKEDIN.items() if k != "X-Restli-Protocol-Version"}

    response = requests.get(f"{emulator.base_url}/rest/posts?q=author", headers=headers, timeout=5)

    assert response.status_code == 400


def test_linkedin_refuses_commentary_over_3000_characters(emulator: Emulator) -> None:
    body = {"author": "urn:li:organization:2414183", "commentary": "a" * 3001}

    response = requests.post(
        f"{emulator.base_url}/rest/posts", headers=LINKEDIN, json=body, timeout=5
    )

    assert response.status_code == 400 and response.json()["code"] == "FIELD_LENGTH_TOO_LONG"


def test_the_emulator_records_every_request_it_received(emulator: Emulator) -> None:
    requests.get(f"{emulator.base_url}/2/users/me", auth=USER, timeout=5)

    [recorded] = emulator.requests
    assert recorded.op == "x.get_me" and recorded.header("authorization").startswith("OAuth ")
