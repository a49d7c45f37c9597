"""Pure text fitting: the largest size at which words wrap into a box, or a clear overflow.

Binary search on the size with estimated widths (measured once at the largest size and
scaled, with a safety margin), then one exact wrap at the chosen size, verified line by
line exactly as it will be drawn. Nothing here draws; widths come from a `Metrics`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from cards.errors import TextOverflowError
from cards.glyphs import Run

Word = tuple[Run, ...]

# Estimates are scaled from the largest size; hinting makes widths not quite linear.
_ESTIMATE_SLACK = 1.02
_ESTIMATE_PAD = 0.5


@dataclass(frozen=True)
class Piece:
    """A word on a line; `glue` means a space goes before it unless it starts the line."""

    word: Word
    glue: bool = True


Line = tuple[Piece, ...]


class Metrics(Protocol):
    def word_width(self, word: Word, size: int) -> float: ...
    def line_width(self, line: Line, size: int) -> float: ...
    def space_width(self, size: int) -> float: ...
    def ascent(self, size: int) -> float: ...
    def descent(self, size: int) -> float: ...
    def split(self, word: Word) -> list[Word]: ...


@dataclass(frozen=True)
class FittedText:
    """Lines at one size; baselines are `ascent + i * line_height` below the box top."""

    field: str
    size: int
    lines: tuple[Line, ...]
    widths: tuple[float, ...]
    line_height: float
    ascent: float
    descent: float

    @property
    def height(self) -> float:
        if not self.lines:
            return 0.0
        return (len(self.lines) - 1) * self.line_height + self.ascent + self.descent

    @property
    def width(self) -> float:
        return max(self.widths, default=0.0)

    def baselines(self) -> list[float]:
        return [self.ascent + i * self.line_height for i in range(len(self.lines))]


def wrap(widths: Sequence[float], glue: Sequence[bool], space: float, width: float) -> list[int]:
    """Greedy wrap; returns the index of each line's first piece. Then avoids a widow:
    a lone word on the last line takes the previous line's last word when both fit."""
    starts = [0] if widths else []
    used = 0.0
    for i, w in enumerate(widths):
        if i == 0:
            used = w
            continue
        extra = (space if glue[i] else 0.0) + w
        if used + extra <= width:
            used += extra
        else:
            starts.append(i)
            used = w
    if len(starts) >= 2 and starts[-1] == len(widths) - 1 and starts[-1] - starts[-2] >= 3:
        last = len(widths) - 1
        if glue[last] and glue[last - 1]:
            moved = widths[last - 1] + space + widths[last]
            if moved <= width:
                starts[-1] = last - 1
    return starts


def _lines(pieces: Sequence[Piece], starts: Sequence[int]) -> tuple[Line, ...]:
    if not starts:
        return ()
    ends = [*starts[1:], len(pieces)]
    return tuple(tuple(pieces[a:b]) for a, b in zip(starts, ends, strict=True))


def _balanced(
    widths: Sequence[float], glue: Sequence[bool], space: float, width: float
) -> list[int]:
    """The narrowest wrap with as few lines as the greedy one (even line lengths)."""
    best = wrap(widths, glue, space, width)
    if len(best) < 2:
        return best
    lo, hi = max(widths), width
    for _ in range(12):
        mid = (lo + hi) / 2
        starts = wrap(widths, glue, space, mid)
        if len(starts) <= len(best):
            best, hi = starts, mid
        else:
            lo = mid
    return best


@dataclass(frozen=True)
class _Attempt:
    lines: tuple[Line, ...]
    widths: tuple[float, ...]
    problem: str  # empty when it fits


