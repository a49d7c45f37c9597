"""`[web]` is validated like every table; the design system is the pinned version, served
from the npm build folder, and its absence names the command that installs it."""

from __future__ import annotations

import datetime as dt
import importlib.metadata
import ipaddress
import json
from pathlib import Path

import pytest

from scheduler.config import load_config
from scheduler.errors import ConfigError
from scheduler.web.frontend import NHSUK_FRONTEND_VERSION, FrontendMissing, locate_frontend
from tests.cli.conftest import run_subprocess

REPO = Path(__file__).resolve().parents[2]


def test_web_defaults_are_safe_for_this_machine_and_the_shipped_file_agrees() -> None:
    web = load_config(REPO / "config.toml").web
    assert (web.host, web.port, web.secure_cookies, web.four_eyes) == (
        "127.0.0.1",
        8000,
        False,
        True,
    )
    assert web.session_timeout == dt.timedelta(minutes=30)
    assert web.session_lifetime == dt.timedelta(hours=12)
    assert (web.upload_limit, web.trusted_proxies) == (10 * 1024 * 1024, ())


def test_web_settings_are_read_and_every_problem_is_listed(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[web]\ntrusted_proxies = ["10.1.0.0/16"]\nupload_limit = "512KB"\n')
    web = load_config(path).web
    assert web.trusted_proxies == (ipaddress.ip_network("10.1.0.0/16"),)
    assert web.upload_limit == 512 * 1024 and web.trusts("10.1.2.3") and not web.trusts("10.2.0.1")
    path.write_text(
        '[web]\nport = 70000\nsession_timeout = "forever"\nupload_limit = "1GB"\n'
        'trusted_proxies = ["everyone"]\nsecure_cookies = "yes"\ntheme = "dark"\n'
        'secret_key = "x"\n'
    )
    with pytest.raises(ConfigError) as refused:
        load_config(path)
    keys = [problem.split(":")[0] for problem in refused.value.problems]
    assert keys == [
        "web.secure_cookies",
        "web.session_timeout",
        "web.upload_limit",
        "web.trusted_proxies",
        "web.port",
        "web.theme",
        "web.secret_key",
    ]
    assert "secrets are never read from config.toml" in refused.value.problems[-1]


@pytest.mark.parametrize(
    ("lifetime", "why"),
    [("8d", "must be between 1m and 7d"), ("20m", "must be at least session_timeout")],
)
def test_a_session_lifetime_beyond_a_week_or_below_the_timeout_is_refused(
    tmp_path: Path, lifetime: str, why: str
) -> None:
    path = tmp_path / "config.toml"
    path.write_text(f'[web]\nsession_lifetime = "{lifetime}"\n')
    with pytest.raises(ConfigError) as refused:
        load_config(path)
    assert refused.value.problems == [f"web.session_lifetime: {why}"]


def test_package_json_pins_the_design_system_the_jinja_macros_were_made_for() -> None:
    pinned = json.loads((REPO / "package.json").read_text())["dependencies"]["nhsuk-frontend"]
    locked = json.loads((REPO / "package-lock.json").read_text())["packages"]
    assert pinned == locked["node_modules/nhsuk-frontend"]["version"] == NHSUK_FRONTEND_VERSION
    assert importlib.metadata.version("nhsuk-frontend-jinja") == "0.10.2"  # ↔ 10.6.1


def test_a_missing_design_system_says_which_command_installs_it(tmp_path: Path) -> None:
    with pytest.raises(FrontendMissing) as missing:
        locate_frontend({"VIGNETTES_FRONTEND_DIR": str(tmp_path)})
    assert str(missing.value) == (
        f"the NHS design system is not installed in {tmp_path}: run `make frontend` in {REPO}"
    )


def test_a_different_design_system_version_is_refused(tmp_path: Path) -> None:
    package = tmp_path / "node_modules" / "nhsuk-frontend"
    package.mkdir(parents=True)
    (package / "package.json").write_text('{"version": "9.0.0"}')
    with pytest.raises(
        FrontendMissing, match=r"is nhsuk-frontend 9\.0\.0, the console's templates"
    ):
        locate_frontend({"VIGNETTES_FRONTEND_DIR": str(tmp_path)})


def test_vignettes_web_without_the_design_system_exits_1_naming_the_command(
    tmp_path: Path,
) -> None:
    (tmp_path / "config.toml").write_text('[database]\nurl = "sqlite:///v.db"\n')
    result = run_subprocess(
        "--config",
        "config.toml",
        "web",
        cwd=tmp_path,
        env={"VIGNETTES_FRONTEND_DIR": str(tmp_path)},
    )
    assert result.code == 1
    assert f"vignettes: the NHS design system is not installed in {tmp_path}" in result.err
    assert "run `make frontend`" in result.err and "Traceback" not in result.err
