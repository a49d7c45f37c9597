"""How each text on a card is set: weight, italic and line spacing.

Sizes are not here: each part of the card fits its text between a largest and a smallest
size where it plans the box (cards/planner.py, cards/story.py, cards/quote_panel.py).
"""

from __future__ import annotations

from cards.typeset import TextStyle

KICKER = TextStyle(weight=700, line_spacing=1.2)
HEADLINE = TextStyle(weight=700, line_spacing=1.12)
SUMMARY = TextStyle(weight=400, line_spacing=1.38)
QUOTE = TextStyle(weight=400, italic=True, line_spacing=1.36)
ATTRIBUTION = TextStyle(weight=700, line_spacing=1.25)
LABEL = TextStyle(weight=600, line_spacing=1.0)
ORGANISATION = TextStyle(weight=700, line_spacing=1.15)
FOOTER = TextStyle(weight=400, line_spacing=1.2)
FIGURE = TextStyle(weight=700, line_spacing=1.0)
FIGURE_LABEL = TextStyle(weight=600, line_spacing=1.0)
TILE_LABEL = TextStyle(weight=600, line_spacing=1.15)  # may take two lines in its tile
