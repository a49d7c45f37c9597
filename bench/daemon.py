"""Daemon benchmark: what `vignettes run` costs while it waits, and what one tick costs
with 1,000 past posts to poll for engagement. Prints figures; asserts nothing.

1. Start `vignettes run` on the sample data (SQLite, outbox mode, a temporary folder, the
   default 5-minute tick) "as of" half an hour after the next slot, so its first tick
   publishes a month (the worst case: it then idles for weeks); wait until that tick is
   done (sd_notify STATUS) and two seconds more, then let it idle: RSS (VmRSS now, VmHWM
   peak) from /proc/<pid>/status, CPU seconds from the utime + stime delta in
   /proc/<pid>/stat.
2. Stop it (SIGTERM), add 500 published months × 2 platforms = 1,000 posted rows (posted
   over the last ~80 days, so engagement snapshots are due), and time `vignettes run --once`
   as a cron user would run it (a new process: start-up and imports count), twice: the
   first tick schedules and polls all 1,000 posts, the second finds nothing new to poll.

Targets (issue 5): idle RSS ≤ 80 MB, idle CPU ≤ 0.5 s per minute, one tick ≤ 2 s.
Usage: .venv/bin/python bench/daemon.py [--idle SECONDS] [--posts N]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
VIGNETTES = str(Path(sys.executable).with_name("vignettes"))
TICKS_PER_SECOND = os.sysconf("SC_CLK_TCK")


def proc_status(pid: int) -> dict[str, str]:
    lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    return {k: v.strip() for k, _, v in (line.partition(":") for line in lines)}


def cpu_seconds(pid: int) -> float:
    # Fields after the parenthesised command name; utime and stime are 14th and 15th.
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / TICKS_PER_SECOND


def mb(value: str) -> float:
    return int(value.split()[0]) / 1024  # "12345 kB"


def vignettes(config: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [VIGNETTES, "--config", str(config), *args],
        capture_output=True,
        text=True,
        check=True,
        env=clean_env(),
    )


def clean_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith(("VIGNETTES_", "NOTIFY_"))}


def wait_for_status(sock: socket.socket, prefix: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        sock.settimeout(max(deadline - time.monotonic(), 0.01))
        try:
            messages = sock.recv(4096).decode().splitlines()
        except TimeoutError:
            break
        if any(m.startswith(prefix) for m in messages):
            return
    raise SystemExit(f"the daemon did not report {prefix!r} within {timeout} s")


def next_slot(config_path: Path) -> dt.datetime:
    from scheduler.config import load_config
    from vignettes.planning.slots import current_month, slot_time

    schedule = load_config(config_path).schedule
    now = dt.datetime.now(dt.UTC)
    here = current_month(now, schedule)
    slots = [slot_time(m, schedule).utc for m in (here, here.shift(1))]
    return next(t for t in slots if t > now)


def idle_daemon(folder: Path, config: Path, idle: float) -> None:
    as_of = next_slot(config) + dt.timedelta(minutes=30)
    notify = folder / "notify.sock"
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(str(notify))
    started = time.monotonic()
    with (folder / "daemon.log").open("w") as log:
        proc = subprocess.Popen(
            [VIGNETTES, "--config", str(config), "run"],
            env=clean_env()
            | {"NOTIFY_SOCKET": str(notify), "VIGNETTES_FAKE_NOW": as_of.isoformat()},
            stdout=log,
            stderr=log,
        )
    try:
        wait_for_status(sock, "STATUS=active, last tick", 60)
        ready = time.monotonic() - started
        time.sleep(2)  # APScheduler is set up after the first tick
        startup_cpu = cpu_seconds(proc.pid)
        time.sleep(idle)
        idle_cpu = cpu_seconds(proc.pid) - startup_cpu
        status = proc_status(proc.pid)
        threads = status.get("Threads", "?")
    finally:
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(30)
        sock.close()
    per_minute = idle_cpu * 60 / idle
    published = sorted(p.name for p in (folder / "var" / "outbox").iterdir())
    print(f"daemon as of {as_of:%Y-%m-%d %H:%M}Z; first tick published {published}")
    print(f"start → first tick done: {ready:.2f} s wall; {startup_cpu:.2f} s CPU incl. set-up")
    print(f"idle {idle:.0f} s: CPU {idle_cpu:.3f} s ({per_minute:.3f} s/min; target ≤ 0.5)")
    print(
        f"RSS now {mb(status['VmRSS']):.1f} MB, peak {mb(status['VmHWM']):.1f} MB "
        f"(target ≤ 80); {threads} threads; SIGTERM → exit {code}"
    )


def add_past_posts(config_path: Path, count: int, now: dt.datetime) -> None:
    """`count` posted rows (two platforms per month) on case studies made for them."""
    from scheduler.config import load_config
    from vignettes.importing.files import import_file
    from vignettes.planning.slots import Month
    from vignettes.store.models import CaseStudy, MonthlySlot, Post
    from vignettes.store.queries import Store

    config = load_config(config_path)
    months = (count + 1) // 2
    rows = [
        {
            "ref": f"BENCH-{i:04d}",
            "title": f"Evidence review number {i} for a clinical team",
            "organisation": f"Benchmark Hospitals NHS Trust {i % 150:03d}",
            "headline": f"Library evidence changed practice on ward {i}",
            "summary": "A rapid evidence summary from the library team informed a change.",
            "impact_categories": ["patient-care"],
            "status": "approved",
            "approved_by": "Bench",
            "approved_on": "2026-01-01",
        }
        for i in range(months)
    ]
    source = config_path.parent / "bench.json"
    source.write_text(json.dumps(rows))
    store = Store.open(config.database.url)
    try:
        import_file(store, source, now=now, actor="bench", schedule=config.schedule)
        first = Month.parse(f"{now.year}-{now.month:02d}").shift(-4)  # clear of due months
        with store.write() as session:
            ids = dict(
                session.query(CaseStudy.ref, CaseStudy.id).filter(CaseStudy.ref.like("BENCH-%"))
            )
            made = 0
            for i in range(months):
                posted = now - dt.timedelta(hours=2 * i + 2)
                slot = MonthlySlot(
                    month=str(first.shift(-i)),
                    case_study_id=ids[f"BENCH-{i:04d}"],
                    source="auto",
                    scheduled_at=posted,
                    state="published",
                    fixed_at=posted,
                    content_hash="bench",
                    reason="",
                )
                session.add(slot)
                session.flush()
                for platform in ("x", "linkedin")[: min(2, count - made)]:
                    session.add(
                        Post(
                            slot_id=slot.id,
                            case_study_id=slot.case_study_id,
                            platform=platform,
                            state="posted",
                            content_hash="bench",
                            text=f"bench post {i}",
                            remote_id=f"outbox:bench-{i}-{platform}",
                            url=f"file:///bench/{i}/{platform}",
                            attempts=1,
                            posted_at=posted,
                            sending_by="",
                            reason="",
                            updated_at=posted,
                        )
                    )
                    made += 1
    finally:
        store.close()


def timed_tick(config: Path) -> tuple[float, dict[str, object]]:
    started = time.perf_counter()
    done = vignettes(config, "run", "--once", "--json")
    return time.perf_counter() - started, json.loads(done.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--idle", type=float, default=60.0, help="idle seconds (default 60)")
    parser.add_argument("--posts", type=int, default=1000, help="past posts (default 1000)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="vignettes-bench-") as tmp:
        folder = Path(tmp)
        config = folder / "config.toml"
        config.write_text('[database]\nurl = "sqlite:///var/vignettes.db"\n')
        vignettes(config, "import", "--sample")
        print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs; outbox mode, SQLite")
        idle_daemon(folder, config, args.idle)

        add_past_posts(config, args.posts, dt.datetime.now(dt.UTC))
        wall, report = timed_tick(config)
        chores = report.get("chores") or []
        print(f"run --once with {args.posts} past posts to poll: {wall:.2f} s wall (target ≤ 2)")
        print(f"  engagement: {'; '.join(map(str, chores)) or 'nothing reported'}")
        wall, _ = timed_tick(config)
        print(f"run --once again (snapshots taken, nothing new due): {wall:.2f} s wall")
        started = time.perf_counter()
        vignettes(config, "--help")
        print(f"start-up floor (`vignettes --help`): {time.perf_counter() - started:.2f} s wall")


if __name__ == "__main__":
    main()
