from __future__ import annotations

from pathlib import Path

import pytest

from cards.brand import Brand, contrast_ratio
from cards.errors import BrandContrastError
from cards.render import render_card
from scheduler.config import parse_config
from scheduler.errors import EXIT_CONFIG, ConfigError
from tests.cards.conftest import case_study, spec


def test_contrast_ratio_follows_wcag_from_1_to_21() -> None:
    assert contrast_ratio("#000000", "#FFFFFF") == pytest.approx(21.0)
    assert contrast_ratio("#777777", "#777777") == pytest.approx(1.0)
    assert contrast_ratio("#FFFFFF", "#005EB8") == pytest.approx(6.38, abs=0.01)


def test_the_nhs_style_default_brand_passes_every_pair() -> None:
    assert Brand().contrast_problems() == []


def test_a_pale_primary_is_named_with_its_pair_and_ratio() -> None:
    problems = Brand(primary="#41B6E6").contrast_problems()
    assert problems[0] == (
        "text light #FFFFFF on primary #41B6E6 has contrast 2.31:1, needs 4.5:1 "
        "(month, headline and summary; impact card period)"
    )
    assert problems[1].startswith("text primary #41B6E6 on pale #E8EDEE has contrast 1.96:1")


def test_large_text_pairs_only_need_three_to_one() -> None:
    # NHS mid blue on pale grey is 3.4:1: enough for the large quotation mark alone.
    problems = Brand(primary="#0072CE", light="#FFFFFF").contrast_problems()
    assert not any("large quotation mark" in p for p in problems)


def test_rendering_refuses_a_failing_brand() -> None:
    with pytest.raises(BrandContrastError, match="light #FFFFFF on primary #FFB81C"):
        render_card(case_study(), spec(), Brand(primary="#FFB81C"))


def test_a_failing_brand_in_config_is_a_configuration_error(tmp_path: Path) -> None:
    data = {"cards": {"brand": {"pale": "#8A9BA8"}}}
    with pytest.raises(ConfigError) as caught:
        parse_config(data, tmp_path / "config.toml")
    assert caught.value.exit_code == EXIT_CONFIG
    assert any(
        p.startswith("cards.brand: text dark #003087 on pale #8A9BA8 has contrast")
        for p in caught.value.problems
    )
