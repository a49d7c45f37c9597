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
from vignettes.fields import OTHER_LIMITS, WORKFLOW, FieldSpec, content_field, specs_of

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

MAX_IMPACT_CATEGORIES = 5
MAX_HASHTAGS = 5
MAX_HASHTAG_LENGTH = 50
_CHARS = "Up to {limit} characters."
_CARD = "The card leads with it."


@dataclass(frozen=True, kw_only=True)
class CaseStudyContent:
    """One case study's content, detached from the database (safe to hand to renderers).

    Its fields are the declaration of the case-study fields (`vignettes.fields`): each says
    what people call it, its column's other names, its limit (longer is rejected, never
    truncated), one line or several, whether public pages may show it and where the form
    puts it. Their order is the form's and the JSON's."""

    ref: str = content_field(
        label="Reference",
        limit=40,
        required=True,
        aliases=("Reference", "Case study ref", "Case study reference", "Case study ID",
                 "Case study number", "Case ID", "Reference number", "Ref no", "ID"),
        hint="Up to {limit} letters, digits, dots, dashes or underscores, for example "
        "ICS-2026-014. It cannot be changed later.",
        section="About the case study",
    )  # fmt: skip
    title: str = content_field(
        label="Title",
        limit=200,
        required=True,
        aliases=("Case study title", "Title of case study", "Case study name"),
        hint=_CHARS,
        section="About the case study",
    )
    organisation: str = content_field(
        label="Organisation",
        limit=120,
        required=True,
        aliases=("Organisation name", "Organization", "Organization name", "Trust",
                 "Trust name", "NHS organisation", "Organisation or trust"),
        hint=_CHARS,
        section="About the case study",
        index=True,
    )  # fmt: skip
    library_service: str = content_field(
        "",
        label="Library service",
        limit=120,
        aliases=("Library", "Library name", "Library service name",
                 "Library and knowledge service", "Knowledge and library service", "LKS"),
        hint=_CHARS,
        section="About the case study",
    )  # fmt: skip
    region: str = content_field(
        "",
        label="Region",
        limit=60,
        aliases=("NHS region", "HEE region", "Region name"),
        hint="The NHS region. " + _CHARS,
        section="About the case study",
    )
    headline: str = content_field(
        label="Card headline",
        limit=90,
        required=True,
        aliases=("Card headline", "Short headline", "Headline for card"),
        hint="Large on the card. " + _CHARS,
        section="The vignette",
    )
    summary: str = content_field(
        label="Summary",
        kind="text",
        limit=320,
        multi_line=True,
        required=True,
        aliases=("Vignette text", "Short summary", "Vignette summary", "Summary text"),
        hint="The vignette text, on the card and in the posts.",
        section="The vignette",
    )
    background: str = content_field(
        "",
        label="Background",
        kind="text",
        limit=2000,
        multi_line=True,
        aliases=("Context", "Challenge", "The challenge", "Background and challenge"),
        hint="The challenge or question.",
        section="The story",
    )
    library_contribution: str = content_field(
        "",
        label="How the library helped",
        kind="text",
        limit=2000,
        multi_line=True,
        aliases=("How the library helped", "Role of the library", "Library role",
                 "The library's role", "What the library did", "Library input"),
        section="The story",
    )  # fmt: skip
    outcome: str = content_field(
        "",
        label="Outcome",
        kind="text",
        limit=2000,
        multi_line=True,
        aliases=("Outcomes", "Result", "Results", "What difference did it make"),
        hint="What difference it made.",
        section="The story",
    )
    impact_categories: tuple[str, ...] = content_field(
        (),
        label="Impact categories",
        kind="categories",
        aliases=("Impact category", "Categories", "Category", "Impact type", "Impact types",
                 "Type of impact", "Impacts", "Impact areas"),
        hint=f"Select up to {MAX_IMPACT_CATEGORIES}.",
        section="Impact",
    )  # fmt: skip
    time_saved_hours: float | None = content_field(
        None,
        label="Time saved (hours)",
        kind="number",
        limit=100_000,
        aliases=("Time saved", "Hours saved", "Time saved hrs", "Staff time saved",
                 "Staff time saved (hours)"),
        hint="A number from 0 to {limit}. " + _CARD,
        section="Impact",
    )  # fmt: skip
    cost_saving_gbp: float | None = content_field(
        None,
        label="Cost saving (£)",
        kind="number",
        limit=1_000_000_000,
        aliases=("Cost saving", "Cost saving (£)", "Cost savings", "Cost savings (£)",
                 "Financial saving", "Financial savings", "Money saved", "Savings (£)"),
        hint="A number of pounds from 0 to {limit}. " + _CARD,
        section="Impact",
    )  # fmt: skip
    quote_text: str = content_field(
        "",
        label="Quote",
        kind="text",
        limit=240,
        multi_line=True,
        public=False,  # only with consent (`usable_quote`)
        aliases=("Quote", "Quotation", "Testimonial", "User quote"),
        hint="A quote needs the quoted person's name below.",
        section="Quote",
    )
    quote_attribution: str = content_field(
        "",
        label="Quoted person",
        limit=120,
        public=False,  # only with consent, beside the quote
        aliases=("Quote by", "Quoted person", "Quote from", "Attribution",
                 "Name of person quoted"),
        hint=_CHARS,
        section="Quote",
    )  # fmt: skip
    quote_consent: bool = content_field(
        False,
        label="Has the quoted person agreed to the quote being used?",
        kind="yesno",
        public=False,
        aliases=("Consent to publish quote", "Consent to use quote", "Consent to quote",
                 "Consent", "Consent given", "Permission to quote", "Quote permission"),
        hint="Without consent the quote is kept but never used on a card, in alt text or "
        "in a post.",
        section="Quote",
    )  # fmt: skip
    link: str = content_field(
        "",
        label="Link",
        limit=500,
        aliases=("URL", "Web link", "Link to case study", "Case study link", "Web address"),
        hint="An https:// address, for example of the full case study.",
        section="Sharing",
    )
    hashtags: tuple[str, ...] = content_field(
        (),
        label="Hashtags",
        aliases=("Hashtag", "Tags"),
        hint=f"Up to {MAX_HASHTAGS}, separated by semicolons, for example NHSLibraries; Evidence.",
        section="Sharing",
    )
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


# The declaration, read off the dataclass: every content field's spec, the ref first.
SPECS: tuple[FieldSpec, ...] = specs_of(CaseStudyContent)
# Fields that make up the content (the ref is its name, not its content; the workflow,
# status, approval and queue, is not content).
CONTENT_FIELDS = tuple(spec.name for spec in SPECS if spec.name != "ref")
# Maximum lengths in characters (after trimming); longer values are rejected, never
# truncated. A number's largest value is its spec's `limit`.
LIMITS: dict[str, int] = {
    **{s.name: s.limit for s in (*SPECS, *WORKFLOW) if s.limit is not None and s.kind != "number"},
    **OTHER_LIMITS,
}


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
