"""`vignettes doctor`: every check a person needs before trusting the daemon, each one a
line that says what is wrong and how to fix it. Read-only: no post is ever made."""

from __future__ import annotations

from scheduler.errors import ConfigError
from scheduler.operations.context import Workspace
from scheduler.platforms.checks import Check

__all__ = ["Check", "run_checks"]


def run_checks(ctx: Workspace) -> list[Check]:
    """Config, database, fonts and layout, then each enabled platform (read-only call)."""
    checks: list[Check] = []
    try:
        config = ctx.config
    except ConfigError as exc:
        return [Check("config", False, "error", p) for p in exc.problems]
    checks.append(Check("config", True, "info", f"{config.path} is valid"))
    try:
        from vignettes.store import count_case_studies

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
    except Exception as exc:  # doctor reports every failure as a line, never a traceback
        checks.append(Check("database", False, "error", f"{type(exc).__name__}: {exc}"))
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
    return [*checks, *platform_checks(config, secrets, ctx.clock)]
