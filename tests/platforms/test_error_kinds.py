"""A platform error's kind is said once: one class per `ErrorKind`, and what the pipeline
does follows from the kind, never from a class name compared as a string."""

from __future__ import annotations

import re
from pathlib import Path

from scheduler.platforms.base import (
    Duplicate,
    ErrorKind,
    NeedsReauth,
    OutcomeUnknown,
    PlatformError,
    RateLimited,
    Transient,
)

ROOT = Path(__file__).resolve().parents[2]


def test_each_kind_is_exactly_one_error_class() -> None:
    kinds = [cls.kind for cls in PlatformError.__subclasses__()]
    assert sorted(kinds) == sorted(ErrorKind) and len(set(kinds)) == len(kinds)


def test_the_flags_the_pipeline_reads_follow_from_the_kind() -> None:
    assert Duplicate("already posted", duplicate_of=None).permanent
    assert NeedsReauth("401").needs_reauth and NeedsReauth("401").permanent
    assert OutcomeUnknown("read timeout").outcome_unknown
    assert not Transient("refused").permanent
    assert not RateLimited("429", retry_after=None).permanent


def test_no_module_decides_by_an_exception_class_name() -> None:
    by_name = re.compile(r"__name__\s*[!=]=\s*[\"'](?!__main__)")
    offenders = [
        str(path.relative_to(ROOT))
        for package in ("scheduler", "vignettes", "cards")
        for path in (ROOT / package).rglob("*.py")
        if by_name.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
