"""The durable caches hold only what can still be asked for: rendered cards and
postability answers made under another settings fingerprint go, and the rendered cards
stay within `[cards] cache_limit`. Their key covers every module, library and font file
that decides how a vignette renders."""

from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path

from sqlalchemy import select

from scheduler.config import parse_config
from scheduler.operations.content.cards import prune, vignette_cards
from scheduler.operations.context import Workspace
from scheduler.publishing.postability import (
    LIBRARIES,
    Postability,
    fingerprinted_modules,
    settings_fingerprint,
)
from tests.conftest import NOW
from tests.operations.conftest import approved, load
from vignettes.planning.slots import Month
from vignettes.store.models import RenderCheck
from vignettes.store.queries import get_case_study

ROOT = Path(__file__).resolve().parents[2]


def module(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts)


def test_every_module_that_decides_rendering_composition_or_limits_is_in_the_key() -> None:
    places = [
        *(ROOT / "cards").glob("*.py"),
        *(ROOT / "scheduler" / "publishing").glob("compose*.py"),
        ROOT / "scheduler" / "publishing" / "rendering.py",
        *(ROOT / "scheduler" / "platforms").glob("*/text.py"),
        ROOT / "vignettes" / "content.py",
        ROOT / "vignettes" / "text.py",
    ]
    wanted = {module(p) for p in places if p.name != "__init__.py"}
    assert wanted - set(fingerprinted_modules()) == set()
    assert {"scheduler.platforms.bluesky.text", "scheduler.publishing.compose_bluesky"} <= set(
        fingerprinted_modules()
    )
    assert set(LIBRARIES) == {"pillow", "twitter-text-parser", "regex"}


def test_the_key_changes_with_what_a_card_shows_and_not_with_the_cache_s_size(
    ws: Workspace,
) -> None:
    config = ws.config
    bigger = dataclasses.replace(config.cards, cache_limit=config.cards.cache_limit * 2)
    other_brand = dataclasses.replace(
        config.cards, brand=dataclasses.replace(config.cards.brand, footer_text="Elsewhere")
    )
    fingerprint = settings_fingerprint(config)
    assert settings_fingerprint(dataclasses.replace(config, cards=bigger)) == fingerprint
    assert settings_fingerprint(dataclasses.replace(config, cards=other_brand)) != fingerprint


def test_answers_under_another_fingerprint_are_deleted_when_new_ones_are_kept(
    ws: Workspace, tmp_path: Path
) -> None:
    load(ws, tmp_path, approved("P-1"))
    with ws.store.write() as session:
        session.add(RenderCheck(content_hash="sha256:old", month="", settings="0" * 64,
                                problem="", checked_at=NOW))  # fmt: skip
    with ws.store.read() as session:
        content = get_case_study(session, "P-1").content()
    Postability(ws.store, ws.config).problems([(content, Month(2027, 1))], NOW)
    with ws.store.read() as session:
        settings = set(session.scalars(select(RenderCheck.settings)))
    assert settings == {settings_fingerprint(ws.config)}


def cache_entry(cache: Path, name: str, settings: str, size: int, shown: float) -> Path:
    folder = cache / name
    folder.mkdir(parents=True)
    (folder / "meta.json").write_text(json.dumps({"posts": [], "problem": None,
                                                  "settings": settings}))  # fmt: skip
    (folder / "x.png").write_bytes(b"\0" * size)
    os.utime(folder, (shown, shown))
    return folder


def test_rendered_cards_are_pruned_to_the_current_fingerprint_and_the_limit(
    tmp_path: Path,
) -> None:
    old = cache_entry(tmp_path, "old", "before", 1_000, shown=100)
    least = cache_entry(tmp_path, "least", "now", 400_000, shown=200)
    recent = cache_entry(tmp_path, "recent", "now", 400_000, shown=300)
    prune(tmp_path, "now", limit=500_000)
    assert not old.exists() and not least.exists() and recent.exists()


def test_a_render_keeps_the_card_cache_within_its_limit(ws: Workspace, tmp_path: Path) -> None:
    config = parse_config(
        {"database": {"url": ws.config.database.url},
         "daemon": {"var_dir": str(tmp_path / "var")}, "cards": {"cache_limit": "1MB"}},
        tmp_path / "config.toml",
    )  # fmt: skip
    small = Workspace(config=config, clock=ws.clock)
    load(small, tmp_path, *(approved(f"C-{i}") for i in range(10)))  # ~150 kB of cards each
    for i in range(10):
        assert vignette_cards(small, f"C-{i}").posts
    cache = tmp_path / "var" / "cache" / "vignettes"
    total = sum(f.stat().st_size for f in cache.rglob("*") if f.is_file())
    assert 0 < total <= 1024 * 1024 and len(list(cache.iterdir())) < 10
    small.close()
