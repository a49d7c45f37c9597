"""Is the console's database reachable? (GET /healthz.) Never says why not to the caller:
a connection error can name hosts and users; the log has it. And may the console start
on the configured database at all (`require_database_folder`)?"""

from __future__ import annotations

import logging

from sqlalchemy.exc import SQLAlchemyError

from scheduler.config import Config
from scheduler.errors import ConfigError
from scheduler.operations.context import Workspace
from vignettes.errors import StoreError
from vignettes.store.db import HEAD_REVISION
from vignettes.store.faults import sqlite_path

log = logging.getLogger(__name__)


def database_reachable(ws: Workspace) -> bool:
    """Whether the database the console opened is still there and answers: a real table
    read through a fresh connection (a pooled one could hold a file moved away, replaced
    or emptied since), at the schema revision this version writes."""
    try:
        revision = ws.store.probe()
        if revision != HEAD_REVISION:
            raise StoreError(f"the schema revision is {revision or 'missing'}, not {HEAD_REVISION}")
    except (StoreError, SQLAlchemyError, OSError) as exc:
        first_line = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        log.warning("health check: the database is unreachable: %s", first_line)
        return False
    return True


def require_database_folder(config: Config) -> None:
    """Raises ConfigError (exit 78) when the configured SQLite database's folder does not
    exist. The console would otherwise create an empty database there, and a new signing
    key beside it, and serve a fresh installation in place of a mistyped or unmounted
    one; the command line's first `import` or `user add` is what creates a database."""
    path = sqlite_path(config.database.url)
    if path is None or path.parent.is_dir():
        return
    raise ConfigError(
        "database.url",
        [
            f"the folder {path.parent} of the SQLite database {path} does not exist; the "
            "console never creates a database, or its signing key, in a folder that is not "
            "there: check [database] url (a relative path is taken from the config file's "
            "folder) and that its disk is mounted, or create the database first with "
            "`vignettes import` or `vignettes user add`"
        ],
    )
