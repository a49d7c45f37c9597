"""Cards that lead with the figure: en-GB wording, fit at every limit, reading order."""

from __future__ import annotations

import io
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from cards.alt_text import LINKEDIN_ALT_TEXT_LIMIT, X_ALT_TEXT_LIMIT, alt_text
from cards.brand import Brand
from cards.errors import FigureError, TextOverflowError
from cards.figures import format_hours, format_pounds, key_figures
from cards.render import plan_card, render_card
from tests.cards.conftest import (
    ALL_SIZES,
    MONTH,
    assert_no_overlaps,
    at_limit,
    case_study,
    samples,
    spec,
)
from vignettes.content import IMPACT_CATEGORIES, MAX_IMPACT_CATEGORIES, CaseStudyContent
from vignettes.importing.validation import NUMBER_LIMITS

MOST_HOURS = NUMBER_LIMITS["time_saved_hours"]  # 100,000
MOST_POUNDS = NUMBER_LIMITS["cost_saving_gbp"]  # 1,000,000,000
FIGURE_NAMES = {"cost_saving_gbp", "time_saved_hours"}


@pytest.mark.parametrize(
    ("amount", "shown"),
    [(12400, "£12,400"), (MOST_POUNDS, "£1,000,000,000"), (41000.49, "£41,000"), (2.5, "£3"),
     (0.5, "£1"), (999.5, "£1,000")],
)  # fmt: skip
def test_money_is_whole_pounds_rounded_half_up_with_thousands_separators(
    amount: float, shown: str
) -> None:
    assert format_pounds(amount) == shown


@pytest.mark.parametrize(
    ("hours", "shown"),
    [(15, "15"), (15.0, "15"), (12.5, "12.5"), (12.25, "12.3"), (0.15, "0.2"), (1.04, "1"),
     (1234.5, "1,234.5"), (MOST_HOURS, "100,000"), (99999.96, "100,000")],
)  # fmt: skip
def test_hours_are_whole_or_one_decimal_with_thousands_separators(hours: float, shown: str) -> None:
    assert format_hours(hours) == shown


@pytest.mark.parametrize(
    ("hours", "said"), [(1, "1 hour saved"), (1.04, "1 hour saved"), (0.5, "0.5 hours saved"),
                        (15, "15 hours saved")],
)  # fmt: skip
def test_one_hour_is_singular_and_every_other_amount_plural(hours: float, said: str) -> None:
    assert [f.text for f in key_figures(case_study(time_saved_hours=hours))] == [said]


def test_money_comes_before_time_when_a_case_study_has_both() -> None:
    content = case_study(time_saved_hours=15, cost_saving_gbp=86500)
    assert [f.text for f in key_figures(content)] == ["£86,500 saved", "15 hours saved"]


def test_a_figure_that_rounds_to_zero_leaves_the_card_exactly_as_without_figures() -> None:
    plain = render_card(case_study(), spec(), Brand())
    zeros = render_card(case_study(time_saved_hours=0.04, cost_saving_gbp=0.4), spec(), Brand())
    assert key_figures(case_study(time_saved_hours=0, cost_saving_gbp=0)) == ()
    assert zeros.sha256 == plain.sha256 and zeros.alt_text == plain.alt_text


@pytest.mark.parametrize("bad", [-5.0, math.nan, math.inf])
def test_a_figure_no_card_can_show_is_an_error_naming_the_field(bad: float) -> None:
    with pytest.raises(FigureError) as caught:
        render_card(case_study(cost_saving_gbp=bad), spec(), Brand())
    assert caught.value.field == "cost_saving_gbp"
    assert "ICS-2026-001" in str(caught.value) and "from 0 upwards" in str(caught.value)


def test_a_figure_wider_than_any_card_names_its_field() -> None:
    with pytest.raises(TextOverflowError) as caught:
        render_card(case_study(cost_saving_gbp=1e40), spec(), Brand())
    assert caught.value.field == "cost_saving_gbp" and "overflows by" in str(caught.value)


