from __future__ import annotations

import datetime as dt

from cards.alt_text import LINKEDIN_ALT_TEXT_LIMIT, X_ALT_TEXT_LIMIT, alt_text
from cards.brand import Brand
from cards.render import render_card
from tests.cards.conftest import MONTH, case_study, spec


def test_alt_text_reads_the_card_in_order() -> None:
    text = alt_text(case_study(), MONTH, X_ALT_TEXT_LIMIT)
    parts = ["November 2026", "Library evidence review", "Ward managers", "Impact:", "“The review",
             "— Siân Ŵyn", "Westshire Hospitals"]  # fmt: skip
    positions = [text.index(p) for p in parts]
    assert positions == sorted(positions)


def test_x_alt_text_is_at_most_1000_characters() -> None:
    content = case_study(summary="The team saved many hours of searching. " * 40)
    text = alt_text(content, MONTH, X_ALT_TEXT_LIMIT)
    assert 900 < len(text) <= 1000 and text.endswith(".")


def test_linkedin_alt_text_is_cut_after_a_whole_sentence_within_the_limit() -> None:
    text = alt_text(case_study(), MONTH, LINKEDIN_ALT_TEXT_LIMIT)
    assert len(text) <= 250
    # The next sentence ("Impact: …") would pass 250, so the text stops before it.
    assert text.endswith("saved the team 30 hours of searching.") and "Impact" not in text


def test_a_first_sentence_longer_than_the_limit_is_cut_at_a_word_with_an_ellipsis() -> None:
    text = alt_text(case_study(), dt.date(2026, 11, 1), 20)
    assert text == "Library impact case…"


def test_a_preview_has_no_month_and_the_card_carries_its_alt_text() -> None:
    card = render_card(case_study(), spec("linkedin", month=None), Brand())
    assert card.alt_text.startswith("Library impact case study. Library evidence review")
    assert len(card.alt_text) <= 250
