"""The preview page as staff see it: opened from disk in headless Chromium."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from scheduler.publishing.preview_page import write_preview
from scheduler.publishing.rendering import render_vignette
from tests.preview.conftest import NOVEMBER, case_study, config

pytestmark = pytest.mark.browser


def test_the_page_shows_every_card_and_post_text_with_the_not_approved_banner(
    tmp_path: Path, chromium: Browser
) -> None:
    content = case_study()
    vignette = render_vignette(content, config(tmp_path), NOVEMBER, platforms=("x", "linkedin"))
    result = write_preview(vignette, content, tmp_path / "out", status="submitted", month=NOVEMBER)
    page = chromium.new_page(viewport={"width": 1280, "height": 900})
    page.goto(result.html_path.as_uri())
    widths = page.eval_on_selector_all("img", "imgs => imgs.map(i => i.complete && i.naturalWidth)")
    assert widths == [1200, 1200]
    texts = page.locator("[data-testid=post-text]").all_inner_texts()
    assert texts == [post.display_text for post in result.posts]
    assert "(delivered in five days)" in texts[1]  # LinkedIn shown unescaped
    assert page.get_by_text("NOT APPROVED — preview only").is_visible()
    page.screenshot(path=tmp_path / "preview.png", full_page=True)
    assert (tmp_path / "preview.png").stat().st_size > 0


def test_the_page_still_works_moved_elsewhere_and_shows_markup_as_text(
    tmp_path: Path, chromium: Browser
) -> None:
    content = case_study(summary="Use <img src=x onerror=alert(1)> & **bold** with care now please")
    vignette = render_vignette(content, config(tmp_path), None, platforms=("linkedin",))
    result = write_preview(vignette, content, tmp_path / "out", status="approved", month=None)
    moved = shutil.move(result.html_path, tmp_path / "elsewhere.html")
    shutil.rmtree(tmp_path / "out")
    page = chromium.new_page()
    page.goto(Path(moved).as_uri())
    assert page.eval_on_selector_all("img", "imgs => imgs.map(i => i.naturalWidth)") == [1200]
    shown = page.get_by_test_id("post-text").inner_text()
    assert "Use <img src=x onerror=alert(1)> & **bold** with care" in shown
    assert page.get_by_text("NOT APPROVED").count() == 0
