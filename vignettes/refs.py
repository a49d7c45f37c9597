"""Refs: what names a case study, and when two refs would pass for one another.

A ref is stored NFKC-normalised (full-width `ＩＣＳ` is `ICS`), made of letters, digits, `.`,
`_` and `-`, not `.` or `..` and not starting with `-` (it names files and command-line
arguments). Two refs are one case study when they differ only by case or Unicode form
(`ref_key`); a new ref is refused when it merely *looks* like another (`confusable_key`: a
Cyrillic `І` for a Latin `I`), using the Unicode confusables data of the
`confusable-homoglyphs` package.
"""

from __future__ import annotations

import functools
import re
import unicodedata

from vignettes.importing.issues import char_name

REF_PUNCTUATION = "._-"
# \w is exactly str.isalnum() plus "_" (Python's re documentation), so this is "letters,
# digits, '.', '_' and '-'" at C speed.
_REF = re.compile(r"[\w.-]+")


def normalise_ref(text: str) -> str:
    """The ref as stored: NFKC (so compatibility forms such as full-width letters become
    the letters they stand for), trimmed."""
    return text if text.isascii() else unicodedata.normalize("NFKC", text).strip()


def ref_problems(ref: str) -> list[str]:
    """Why a (normalised) ref cannot name a case study; empty when it can."""
    if not _REF.fullmatch(ref):
        return ["may only contain letters, digits, '.', '_' and '-'"]
    if ref in (".", ".."):
        return [f"{ref!r} cannot be a ref (it names a folder)"]
    if ref.startswith("-"):
        return ["must not start with '-' (it would read as a command-line option)"]
    return []


def ref_key(ref: str) -> str:
    """What makes two refs the same case study: compatibility caseless matching (Unicode
    D146: NFKD, case fold, NFKD), so `ICS-1`/`ics-1`, `café` in either form and full-width
    letters collide."""
    if ref.isascii():
        return ref.lower()
    return unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", ref).casefold())


@functools.cache
def _prototypes() -> dict[str, str]:
    """Each confusable character → one representative of everything it can be taken for
    (the smallest code point of its group), built once from the package's data."""
    from confusable_homoglyphs.confusables import confusables_data

    parent: dict[str, str] = {}

    def find(c: str) -> str:
        while parent.get(c, c) != c:
            parent[c] = parent.get(parent[c], parent[c])
            c = parent[c]
        return c

    for char, homoglyphs in confusables_data.items():
        for glyph in homoglyphs:
            other = glyph["c"].strip("\u200e")  # the data marks RTL glyphs with LRMs
            if len(char) != 1 or len(other) != 1:
                continue  # sequences ("rn" for "m") cannot occur inside one ref character
            a, b = find(char), find(other)
            if a != b:
                parent[max(a, b)] = min(a, b)
    return {c: find(c) for c in parent}


def confusable_key(ref: str) -> str:
    """What a ref looks like (a UTS #39 skeleton, then case-folded): refs with the same key
    can be taken for one another at a glance. Shapes are compared before folding case:
    Greek `Β` looks like `B`, but `β` nothing like `b`."""
    table = _prototypes()
    mapped = "".join(table.get(c, c) for c in unicodedata.normalize("NFKD", ref))
    return unicodedata.normalize("NFKD", mapped.casefold())


def lookalike_note(ref: str, other: str) -> str:
    """Which characters of `ref` are not what they seem (for the message)."""
    odd = [c for c in dict.fromkeys(ref) if not c.isascii()]
    return ", ".join(char_name(c) for c in odd[:3]) or "different characters"


def confusable(ref: str, other: str) -> bool:
    """`ref` and `other` are different refs that could be taken for one another. Only
    refs with a character beyond ASCII count: among plain ASCII refs (`A-10`, `A-1O`) the
    difference is one a person typed."""
    if ref.isascii() and other.isascii():
        return False
    return ref_key(ref) != ref_key(other) and confusable_key(ref) == confusable_key(other)
