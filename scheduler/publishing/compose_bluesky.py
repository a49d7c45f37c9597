"""The Bluesky post text: ≤ 300 graphemes and ≤ 3000 UTF-8 bytes, shortened in X's documented
order (docs/posts.md): drop the hashtags, then cut the summary at a word, else ComposeError.
Pure: no I/O, no clock."""

from __future__ import annotations

import datetime as dt

from scheduler.config import BLUESKY_MENTION, PostTemplate
from scheduler.platforms.bluesky.text import BLUESKY_LIMIT, MAX_TEXT_BYTES, graphemes, utf8_len
from scheduler.publishing.compose import (
    ComposedPost,
    ComposeError,
    Parts,
    fill_template,
    fit_parts,
    template_parts,
)
from vignettes.content import CaseStudyContent


def compose_bluesky(
    content: CaseStudyContent, template: PostTemplate, month: dt.date | None
) -> ComposedPost:
    """The Bluesky post text for `content`: ≤ 300 graphemes and ≤ 3000 UTF-8 bytes,
    shortened in the documented order. Raises ComposeError for a mention that is not an
    `@handle`, or a post that still does not fit."""
    mentions = []
    for mention in template.mentions:
        match = BLUESKY_MENTION.fullmatch(mention.strip())
        if not match:
            raise ComposeError(
                content.ref, "Bluesky", f"mention {mention!r} is not a Bluesky @handle"
            )
        mentions.append("@" + match[1].lower())
    parts = template_parts(content, template, month, tuple(mentions))

    def render(p: Parts) -> str:
        values = dict(p.values)
        values["hashtags"] = " ".join("#" + tag for tag in p.hashtags)
        values["mentions"] = " ".join(p.mentions)
        return fill_template(template.template, values, escape=lambda text: text)

    composed = fit_parts(
        content.ref, "Bluesky", parts, template.template, render, graphemes, BLUESKY_LIMIT
    )
    size = utf8_len(composed.text)
    if size > MAX_TEXT_BYTES:
        raise ComposeError(
            content.ref,
            "Bluesky",
            f"is {size} bytes of UTF-8; Bluesky allows {MAX_TEXT_BYTES} (very many emoji?)",
            length=size,
            limit=MAX_TEXT_BYTES,
        )
    return composed
