"""Text fitting: largest size that fits, never a clipped or lost word."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cards.errors import MissingGlyphError, TextOverflowError
from cards.glyphs import clean
from cards.layout import FittedText, fit_text
from cards.typeset import PillowMetrics, TextStyle, prepare
from tests.cards.conftest import HAS_EMOJI_FONT

STYLE = TextStyle(weight=700, line_spacing=1.2)
ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ,.;:'’“”£–—-ŵŷâéïñøçĳœß"
ALPHABET += "😀🏥📚" if HAS_EMOJI_FONT else ""


def fit(text: str, width: float, height: float, lo: int = 14, hi: int = 48) -> FittedText:
    words = prepare(text, STYLE, "headline")
    return fit_text(
        "headline", words, PillowMetrics(STYLE), width=width, height=height,
        max_size=hi, min_size=lo, line_spacing=STYLE.line_spacing,
    )  # fmt: skip


def drawn_text(fitted: FittedText) -> str:
    return "".join(run.text for line in fitted.lines for piece in line for run in piece.word)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    text=st.text(alphabet=ALPHABET, min_size=1, max_size=260),
    width=st.integers(min_value=120, max_value=900),
    height=st.integers(min_value=30, max_value=500),
)
def test_fitting_never_overflows_its_box_or_drops_a_character(
    text: str, width: int, height: int
) -> None:
    try:
        fitted = fit(text, width, height)
    except TextOverflowError as exc:
        assert exc.field == "headline" and "overflows by" in exc.overflow
        return
    metrics = PillowMetrics(STYLE)
    assert 14 <= fitted.size <= 48
    assert fitted.height <= height
    assert all(metrics.line_width(line, fitted.size) <= width for line in fitted.lines)
    assert drawn_text(fitted) == clean(text).replace(" ", "")


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.text(st.characters(exclude_categories=("Cs",)), max_size=60))
def test_any_unicode_text_fits_overflows_or_names_a_missing_character(text: str) -> None:
    try:
        fitted = fit(text, 400, 200)
    except MissingGlyphError as exc:
        assert exc.field == "headline" and exc.char in text
        return
    except TextOverflowError:
        return
    assert fitted.height <= 200 and all(w <= 400 for w in fitted.widths)


def test_short_text_gets_the_largest_size() -> None:
    assert fit("Falls down by a fifth", 900, 300).size == 48


def test_longer_text_shrinks_before_it_overflows() -> None:
    long = " ".join(["evidence"] * 40)
    fitted = fit(long, 600, 200)
    assert 14 < fitted.size < 48 and fitted.height <= 200


def test_a_lone_short_word_is_not_left_on_the_last_line() -> None:
    # Greedy wrapping would leave "it" alone on the third line.
    text = "The library review settled the long argument about bed sensors and it"
    fitted = fit(text, 495, 1000, lo=30, hi=30)
    assert len(fitted.lines[-1]) >= 2


def test_a_word_wider_than_the_box_is_broken_not_clipped() -> None:
    fitted = fit("Llanfairpwllgwyngyllgogerychwyrndrobwllllantysiliogogogoch", 200, 400, hi=30)
    assert len(fitted.lines) > 1 and drawn_text(fitted).startswith("Llanfair")


def test_text_that_cannot_fit_at_the_minimum_names_the_field_and_overflow() -> None:
    with pytest.raises(TextOverflowError) as caught:
        fit(" ".join(["pathway"] * 200), 300, 100)
    assert caught.value.field == "headline"
    assert "overflows by" in str(caught.value) and "minimum size" in str(caught.value)
