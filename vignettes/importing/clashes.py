"""New refs that would be a second copy of a stored case study: the same ref but for case
or Unicode form, or one that looks the same (a Cyrillic "А" for a Latin "A")."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from vignettes.importing.issues import Issue, display
from vignettes.importing.validation import ImportRow
from vignettes.refs import confusable, confusable_key, lookalike_note, ref_key
from vignettes.store.models import CaseStudy


def ref_clashes(session: Session, rows: Sequence[ImportRow], source: str) -> dict[str, Issue]:
    """Problems, by ref, for new refs that differ only by case or Unicode form from a
    stored ref, or look like one. Compared in Python on every stored ref, in this
    transaction: SQL lower() folds only ASCII on SQLite."""
    stored_refs = list(session.scalars(select(CaseStudy.ref)))
    by_key = {ref_key(ref): ref for ref in stored_refs}
    lookalikes: dict[str, str] = {}
    if any(not r.content.ref.isascii() for r in rows) or any(not r.isascii() for r in stored_refs):
        for ref in stored_refs:
            lookalikes.setdefault(confusable_key(ref), ref)
    problems = {}
    for row in rows:
        ref = row.content.ref
        other = by_key.get(ref_key(ref))
        if other is not None:
            how = (
                "by Unicode form (composed or decomposed accents, or compatibility "
                "characters such as full-width letters)"
                if unicodedata.normalize("NFKC", other) == ref
                else "by case"
            )
            problems[ref] = Issue(
                source,
                row.row,
                ref,
                "ref",
                f"differs only {how} from {display(other)} (already in the database)",
            )
            continue
        similar = lookalikes.get(confusable_key(ref)) if lookalikes else None
        if similar is not None and confusable(ref, similar):
            odd = (
                lookalike_note(ref, similar) if not ref.isascii() else lookalike_note(similar, ref)
            )
            problems[ref] = Issue(
                source,
                row.row,
                ref,
                "ref",
                f"looks like {display(similar)} (already in the database) but is a different "
                f"ref ({odd}); use the same ref to update it, or one that looks different",
            )
    return problems
