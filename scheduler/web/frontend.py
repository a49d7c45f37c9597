"""The NHS design system's CSS, JavaScript and images, served from where `make frontend`
installed them (npm ci of the committed package-lock.json into build/frontend).

The files are never copied into the repository. `NHSUK_FRONTEND_VERSION` is the version the
nhsuk-frontend-jinja templates render for; a different installed version is refused, as
the markup and the CSS would disagree.

The CSS is also served without its `@font-face` rules for the NHS assets host
(`Frontend.css_without_nhs_fonts`), for `[web] nhs_fonts = false`: with no such rule a
browser cannot ask that host for Frutiger, whatever order it reads the stylesheets in, and
uses Arial, the design system's own fallback.
"""

from __future__ import annotations

import functools
import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from flask import Blueprint, Response, send_from_directory

from scheduler.errors import SchedulerError
from scheduler.web.guards import public

NHSUK_FRONTEND_VERSION = "10.6.1"  # the match for nhsuk-frontend-jinja 0.10.2
FRONTEND_ENV = "VIGNETTES_FRONTEND_DIR"
CHECKOUT = Path(__file__).resolve().parents[2]
DEFAULT_DIR = CHECKOUT / "build" / "frontend"
# Served at /assets/, where the design system's CSS expects its icons.
ONE_YEAR = 365 * 24 * 3600
ONE_DAY = 24 * 3600


class FrontendMissing(SchedulerError):
    """The design system is not installed (or is the wrong version); says how to fix it."""


@dataclass(frozen=True)
class Frontend:
    package: Path  # .../node_modules/nhsuk-frontend
    version: str

    @property
    def dist(self) -> Path:
        return self.package / "dist" / "nhsuk"

    @property
    def css(self) -> str:
        return f"nhsuk-frontend-{self.version}.min.css"

    @property
    def css_without_nhs_fonts(self) -> str:
        return f"nhsuk-frontend-{self.version}-without-nhs-fonts.min.css"

    @property
    def js(self) -> str:
        return f"nhsuk-frontend-{self.version}.min.js"


def _how_to_install(folder: Path) -> str:
    if (CHECKOUT / "Makefile").is_file() and (CHECKOUT / "package-lock.json").is_file():
        command = f"run `make frontend` in {CHECKOUT}"
    else:
        command = (
            "run `npm ci` in a folder holding this project's package.json and "
            f"package-lock.json, and set {FRONTEND_ENV} to that folder"
        )
    return f"the NHS design system is not installed in {folder}: {command}"


def locate_frontend(environ: Mapping[str, str] | None = None) -> Frontend:
    """The installed nhsuk-frontend; raises FrontendMissing saying which command to run."""
    env = os.environ if environ is None else environ
    folder = Path(env[FRONTEND_ENV]).expanduser() if env.get(FRONTEND_ENV) else DEFAULT_DIR
    package = folder / "node_modules" / "nhsuk-frontend"
    try:
        version = str(json.loads((package / "package.json").read_text("utf-8"))["version"])
    except (OSError, ValueError, KeyError, TypeError):
        raise FrontendMissing(_how_to_install(folder)) from None
    if version != NHSUK_FRONTEND_VERSION:
        raise FrontendMissing(
            f"{package} is nhsuk-frontend {version}, the console's templates need "
            f"{NHSUK_FRONTEND_VERSION}: " + _how_to_install(folder).split(": ", 1)[1]
        )
    found = Frontend(package, version)
    for name in (found.css, found.js, "assets"):
        if not (found.dist / name).exists():
            raise FrontendMissing(f"{found.dist / name} is missing: " + _how_to_install(folder))
    return found


# An @font-face rule whose font comes from the NHS assets host.
_NHS_FONT_FACE = re.compile(r"@font-face\s*\{[^}]*assets\.nhs\.uk[^}]*\}")


def without_nhs_fonts(css: str) -> str:
    """`css` without the @font-face rules that load fonts from the NHS assets host."""
    return _NHS_FONT_FACE.sub("", css)


@functools.cache
def _css_without_nhs_fonts(path: Path) -> bytes:
    text = path.read_text("utf-8")
    text = re.sub(r"/\*# sourceMappingURL=[^*]*\*/", "", text)  # the map is of the original
    return without_nhs_fonts(text).encode("utf-8")


def frontend_blueprint(frontend: Frontend) -> Blueprint:
    """`/assets/<file>`: the CSS and JavaScript bundles (those with the version in their
    name cached for a year), and the icons and manifest the CSS and the page template
    expect under /assets/ (cached for a day)."""
    bp = Blueprint("assets", __name__)
    versioned = {frontend.css, frontend.js}
    versioned |= {name + ".map" for name in versioned}
    plain = {"nhsuk-frontend.min.css", "nhsuk-frontend.min.js"}
    plain |= {name + ".map" for name in plain}

    @bp.get("/assets/<path:filename>")
    @public
    def asset(filename: str) -> Response:
        if filename == frontend.css_without_nhs_fonts:
            css = Response(
                _css_without_nhs_fonts(frontend.dist / frontend.css), mimetype="text/css"
            )
            css.headers["Cache-Control"] = f"public, max-age={ONE_YEAR}"
            return css
        if filename in versioned:
            return send_from_directory(frontend.dist, filename, max_age=ONE_YEAR)
        if filename in plain:
            return send_from_directory(frontend.dist, filename, max_age=ONE_DAY)
        return send_from_directory(frontend.dist / "assets", filename, max_age=ONE_DAY)

    return bp
