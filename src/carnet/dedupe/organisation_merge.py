"""Merging organisations into one, and undoing it exactly.

A merge folds organisations into a survivor (the oldest id):

- the survivor keeps its own values; a blank takes the value of the best
  informed member (one with a SIRET, then a SIREN, then the longest name), and
  the name becomes that member's when it has a registration number and the
  survivor none ("Agence Michel" becomes "Agence Michel SAS", the name the
  CRM keeps with the SIRET), written in mixed case when a member does; custom
  attributes are merged key by key;
- contacts and roles are re-pointed to the survivor (a contact holding the
  same role in both keeps one);
- the merged organisations stay, with status ``merged`` and ``merged_into_id``;
- the history of the organisations and of every contact moved records it.

``organisation_merges.snapshot`` keeps what an undo needs: the rows as they
were, the contacts and roles moved, the survivor's fields changed.
:func:`unmerge_organisations` puts everything back; survivor fields edited
after the merge keep their newer value.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from carnet.clock import utcnow
from carnet.dedupe.merge import (
    _decode,
    _encode,
    _plain,
    _rows,
    history_row,
    merge_history,
    unmerge_history,
)
from carnet.directory.organisations import ORGANISATION_COLUMNS
from carnet.errors import InvalidValueError, NotFoundError
from carnet.fields.organisation import name_key
from carnet.store import schema as s

__all__ = [
    "OrganisationMergeResult",
    "OrganisationUnmergeResult",
    "merge_organisations",
    "unmerge_organisations",
]

# Filled together or not at all: an address is one thing.
_ADDRESS = ("line1", "line2", "postcode", "city", "country")
_CHUNK = 500


@dataclass(frozen=True)
class OrganisationMergeResult:
    """What one organisation merge did."""

    merge_id: int
    survivor_id: int
    merged_ids: tuple[int, ...]
    changed_fields: tuple[str, ...]
    contacts_moved: int
    roles_moved: int


@dataclass(frozen=True)
class OrganisationUnmergeResult:
    """What one undo did; ``kept_fields`` were edited after the merge and keep that edit."""

    merge_id: int
    survivor_id: int
    restored_ids: tuple[int, ...]
    kept_fields: tuple[str, ...]
    contacts_restored: int


def _rank(row: Mapping[str, Any]) -> tuple[bool, bool, bool, int, int]:
    """Best informed first: a SIRET, a SIREN, a name not all in capitals, a longer name."""
    name = str(row["name"] or "")
    return (
        not row["siret"],
        not row["siren"],
        name.isupper(),
        -len(name),
        int(row["id"]),
    )


def _written_name(name: str, members: Sequence[Mapping[str, Any]]) -> str:
    """``name``, unless it is all in capitals and a member writes the same name in
    mixed case ("SCP FAURE" → "SCP Faure"): letters people can read in a letter."""
    if not name.isupper():
        return name
    key = name_key(name)
    readable = [
        str(r["name"])
        for r in members
        if r["name"] and not str(r["name"]).isupper() and name_key(str(r["name"])) == key
    ]
    return max(readable, key=len) if readable else name


def golden_organisation(
    survivor: Mapping[str, Any], members: Sequence[Mapping[str, Any]]
) -> dict[str, Any]:
    """The survivor's columns after the merge (only those that change)."""
    ranked = sorted(members, key=_rank)
    changes: dict[str, Any] = {}
    # The columns a person may set; identity and bookkeeping columns never move.
    for column in ORGANISATION_COLUMNS:
        if column in _ADDRESS or survivor[column] not in (None, ""):
            continue
        for row in ranked:
            if row[column] not in (None, ""):
                changes[column] = row[column]
                break
    if not any(survivor[c] for c in _ADDRESS):
        donor = next((r for r in ranked if any(r[c] for c in _ADDRESS)), None)
        if donor is not None:
            changes.update({c: donor[c] for c in _ADDRESS if donor[c] != survivor[c]})
    best = ranked[0]
    survivor_registered = bool(survivor["siret"] or survivor["siren"])
    if (
        best["id"] != survivor["id"]
        and (best["siret"] or best["siren"])
        and not survivor_registered
        and best["name"]
    ):
        changes["name"] = _written_name(str(best["name"]), members)
    attributes = dict(survivor["attributes"] or {})
    for row in ranked:
        for key, value in (row["attributes"] or {}).items():
            attributes.setdefault(key, value)
    if attributes != (survivor["attributes"] or {}):
        changes["attributes"] = attributes
    return {k: v for k, v in changes.items() if v != survivor[k]}


