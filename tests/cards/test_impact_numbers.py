"""The impact-in-numbers card's words: en-GB figures, singulars, short forms, absent figures."""

from __future__ import annotations

import math
from typing import Any

import pytest

from cards.errors import ImpactNumbersError
from cards.impact.numbers import (
    PERIOD_LIMIT,
    SCOPE_LIMIT,
    ImpactNumbers,
    impact_alt_text,
    impact_figures,
    say_number,
    summary_line,
)


def said(**kw: Any) -> list[str]:
    fields: dict[str, Any] = {"period": "2026", "case_studies": 48, **kw}
    return [f.text for f in impact_figures(ImpactNumbers(**fields))]


@pytest.mark.parametrize(
    ("value", "places", "shown"),
    [(0, 0, "0"), (48, 0, "48"), (1240, 0, "1,240"), (312_000.49, 0, "312,000"), (2.5, 0, "3"),
     (1240.5, 1, "1,240.5"), (1240.0, 1, "1,240"), (12.25, 1, "12.3"), (999_999, 0, "999,999"),
     (999_999.96, 1, "1 million"), (1_000_000, 0, "1 million"), (1_249_999, 0, "1.2 million"),
     (1_250_000, 0, "1.3 million"), (123_456_789, 1, "123.5 million"),
     (999_950_000, 0, "1 billion"), (1_000_000_000, 0, "1 billion"), (2.5e12, 0, "2.5 trillion"),
     (10**16, 0, "10,000 trillion")],
)  # fmt: skip
def test_numbers_have_separators_below_a_million_and_short_forms_from_there(
    value: float, places: int, shown: str
) -> None:
    assert say_number(value, places=places) == shown


def test_the_brief_example_reads_case_studies_hours_then_pounds() -> None:
    numbers = ImpactNumbers("2026", 48, hours_saved=1240, pounds_saved=312_000)
    assert summary_line(numbers) == "2026: 48 case studies · 1,240 hours saved · £312,000 saved"


def test_one_of_each_is_singular() -> None:
    assert said(case_studies=1, hours_saved=1, pounds_saved=1, library_services=1) == [
        "1 case study", "1 hour saved", "£1 saved", "1 library service"
    ]  # fmt: skip


def test_nothing_reported_says_nothing_not_zero() -> None:
    assert said(hours_saved=None, pounds_saved=None, library_services=None) == ["48 case studies"]


def test_figures_that_round_to_zero_are_left_out_but_zero_case_studies_is_said() -> None:
    assert said(case_studies=0, hours_saved=0.04, pounds_saved=0.4, library_services=0) == [
        "0 case studies"
    ]


def test_very_large_figures_use_short_forms() -> None:
    assert said(hours_saved=123_456, pounds_saved=1_000_000_000, library_services=1_200) == [
        "48 case studies", "123,456 hours saved", "£1 billion saved", "1,200 library services"
    ]  # fmt: skip
    assert said(case_studies=2_000_000, hours_saved=1.5e6)[:2] == [
        "2 million case studies", "1.5 million hours saved"
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("field", "value", "problem"),
    [("case_studies", -1, "whole number from 0 upwards"), ("case_studies", 4.5, "whole number"),
     ("case_studies", True, "whole number"), ("library_services", -3, "whole number"),
     ("hours_saved", -5.0, "from 0 upwards, got -5.0"), ("hours_saved", math.nan, "got nan"),
     ("pounds_saved", math.inf, "got inf"), ("period", " \u200b ", "is empty"),
     ("period", "x" * (PERIOD_LIMIT + 1), f"the card allows {PERIOD_LIMIT}"),
     ("scope", "y" * (SCOPE_LIMIT + 1), f"the card allows {SCOPE_LIMIT}")],
)  # fmt: skip
def test_figures_no_card_can_show_are_refused_naming_the_field(
    field: str, value: Any, problem: str
) -> None:
    fields: dict[str, Any] = {"period": "2026", "case_studies": 48, field: value}
    with pytest.raises(ImpactNumbersError) as caught:
        ImpactNumbers(**fields)
    assert caught.value.field == field
    assert str(caught.value).startswith(f"impact card: {field} ") and problem in str(caught.value)


def test_alt_text_says_the_card_in_its_reading_order() -> None:
    numbers = ImpactNumbers("2026 Q3", 48, 1240.5, 312_000, 12, scope="South West")
    assert impact_alt_text(numbers, 1000) == (
        "Library impact in numbers, 2026 Q3, South West: 48 case studies, 1,240.5 hours saved, "
        "£312,000 saved and 12 library services."
    )
    assert impact_alt_text(ImpactNumbers("2026", 1), 250) == (
        "Library impact in numbers, 2026: 1 case study."
    )


def test_alt_text_never_mentions_a_figure_nobody_reported() -> None:
    text = impact_alt_text(ImpactNumbers("2026", 5, hours_saved=None, pounds_saved=0), 1000)
    assert text == "Library impact in numbers, 2026: 5 case studies."


def test_the_longest_heading_keeps_every_figure_within_linkedins_250_characters() -> None:
    numbers = ImpactNumbers(
        "p" * PERIOD_LIMIT, 999_999, 999_999.9, 999.9e9, 999_999, scope="s" * SCOPE_LIMIT
    )
    text = impact_alt_text(numbers, 250)
    assert len(text) <= 250 and not text.startswith("Library impact")
    assert all(f.text in text for f in impact_figures(numbers))


def test_alt_text_too_long_for_a_tiny_limit_is_cut_at_a_word() -> None:
    text = impact_alt_text(ImpactNumbers("2026 Q3", 48, 1240, 312_000), 30)
    assert text == "2026 Q3: 48 case studies…"
