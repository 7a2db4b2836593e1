"""Fixes the quality report offers: accept suggested corrections, review, undo.

Each fix kind finds contact points with a suggestion (``email-typos``: the
corrected address the email checker proposes, for a typo in the domain or an @
lost in typing; ``postcodes``: the one postcode
La Poste's table gives for the city) and applies it through the workspace's
normal edit path (:meth:`update_contact` then :meth:`remove_contact_point`), so
every change is in the history with the reason ``fix N: ...``. A fix run is
recorded in the audit log (ids and counts only); :func:`undo` replays its
history backwards.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from carnet.errors import InvalidValueError, NotFoundError
from carnet.fields import email as email_field
from carnet.fields.postcodes import PostcodeTable
from carnet.privacy import audit
from carnet.store import schema as s

if TYPE_CHECKING:
    from carnet.quality.facade import QualityHost

#: Fix kinds, with a one-line description (English; the CLI help shows it).
KINDS: dict[str, str] = {
    "email-typos": "replace emails with a likely typo or a lost @ by the suggested address",
    "postcodes": "replace postcodes that do not match their city by the city's postcode",
}

SOURCE = "carnet fix"


@dataclass(frozen=True)
class Suggestion:
    """One proposed correction."""

    contact_id: int
    point_id: int
    kind: str
    old: str
    new: str
    parts: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-friendly dictionary."""
        return {
            "contact_id": self.contact_id,
            "point_id": self.point_id,
            "kind": self.kind,
            "old": self.old,
            "new": self.new,
        }


