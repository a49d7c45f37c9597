"""Post text per platform, from the configured template and a case study snapshot.

Pure: no I/O, no clock. The shortening order and the LinkedIn escaping are documented in
`docs/posts.md`; in short:

* X counts the weighted length of twitter-text v3 (URLs 23, emoji and CJK 2, NFC) through
  the maintained `twitter-text-parser`. Over 280, hashtags are dropped first, then the
  summary is cut at a word boundary with "…"; if it still does not fit, `ComposeError`.
* LinkedIn gets its *little text* format: every reserved character in our text is escaped
  with a backslash (an unescaped one silently cuts the post there), hashtags become
  `{hashtag|\\#|Tag}` templates and configured mentions stay `@[Name](urn:li:…)` elements.
"""

from __future__ import annotations

import datetime as dt
import re
import string
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace

from twitter_text import parse_tweet

from scheduler.config import LINKEDIN_MENTION, X_MENTION, PostTemplate
from scheduler.errors import SchedulerError
from vignettes.content import CaseStudyContent

X_LIMIT = 280
LINKEDIN_LIMIT = 3000
ELLIPSIS = "…"
# A summary cut shorter than this stops being a teaser; the post fails instead.
MIN_SUMMARY_WORDS = 5

LITTLE_TEXT_RESERVED = frozenset("|{}@[]()<>#\\*_~")
_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
_LITTLE_ELEMENT = re.compile(
    r"\\(?P<escaped>[|{}@\[\]()<>#\\*_~])"
    r"|\{hashtag\|(?:\\#|＃)\|(?P<tag>(?:\\.|[^\\{}|])+)\}"
    r"|@\[(?P<name>[^\]]*)\]\(urn:li:[A-Za-z]+:[^)]*\)"
)
_URL = re.compile(r"https?://\S+")
_TRAILING_PUNCTUATION = ",;:.-–—"


class ComposeError(SchedulerError):
    """A post cannot be written within the platform's rules; says which case study and why."""

    def __init__(
        self, ref: str, platform: str, message: str, *, length: int = 0, limit: int = 0
    ) -> None:
        self.ref = ref
        self.platform = platform
        self.length = length
        self.limit = limit
        self.over = max(0, length - limit)
        super().__init__(f"case study {ref}: {platform} post {message}")


@dataclass(frozen=True)
class ComposedPost:
    """The text to send; `length` is what the platform counts (X: weighted), ≤ `limit`."""

    text: str
    length: int
    limit: int
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class Parts:
    """Plain (unescaped, NFC) values for the template; platform renderers add the markup."""

    values: Mapping[str, str]
    hashtags: tuple[str, ...]
    mentions: tuple[str, ...]
    warnings: list[str] = field(default_factory=list)


# ---------------------------------------------------------------- public helpers


def x_weighted_length(text: str) -> int:
    """The weighted length X counts (twitter-text v3): URLs 23, emoji and CJK 2, after NFC."""
    return int(parse_tweet(text).weightedLength)


def linkedin_length(text: str) -> int:
    """LinkedIn's count for `commentary`: UTF-16 code units of the text as sent (escapes
    and templates included), the conservative reading of "3,000 characters"."""
    return len(text.encode("utf-16-le")) // 2


def escape_little_text(text: str) -> str:
    """Precede every little-text reserved character (`| { } @ [ ] ( ) < > # \\ * _ ~`)
    with a backslash, so LinkedIn shows it literally instead of cutting the post there."""
    return "".join("\\" + ch if ch in LITTLE_TEXT_RESERVED else ch for ch in text)


def unescape_little_text(text: str) -> str:
    """What a reader sees for a little-text commentary: escapes removed, hashtag templates
    shown as `#Tag`, mentions as the display name. Inverse of `escape_little_text`."""

    def element(match: re.Match[str]) -> str:
        if match["escaped"] is not None:
            return match["escaped"]
        if match["tag"] is not None:
            return "#" + unescape_little_text(match["tag"])
        return match["name"]

    return _LITTLE_ELEMENT.sub(element, text)


def format_month(month: dt.date | None) -> str:
    """`November 2026`, in English whatever the host locale; empty without a month."""
    return f"{_MONTHS[month.month - 1]} {month.year}" if month else ""


