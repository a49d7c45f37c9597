"""`vignettes doctor`: every check a person needs before trusting the daemon, each one a
line that says what is wrong and how to fix it. Read-only: no post is ever made."""

from __future__ import annotations

from pathlib import Path

from scheduler.config import Config
from scheduler.errors import ConfigError
from scheduler.files import folder_problem
from scheduler.operations.context import Workspace
from scheduler.platforms.checks import Check
from vignettes.errors import StoreError
from vignettes.store.faults import sqlite_path

__all__ = ["Check", "folder_checks", "run_checks"]


def run_checks(ctx: Workspace) -> list[Check]:
    """Config, database, fonts and layout, single sign-on (when set), then each enabled
    platform (read-only call)."""
    checks: list[Check] = []
    try:
        config = ctx.config
    except ConfigError as exc:
        return [Check("config", False, "error", p) for p in exc.problems]
    checks.append(Check("config", True, "info", f"{config.path} is valid"))
    try:
        from vignettes.store.queries import count_case_studies

        with ctx.store.read() as session:
            total = count_case_studies(session)
        checks.append(
            Check(
                "database",
                True,
                "info",
                f"{ctx.store.dialect} schema up to date, {total} case studies",
            )
        )
    except StoreError as exc:  # the store's own one-line message names it and what to do
        checks.append(Check("database", False, "error", str(exc)))
    except Exception as exc:  # doctor reports every failure as a line, never a traceback
        checks.append(Check("database", False, "error", f"{type(exc).__name__}: {exc}"))
    checks += folder_checks(config)
    from cards.fonts import font_status

    for status in font_status():
        checks.append(
            Check(
                f"fonts: {status.name}",
                status.ok,
                "info" if status.ok else "warning",
                status.detail,
            )
        )
    from scheduler.credentials.secrets import load_secrets
    from scheduler.platforms.checks import platform_checks

    try:
        secrets = load_secrets()
    except ConfigError as exc:
        return [*checks, *(Check("secrets", False, "error", p) for p in exc.problems)]
    from scheduler.operations.accounts.sso_check import sso_checks

    return [*checks, *sso_checks(config, secrets), *platform_checks(config, secrets, ctx.clock)]


def configured_folders(config: Config) -> dict[str, Path]:
    """Every folder the program writes to, by the setting that names it."""
    folders = {
        "cards.output_dir": config.cards.output_dir,
        "daemon.var_dir": config.daemon.var_dir,
        "outbox (daemon.var_dir/outbox)": config.outbox_dir,
    }
    database = sqlite_path(config.database.url)
    if database is not None:
        folders["database.url (its folder)"] = database.parent
    return folders


def folder_checks(config: Config) -> list[Check]:
    """Each configured folder exists and can be written, or can be created."""
    checks = []
    for setting, folder in configured_folders(config).items():
        problem = folder_problem(folder)
        if problem is None:
            state = "writable" if folder.is_dir() else "can be created"
            checks.append(Check(f"folder: {setting}", True, "info", f"{folder} {state}"))
        else:
            checks.append(Check(f"folder: {setting}", False, "error", problem))
    return checks