def merge_organisations(
    conn: Connection,
    survivor_id: int,
    merged_ids: Sequence[int],
    *,
    actor: str,
    reason: str,
) -> OrganisationMergeResult:
    """Merge organisations into a survivor, inside the caller's transaction.

    Raises:
        NotFoundError: an organisation does not exist.
        InvalidValueError: one is not active, or the survivor is among the merged.
    """
    merged = sorted({int(i) for i in merged_ids})
    if not merged:
        raise InvalidValueError("A merge needs at least one organisation to fold in.")
    if survivor_id in merged:
        raise InvalidValueError(f"Organisation {survivor_id} cannot be merged into itself.")
    o, c, roles = s.organisations, s.contacts, s.contact_roles
    ids = [survivor_id, *merged]
    rows = {int(r["id"]): r for r in _rows(conn, o, o.c.id.in_(ids))}
    for org_id in ids:
        row = rows.get(org_id)
        if row is None:
            raise NotFoundError(f"Organisation {org_id} does not exist.")
        if row["status"] != "active":
            raise InvalidValueError(
                f"Organisation {org_id} is {row['status']}, not active; only active "
                "organisations merge"
                + (
                    f" (it was merged into {row['merged_into_id']})."
                    if row["merged_into_id"]
                    else "."
                )
            )
    now = utcnow()
    survivor = rows[survivor_id]
    changes = golden_organisation(survivor, [rows[i] for i in ids])
    snapshot: dict[str, Any] = {
        "organisations": [_encode(o, rows[i]) for i in ids],
        "golden": {k: [_plain(survivor[k]), _plain(v)] for k, v in changes.items()},
    }
    merge_id = int(
        conn.execute(
            s.organisation_merges.insert().values(
                survivor_id=survivor_id,
                merged_ids=merged,
                snapshot={},
                reason=reason,
                decided_by=actor,
                created_at=now,
            )
        ).inserted_primary_key[0]  # type: ignore[index]
    )
    if changes:
        conn.execute(o.update().where(o.c.id == survivor_id).values(**changes, updated_at=now))
    moved: dict[str, list[int]] = {}
    for org_id in merged:
        contact_ids = [
            int(i)
            for i in conn.execute(
                sa.select(c.c.id).where(c.c.organisation_id == org_id).order_by(c.c.id)
            ).scalars()
        ]
        if contact_ids:
            moved[str(org_id)] = contact_ids
    if moved:
        conn.execute(
            c.update().where(c.c.organisation_id.in_(merged)).values(organisation_id=survivor_id)
        )
    own_roles = {
        (r["contact_id"], r["role"])
        for r in _rows(conn, roles, roles.c.organisation_id == survivor_id)
    }
    role_rows: list[dict[str, Any]] = []
    roles_moved = 0
    for r in _rows(conn, roles, roles.c.organisation_id.in_(merged)):
        where = sa.and_(
            roles.c.contact_id == r["contact_id"],
            roles.c.organisation_id == r["organisation_id"],
            roles.c.role == r["role"],
        )
        # The contact already holding this role at the survivor keeps that row.
        key = (r["contact_id"], r["role"])
        move = key not in own_roles
        role_rows.append({"row": _encode(roles, r), "moved": move})
        if move:
            own_roles.add(key)
            conn.execute(roles.update().where(where).values(organisation_id=survivor_id))
            roles_moved += 1
        else:
            conn.execute(roles.delete().where(where))
    conn.execute(
        o.update()
        .where(o.c.id.in_(merged))
        .values(status="merged", merged_into_id=survivor_id, updated_at=now)
    )
    snapshot["contacts"] = moved
    snapshot["roles"] = role_rows
    conn.execute(
        s.organisation_merges.update()
        .where(s.organisation_merges.c.id == merge_id)
        .values(snapshot=snapshot)
    )
    source = f"organisation merge {merge_id}"
    history = merge_history(
        "organisation",
        survivor_id,
        merged,
        survivor,
        changes,
        source=source,
        actor=actor,
        reason=reason,
        when=now,
    )
    history += [
        history_row(
            "contact",
            cid,
            "organisation_id",
            owner,
            str(survivor_id),
            source=source,
            actor=actor,
            reason=reason,
            when=now,
        )
        for owner, contact_ids in moved.items()
        for cid in contact_ids
    ]
    conn.execute(s.history.insert(), history)
    return OrganisationMergeResult(
        merge_id=merge_id,
        survivor_id=survivor_id,
        merged_ids=tuple(merged),
        changed_fields=tuple(changes),
        contacts_moved=sum(len(v) for v in moved.values()),
        roles_moved=roles_moved,
    )


