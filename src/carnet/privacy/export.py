"""Access export (RGPD art. 15 and 20): everything carnet holds about one person.

The document is readable by the person: every field carries its French or
English label from the field catalog, every section a title. It is written as
JSON, or as a ZIP holding the JSON, one CSV per list and a README.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from carnet.consent import ledger, rules, suppression
from carnet.consent._util import as_utc, utcnow
from carnet.consent.purposes import Purpose, action_label, basis_label, channel_label
from carnet.crypto import SEALED
from carnet.errors import InvalidValueError, NotFoundError
from carnet.fields.catalog import Catalog, Storage
from carnet.store import schema as s

SECTIONS: dict[str, tuple[str, str]] = {
    "about": ("À propos de ce document", "About this document"),
    "profile": ("Profil", "Profile"),
    "contact_points": ("Coordonnées", "Contact details"),
    "consents": ("Consentements actuels", "Current consents"),
    "consent_ledger": ("Historique des consentements (preuves)", "Consent history (proof)"),
    "suppressions": ("Liste d'opposition", "Suppression list"),
    "history": ("Historique des modifications", "Change history"),
    "events": ("Événements et réactions", "Events and reactions"),
    "orders": ("Commandes", "Orders"),
    "carts": ("Paniers", "Carts"),
    "sources": ("Identifiants dans nos sources", "Identifiers in our sources"),
    "imports": ("Lignes de fichiers importés", "Imported file rows"),
    "matching": ("Rapprochements et fusions de doublons", "Duplicate matching and merges"),
    "access_log": ("Accès à vos données", "Access to your data"),
}
_INTRO = (
    "Ce document contient toutes les données que nous détenons à votre sujet, au titre du "
    "droit d'accès (article 15 du RGPD) et du droit à la portabilité (article 20).",
    "This document holds all the data we keep about you, under the right of access "
    "(GDPR article 15) and the right to data portability (article 20).",
)
_EXTRA_LABELS = {
    "status": ("Statut", "Status"),
    "first_seen": ("Connu depuis", "Known since"),
    "last_activity": ("Dernière activité", "Last activity"),
    "organisation": ("Organisation", "Organisation"),
    "tags": ("Étiquettes", "Tags"),
}
_POINT_KINDS = {"email": "email", "phone": "phone", "address": "address_line1"}


def _unsealed(raw: Any) -> Any:
    """An import's row record with its sealed (encrypted) cells shown as the profile
    shows an IBAN."""
    if not isinstance(raw, Mapping):
        return raw
    return {
        k: "(chiffré / encrypted)" if isinstance(v, str) and v.startswith(SEALED) else v
        for k, v in raw.items()
    }


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, datetime):
        return (as_utc(value) or value).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def collect(
    conn: Connection,
    contact_id: int,
    *,
    catalog: Catalog,
    purposes: list[Purpose],
    lang: str,
    secret: str,
    controller: str,
) -> dict[str, Any]:
    """Gather the export document of a contact.

    Raises:
        NotFoundError: when the contact does not exist.
    """
    en = lang == "en"

    def pick(pair: tuple[str, str]) -> str:
        return pair[1] if en else pair[0]

    c = s.contacts
    row = conn.execute(sa.select(c).where(c.c.id == contact_id)).mappings().first()
    if row is None:
        raise NotFoundError(f"Contact {contact_id} does not exist.", contact_id=contact_id)
    doc: dict[str, Any] = {
        "about": {
            "title": pick(SECTIONS["about"]),
            "text": pick(_INTRO),
            "controller": controller,
            "generated_at": utcnow().isoformat(),
            "contact_id": contact_id,
            "language": lang,
        },
    }
    # profile
    profile: list[dict[str, Any]] = []
    attributes = dict(row["attributes"] or {})
    for f in catalog.values():
        if f.storage is Storage.CONTACT:
            value = row.get(f.db_column)
            if f.name == "iban" and value is not None:
                value = "(chiffré / encrypted)"
        elif f.storage is Storage.ATTRIBUTE:
            value = attributes.pop(f.name, None)
        else:
            continue
        if value in (None, [], ""):
            continue
        profile.append({"field": f.name, "label": f.label(lang), "value": value})
    for key, value in attributes.items():
        profile.append({"field": key, "label": key, "value": value})
    org = None
    if row["organisation_id"] is not None:
        org = conn.execute(
            sa.select(s.organisations.c.name).where(s.organisations.c.id == row["organisation_id"])
        ).scalar()
    for key, value in (("status", row["status"]), ("organisation", org),
                       ("first_seen", row["first_seen"]), ("last_activity", row["last_activity"]),
                       ("tags", row["tags"] or None)):
        if value is not None:
            profile.append({"field": key, "label": pick(_EXTRA_LABELS[key]), "value": value})
    doc["profile"] = profile
    # contact points
    cp = s.contact_points
    points = []
    for p in conn.execute(
        sa.select(cp, s.sources.c.name.label("source_name"))
        .select_from(cp.outerjoin(s.sources, s.sources.c.id == cp.c.source_id))
        .where(cp.c.contact_id == contact_id).order_by(cp.c.id)
    ).mappings():
        kind_field = _POINT_KINDS.get(p["kind"])
        label = catalog[kind_field].label(lang) if kind_field else p["kind"]
        points.append({
            "kind": p["kind"], "label": label, "raw": p["raw"], "normalised": p["normalised"],
            "verdict": p["verdict"], "reasons": p["reasons"], "primary": bool(p["is_primary"]),
            "line1": p["line1"], "line2": p["line2"], "line3": p["line3"],
            "postcode": p["postcode"], "city": p["city"], "country": p["country"],
            "source": p["source_name"], "first_seen": p["first_seen"], "last_seen": p["last_seen"],
        })
    doc["contact_points"] = points
    # consents
    states = ledger.read_state(conn, [contact_id])
    consents = []
    for purpose in purposes:
        for ch in purpose.channels:
            state = states.get((contact_id, purpose.name, ch))
            decision = rules.may_contact(conn, contact_id, purpose.name, ch, secret=secret)
            consents.append({
                "purpose": purpose.name, "purpose_label": purpose.label(lang),
                "channel": ch, "channel_label": channel_label(ch, lang),
                "status": state.status if state else None,
                "status_label": action_label(state.status, lang) if state else None,
                "since": state.since if state else None,
                "may_contact": decision.allowed, "reason": decision.reason,
            })
    doc["consents"] = consents
    e, w = s.consent_events, s.consent_wordings
    doc["consent_ledger"] = [
        {
            "id": r["id"], "purpose": r["purpose"], "channel": r["channel"],
            "action": r["action"], "action_label": action_label(r["action"], lang),
            "legal_basis": r["legal_basis"],
            "legal_basis_label": basis_label(r["legal_basis"], lang),
            "occurred_at": r["occurred_at"], "recorded_at": r["recorded_at"],
            "proof": {k: v for k, v in (r["proof"] or {}).items() if not k.startswith("_")},
            "wording": r["text"], "wording_hash": r["wording_hash"], "hash": r["hash"],
        }
        for r in conn.execute(
            sa.select(e, w.c.text).select_from(e.outerjoin(w, w.c.hash == e.c.wording_hash))
            .where(e.c.contact_id == contact_id).order_by(e.c.occurred_at, e.c.id)
        ).mappings()
    ]
    suppressed = []
    for kind in suppression.KINDS:
        values = [p["normalised"] for p in points if p["kind"] == kind and p["normalised"]]
        for value, entry in suppression.suppression_records(conn, kind, values, secret).items():
            suppressed.append({"kind": kind, "value": value, "reason": entry.reason,
                               "since": entry.created_at})
    doc["suppressions"] = suppressed
    h = s.history
    doc["history"] = [
        {"field": r["field"],
         "label": catalog[r["field"]].label(lang) if r["field"] in catalog else r["field"],
         "old": r["old_value"], "new": r["new_value"], "source": r["source"],
         "reason": r["reason"], "by": r["actor"], "at": r["changed_at"]}
        for r in conn.execute(
            sa.select(h).where(h.c.entity == "contact", h.c.entity_id == contact_id)
            .order_by(h.c.id)
        ).mappings()
    ]
    ev = s.events
    doc["events"] = [
        {"type": r["type"], "at": r["occurred_at"], "value": r["value"],
         "properties": r["properties"], "source": r["source"]}
        for r in conn.execute(
            sa.select(ev).where(ev.c.contact_id == contact_id).order_by(ev.c.occurred_at, ev.c.id)
        ).mappings()
    ]
    od, ol = s.orders, s.order_lines
    orders = []
    for o in conn.execute(
        sa.select(od).where(od.c.contact_id == contact_id).order_by(od.c.ordered_at, od.c.id)
    ).mappings():
        lines = [
            {"sku": li["sku"], "product": li["product_name"], "quantity": li["quantity"],
             "unit_price": li["unit_price"], "amount": li["amount"]}
            for li in conn.execute(
                sa.select(ol).where(ol.c.order_id == o["id"]).order_by(ol.c.id)
            ).mappings()
        ]
        orders.append({"reference": o["external_ref"], "source": o["source"],
                       "at": o["ordered_at"], "status": o["status"],
                       "total": o["total_amount"], "currency": o["currency"],
                       "channel": o["channel"], "lines": lines})
    doc["orders"] = orders
    ca = s.carts
    doc["carts"] = [
        {"status": r["status"], "at": r["created_at"], "total": r["total_amount"],
         "lines": r["lines"], "source": r["source"]}
        for r in conn.execute(
            sa.select(ca).where(ca.c.contact_id == contact_id).order_by(ca.c.created_at, ca.c.id)
        ).mappings()
    ]
    x = s.external_ids
    doc["sources"] = [
        {"source": r.name, "id": r.external_id, "since": r.created_at}
        for r in conn.execute(
            sa.select(s.sources.c.name, x.c.external_id, x.c.created_at)
            .join(s.sources, s.sources.c.id == x.c.source_id)
            .where(x.c.contact_id == contact_id)
        )
    ]
    ir, im = s.import_rows, s.imports
    doc["imports"] = [
        {"file": r.file_name, "row": r.row_number, "outcome": r.outcome, "reason": r.reason,
         "values": _unsealed(r.raw), "imported_at": r.started_at}
        for r in conn.execute(
            sa.select(im.c.file_name, ir.c.row_number, ir.c.outcome, ir.c.reason, ir.c.raw,
                      im.c.started_at)
            .join(im, im.c.id == ir.c.import_id)
            .where(ir.c.contact_id == contact_id).order_by(ir.c.import_id, ir.c.row_number)
        )
    ]
    mp, mg = s.match_pairs, s.merges
    matching: list[dict[str, Any]] = [
        {"kind": "candidate pair", "contacts": [r.contact_id_l, r.contact_id_r],
         "probability": r.probability, "status": r.status, "explanation": r.explanation}
        for r in conn.execute(
            sa.select(mp).where(sa.or_(mp.c.contact_id_l == contact_id,
                                       mp.c.contact_id_r == contact_id))
        )
    ]
    for r in conn.execute(sa.select(mg.c.id, mg.c.survivor_id, mg.c.merged_ids, mg.c.reason,
                                    mg.c.created_at, mg.c.undone_at)):
        merged = [int(v) for v in (r.merged_ids or []) if str(v).isdigit()]
        if r.survivor_id == contact_id or contact_id in merged:
            matching.append({"kind": "merge", "survivor": r.survivor_id, "merged": merged,
                             "reason": r.reason, "at": r.created_at, "undone_at": r.undone_at})
    doc["matching"] = matching
    a = s.audit_log
    doc["access_log"] = [
        {"at": r.at, "by": r.actor, "action": r.action, "count": r.count}
        for r in conn.execute(
            sa.select(a.c.at, a.c.actor, a.c.action, a.c.count)
            .where(a.c.entity == "contact", a.c.entity_id == str(contact_id))
            .order_by(a.c.at)
        )
    ]
    doc["titles"] = {key: pick(pair) for key, pair in SECTIONS.items()}
    result: dict[str, Any] = _jsonable(doc)
    return result


def _csv(rows: list[Mapping[str, Any]]) -> str:
    columns: list[str] = []
    for r in rows:
        for key in r:
            if key not in columns:
                columns.append(key)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, extrasaction="ignore")
    writer.writeheader()
    for r in rows:
        writer.writerow({k: json.dumps(v, ensure_ascii=False) if isinstance(v, dict | list)
                         else v for k, v in r.items()})
    return buffer.getvalue()


def write(document: Mapping[str, Any], path: Path) -> Path:
    """Write the export as ``.json`` or ``.zip`` (chosen by the file name).

    Raises:
        InvalidValueError: when the name ends otherwise.
    """
    text = json.dumps(document, ensure_ascii=False, indent=2)
    suffix = path.suffix.lower()
    if suffix == ".json":
        path.write_text(text + "\n", encoding="utf-8")
        return path
    if suffix != ".zip":
        raise InvalidValueError(f"Export file '{path}' must end in .json or .zip.")
    titles = document.get("titles", {})
    lang = document.get("about", {}).get("language", "fr")
    readme = [str(document.get("about", {}).get("text", "")), ""]
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("personal-data.json", text + "\n")
        for key, value in document.items():
            if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
                archive.writestr(f"{key}.csv", _csv(value))
                readme.append(f"{key}.csv — {titles.get(key, key)}")
        readme.append("personal-data.json — " + ("everything, as JSON" if lang == "en"
                                                 else "l'ensemble, au format JSON"))
        archive.writestr("README.txt", "\n".join(readme) + "\n")
    return path


__all__ = ["SECTIONS", "collect", "write"]
