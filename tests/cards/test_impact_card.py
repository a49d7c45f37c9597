"""The impact-in-numbers card: fits at every limit and size, AA contrast, same bytes, no tofu."""

from __future__ import annotations

import io
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from cards.boxes import CardLayout
from cards.brand import NORMAL_TEXT, Brand, contrast_ratio
from cards.errors import BrandContrastError, MissingGlyphError, TextOverflowError
from cards.impact.card import plan_impact_card, render_impact_card
from cards.impact.numbers import PERIOD_LIMIT, SCOPE_LIMIT, ImpactNumbers, impact_figures
from cards.render import LINKEDIN_SIZE, X_SIZE
from tests.cards.conftest import ALL_SIZES, assert_no_overlaps, spec

TYPICAL = ImpactNumbers("2026", 48, hours_saved=1240, pounds_saved=312_000)
LONG_PERIOD = ("Financial year April 2025 to March 2026 " * 2)[:PERIOD_LIMIT].strip()
LONG_SCOPE = ("Knowledge and Library Services of the North West " * 3)[:SCOPE_LIMIT].strip()
LIMITS: dict[str, dict[str, Any]] = {
    "all-absent": {"case_studies": 0},
    "single": {"case_studies": 1},
    "one-each": {"case_studies": 1, "hours_saved": 1, "pounds_saved": 1, "library_services": 1},
    "huge": {"case_studies": 250_000, "hours_saved": 100_000, "pounds_saved": 1_000_000_000,
             "library_services": 1_000},
    "widest": {"case_studies": 999_999, "hours_saved": 999_999.9, "pounds_saved": 999.9e12,
               "library_services": 999_999},
    "long-period": {"period": LONG_PERIOD, "case_studies": 48, "hours_saved": 1240},
    "widest-period": {"period": "W" * PERIOD_LIMIT, "case_studies": 999_999,
                      "pounds_saved": 999.9e12},
    "everything-long": {"period": LONG_PERIOD, "scope": LONG_SCOPE, "case_studies": 999_999,
                        "hours_saved": 999_999.9, "pounds_saved": 999.9e12,
                        "library_services": 999_999},
}  # fmt: skip


def numbers(**kw: Any) -> ImpactNumbers:
    return ImpactNumbers(**{"period": "2026 Q3", **kw})


@pytest.mark.parametrize("limit", LIMITS, ids=list(LIMITS))
@pytest.mark.parametrize(("platform", "size"), ALL_SIZES)
@pytest.mark.parametrize("logo", [None, (360, 120), (1000, 100)], ids=["no-logo", "logo", "wide"])
def test_the_card_fits_at_every_limit_without_overlapping(
    limit: str, platform: str, size: tuple[int, int], logo: tuple[int, int] | None
) -> None:
    figures = numbers(**LIMITS[limit])
    layout = plan_impact_card(figures, spec(platform, size), Brand(), logo)
    assert_no_overlaps(layout)
    tiles = [name for name, _, _ in layout.panels if name.startswith("tile ")]
    assert tiles == [f"tile {f.field}" for f in impact_figures(figures)]


def test_an_absent_figure_gets_no_tile_and_no_words() -> None:
    layout = plan_impact_card(numbers(case_studies=5), spec(), Brand(), None)
    drawn = {t.name for t, _ in layout.texts}
    assert drawn == {"title", "period", "case_studies", "case_studies label", "footer_text"}


def test_a_scope_sits_under_the_period_and_a_blank_one_draws_nothing() -> None:
    blank = plan_impact_card(numbers(case_studies=5, scope=" \u200b "), spec(), Brand(), None)
    assert "scope" not in {t.name for t, _ in blank.texts}
    named = plan_impact_card(numbers(case_studies=5, scope="South West"), spec(), Brand(), None)
    texts = {t.name: t for t, _ in named.texts}
    assert texts["period"].box.bottom < texts["scope"].box.y < texts["case_studies"].box.y


def test_every_number_has_one_size_larger_than_its_label() -> None:
    layout = plan_impact_card(numbers(**LIMITS["huge"]), spec("linkedin"), Brand(), None)
    texts = {t.name: t.fitted for t, _ in layout.texts}
    fields = [f.field for f in impact_figures(numbers(**LIMITS["huge"]))]
    assert len({texts[f].size for f in fields}) == 1
    assert all(texts[f].size > texts[f"{f} label"].size for f in fields)


