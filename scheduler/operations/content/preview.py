"""Previewing a vignette before anything goes out: cards, post texts and alt texts for each
platform, as files and one self-contained HTML page."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from scheduler.engagement.report import load, preview_rows
from scheduler.errors import OperationFailed
from scheduler.operations.context import Workspace
from scheduler.publishing.preview_page import PreviewResult, open_in_browser, write_preview
from scheduler.publishing.rendering import PLATFORMS, RenderedVignette, render_vignette
from vignettes.planning.plan import MAX_MONTHS_AHEAD, build_plan
from vignettes.planning.slots import Month
from vignettes.store.queries import get_case_study

__all__ = ["PLATFORMS", "Preview", "open_in_browser", "planned_ref", "preview"]


@dataclass(frozen=True)
class Preview:
    """What was rendered (`vignette`) and where it was written (`files`)."""

    ref: str
    status: str
    vignette: RenderedVignette
    files: PreviewResult


def planned_ref(ws: Workspace, month: Month) -> str:
    """The case study planned for `month`; raises OperationFailed saying why there is none."""
    config = ws.config
    with ws.store.read() as session:
        plan = build_plan(
            session,
            now=ws.now(),
            schedule=config.schedule,
            selection=config.selection,
            months=MAX_MONTHS_AHEAD,
        )
    entry = next((e for e in plan if e.month == month), None)
    if entry is not None and entry.ref is not None:
        return entry.ref
    if entry is not None:
        why = entry.note or entry.state
    elif plan and month < plan[0].month:
        why = "it is before the current month"
    else:
        why = f"it is beyond the {MAX_MONTHS_AHEAD} months that are planned"
    raise OperationFailed(f"{month} has no planned case study: {why}")


def preview(
    ws: Workspace,
    *,
    ref: str | None = None,
    month: Month | None = None,
    platforms: tuple[str, ...] = PLATFORMS,
    out: Path | None = None,
) -> Preview:
    """Render `ref` (or `month`'s planned case study) for `platforms` and write the files
    to `out` (default: `<cards.output_dir>/preview/REF`). A case study that is not approved,
    or changed since approval, is still previewed, marked as such. Raises OperationFailed,
    NotFound or a SchedulerError from rendering."""
    config = ws.config
    if ref is None:
        if month is None:
            raise OperationFailed("a preview needs a case study or a month")
        ref = planned_ref(ws, month)
    with ws.store.read() as session:
        cs = get_case_study(session, ref)
        content = cs.content()
        if cs.approval_is_current:
            status = cs.status
        else:
            status = "changed since approval" if cs.status == "approved" else cs.status
    first_day = month.first_day if month else None
    vignette = render_vignette(content, config, first_day, platforms=platforms)
    folder = out if out is not None else config.cards.output_dir / "preview" / ref
    posted = load(ws.store, ref=ref)  # a vignette already posted shows its engagement
    if folder.exists() and not folder.is_dir():
        raise OperationFailed(f"cannot write the preview to {folder}: it is not a folder")
    try:
        files = write_preview(
            vignette,
            content,
            folder,
            status=status,
            month=first_day,
            engagement=preview_rows(posted) or None,
        )
    except OSError as exc:
        raise OperationFailed(f"cannot write the preview to {folder}: {exc.strerror}") from None
    return Preview(ref, status, vignette, files)
