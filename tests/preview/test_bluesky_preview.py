"""The preview shows the Bluesky post as it will go out: graphemes counted, facets listed."""

from __future__ import annotations

from pathlib import Path

from scheduler.config import parse_config
from scheduler.publishing.preview_page import render_html
from scheduler.publishing.rendering import render_vignette
from tests.preview.conftest import NOVEMBER, case_study


def test_the_bluesky_section_counts_graphemes_and_lists_the_link_and_tags(tmp_path: Path) -> None:
    config = parse_config({"platforms": {"bluesky": {"enabled": True}}}, tmp_path / "c.toml")
    content = case_study(summary="Évidence in five days 👩🏽‍⚕️.")
    vignette = render_vignette(content, config, NOVEMBER, platforms=["bluesky"])

    page = render_html(vignette, content, status="approved", month=NOVEMBER)

    post = vignette.post("bluesky")
    assert post.text_limit == 300 and post.text_length < len(post.text)  # emoji: 1 grapheme
    assert "graphemes" in page and "Links, hashtags and mentions (facets)" in page
    assert "https://library.example.nhs.uk/impact/ics-2026-011</code> bytes" in page
    assert "<code>FallsPrevention</code>" in page
