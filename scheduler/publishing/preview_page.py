"""The local preview: card PNGs, post and alt texts, and one self-contained `preview.html`.

The page embeds its images as data URIs and carries its own CSS, so it works offline and
after being moved or emailed; a Content-Security-Policy forbids it from loading anything or
running scripts. Every user string is HTML-escaped: post text is plain text, never markup.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import re
import webbrowser
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

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


def render_html(
    vignette: RenderedVignette,
    content: CaseStudyContent,
    *,
    status: str,
    month: dt.date | None,
    engagement: Mapping[str, Sequence[Mapping[str, object]]] | None = None,
) -> str:
    """The self-contained preview page as a string (no I/O)."""
    e = html.escape
    approved = status == APPROVED
    banner = (
        ""
        if approved
        else f'<div class="banner" role="alert">NOT APPROVED — preview only '
        f"<span>status: {e(status or 'unknown')}</span></div>"
    )
    facts = [("Organisation", content.organisation)]
    if content.region:
        facts.append(("Region", content.region))
    facts.append(("Showcase month", format_month(month) or "not set"))
    facts.append(("Status", status or "unknown"))
    facts_html = "".join(f"<div><dt>{e(k)}</dt><dd>{e(v)}</dd></div>" for k, v in facts)
    sections = "\n".join(_post_section(post) for post in vignette.posts)
    return f"""<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy"
      content="default-src 'none'; img-src data:; style-src 'unsafe-inline'">
<title>Preview {e(vignette.ref)} — {e(content.title)}</title>
<style>{_CSS}</style>
</head>
<body>
{banner}
<header>
<p class="eyebrow">Vignette preview · {e(vignette.ref)}</p>
<h1>{e(content.title)}</h1>
<dl class="facts">{facts_html}</dl>
</header>
<main>
{sections}
<!-- engagement: filled by the engagement issue via write_preview(engagement=...) -->
{_engagement_section(engagement)}
</main>
<footer>Content hash <code>{e(vignette.content_hash)}</code> ·
texts and cards as they would be sent; nothing has been posted.</footer>
</body>
</html>
"""


def _facets_html(text: str) -> str:
    """What Bluesky will make clickable, with the UTF-8 byte ranges the post carries."""
    e = html.escape
    items = "".join(
        f"<li>{e(f.kind)} <code>{e(f.value)}</code> bytes {f.byte_start}–{f.byte_end}</li>"
        for f in find_facets(text)
    )
    return (
        '<details class="sent"><summary>Links, hashtags and mentions (facets)</summary>'
        f"<ul>{items or '<li>none</li>'}</ul></details>"
    )


def _post_section(post: RenderedPost) -> str:
    e = html.escape
    name = PLATFORM_NAMES.get(post.platform, post.platform)
    unit = {"x": "weighted characters", "bluesky": "graphemes"}.get(
        post.platform, "characters as sent"
    )
    png = base64.b64encode(post.card.png).decode("ascii")
    warnings = (
        '<ul class="warnings">' + "".join(f"<li>{e(w)}</li>" for w in post.warnings) + "</ul>"
        if post.warnings
        else '<p class="ok">No warnings.</p>'
    )
    sent = (
        '<details class="sent"><summary>Text as sent (LinkedIn little text, escaped)</summary>'
        f"<pre>{e(post.text)}</pre></details>"
        if post.platform == "linkedin"
        else _facets_html(post.text)
        if post.platform == "bluesky"
        else ""
    )
    percent = min(100, round(100 * post.text_length / max(post.text_limit, 1)))
    return f"""<section class="post" id="{e(post.platform)}" data-platform="{e(post.platform)}">
<h2>{e(name)} post</h2>
<article class="mock">
<div class="text" data-testid="post-text">{e(display_text(post))}</div>
<img src="data:image/png;base64,{png}" width="{post.card.width}" height="{post.card.height}"
     alt="{e(post.alt_text)}">
