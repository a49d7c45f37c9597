"""The root of the `scheduler` package's exceptions; the CLI maps them to exit codes."""

from __future__ import annotations

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_CONFIG = 78  # EX_CONFIG from sysexits.h; systemd's RestartPreventExitStatus uses it


class SchedulerError(Exception):
    """An expected failure of an operation: the CLI prints it and exits 1."""

    exit_code = EXIT_FAILED


class ConfigError(SchedulerError):
    """The configuration (file, environment or secrets) is unusable; lists every problem."""

    exit_code = EXIT_CONFIG

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"{source}: {len(problems)} configuration problem(s):\n{lines}")


class OperationFailed(SchedulerError):
    """An operation that is well-formed but cannot be done; the message says why (exit 1)."""
