"""The root of the `vignettes` package's exceptions; the CLI maps them to exit codes."""

from __future__ import annotations

from collections.abc import Sequence

from vignettes.importing.issues import Issue


class VignettesError(Exception):
    """An expected failure about content, storage or selection (exit 1)."""


class StoreError(VignettesError):
    """The database is unreachable or refused an operation."""


class NotFound(VignettesError):
    def __init__(self, what: str, key: str) -> None:
        self.what = what
        self.key = key
        super().__init__(f"no {what} {key!r}")


class ImportRejected(VignettesError):
    """A file failed validation; nothing from it was written. `issues` are every problem,
    `problems` their `FILE:ROW ref field: reason` lines; `warnings` are what would only
    have been warned about, had the file been accepted. The message lists the problems
    grouped and bounded (`vignettes.importing.issue_groups`): a file of 100,000 wrong rows is a few
    lines, not 100,000."""

    def __init__(
        self,
        source: str,
        problems: Sequence[Issue],
        warnings: Sequence[Issue] = (),
    ) -> None:
        from vignettes.importing.issue_groups import listing

        self.source = source
        self.issues = list(problems)
        self.warnings = list(warnings)
        shown = listing(self.issues)
        lines = [str(group) for group in shown.shown]
        if shown.hidden:
            lines.append(shown.rest("problem"))
        count = len(self.issues)
        super().__init__(
            f"{source}: {count:,} problem{'' if count == 1 else 's'}; nothing was imported\n"
            + "\n".join(lines)
        )

    @property
    def problems(self) -> list[str]:
        """Every problem's line (for `--json`), made when asked: most callers never do."""
        return [str(p) for p in self.issues]


class ImportInterrupted(VignettesError):
    """The person stopped an import (Ctrl-C). `written` says whether its transaction had
    already been committed when the interruption arrived (almost never: the interruption
    nearly always falls while reading or checking the file)."""

    exit_code = 130

    def __init__(self, source: str, written: bool) -> None:
        self.source = source
        self.written = written
        super().__init__(
            "interrupted after the import was written; run `vignettes list` to see it"
            if written
            else "interrupted; nothing was imported"
        )


class ApprovalError(VignettesError):
    """An approve/reject request that the workflow does not allow."""


class QueueError(VignettesError):
    """A queue/unqueue request that the plan does not allow."""
