"""Merging contacts into one, and undoing it exactly.

A merge folds contacts into a survivor (the oldest id, the one people know):

- the survivor's columns become the golden record (:mod:`carnet.dedupe.golden`);
- every contact point moves to the survivor; the same value twice (same kind,
  same normalised value) is kept once, with the earliest first-seen and the
  latest last-seen and verification;
- external ids, roles, events, orders and carts are re-pointed;
- consent: the ledger is append-only, so the merged contacts' events are
  *copied* onto the survivor (their proof names the merge and the original
  event) and the survivor's state follows the most recent expression of will;
- the merged contacts stay, with status ``merged`` and ``merged_into_id``;
- the history of every contact involved records the merge.

Everything needed to undo it is kept in ``merges.snapshot``: the contacts'
rows, which points/ids/events moved from whom, the duplicate points removed,
the survivor's consent state. :func:`unmerge` puts everything back; survivor
fields edited *after* the merge keep their newer value, and the consent
copies of an undone merge no longer count (see
:func:`carnet.consent.ledger.compute_state`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from carnet.clock import as_utc, utcnow
from carnet.consent.ledger import ConsentEventIn, append_events, compute_state
from carnet.dedupe.golden import MANUAL_SOURCE_PRIORITY, Member, golden_values
from carnet.directory.base import history_text
from carnet.errors import InvalidValueError, NotFoundError
from carnet.model import DECEASED, ON_FILE
from carnet.store import schema as s

__all__ = [
    "MergeResult",
    "UnmergeResult",
    "history_row",
    "merge_contacts",
    "merge_history",
    "unmerge",
    "unmerge_history",
]

# Columns a merge or an unmerge never copies between contacts.
_IDENTITY = ("id", "status", "merged_into_id", "created_at")
_ACTIVITY_TABLES = {"events": s.events, "orders": s.orders, "carts": s.carts}


@dataclass(frozen=True)
class MergeResult:
    """What one merge did."""

    merge_id: int
    survivor_id: int
    merged_ids: tuple[int, ...]
    changed_fields: tuple[str, ...]
    points_moved: int
    points_deduplicated: int
    records_moved: int
    consent_events_copied: int


@dataclass(frozen=True)
class UnmergeResult:
    """What one unmerge did; ``kept_fields`` were edited after the merge and keep that edit."""

    merge_id: int
    survivor_id: int
    restored_ids: tuple[int, ...]
    kept_fields: tuple[str, ...]


# -- JSON snapshots of rows ---------------------------------------------------------------


def _encode(table: sa.Table, row: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for column in table.columns:
        value = row[column.name]
        if isinstance(value, datetime | date):
            value = value.isoformat()
        # str(): column names are a str subclass, which JSON encoders refuse as keys.
        out[str(column.name)] = value
    return out


def _decode(table: sa.Table, data: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for column in table.columns:
        value = data.get(column.name)
        if isinstance(value, str):
            python_type = _python_type(column)
            if python_type is datetime:
                value = datetime.fromisoformat(value)
            elif python_type is date:
                value = date.fromisoformat(value)
        out[column.name] = value
    return out


def _python_type(column: sa.Column[Any]) -> type | None:
    try:
        return column.type.python_type
    except NotImplementedError:
        return None


def _rows(conn: Connection, table: sa.Table, condition: Any) -> list[dict[str, Any]]:
    return [dict(r) for r in conn.execute(sa.select(table).where(condition)).mappings()]


# -- merge ------------------------------------------------------------------------------


def _members(
    conn: Connection, contacts: Sequence[Mapping[str, Any]], survivor_id: int
) -> list[Member]:
    """The cluster with, per field, when and from which source its value was written."""
    h, src = s.history, s.sources
    ids = [int(c["id"]) for c in contacts]
    priorities = {
        str(r.name): int(r.priority) for r in conn.execute(sa.select(src.c.name, src.c.priority))
    }
    latest = (
        sa.select(h.c.entity_id, h.c.field, sa.func.max(h.c.id).label("last_id"))
        .where(h.c.entity == "contact", h.c.entity_id.in_(ids), h.c.new_value.is_not(None))
        .group_by(h.c.entity_id, h.c.field)
        .subquery()
    )
    written: dict[int, dict[str, datetime]] = defaultdict(dict)
    priority: dict[int, dict[str, int]] = defaultdict(dict)
    for r in conn.execute(
        sa.select(h.c.entity_id, h.c.field, h.c.source, h.c.changed_at).join(
            latest, h.c.id == latest.c.last_id
        )
    ):
        when = as_utc(r.changed_at)
        if when is not None:
            written[int(r.entity_id)][r.field] = when
        # A value no file brought (typed in the app or the CLI) outranks every file.
        priority[int(r.entity_id)][r.field] = priorities.get(r.source, MANUAL_SOURCE_PRIORITY)
    return [
        Member(c, written[int(c["id"])], priority[int(c["id"])], int(c["id"]) == survivor_id)
        for c in contacts
    ]


def _merge_points(
    conn: Connection, survivor_id: int, merged_ids: Sequence[int], snapshot: dict[str, Any]
) -> tuple[int, int]:
    """Move every point to the survivor, keeping one point per (kind, value)."""
    cp = s.contact_points
    rows = _rows(conn, cp, cp.c.contact_id.in_([survivor_id, *merged_ids]))
    # The survivor's own points first, then the oldest: the first of a value is kept.
    rows.sort(key=lambda r: (r["contact_id"] != survivor_id, r["id"]))
    kept: dict[tuple[str, str], dict[str, Any]] = {}
    has_primary = {r["kind"] for r in rows if r["contact_id"] == survivor_id and r["is_primary"]}
    moved: list[list[Any]] = []
    deleted: list[dict[str, Any]] = []
    before: dict[int, dict[str, Any]] = {}
    for row in rows:
        key = _point_key(row)
        keeper = kept.get(key)
        if keeper is None:
            kept[key] = row
            if row["contact_id"] != survivor_id:
                before[row["id"]] = _encode(cp, row)
                moved.append([row["id"], row["contact_id"]])
                primary = row["is_primary"] and row["kind"] not in has_primary
                if primary:
                    has_primary.add(row["kind"])
                conn.execute(
                    cp.update()
                    .where(cp.c.id == row["id"])
                    .values(contact_id=survivor_id, is_primary=primary)
                )
            continue
        deleted.append(_encode(cp, row))
        changes = _fold_point(keeper, row)
        if changes:
            before.setdefault(keeper["id"], _encode(cp, keeper))
            keeper.update(changes)
            conn.execute(cp.update().where(cp.c.id == keeper["id"]).values(**changes))
        conn.execute(cp.delete().where(cp.c.id == row["id"]))
    snapshot["points"] = {"moved": moved, "deleted": deleted, "before": list(before.values())}
    return len(moved), len(deleted)


def _fold_point(keeper: Mapping[str, Any], duplicate: Mapping[str, Any]) -> dict[str, Any]:
    """What the kept point learns from its duplicate: the widest seen/verified span."""
    changes: dict[str, Any] = {}
    for column, pick in (("first_seen", min), ("last_seen", max), ("last_verified", max)):
        values = [v for v in (keeper[column], duplicate[column]) if v is not None]
        if values:
            best = pick(values, key=lambda v: as_utc(v) or v)
            if best is not keeper[column] and best != keeper[column]:
                changes[column] = best
    return changes


def _move_keys(
    conn: Connection, survivor_id: int, merged_ids: Sequence[int], snapshot: dict[str, Any]
) -> int:
    """Re-point external ids, roles and activity; return how many rows moved."""
    ext, roles = s.external_ids, s.contact_roles
    moved = 0
    ext_rows = _rows(conn, ext, ext.c.contact_id.in_(merged_ids))
    snapshot["external_ids"] = [
        [r["source_id"], r["external_id"], r["contact_id"]] for r in ext_rows
    ]
    if ext_rows:
        conn.execute(
            ext.update().where(ext.c.contact_id.in_(merged_ids)).values(contact_id=survivor_id)
        )
        moved += len(ext_rows)
    own_roles = {
        (r["organisation_id"], r["role"])
        for r in _rows(conn, roles, roles.c.contact_id == survivor_id)
    }
    snapshot["roles"] = []
    for r in _rows(conn, roles, roles.c.contact_id.in_(merged_ids)):
        key = (r["organisation_id"], r["role"])
        where = sa.and_(
            roles.c.contact_id == r["contact_id"],
            roles.c.organisation_id == r["organisation_id"],
            roles.c.role == r["role"],
        )
        # The survivor already holding the role keeps its own row.
        moved_role = key not in own_roles
        snapshot["roles"].append({"row": _encode(roles, r), "moved": moved_role})
        if moved_role:
            own_roles.add(key)
            conn.execute(roles.update().where(where).values(contact_id=survivor_id))
            moved += 1
        else:
            conn.execute(roles.delete().where(where))
    activity: dict[str, dict[str, list[int]]] = {}
    for name, table in _ACTIVITY_TABLES.items():
        owners: dict[str, list[int]] = defaultdict(list)
        for record_id, owner in conn.execute(
            sa.select(table.c.id, table.c.contact_id).where(table.c.contact_id.in_(merged_ids))
        ):
            owners[str(owner)].append(int(record_id))
        if owners:
            conn.execute(
                table.update()
                .where(table.c.contact_id.in_(merged_ids))
                .values(contact_id=survivor_id)
            )
            moved += sum(len(v) for v in owners.values())
        activity[name] = dict(owners)
    snapshot["activity"] = activity
    return moved


def _copy_consent(
    conn: Connection,
    merge_id: int,
    survivor_id: int,
    merged_ids: Sequence[int],
    snapshot: dict[str, Any],
) -> int:
    """Copy the merged contacts' consent events onto the survivor (the ledger never moves)."""
    t, st = s.consent_events, s.consent_state
    snapshot["consent_state"] = [
        _encode(st, r) for r in _rows(conn, st, st.c.contact_id == survivor_id)
    ]
    # Copies an undone merge left on a merged contact no longer count: not copied again.
    m = s.merges
    undone_copies: set[int] = set()
    for (undone,) in conn.execute(
        sa.select(m.c.snapshot).where(m.c.survivor_id.in_(merged_ids), m.c.undone_at.is_not(None))
    ):
        undone_copies.update(int(i) for i in (undone or {}).get("consent_event_ids", []))
    originals = [
        e
        for e in conn.execute(
            sa.select(t).where(t.c.contact_id.in_(merged_ids)).order_by(t.c.id)
        ).mappings()
        if e["id"] not in undone_copies
    ]
    copies = [
        ConsentEventIn(
            contact_id=survivor_id,
            purpose=e["purpose"],
            channel=e["channel"],
            action=e["action"],
            legal_basis=e["legal_basis"],
            occurred_at=as_utc(e["occurred_at"]) or utcnow(),
            proof={
                **{k: v for k, v in (e["proof"] or {}).items() if not str(k).startswith("_")},
                "merge_id": merge_id,
                "merged_contact": e["contact_id"],
                "merged_event": e["id"],
            },
            wording_hash=e["wording_hash"],
        )
        for e in originals
    ]
    ids = append_events(conn, copies)
    snapshot["consent_event_ids"] = ids
    return len(ids)