def drawn_pairs(png: bytes, layout: CardLayout, brand: Brand) -> list[tuple[str, str, str]]:
    """Each text's name, its colour, and the colour most of its box is painted (the
    background it is read against), as `#RRGGBB`."""
    with Image.open(io.BytesIO(png)) as opened:
        image = opened.convert("RGB")
    pairs = []
    for placed, _ in layout.texts:
        box = placed.extent
        crop = image.crop((round(box.x), round(box.y), round(box.right), round(box.bottom)))
        _, (r, g, b) = max(crop.getcolors(1 << 24) or [])
        pairs.append((placed.name, brand.colour(placed.colour), f"#{r:02X}{g:02X}{b:02X}"))
    return pairs


@pytest.mark.parametrize(
    "brand",
    [Brand(), Brand(primary="#007F3B", dark="#00401E", pale="#F0F4F5", footer_text="Green")],
    ids=["nhs-blue", "green"],
)
def test_every_text_is_drawn_at_wcag_aa_contrast_against_what_is_behind_it(brand: Brand) -> None:
    figures = numbers(**LIMITS["one-each"], scope="South West")
    card = render_impact_card(figures, spec(), brand)
    layout = plan_impact_card(figures, spec(), brand, None)
    for name, fg, bg in drawn_pairs(card.png, layout, brand):
        assert fg != bg and contrast_ratio(fg, bg) >= NORMAL_TEXT, name


def test_a_brand_below_aa_is_refused_before_anything_is_drawn() -> None:
    with pytest.raises(BrandContrastError, match="impact card figures"):
        render_impact_card(TYPICAL, spec(), Brand(pale="#8A9BA8"))


@pytest.mark.parametrize(("platform", "size"), [("x", X_SIZE), ("linkedin", LINKEDIN_SIZE)])
def test_the_same_figures_give_the_same_png_bytes(platform: str, size: tuple[int, int]) -> None:
    first, second = (render_impact_card(TYPICAL, spec(platform, size), Brand()) for _ in "12")
    assert first.png == second.png and first.png.startswith(b"\x89PNG")
    with Image.open(io.BytesIO(first.png)) as image:
        assert image.size == size == (first.width, first.height) and image.mode == "RGB"
    other = ImpactNumbers("2026", 49, hours_saved=1240, pounds_saved=312_000)
    assert render_impact_card(other, spec(platform, size), Brand()).sha256 != first.sha256


def test_the_card_carries_its_alt_text_within_the_platform_limit() -> None:
    figures = numbers(**LIMITS["everything-long"])
    card = render_impact_card(figures, spec("linkedin"), Brand())
    assert len(card.alt_text) <= 250 and card.warnings == ()
    assert all(f.text in card.alt_text for f in impact_figures(figures))


def test_a_period_in_a_script_no_card_font_has_names_the_character_and_field() -> None:
    with pytest.raises(MissingGlyphError) as caught:
        render_impact_card(numbers(case_studies=3, scope="منطقة"), spec(), Brand())
    assert caught.value.field == "scope" and caught.value.codepoint == "U+0645"
    assert str(caught.value).startswith("impact card 2026 Q3: scope: character")


def test_welsh_and_accented_scopes_are_drawn_from_the_bundled_fonts() -> None:
    figures = numbers(case_studies=3, scope="Bwrdd Iechyd Prifysgol Betsi Cadwaladr – Gŵyl")
    assert render_impact_card(figures, spec(), Brand()).png.startswith(b"\x89PNG")


def test_a_figure_wider_than_any_tile_names_its_field_and_overflow() -> None:
    with pytest.raises(TextOverflowError) as caught:
        render_impact_card(numbers(case_studies=3, pounds_saved=1e40), spec(), Brand())
    assert caught.value.field == "pounds_saved"
    assert str(caught.value).startswith("impact card 2026 Q3: pounds_saved does not fit")
    assert "overflows by" in str(caught.value)


PERIOD_WORDS = st.sampled_from(["2026", "Q3", "April", "2025", "to", "March", "Financial",
                                "year", "Chwarter", "Gŵyl", "–"])  # fmt: skip


@settings(max_examples=30, deadline=None)
@given(
    period=st.lists(PERIOD_WORDS, min_size=1, max_size=8)
    .map(" ".join)
    .filter(lambda p: len(p) <= PERIOD_LIMIT),
    case_studies=st.integers(0, 10**15),
    hours=st.one_of(st.none(), st.floats(0, 1e15)),
    pounds=st.one_of(st.none(), st.floats(0, 1e15)),
    services=st.one_of(st.none(), st.integers(0, 10**6)),
    size=st.sampled_from([s for _, s in ALL_SIZES]),
)
def test_any_figures_up_to_a_thousand_trillion_fit_every_size(
    period: str, case_studies: int, hours: float | None, pounds: float | None,
    services: int | None, size: tuple[int, int],
) -> None:  # fmt: skip
    figures = ImpactNumbers(period, case_studies, hours, pounds, services)
    assert_no_overlaps(plan_impact_card(figures, spec("linkedin", size), Brand(), (360, 120)))