def hashtags_for(
    configured: Iterable[str], own: Iterable[str]
) -> tuple[tuple[str, ...], list[str]]:
    """Configured hashtags then the case study's own, without `#`, deduplicated ignoring
    case (first spelling wins). A tag that cannot be a hashtag is left out with a warning."""
    tags: list[str] = []
    seen: set[str] = set()
    warnings: list[str] = []
    for raw in (*configured, *own):
        tag = unicodedata.normalize("NFC", raw.strip()).lstrip("#＃")
        if not re.fullmatch(r"\w+", tag) or not any(ch.isalpha() for ch in tag):
            warnings.append(
                f"hashtag {raw!r} left out: a hashtag is letters, digits and _ with a letter"
            )
            continue
        if tag.casefold() not in seen:
            seen.add(tag.casefold())
            tags.append(tag)
    return tuple(tags), warnings


# ---------------------------------------------------------------- composition


def compose_x(
    content: CaseStudyContent, template: PostTemplate, month: dt.date | None
) -> ComposedPost:
    """The X post for `content`: ≤ 280 weighted characters, shortened in the documented order.

    Raises ComposeError if a mention is not an @handle, or if the post is still over 280
    after dropping the hashtags and cutting the summary to `MIN_SUMMARY_WORDS` words.
    """
    mentions = []
    for mention in template.mentions:
        match = X_MENTION.fullmatch(mention.strip())
        if not match:
            raise ComposeError(content.ref, "X", f"mention {mention!r} is not an X @handle")
        mentions.append("@" + match[1])
    parts = template_parts(content, template, month, tuple(mentions))

    def render(p: Parts) -> str:
        values = dict(p.values)
        values["hashtags"] = " ".join("#" + tag for tag in p.hashtags)
        values["mentions"] = " ".join(p.mentions)
        return fill_template(template.template, values, escape=_same)

    return fit_parts(content.ref, "X", parts, template.template, render, x_weighted_length, X_LIMIT)


def compose_linkedin(
    content: CaseStudyContent, template: PostTemplate, month: dt.date | None
) -> ComposedPost:
    """The LinkedIn commentary for `content` in little-text format, ≤ 3000 characters.

    All text from the case study and the template is escaped (URLs too: see docs/posts.md);
    hashtags become `{hashtag|\\#|Tag}`; configured mentions must be
    `@[Name](urn:li:organization:N)` or `@[Name](urn:li:person:ID)` and are kept as elements.
    Raises ComposeError for a malformed mention or a post that cannot fit.
    """
    for mention in template.mentions:
        if not LINKEDIN_MENTION.fullmatch(mention.strip()):
            raise ComposeError(
                content.ref,
                "LinkedIn",
                f"mention {mention!r} is not @[Name](urn:li:organization:N) "
                "or @[Name](urn:li:person:ID) (no reserved characters in the name)",
            )
    parts = template_parts(content, template, month, tuple(m.strip() for m in template.mentions))
    for url in _URL.findall(content.link):
        if reserved := sorted(set(url) & LITTLE_TEXT_RESERVED):
            parts.warnings.append(
                f"link contains {' '.join(reserved)}, reserved on LinkedIn: it is sent "
                "escaped; check the link works in the published post"
            )

    def render(p: Parts) -> str:
        values = {name: escape_little_text(value) for name, value in p.values.items()}
        values["hashtags"] = " ".join(
            "{hashtag|\\#|" + escape_little_text(tag) + "}" for tag in p.hashtags
        )
        values["mentions"] = " ".join(p.mentions)
        return fill_template(template.template, values, escape=escape_little_text)

    return fit_parts(
        content.ref, "LinkedIn", parts, template.template, render, linkedin_length, LINKEDIN_LIMIT
    )


# ---------------------------------------------------------------- internals


def _same(text: str) -> str:
    return text


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text.strip())


def _quote(content: CaseStudyContent) -> str:
    quote = _nfc(content.usable_quote).strip("\"“”'‘’ ")
    if not quote:
        return ""
    attribution = _nfc(content.quote_attribution)
    return f"“{quote}” — {attribution}" if attribution else f"“{quote}”"


def _template_fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


