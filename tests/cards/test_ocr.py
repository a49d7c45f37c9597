"""What a person sees: Tesseract reads the rendered PNG, not our layout objects."""

from __future__ import annotations

import io
import re
import shutil

import pytesseract
import pytest
from PIL import Image

from cards.brand import Brand
from cards.impact.card import plan_impact_card, render_impact_card
from cards.impact.numbers import ImpactNumbers, impact_figures
from cards.render import X_SIZE, plan_card, render_card
from tests.cards.conftest import case_study, spec
from tests.conftest import IN_CI

# `make test` installs tesseract-ocr (scripts/system-deps.sh); only a developer's bare
# machine may skip, never CI.
pytestmark = pytest.mark.skipif(
    shutil.which("tesseract") is None and not IN_CI,
    reason="Debian tesseract-ocr missing (scripts/system-deps.sh installs it)",
)


def read(png: bytes, box: tuple[float, float, float, float] | None = None, psm: int = 3) -> str:
    """The text Tesseract finds on the card (or inside `box`), spaces collapsed; Tesseract
    sometimes sees a gap before a thousands comma in large bold digits (`£12 ,400`).
    `psm` is Tesseract's page segmentation mode: 3 finds the layout, 7 reads one line."""
    with Image.open(io.BytesIO(png)) as image:
        picture = image.convert("RGB")
    if box is not None:
        picture = picture.crop(tuple(round(v) for v in box))
    config = f"--psm {psm}"
    text = re.sub(r"\s+", " ", pytesseract.image_to_string(picture, lang="eng", config=config))
    return re.sub(r"(?<=\d) (?=,\d)", "", text)


def test_ocr_reads_the_key_figures_above_the_headline() -> None:
    content = case_study(cost_saving_gbp=12400, time_saved_hours=15)
    text = read(render_card(content, spec("x", X_SIZE), Brand()).png)
    assert "£12,400 saved" in text and "15 hours saved" in text
    assert text.index("£12,400 saved") < text.index("15 hours saved") < text.index("Library")


def test_ocr_reads_the_largest_figures_on_the_smallest_card_with_a_logo() -> None:
    content = case_study(cost_saving_gbp=1_000_000_000, time_saved_hours=100_000)
    logo = io.BytesIO()
    Image.new("RGB", (360, 120), "#D5281B").save(logo, "PNG")
    card = render_card(content, spec("linkedin"), Brand(), logo_png=logo.getvalue())
    row = next(b for name, b, _ in plan_card(content, spec("linkedin"), Brand(), (360, 120)).panels
               if name == "figures")  # fmt: skip
    text = read(card.png, (row.x - 8, row.y - 8, row.right + 8, row.bottom + 8))
    assert "£1,000,000,000 saved" in text and "100,000 hours saved" in text


def test_ocr_finds_a_consented_quote_but_not_a_withheld_one() -> None:
    quote = "Evidence changed our minds about bed alarms entirely"
    shown = read(render_card(case_study(quote_text=quote), spec(), Brand()).png)
    withheld = read(
        render_card(case_study(quote_text=quote, quote_consent=False), spec(), Brand()).png
    )
    assert "changed our minds about bed alarms" in shown and "Wyn, Ward Manager" in shown
    assert "Library evidence review" in withheld and "Ward managers" in withheld
    assert "bed alarms" not in withheld and "Wyn" not in withheld


def read_lines(figures: ImpactNumbers, platform: str, logo: bytes | None = None) -> list[str]:
    """What Tesseract reads on each line of the impact card: the period, then each tile's
    number and label. Read one line at a time: a tile's large number over its small label
    defeats Tesseract's own layout analysis."""
    card = render_impact_card(figures, spec(platform), Brand(), logo_png=logo)
    layout = plan_impact_card(figures, spec(platform), Brand(), (360, 120) if logo else None)
    boxes = {t.name: t.extent for t, _ in layout.texts}
    names = ["period"] + [n for f in impact_figures(figures) for n in (f.field, f"{f.field} label")]
    return [
        read(card.png, (b.x - 8, b.y - 8, b.right + 8, b.bottom + 8), psm=7).strip()
        for b in (boxes[name] for name in names)
    ]


def test_ocr_reads_the_period_and_every_impact_figure() -> None:
    figures = ImpactNumbers("2026 Q3", 48, hours_saved=1240, pounds_saved=312_000,
                            library_services=1, scope="South West")  # fmt: skip
    assert read_lines(figures, "x") == [
        "2026 Q3", "48", "case studies", "1,240", "hours saved", "£312,000", "saved",
        "1", "library service",
    ]  # fmt: skip


def test_ocr_reads_the_largest_impact_figures_on_the_smallest_card_with_a_logo() -> None:
    figures = ImpactNumbers("2025/26", 1_234_567, hours_saved=100_000,
                            pounds_saved=1_000_000_000)  # fmt: skip
    logo = io.BytesIO()
    Image.new("RGB", (360, 120), "#D5281B").save(logo, "PNG")
    assert read_lines(figures, "linkedin", logo.getvalue()) == [
        "2025/26", "1.2 million", "case studies", "100,000", "hours saved", "£1 billion",
        "saved",
    ]  # fmt: skip
