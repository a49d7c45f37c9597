"""Card rendering benchmark: Pillow per card vs a cold headless Chromium screenshot.

Run with the project venv: `.venv/bin/python bench/cards.py [--repeat N] [--chromium K]`.
Prints figures only (no assertions). Targets on the project machine: median ≤ 25 ms per
card (fit + draw + PNG encode), ≥ 30× faster than Chromium, peak RSS ≤ 120 MB. It also
times the sample cards that lead with a key figure against the same cards without one, and
the impact-in-numbers card beside a vignette card at the X size.

`--examples DIR` instead writes the pictures in docs/cards.md (card-example-x.png,
card-example-linkedin.png and impact-in-numbers-card.png) from the sample case studies and
the sample figures below, so they can be rebuilt.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import html
import json
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Literal

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cards.brand import Brand  # noqa: E402
from cards.figures import key_figures  # noqa: E402
from cards.fonts import Face, face_path  # noqa: E402
from cards.impact.card import render_impact_card  # noqa: E402
from cards.impact.numbers import ImpactNumbers  # noqa: E402
from cards.render import LINKEDIN_SIZE, X_SIZE, CardSpec, render_card  # noqa: E402
from scheduler.files import write_atomic  # noqa: E402
from vignettes.content import CaseStudyContent  # noqa: E402

SAMPLES = ROOT / "vignettes" / "samples" / "case_studies.json"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

FALLBACK = [
    {
        "ref": "BENCH-001",
        "title": "Rapid evidence review for a falls pathway",
        "organisation": "Westshire Hospitals NHS Foundation Trust",
        "library_service": "Westshire Library and Knowledge Service",
        "region": "South West",
        "headline": "Library evidence review helps cut inpatient falls by a fifth",
        "summary": "Ward managers asked the library what works. A rapid review of 27 studies "
        "shaped a new falls bundle – and saved the team an estimated 30 hours of searching.",
        "impact_categories": ["patient-safety", "time-saved"],
        "quote_text": "The review gave us confidence to change practice within a month.",
        "quote_attribution": "Siân Ŵyn, Ward Manager",
        "quote_consent": True,
    },
    {
        "ref": "BENCH-002",
        "title": "Deprescribing evidence for care homes",
        "organisation": "Eastbrook Community Health NHS Trust",
        "region": "East of England",
        "headline": "Medicines reviews in care homes save £41,000 a year",
        "summary": "Pharmacists wanted to deprescribe safely. The library found tools and "
        "trials that now underpin a programme reviewing 600 residents a year.",
        "impact_categories": ["cost-saving", "patient-care"],
    },
]


def load_contents() -> list[CaseStudyContent]:
    """The sample case studies (or a built-in pair while the samples file is absent)."""
    rows = FALLBACK
    if SAMPLES.is_file():
        data = json.loads(SAMPLES.read_text(encoding="utf-8"))
        rows = data["case_studies"] if isinstance(data, dict) else data
    known = {f.name for f in dataclasses.fields(CaseStudyContent)}
    out = []
    for row in rows:
        kwargs = {k: tuple(v) if isinstance(v, list) else v for k, v in row.items() if k in known}
        out.append(CaseStudyContent(**kwargs))
    return out


def card_html(content: CaseStudyContent, size: tuple[int, int]) -> str:
    """The same card as HTML/CSS, for the Chromium comparison."""
    arimo = face_path(Face.ARIMO)
    esc = html.escape
    quote = ""
    if content.usable_quote:
        quote = (
            f'<aside><div class="mark">“</div><p class="q">{esc(content.usable_quote)}</p>'
            f'<p class="by">— {esc(content.quote_attribution)}</p></aside>'
        )
    pills = "".join(f"<span>{esc(label)}</span>" for label in content.impact_labels)
    where = " · ".join(p for p in (content.library_service, content.region) if p)
    return f"""<!doctype html><html><head><meta charset="utf-8"><style>
