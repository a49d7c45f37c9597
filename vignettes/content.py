"""What a case study says: the immutable snapshot, its vocabulary, limits and content hash.

The hash is the heart of invariant 1: approval records it, and nothing is rendered for
sending unless the current content still hashes to the approved value.
"""

from __future__ import annotations

import hashlib
import json
import operator
from dataclasses import dataclass, field

from vignettes.categories import DEFAULT_CATEGORIES

# The default impact categories (vignettes/categories.py; config can replace them). Codes
# are stable (stored, imported); labels are what cards and posts show.
IMPACT_CATEGORIES: dict[str, str] = {c.code: c.label for c in DEFAULT_CATEGORIES}

# What `show`, the preview and the render warnings say about a quote without consent: it is
# stored but never used on a card, in alt text or in a post.
QUOTE_WITHHELD = "quote withheld: no consent recorded"
# A case study whose content no longer hashes to the hash written with it (an SQL UPDATE
# behind the program's back): never sent until a person approves it again as it now is.
CHANGED_OUTSIDE = (
    "its content was changed outside impact-vignettes (it no longer matches the hash "
    "recorded with it)"
)

# Maximum lengths in characters (after trimming). Documented in README "Import format";
# longer values are rejected, never truncated.
LIMITS: dict[str, int] = {
    "ref": 40,
    "title": 200,
    "organisation": 120,
    "library_service": 120,
    "region": 60,
    "headline": 90,
    "summary": 320,
    "background": 2000,
    "library_contribution": 2000,
    "outcome": 2000,
    "quote_text": 240,
    "quote_attribution": 120,
    "link": 500,
    # Workflow, not content: the column is String(120); a reason is shown in the history.
    "approved_by": 120,
    "reject_reason": 1000,
}
MAX_IMPACT_CATEGORIES = 5
MAX_HASHTAGS = 5
MAX_HASHTAG_LENGTH = 50

# Fields that make up the content; the workflow (status, approval, queue) is not content.
CONTENT_FIELDS = (
    "title",
    "organisation",
    "library_service",
    "region",
    "headline",
    "summary",
    "background",
    "library_contribution",
    "outcome",
    "impact_categories",
    "time_saved_hours",
    "cost_saving_gbp",
    "quote_text",
    "quote_attribution",
    "quote_consent",
    "link",
    "hashtags",
)


@dataclass(frozen=True)
class CaseStudyContent:
    """One case study's content, detached from the database (safe to hand to renderers)."""

    ref: str
    title: str
    organisation: str
    headline: str
    summary: str
    library_service: str = ""
    region: str = ""
    background: str = ""
    library_contribution: str = ""
    outcome: str = ""
    impact_categories: tuple[str, ...] = ()
    time_saved_hours: float | None = None
    cost_saving_gbp: float | None = None
    quote_text: str = ""
    quote_attribution: str = ""
    quote_consent: bool = False
    link: str = ""
    hashtags: tuple[str, ...] = ()
    # Not content: the configured labels of `impact_categories`, set just before rendering
    # (`with_labels`); None means the default vocabulary's.
    category_labels: tuple[str, ...] | None = field(default=None, compare=False)

    @property
    def usable_quote(self) -> str:
        """The quote, only when the quoted person consented to its use."""
        return self.quote_text if self.quote_consent and self.quote_text else ""

    @property
    def quote_withheld(self) -> bool:
        """There is a quote, but no consent to use it."""
        return bool(self.quote_text) and not self.quote_consent

    @property
    def impact_labels(self) -> tuple[str, ...]:
        if self.category_labels is not None:
            return self.category_labels
        return tuple(IMPACT_CATEGORIES.get(c, c) for c in self.impact_categories)

    def content_hash(self) -> str:
        return content_hash(self)


_SORTED_FIELDS = tuple(sorted(CONTENT_FIELDS))
_SORTED_GETTER = operator.attrgetter(*_SORTED_FIELDS)


def _canonical(value: object) -> object:
    if isinstance(value, float):
        # 12.0 and 12 must hash alike whichever database or file format they came from.
        return format(round(value, 2), ".2f")
    if isinstance(value, tuple | list):
        return [_canonical(v) for v in value]
    return value


def content_hash(content: CaseStudyContent) -> str:
    """`sha256:<hex>` over the content fields in canonical JSON (ref excluded: renaming
    is not an edit, and a ref cannot change on upsert anyway)."""
    # getattr, not dataclasses.asdict: asdict deep-copies every value, and this runs once
    # per imported row. The JSON is the same either way (tuples become lists).
    # The keys in sorted order, so json.dumps needs no sort_keys to write the same text.
    values = _SORTED_GETTER(content)
    canonical = {
        name: value if value.__class__ is str else _canonical(value)
        for name, value in zip(_SORTED_FIELDS, values, strict=True)
    }
    blob = json.dumps(canonical, ensure_ascii=False, separators=(",", ":"))
    return "sha256:" + hashlib.sha256(blob.encode("utf-8")).hexdigest()
