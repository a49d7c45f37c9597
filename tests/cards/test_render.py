"""Whole cards: sizes, determinism, consent, overflow, layout that never overlaps."""

from __future__ import annotations

import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from cards.brand import Brand
from cards.errors import CardError, TextOverflowError
from cards.render import MAX_PNG_BYTES, NO_CONSENT_WARNING, plan_card, render_card
from tests.cards.conftest import (
    ALL_SIZES,
    assert_no_overlaps,
    at_limit,
    case_study,
    samples,
    spec,
)
from vignettes.content import IMPACT_CATEGORIES, MAX_IMPACT_CATEGORIES


@pytest.mark.parametrize(("platform", "size"), ALL_SIZES)
def test_each_platform_gets_its_configured_size(platform: str, size: tuple[int, int]) -> None:
    card = render_card(case_study(), spec(platform, size), Brand())
    with Image.open(io.BytesIO(card.png)) as image:
        assert image.size == size == (card.width, card.height)
        assert image.format == "PNG" and image.mode == "RGB"
    assert card.platform == platform


def test_the_same_content_gives_the_same_bytes() -> None:
    first = render_card(case_study(), spec(), Brand())
    second = render_card(case_study(), spec(), Brand())
    assert first.sha256 == second.sha256
    changed = render_card(case_study(headline="A different headline"), spec(), Brand())
    assert changed.sha256 != first.sha256


def test_a_quote_without_consent_is_left_out_with_a_warning() -> None:
    content = case_study(quote_consent=False)
    card = render_card(content, spec(), Brand())
    assert card.warnings == (NO_CONSENT_WARNING,)
    layout = plan_card(content, spec(), Brand(), None)
    assert "quote" not in {name for name, _, _ in layout.panels}
    assert content.quote_text not in card.alt_text


def test_a_summary_too_long_for_the_card_names_the_field_and_overflow() -> None:
    content = case_study(summary="The library searched the evidence again. " * 40)
    with pytest.raises(TextOverflowError) as caught:
        render_card(content, spec("linkedin"), Brand())
    assert caught.value.field == "summary"
    assert "overflows by" in str(caught.value) and "ICS-2026-001" in str(caught.value)


@pytest.mark.parametrize(("platform", "size"), ALL_SIZES)
def test_sample_cards_fit_without_overlapping_boxes(platform: str, size: tuple[int, int]) -> None:
    for content in samples():
        assert_no_overlaps(plan_card(content, spec(platform, size), Brand(), (400, 120)))


def test_the_png_stays_under_the_platform_limit() -> None:
    card = render_card(case_study(), spec("linkedin", (1080, 1080)), Brand())
    assert len(card.png) <= MAX_PNG_BYTES


def test_the_organisations_logo_is_drawn_on_a_light_plate() -> None:
    logo = io.BytesIO()
    Image.new("RGB", (300, 100), "#D5281B").save(logo, "PNG")
    card = render_card(case_study(), spec(), Brand(), logo_png=logo.getvalue())
    with Image.open(io.BytesIO(card.png)) as image:
        colours = {c for _, c in image.getcolors(1 << 20) or []}
    assert (0xD5, 0x28, 0x1B) in colours


def test_an_unreadable_logo_is_a_card_error() -> None:
    with pytest.raises(CardError, match="logo is not a readable image"):
        render_card(case_study(), spec(), Brand(), logo_png=b"not an image")


words = st.sampled_from(
    ["library", "evidence", "review", "ward", "Gŵyl", "Siân", "£41,000", "–", "“quote”", "saved"]
)


@settings(max_examples=25, deadline=None)
@given(
    headline=st.lists(words, min_size=1, max_size=16).map(" ".join),
    summary=st.lists(words, min_size=1, max_size=60).map(" ".join),
    quote=st.lists(words, max_size=40).map(" ".join),
    labels=st.lists(
        st.sampled_from(["policy", "research", "commissioning", "cost-saving"]), max_size=4
    ),
    size=st.sampled_from([s for _, s in ALL_SIZES]),
)
def test_random_cards_either_fit_without_overlap_or_name_the_overflowing_field(
    headline: str, summary: str, quote: str, labels: list[str], size: tuple[int, int]
) -> None:
    content = case_study(
        headline=headline, summary=summary, quote_text=quote, impact_categories=tuple(labels)
    )
    try:
        layout = plan_card(content, spec("linkedin", size), Brand(), None)
    except TextOverflowError as exc:
        assert exc.field in {"headline", "summary", "quote_text", "impact_categories"}
        return
    assert_no_overlaps(layout)


@pytest.mark.parametrize(("platform", "size"), ALL_SIZES)
def test_content_at_every_import_limit_still_fits(platform: str, size: tuple[int, int]) -> None:
    fields = ("headline", "summary", "quote_text", "quote_attribution", "organisation",
              "library_service", "region")  # fmt: skip
    longest = {f: at_limit(f, "Knowledge specialists summarised the evidence. ") for f in fields}
    by_label = sorted(IMPACT_CATEGORIES, key=lambda code: len(IMPACT_CATEGORIES[code]))
    categories = tuple(by_label[-MAX_IMPACT_CATEGORIES:])
    content = case_study(**longest, impact_categories=categories)
    assert_no_overlaps(plan_card(content, spec(platform, size), Brand(), (360, 120)))


def widest(length: int) -> str:
    """Text of `length` characters in words of the widest letter: the worst text can be."""
    return ("WWWWWWWWWWWW " * 40)[:length].strip()


@pytest.mark.parametrize(("field", "fits", "limit"), [("headline", 59, 90), ("summary", 219, 320)])
def test_the_widest_text_fits_as_far_as_docs_cards_says_on_the_tightest_card(
    field: str, fits: int, limit: int
) -> None:
    tightest = (spec("linkedin", (1200, 627)), Brand(), (360, 120))  # landscape, with a logo
    plan_card(case_study(**{field: widest(fits)}), *tightest)
    with pytest.raises(TextOverflowError) as refused:
        plan_card(case_study(**{field: widest(limit)}), *tightest)
    assert refused.value.field == field