class _Fitter:
    def __init__(
        self,
        field: str,
        words: Sequence[Word],
        metrics: Metrics,
        width: float,
        height: float,
        line_spacing: float,
        max_lines: int | None,
        balance: bool,
    ) -> None:
        self.field = field
        self.words = list(words)
        self.m = metrics
        self.width = width
        self.height = height
        self.line_spacing = line_spacing
        self.max_lines = max_lines
        self.balance = balance

    def block_height(self, lines: int, size: int) -> float:
        if lines == 0:
            return 0.0
        spacing = (lines - 1) * size * self.line_spacing
        return spacing + self.m.ascent(size) + self.m.descent(size)

    def _break_long(
        self, pieces: list[Piece], widths: list[float], size: int
    ) -> tuple[list[Piece], list[float]] | str:
        """Words wider than the box are broken between characters (never clipped)."""
        out_p: list[Piece] = []
        out_w: list[float] = []
        for piece, w in zip(pieces, widths, strict=True):
            if w <= self.width:
                out_p.append(piece)
                out_w.append(w)
                continue
            chunk: list[Run] = []
            glue = piece.glue
            for cluster in self.m.split(piece.word):
                trial = _join([*chunk, *cluster])
                if chunk and self.m.word_width(trial, size) > self.width:
                    done = _join(chunk)
                    out_p.append(Piece(done, glue))
                    out_w.append(self.m.word_width(done, size))
                    glue = False
                    chunk = list(cluster)
                else:
                    chunk = list(trial)
            done = _join(chunk)
            out_p.append(Piece(done, glue))
            out_w.append(self.m.word_width(done, size))
            if out_w[-1] > self.width:
                return f"a single character is wider than the {self.width:.0f} px box"
        return out_p, out_w

    def attempt(self, size: int, widths: list[float], *, exact: bool) -> _Attempt:
        pieces = [Piece(w) for w in self.words]
        broken = self._break_long(pieces, widths, size)
        if isinstance(broken, str):
            return _Attempt((), (), broken)
        pieces, widths = broken
        space = self.m.space_width(size) * (1.0 if exact else _ESTIMATE_SLACK)
        glue = [p.glue for p in pieces]
        pick = _balanced if self.balance else wrap
        lines = _lines(pieces, pick(widths, glue, space, self.width))
        needed = self.block_height(len(lines), size)
        if self.max_lines is not None and len(lines) > self.max_lines:
            over = len(lines) - self.max_lines
            return _Attempt(
                lines,
                (),
                f"needs {len(lines)} lines at {size} px, {self.max_lines} allowed "
                f"(overflows by {over} line{'s' if over > 1 else ''})",
            )
        if needed > self.height:
            return _Attempt(
                lines,
                (),
                f"needs {needed:.0f} px of height for {len(lines)} lines at {size} px, "
                f"the box has {self.height:.0f} px (overflows by {needed - self.height:.0f} px)",
            )
        if not exact:
            return _Attempt(lines, (), "")
        drawn = tuple(self.m.line_width(line, size) for line in lines)
        widest = max(drawn, default=0.0)
        if widest > self.width:
            return _Attempt(
                lines,
                drawn,
                f"a line is {widest:.0f} px wide at {size} px, the box "
                f"{self.width:.0f} px (overflows by {widest - self.width:.0f} px)",
            )
        return _Attempt(lines, drawn, "")


def _join(runs: Sequence[Run]) -> Word:
    out: list[Run] = []
    for run in runs:
        if out and out[-1].face is run.face:
            out[-1] = Run(out[-1].text + run.text, run.face)
        else:
            out.append(run)
    return tuple(out)


def fit_text(
    field: str,
    words: Sequence[Word],
    metrics: Metrics,
    *,
    width: float,
    height: float,
    max_size: int,
    min_size: int,
    line_spacing: float = 1.25,
    max_lines: int | None = None,
    balance: bool = False,
) -> FittedText:
    """The largest size in [min_size, max_size] at which `words` wrap into width × height.

    Raises TextOverflowError naming `field` and by how much it overflows at `min_size`."""
    min_size = min(min_size, max_size)
    fitter = _Fitter(field, words, metrics, width, height, line_spacing, max_lines, balance)
    reference = [metrics.word_width(w, max_size) for w in fitter.words]

    def estimate(size: int) -> list[float]:
        k = size / max_size * _ESTIMATE_SLACK
        return [w * k + _ESTIMATE_PAD for w in reference]

    lo, hi, best = min_size, max_size, min_size
    while lo <= hi:
        mid = (lo + hi) // 2
        if not fitter.attempt(mid, estimate(mid), exact=False).problem:
            best, lo = mid, mid + 1
        else:
            hi = mid - 1
    # Exact check from the estimate's answer downwards: usually the first one fits.
    for size in range(best, min_size - 1, -1):
        exact = [metrics.word_width(w, size) for w in fitter.words]
        result = fitter.attempt(size, exact, exact=True)
        if not result.problem:
            return FittedText(
                field=field,
                size=size,
                lines=result.lines,
                widths=result.widths,
                line_height=size * line_spacing,
                ascent=metrics.ascent(size),
                descent=metrics.descent(size),
            )
    raise TextOverflowError(field, f"at the minimum size {result.problem}")