@dataclass(frozen=True)
class FixResult:
    """What a fix (or its undo) did."""

    fix_id: int | None
    kind: str
    dry_run: bool
    suggestions: list[Suggestion]
    applied: int
    contact_ids: list[int]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-friendly dictionary."""
        return {
            "fix_id": self.fix_id,
            "kind": self.kind,
            "dry_run": self.dry_run,
            "applied": self.applied,
            "contacts": len(self.contact_ids),
            "suggestions": [x.to_dict() for x in self.suggestions],
        }


def check_kind(kind: str) -> str:
    """The fix kind, or an error listing the known ones."""
    if kind not in KINDS:
        raise InvalidValueError(
            f"Unknown fix '{kind}'; choose one of {', '.join(KINDS)}.", field="kind"
        )
    return kind


def suggestions(ws: QualityHost, kind: str) -> list[Suggestion]:
    """The corrections a fix kind would apply, for active contacts."""
    check_kind(kind)
    cp = s.contact_points.c
    c = s.contacts.c
    # an e-mail that lost its @ ("jean.dupontgmail.com") is a typo too, invalid as typed
    flags = ("typo", "missing_at") if kind == "email-typos" else ("city_mismatch",)
    point_kind = "email" if kind == "email-typos" else "address"
    query = (
        sa.select(
            cp.id,
            cp.contact_id,
            cp.raw,
            cp.normalised,
            cp.line1,
            cp.line2,
            cp.line3,
            cp.postcode,
            cp.city,
            cp.country,
        )
        .join(s.contacts, c.id == cp.contact_id)
        .where(
            c.status == "active",
            cp.kind == point_kind,
            sa.or_(*(("," + cp.flags + ",").like(f"%,{flag},%") for flag in flags)),
        )
        .order_by(cp.contact_id, cp.id)
    )
    with ws.engine.connect() as conn:
        rows = conn.execute(query).all()
        table = _postcode_table(conn) if kind == "postcodes" and rows else None
    out: list[Suggestion] = []
    if kind == "email-typos":
        cache: dict[str, str | None] = {}
        for r in rows:
            value = r.normalised or r.raw
            if not value:
                continue
            if value not in cache:
                proposed = email_field.check(value).suggestions
                cache[value] = proposed[0] if proposed else None
            new = cache[value]
            if new and new != value:
                out.append(Suggestion(int(r.contact_id), int(r.id), "email", value, new))
        return out
    if table is None:
        return out
    for r in rows:
        if not r.city or not r.postcode:
            continue
        codes = table.postcodes_for(r.city)
        if len(codes) != 1 or codes[0] == r.postcode:
            continue
        parts = {
            "address_line1": r.line1,
            "address_line2": r.line2,
            "address_line3": r.line3,
            "postcode": codes[0],
            "city": r.city,
            "country": r.country,
        }
        out.append(
            Suggestion(
                int(r.contact_id),
                int(r.id),
                "address",
                f"{r.postcode} {r.city}",
                f"{codes[0]} {r.city}",
                {k: v for k, v in parts.items() if v},
            )
        )
    return out


def apply(ws: QualityHost, kind: str, *, dry_run: bool = False) -> FixResult:
    """Apply every suggestion of ``kind`` (or only list them with ``dry_run``)."""
    found = suggestions(ws, kind)
    if dry_run or not found:
        return FixResult(None, kind, dry_run, found, 0, sorted({x.contact_id for x in found}))
    with ws.engine.begin() as conn:
        fix_id = audit.write(
            conn,
            actor=ws.actor,
            action="fix",
            entity="quality_fix",
            entity_id=kind,
            count=len(found),
            details={"kind": kind},
        )
    applied = 0
    added: list[int] = []
    cp = s.contact_points.c
    for x in found:
        reason = f"fix {fix_id}: {kind}"
        values: dict[str, Any] = {"email": x.new} if x.kind == "email" else dict(x.parts)
        with ws.engine.connect() as conn:
            before = set(
                conn.execute(sa.select(cp.id).where(cp.contact_id == x.contact_id)).scalars()
            )
        ws.update_contact(x.contact_id, values, source=SOURCE, reason=reason, strict=False)
        ws.remove_contact_point(x.point_id, source=SOURCE, reason=reason)
        with ws.engine.connect() as conn:
            after = set(
                conn.execute(sa.select(cp.id).where(cp.contact_id == x.contact_id)).scalars()
            )
        added.extend(sorted(after - before))
        applied += 1
    with ws.engine.begin() as conn:
        # Ids only (no personal value): what undo removes.
        conn.execute(
            s.audit_log.update()
            .where(s.audit_log.c.id == fix_id)
            .values(details={"kind": kind, "added_points": added})
        )
    contact_ids = sorted({x.contact_id for x in found})
    ws.compute_quality(contact_ids)
    return FixResult(fix_id, kind, False, found, applied, contact_ids)


def undo(ws: QualityHost, fix_id: int) -> FixResult:
    """Undo a fix run: remove the values it added and restore the ones it removed.

    Raises:
        NotFoundError: when no fix has this id.
        InvalidValueError: when it was already undone.
    """
    al = s.audit_log.c
    h = s.history.c
    with ws.engine.connect() as conn:
        run = conn.execute(
            sa.select(al.entity_id, al.details).where(
                al.id == fix_id, al.action == "fix", al.entity == "quality_fix"
            )
        ).first()
        if run is None:
            raise NotFoundError(
                f"Fix {fix_id} does not exist; `carnet fix list` shows the fix runs."
            )
        done = conn.execute(
            sa.select(al.id).where(
                al.action == "fix_undo", al.entity == "quality_fix", al.entity_id == str(fix_id)
            )
        ).first()
        if done is not None:
            raise InvalidValueError(f"Fix {fix_id} was already undone.")
        kind = str(run[0])
        removed = conn.execute(
            sa.select(h.entity_id, h.field, h.old_value)
            .where(
                h.entity == "contact",
                h.source == SOURCE,
                h.reason == f"fix {fix_id}: {kind}",
                h.old_value.is_not(None),
                h.new_value.is_(None),
            )
            .order_by(h.id)
        ).all()
        cp = s.contact_points.c
        added_ids = [int(i) for i in (run[1] or {}).get("added_points", [])]
        added = (
            conn.execute(sa.select(cp.id, cp.contact_id).where(cp.id.in_(added_ids))).all()
            if added_ids
            else []
        )
    reason = f"undo fix {fix_id}"
    touched: set[int] = set()
    for point_id, contact_id in added:
        ws.remove_contact_point(int(point_id), source=SOURCE, reason=reason)
        touched.add(int(contact_id))
    for contact_id, field_name, old in removed:
        cid = int(contact_id)
        if field_name == "email":
            values: dict[str, Any] = {"email": old}
        elif field_name == "address":
            line1, postcode, city, country = [*old.split("|"), "", "", ""][:4]
            values = {
                k: v
                for k, v in (
                    ("address_line1", line1),
                    ("postcode", postcode),
                    ("city", city),
                    ("country", country),
                )
                if v
            }
        else:
            continue
        ws.update_contact(cid, values, source=SOURCE, reason=reason, strict=False)
        touched.add(cid)
    with ws.engine.begin() as conn:
        audit.write(
            conn,
            actor=ws.actor,
            action="fix_undo",
            entity="quality_fix",
            entity_id=fix_id,
            count=len(touched),
            details={"kind": kind},
        )
    ids = sorted(touched)
    ws.compute_quality(ids)
    return FixResult(fix_id, kind, False, [], len(added) + len(removed), ids)


def runs(ws: QualityHost, limit: int = 20) -> list[dict[str, Any]]:
    """The latest fix runs, newest first: id, kind, when, by whom, count, undone."""
    al = s.audit_log.c
    with ws.engine.connect() as conn:
        undone = {
            str(r[0])
            for r in conn.execute(
                sa.select(al.entity_id).where(al.action == "fix_undo", al.entity == "quality_fix")
            )
        }
        rows = conn.execute(
            sa.select(al.id, al.entity_id, al.at, al.actor, al["count"].label("n"))
            .where(al.action == "fix", al.entity == "quality_fix")
            .order_by(al.id.desc())
            .limit(limit)
        ).all()
    return [
        {
            "fix_id": int(r.id),
            "kind": r.entity_id,
            "at": r.at.isoformat()[:19],
            "actor": r.actor,
            "count": int(r.n),
            "undone": str(r.id) in undone,
        }
        for r in rows
    ]


def _postcode_table(conn: sa.Connection) -> PostcodeTable | None:
    t = s.ref_postcodes.c
    rows = conn.execute(
        sa.select(t.postcode, t.commune, t.routing_label, t.line5, t.insee_code)
    ).all()
    if not rows:
        return None
    return PostcodeTable(tuple(str(v or "") for v in row) for row in rows)


__all__ = ["KINDS", "FixResult", "Suggestion", "apply", "check_kind", "runs", "suggestions", "undo"]
