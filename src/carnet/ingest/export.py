"""Exporting contacts to CSV (Excel-friendly), XLSX or JSON, streamed page by page.

Cells are neutralised against formula injection by the writers. ``raw=True``
adds, beside each normalised email/phone, the value as it was received;
``with_sources=True`` adds the input rows (``source:row|...``) and source ids
folded into each contact, merges included, to score a file against a truth.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from carnet.dedupe.sources import ContactSources, contact_sources
from carnet.errors import InvalidValueError
from carnet.fields.address import afnor_lines
from carnet.model import ACTIVE, DECEASED, Contact, ContactPoint

if TYPE_CHECKING:
    from carnet.directory.contacts import ContactsMixin as Carnet

#: ``carnet_id`` (the contact's id) first: a file exported, mended in a spreadsheet and
#: imported again updates its contacts, whichever of their e-mails or names changed.
DEFAULT_FIELDS = (
    "carnet_id",
    "civility",
    "first_name",
    "last_name",
    "email",
    "phone",
    "mobile",
    "address_line1",
    "address_line2",
    "postcode",
    "city",
    "country",
    "birth_date",
    "job_title",
    "organisation_name",
    "lifecycle_stage",
    "customer_since",
    "loyalty_id",
    "last_activity",
    "deceased",
)
#: The six lines of a French postal label (AFNOR NF Z10-011), ready for a mail merge.
AFNOR_FIELDS = tuple(f"afnor_line{i}" for i in range(1, 7))
#: Derived columns: ``deceased`` is "yes" for a contact recorded deceased, so a mailing
#: made from the file can leave them out (and the file imported again keeps them so).
_DERIVED_FIELDS = {"deceased"}
_POINT_FIELDS = {
    "email",
    "phone",
    "mobile",
    "address_line1",
    "address_line2",
    "address_line3",
    "postcode",
    "city",
    "country",
}
# Contact attributes that export as they are (contact points are handled apart).
_CONTACT_ATTRS = {
    f.name for f in dataclasses.fields(Contact) if f.name not in ("points", "attributes")
}


def export_contacts(
    ws: Carnet,
    out: Path,
    *,
    fields: Sequence[str] | None = None,
    raw: bool = False,
    with_sources: bool = False,
    delimiter: str = ";",
    living_only: bool = False,
    page_size: int = 2000,
) -> int:
    """Write every contact on file to ``out`` (format from its extension).

    Deceased contacts are on file (kept, never contacted) and written with the
    ``deceased`` column at "yes"; ``living_only`` leaves them out, for a mailing.

    Returns:
        How many contacts were written.

    Raises:
        InvalidValueError: on an unknown field name.
    """
    chosen = list(fields or DEFAULT_FIELDS)
    known = _CONTACT_ATTRS | _POINT_FIELDS | _DERIVED_FIELDS | set(AFNOR_FIELDS) | set(ws.catalog)
    unknown = [f for f in chosen if f not in known]
    if unknown:
        raise InvalidValueError(
            f"Cannot export unknown field(s) {', '.join(unknown)}; `carnet fields` lists them."
        )
    headers = list(chosen)
    if raw:
        for name in ("email", "phone", "mobile"):
            if name in headers:
                headers.insert(headers.index(name) + 1, f"{name}_raw")
    if with_sources:
        if "carnet_id" in headers and "id" not in headers:
            # scripts that score an export against a truth read the contact's "id", as
            # the export named it before carnet_id: kept beside it
            headers.insert(headers.index("carnet_id") + 1, "id")
        headers += ["source_rows", "source_ids"]
    count = 0
    only = {"status": ACTIVE} if living_only else None

    def rows() -> Iterator[dict[str, Any]]:
        nonlocal count
        offset = 0
        while True:
            page = ws.list_contacts(filters=only, limit=page_size, offset=offset, sort="id")
            sources = _sources(ws, [c.id for c in page.items]) if with_sources else {}
            for contact in page.items:
                count += 1
                row = _row(contact, headers)
                if with_sources:
                    found = sources[contact.id]
                    row.update(source_rows=found.rows_text(), source_ids=found.ids_text())
                yield row
            if not page.has_more:
                break
            offset += page_size

    from carnet.ingest.writers import write_table

    write_table(out, headers, rows(), delimiter=delimiter)
    return count


def _sources(ws: Carnet, ids: list[int]) -> dict[int, ContactSources]:
    with ws.engine.connect() as conn:
        return contact_sources(conn, ids)


def _row(contact: Contact, headers: Sequence[str]) -> dict[str, Any]:
    mobiles = [p for p in contact.phones if p.subtype == "mobile"]
    others = [p for p in contact.phones if p.subtype != "mobile"]
    address = contact.addresses[0] if contact.addresses else None
    phones = others or contact.phones
    points = {
        "email": contact.emails[0] if contact.emails else None,
        "phone": phones[0] if phones else None,
        "mobile": mobiles[0] if mobiles else None,
    }
    out: dict[str, Any] = {}
    if any(h in AFNOR_FIELDS for h in headers):
        out.update(zip(AFNOR_FIELDS, _afnor(contact, address), strict=False))
    for header in headers:
        if header in AFNOR_FIELDS:
            out.setdefault(header, None)
            continue
        base = header.removesuffix("_raw")
        if base in points:
            point = points[base]
            out[header] = (
                None
                if point is None
                else (point.raw if header.endswith("_raw") else point.normalised or point.raw)
            )
        elif header in ("address_line1", "address_line2", "address_line3"):
            out[header] = getattr(address, "line" + header[-1], None) if address else None
        elif header in ("postcode", "city", "country"):
            out[header] = getattr(address, header, None) if address else None
        elif header == "carnet_id":
            out[header] = contact.id
        elif header == "deceased":
            out[header] = "yes" if contact.status == DECEASED else None
        elif header == "npai":
            # kept as the address's flag, not a column: mail sent there came back
            out[header] = None if address is None else "npai" in address.flags
        elif header in _CONTACT_ATTRS:
            value = getattr(contact, header)
            out[header] = ";".join(value) if isinstance(value, tuple) else value
        else:
            out[header] = contact.attributes.get(header)
    return out


def _afnor(contact: Contact, address: ContactPoint | None) -> list[str | None]:
    """Six AFNOR lines (None where a line is empty), or an explanation in line 1."""
    if address is None:
        return [None] * 6
    try:
        lines = afnor_lines(
            civility=contact.civility,
            first_name=contact.first_name,
            last_name=contact.last_name,
            complement=address.line2,
            building=None,
            street=address.line1,
            locality=address.line3,
            postcode=address.postcode,
            city=address.city,
            country=address.country or "FR",
        )
    except InvalidValueError as exc:
        return [f"(adresse non normalisable : {exc})", None, None, None, None, None]
    padded: list[str | None] = [*lines[:6]]
    return padded + [None] * (6 - len(padded))