</article>
<div class="meta">
<p class="count"><strong>{post.text_length}</strong> / {post.text_limit} {unit}</p>
<div class="meter" aria-hidden="true"><span style="width:{percent}%"></span></div>
<p class="card-size">Card {post.card.width}×{post.card.height} px, \
{_kilobytes(len(post.card.png))}</p>
<h3>Alt text <span class="muted">{len(post.alt_text)} / {post.alt_text_limit} characters</span></h3>
<p class="alt">{e(post.alt_text)}</p>
<h3>Warnings</h3>
{warnings}
{sent}
</div>
</section>"""


def _engagement_section(engagement: Mapping[str, Sequence[Mapping[str, object]]] | None) -> str:
    """A table per platform of engagement rows (columns: the union of the rows' keys)."""
    if not engagement:
        return ""
    e = html.escape
    parts = ['<section class="engagement"><h2>Engagement</h2>']
    for platform, rows in engagement.items():
        columns = list(dict.fromkeys(key for row in rows for key in row))
        head = "".join(f"<th>{e(c)}</th>" for c in columns)
        body = "".join(
            "<tr>" + "".join(f"<td>{e(str(row.get(c, '')))}</td>" for c in columns) + "</tr>"
            for row in rows
        )
        parts.append(
            f"<h3>{e(PLATFORM_NAMES.get(platform, platform))}</h3>"
            f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
        )
    parts.append("</section>")
    return "".join(parts)


def _kilobytes(size: int) -> str:
    return f"{size / 1024:.0f} KB" if size >= 1024 else f"{size} bytes"


def _safe_name(ref: str) -> str:
    """A ref fit for a file name on every platform (refs are normally `ICS-2024-001`)."""
    return re.sub(r"[^A-Za-z0-9._-]", "_", ref).strip(".") or "vignette"


_CSS = """
:root { --blue:#005EB8; --dark:#003087; --pale:#E8EDEE; --ink:#212B32; --muted:#4C6272;
  --warn-bg:#FFF4D6; --warn:#6B4E00; --red:#B3261E; }
* { box-sizing: border-box; }
body { margin:0; background:var(--pale); color:var(--ink);
  font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; }
.banner { background:var(--red); color:#fff; font-weight:700; letter-spacing:.04em;
  padding:.8rem 1.5rem; font-size:1.1rem; }
.banner span { font-weight:400; letter-spacing:0; margin-left:.75rem; opacity:.9; }
header { background:var(--dark); color:#fff; padding:1.5rem; }
header h1 { margin:.2rem 0 1rem; font-size:1.6rem; line-height:1.25; max-width:60rem; }
.eyebrow { margin:0; text-transform:uppercase; font-size:.8rem; letter-spacing:.08em; opacity:.85; }
.facts { display:flex; flex-wrap:wrap; gap:.5rem 2rem; margin:0; }
.facts dt { font-size:.75rem; text-transform:uppercase; letter-spacing:.06em; opacity:.8; }
.facts dd { margin:0; font-weight:600; }
main { padding:1.5rem; display:grid; gap:1.5rem; max-width:84rem; }
.post { background:#fff; border-radius:8px; padding:1.25rem 1.5rem;
  display:grid; grid-template-columns:minmax(0, 38rem) minmax(14rem, 1fr); gap:0 2rem;
  box-shadow:0 1px 3px rgba(0,0,0,.12); }
.post h2 { grid-column:1 / -1; margin:0 0 .75rem; font-size:1.25rem; color:var(--dark); }
.mock { border:1px solid #D8DDE0; border-radius:12px; padding:1rem; }
.text { white-space:pre-wrap; overflow-wrap:break-word; margin-bottom:.75rem; }
.mock img { display:block; width:100%; height:auto; border-radius:8px; border:1px solid #D8DDE0; }
.meta h3 { font-size:.95rem; margin:1.1rem 0 .3rem; }
.muted { color:var(--muted); font-weight:400; }
.count { margin:0; font-size:1.05rem; }
.meter { height:6px; background:var(--pale); border-radius:3px; overflow:hidden; margin:.3rem 0; }
.meter span { display:block; height:100%; background:var(--blue); }
.card-size { margin:.3rem 0 0; color:var(--muted); font-size:.9rem; }
.alt { margin:0; font-size:.92rem; background:#F5F7F8; padding:.6rem .75rem; border-radius:6px; }
.warnings { margin:0; padding:.6rem .75rem .6rem 1.8rem; background:var(--warn-bg);
  color:var(--warn); border-radius:6px; font-size:.92rem; }
.sent { margin-top:1.1rem; font-size:.9rem; }
.sent summary { cursor:pointer; color:var(--blue); }
.sent pre { white-space:pre-wrap; overflow-wrap:anywhere; background:#F5F7F8; padding:.6rem .75rem;
  border-radius:6px; font-size:.85rem; }
.ok { margin:0; color:var(--muted); font-size:.92rem; }
.engagement { background:#fff; border-radius:8px; padding:1.25rem 1.5rem; }
.engagement table { border-collapse:collapse; width:100%; font-size:.92rem; }
.engagement th, .engagement td { text-align:left; padding:.35rem .6rem;
  border-bottom:1px solid #D8DDE0; }
footer { padding:0 1.5rem 2rem; color:var(--muted); font-size:.85rem; }
@media (max-width: 52rem) { .post { grid-template-columns:1fr; } }
"""
