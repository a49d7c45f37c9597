"""The local preview: card PNGs, post and alt texts, and one self-contained `preview.html`.

The page embeds its images as data URIs and carries its own CSS, so it works offline and
after being moved or emailed; a Content-Security-Policy forbids it from loading anything or
running scripts. The page is a Jinja2 template with autoescape on: every user string is
HTML-escaped, post text is plain text, never markup.
"""

from __future__ import annotations

import base64
import datetime as dt
import re
import webbrowser
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, PackageLoader

from scheduler.files import write_atomic
from scheduler.platforms.bluesky.text import find_facets
from scheduler.platforms.registry import INFO
from scheduler.publishing.compose import format_month, unescape_little_text
from scheduler.publishing.rendering import RenderedPost, RenderedVignette
from vignettes.content import CaseStudyContent

PLATFORM_NAMES = {name: info.label for name, info in INFO.items()}
LENGTH_UNITS = {"x": "weighted", "bluesky": "graphemes"}  # JSON; the rest: "characters"
APPROVED = "approved"
HTML_NAME = "preview.html"


@dataclass(frozen=True)
class PreviewPost:
    """One platform's preview files and what they contain."""

    platform: str
    png_path: Path
    png_bytes: int
    width: int
    height: int
    text_path: Path
    alt_text_path: Path
    text: str  # exactly what would be sent (LinkedIn: little text)
    display_text: str  # what a reader sees (LinkedIn: unescaped)
    length: int  # as the platform counts it (X: weighted)
    limit: int
    alt_text: str
    alt_text_limit: int
    warnings: tuple[str, ...]


@dataclass(frozen=True)
class PreviewResult:
    ref: str
    status: str
    month: dt.date | None
    content_hash: str
    html_path: Path
    posts: tuple[PreviewPost, ...]

    @property
    def approved(self) -> bool:
        return self.status == APPROVED

    def to_json(self) -> dict[str, object]:
        """A JSON-ready dict: per platform the PNG path and size, the post text and its
        length (X: weighted), the alt text and the warnings."""
        return {
            "ref": self.ref,
            "status": self.status,
            "approved": self.approved,
            "month": f"{self.month:%Y-%m}" if self.month else None,
            "content_hash": self.content_hash,
            "html": str(self.html_path),
            "platforms": {
                p.platform: {
                    "png": str(p.png_path),
                    "png_bytes": p.png_bytes,
                    "width": p.width,
                    "height": p.height,
                    "text": p.text,
                    "display_text": p.display_text,
                    "length": p.length,
                    "limit": p.limit,
                    "length_unit": LENGTH_UNITS.get(p.platform, "characters"),
                    "alt_text": p.alt_text,
                    "alt_text_length": len(p.alt_text),
                    "alt_text_limit": p.alt_text_limit,
                    "warnings": list(p.warnings),
                }
                for p in self.posts
            },
        }


