"""The header's navigation: one entry per screen, shown once the screen's view exists and
only to roles that may use it, with how many things wait there for this person ("Case
studies (4 to approve)", from the to-do list's counts). A screen added later (a blueprint
with the endpoint named here) appears in the header without touching the layout."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask import Flask, url_for

from scheduler.operations.accounts.permissions import Permission, allows
from scheduler.operations.to_do import Count


@dataclass(frozen=True)
class NavItem:
    text: str
    endpoint: str
    permission: Permission


NAVIGATION = (
    NavItem("Home", "home.index", Permission.BROWSE),
    NavItem("Plan", "plan.index", Permission.READ),
    NavItem("Case studies", "case_studies.index", Permission.BROWSE),
    NavItem("Import", "importing.index", Permission.IMPORT),
    NavItem("Engagement", "engagement.index", Permission.READ),
    NavItem("Impact", "impact.index", Permission.BROWSE),
    NavItem("Users", "users.index", Permission.MANAGE_USERS),
    NavItem("Library services", "services.index", Permission.MANAGE_SERVICES),
    NavItem("Audit log", "audit.index", Permission.READ_AUDIT_LOG),
)


def header_items(
    app: Flask,
    role: str,
    endpoint: str | None,
    counts: Mapping[str, tuple[Count, ...]] | None = None,
) -> list[dict[str, Any]]:
    """The nhsuk header's `navigation.items` for `role`, marking the current screen;
    `counts` (by screen) adds what waits there: "Case studies (3 to review, 4 to approve)"."""
    here = (endpoint or "").split(".")[0]
    items = []
    for item in NAVIGATION:
        if item.endpoint not in app.view_functions or not allows(role, item.permission):
            continue
        screen = item.endpoint.split(".")[0]
        waiting = (counts or {}).get(screen)
        text = f"{item.text} ({', '.join(c.text for c in waiting)})" if waiting else item.text
        items.append({"text": text, "href": url_for(item.endpoint), "current": screen == here})
    return items
