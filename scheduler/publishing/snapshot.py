"""What the pipeline passes along for one month: the snapshot of the case study fixed on
its slot (exactly what is rendered and sent), and the report of what happened."""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass, field
from typing import Any

from vignettes.content import CaseStudyContent
from vignettes.planning.slots import Month


def instance_name() -> str:
    """This process, as recorded on a post it is sending: `host:pid`."""
    return f"{socket.gethostname()}:{os.getpid()}"


@dataclass
class MonthReport:
    month: str
    slot_state: str = "planned"
    ref: str | None = None
    posts: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "month": self.month,
            "slot_state": self.slot_state,
            "ref": self.ref,
            "posts": self.posts,
            "notes": self.notes,
        }


@dataclass(frozen=True)
class Snapshot:
    slot_id: int
    case_study_id: int
    month: Month
    content: CaseStudyContent
    content_hash: str
