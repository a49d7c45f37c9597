"""The card fonts: Arimo and Noto Sans from their PyPI packages, Noto Color Emoji if installed.

Fonts arrive as dependencies (`fontpkg-arimo`, `fontpkg-noto-sans`) and are found through
`importlib.resources`, never on the host, so every machine draws the same pixels. Both are
variable fonts: the weight axis is set explicitly, or "bold" would silently be regular.
"""

from __future__ import annotations

import contextlib
import enum
import logging
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path

from fontTools.ttLib import TTFont  # type: ignore[import-untyped]
from PIL import ImageFont, features

log = logging.getLogger(__name__)

# Debian's fonts-noto-color-emoji. A CBDT bitmap font: FreeType loads it only at its one
# strike size, so emoji are drawn at 109 px and scaled to the text size.
EMOJI_PATH = Path("/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf")
EMOJI_NATIVE_SIZE = 109


class Face(enum.Enum):
    ARIMO = ("fontpkg_arimo", "Arimo[wght].ttf")
    ARIMO_ITALIC = ("fontpkg_arimo", "Arimo-Italic[wght].ttf")
    NOTO = ("fontpkg_noto_sans", "NotoSans[wdth,wght].ttf")
    NOTO_ITALIC = ("fontpkg_noto_sans", "NotoSans-Italic[wdth,wght].ttf")
    EMOJI = ("", "NotoColorEmoji.ttf")


# Which face to try first for each character: Arimo (Arial metrics, the NHS's Frutiger
# substitute), then Noto Sans for wider coverage, then colour emoji.
REGULAR_CHAIN = (Face.ARIMO, Face.NOTO, Face.EMOJI)
ITALIC_CHAIN = (Face.ARIMO_ITALIC, Face.NOTO_ITALIC, Face.EMOJI)

_files = contextlib.ExitStack()  # keeps as_file() paths alive if a package is ever zipped


@cache
def face_path(face: Face) -> Path | None:
    """The font file for `face`, or None when it is not available (only emoji is optional)."""
    package, name = face.value
    if face is Face.EMOJI:
        return EMOJI_PATH if EMOJI_PATH.is_file() else None
    ref = resources.files(package) / "files" / name
    return _files.enter_context(resources.as_file(ref))


@cache
def coverage(face: Face) -> frozenset[int]:
    """Code points `face` has a glyph for (its best cmap); empty when not installed."""
    path = face_path(face)
    if path is None:
        return frozenset()
    with TTFont(str(path), lazy=True) as font:
        cmap = font.getBestCmap() or {}
        return frozenset(cmap)


@cache
def raqm_available() -> bool:
    """True when Pillow can shape text with libraqm (HarfBuzz + FriBiDi): kerning,
    ligatures, combining marks, emoji sequences and right-to-left runs."""
    return bool(features.check_feature("raqm"))


@cache
def layout_engine() -> ImageFont.Layout:
    if raqm_available():
        return ImageFont.Layout.RAQM
    log.warning(
        "Pillow has no RAQM layout (install Debian libraqm0 and libfribidi0): cards fall back "
        "to basic layout without kerning, ligatures, emoji sequences or right-to-left shaping"
    )
    return ImageFont.Layout.BASIC


@lru_cache(maxsize=256)
def font(face: Face, size: int, weight: int = 400) -> ImageFont.FreeTypeFont:
    """`face` at `size` px with its weight axis set (emoji: always at its native size).

    Cached: the layout asks for the same few sizes again and again. Fonts are opened by
    path, so FreeType reads the file lazily instead of each instance holding a copy."""
    path = face_path(face)
    if path is None:
        raise FileNotFoundError(f"font {face.name} is not installed")
    if face is Face.EMOJI:
        return ImageFont.truetype(str(path), EMOJI_NATIVE_SIZE, layout_engine=layout_engine())
    loaded = ImageFont.truetype(str(path), size, layout_engine=layout_engine())
    axes = loaded.get_variation_axes()
    values: list[float] = []
    for axis in axes:
        low, high = float(axis["minimum"] or 0), float(axis["maximum"] or 0)
        if axis["name"] in (b"Weight", "Weight"):
            values.append(max(low, min(high, float(weight))))
        else:
            values.append(float(axis["default"] or low))
    if values:
        loaded.set_variation_by_axes(values)
    return loaded


@dataclass(frozen=True)
class FontStatus:
    """One line of `vignettes doctor`: what, whether it is usable, and details."""

    name: str
    ok: bool
    detail: str


def font_status() -> list[FontStatus]:
    """Font and layout-engine health for `doctor` and start-up; never raises."""
    report = []
    for face, label in ((Face.ARIMO, "Arimo"), (Face.NOTO, "Noto Sans")):
        try:
            path = face_path(face)
            axes = font(face, 20, 700).get_variation_axes()
            ranges = ", ".join(f"{a['name']!s} {a['minimum']}-{a['maximum']}" for a in axes)
            report.append(FontStatus(label, True, f"{path} (variable: {ranges})"))
        except (OSError, ModuleNotFoundError) as exc:
            report.append(FontStatus(label, False, f"cannot load: {exc}"))
    emoji = face_path(Face.EMOJI)
    report.append(
        FontStatus(
            "Noto Color Emoji",
            emoji is not None,
            str(emoji)
            if emoji
            else f"not installed ({EMOJI_PATH}); emoji in a case study will be an error "
            "(install Debian fonts-noto-color-emoji)",
        )
    )
    if raqm_available():
        version = features.version_feature("raqm") or "unknown version"
        report.append(FontStatus("RAQM layout", True, f"libraqm {version}"))
    else:
        report.append(
            FontStatus(
                "RAQM layout",
                False,
                "missing: basic layout has no kerning, emoji sequences or right-to-left "
                "shaping (install Debian libraqm0 and libfribidi0)",
            )
        )
    return report
