"""Configuration: every problem listed with its key; secrets refused; exit 78."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from scheduler.config import load_config, parse_duration
from scheduler.errors import EXIT_CONFIG, ConfigError

REPO = Path(__file__).resolve().parents[2]


def problems_for(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "config.toml"
    path.write_text(text)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert caught.value.exit_code == EXIT_CONFIG
    return caught.value.problems


def test_the_shipped_config_is_valid_and_matches_the_defaults(tmp_path: Path) -> None:
    config = load_config(REPO / "config.toml")
    empty = tmp_path / "config.toml"
    empty.write_text("")
    default = load_config(empty)
    assert (
        config.schedule == default.schedule and config.platforms.x.post == default.platforms.x.post
    )
    assert config.database.url == f"sqlite:///{REPO / 'var' / 'vignettes.db'}"
    assert config.platforms.bluesky == default.platforms.bluesky  # shipped off, in outbox mode


def test_every_problem_is_listed_with_its_key(tmp_path: Path) -> None:
    problems = problems_for(
        tmp_path,
        """
[schedule]
timezone = "Europe/Londn"
day = "5th tue"
grace = "three days"
time = "25:00"
[selection]
auto_pick = "yes"
[platforms.x]
mode = "tweet"
colour = "blue"
""",
    )
    keys = [p.split(":")[0] for p in problems]
    assert keys == [
        "schedule.day",
        "schedule.time",
        "schedule.timezone",
        "schedule.grace",
        "selection.auto_pick",
        "platforms.x.mode",
        "platforms.x.colour",
    ]
    assert "gives no day in January 2027" in problems[0]
    assert problems[-1] == "platforms.x.colour: unknown key"


def test_a_day_that_some_months_lack_or_repeat_is_impossible(tmp_path: Path) -> None:
    assert "gives no day in February 2027" in problems_for(tmp_path, '[schedule]\nday = "30"\n')[0]
    assert "gives 3 days in January 2027" in problems_for(tmp_path, '[schedule]\nday = "1-3"\n')[0]
    assert "not an APScheduler cron day" in problems_for(tmp_path, '[schedule]\nday = "mon"\n')[0]


def test_the_card_cache_limit_is_a_size_of_at_least_a_megabyte(tmp_path: Path) -> None:
    assert problems_for(tmp_path, '[cards]\ncache_limit = "512KB"\n') == [
        "cards.cache_limit: must be at least 1MB (a vignette's cards are a few hundred KB)"
    ]
    assert "not a size" in problems_for(tmp_path, '[cards]\ncache_limit = "lots"\n')[0]


def test_a_grace_of_a_month_or_more_is_refused(tmp_path: Path) -> None:
    assert problems_for(tmp_path, '[schedule]\ngrace = "4w"\n') == [
        "schedule.grace: must be shorter than 28d, or two months could publish at once"
    ]


def test_secrets_in_the_config_file_are_refused_without_echoing_them(tmp_path: Path) -> None:
    problems = problems_for(tmp_path, '[platforms.linkedin]\naccess_token = "AQXsecretvalue"\n')
    assert problems[0].startswith("platforms.linkedin.access_token: secrets are never read")
    assert "AQXsecretvalue" not in " ".join(problems)


def test_malformed_toml_and_missing_files_are_config_errors(tmp_path: Path) -> None:
    assert "not valid TOML" in problems_for(tmp_path, "[schedule\n")[0]
    with pytest.raises(ConfigError, match="file not found"):
        load_config(tmp_path / "absent.toml")


def test_durations_combine_units() -> None:
    assert parse_duration("1d12h") == dt.timedelta(days=1, hours=12)
    with pytest.raises(ValueError, match="not a duration"):
        parse_duration("3 days")


def test_templates_take_plain_placeholders_only(tmp_path: Path) -> None:
    problems = problems_for(
        tmp_path, '[platforms.x]\ntemplate = "{headline.__class__} {summary!r} {nope}"\n'
    )
    assert problems == [
        "platforms.x.template: {headline.__class__} is not one of headline, summary, link, "
        "hashtags, mentions, quote, organisation, title, region, month",
        "platforms.x.template: {summary} must be a plain placeholder, without ! or :",
        "platforms.x.template: {nope} is not one of headline, summary, link, hashtags, "
        "mentions, quote, organisation, title, region, month",
    ]


def test_mentions_and_hashtags_are_checked_per_platform(tmp_path: Path) -> None:
    problems = problems_for(
        tmp_path,
        """
[platforms.x]
mentions = ["not a handle!!"]
hashtags = ["bad tag!"]
[platforms.linkedin]
mentions = ["@NHSEngland"]
""",
    )
    assert [p.split(":")[0] for p in problems] == [
        "platforms.x.hashtags",
        "platforms.x.mentions",
        "platforms.linkedin.mentions",
    ]


def test_api_bases_must_be_https_except_on_this_machine(tmp_path: Path) -> None:
    problems = problems_for(tmp_path, '[platforms.x]\napi_base = "http://api.x.com"\n')
    assert problems[0].startswith("platforms.x.api_base: 'http://api.x.com' is not an https://")
    ok = tmp_path / "ok.toml"
    ok.write_text('[platforms.x]\napi_base = "http://127.0.0.1:8080"\n')
    assert load_config(ok).platforms.x.api_base == "http://127.0.0.1:8080"


def test_absurd_values_are_config_errors_not_hangs(tmp_path: Path) -> None:
    problems = problems_for(
        tmp_path,
        """
[database]
url = "postgresql+asyncpg://db/vignettes"
[schedule]
grace = "99999999999999d"
[selection]
avoid_same_organisation_months = 100000000000
[platforms.linkedin]
timeout = "10m"
""",
    )
    assert [p.split(":")[0] for p in problems] == [
        "database.url",
        "schedule.grace",
        "selection.avoid_same_organisation_months",
        "platforms.linkedin.timeout",
    ]
    assert "far too long" in problems[1]
