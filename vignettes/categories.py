"""Impact categories: the vocabulary a case study's `impact_categories` are drawn from.

Codes are stable (stored, imported, hashed); labels are what cards, alt text and `show` say;
aliases are the other words files use for the same category. A spreadsheet cell may name
categories by code, label or alias, in any case and punctuation, separated by `;`, `,` or
line breaks. The default vocabulary follows the outcome areas NHS knowledge and library
services report impact against nationally (the Knowledge for Healthcare Value and Impact
Toolkit: the generic impact questionnaire and the impact case study review); `config.toml`
`[[import.categories]]` replaces it and `[import.category_aliases]` adds local words.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from vignettes.text import word_key

MAX_LABEL_LENGTH = 40  # a pill on the card; the longest default label is 28
MAX_CATEGORIES = 50
CODE_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
_SEPARATORS = re.compile(r"[;,\n\r\u2028\u2029]")


@dataclass(frozen=True)
class Category:
    code: str
    label: str
    aliases: tuple[str, ...] = ()

    def to_json(self) -> dict[str, object]:
        return {"code": self.code, "label": self.label, "aliases": list(self.aliases)}


DEFAULT_CATEGORIES: tuple[Category, ...] = (
    Category(
        "patient-care",
        "Better patient care",
        (
            "Higher quality patient care",
            "Quality of patient care",
            "Improved patient care",
            "Patient care",
            "Direct patient care",
            "Clinical care",
        ),
    ),
    Category(
        "decision-making",
        "More informed decisions",
        (
            "Decision making",
            "Informed decision making",
            "More informed decision making",
            "Clinical decision making",
            "Evidence-based practice",
            "Evidence based decision making",
        ),
    ),
    Category(
        "patient-safety",
        "Patient safety and risk",
        (
            "Patient safety",
            "Risk management",
            "Risk",
            "Reduced risk",
            "Clinical governance",
            "Governance",
        ),
    ),
    Category(
        "patient-experience",
        "Patient experience",
        (
            "Patient involvement",
            "Patient information",
            "Shared decision making",
            "Quality of life",
            "Patient and public involvement",
        ),
    ),
    Category(
        "service-development",
        "Service development",
        (
            "Service improvement",
            "Service delivery",
            "Service development or delivery",
            "Quality improvement",
            "Service redesign",
        ),
    ),
    Category(
        "policy",
        "Policy and guidelines",
        (
            "Policy",
            "Guidelines",
            "Policy development",
            "Guideline development",
            "Protocols",
            "Policies and procedures",
        ),
    ),
    Category(
        "research",
        "Research and innovation",
        ("Research", "Innovation", "Research and publication", "Publication", "Publications"),
    ),
    Category(
        "education",
        "Education and CPD",
        (
            "Education",
            "Teaching",
            "Training",
            "Learning",
            "CPD",
            "Continuing professional development",
            "Personal or professional development",
            "Professional development",
            "Teaching and education",
        ),
    ),
    Category(
        "time-saved",
        "Time saved",
        ("Saved time", "Time saving", "Time savings", "Staff time saved", "Clinician time saved"),
    ),
    Category(
        "cost-saving",
        "Cost saving",
        (
            "Cost savings",
            "Financial saving",
            "Financial savings",
            "Money saved",
            "Cost effectiveness",
            "Cost avoidance",
        ),
    ),
    Category(
        "commissioning",
        "Commissioning and management",
        ("Commissioning", "Management", "Management decisions", "Business case"),
    ),
)


@dataclass(frozen=True)
class Vocabulary:
    """The categories in the order `vignettes categories` lists them, and the extra local
    words (`extra_aliases`, word → code) a configuration adds. Build with `vocabulary()`,
    which checks it; the lookup ignores case, spaces and punctuation."""

    categories: tuple[Category, ...]
    extra_aliases: tuple[tuple[str, str], ...] = ()
    _lookup: Mapping[str, str] = field(default_factory=dict, compare=False, repr=False)
    # Names already resolved: a file says the same few categories thousands of times.
    _seen: dict[str, str | None] = field(default_factory=dict, compare=False, repr=False)
    # ...and the same unknown one as often (100,000 rows of 'Foo': 70 s of difflib).
    _near: dict[str, Category | None] = field(default_factory=dict, compare=False, repr=False)

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(c.code for c in self.categories)

    def resolve(self, name: str) -> str | None:
        """The code `name` stands for (a code, label or alias), or None."""
        try:
            return self._seen[name]
        except KeyError:
            found = self._lookup.get(word_key(name))
            if len(self._seen) < 10_000:  # bounded: a long-running process keeps it
                self._seen[name] = found
            return found

    def label(self, code: str) -> str:
        """The label for `code`; a code no longer in the vocabulary is shown as itself."""
        for category in self.categories:
            if category.code == code:
                return category.label
        return code

    def labels(self, codes: Iterable[str]) -> tuple[str, ...]:
        return tuple(self.label(code) for code in codes)

    def closest(self, name: str) -> Category | None:
        """The category whose code, label or alias is nearest to `name`, if any is near."""
        key = word_key(name)[:100]
        try:
            return self._near[key]
        except KeyError:
            pass
        match = difflib.get_close_matches(key, list(self._lookup), n=1, cutoff=0.6)
        code = self._lookup[match[0]] if match else None
        found = next((c for c in self.categories if c.code == code), None)
        if len(self._near) < 10_000:  # bounded, as `_seen` is
            self._near[key] = found
        return found

    def aliases_of(self, code: str) -> tuple[str, ...]:
        """Every alias of `code`: its own, then the configured extra words."""
        own = next((c.aliases for c in self.categories if c.code == code), ())
        return own + tuple(word for word, target in self.extra_aliases if target == code)


def vocabulary(
    categories: Sequence[Category] = DEFAULT_CATEGORIES,
    extra_aliases: Mapping[str, str] | None = None,
) -> tuple[Vocabulary, list[str]]:
    """A checked vocabulary, and the problems that make it unusable (each completes
    `categories: `): malformed codes, labels a card cannot show, and names that would
    mean two categories at once."""
    problems: list[str] = []
    lookup: dict[str, str] = {}
    if not categories:
        problems.append("the vocabulary needs at least one category")
    if len(categories) > MAX_CATEGORIES:
        problems.append(f"has {len(categories)} categories, the limit is {MAX_CATEGORIES}")

    def claim(name: str, code: str, what: str) -> None:
        key = word_key(name)
        if not key:
            problems.append(f"{code}: {what} {name!r} has no letters or digits")
        elif lookup.get(key, code) != code:
            problems.append(
                f"{code}: {what} {name!r} already names {lookup[key]}; each name may mean "
                "one category"
            )
        else:
            lookup[key] = code

    for category in categories:
        code, label = category.code, category.label
        if not CODE_PATTERN.match(code):
            problems.append(
                f"{code!r}: a code is lower-case letters, digits and '-', at most 40 characters"
            )
        if not label.strip() or len(label) > MAX_LABEL_LENGTH or _SEPARATORS.search(label):
            problems.append(
                f"{code}: label {label!r} must be 1-{MAX_LABEL_LENGTH} characters on one line, "
                "without ';' or ','"
            )
        claim(code, code, "code")
        claim(label, code, "label")
        for alias in category.aliases:
            claim(alias, code, "alias")
    codes = {c.code for c in categories}
    extra = tuple(sorted((extra_aliases or {}).items()))
    for word, code in extra:
        if code not in codes:
            problems.append(f"alias {word!r} names {code!r}, which is not a category code")
        else:
            claim(word, code, "alias")
    return Vocabulary(tuple(categories), extra, lookup), problems


DEFAULT_VOCABULARY, _problems = vocabulary()
assert not _problems, _problems


def split_cell(text: str) -> list[str]:
    """The category names in one cell: separated by `;`, `,` or line breaks."""
    return [part.strip() for part in _SEPARATORS.split(text) if part.strip()]
