"""The impact-category vocabulary in force: what `impact_categories` cells may say."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from scheduler.operations.context import Workspace
from vignettes.categories import DEFAULT_VOCABULARY, Category

__all__ = ["CategoryList", "categories"]


@dataclass(frozen=True)
class CategoryList:
    """Each category with every alias (its own and the configured extra words);
    `configured` is False while the documented default vocabulary is in force."""

    categories: tuple[Category, ...]
    configured: bool

    def to_json(self) -> dict[str, Any]:
        return {
            "source": "config" if self.configured else "default",
            "categories": [c.to_json() for c in self.categories],
        }


def categories(ws: Workspace) -> CategoryList:
    """The vocabulary from `[import]` in the configuration (or the default); raises
    ConfigError for a bad configuration."""
    vocabulary = ws.config.importing.vocabulary
    listed = tuple(
        Category(c.code, c.label, vocabulary.aliases_of(c.code)) for c in vocabulary.categories
    )
    return CategoryList(listed, vocabulary != DEFAULT_VOCABULARY)