def unmerge_organisations(
    conn: Connection, merge_id: int, *, actor: str, reason: str | None = None
) -> OrganisationUnmergeResult:
    """Undo an organisation merge, inside the caller's transaction.

    Contacts moved by the merge go back to their organisation unless they were
    linked elsewhere since; the survivor gets back the fields the merge
    changed unless they were edited since.

    Raises:
        NotFoundError: no such merge.
        InvalidValueError: already undone; the survivor was merged again since, or a
            later merge into it changed the same fields (undo that one first).
    """
    m, o, c, roles = s.organisation_merges, s.organisations, s.contacts, s.contact_roles
    merge = conn.execute(sa.select(m).where(m.c.id == merge_id)).mappings().first()
    if merge is None:
        raise NotFoundError(
            f"Organisation merge {merge_id} does not exist; "
            "`carnet organisations merges` lists them."
        )
    if merge["undone_at"] is not None:
        raise InvalidValueError(f"Organisation merge {merge_id} was already undone.")
    survivor_id = int(merge["survivor_id"])
    snapshot: dict[str, Any] = merge["snapshot"]
    current = conn.execute(sa.select(o).where(o.c.id == survivor_id)).mappings().first()
    if current is None:
        raise InvalidValueError(
            f"Organisation {survivor_id}, the survivor of merge {merge_id}, was deleted."
        )
    if current["status"] == "merged":
        later = conn.execute(
            sa.select(sa.func.max(m.c.id)).where(
                m.c.survivor_id == current["merged_into_id"], m.c.undone_at.is_(None)
            )
        ).scalar()
        raise InvalidValueError(
            f"Organisation {survivor_id} was merged into {current['merged_into_id']} after "
            f"merge {merge_id}; undo organisation merge {later} first."
        )
    golden = set(snapshot.get("golden", {}))
    for later_id, later_snapshot in conn.execute(
        sa.select(m.c.id, m.c.snapshot).where(
            m.c.survivor_id == survivor_id, m.c.id > merge_id, m.c.undone_at.is_(None)
        )
    ):
        fields = sorted(golden & set((later_snapshot or {}).get("golden", {})))
        if fields:
            raise InvalidValueError(
                f"Organisation merge {later_id} changed {', '.join(fields)} again after merge "
                f"{merge_id}; undo organisation merge {later_id} first."
            )
    now = utcnow()
    merged = [int(i) for i in merge["merged_ids"]]
    present = set(conn.execute(sa.select(o.c.id).where(o.c.id.in_(merged))).scalars())
    gone = [i for i in merged if i not in present]
    if gone:
        raise InvalidValueError(
            f"Organisation {gone[0]}, folded in by merge {merge_id}, was deleted since; "
            "the merge cannot be undone."
        )
    before = {int(r["id"]): _decode(o, r) for r in snapshot["organisations"]}
    for org_id in merged:
        values = {k: v for k, v in before[org_id].items() if k != "id"}
        conn.execute(o.update().where(o.c.id == org_id).values(**values))
    restore: dict[str, Any] = {}
    kept: list[str] = []
    for column, (_old, new) in snapshot.get("golden", {}).items():
        if _plain(current[column]) == new:
            restore[column] = before[survivor_id][column]
        else:
            kept.append(column)
    if restore:
        conn.execute(o.update().where(o.c.id == survivor_id).values(**restore, updated_at=now))
    restored = 0
    history: list[dict[str, Any]] = []
    source = f"organisation merge {merge_id}"
    why = reason or f"{source} undone"
    for owner, contact_ids in snapshot.get("contacts", {}).items():
        for start in range(0, len(contact_ids), _CHUNK):
            chunk = contact_ids[start : start + _CHUNK]
            # Only contacts still at the survivor: one linked elsewhere since keeps that link.
            still = [
                int(i)
                for i in conn.execute(
                    sa.select(c.c.id).where(c.c.id.in_(chunk), c.c.organisation_id == survivor_id)
                ).scalars()
            ]
            if still:
                conn.execute(c.update().where(c.c.id.in_(still)).values(organisation_id=int(owner)))
                restored += len(still)
                history += [
                    history_row(
                        "contact",
                        cid,
                        "organisation_id",
                        str(survivor_id),
                        owner,
                        source=source,
                        actor=actor,
                        reason=why,
                        when=now,
                    )
                    for cid in still
                ]
    for role in snapshot.get("roles", []):
        values = _decode(roles, role["row"])
        if role["moved"]:
            conn.execute(
                roles.delete().where(
                    roles.c.contact_id == values["contact_id"],
                    roles.c.organisation_id == survivor_id,
                    roles.c.role == values["role"],
                )
            )
        exists = conn.execute(
            sa.select(sa.func.count())
            .select_from(roles)
            .where(
                roles.c.contact_id == values["contact_id"],
                roles.c.organisation_id == values["organisation_id"],
                roles.c.role == values["role"],
            )
        ).scalar_one()
        contact_alive = conn.execute(
            sa.select(sa.func.count()).select_from(c).where(c.c.id == values["contact_id"])
        ).scalar_one()
        if not exists and contact_alive:
            conn.execute(roles.insert().values(**values))
    conn.execute(m.update().where(m.c.id == merge_id).values(undone_at=now))
    history += unmerge_history(
        "organisation", survivor_id, merged, source=source, actor=actor, reason=why, when=now
    )
    conn.execute(s.history.insert(), history)
    return OrganisationUnmergeResult(merge_id, survivor_id, tuple(merged), tuple(kept), restored)
