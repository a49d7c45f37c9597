"""Small builders for the card tests: real content snapshots, real fonts, no mocks."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import json
from pathlib import Path
from typing import Any

from cards.fonts import Face, face_path
from cards.render import LINKEDIN_SIZE, SQUARE_SIZE, X_SIZE, CardLayout, CardSpec
from vignettes.content import LIMITS, CaseStudyContent

MONTH = dt.date(2026, 11, 1)
SAMPLES = Path(__file__).resolve().parents[2] / "vignettes" / "samples" / "case_studies.json"
HAS_EMOJI_FONT = face_path(Face.EMOJI) is not None


def case_study(**overrides: Any) -> CaseStudyContent:
    fields: dict[str, Any] = {
        "ref": "ICS-2026-001",
        "title": "Evidence for a falls pathway",
        "organisation": "Westshire Hospitals NHS Foundation Trust",
        "library_service": "Westshire Library and Knowledge Service",
        "region": "South West",
        "headline": "Library evidence review helps cut inpatient falls by a fifth",
        "summary": "Ward managers asked the library what works. A rapid review of 27 studies "
        "shaped a new falls bundle and saved the team 30 hours of searching.",
        "impact_categories": ("patient-safety", "time-saved"),
        "quote_text": "The review gave us the confidence to change practice within a month.",
        "quote_attribution": "Siân Ŵyn, Ward Manager",
        "quote_consent": True,
    }
    fields.update(overrides)
    return CaseStudyContent(**fields)


def spec(platform: str = "x", size: tuple[int, int] | None = None, **kw: Any) -> CardSpec:
    default = X_SIZE if platform == "x" else LINKEDIN_SIZE
    limit = 1000 if platform == "x" else 250
    return CardSpec(platform, size or default, kw.pop("month", MONTH), kw.pop("limit", limit))  # type: ignore[arg-type]


def samples() -> list[CaseStudyContent]:
    if not SAMPLES.is_file():
        return [case_study(), case_study(quote_consent=False, ref="ICS-2026-002")]
    data = json.loads(SAMPLES.read_text(encoding="utf-8"))
    rows = data["case_studies"] if isinstance(data, dict) else data
    known = {f.name for f in dataclasses.fields(CaseStudyContent)}
    out = []
    for row in rows:
        kwargs: dict[str, Any] = {
            k: tuple(v) if isinstance(v, list) else v for k, v in row.items() if k in known
        }
        out.append(CaseStudyContent(**kwargs))
    return out


ALL_SIZES = [("x", X_SIZE), ("linkedin", LINKEDIN_SIZE), ("linkedin", SQUARE_SIZE)]


def assert_no_overlaps(layout: CardLayout) -> None:
    canvas = layout.panels[0][1]
    boxes = {name: box for name, box, _ in layout.panels}
    siblings = [(name, box, parent) for name, box, parent in layout.panels[1:]]
    siblings += [(t.name, t.extent, parent) for t, parent in layout.texts]
    siblings += [(f"label{i}", p.box, "card") for i, p in enumerate(layout.pills)]
    for name, box, parent in siblings:
        assert boxes[parent].contains(box) and canvas.contains(box), name
    for (a, box_a, pa), (b, box_b, pb) in itertools.combinations(siblings, 2):
        if pa == pb:
            assert not box_a.overlaps(box_b), f"{a} overlaps {b}"


def at_limit(field: str, phrase: str) -> str:
    return (phrase * 40)[: LIMITS[field]].strip()