def merge_contacts(
    conn: Connection,
    survivor_id: int,
    merged_ids: Sequence[int],
    *,
    rules: Mapping[str, str],
    actor: str,
    reason: str,
    pair_ids: Sequence[int] = (),
) -> MergeResult:
    """Merge contacts into a survivor, inside the caller's transaction.

    Args:
        conn: a connection in a transaction.
        survivor_id: the contact that remains.
        merged_ids: the contacts folded into it.
        rules: survivorship rules (:func:`carnet.dedupe.golden.survivorship_rules`).
        actor: who decided (user name, or ``dedupe`` for automatic merges).
        reason: why, in words (the match probability and its top evidence).
        pair_ids: the ``match_pairs`` behind the decision, marked merged.

    Raises:
        NotFoundError: a contact does not exist.
        InvalidValueError: a contact is not active, or the survivor is among the merged.
    """
    merged = sorted({int(i) for i in merged_ids})
    if not merged:
        raise InvalidValueError("A merge needs at least one contact to fold into the survivor.")
    if survivor_id in merged:
        raise InvalidValueError(f"Contact {survivor_id} cannot be merged into itself.")
    c = s.contacts
    ids = [survivor_id, *merged]
    contacts = {int(r["id"]): r for r in _rows(conn, c, c.c.id.in_(ids))}
    for contact_id in ids:
        row = contacts.get(contact_id)
        if row is None:
            raise NotFoundError(f"Contact {contact_id} does not exist.", contact_id=contact_id)
        if row["status"] not in ON_FILE:
            raise InvalidValueError(
                f"Contact {contact_id} is {row['status']}, not active; only active (or "
                "deceased) contacts merge"
                + (
                    f" (it was merged into {row['merged_into_id']})."
                    if row["merged_into_id"]
                    else "."
                )
            )
    now = utcnow()
    snapshot: dict[str, Any] = {"contacts": [_encode(c, contacts[i]) for i in ids]}
    merge_id = int(
        conn.execute(
            s.merges.insert().values(
                survivor_id=survivor_id,
                merged_ids=merged,
                snapshot={},
                reason=reason,
                decided_by=actor,
                created_at=now,
            )
        ).inserted_primary_key[0]  # type: ignore[index]
    )
    survivor = contacts[survivor_id]
    golden = golden_values(_members(conn, [contacts[i] for i in ids], survivor_id), rules)
    changes = {k: v for k, v in golden.items() if v != survivor[k]}
    if survivor["status"] != DECEASED and any(contacts[i]["status"] == DECEASED for i in merged):
        # a death is not undone by a livelier duplicate; unmerge gives each its own back
        changes["status"] = DECEASED
    snapshot["golden"] = {k: [_plain(survivor[k]), _plain(v)] for k, v in changes.items()}
    if changes:
        conn.execute(c.update().where(c.c.id == survivor_id).values(**changes, updated_at=now))
    points_moved, points_deduplicated = _merge_points(conn, survivor_id, merged, snapshot)
    records_moved = _move_keys(conn, survivor_id, merged, snapshot)
    conn.execute(
        c.update()
        .where(c.c.id.in_(merged))
        .values(status="merged", merged_into_id=survivor_id, updated_at=now)
    )
    copied = _copy_consent(conn, merge_id, survivor_id, merged, snapshot)
    quality = _rows(conn, s.quality_scores, s.quality_scores.c.contact_id.in_(merged))
    snapshot["quality"] = [_encode(s.quality_scores, r) for r in quality]
    conn.execute(s.quality_scores.delete().where(s.quality_scores.c.contact_id.in_(merged)))
    if pair_ids:
        conn.execute(
            s.match_pairs.update()
            .where(s.match_pairs.c.id.in_(list(pair_ids)), s.match_pairs.c.status != "rejected")
            .values(status="merged", decided_by=actor, decided_at=now)
        )
    conn.execute(s.merges.update().where(s.merges.c.id == merge_id).values(snapshot=snapshot))
    history = merge_history(
        "contact",
        survivor_id,
        merged,
        survivor,
        changes,
        source=f"merge {merge_id}",
        actor=actor,
        reason=reason,
        when=now,
    )
    conn.execute(s.history.insert(), history)
    return MergeResult(
        merge_id=merge_id,
        survivor_id=survivor_id,
        merged_ids=tuple(merged),
        changed_fields=tuple(changes),
        points_moved=points_moved,
        points_deduplicated=points_deduplicated,
        records_moved=records_moved,
        consent_events_copied=copied,
    )


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime | date) else value


