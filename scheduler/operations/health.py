"""Is the console's database reachable? (GET /healthz.) Never says why not to the caller:
a connection error can name hosts and users; the log has it."""

from __future__ import annotations

import logging

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from scheduler.operations.context import Workspace
from vignettes.errors import StoreError

log = logging.getLogger(__name__)


def database_reachable(ws: Workspace) -> bool:
    """Whether the database answers a trivial query now."""
    try:
        with ws.store.read() as session:
            session.execute(text("SELECT 1"))
    except (StoreError, SQLAlchemyError, OSError) as exc:
        first_line = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        log.warning("health check: the database is unreachable: %s", first_line)
        return False
    return True
