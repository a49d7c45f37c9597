"""X counts weighted length (twitter-text v3): the boundary is exactly 280."""

from __future__ import annotations

import unicodedata

import pytest

from scheduler.publishing.compose import X_LIMIT, compose_x, x_weighted_length
from tests.compose.conftest import case_study, template, words

SUMMARY_ONLY = template("{summary}")
SUMMARY_AND_LINK = template("{summary} {link}")
FAMILY = "👨\u200d👩\u200d👧\u200d👦"
UK_FLAG = "🇬🇧"


def test_a_post_of_exactly_280_is_sent_as_written() -> None:
    summary = "a" * 280
    post = compose_x(case_study(summary=summary), SUMMARY_ONLY, None)
    assert (post.text, post.length, post.limit, post.warnings) == (summary, 280, X_LIMIT, ())


def test_a_post_of_281_is_shortened_at_a_word_boundary() -> None:
    summary = words(56) + "!!"
    assert x_weighted_length(summary) == 281
    post = compose_x(case_study(summary=summary), SUMMARY_ONLY, None)
    assert post.length <= 280
    assert post.text == words(55) + "…"
    assert post.warnings == ("summary shortened to fit the 280 limit",)


@pytest.mark.parametrize(
    "link",
    ["https://nhs.uk", "https://library.example.nhs.uk/case-studies/" + "long-path/" * 30],
)
def test_every_url_counts_23_however_long_or_short(link: str) -> None:
    post = compose_x(case_study(summary="a" * 256, link=link), SUMMARY_AND_LINK, None)
    assert post.length == 256 + 1 + 23 == X_LIMIT
    assert post.text.endswith(link)


@pytest.mark.parametrize("emoji", [FAMILY, UK_FLAG, "👍🏽", "🙂"])
def test_an_emoji_counts_two_even_as_a_zwj_sequence_or_a_flag(emoji: str) -> None:
    assert x_weighted_length(emoji) == 2
    post = compose_x(case_study(summary="a" * 278 + emoji), SUMMARY_ONLY, None)
    assert post.length == 280
    assert post.text.endswith(emoji)


def test_a_cjk_character_counts_two() -> None:
    summary = "図書館" * 46 + "ab"
    post = compose_x(case_study(summary=summary), SUMMARY_ONLY, None)
    assert post.length == 46 * 3 * 2 + 2 == 278
    assert x_weighted_length(summary + "書") == 280


def test_nfc_and_nfd_forms_of_the_same_text_give_the_same_post_and_length() -> None:
    nfc = "Ysbyty Gwynedd: café, crèche and Bryn Ŵyn " * 6
    nfd = unicodedata.normalize("NFD", nfc)
    assert nfd != nfc
    from_nfc = compose_x(case_study(summary=nfc), SUMMARY_ONLY, None)
    from_nfd = compose_x(case_study(summary=nfd), SUMMARY_ONLY, None)
    assert from_nfd == from_nfc
    assert unicodedata.is_normalized("NFC", from_nfd.text)


def test_a_combining_accent_counts_with_its_letter() -> None:
    assert x_weighted_length("e\u0301" * 280) == 280
    post = compose_x(case_study(summary="e\u0301" * 280), SUMMARY_ONLY, None)
    assert post.text == "é" * 280
