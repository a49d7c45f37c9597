"""The case-study fields are declared once (`vignettes.fields`, on `CaseStudyContent`), and
everything that lists them takes them from there: import columns and aliases, validation
limits, the form, the stored columns, the history's diff and the JSON shapes."""

from __future__ import annotations

import dataclasses

import pytest

from scheduler.operations.content.case_studies import content_json
from scheduler.web.case_form import BY_NAME
from scheduler.web.forms import CaseStudyForm
from vignettes.changes import content_changes
from vignettes.content import CONTENT_FIELDS, LIMITS, SPECS, CaseStudyContent
from vignettes.fields import WORKFLOW
from vignettes.importing.columns import ALIASES, FIELDS, REQUIRED, builtin_names
from vignettes.importing.validation import MULTI_LINE, SINGLE_LINE
from vignettes.store.models import CaseStudy
from vignettes.text import word_key

CONTENT = [spec for spec in SPECS if spec.name != "ref"]
EXAMPLE = CaseStudyContent(ref="F-1", title="t", organisation="o", headline="h", summary="s")


@pytest.mark.parametrize("spec", [*SPECS, *WORKFLOW], ids=lambda s: s.name)
def test_each_declared_field_is_an_import_column_and_a_form_field(spec: object) -> None:
    name = spec.name  # type: ignore[attr-defined]
    assert name in FIELDS and name in BY_NAME and hasattr(CaseStudyForm, name)
    for alias in ALIASES.get(name, ()):
        assert builtin_names()[word_key(alias)] == name
    assert BY_NAME[name].optional is not spec.required  # type: ignore[attr-defined]


@pytest.mark.parametrize("spec", CONTENT, ids=lambda s: s.name)
def test_each_content_field_is_stored_shown_in_json_and_diffed(spec: object) -> None:
    name = spec.name  # type: ignore[attr-defined]
    assert name in CaseStudy.__table__.c and name in CONTENT_FIELDS
    assert name in content_json(EXAMPLE)
    changed = {"time_saved_hours": 3.0, "cost_saving_gbp": 3.0, "quote_consent": True}.get(
        name, ("x",) if isinstance(getattr(EXAMPLE, name), tuple) else "changed"
    )
    assert list(content_changes(EXAMPLE, dataclasses.replace(EXAMPLE, **{name: changed}))) == [name]


def test_text_fields_take_their_limit_and_lines_from_the_declaration() -> None:
    texts = [s for s in SPECS if s.kind in ("input", "text") and s.name != "hashtags"]
    assert {s.name for s in texts if s.multi_line} == set(MULTI_LINE)
    assert {s.name for s in texts if not s.multi_line} == set(SINGLE_LINE)
    assert all(LIMITS[s.name] == s.limit for s in texts)
    assert set(REQUIRED) == {"ref", "title", "organisation", "headline", "summary"}


def test_a_stored_text_column_is_as_long_as_its_limit() -> None:
    for spec in CONTENT:
        column = CaseStudy.__table__.c[spec.name]
        length = getattr(column.type, "length", None)
        if spec.kind == "input" and spec.limit and spec.name != "hashtags":
            assert length == spec.limit, spec.name
