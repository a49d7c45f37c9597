"""render_vignette: what the daemon gets for one case study, per platform."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from scheduler.errors import ConfigError
from scheduler.publishing.rendering import RenderError, render_vignette
from tests.preview.conftest import NOVEMBER, case_study, config

BOTH = ("x", "linkedin")


def test_a_vignette_carries_the_hash_of_the_snapshot_it_rendered(tmp_path: Path) -> None:
    content = case_study()
    vignette = render_vignette(content, config(tmp_path), NOVEMBER, platforms=BOTH)
    assert vignette.content_hash == content.content_hash()
    assert vignette.platforms == BOTH
    assert (vignette.ref, vignette.month) == ("ICS-2026-011", NOVEMBER)


def test_each_platform_gets_its_own_card_size_text_and_alt_text_limit(tmp_path: Path) -> None:
    settings = config(tmp_path, linkedin_size="1080x1080", linkedin_alt_text_limit=200)
    vignette = render_vignette(case_study(), settings, NOVEMBER, platforms=BOTH)
    x, linkedin = vignette.post("x"), vignette.post("linkedin")
    assert (x.card.width, x.card.height, x.alt_text_limit) == (1200, 675, 1000)
    assert (linkedin.card.width, linkedin.card.height, linkedin.alt_text_limit) == (1080, 1080, 200)
    assert len(linkedin.alt_text) <= 200 and linkedin.alt_text == linkedin.card.alt_text
    assert "(delivered" in x.text and "\\(delivered" in linkedin.text
    assert x.text_limit == 280 and x.text_length <= 280


def test_a_quote_left_out_for_lack_of_consent_is_warned_about_once(tmp_path: Path) -> None:
    vignette = render_vignette(case_study(), config(tmp_path), None, platforms=["linkedin"])
    post = vignette.post("linkedin")
    assert post.warnings.count("quote withheld: no consent recorded") == 1
    assert "settled a two-year argument" not in post.text


def test_an_unknown_platform_is_refused_naming_it(tmp_path: Path) -> None:
    with pytest.raises(RenderError, match="got 'mastodon'"):
        render_vignette(case_study(), config(tmp_path), None, platforms=["mastodon"])


def test_a_brand_that_fails_contrast_is_a_config_error_naming_the_pair(tmp_path: Path) -> None:
    # Caught when the config is read, before anything can be rendered or sent.
    with pytest.raises(ConfigError, match="light #FFFFFF on primary #41B6E6 has contrast 2"):
        config(tmp_path, brand={"primary": "#41B6E6"})


def test_a_card_that_cannot_be_drawn_is_a_render_error_naming_the_case_study(
    tmp_path: Path,
) -> None:
    with pytest.raises(RenderError, match=r"^case study ICS-2026-011: .*\(linkedin card\)$"):
        render_vignette(
            case_study(headline="word " * 80), config(tmp_path), None, platforms=["linkedin"]
        )


def test_the_configured_logo_file_is_read_and_drawn_on_every_card(tmp_path: Path) -> None:
    logo = tmp_path / "logo.png"
    Image.new("RGB", (240, 80), "#00A499").save(logo)
    plain = render_vignette(case_study(), config(tmp_path), None, platforms=BOTH)
    branded = render_vignette(case_study(), config(tmp_path, logo="logo.png"), None, platforms=BOTH)
    for platform in BOTH:
        assert branded.post(platform).card.sha256 != plain.post(platform).card.sha256


def test_an_unreadable_logo_is_a_render_error_naming_the_file(tmp_path: Path) -> None:
    (tmp_path / "logo.png").write_bytes(b"\x89PNG")
    settings = config(tmp_path, logo="logo.png")
    (tmp_path / "logo.png").unlink()
    with pytest.raises(RenderError, match=r"cards\.logo: cannot read .*logo\.png"):
        render_vignette(case_study(), settings, None, platforms=["x"])
