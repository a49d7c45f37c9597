"""Alt text from the structured content, in the card's reading order."""

from __future__ import annotations

import datetime as dt
import re

from cards.figures import figures_sentence, key_figures
from vignettes.content import CaseStudyContent

X_ALT_TEXT_LIMIT = 1000
LINKEDIN_ALT_TEXT_LIMIT = 250
MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]

_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+|(?<=[.!?…][”’\"')])\s+")
_SPACES = re.compile(r"\s+")


def month_label(month: dt.date | None) -> str:
    """`November 2026` (English whatever the locale, so output is deterministic)."""
    return f"{MONTHS[month.month - 1]} {month.year}" if month else ""


def _sentence(text: str) -> str:
    text = _SPACES.sub(" ", text).strip()
    if text and text[-1] not in ".!?…":
        text += "."
    return text


def sentences(content: CaseStudyContent, month: dt.date | None) -> list[str]:
    """What the card says, top to bottom, as sentences: month, key figures, headline,
    summary, impact labels, quote, organisation. Raises FigureError for a bad figure."""
    label = month_label(month)
    out = [f"Library impact case study{', ' + label if label else ''}."]
    out.append(figures_sentence(key_figures(content)))
    out.append(_sentence(content.headline))
    summary = _SPACES.sub(" ", content.summary).strip()
    out += [_sentence(s) for s in _SENTENCE_END.split(summary) if s.strip()]
    if content.impact_labels:
        out.append(_sentence("Impact: " + ", ".join(content.impact_labels)))
    quote = _SPACES.sub(" ", content.usable_quote).strip().strip('"“”')
    if quote:
        by = content.quote_attribution.strip()
        out.append(f"“{quote}”" + (f" — {_sentence(by)}" if by else ""))
    where = ", ".join(
        p.strip() for p in (content.organisation, content.library_service, content.region) if p
    )
    if where:
        out.append(_sentence(where))
    return [s for s in out if s]


def alt_text(content: CaseStudyContent, month: dt.date | None, limit: int) -> str:
    """Alt text of at most `limit` characters, cut after the last whole sentence that fits
    (a first sentence longer than `limit` is cut at a word boundary with an ellipsis).
    Use X_ALT_TEXT_LIMIT (1000) for X and the configured limit (default 250) for LinkedIn."""
    if limit < 1:
        raise ValueError(f"alt text limit must be positive, got {limit}")
    text = ""
    for sentence in sentences(content, month):
        candidate = f"{text} {sentence}" if text else sentence
        if len(candidate) > limit:
            break
        text = candidate
    return text or cut_at_word(sentences(content, month)[0], limit)


def cut_at_word(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters at a word boundary, ending in an ellipsis
    (for a sentence that is longer than the limit on its own)."""
    if len(text) <= limit:
        return text
    cut = text[: max(0, limit - 1)]
    if not text[limit - 1 : limit].isspace():  # the cut fell inside a word: drop it
        cut = cut.rsplit(" ", 1)[0]
    cut = cut.rstrip(" ,;:")
    return (cut + "…")[:limit]
