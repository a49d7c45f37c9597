"""Store benchmark: import a generated 10,000-row CSV, then time `list --json`, `plan` and
`--help` as a user runs them (separate processes, so start-up cost counts), and the plan and
status read models in-process over ten years of history (`bench/_read_models.py`, which
runs the replaced algorithms side by side).

Targets on the 2-core reference machine: import ≤ 5 s, list ≤ 0.5 s, --help ≤ 0.15 s,
plan and status in-process ≤ 0.1 s.
Usage: .venv/bin/python bench/store.py [--rows N] [--repeat K]
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ORGS = [f"Benchmark Hospitals NHS Trust {i:03d}" for i in range(150)]
CATEGORIES = ["patient-care", "decision-making", "time-saved", "cost-saving", "research"]


def write_csv(path: Path, rows: int) -> None:
    header = [
        "ref",
        "title",
        "organisation",
        "region",
        "headline",
        "summary",
        "impact_categories",
        "quote_text",
        "quote_attribution",
        "quote_consent",
        "link",
        "hashtags",
        "status",
        "approved_by",
        "approved_on",
    ]
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        for i in range(rows):
            approved = i % 3 != 0
            writer.writerow(
                [
                    f"BENCH-{i:05d}",
                    f"Evidence review number {i} for a clinical team",
                    ORGS[i % len(ORGS)],
                    "Midlands",
                    f"Library evidence changed practice on ward {i}",
                    "A rapid evidence summary from the library team informed a change in practice "
                    "that saved clinicians time and improved care for patients.",
                    ";".join(CATEGORIES[: 1 + i % 3]),
                    "The summary gave us confidence to change practice." if i % 2 else "",
                    "Consultant" if i % 2 else "",
                    "true" if i % 2 else "",
                    f"https://library.bench.nhs.example/impact/{i}",
                    "Evidence",
                    "approved" if approved else "submitted",
                    "Reviewer" if approved else "",
                    f"2025-{1 + i % 12:02d}-{1 + i % 28:02d}" if approved else "",
                ]
            )


def timed(cmd: list[str], env: dict[str, str], repeat: int) -> tuple[float, str]:
    samples = []
    out = ""
    for _ in range(repeat):
        start = time.perf_counter()
        proc = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True)
        samples.append(time.perf_counter() - start)
        out = proc.stdout
    return statistics.median(samples), out


def db_url(root: Path) -> str:
    return f"sqlite:///{root / 'bench.db'}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    exe = str(Path(sys.executable).with_name("vignettes"))
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "config.toml").write_text('[database]\nurl = "sqlite:///bench.db"\n')
        env = {**os.environ, "VIGNETTES_CONFIG": str(root / "config.toml")}
        data = root / "bench.csv"
        write_csv(data, args.rows)
        subprocess.run([exe, "plan", "--months", "1"], env=env, capture_output=True, check=True)
        start = time.perf_counter()
        subprocess.run([exe, "import", str(data)], env=env, capture_output=True, check=True)
        import_s = time.perf_counter() - start
        list_s, out = timed([exe, "list", "--json"], env, args.repeat)
        reads = subprocess.run(
            [sys.executable, str(Path(__file__).with_name("_read_models.py")), db_url(root)],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        timed([exe, "plan", "--months", "12"], env, 1)  # remembers postability, as in use
        plan_s, _ = timed([exe, "plan", "--months", "12"], env, args.repeat)
        status_s, _ = timed([exe, "status"], env, args.repeat)
        help_s, _ = timed([exe, "--help"], env, args.repeat)
        listed = out.count('"ref"')
        db_mb = (root / "bench.db").stat().st_size / 1e6
    print(f"rows imported        : {args.rows} ({db_mb:.1f} MB SQLite)")
    print(f"import (one process) : {import_s:6.2f} s   target ≤ 5 s")
    print(f"list --json (median) : {list_s:6.3f} s   target ≤ 0.5 s   ({listed} rows)")
    print(f"plan --months 12     : {plan_s:6.3f} s   (a process, with ten years of history)")
    print(f"status               : {status_s:6.3f} s   (a process)")
    print(f"--help (median)      : {help_s:6.3f} s   target ≤ 0.15 s")
    print(reads.rstrip())


if __name__ == "__main__":
    main()
