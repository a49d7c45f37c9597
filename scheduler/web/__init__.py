"""The web console (`vignettes web`): Flask views over the operations layer."""

from scheduler.web.app import create_app

__all__ = ["create_app"]