def write_preview(
    vignette: RenderedVignette,
    content: CaseStudyContent,
    out_dir: Path,
    *,
    status: str,
    month: dt.date | None,
    engagement: Mapping[str, Sequence[Mapping[str, object]]] | None = None,
) -> PreviewResult:
    """Write `<ref>-<platform>.png`, `.txt` (post text as sent), `.alt.txt` and
    `preview.html` into `out_dir` (created if needed), each atomically.

    `status` is the case study's approval status; anything but "approved" puts a
    "NOT APPROVED — preview only" banner on the page. `engagement`, per platform a list
    of rows, adds an engagement table (for the engagement issue). Raises OSError if the
    files cannot be written.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = _safe_name(vignette.ref)
    posts = []
    for post in vignette.posts:
        base = out_dir / f"{stem}-{post.platform}"
        png_path = base.with_name(base.name + ".png")
        text_path = base.with_name(base.name + ".txt")
        alt_path = base.with_name(base.name + ".alt.txt")
        write_atomic(png_path, post.card.png)
        write_atomic(text_path, post.text + "\n")
        write_atomic(alt_path, post.alt_text + "\n")
        posts.append(
            PreviewPost(
                platform=post.platform,
                png_path=png_path,
                png_bytes=len(post.card.png),
                width=post.card.width,
                height=post.card.height,
                text_path=text_path,
                alt_text_path=alt_path,
                text=post.text,
                display_text=display_text(post),
                length=post.text_length,
                limit=post.text_limit,
                alt_text=post.alt_text,
                alt_text_limit=post.alt_text_limit,
                warnings=post.warnings,
            )
        )
    html_path = out_dir / HTML_NAME
    page = render_html(vignette, content, status=status, month=month, engagement=engagement)
    write_atomic(html_path, page)
    return PreviewResult(
        ref=vignette.ref,
        status=status,
        month=month,
        content_hash=vignette.content_hash,
        html_path=html_path,
        posts=tuple(posts),
    )


def open_in_browser(path: Path) -> bool:
    """Open `path` in the default browser; False if no browser could be started."""
    return webbrowser.open(path.resolve().as_uri())


def display_text(post: RenderedPost) -> str:
    """The post as a reader sees it (LinkedIn's little text unescaped)."""
    return unescape_little_text(post.text) if post.platform == "linkedin" else post.text


# ---------------------------------------------------------------- the page

_TEMPLATES = Environment(
    loader=PackageLoader("scheduler.publishing", "templates"),
    autoescape=True,  # post texts, alt texts and case-study fields are text, never markup
    keep_trailing_newline=True,
)


def render_html(
    vignette: RenderedVignette,
    content: CaseStudyContent,
    *,
    status: str,
    month: dt.date | None,
    engagement: Mapping[str, Sequence[Mapping[str, object]]] | None = None,
) -> str:
    """The self-contained preview page as a string (no I/O), from
    `templates/preview.html.jinja`."""
    facts = [("Organisation", content.organisation)]
    if content.region:
        facts.append(("Region", content.region))
    facts.append(("Showcase month", format_month(month) or "not set"))
    facts.append(("Status", status or "unknown"))
    return _TEMPLATES.get_template("preview.html.jinja").render(
        ref=vignette.ref,
        content=content,
        content_hash=vignette.content_hash,
        status=status,
        approved=status == APPROVED,
        facts=facts,
        posts=[_shown(post) for post in vignette.posts],
        engagement=_tables(engagement),
    )


def _shown(post: RenderedPost) -> dict[str, object]:
    """What the page shows of one platform's post."""
    return {
        "platform": post.platform,
        "name": PLATFORM_NAMES.get(post.platform, post.platform),
        "text": post.text,
        "display_text": display_text(post),
        "png_base64": base64.b64encode(post.card.png).decode("ascii"),
        "width": post.card.width,
        "height": post.card.height,
        "size": _kilobytes(len(post.card.png)),
        "length": post.text_length,
        "limit": post.text_limit,
        "unit": _UNITS.get(post.platform, "characters as sent"),
        "percent": min(100, round(100 * post.text_length / max(post.text_limit, 1))),
        "alt_text": post.alt_text,
        "alt_text_limit": post.alt_text_limit,
        "warnings": post.warnings,
        # What Bluesky will make clickable, with the UTF-8 byte ranges the post carries.
        "facets": find_facets(post.text) if post.platform == "bluesky" else (),
    }


_UNITS = {"x": "weighted characters", "bluesky": "graphemes"}


def _tables(
    engagement: Mapping[str, Sequence[Mapping[str, object]]] | None,
) -> list[tuple[str, dict[str, object]]]:
    """A table per platform of engagement rows (columns: the union of the rows' keys)."""
    tables: list[tuple[str, dict[str, object]]] = []
    for platform, rows in (engagement or {}).items():
        columns = list(dict.fromkeys(key for row in rows for key in row))
        cells = [[str(row.get(c, "")) for c in columns] for row in rows]
        name = PLATFORM_NAMES.get(platform, platform)
        tables.append((platform, {"name": name, "columns": columns, "rows": cells}))
    return tables


def _kilobytes(size: int) -> str:
    return f"{size / 1024:.0f} KB" if size >= 1024 else f"{size} bytes"


def _safe_name(ref: str) -> str:
    """A ref fit for a file name on every platform (refs are normally `ICS-2024-001`)."""
    return re.sub(r"[^A-Za-z0-9._-]", "_", ref).strip(".") or "vignette"