def history_row(
    entity: str,
    entity_id: int,
    field: str,
    old: str | None,
    new: str | None,
    *,
    source: str,
    actor: str,
    reason: str,
    when: datetime,
) -> dict[str, Any]:
    """One ``history`` row written by a merge or an unmerge."""
    return {
        "entity": entity,
        "entity_id": entity_id,
        "field": field,
        "old_value": old,
        "new_value": new,
        "source": source,
        "import_id": None,
        "reason": reason,
        "actor": actor,
        "changed_at": when,
    }


def merge_history(
    entity: str,
    survivor_id: int,
    merged: Sequence[int],
    before: Mapping[str, Any],
    changes: Mapping[str, Any],
    *,
    source: str,
    actor: str,
    reason: str,
    when: datetime,
) -> list[dict[str, Any]]:
    """A merge in the history: on the survivor (what it absorbed, each golden field
    changed from ``before``, custom attributes aside) and on each merged record."""
    rows = [
        history_row(
            entity,
            survivor_id,
            "merge",
            None,
            ", ".join(map(str, merged)),
            source=source,
            actor=actor,
            reason=reason,
            when=when,
        )
    ]
    rows += [
        history_row(
            entity,
            survivor_id,
            k,
            history_text(k, before[k]),
            history_text(k, v),
            source=source,
            actor=actor,
            reason=reason,
            when=when,
        )
        for k, v in changes.items()
        if k != "attributes"
    ]
    rows += [
        history_row(
            entity,
            m,
            "merged_into",
            None,
            str(survivor_id),
            source=source,
            actor=actor,
            reason=reason,
            when=when,
        )
        for m in merged
    ]
    return rows


