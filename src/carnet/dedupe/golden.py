"""The golden record: which value of each field survives a merge.

Each contact column follows one survivorship rule:

=================  ===================================================================
rule               the surviving value
=================  ===================================================================
``most_recent``    the value written last (its history entry; else the contact's
                   ``updated_at``)
``most_frequent``  the value most members hold (ties: most recent)
``most_complete``  the longest value ("Jean-Pierre" over "J."; ties: most frequent)
``source_priority`` the value from the source with the lowest ``priority`` number
                   (ties: most recent); values typed by hand count as priority 0
``survivor``       the survivor's own value, others only fill a blank
``earliest``       the smallest (dates: customer since, first seen)
``latest``         the largest (last activity)
``union``          every member's items, without repeats (interests, tags)
=================  ===================================================================

A blank never wins over a value. Rules are configurable per field in
``carnet.toml``::

    [carnet.survivorship]
    job_title = "source_priority"
    first_name = "most_frequent"

Custom attributes (the ``attributes`` JSON) are merged key by key with the
``most_recent`` rule.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from carnet.clock import as_utc
from carnet.errors import ConfigError
from carnet.fields.name import fold, is_first_name

__all__ = [
    "DEFAULT_RULES",
    "MANUAL_SOURCE_PRIORITY",
    "RULES",
    "Member",
    "golden_values",
    "survivorship_rules",
]

RULES: tuple[str, ...] = (
    "most_recent",
    "most_frequent",
    "most_complete",
    "source_priority",
    "survivor",
    "earliest",
    "latest",
    "union",
)

#: Per contact column. Names are typed with care less often than they are
#: abbreviated, so the fullest spelling wins; a birth date most sources agree on
#: beats a one-off typo; roles and stages change, so the latest wins.
DEFAULT_RULES: dict[str, str] = {
    "civility": "most_frequent",
    "first_name": "most_complete",
    "last_name": "most_frequent",
    "birth_date": "most_frequent",
    "gender": "most_frequent",
    "language": "most_recent",
    "job_title": "most_recent",
    "pcs": "most_recent",
    "organisation_id": "most_recent",
    "lifecycle_stage": "most_recent",
    "customer_since": "earliest",
    "loyalty_id": "survivor",
    "iban_ciphertext": "most_recent",
    "interests": "union",
    "equipment": "union",
    "tags": "union",
    "first_seen": "earliest",
    "last_activity": "latest",
}

#: Values typed in carnet by a person (not imported) outrank every file.
MANUAL_SOURCE_PRIORITY = 0

#: The columns :func:`_oriented` turns the same way round in every member.
_NAMES = frozenset({"first_name", "last_name"})

# History names a few columns after the catalog field they hold.
HISTORY_FIELD = {"iban_ciphertext": "iban"}


def survivorship_rules(configured: Mapping[str, Any] | None) -> dict[str, str]:
    """The default rules overridden by ``[carnet.survivorship]``.

    Raises:
        ConfigError: on an unknown column or rule.
    """
    rules = dict(DEFAULT_RULES)
    for column, rule in (configured or {}).items():
        if column not in DEFAULT_RULES:
            raise ConfigError(
                f"[carnet.survivorship] names '{column}', which is not a mergeable contact "
                f"field; use one of: {', '.join(sorted(DEFAULT_RULES))}."
            )
        if rule not in RULES:
            raise ConfigError(
                f"[carnet.survivorship] {column} = '{rule}' is not a rule; "
                f"use one of: {', '.join(RULES)}."
            )
        rules[column] = str(rule)
    return rules


@dataclass(frozen=True)
class Member:
    """One contact of a cluster, as the rules see it.

    Attributes:
        row: the contact's columns.
        written_at: per column, when its current value was written.
        priority: per column, the priority of the source that wrote it.
        is_survivor: the contact whose id survives.
    """

    row: Mapping[str, Any]
    written_at: Mapping[str, datetime]
    priority: Mapping[str, int]
    is_survivor: bool = False


def _blank(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


_NEVER = datetime.min.replace(tzinfo=UTC)


def _recency(member: Member, column: str) -> datetime:
    when = member.written_at.get(HISTORY_FIELD.get(column, column))
    if when is None:
        updated = member.row.get("updated_at")
        when = updated if isinstance(updated, datetime) else None
    return as_utc(when) or _NEVER


def _key(value: Any) -> Any:
    return value.casefold() if isinstance(value, str) else value


def _pick(column: str, rule: str, members: Sequence[Member]) -> Any:
    holders = [m for m in members if not _blank(m.row.get(column))]
    if not holders:
        return next((m.row.get(column) for m in members if m.is_survivor), None)
    if rule == "union":
        items: list[Any] = []
        for m in sorted(members, key=lambda m: not m.is_survivor):
            for item in m.row.get(column) or []:
                if item not in items:
                    items.append(item)
        return items
    if rule == "earliest":
        return min(m.row[column] for m in holders)
    if rule == "latest":
        return max(m.row[column] for m in holders)
    if rule == "survivor":
        own = [m for m in holders if m.is_survivor]
        return (own or holders)[0].row[column]

    def recent(m: Member) -> tuple[datetime, bool]:
        return (_recency(m, column), m.is_survivor)

    counts = Counter(_key(m.row[column]) for m in holders)

    def frequent(m: Member) -> tuple[int, datetime, bool]:
        return (counts[_key(m.row[column])], *recent(m))

    if rule == "most_recent":
        best = max(holders, key=recent)
    elif rule == "most_frequent":
        best = max(holders, key=frequent)
    elif rule == "most_complete":
        best = max(holders, key=lambda m: (len(str(m.row[column]).strip(" .")), *frequent(m)))
    else:  # source_priority

        def ranked(m: Member) -> tuple[int, datetime, bool]:
            priority = m.priority.get(HISTORY_FIELD.get(column, column), 1_000_000)
            return (-priority, *recent(m))

        best = max(holders, key=ranked)
    return best.row[column]


def _name_key(value: Any) -> str:
    """A name as the orientation compares it: letters only, folded (``Anne-Sophie`` ~
    ``ANNESOPHIE``)."""
    return "".join(ch for ch in fold(str(value or "")) if ch.isalpha())


def _crossed(a: Member, b: Member) -> bool:
    """``a``'s first name is ``b``'s last name (or its last name ``b``'s first name) and
    not ``b``'s own first (last) name: one of the two was typed with its names the
    other way round (``Thomas`` / ``André`` ~ ``André`` / ``Thomas``)."""
    fa, la = _name_key(a.row.get("first_name")), _name_key(a.row.get("last_name"))
    fb, lb = _name_key(b.row.get("first_name")), _name_key(b.row.get("last_name"))
    return bool(fa and fa == lb and la != lb) or bool(la and la == fb and fa != fb)


def _turned(member: Member) -> Member:
    """The member with its first and last names (and what dates them) swapped."""

    def swap(values: Mapping[str, Any]) -> dict[str, Any]:
        out = dict(values)
        for a, b in (("first_name", "last_name"), ("last_name", "first_name")):
            if b in values:
                out[a] = values[b]
            else:
                out.pop(a, None)
        return out

    return Member(swap(member.row), swap(member.written_at), swap(member.priority),
                  member.is_survivor)


def _oriented(members: Sequence[Member]) -> list[Member]:
    """The members with their names one way round: a member whose first and last names
    are another's swapped (an event sheet's columns the other way round, that the
    matcher recognised) is turned to the way in which the names look right (a known
    first name or an initial as first name, no initial as last name), then the way
    most members write them, then the survivor's. Picked one column at
    a time, "André Thomas" and "Thomas André" gave "Thomas Thomas" (the longest first
    name, the most frequent last name)."""
    if not any(_crossed(a, b) for a in members for b in members):
        return list(members)

    def turned_to(reference: Member) -> list[Member]:
        return [_turned(m) if _crossed(m, reference) else m for m in members]

    def votes(m: Member) -> tuple[int, int, bool]:
        return (
            sum(map(_plausible, turned_to(m))),
            sum(not _crossed(m, other) for other in members),
            m.is_survivor,
        )

    return turned_to(max(members, key=votes))


def _initial(name: str) -> bool:
    return len(_name_key(name)) == 1


def _plausible(member: Member) -> int:
    """How much a member's names look the right way round: a known first name (or an
    initial) as first name counts for, an initial as last name against."""
    first, last = str(member.row.get("first_name") or ""), str(member.row.get("last_name") or "")
    return int(is_first_name(first) or _initial(first)) - int(_initial(last))


def golden_values(members: Sequence[Member], rules: Mapping[str, str]) -> dict[str, Any]:
    """The survivor's columns after the merge (only columns the rules cover, and attributes).

    Args:
        members: the cluster, survivor included.
        rules: column → rule (see :func:`survivorship_rules`).

    Returns:
        Column → surviving value, for every ruled column and ``attributes``.
    """
    named = _oriented(members)
    out = {
        column: _pick(column, rule, named if column in _NAMES else members)
        for column, rule in rules.items()
    }
    attributes: dict[str, Any] = {}
    keys = {k for m in members for k in (m.row.get("attributes") or {})}
    for key in sorted(keys):
        holders = [m for m in members if not _blank((m.row.get("attributes") or {}).get(key))]
        if holders:
            best = max(holders, key=lambda m: (_recency(m, key), m.is_survivor))
            attributes[key] = best.row["attributes"][key]
    out["attributes"] = attributes
    return out
