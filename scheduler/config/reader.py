"""Walking one TOML table while collecting problems instead of stopping at the first."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from scheduler.config.values import SECRET_LIKE

T = TypeVar("T")


class Reader:
    """Walks one TOML table, collecting problems instead of stopping at the first."""

    def __init__(self, data: Mapping[str, Any], prefix: str, problems: list[str]) -> None:
        self.data = data
        self.prefix = prefix
        self.problems = problems
        self.seen: set[str] = set()

    def _key(self, key: str) -> str:
        return f"{self.prefix}.{key}" if self.prefix else key

    def problem(self, key: str, message: str) -> None:
        self.problems.append(f"{self._key(key)}: {message}")

    def table(self, key: str) -> Reader:
        self.seen.add(key)
        value = self.data.get(key, {})
        if not isinstance(value, dict):
            self.problem(key, f"must be a table, got {type(value).__name__}")
            value = {}
        return Reader(value, self._key(key), self.problems)

    def get(self, key: str, kind: type[T], default: T) -> T:
        self.seen.add(key)
        if key not in self.data:
            return default
        value = self.data[key]
        ok = isinstance(value, kind) and not (kind is int and isinstance(value, bool))
        if not ok:
            self.problem(key, f"must be {_kind_name(kind)}, got {value!r}")
            return default
        return value  # type: ignore[no-any-return]

    def convert(self, key: str, default: str, parse: Callable[[str], T], fallback: T) -> T:
        text = self.get(key, str, default)
        try:
            return parse(text)
        except (ValueError, KeyError) as exc:
            # args[0]: a KeyError's str() would add quotes around the message.
            self.problem(key, str(exc.args[0]) if exc.args else str(exc))
            return fallback

    def strings(self, key: str, default: tuple[str, ...]) -> tuple[str, ...]:
        value = self.get(key, list, list(default))
        if not all(isinstance(v, str) for v in value):
            self.problem(key, "must be a list of strings")
            return default
        return tuple(value)

    def finish(self, *, allow_tables: tuple[str, ...] = ()) -> None:
        for key in self.data:
            if key in self.seen or key in allow_tables:
                continue
            if SECRET_LIKE.search(key):
                self.problem(
                    key,
                    "secrets are never read from config.toml; set them in the environment "
                    "or the 0600 secrets file named by VIGNETTES_SECRETS_FILE",
                )
            else:
                self.problem(key, "unknown key")


def _kind_name(kind: type) -> str:
    return {str: "a string", int: "a whole number", bool: "true or false", list: "a list"}.get(
        kind, kind.__name__
    )