def unmerge_history(
    entity: str,
    survivor_id: int,
    merged: Sequence[int],
    *,
    source: str,
    actor: str,
    reason: str,
    when: datetime,
) -> list[dict[str, Any]]:
    """An undone merge in the history: on the survivor and on each record restored."""
    rows = [
        history_row(
            entity,
            survivor_id,
            "unmerge",
            ", ".join(map(str, merged)),
            None,
            source=source,
            actor=actor,
            reason=reason,
            when=when,
        )
    ]
    rows += [
        history_row(
            entity,
            i,
            "merged_into",
            str(survivor_id),
            None,
            source=source,
            actor=actor,
            reason=reason,
            when=when,
        )
        for i in merged
    ]
    return rows


# -- unmerge ----------------------------------------------------------------------------


def _point_key(point: Mapping[str, Any]) -> tuple[str, str]:
    """The value two points of one contact may not share (as ``_merge_points`` keys them)."""
    return (point["kind"], point["normalised"] or point["raw"] or f"#{point['id']}")


def _later_dependent_merge(
    conn: Connection, merge_id: int, survivor_id: int, snapshot: Mapping[str, Any]
) -> tuple[int, str] | None:
    """A later merge into the same survivor that an undo of ``merge_id`` would break.

    Returns its id and what it did. A later merge depends on this one when it
    chose again a field this merge chose (the golden value then mixes both), or
    when it deleted its own copy of a value because a point this merge brought
    already held it, or widened the dates of such a point: moving that point
    back would take the value away from the contacts the later merge folded in.
    Independent later merges do not block.
    """
    m, cp = s.merges, s.contact_points
    points = snapshot["points"]
    golden = set(snapshot.get("golden", {}))
    moved_ids = {int(point_id) for point_id, _owner in points["moved"]}
    touched_ids = moved_ids | {int(p["id"]) for p in points["before"]}
    later = conn.execute(
        sa.select(m.c.id, m.c.snapshot)
        .where(m.c.survivor_id == survivor_id, m.c.id > merge_id, m.c.undone_at.is_(None))
        .order_by(m.c.id.desc())
    ).all()
    moved_keys: set[tuple[str, str]] | None = None
    for later_id, later_snapshot in later:
        fields = sorted(golden & set(later_snapshot.get("golden", {})))
        if fields:
            return int(later_id), f"chose {', '.join(fields)} again"
        later_points = later_snapshot["points"]
        if touched_ids & {int(p["id"]) for p in later_points["before"]}:
            return int(later_id), "folded contact points into ones it brought"
        if later_points["deleted"] and moved_ids:
            if moved_keys is None:
                moved_keys = {
                    _point_key(dict(r))
                    for r in conn.execute(
                        sa.select(cp.c.id, cp.c.kind, cp.c.normalised, cp.c.raw).where(
                            cp.c.id.in_(moved_ids)
                        )
                    ).mappings()
                }
            if moved_keys & {_point_key(p) for p in later_points["deleted"]}:
                return int(later_id), "folded contact points into ones it brought"
    return None


