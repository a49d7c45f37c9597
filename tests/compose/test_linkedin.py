"""LinkedIn commentary in little text: escaped so it is never cut; real hashtags and mentions."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scheduler.publishing.compose import (
    LINKEDIN_LIMIT,
    LITTLE_TEXT_RESERVED,
    ComposeError,
    compose_linkedin,
    escape_little_text,
    unescape_little_text,
)
from tests.compose.conftest import case_study, template, words

NHS_ENGLAND = "@[NHS England](urn:li:organization:2414183)"


@pytest.mark.parametrize("reserved", sorted(LITTLE_TEXT_RESERVED))
def test_every_reserved_character_in_the_text_is_escaped_with_a_backslash(reserved: str) -> None:
    post = compose_linkedin(case_study(summary=f"Guam {reserved}GPA"), template("{summary}"), None)
    assert post.text == f"Guam \\{reserved}GPA"
    assert unescape_little_text(post.text) == f"Guam {reserved}GPA"


def test_literal_template_text_is_escaped_too() -> None:
    post = compose_linkedin(case_study(), template("{headline} (via @library #1)"), None)
    assert post.text == "Falls down by a third \\(via \\@library \\#1\\)"


def test_hashtags_use_linkedins_hashtag_template() -> None:
    tags = template("{hashtags}", hashtags=("NHSLibraries",))
    post = compose_linkedin(case_study(hashtags=("Falls_Prevention",)), tags, None)
    assert post.text == "{hashtag|\\#|NHSLibraries} {hashtag|\\#|Falls\\_Prevention}"
    assert unescape_little_text(post.text) == "#NHSLibraries #Falls_Prevention"


def test_a_configured_mention_is_kept_as_a_mention_element() -> None:
    post = compose_linkedin(
        case_study(), template("With {mentions}", mentions=(NHS_ENGLAND,)), None
    )
    assert post.text == f"With {NHS_ENGLAND}"
    assert unescape_little_text(post.text) == "With NHS England"


@pytest.mark.parametrize(
    "mention",
    ["NHS England", "@NHSEngland", "@[NHS](urn:li:company:1)", "@[A (B)](urn:li:person:x)"],
)
def test_a_mention_not_in_linkedin_form_is_refused(mention: str) -> None:
    with pytest.raises(ComposeError, match="is not @\\[Name\\]"):
        compose_linkedin(case_study(), template("{mentions}", mentions=(mention,)), None)


def test_reserved_characters_inside_a_link_are_escaped_with_a_warning_to_check_it() -> None:
    content = case_study(link="https://example.nhs.uk/case_studies/(2026)")
    post = compose_linkedin(content, template("{link}"), None)
    assert post.text == "https://example.nhs.uk/case\\_studies/\\(2026\\)"
    assert post.warnings == (
        "link contains ( ) _, reserved on LinkedIn: it is sent escaped; "
        "check the link works in the published post",
    )


def test_a_link_without_reserved_characters_is_sent_unchanged_and_without_warning() -> None:
    post = compose_linkedin(
        case_study(link="https://example.nhs.uk/ics-1"), template("{link}"), None
    )
    assert (post.text, post.warnings) == ("https://example.nhs.uk/ics-1", ())


def test_a_commentary_of_3000_is_kept_and_a_longer_summary_is_shortened() -> None:
    exact = compose_linkedin(case_study(summary="a" * 3000), template("{summary}"), None)
    assert exact.length == LINKEDIN_LIMIT
    longer = compose_linkedin(case_study(summary=words(700)), template("{summary}"), None)
    assert longer.length <= LINKEDIN_LIMIT and longer.text.endswith("word…")


def test_escapes_count_towards_the_3000_limit() -> None:
    with pytest.raises(
        ComposeError, match="LinkedIn post is 3002 characters; the limit is 3000, 2 over"
    ):
        compose_linkedin(case_study(summary="_" * 1501), template("{summary}"), None)


@given(st.text())
def test_unescaping_an_escaped_text_gives_it_back(text: str) -> None:
    assert unescape_little_text(escape_little_text(text)) == text


@given(st.text(alphabet=st.sampled_from([*sorted(LITTLE_TEXT_RESERVED), "a", " ", "\n"])))
def test_escaped_text_leaves_no_reserved_character_bare_for_linkedin_to_cut_at(text: str) -> None:
    bare = re.sub(r"\\.", "", escape_little_text(text), flags=re.DOTALL)
    assert not set(bare) & LITTLE_TEXT_RESERVED
