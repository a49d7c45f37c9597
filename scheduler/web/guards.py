"""The role check on every view, as a decorator, and the mark for the few public ones.

`@requires(Permission.X)` lets the request through only for a signed-in account whose role
grants X (the table in `scheduler.operations.accounts.permissions`); anyone else is sent to sign in
(not signed in) or gets the 403 page (signed in, role too low). `@public` marks a view that
needs no account (sign-in, health check, design-system files). A test fails for any view
that has neither, so a new screen cannot forget its check.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar, cast

from flask import abort, current_app

from scheduler.operations.accounts.permissions import Permission, allows
from scheduler.operations.actor import Actor
from scheduler.web.auth import signed_in

View = TypeVar("View", bound=Callable[..., Any])


def public(view: View) -> View:
    """Mark a view that anyone may reach, signed in or not."""
    view.public = True  # type: ignore[attr-defined]
    return view


def requires(permission: Permission) -> Callable[[View], View]:
    """Only a signed-in account whose role grants `permission` reaches the view."""

    def decorate(view: View) -> View:
        @functools.wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            account = signed_in()
            if account is None:
                return current_app.login_manager.unauthorized()  # type: ignore[attr-defined]
            if not allows(account.role, permission):
                # Library staff are not told what else exists: the plan, the users and
                # other services' pages are simply not there for them.
                abort(404 if account.role == "contributor" else 403)
            return view(*args, **kwargs)

        guarded.required_permission = permission  # type: ignore[attr-defined]
        return cast(View, guarded)

    return decorate


def is_guarded(view: Callable[..., Any]) -> bool:
    """Whether a view is marked public or checks a permission."""
    return bool(getattr(view, "public", False) or getattr(view, "required_permission", None))


def may(permission: str) -> bool:
    """Whether the signed-in person's role grants `permission` (by its value, "approve"):
    what templates ask before offering an action. The view's decorator and the operation
    still check; this only decides what a page offers."""
    account = signed_in()
    return account is not None and allows(account.role, Permission(permission))


def current_actor() -> Actor:
    """The signed-in person as the operations layer's Actor (only inside a guarded view)."""
    account = signed_in()
    if account is None:
        abort(401)
    return account.actor()
