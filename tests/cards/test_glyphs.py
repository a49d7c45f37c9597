"""No tofu: every character is drawn by a font that has it, or the render fails by name."""

from __future__ import annotations

import pytest

from cards.brand import Brand
from cards.errors import MissingGlyphError
from cards.fonts import REGULAR_CHAIN, Face
from cards.glyphs import clean, segment
from cards.render import render_card
from tests.cards.conftest import HAS_EMOJI_FONT, case_study, spec
from tests.conftest import IN_CI

# `make test` installs the font; only a developer's bare machine may skip, never CI.
needs_emoji_font = pytest.mark.skipif(
    not HAS_EMOJI_FONT and not IN_CI, reason="fonts-noto-color-emoji missing"
)


def faces(text: str) -> set[Face]:
    return {
        run.face for word in clean(text).split(" ") for run in segment(word, REGULAR_CHAIN, "t")
    }


def test_welsh_accents_curly_quotes_pounds_and_dashes_are_all_in_arimo() -> None:
    assert faces("Siân Ŵyn – “Gŵyl Ddewi” — £41,000 ‘café’ Zoë Ní Bhriain ŷ") == {Face.ARIMO}


def test_a_decomposed_accent_is_composed_before_choosing_a_font() -> None:
    assert clean("w\u0302") == "ŵ"


def test_a_character_arimo_lacks_falls_back_to_noto_sans() -> None:
    assert faces("नमस्ते") == {Face.NOTO}  # Devanagari: in Noto Sans, not in Arimo


@needs_emoji_font
def test_emoji_including_zwj_sequences_and_flags_use_colour_emoji() -> None:
    assert faces("📚 👩🏽‍⚕️ 🏴󠁧󠁢󠁷󠁬󠁳󠁿 🇬🇧") == {Face.EMOJI}


@needs_emoji_font
def test_a_card_with_an_emoji_and_a_welsh_name_renders() -> None:
    content = case_study(headline="Llyfrgell Ysbyty Gwynedd helps Gŵyl staff 📚", region="Cymru")
    assert render_card(content, spec(), Brand()).png.startswith(b"\x89PNG")


def test_arabic_text_fails_naming_the_character_and_field() -> None:
    content = case_study(quote_attribution="د. ليلى")
    with pytest.raises(MissingGlyphError) as caught:
        render_card(content, spec(), Brand())
    assert caught.value.field == "quote_attribution"
    assert caught.value.codepoint == "U+062F" and "ARABIC LETTER DAL" in str(caught.value)
    assert "ICS-2026-001" in str(caught.value)


def test_invisible_format_characters_are_dropped_not_drawn_as_boxes() -> None:
    assert clean("evi\u00addence\u200b base\u200e") == "evidence base"