def unmerge(
    conn: Connection, merge_id: int, *, actor: str, reason: str | None = None
) -> UnmergeResult:
    """Undo a merge, inside the caller's transaction.

    Raises:
        NotFoundError: no such merge.
        InvalidValueError: already undone, or the survivor was merged again since, or
            a later merge into it chose the same fields again or folded points into
            ones this merge brought (undo that later merge first).
    """
    m, c, cp = s.merges, s.contacts, s.contact_points
    merge = conn.execute(sa.select(m).where(m.c.id == merge_id)).mappings().first()
    if merge is None:
        raise NotFoundError(f"Merge {merge_id} does not exist; `carnet merges` lists them.")
    if merge["undone_at"] is not None:
        raise InvalidValueError(f"Merge {merge_id} was already undone.")
    survivor_id = int(merge["survivor_id"])
    snapshot: dict[str, Any] = merge["snapshot"]
    status = conn.execute(
        sa.select(c.c.status, c.c.merged_into_id).where(c.c.id == survivor_id)
    ).first()
    if status is None:
        raise InvalidValueError(
            f"Contact {survivor_id}, the survivor of merge {merge_id}, is gone."
        )
    if status.status == "merged":
        later = conn.execute(
            sa.select(sa.func.max(m.c.id)).where(
                m.c.survivor_id == status.merged_into_id, m.c.undone_at.is_(None)
            )
        ).scalar()
        raise InvalidValueError(
            f"Contact {survivor_id} was merged into {status.merged_into_id} after merge "
            f"{merge_id}; undo merge {later} first."
        )
    blocker = _later_dependent_merge(conn, merge_id, survivor_id, snapshot)
    if blocker is not None:
        later_id, what = blocker
        raise InvalidValueError(
            f"Merge {later_id} {what} after merge {merge_id} (contact {survivor_id}); "
            f"undo merge {later_id} first."
        )
    now = utcnow()
    merged = [int(i) for i in merge["merged_ids"]]
    rows = {int(r["id"]): _decode(c, r) for r in snapshot["contacts"]}
    # Merged contacts come back exactly as they were.
    for contact_id in merged:
        values = {k: v for k, v in rows[contact_id].items() if k != "id"}
        values["organisation_id"] = _active_organisation(conn, values["organisation_id"])
        conn.execute(c.update().where(c.c.id == contact_id).values(**values))
    # The survivor gets back what the merge changed, unless it was edited since.
    current = dict(conn.execute(sa.select(c).where(c.c.id == survivor_id)).mappings().one())
    restore: dict[str, Any] = {}
    kept: list[str] = []
    before = rows[survivor_id]
    for column, (_old, new) in snapshot.get("golden", {}).items():
        if _plain(current[column]) == new:
            restore[column] = before[column]
        else:
            kept.append(column)
    if "organisation_id" in restore:
        restore["organisation_id"] = _active_organisation(conn, restore["organisation_id"])
    if restore:
        conn.execute(c.update().where(c.c.id == survivor_id).values(**restore, updated_at=now))
    points = snapshot["points"]
    for point in points["deleted"]:
        conn.execute(cp.insert().values(**_decode(cp, point)))
    for point in points["before"]:
        values = _decode(cp, point)
        conn.execute(
            cp.update()
            .where(cp.c.id == values["id"])
            .values(
                contact_id=values["contact_id"],
                is_primary=values["is_primary"],
                first_seen=values["first_seen"],
                last_seen=values["last_seen"],
                last_verified=values["last_verified"],
            )
        )
    ext, roles = s.external_ids, s.contact_roles
    for source_id, external_id, owner in snapshot["external_ids"]:
        conn.execute(
            ext.update()
            .where(ext.c.source_id == source_id, ext.c.external_id == external_id)
            .values(contact_id=owner)
        )
    for role in snapshot["roles"]:
        values = _decode(roles, role["row"])
        if role["moved"]:
            conn.execute(
                roles.delete().where(
                    roles.c.contact_id == survivor_id,
                    roles.c.organisation_id == values["organisation_id"],
                    roles.c.role == values["role"],
                )
            )
        conn.execute(roles.insert().values(**values))
    for name, owners in snapshot["activity"].items():
        table = _ACTIVITY_TABLES[name]
        for owner, ids in owners.items():
            for chunk_start in range(0, len(ids), 500):
                conn.execute(
                    table.update()
                    .where(table.c.id.in_(ids[chunk_start : chunk_start + 500]))
                    .values(contact_id=int(owner))
                )
    if snapshot["quality"]:
        conn.execute(
            s.quality_scores.insert(), [_decode(s.quality_scores, q) for q in snapshot["quality"]]
        )
    conn.execute(m.update().where(m.c.id == merge_id).values(undone_at=now))
    _restore_consent_state(conn, survivor_id)
    if len(merged) == 1:
        lo, hi = sorted((survivor_id, merged[0]))
        conn.execute(
            s.match_pairs.update()
            .where(s.match_pairs.c.contact_id_l == lo, s.match_pairs.c.contact_id_r == hi)
            .values(status="rejected", decided_by=actor, decided_at=now)
        )
    why = reason or f"merge {merge_id} undone"
    history = unmerge_history(
        "contact",
        survivor_id,
        merged,
        source=f"merge {merge_id}",
        actor=actor,
        reason=why,
        when=now,
    )
    conn.execute(s.history.insert(), history)
    return UnmergeResult(merge_id, survivor_id, tuple(merged), tuple(kept))


def _active_organisation(conn: Connection, organisation_id: int | None) -> int | None:
    """The organisation a contact should point to now: the one its old organisation was
    merged into since, if any (organisation merges happen independently)."""
    o = s.organisations
    seen: set[int] = set()
    while organisation_id is not None and organisation_id not in seen:
        seen.add(organisation_id)
        row = conn.execute(
            sa.select(o.c.status, o.c.merged_into_id).where(o.c.id == organisation_id)
        ).first()
        if row is None:
            return None
        if row.status != "merged" or row.merged_into_id is None:
            return organisation_id
        organisation_id = int(row.merged_into_id)
    return organisation_id


def _restore_consent_state(conn: Connection, contact_id: int) -> None:
    """Recompute a contact's consent state from the ledger, without undone merge copies."""
    st = s.consent_state
    wanted = compute_state(conn, [contact_id])
    conn.execute(st.delete().where(st.c.contact_id == contact_id))
    rows = [
        {
            "contact_id": row.contact_id,
            "purpose": row.purpose,
            "channel": row.channel,
            "status": row.status,
            "since": row.since,
            "event_id": row.event_id,
        }
        for row in wanted.values()
    ]
    if rows:
        conn.execute(st.insert(), rows)
