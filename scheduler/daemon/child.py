"""Rendering in a short-lived child process, so Pillow, font tables and images never stay
resident in the daemon for the month it idles; the child is spawned (not forked) and
time-bounded."""

from __future__ import annotations

import signal
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from scheduler.errors import SchedulerError


@dataclass(frozen=True)
class _Card:
    png: bytes


@dataclass(frozen=True)
class _Post:
    platform: str
    text: str
    alt_text: str
    card: _Card


@dataclass(frozen=True)
class _Rendered:
    """What the pipeline reads of a `RenderedVignette`, in classes that unpickle without
    importing the rendering stack into the daemon."""

    ref: str
    content_hash: str
    posts: tuple[_Post, ...]

    def post(self, platform: str) -> _Post:
        return next(p for p in self.posts if p.platform == platform)


RENDER_TIMEOUT_S = 120


def in_child(
    function: Callable[..., Any], *args: Any, what: str, timeout: float = RENDER_TIMEOUT_S
) -> Any:
    """`function(*args)` in a short-lived child process; its result comes back pickled.

    The daemon idles for weeks between publishes; Pillow, the fonts' tables and card
    images loaded in-process would stay resident (about +40 MB, most of it never returned
    to the OS). The child is *spawned*, not forked: the daemon has threads (scheduler,
    watchdog), and a forked child could inherit a lock one of them held and hang. It costs
    about a second each time. Raises SchedulerError with the child's message."""
    import multiprocessing

    ctx = multiprocessing.get_context("spawn")
    receive, send = ctx.Pipe(duplex=False)
    child = ctx.Process(target=_child_main, args=(send, function, args), name=what, daemon=True)
    child.start()
    send.close()
    try:
        if receive.poll(timeout):
            kind, value = receive.recv()
        else:
            child.kill()
            kind, value = "error", f"{what} took over {timeout:.0f} s and was stopped"
    except EOFError:
        kind, value = "error", f"the {what} process ended without a result"
    finally:
        receive.close()
        child.join()
    if kind != "ok":
        raise SchedulerError(f"{value} ({what} process exit code {child.exitcode})")
    return value


def _child_main(send: Any, function: Callable[..., Any], args: tuple[Any, ...]) -> None:
    # A stop request is for the parent: this child finishes its few seconds of work.
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        result: tuple[str, Any] = ("ok", function(*args))
    except SchedulerError as exc:
        result = ("error", str(exc))
    except Exception as exc:  # anything else still becomes a message on the slot row
        result = ("error", f"{type(exc).__name__}: {exc}")
    try:
        send.send(result)
    except (BrokenPipeError, EOFError, ConnectionResetError):
        pass  # the parent is gone (killed, or gave up waiting): nobody to tell
    finally:
        send.close()


def render_in_child(content: Any, config: Any, month: Any, *, platforms: Any) -> Any:
    """`scheduler.publishing.rendering.render_vignette`, run by `in_child`."""
    return in_child(_render, content, config, month, tuple(platforms), what="rendering")


def _render(content: Any, config: Any, month: Any, platforms: Any) -> _Rendered:
    from scheduler.publishing.rendering import render_vignette

    rendered = render_vignette(content, config, month, platforms=platforms)
    posts = tuple(_Post(p.platform, p.text, p.alt_text, _Card(p.card.png)) for p in rendered.posts)
    return _Rendered(rendered.ref, rendered.content_hash, posts)


def font_problems_in_child() -> list[str]:
    """The cards' fonts and RAQM layout, checked at start-up without loading Pillow here."""
    problems: list[str] = in_child(_font_problems, what="font check", timeout=60)
    return problems


def _font_problems() -> list[str]:
    from cards.fonts import font_status

    return [f"{s.name}: {s.detail}" for s in font_status() if not s.ok]