def test_alt_text_reads_the_figures_after_the_month_and_before_the_headline() -> None:
    content = case_study(time_saved_hours=15, cost_saving_gbp=12400)
    text = alt_text(content, MONTH, X_ALT_TEXT_LIMIT)
    parts = ["November 2026.", "£12,400 saved and 15 hours saved.", "Library evidence review",
             "Ward managers", "Impact:", "“The review", "Westshire Hospitals"]  # fmt: skip
    positions = [text.index(p) for p in parts]
    assert positions == sorted(positions)
    assert alt_text(content, MONTH, LINKEDIN_ALT_TEXT_LIMIT).startswith(text[:90])


def longest_content(**figures: float | None) -> CaseStudyContent:
    fields = ("headline", "summary", "quote_text", "quote_attribution", "organisation",
              "library_service", "region")  # fmt: skip
    longest = {f: at_limit(f, "Knowledge specialists summarised the evidence. ") for f in fields}
    by_label = sorted(IMPACT_CATEGORIES, key=lambda code: len(IMPACT_CATEGORIES[code]))
    return case_study(
        **longest, impact_categories=tuple(by_label[-MAX_IMPACT_CATEGORIES:]), **figures
    )


LARGEST = [
    {"cost_saving_gbp": MOST_POUNDS},
    {"time_saved_hours": MOST_HOURS},
    {"cost_saving_gbp": MOST_POUNDS, "time_saved_hours": MOST_HOURS},
]


@pytest.mark.parametrize("figures", LARGEST, ids=["money", "hours", "both"])
@pytest.mark.parametrize(("platform", "size"), ALL_SIZES)
@pytest.mark.parametrize(
    "logo", [None, (360, 120), (1000, 100)], ids=["no-logo", "logo", "wide-logo"]
)
def test_the_largest_figures_with_content_at_every_import_limit_still_fit(
    figures: dict[str, float], platform: str, size: tuple[int, int], logo: tuple[int, int] | None
) -> None:
    content = longest_content(**figures)
    layout = plan_card(content, spec(platform, size), Brand(), logo)
    assert_no_overlaps(layout)
    drawn = {t.name for t, parent in layout.texts if parent == "figures"}
    assert drawn == {name for f in figures for name in (f, f"{f} label")}


@pytest.mark.parametrize(("platform", "size"), ALL_SIZES)
def test_the_figures_lead_above_a_smaller_headline_on_every_sample(
    platform: str, size: tuple[int, int]
) -> None:
    for content in samples():
        if not key_figures(content):
            continue
        layout = plan_card(content, spec(platform, size), Brand(), (400, 120))
        texts = {t.name: t for t, _ in layout.texts}
        headline, numbers = texts["headline"], [texts[f.field] for f in key_figures(content)]
        assert all(n.box.bottom < headline.box.y for n in numbers), content.ref
        assert all(n.fitted.size > headline.fitted.size for n in numbers), content.ref


def test_a_key_figure_card_gives_the_same_bytes_every_time() -> None:
    content = case_study(time_saved_hours=12.5, cost_saving_gbp=12400)
    first, second = (render_card(content, spec("linkedin"), Brand()) for _ in range(2))
    assert first.sha256 == second.sha256
    assert first.sha256 != render_card(case_study(), spec("linkedin"), Brand()).sha256
    with Image.open(io.BytesIO(first.png)) as image:
        assert image.size == (1200, 627)


@settings(max_examples=25, deadline=None)
@given(
    pounds=st.one_of(st.none(), st.floats(0, MOST_POUNDS)),
    hours=st.one_of(st.none(), st.floats(0, MOST_HOURS)),
    headline_words=st.integers(1, 16),
    quote=st.booleans(),
    size=st.sampled_from([s for _, s in ALL_SIZES]),
)
def test_random_figures_fit_without_overlap_or_name_the_overflowing_field(
    pounds: float | None, hours: float | None, headline_words: int, quote: bool,
    size: tuple[int, int],
) -> None:  # fmt: skip
    content = case_study(
        headline=" ".join(["evidence"] * headline_words), cost_saving_gbp=pounds,
        time_saved_hours=hours, quote_consent=quote,
    )  # fmt: skip
    try:
        layout = plan_card(content, spec("linkedin", size), Brand(), None)
    except TextOverflowError as exc:
        assert exc.field in {"headline", "summary", "quote_text", *FIGURE_NAMES}
        return
    assert_no_overlaps(layout)
