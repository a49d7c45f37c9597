"""write_preview: the files on disk, the JSON summary and a page that is safe and offline."""

from __future__ import annotations

import json
import re
from pathlib import Path

from scheduler.publishing.preview_page import PreviewResult, write_preview
from scheduler.publishing.rendering import render_vignette
from tests.preview.conftest import NOVEMBER, case_study, config
from vignettes.content import CaseStudyContent


def preview(tmp_path: Path, content: CaseStudyContent, status: str = "submitted") -> PreviewResult:
    vignette = render_vignette(content, config(tmp_path), NOVEMBER, platforms=("x", "linkedin"))
    return write_preview(vignette, content, tmp_path / "out", status=status, month=NOVEMBER)


def test_preview_writes_card_post_text_and_alt_text_for_each_platform(tmp_path: Path) -> None:
    result = preview(tmp_path, case_study())
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert names == [
        *(f"ICS-2026-011-linkedin{ext}" for ext in (".alt.txt", ".png", ".txt")),
        *(f"ICS-2026-011-x{ext}" for ext in (".alt.txt", ".png", ".txt")),
        "preview.html",
    ]
    x = result.posts[0]
    assert x.png_path.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    assert x.text_path.read_text(encoding="utf-8") == x.text + "\n"
    assert x.alt_text_path.read_text(encoding="utf-8") == x.alt_text + "\n"


def test_json_gives_png_path_and_size_text_length_alt_text_and_warnings(tmp_path: Path) -> None:
    summary = json.loads(json.dumps(preview(tmp_path, case_study()).to_json()))
    assert (summary["ref"], summary["approved"], summary["month"]) == (
        "ICS-2026-011",
        False,
        "2026-11",
    )
    x = summary["platforms"]["x"]
    assert Path(x["png"]).stat().st_size == x["png_bytes"] > 0
    assert x["length"] <= x["limit"] == 280 and x["length_unit"] == "weighted"
    assert x["alt_text"] and x["alt_text_length"] == len(x["alt_text"])
    assert "quote withheld: no consent recorded" in summary["platforms"]["linkedin"]["warnings"]


def test_the_page_embeds_its_images_and_loads_nothing_from_outside(tmp_path: Path) -> None:
    page = preview(tmp_path, case_study()).html_path.read_text(encoding="utf-8")
    sources = re.findall(r'<img src="([^"]{0,30})', page)
    assert sources == ["data:image/png;base64,iVBORw0K"] * 2
    assert not re.search(r"<script|<link|@import|url\(|https?://[^\s\"<]*\.(css|js|woff)", page)
    assert "default-src 'none'" in page


def test_user_text_is_shown_as_text_never_as_html(tmp_path: Path) -> None:
    content = case_study(title='<script>alert("x")</script> & <b>bold</b>')
    page = preview(tmp_path, content).html_path.read_text(encoding="utf-8")
    assert "<script>" not in page and "<b>bold</b>" not in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in page


def test_only_a_case_study_not_yet_approved_gets_the_banner(tmp_path: Path) -> None:
    submitted = preview(tmp_path / "a", case_study(), status="submitted").html_path
    approved = preview(tmp_path / "b", case_study(), status="approved").html_path
    assert "NOT APPROVED — preview only" in submitted.read_text(encoding="utf-8")
    assert "NOT APPROVED" not in approved.read_text(encoding="utf-8")


def test_engagement_rows_appear_as_a_table_when_given(tmp_path: Path) -> None:
    content = case_study()
    vignette = render_vignette(content, config(tmp_path), NOVEMBER, platforms=("x",))
    rows = {"x": [{"after": "1d", "likes": 12, "reposts": "<3>"}]}
    result = write_preview(
        vignette, content, tmp_path, status="approved", month=NOVEMBER, engagement=rows
    )
    page = result.html_path.read_text(encoding="utf-8")
    assert "<th>after</th><th>likes</th><th>reposts</th>" in page
    assert "<td>1d</td><td>12</td><td>&lt;3&gt;</td>" in page
