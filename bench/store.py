"""Store benchmark: import a generated 10,000-row CSV, then time `list --json`, `plan` and
`--help` as a user runs them (separate processes, so start-up cost counts), and the plan and
status read models in-process over ten years of history (`bench/_read_models.py`, which
runs the replaced algorithms side by side).

Targets on the 2-core reference machine: import ≤ 2 s, list ≤ 0.5 s, --help ≤ 0.15 s,
plan and status in-process ≤ 0.1 s. The same rows are also imported in this process, and
inserted by a bare SQLAlchemy `executemany` (no validation, hashing, approvals or audit
trail) into a fresh database, so the ratio between the two shows what the import's checks
cost.
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

# The repository first: this folder's cards.py must not shadow the `cards` package.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

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


def timed_import(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall-clock and CPU seconds (user + system) of one import process: on a shared
    machine the CPU figure says how much of the wall time was the import's own."""
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(cmd, env=env, capture_output=True, check=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def bare_executemany_seconds(data: Path, db: Path) -> float:
    """Insert the CSV's rows into `case_studies` with one Core executemany: the floor an
    import could reach if it checked nothing and recorded nothing."""
    import datetime as dt

    from sqlalchemy import insert

    from vignettes.store.models import CaseStudy
    from vignettes.store.queries import Store

    store = Store.open(f"sqlite:///{db}")
    now = dt.datetime.now(dt.UTC)
    with data.open(newline="", encoding="utf-8") as fh:
        records = list(csv.DictReader(fh))
    start = time.perf_counter()
    params = [
        {
            "ref": r["ref"],
            "title": r["title"],
            "organisation": r["organisation"],
            "region": r["region"],
            "headline": r["headline"],
            "summary": r["summary"],
            "impact_categories": r["impact_categories"].split(";"),
            "quote_text": r["quote_text"],
            "quote_attribution": r["quote_attribution"],
            "quote_consent": r["quote_consent"] == "true",
            "link": r["link"],
            "hashtags": r["hashtags"].split(";"),
            "status": r["status"],
            "content_hash": "sha256:" + "0" * 64,
            "approved_by": r["approved_by"] or None,
            "approved_at": now if r["approved_on"] else None,
            "source": str(data),
            "created_at": now,
            "updated_at": now,
        }
        for r in records
    ]
    with store.write() as session:
        session.execute(insert(CaseStudy.__table__), params)  # type: ignore[arg-type]
    elapsed = time.perf_counter() - start
    store.close()
    return elapsed


def inprocess_import_seconds(data: Path, db: Path) -> float:
    """The same rows through `vignettes.importing.files.import_file` in this process (no start-up
    cost), into a fresh database."""
    import datetime as dt

    from scheduler.config import ScheduleConfig
    from vignettes.importing.files import import_file
    from vignettes.store.queries import Store

    store = Store.open(f"sqlite:///{db}")
    schedule = ScheduleConfig("1st tue", dt.time(10), "Europe/London", "", dt.timedelta(days=3))
    start = time.perf_counter()
    import_file(store, data, now=dt.datetime.now(dt.UTC), actor="bench", schedule=schedule)
    elapsed = time.perf_counter() - start
    store.close()
    return elapsed


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
        import_s, import_cpu = timed_import([exe, "import", str(data)], env)
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
        inside_s = inprocess_import_seconds(data, root / "inprocess.db")
        bare_s = bare_executemany_seconds(data, root / "bare.db")
    print(f"rows imported        : {args.rows} ({db_mb:.1f} MB SQLite)")
    print(f"import (one process) : {import_s:6.2f} s   target ≤ 2 s   ({import_cpu:.2f} s CPU)")
    print(f"import (in process)  : {inside_s:6.2f} s   validate, hash, insert, approvals, audit")
    print(f"bare executemany     : {bare_s:6.2f} s   the same rows, no checks or records")
    print(f"import / executemany : {inside_s / bare_s:6.1f} ×")
    print(f"list --json (median) : {list_s:6.3f} s   target ≤ 0.5 s   ({listed} rows)")
    print(f"plan --months 12     : {plan_s:6.3f} s   (a process, with ten years of history)")
    print(f"status               : {status_s:6.3f} s   (a process)")
    print(f"--help (median)      : {help_s:6.3f} s   target ≤ 0.15 s")
    print(reads.rstrip())


if __name__ == "__main__":
    main()
