"""Text as it will be stored and posted: normalised line breaks and Unicode form, and the
characters that could hide, reorder or forge what a reader sees. Pure."""

from __future__ import annotations

import re
import unicodedata

import regex

from vignettes.importing.issues import char_name

# Invisible characters that reorder or hide text in posts and alt text (the card drops them,
# so what a reviewer sees on the card would not be what is posted). Joiners (U+200C ZWNJ,
# U+200D ZWJ) stay: emoji sequences and joining scripts need them.
INVISIBLE = frozenset(
    [chr(c) for c in range(0x202A, 0x202F)]  # LRE RLE PDF LRO RLO
    + [chr(c) for c in range(0x2066, 0x206A)]  # LRI RLI FSI PDI
    + ["\u200b", "\u2060", "\ufeff"]  # zero width space, word joiner, BOM
)
JOINERS = "\u200c\u200d"
MAX_COMBINING_RUN = 4
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")  # exactly category Cc
# The one grapheme segmenter: Unicode extended grapheme clusters (UAX #29) by the `regex`
# package, as Bluesky counts them and as a card draws them (one font per cluster).
_GRAPHEME = regex.compile(r"\X")


def graphemes(text: str) -> list[str]:
    """`text` split into extended grapheme clusters: what a reader sees as one character
    (`é` in either spelling, a flag, a ZWJ family emoji with its skin tones)."""
    return list(_GRAPHEME.findall(text))


def normalise_text(value: str) -> str:
    """Trimmed NFC text with every line break (CR LF, lone CR, U+2028, U+2029) as `\\n`."""
    text = value.replace("\r\n", "\n").replace("\r", "\n") if "\r" in value else value
    if text.isascii():
        return text.strip()  # NFC changes nothing in ASCII
    text = text.replace("\u2028", "\n").replace("\u2029", "\n")
    return unicodedata.normalize("NFC", text.strip())


def character_problems(text: str, *, multi_line: bool = False, name: bool = False) -> list[str]:
    """Why normalised `text` cannot be posted as it stands: control characters (line breaks
    and tabs are allowed in `multi_line` text), invisible characters (with `name`, every
    format character but the joiners), and stacked combining marks."""
    problems = []
    match = _CONTROL.search(text)
    if match is not None:
        allowed = "\n\t" if multi_line else ""
        bad = next((m.group() for m in _CONTROL.finditer(text) if m.group() not in allowed), None)
        if bad is not None:
            what = "a line break" if bad == "\n" else f"control character U+{ord(bad):04X}"
            problems.append(f"contains {what}")
    if text.isascii():  # the common case: nothing below can apply
        return problems
    invisible: str | None = None
    run = longest = 0
    for c in text:
        category = unicodedata.category(c)
        run = run + 1 if category == "Mn" else 0
        longest = max(longest, run)
        if invisible is None and (
            c in INVISIBLE or (name and category == "Cf" and c not in JOINERS)
        ):
            invisible = c
    if invisible is not None:
        problems.append(f"contains invisible character {char_name(invisible)}")
    if longest > MAX_COMBINING_RUN:
        problems.append(
            f"has {longest} combining marks in a row (stacked accents); "
            f"the limit is {MAX_COMBINING_RUN}"
        )
    return problems


def name_problems(value: str, limit: int) -> list[str]:
    """Why `value` cannot be recorded as a person's name or a one-line note (empty: fine)."""
    text = normalise_text(value)
    problems = character_problems(text, name=True)
    if len(text) > limit:
        problems.append(f"is {len(text)} characters, the limit is {limit}")
    return problems


def word_key(text: str) -> str:
    """What two headers or category names have in common when they mean the same: letters
    and digits only, compatibility-normalised and case-folded (`Time saved (hours)` and
    `time_saved_hours` both give `timesavedhours`; `&` reads as `and`)."""
    if "&" in text:
        text = text.replace("&", " and ")
    if text.isascii():
        return "".join(c for c in text.lower() if c.isalnum())
    folded = unicodedata.normalize("NFKC", text).casefold()
    return "".join(c for c in folded if c.isalnum())
