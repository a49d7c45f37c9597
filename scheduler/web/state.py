"""What every view reaches through the app: the Workspace (config, store, clock) it was
created with. Views call operations with it; they never open a store session themselves."""

from __future__ import annotations

import threading

from flask import Flask, current_app

from scheduler.config import Config
from scheduler.config.web import WebConfig
from scheduler.operations.context import Workspace

_KEY = "vignettes.workspace"
_opening = threading.Lock()


def attach(app: Flask, ws: Workspace) -> None:
    app.extensions[_KEY] = ws


def workspace() -> Workspace:
    """The app's Workspace, its store opened (once, even with many threads); raises
    StoreError while the database cannot be reached."""
    ws: Workspace = current_app.extensions[_KEY]
    with _opening:
        ws.store  # noqa: B018 - opens and migrates on first use
    return ws


def config() -> Config:
    ws: Workspace = current_app.extensions[_KEY]
    return ws.config


def web_config() -> WebConfig:
    return config().web
