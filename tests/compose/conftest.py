"""Small builders for composition tests: a case study and a post template."""

from __future__ import annotations

from typing import Any

from scheduler.config import PostTemplate
from vignettes.content import CaseStudyContent


def case_study(**fields: Any) -> CaseStudyContent:
    """A plain case study; tests override only what they are about."""
    defaults: dict[str, Any] = {
        "ref": "ICS-2026-001",
        "title": "Evidence search for the falls team",
        "organisation": "Northshire NHS Trust",
        "headline": "Falls down by a third",
        "summary": "A librarian searched the evidence.",
    }
    return CaseStudyContent(**{**defaults, **fields})


def template(
    text: str, hashtags: tuple[str, ...] = (), mentions: tuple[str, ...] = ()
) -> PostTemplate:
    return PostTemplate(template=text, hashtags=hashtags, mentions=mentions)


def words(count: int, word: str = "word") -> str:
    """`count` copies of `word` separated by spaces."""
    return " ".join([word] * count)
