"""`vignettes web` starts only on a database it can find (issue 17, item 4), and `--port
0` takes any free port and says which (item 5)."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

from scheduler.errors import EXIT_CONFIG
from tests.cli.conftest import run_subprocess


def test_the_console_will_not_start_where_the_databases_folder_does_not_exist(
    tmp_path: Path,
) -> None:
    (tmp_path / "config.toml").write_text('[database]\nurl = "sqlite:///gone/away/v.db"\n')
    result = run_subprocess("web", "--port", "0", cwd=tmp_path)
    assert result.code == EXIT_CONFIG
    assert "Traceback" not in result.err
    assert (
        f"the folder {tmp_path / 'gone' / 'away'} of the SQLite database "
        f"{tmp_path / 'gone' / 'away' / 'v.db'} does not exist; the console never creates a "
        "database, or its signing key, in a folder that is not there"
    ) in result.err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["config.toml"]  # nothing made


def test_port_0_takes_a_free_port_and_prints_it(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text('[database]\nurl = "sqlite:///var/vignettes.db"\n')
    assert run_subprocess("import", "--sample", cwd=tmp_path).code == 0
    console = subprocess.Popen(
        [sys.executable, "-m", "scheduler", "web", "--port", "0"],
        cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert console.stdout is not None
        line = console.stdout.readline()
        found = re.fullmatch(r"Console: http://127\.0\.0\.1:(\d+)/ \(Ctrl-C stops it\)\n", line)
        assert found, line
        port = int(found[1])
        assert port not in (0, 8000)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=10) as health:
            assert health.status == 200
    finally:
        console.send_signal(signal.SIGTERM)
        console.communicate(timeout=60)
    assert console.returncode == 0
