"""Over 280, X posts are shortened in the documented order, or refused; never sent too long."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scheduler.errors import SchedulerError
from scheduler.publishing.compose import ComposeError, compose_x, x_weighted_length
from tests.compose.conftest import case_study, template, words

WITH_TAGS = template("{summary}\n\n{hashtags}", hashtags=("NHSLibraries", "Evidence"))


def test_hashtags_are_dropped_before_the_summary_is_touched() -> None:
    summary = "a" * 270
    post = compose_x(case_study(summary=summary), WITH_TAGS, None)
    assert post.text == summary
    assert post.warnings == ("hashtags left out: the post was 295 of 280",)


def test_the_summary_is_then_cut_at_a_word_boundary_with_an_ellipsis() -> None:
    summary = words(40, "library,") + " the end"
    post = compose_x(case_study(summary=summary), WITH_TAGS, None)
    assert "#" not in post.text
    assert post.text.endswith("library…")
    assert summary.startswith(post.text.removesuffix("…"))
    assert post.length <= 280
    assert post.warnings[-1] == "summary shortened to fit the 280 limit"


def test_a_post_too_long_even_after_shortening_raises_naming_the_case_study_and_the_excess() -> (
    None
):
    long_headline = template("{headline}\n{summary}", hashtags=("NHS",))
    content = case_study(ref="ICS-2024-007", headline="h" * 290, summary=words(30))
    with pytest.raises(ComposeError) as raised:
        compose_x(content, long_headline, None)
    assert isinstance(raised.value, SchedulerError)
    assert raised.value.over == 290 + 1 + len(words(5)) + 2 - 280
    assert str(raised.value).startswith("case study ICS-2024-007: X post is ")
    assert f"{raised.value.over} over" in str(raised.value)


def test_a_summary_that_cannot_be_cut_is_refused_rather_than_truncated_mid_word() -> None:
    with pytest.raises(ComposeError, match="1 over"):
        compose_x(case_study(summary="a" * 281), template("{summary}"), None)


@settings(max_examples=60, deadline=None)
@given(
    headline=st.text(st.sampled_from("ab 図😀é🇬🇧"), max_size=90),
    summary=st.lists(
        st.sampled_from(["word", "図書館", "👨\u200d👩\u200d👧", "nhs.uk", "—"]), max_size=90
    ),
    tags=st.lists(st.sampled_from(["NHS", "Libraries", "日本", "x" * 40]), max_size=5),
)
def test_a_composed_x_post_never_exceeds_280(
    headline: str, summary: list[str], tags: list[str]
) -> None:
    content = case_study(headline=headline, summary=" ".join(summary), hashtags=tuple(tags))
    try:
        post = compose_x(content, template("{headline}\n\n{summary}\n\n{hashtags}"), None)
    except ComposeError as error:
        assert error.over > 0
    else:
        assert post.length == x_weighted_length(post.text) <= 280
