"""Issue 10: a quote without consent (blank or "no" in the file) is stored but appears on no
card, in no alt text and in no post, on either platform: checked on what is rendered."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from scheduler.publishing.rendering import PLATFORMS, render_vignette
from tests.conftest import NOW, case_study_row, schedule_rule, write_import
from tests.preview.conftest import NOVEMBER, config
from vignettes.content import QUOTE_WITHHELD, CaseStudyContent
from vignettes.importing.files import import_file
from vignettes.store.queries import Store, get_case_study

QUOTE = "Without the library we would still be arguing about it."
BY = "Dr Imogen Marsh, Consultant Physician"


def imported(tmp_path: Path, consent: str) -> CaseStudyContent:
    row = case_study_row("Q-1", quote_text=QUOTE, quote_attribution=BY, quote_consent=consent)
    store = Store.open(f"sqlite:///{tmp_path / 'q.db'}")
    try:
        import_file(store, write_import(tmp_path / "in.csv", [row]), now=NOW, actor="t",
                    schedule=schedule_rule())  # fmt: skip
        with store.read() as session:
            return get_case_study(session, "Q-1").content()
    finally:
        store.close()


@pytest.mark.parametrize("consent", ["", "no", "N"])
def test_a_withheld_quote_is_in_no_card_alt_text_or_post(tmp_path: Path, consent: str) -> None:
    content = imported(tmp_path, consent)
    assert content.quote_text == QUOTE  # stored, for the record
    cfg = config(tmp_path)
    rendered = render_vignette(content, cfg, NOVEMBER, platforms=PLATFORMS)
    without = dataclasses.replace(content, quote_text="", quote_attribution="")
    bare = render_vignette(without, cfg, NOVEMBER, platforms=PLATFORMS)
    for post, plain in zip(rendered.posts, bare.posts, strict=True):
        for said in (post.text, post.alt_text):
            assert "library we would still" not in said and "Imogen" not in said
        assert post.card.png == plain.card.png  # the same pixels as with no quote at all
        assert QUOTE_WITHHELD in post.warnings


def test_with_consent_the_same_quote_is_on_the_card_and_in_the_alt_text(tmp_path: Path) -> None:
    content = imported(tmp_path, "yes")
    cfg = config(tmp_path)
    rendered = render_vignette(content, cfg, NOVEMBER, platforms=PLATFORMS)
    bare = render_vignette(dataclasses.replace(content, quote_text="", quote_attribution=""),
                           cfg, NOVEMBER, platforms=PLATFORMS)  # fmt: skip
    for post, plain in zip(rendered.posts, bare.posts, strict=True):
        assert post.card.png != plain.card.png
    # X's alt text has room for the quote (LinkedIn's 250 characters end before it).
    assert "library we would still" in rendered.post("x").alt_text
    assert "library we would still" in rendered.post("linkedin").text
