"""What a case study says: the immutable snapshot, its vocabulary, limits and content hash.

The hash is the heart of invariant 1: approval records it, and nothing is rendered for
sending unless the current content still hashes to the approved value.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass

# Impact categories after the Knowledge for Healthcare impact framework. Codes are stable
# (stored, imported); labels are what cards and posts show.
IMPACT_CATEGORIES: dict[str, str] = {
    "patient-care": "Better patient care",
    "decision-making": "More informed decisions",
    "patient-safety": "Patient safety and risk",
    "service-development": "Service development",
    "policy": "Policy and guidelines",
    "research": "Research and innovation",
    "education": "Education and CPD",
    "time-saved": "Time saved",
    "cost-saving": "Cost saving",
    "commissioning": "Commissioning and management",
}

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

    @property
    def usable_quote(self) -> str:
        """The quote, only when the quoted person consented to its use."""
        return self.quote_text if self.quote_consent and self.quote_text else ""

    @property
    def impact_labels(self) -> tuple[str, ...]:
        return tuple(IMPACT_CATEGORIES.get(c, c) for c in self.impact_categories)

    def content_hash(self) -> str:
        return content_hash(self)


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
    data = asdict(content)
    canonical = {name: _canonical(data[name]) for name in CONTENT_FIELDS}
    blob = json.dumps(canonical, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return "sha256:" + hashlib.sha256(blob.encode("utf-8")).hexdigest()
