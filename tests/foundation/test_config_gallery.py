"""`[gallery]`: on in the bundled config, off in a new one; embed origins and the feed's tag
authority checked, every problem named with its key."""

from __future__ import annotations

from pathlib import Path

import pytest

from scheduler.config import load_config
from scheduler.errors import ConfigError

REPO = Path(__file__).resolve().parents[2]


def test_the_bundled_config_turns_the_gallery_on_and_a_new_one_leaves_it_off(
    tmp_path: Path,
) -> None:
    assert load_config(REPO / "config.toml").gallery.enabled is True
    gallery = load_config(_write(tmp_path, "")).gallery
    assert (gallery.enabled, gallery.embed_origins, gallery.feed_accepted) == (False, (), False)


def test_embed_origins_are_normalised_origins(tmp_path: Path) -> None:
    origins = '["https://Intranet.Example.nhs.uk/", "http://localhost:8080"]'
    config = load_config(_write(tmp_path, f"[gallery]\nembed_origins = {origins}\n"))
    assert config.gallery.embed_origins == (
        "https://intranet.example.nhs.uk",
        "http://localhost:8080",
    )


@pytest.mark.parametrize(
    ("origin", "says"),
    [
        ("http://intranet.example.nhs.uk", "is not an https:// origin"),
        ("https://intranet.example.nhs.uk/news", "has a path"),
        ("https://*.example.nhs.uk", "is not an origin"),
        ("https://user:pw@intranet.example.nhs.uk", "is not an origin"),
    ],
)
def test_an_origin_that_is_not_one_is_named(tmp_path: Path, origin: str, says: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(_write(tmp_path, f'[gallery]\nembed_origins = ["{origin}"]\n'))
    [problem] = caught.value.problems
    assert problem.startswith("gallery.embed_origins: ") and says in problem


def test_a_feed_tag_authority_must_be_a_domain_and_a_date(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(_write(tmp_path, '[gallery]\nfeed_tag_authority = "gallery"\nenable = true\n'))
    assert [p.split(":")[0] for p in caught.value.problems] == [
        "gallery.feed_tag_authority",
        "gallery.enable",
    ]


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text)
    return path
