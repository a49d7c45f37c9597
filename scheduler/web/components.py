"""The design system's components as template globals, each call's markup cached by its
parameters (the `design-system markup` cache, `vignettes.caching`).

Rendering the nhsuk-frontend-jinja macros is most of a page's time (a bare signed-in view
answers in about the time of a static file; the sign-in page, which is only the page
template and a form, takes four times as long): every call includes the component's
template, which imports its helper macros afresh. Their output is a pure function of
their parameters (the templates read `params` and nothing else: no request, no clock, no
globals), so a call whose parameters were seen before returns the markup it gave then.
Nothing can go stale: different parameters are a different key, and the key keeps the
difference between text and markup (`"text"` is escaped, `"html"` is not).

A call with `caller` (a `{% call %}` block), with anything but one parameters mapping,
or with a value that is not plain data is rendered as usual and not cached.

Templates use the components by name (`{{ button({...}) }}`) without importing them; an
import would still work, uncached. Inside a block of a template that extends
`nhsuk/template.jinja`, that template's own imports (`skipLink`, `header`, `footer`)
shadow the globals: use `components.footer(...)` there.

Nothing else of a page is cached: a table's rows are rendered afresh from read models that
are themselves cached, so no markup that depends on who is looking (a role's buttons, a
CSRF token) can be kept and shown to someone else.
"""

from __future__ import annotations

import sys
import types
from collections.abc import Callable, Mapping
from typing import Any

from jinja2 import Environment, Undefined
from markupsafe import Markup

from scheduler.operations.context import Cache

# Global name -> the component's folder under nhsuk/components.
COMPONENTS = {
    "backLink": "back-link",
    "button": "button",
    "characterCount": "character-count",
    "checkboxes": "checkboxes",
    "details": "details",
    "errorSummary": "error-summary",
    "fileUpload": "file-upload",
    "footer": "footer",
    "header": "header",
    "input": "input",
    "insetText": "inset-text",
    "notificationBanner": "notification-banner",
    "pagination": "pagination",
    "panel": "panel",
    "passwordInput": "password-input",
    "radios": "radios",
    "select": "select",
    "skipLink": "skip-link",
    "summaryList": "summary-list",
    "table": "tables",
    "tag": "tag",
    "textarea": "textarea",
    "warningCallout": "warning-callout",
}
# Bytes of markup (and the parameters it is kept under) per console: a page's components
# are a few tens of kB, so this holds every page's many times over; parameters typed by
# people (a search box's value) cannot push it past this.
MAX_BYTES = 32 * 1024 * 1024


_JUST_TEXT = {str}


class _Uncached(Exception):
    """A parameter that is not plain data: render the call as usual."""


def _freeze(value: Any) -> Any:
    """`value` as a hashable key that tells apart everything the output depends on. Plain
    strings stand for themselves; everything else becomes a tagged tuple, so no two kinds
    of value can meet (a select's 200 items are 200 dicts of strings: those take the
    fast path)."""
    kind = type(value)
    if kind is str:
        return value
    if kind is dict:
        if set(map(type, value.values())) <= _JUST_TEXT:
            return ("mapping", tuple(value.items()))
        return ("mapping", tuple((key, _freeze(item)) for key, item in value.items()))
    if kind is list or kind is tuple:
        return ("sequence", tuple(_freeze(item) for item in value))
    if isinstance(value, Markup):  # markup is put in as it is, text escaped
        return ("markup", str(value))
    if isinstance(value, str):
        return ("str", str(value))
    if value is None or isinstance(value, bool | int | float):
        return (type(value).__name__, value)  # True and 1 render differently
    if isinstance(value, Undefined):
        return ("undefined",)
    if isinstance(value, Mapping):
        return ("mapping", tuple((key, _freeze(item)) for key, item in value.items()))
    if isinstance(value, list | tuple):
        return ("sequence", tuple(_freeze(item) for item in value))
    raise _Uncached


def markup_cache(max_bytes: int = MAX_BYTES) -> Cache[Markup]:
    """The `design-system markup` cache of one console."""
    return Cache("design-system markup", "the component's name and every parameter", max_bytes)


def component_names(known: Cache[Markup]) -> set[str]:
    """The components with markup cached now."""
    return {key[0] for key in known.keys_now() if isinstance(key, tuple)}


def cached(name: str, macro: Callable[..., Any], known: Cache[Markup]) -> Callable[..., Any]:
    """`macro`, answering a call it has seen from `known`."""

    def component(*args: Any, **kwargs: Any) -> Any:
        if kwargs or len(args) != 1:
            return macro(*args, **kwargs)
        try:
            key = (name, _freeze(args[0]))
        except _Uncached:
            return macro(*args)
        markup = known.get(key)
        if markup is None:
            markup = Markup(macro(args[0]))
            known.put(key, markup, size=sys.getsizeof(markup))
        return markup

    component.__name__ = name
    return component


def install(env: Environment, known: Cache[Markup] | None = None) -> Cache[Markup]:
    """Put every component in `env`'s globals under its macro's name, and all of them
    under `components`."""
    known = known if known is not None else markup_cache()
    every = types.SimpleNamespace()
    for name, folder in COMPONENTS.items():
        module = env.get_template(f"nhsuk/components/{folder}/macro.jinja").module
        env.globals[name] = cached(name, getattr(module, name), known)
        setattr(every, name, env.globals[name])
    env.globals["components"] = every
    return known
