"""Readiness's "quantified impact" is exactly "the card leads with a key figure"."""

from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st

from cards.figures import key_figures
from tests.cards.conftest import case_study
from vignettes.readiness import MIN_HOURS, MIN_POUNDS, readiness

EDGES = [MIN_HOURS, MIN_POUNDS, 0.0, 1.0]
AMOUNTS = st.one_of(
    st.none(),
    st.floats(min_value=0, max_value=1e9, allow_nan=False),
    st.sampled_from([math.nextafter(e, -1) for e in EDGES if e > 0] + EDGES),
)


@given(hours=AMOUNTS, pounds=AMOUNTS)
def test_quantified_means_the_card_shows_a_key_figure(
    hours: float | None, pounds: float | None
) -> None:
    content = case_study(time_saved_hours=hours, cost_saving_gbp=pounds)
    assert readiness(content).quantified == bool(key_figures(content))
