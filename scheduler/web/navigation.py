"""The header's navigation: one entry per screen, shown once the screen's view exists and
only to roles that may use it. A screen added later (a blueprint with the endpoint named
here) appears in the header without touching the layout."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Flask, url_for

from scheduler.operations.accounts.permissions import Permission, allows


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


def header_items(app: Flask, role: str, endpoint: str | None) -> list[dict[str, Any]]:
    """The nhsuk header's `navigation.items` for `role`, marking the current screen."""
    here = (endpoint or "").split(".")[0]
    return [
        {
            "text": item.text,
            "href": url_for(item.endpoint),
            "current": item.endpoint.split(".")[0] == here,
        }
        for item in NAVIGATION
        if item.endpoint in app.view_functions and allows(role, item.permission)
    ]