def template_parts(
    content: CaseStudyContent,
    template: PostTemplate,
    month: dt.date | None,
    mentions: tuple[str, ...],
) -> Parts:
    tags, warnings = hashtags_for(template.hashtags, content.hashtags)
    if (
        content.quote_text
        and not content.quote_consent
        and "quote" in _template_fields(template.template)
    ):
        warnings.insert(0, "quote left out: no consent")
    values = {
        "headline": _nfc(content.headline),
        "summary": _nfc(content.summary),
        "link": _nfc(content.link),
        "quote": _quote(content),
        "organisation": _nfc(content.organisation),
        "title": _nfc(content.title),
        "region": _nfc(content.region),
        "month": format_month(month),
    }
    return Parts(values=values, hashtags=tags, mentions=mentions, warnings=warnings)


def fill_template(template: str, values: Mapping[str, str], *, escape: Callable[[str], str]) -> str:
    """Fill `template` line by line. A line whose placeholders all came out empty is left
    out (so "Read the case study: {link}" goes when there is no link); then trailing spaces
    go and blank lines collapse to one, so no run of three newlines survives."""
    formatter = string.Formatter()
    lines: list[str] = []
    for line in _nfc(template).split("\n"):
        pieces: list[str] = []
        filled: list[bool] = []
        for literal, name, spec, _conversion in formatter.parse(line):
            pieces.append(escape(literal))
            if name is not None:
                value = values.get(name, "")
                filled.append(bool(value))
                pieces.append(format(value, spec) if spec else value)
        if filled and not any(filled):
            continue
        lines.append("".join(pieces))
    text = "\n".join(ln.rstrip() for ln in "\n".join(lines).split("\n"))
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def _word_cuts(summary: str) -> list[str]:
    """Every shortening of `summary` at a word boundary, shortest first, ending in "…"."""
    ends = [m.end() for m in re.finditer(r"\S+", summary)]
    cuts = []
    for end in ends[MIN_SUMMARY_WORDS - 1 : -1]:
        cuts.append(summary[:end].rstrip(_TRAILING_PUNCTUATION) + ELLIPSIS)
    return cuts


def fit_parts(
    ref: str,
    platform: str,
    parts: Parts,
    template: str,
    render: Callable[[Parts], str],
    measure: Callable[[str], int],
    limit: int,
) -> ComposedPost:
    """Apply the shortening order until the post fits, or raise ComposeError."""
    warnings = parts.warnings
    text = render(parts)
    length = measure(text)
    if length <= limit:
        return ComposedPost(text, length, limit, tuple(warnings))
    used = _template_fields(template)
    tried: list[str] = []
    if parts.hashtags and "hashtags" in used:
        tried.append("dropping the hashtags")
        warnings.append(f"hashtags left out: the post was {length} of {limit}")
        parts = replace(parts, hashtags=())
        text = render(parts)
        length = measure(text)
        if length <= limit:
            return ComposedPost(text, length, limit, tuple(warnings))
    cuts = _word_cuts(parts.values["summary"]) if "summary" in used else []
    if cuts:
        tried.append(f"cutting the summary to {MIN_SUMMARY_WORDS} words")

        # Longer cuts never measure shorter (whole words only), so bisect for the longest fit.
        def attempt(i: int) -> tuple[str, int]:
            shorter = replace(parts, values={**parts.values, "summary": cuts[i]})
            candidate = render(shorter)
            return candidate, measure(candidate)

        _, shortest_length = attempt(0)
        if shortest_length <= limit:
            lo, hi = 0, len(cuts) - 1
            while lo < hi:
                mid = (lo + hi + 1) // 2
                if attempt(mid)[1] <= limit:
                    lo = mid
                else:
                    hi = mid - 1
            text, length = attempt(lo)
            warnings.append(f"summary shortened to fit the {limit} limit")
            return ComposedPost(text, length, limit, tuple(warnings))
        length = shortest_length
    unit = {"X": "weighted characters", "Bluesky": "graphemes"}.get(platform, "characters")
    after = f" even after {' and '.join(tried)}" if tried else ""
    raise ComposeError(
        ref,
        platform,
        f"is {length} {unit}{after}; the limit is {limit}, {length - limit} over",
        length=length,
        limit=limit,
    )
