"""Bluesky posts: 300 graphemes, X's shortening order, and facets whose UTF-8 byte ranges
always land on the link and hashtags of the text as sent."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scheduler.platforms.bluesky.text import find_facets, graphemes
from scheduler.publishing.compose import ComposeError
from scheduler.publishing.compose_bluesky import compose_bluesky
from tests.compose.conftest import case_study, template, words

LINK = "https://library.example.nhs.uk/impact/ics-2026-001"
FULL = template("{headline}\n\n{summary}\n\n{link}\n\n{hashtags}", hashtags=("NHSLibraries",))


def spans(text: str) -> dict[str, str]:
    data = text.encode("utf-8")
    return {f.value: data[f.byte_start : f.byte_end].decode() for f in find_facets(text)}


@pytest.mark.parametrize(
    ("text", "count"),
    [("café", 4), ("cafe\u0301", 4), ("🇬🇧", 1), ("👨‍👩‍👧‍👦", 1), ("👩🏽‍⚕️ ok", 4), ("日本語", 3)],
)
def test_graphemes_count_what_a_reader_sees_as_one_character(text: str, count: int) -> None:
    assert graphemes(text) == count


def test_facets_point_at_the_bytes_of_the_link_and_tags_after_emoji_and_accents() -> None:
    text = f"Évaluation 👨‍👩‍👧‍👦 réussie {LINK} #Santé #NHS_Libraries"
    assert spans(text) == {LINK: LINK, "Santé": "#Santé", "NHS_Libraries": "#NHS_Libraries"}
    [link, *_] = find_facets(text)
    assert link.byte_start == len("Évaluation 👨‍👩‍👧‍👦 réussie ".encode())


def test_trailing_punctuation_and_an_unopened_bracket_are_not_part_of_a_link() -> None:
    assert spans("Read: https://a.example/x). Or (https://w.example/A_(b)).") == {
        "https://a.example/x": "https://a.example/x",
        "https://w.example/A_(b)": "https://w.example/A_(b)",
    }


def test_a_hash_without_a_letter_and_a_mid_word_hash_are_not_tags() -> None:
    assert spans("Ward #5 and C# and a#b #x") == {"x": "#x"}


def test_hashtags_go_first_then_the_summary_and_the_link_facet_survives() -> None:
    content = case_study(summary=words(60, "évidence"), link=LINK)
    post = compose_bluesky(content, FULL, None)
    assert post.length <= 300 and "#" not in post.text and "…" in post.text
    assert spans(post.text) == {LINK: LINK}
    assert post.warnings[0].startswith("hashtags left out: the post was")


def test_only_dropping_the_hashtags_keeps_the_whole_summary() -> None:
    content = case_study(summary="a" * 215, link=LINK)  # 305 with the tag, 288 without
    post = compose_bluesky(content, FULL, None)
    assert "a" * 215 in post.text and "#" not in post.text


def test_a_post_that_cannot_fit_says_graphemes_and_by_how_much() -> None:
    content = case_study(ref="ICS-2026-009", headline="h" * 320)
    with pytest.raises(ComposeError) as raised:
        compose_bluesky(content, FULL, None)
    assert "Bluesky post is" in str(raised.value) and "graphemes" in str(raised.value)
    assert raised.value.over > 0


def test_a_mention_must_be_a_bluesky_handle() -> None:
    with pytest.raises(ComposeError):
        compose_bluesky(
            case_study(), template("{mentions}", mentions=("@[Org](urn:li:x:1)",)), None
        )
    post = compose_bluesky(
        case_study(), template("{mentions}", mentions=("NHS.bsky.social",)), None
    )
    assert post.text == "@nhs.bsky.social"


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(["é", "👍🏽", "🇬🇧", "a", " ", "\n", "字", "e\u0301"])).map("".join))
def test_every_found_facet_lies_on_whole_characters_of_the_text(noise: str) -> None:
    text = f"{noise} {LINK} {noise} #Tag{noise[:1].strip()} {noise}"
    data = text.encode("utf-8")
    for facet in find_facets(text):
        assert 0 <= facet.byte_start < facet.byte_end <= len(data)
        data[facet.byte_start : facet.byte_end].decode("utf-8")  # raises if a char is cut
    assert LINK in spans(text)
