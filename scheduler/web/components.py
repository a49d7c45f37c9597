"""The design system's components as template globals, each call remembered by its
parameters.

Rendering the nhsuk-frontend-jinja macros is most of a page's time (a bare signed-in view
answers in about the time of a static file; the sign-in page, which is only the page
template and a form, takes four times as long): every call includes the component's
template, which imports its helper macros afresh. Their output is a pure function of
their parameters (the templates read `params` and nothing else: no request, no clock, no
globals), so a call whose parameters were seen before returns the markup it gave then.
Nothing can go stale: different parameters are a different key, and the key keeps the
difference between text and markup (`"text"` is escaped, `"html"` is not).

A call with `caller` (a `{% call %}` block), with anything but one parameters mapping,
or with a value that is not plain data is rendered as usual and not remembered.

Templates use the components by name (`{{ button({...}) }}`) without importing them; an
import would still work, unremembered. Inside a block of a template that extends
`nhsuk/template.jinja`, that template's own imports (`skipLink`, `header`, `footer`)
shadow the globals: use `components.footer(...)` there.

`fragment` does the same for a block of a template (the rows of a long table) under the
values it names: frozen read models, which are equal exactly when what they show is.
"""

from __future__ import annotations

import threading
import types
from collections import OrderedDict
from collections.abc import Callable, Mapping
from typing import Any

from jinja2 import Environment, Undefined
from markupsafe import Markup

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
# Remembered markup is bounded by its total length: a page of fifty table rows is about
# 60 kB, so this holds every page's components many times over.
CHARACTER_LIMIT = 32_000_000


_JUST_TEXT = {str}


class _Unremembered(Exception):
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
    raise _Unremembered


class RememberedMarkup:
    """The markup each component call gave, least recently used forgotten first."""

    def __init__(self, limit: int = CHARACTER_LIMIT) -> None:
        self._known: OrderedDict[Any, Markup] = OrderedDict()
        self._characters = 0
        self._limit = limit
        self._lock = threading.Lock()

    def get(self, key: Any) -> Markup | None:
        with self._lock:
            markup = self._known.get(key)
            if markup is not None:
                self._known.move_to_end(key)
            return markup

    def put(self, key: Any, markup: Markup) -> None:
        with self._lock:
            if key in self._known:
                return
            self._known[key] = markup
            self._characters += len(markup)
            while self._characters > self._limit and self._known:
                _key, forgotten = self._known.popitem(last=False)
                self._characters -= len(forgotten)

    def __len__(self) -> int:
        return len(self._known)

    def names(self) -> set[str]:
        """The components (and fragments, as "fragment") with markup remembered."""
        with self._lock:
            return {key[0] for key in self._known}


def remembered(name: str, macro: Callable[..., Any], known: RememberedMarkup) -> Callable[..., Any]:
    """`macro`, answering a call it has seen from `known`."""

    def component(*args: Any, **kwargs: Any) -> Any:
        if kwargs or len(args) != 1:
            return macro(*args, **kwargs)
        try:
            key = (name, _freeze(args[0]))
        except _Unremembered:
            return macro(*args)
        markup = known.get(key)
        if markup is None:
            markup = Markup(macro(args[0]))
            known.put(key, markup)
        return markup

    component.__name__ = name
    return component


class FragmentHoldsAForm(RuntimeError):
    """A remembered fragment rendered a CSRF token: it would hand one request's token to
    the next, so the template must keep its forms outside the fragment."""


def fragment_of(known: RememberedMarkup) -> Callable[..., Markup]:
    """`{% call fragment("name", value, ...) %}…{% endcall %}`: the block's markup,
    remembered under its name and the values given, which must be hashable and hold
    everything the block shows (the rows of a long table: frozen read models, and
    `request.script_root` when it builds links). Nothing else from the request may be in
    it: a block that renders a form's CSRF token is an error, never remembered."""

    def fragment(name: str, *values: Any, caller: Callable[[], str]) -> Markup:
        key = ("fragment", name, tuple(tuple(v) if type(v) is list else v for v in values))
        markup = known.get(key)
        if markup is None:
            markup = Markup(caller())
            if 'name="csrf_token"' in markup:
                raise FragmentHoldsAForm(f"the remembered fragment {name!r} holds a form")
            known.put(key, markup)
        return markup

    return fragment


def install(env: Environment, known: RememberedMarkup | None = None) -> RememberedMarkup:
    """Put every component in `env`'s globals under its macro's name, all of them under
    `components`, and `fragment` for a remembered block."""
    known = known if known is not None else RememberedMarkup()
    every = types.SimpleNamespace()
    for name, folder in COMPONENTS.items():
        module = env.get_template(f"nhsuk/components/{folder}/macro.jinja").module
        env.globals[name] = remembered(name, getattr(module, name), known)
        setattr(every, name, env.globals[name])
    env.globals["components"] = every
    env.globals["fragment"] = fragment_of(known)
    return known