@font-face {{ font-family: Arimo; src: url("file://{arimo}"); font-weight: 400 700; }}
html, body {{ margin: 0; width: {size[0]}px; height: {size[1]}px; overflow: hidden; }}
body {{ font-family: Arimo, sans-serif; background: #005EB8; color: #fff; position: relative; }}
.k {{ position: absolute; left: 56px; top: 44px; font: 700 17px Arimo; }}
main {{ position: absolute; left: 56px; top: 94px; right: 56px; bottom: 126px; display: flex;
  gap: 44px; }}
.story {{ flex: 0 0 58%; display: flex; flex-direction: column; }}
h1 {{ font-size: 46px; line-height: 1.12; margin: 0 0 20px; text-wrap: balance; }}
.s {{ font-size: 24px; line-height: 1.38; margin: 0; }}
.pills {{ margin-top: auto; display: flex; flex-wrap: wrap; gap: 9px; }}
.pills span {{ background: #E8EDEE; color: #003087; font-weight: 600; font-size: 17px;
  padding: 8px 14px; border-radius: 99px; }}
aside {{ flex: 1; background: #E8EDEE; color: #003087; border-radius: 18px; padding: 30px;
  display: flex; flex-direction: column; justify-content: center; }}
.mark {{ font: 700 84px/0.6 Arimo; color: #005EB8; }}
.q {{ font-style: italic; font-size: 24px; line-height: 1.36; margin: 10px 0; }}
.by {{ font-weight: 700; font-size: 17px; margin: 0; }}
footer {{ position: absolute; left: 0; right: 0; bottom: 0; height: 92px; background: #003087;
  display: flex; align-items: center; justify-content: space-between; padding: 0 56px; }}
footer b {{ font-size: 21px; display: block; }} footer small {{ font-size: 16px; }}
</style></head><body>
<div class="k">LIBRARY IMPACT · NOVEMBER 2026</div>
<main><div class="story"><h1>{esc(content.headline)}</h1><p class="s">{esc(content.summary)}</p>
<div class="pills">{pills}</div></div>{quote}</main>
<footer><div><b>{esc(content.organisation)}</b><small>{esc(where)}</small></div>
<small>NHS Knowledge and Library Services</small></footer></body></html>"""


def bench_pillow(contents: list[CaseStudyContent], repeat: int) -> list[float]:
    brand = Brand()
    month = dt.date(2026, 11, 1)
    specs = [CardSpec("x", X_SIZE, month, 1000), CardSpec("linkedin", LINKEDIN_SIZE, month, 250)]
    for content in contents:  # warm-up: first use of each font size is not what we measure
        for spec in specs:
            render_card(content, spec, brand)
    times = []
    for _ in range(repeat):
        for content in contents:
            for spec in specs:
                start = time.perf_counter()
                render_card(content, spec, brand)
                times.append(time.perf_counter() - start)
    return times


def bench_key_figures(contents: list[CaseStudyContent], repeat: int) -> tuple[float, float, int]:
    """Median ms per card for the samples with a key figure, and for the same samples with
    their figures removed (which render exactly as a card without figures); and how many."""
    brand = Brand()
    spec = CardSpec("x", X_SIZE, dt.date(2026, 11, 1), 1000)
    led = [c for c in contents if key_figures(c)]
    plain = [dataclasses.replace(c, time_saved_hours=None, cost_saving_gbp=None) for c in led]
    medians = []
    for group in (led, plain):
        for content in group:
            render_card(content, spec, brand)  # warm-up
        times = []
        for _ in range(repeat):
            for content in group:
                start = time.perf_counter()
                render_card(content, spec, brand)
                times.append(time.perf_counter() - start)
        medians.append(statistics.median(times) * 1000 if times else 0.0)
    return medians[0], medians[1], len(led)


# Figures for the impact-in-numbers card: the example, a region's quarter with every
# figure, the largest figures (the tiles shrink), and a quarter with nothing to report.
IMPACT_SAMPLES = (
    ImpactNumbers("2026", 48, hours_saved=1240, pounds_saved=312_000),
    ImpactNumbers(
        "2026 Q3", 12, hours_saved=310.5, pounds_saved=86_500, library_services=9,
        scope="South West",
    ),
    ImpactNumbers(
        "Financial year April 2025 to March 2026", 1_234_567, hours_saved=100_000,
        pounds_saved=1_000_000_000, library_services=1_000,
    ),
    ImpactNumbers("2026 Q1", 0),
)  # fmt: skip


def bench_impact(contents: list[CaseStudyContent], repeat: int) -> tuple[float, float]:
    """Median ms per impact-in-numbers card (IMPACT_SAMPLES) and per vignette card (the
    samples), both at the X size, timed in the same loop so they share the machine's load."""
    brand = Brand()
    spec = CardSpec("x", X_SIZE, dt.date(2026, 11, 1), 1000)
    for numbers in IMPACT_SAMPLES:  # warm-up
        render_impact_card(numbers, spec, brand)
    impact: list[float] = []
    vignette: list[float] = []
    for _ in range(repeat):
        for numbers in IMPACT_SAMPLES:
            start = time.perf_counter()
            render_impact_card(numbers, spec, brand)
            impact.append(time.perf_counter() - start)
        for content in contents:
            start = time.perf_counter()
            render_card(content, spec, brand)
            vignette.append(time.perf_counter() - start)
    return statistics.median(impact) * 1000, statistics.median(vignette) * 1000


Example = tuple[str, str, Literal["x", "linkedin"], tuple[int, int], dt.date]
EXAMPLES: tuple[Example, ...] = (  # file, case study, platform, size, month
    ("card-example-x.png", "ICS-2026-003", "x", X_SIZE, dt.date(2026, 11, 1)),
    ("card-example-linkedin.png", "ICS-2026-002", "linkedin", LINKEDIN_SIZE, dt.date(2026, 12, 1)),
)


IMPACT_EXAMPLE = "impact-in-numbers-card.png"


def write_examples(contents: list[CaseStudyContent], folder: Path) -> None:
    """The docs pictures, rendered exactly as they would be posted."""
    by_ref = {c.ref: c for c in contents}
    for name, ref, platform, size, month in EXAMPLES:
        if ref not in by_ref:
            sys.exit(f"bench/cards.py: sample case study {ref} not found in {SAMPLES}")
        card = render_card(by_ref[ref], CardSpec(platform, size, month, 250), Brand())
        write_atomic(folder / name, card.png, mode=0o644)
        print(f"wrote {folder / name} ({ref}, {size[0]}x{size[1]}, {len(card.png)} bytes)")
    numbers = IMPACT_SAMPLES[0]
    card = render_impact_card(numbers, CardSpec("x", X_SIZE, None, 1000), Brand())
    write_atomic(folder / IMPACT_EXAMPLE, card.png, mode=0o644)
    size = f"{X_SIZE[0]}x{X_SIZE[1]}"
    print(f"wrote {folder / IMPACT_EXAMPLE} ({numbers.period}, {size}, {len(card.png)} bytes)")


def bench_chromium(contents: list[CaseStudyContent], count: int) -> list[float]:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        return []
    times = []
    with tempfile.TemporaryDirectory() as tmp:
        for i, content in enumerate(contents[:count]):
            page = Path(tmp, f"card{i}.html")
            page.write_text(card_html(content, X_SIZE), encoding="utf-8")
            shot = Path(tmp, f"card{i}.png")
            profile = tempfile.mkdtemp(dir=tmp)  # fresh profile: a true cold start
            command = [
                chromium,
                *CHROMIUM_FLAGS,
                f"--user-data-dir={profile}",
                f"--screenshot={shot}",
                f"--window-size={X_SIZE[0]},{X_SIZE[1]}",
                page.as_uri(),
            ]
            start = time.perf_counter()
            subprocess.run(command, capture_output=True, timeout=120, check=False)
            elapsed = time.perf_counter() - start
            if shot.is_file():
                times.append(elapsed)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5, help="renders of each card")
    parser.add_argument("--chromium", type=int, default=3, help="cards to render in Chromium")
    parser.add_argument("--examples", type=Path, metavar="DIR", help="write the docs pictures")
    args = parser.parse_args()
    contents = load_contents()
    if args.examples is not None:
        write_examples(contents, args.examples)
        return
    source = SAMPLES.name if SAMPLES.is_file() else "built-in fallback"
    times = bench_pillow(contents, args.repeat)
    median_ms = statistics.median(times) * 1000
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"cards: {len(contents)} case studies ({source}) × 2 platforms × {args.repeat}")
    print(f"  Pillow median   {median_ms:8.1f} ms per card (fit + draw + PNG encode)")
    p90 = statistics.quantiles(times, n=10)[-1] * 1000 if len(times) >= 10 else max(times) * 1000
    print(f"  Pillow p90      {p90:8.1f} ms per card")
    print(f"  cards per second {1000 / median_ms:7.1f}")
    led_ms, plain_ms, led_count = bench_key_figures(contents, args.repeat)
    if led_count:
        print(f"  key figure      {led_ms:8.1f} ms per card ({led_count} samples with one, X size)")
        print(f"  same, no figure {plain_ms:8.1f} ms per card")
    impact_ms, vignette_ms = bench_impact(contents, args.repeat)
    sets = len(IMPACT_SAMPLES)
    print(f"  impact card     {impact_ms:8.1f} ms per card ({sets} sets of figures, X size)")
    print(f"  vignette card   {vignette_ms:8.1f} ms per card (same loop, X size)")
    print(f"  peak RSS        {peak_mb:8.1f} MB (this process)")
    chrome = bench_chromium(contents, args.chromium)
    if chrome:
        chrome_ms = statistics.median(chrome) * 1000
        print(f"  Chromium median {chrome_ms:8.1f} ms per card (cold start, {len(chrome)} cards)")
        print(f"  ratio            {chrome_ms / median_ms:7.1f}× faster with Pillow")
    elif args.chromium == 0:
        print("  Chromium: skipped (--chromium 0)")
    else:
        print("  Chromium: not available (install Debian chromium); no ratio")


if __name__ == "__main__":
    main()
