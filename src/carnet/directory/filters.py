"""Filters for listings: ``field__op=value`` turned into SQL conditions."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa

from carnet.directory.base import as_utc
from carnet.errors import InvalidValueError

_OPERATORS = ("eq", "ne", "lt", "lte", "gt", "gte", "contains", "startswith", "in", "isnull")


def _split_filter(key: str) -> tuple[str, str]:
    column, _, op = key.partition("__")
    op = op or "eq"
    if op not in _OPERATORS:
        raise InvalidValueError(
            f"Unknown filter operator '{op}' in '{key}'; use one of {', '.join(_OPERATORS)}."
        )
    return column, op


def _apply_operator(column: Any, op: str, value: Any) -> sa.ColumnElement[bool]:
    if op == "isnull":
        truthy = value if isinstance(value, bool) else str(value).lower() in ("1", "true", "yes")
        return column.is_(None) if truthy else column.is_not(None)  # type: ignore[no-any-return]
    if op == "in":
        values = value if isinstance(value, list | tuple | set) else str(value).split(",")
        return column.in_(list(values))  # type: ignore[no-any-return]
    if op in ("contains", "startswith"):
        text = str(value).lower()
        pattern = f"%{text}%" if op == "contains" else f"{text}%"
        return sa.func.lower(column).like(pattern)
    value = _coerce(column, value)
    result = {
        "eq": lambda: column == value,
        "ne": lambda: column != value,
        "lt": lambda: column < value,
        "lte": lambda: column <= value,
        "gt": lambda: column > value,
        "gte": lambda: column >= value,
    }[op]()
    return result  # type: ignore[no-any-return]


def _coerce(column: Any, value: Any) -> Any:
    """Turn filter strings from the CLI into the column's Python type."""
    if not isinstance(value, str):
        return value
    column_type = getattr(column, "type", None)
    try:
        if isinstance(column_type, sa.DateTime):
            return as_utc(datetime.fromisoformat(value))
        if isinstance(column_type, sa.Date):
            return date.fromisoformat(value)
        if isinstance(column_type, sa.Integer | sa.BigInteger):
            return int(value)
    except ValueError as exc:
        raise InvalidValueError(f"Filter value '{value}' does not fit {column.name}.") from exc
    return value
