"""Filling a template: quotes need consent, empty lines collapse, hashtags merge."""

from __future__ import annotations

import datetime as dt

import pytest

from scheduler.config import DEFAULT_LINKEDIN_TEMPLATE
from scheduler.publishing.compose import ComposeError, compose_linkedin, compose_x
from tests.compose.conftest import case_study, template

QUOTED = template("{headline}\n\n{quote}\n\n{summary}")
UNCONSENTED = {"quote_text": "It changed our practice", "quote_attribution": "Ward sister"}


def test_a_quote_without_consent_is_left_out_with_a_warning() -> None:
    post = compose_x(case_study(**UNCONSENTED), QUOTED, None)
    assert "changed our practice" not in post.text
    assert post.warnings == ("quote withheld: no consent recorded",)


def test_a_quote_with_consent_is_shown_with_its_attribution() -> None:
    post = compose_x(case_study(**UNCONSENTED, quote_consent=True), QUOTED, None)
    assert "“It changed our practice” — Ward sister" in post.text
    assert post.warnings == ()


def test_lines_whose_placeholders_are_all_empty_collapse_without_trailing_spaces() -> None:
    post = compose_linkedin(case_study(link=""), template(DEFAULT_LINKEDIN_TEMPLATE), None)
    assert post.text == "Falls down by a third\n\nA librarian searched the evidence."


def test_blank_runs_never_leave_three_newlines_or_trailing_spaces() -> None:
    gappy = template("{headline}  \n\n\n\n{region} \n\n{summary}\n\n\n{month}")
    post = compose_x(case_study(), gappy, dt.date(2026, 11, 3))
    assert (
        post.text == "Falls down by a third\n\nA librarian searched the evidence.\n\nNovember 2026"
    )


def test_hashtags_merge_config_and_case_study_ignoring_case_and_hash_signs() -> None:
    tags = template("{hashtags}", hashtags=("NHSLibraries", "#Evidence"))
    content = case_study(hashtags=("nhslibraries", "FallsPrevention", "EVIDENCE"))
    post = compose_x(content, tags, None)
    assert post.text == "#NHSLibraries #Evidence #FallsPrevention"


def test_a_tag_that_cannot_be_a_hashtag_is_left_out_with_a_warning() -> None:
    post = compose_x(case_study(hashtags=("Falls Team", "2026")), template("{hashtags}"), None)
    assert post.text == ""
    assert len(post.warnings) == 2 and "'Falls Team' left out" in post.warnings[0]


def test_x_mentions_must_be_handles() -> None:
    with pytest.raises(ComposeError, match="not an X @handle"):
        compose_x(
            case_study(), template("{mentions}", mentions=("@[NHS](urn:li:organization:1)",)), None
        )
    post = compose_x(
        case_study(), template("{mentions}", mentions=("NHSEngland", "@KfHLibraries")), None
    )
    assert post.text == "@NHSEngland @KfHLibraries"
