"""Which font draws each character: no tofu, ever.

Text is normalised (NFC, so `w` + combining circumflex becomes `ŵ`), split into grapheme
clusters (`vignettes.text.graphemes`: a base and its marks, an emoji with its modifiers and
ZWJ partners, a flag), and each cluster goes to the first face in the chain whose cmap has
every character of it. A cluster no face can draw raises MissingGlyphError naming the character.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from cards.errors import MissingGlyphError
from cards.fonts import Face, coverage
from vignettes.caching import memoised
from vignettes.text import graphemes

ZWJ = "\u200d"
VS15, VS16 = "\ufe0e", "\ufe0f"
KEYCAP = "\u20e3"

# Whitespace that may break a line; no-break spaces stay inside their word.
_BREAKING_SPACE = re.compile(r"[^\S\u00a0\u2007\u202f]+")


@dataclass(frozen=True)
class Run:
    """Consecutive text drawn with one face."""

    text: str
    face: Face


def _is_regional(ch: str) -> bool:
    return 0x1F1E6 <= ord(ch) <= 0x1F1FF


def _ignorable(ch: str) -> bool:
    """Default-ignorable joiners and selectors: shaped away, need no glyph of their own."""
    return ch in (ZWJ, VS15, VS16) or 0xE0020 <= ord(ch) <= 0xE007F


def _wants_emoji(cluster: str) -> bool:
    return (
        VS16 in cluster
        or ZWJ in cluster
        or KEYCAP in cluster
        or _is_regional(cluster[0])
        or any(0x1F3FB <= ord(c) <= 0x1F3FF for c in cluster)
    )


def clean(text: str) -> str:
    """NFC, whitespace runs collapsed to one space, other invisible format characters
    (soft hyphens, zero-width spaces, bidi marks) dropped; joiners inside emoji stay."""
    text = unicodedata.normalize("NFC", text)
    kept = []
    for i, ch in enumerate(text):
        if unicodedata.category(ch) == "Cf" and not _ignorable(ch):
            continue
        if ch == ZWJ and not (0 < i < len(text) - 1):
            continue
        kept.append(ch)
    return _BREAKING_SPACE.sub(" ", "".join(kept)).strip()


def words(text: str) -> list[str]:
    """Clean text split at breaking spaces."""
    cleaned = clean(text)
    return cleaned.split(" ") if cleaned else []


def _face_for(cluster: str, chain: tuple[Face, ...]) -> Face | None:
    needed = [ord(c) for c in cluster if not _ignorable(c)]
    if not needed:
        return chain[0]
    order = chain
    if _wants_emoji(cluster):
        order = (Face.EMOJI, *(f for f in chain if f is not Face.EMOJI))
    for face in order:
        have = coverage(face)
        if all(cp in have for cp in needed):
            return face
    return None


@memoised("glyph runs", "the word, the font chain and the field", 4 * 1024 * 1024)
def segment(word: str, chain: tuple[Face, ...], field: str) -> tuple[Run, ...]:
    """`word` as runs of one face each; raises MissingGlyphError for a character no face has."""
    runs: list[Run] = []
    for cluster in graphemes(word):
        face = _face_for(cluster, chain)
        if face is None:
            bad = next(
                (c for c in cluster if not _ignorable(c) and _face_for(c, chain) is None),
                cluster[0],
            )
            raise MissingGlyphError(bad, field)
        if face is not Face.EMOJI:
            # Selectors and joiners the text face lacks would be drawn as boxes by basic layout.
            cluster = "".join(c for c in cluster if not _ignorable(c)) or cluster
        if runs and runs[-1].face is face:
            runs[-1] = Run(runs[-1].text + cluster, face)
        else:
            runs.append(Run(cluster, face))
    return tuple(runs)
