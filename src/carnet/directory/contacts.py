"""Contacts: create, read, update, delete, list and search, with their contact points."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from dataclasses import field as dc_field
from datetime import date, datetime
from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from carnet.contact_points import PendingPoint, address_point, has_address, point_row
from carnet.crypto import mask
from carnet.directory.base import (
    _as_input_text,
    _text,
    _why,
    as_utc,
    history_text,
    insert_id,
    utcnow,
)
from carnet.directory.filters import _apply_operator, _split_filter
from carnet.directory.organisations import OrganisationsMixin
from carnet.errors import InvalidValueError, NotFoundError
from carnet.fields import name as name_field
from carnet.fields.catalog import Field, Kind, Storage
from carnet.fields.values import check_value
from carnet.fields.verdict import Verdict, blank
from carnet.model import ACTIVE, DECEASED, ON_FILE, Contact, ContactPoint, Page
from carnet.organisation_links import Evidence, company_domain, contact_evidence, place
from carnet.store import schema as s

_CONTACT_SORTS = {
    "id": s.contacts.c.id,
    "first_name": s.contacts.c.first_name,
    "last_name": s.contacts.c.last_name,
    "birth_date": s.contacts.c.birth_date,
    "created_at": s.contacts.c.created_at,
    "updated_at": s.contacts.c.updated_at,
    "last_activity": s.contacts.c.last_activity,
}


# Scalar columns a listing can filter on (not JSON lists, not the encrypted IBAN).
_CONTACT_FILTERS = {
    c.name
    for c in s.contacts.columns
    if not isinstance(c.type, sa.JSON) and c.name not in ("id", "iban_ciphertext")
}


_POINT_FILTERS = {"email": "email", "phone": "phone", "postcode": "address", "city": "address"}


_POINT_STORAGES = (Storage.EMAIL, Storage.PHONE, Storage.ADDRESS)


class _PointKey(NamedTuple):
    id: int
    kind: str
    normalised: str | None
    raw: str | None
    is_primary: bool


@dataclass
class _Prepared:
    """Input values sorted by where they are stored."""

    columns: dict[str, Any] = dc_field(default_factory=dict)
    attributes: dict[str, Any] = dc_field(default_factory=dict)
    history_values: dict[str, str | None] = dc_field(default_factory=dict)
    points: list[PendingPoint] = dc_field(default_factory=list)
    organisation: dict[str, Any] = dc_field(default_factory=dict)
    external_ids: list[str] = dc_field(default_factory=list)
    invalid_values: dict[str, str] = dc_field(default_factory=dict)

    def columns_or_attributes(self, field: Field, value: Any) -> None:
        if field.storage is Storage.ATTRIBUTE:
            self.attributes[field.name] = value
        else:
            self.columns[field.db_column] = value
        self.history_values[field.name] = _text(value)


def _death_by_hand(out: _Prepared, name: str, verdict: Verdict) -> None:
    """``deceased=Oui`` (or a date of death) marks the contact deceased, ``deceased=Non``
    alive again: the correction of a death a file recorded by mistake."""
    flag = verdict.details.get("flag", verdict.normalised) if name == "death_date" else (
        verdict.normalised
    )
    alive = flag == "false"
    out.columns["status"] = ACTIVE if alive else DECEASED
    out.history_values["status"] = out.columns["status"]
    date = verdict.details.get("date") if name == "deceased" or "flag" in verdict.details else (
        verdict.normalised
    )
    if alive:
        out.attributes["death_date"] = None  # the date of a death that was none
    elif date:
        out.attributes["death_date"] = date


class ContactsMixin(OrganisationsMixin):
    """Contact methods of the workspace."""

    def add_contact(
        self, values: Mapping[str, Any], *, source: str = "manual", strict: bool = True
    ) -> Contact:
        """Create a contact from catalog field values.

        Args:
            values: field name → value; ``email``, ``phone`` and ``mobile`` accept lists;
                address fields make one postal address; organisation fields link or
                create the organisation (by SIRET, SIREN, then name); ``full_name`` is
                split; unknown names raise.
            source: where the data comes from, recorded in history.
            strict: raise on invalid values (the default for people typing); when False,
                invalid contact points are kept with their verdict (imports).

        Returns:
            The new contact.

        Raises:
            InvalidValueError: on an unknown field or (strict) an invalid value.
        """
        prepared = self._prepare(values, strict=strict)
        now = utcnow()
        with self.engine.begin() as conn:
            source_id = self._source_id(conn, source)
            org_id = self._link_organisation(
                conn, prepared.organisation, source, now, evidence=_evidence(prepared.points)
            )
            row = {
                **prepared.columns,
                "organisation_id": org_id,
                "first_seen": now,
                "created_at": now,
                "updated_at": now,
            }
            row.setdefault("interests", [])
            row.setdefault("equipment", [])
            row.setdefault("tags", [])
            row["attributes"] = prepared.attributes
            contact_id = insert_id(conn, s.contacts.insert().values(**row))
            changes = [(k, None, v) for k, v in prepared.history_values.items()]
            if org_id is not None:
                changes.append(("organisation_id", None, str(org_id)))
            self._write_history(conn, "contact", contact_id, changes, source, "created")
            self._add_points(conn, contact_id, prepared.points, source, source_id, now)
            for external_id in prepared.external_ids:
                self._attach_external_id(conn, source_id, external_id, contact_id, now)
        return self.get_contact(contact_id)

    def get_contact(self, contact_id: int) -> Contact:
        """The contact with this id, with its contact points.

        Raises:
            NotFoundError: when there is none.
        """
        with self.engine.connect() as conn:
            found = self._load_contacts(conn, [contact_id])
        if not found:
            raise NotFoundError(
                f"Contact {contact_id} does not exist; `carnet contacts list` shows the ids.",
                contact_id=contact_id,
            )
        return found[0]

    def update_contact(
        self,
        contact_id: int,
        changes: Mapping[str, Any],
        *,
        source: str = "manual",
        reason: str | None = None,
        strict: bool = True,
    ) -> Contact:
        """Change fields of a contact; each changed field is written to the history.

        A new email, phone or address becomes the primary one; the previous ones are
        kept (remove them with :meth:`remove_contact_point`). A value of None clears
        a scalar field.

        Raises:
            NotFoundError: when the contact does not exist.
            InvalidValueError: on an unknown field or (strict) an invalid value.
        """
        prepared = self._prepare(changes, strict=strict, allow_clear=True)
        now = utcnow()
        with self.engine.begin() as conn:
            current = (
                conn.execute(sa.select(s.contacts).where(s.contacts.c.id == contact_id))
                .mappings()
                .first()
            )
            if current is None:
                raise NotFoundError(f"Contact {contact_id} does not exist.", contact_id=contact_id)
            if "status" in prepared.columns and current["status"] not in ON_FILE:
                raise InvalidValueError(
                    f"Contact {contact_id} is {current['status']}: only an active or "
                    "deceased contact is marked deceased or alive."
                )
            source_id = self._source_id(conn, source)
            updates: dict[str, Any] = {}
            history: list[tuple[str, str | None, str | None]] = []
            for column, value in prepared.columns.items():
                if current[column] != value:
                    updates[column] = value
                    label = "iban" if column == "iban_ciphertext" else column
                    history.append(
                        (
                            label,
                            history_text(label, current[column]),
                            prepared.history_values.get(label, _text(value)),
                        )
                    )
            if prepared.attributes:
                merged = {**(current["attributes"] or {})}
                for key, value in prepared.attributes.items():
                    if merged.get(key) != value:
                        history.append((key, _text(merged.get(key)), _text(value)))
                        merged[key] = value
                updates["attributes"] = merged
            if prepared.organisation:
                org_id = self._link_organisation(
                    conn,
                    prepared.organisation,
                    source,
                    now,
                    evidence=_evidence(
                        prepared.points, contact_evidence(conn, [contact_id]).get(contact_id)
                    ),
                    current=current["organisation_id"],
                )
                if org_id != current["organisation_id"]:
                    updates["organisation_id"] = org_id
                    history.append(
                        ("organisation_id", _text(current["organisation_id"]), _text(org_id))
                    )
            if updates or prepared.points:
                updates["updated_at"] = now
                conn.execute(
                    s.contacts.update().where(s.contacts.c.id == contact_id).values(**updates)
                )
            self._write_history(conn, "contact", contact_id, history, source, reason)
            self._add_points(
                conn, contact_id, prepared.points, source, source_id, now, make_primary=True
            )
            for external_id in prepared.external_ids:
                self._attach_external_id(conn, source_id, external_id, contact_id, now)
        return self.get_contact(contact_id)

    def remove_contact_point(
        self, point_id: int, *, source: str = "manual", reason: str | None = None
    ) -> None:
        """Delete one email, phone or address of a contact (recorded in history).

        Raises:
            NotFoundError: when there is no such contact point.
        """
        with self.engine.begin() as conn:
            point = (
                conn.execute(sa.select(s.contact_points).where(s.contact_points.c.id == point_id))
                .mappings()
                .first()
            )
            if point is None:
                raise NotFoundError(f"Contact point {point_id} does not exist.")
            conn.execute(s.contact_points.delete().where(s.contact_points.c.id == point_id))
            old = point["normalised"] or point["raw"]
            self._write_history(
                conn, "contact", point["contact_id"], [(point["kind"], old, None)], source, reason
            )

    def delete_contact(
        self, contact_id: int, *, source: str = "manual", reason: str | None = None
    ) -> None:
        """Delete a contact with its contact points, events and orders.

        The history keeps a trace that it existed (ids and who deleted it), not its
        values. For a data-subject erasure use the privacy tools, which also add
        the person to the suppression list.

        Raises:
            NotFoundError: when the contact does not exist.
        """
        with self.engine.begin() as conn:
            deleted = conn.execute(s.contacts.delete().where(s.contacts.c.id == contact_id))
            if deleted.rowcount == 0:
                raise NotFoundError(f"Contact {contact_id} does not exist.", contact_id=contact_id)
            self._write_history(
                conn, "contact", contact_id, [("*", "exists", None)], source, reason or "deleted"
            )

    def list_contacts(
        self,
        *,
        filters: Mapping[str, Any] | None = None,
        search: str | None = None,
        sort: str = "id",
        limit: int = 50,
        offset: int = 0,
        include_merged: bool = False,
    ) -> Page[Contact]:
        """List contacts with filters, search, sorting and pagination.

        Args:
            filters: ``field`` or ``field__op`` → value, op one of eq, ne, lt, lte, gt,
                gte, contains, startswith, in, isnull; fields are contact columns plus
                ``email``, ``phone``, ``postcode``, ``city`` (any of the contact's points).
                Example: ``{"last_name__startswith": "Du", "postcode": "75015"}``.
            search: free text matched (case-insensitive) against names, emails, phones,
                cities and organisation names.
            sort: a column name, prefixed with "-" for descending ("-last_activity").
            limit: page size (1–10,000).
            offset: how many matching contacts to skip.
            include_merged: also list contacts merged into others.

        Raises:
            InvalidValueError: on an unknown filter, operator or sort column.
        """
        limit = max(1, min(int(limit), 10_000))
        offset = max(0, int(offset))
        condition = self._contact_condition(filters or {}, search, include_merged)
        descending = sort.startswith("-")
        key = sort.lstrip("-")
        if key not in _CONTACT_SORTS:
            raise InvalidValueError(
                f"Cannot sort by '{key}'; choose one of {', '.join(sorted(_CONTACT_SORTS))}."
            )
        order = _CONTACT_SORTS[key]
        ordering = [order.desc() if descending else order.asc(), s.contacts.c.id.asc()]
        with self.engine.connect() as conn:
            total = conn.execute(
                sa.select(sa.func.count()).select_from(s.contacts).where(condition)
            ).scalar_one()
            ids = [
                int(i)
                for i in conn.execute(
                    sa.select(s.contacts.c.id)
                    .where(condition)
                    .order_by(*ordering)
                    .limit(limit)
                    .offset(offset)
                ).scalars()
            ]
            items = self._load_contacts(conn, ids)
        return Page(items, int(total), limit, offset)

    def search_contacts(self, text: str, *, limit: int = 20) -> list[Contact]:
        """Contacts whose name, email, phone, city or organisation contains ``text``."""
        return list(self.list_contacts(search=text, limit=limit).items)

    def count_contacts(self, *, filters: Mapping[str, Any] | None = None) -> int:
        """How many contacts match ``filters`` (see :meth:`list_contacts`)."""
        condition = self._contact_condition(filters or {}, None, False)
        with self.engine.connect() as conn:
            return int(
                conn.execute(
                    sa.select(sa.func.count()).select_from(s.contacts).where(condition)
                ).scalar_one()
            )

    def organisation_contacts(self, organisation_id: int) -> list[Contact]:
        """The contacts linked to an organisation."""
        return list(
            self.list_contacts(filters={"organisation_id": organisation_id}, limit=10_000).items
        )

    def reveal_iban(self, contact_id: int) -> str | None:
        """Decrypt a contact's IBAN (needs ``CARNET_ENCRYPTION_KEY``)."""
        with self.engine.connect() as conn:
            token = conn.execute(
                sa.select(s.contacts.c.iban_ciphertext).where(s.contacts.c.id == contact_id)
            ).scalar_one_or_none()
        if token is None:
            return None
        return self._require_cipher().decrypt(token)

    def _prepare(
        self, values: Mapping[str, Any], *, strict: bool, allow_clear: bool = False
    ) -> _Prepared:
        out = _Prepared()
        problems: list[str] = []
        address: dict[str, Verdict] = {}
        values = dict(values)
        if "full_name" in values:
            civility, first, last = name_field.split_full_name(str(values.pop("full_name") or ""))
            for key, part in (("civility", civility), ("first_name", first), ("last_name", last)):
                if part and blank(values.get(key)):
                    values[key] = part
        for key, raw in values.items():
            field = self._field(key)
            if field.storage is Storage.CONSENT:
                raise InvalidValueError(
                    f"'{key}' is consent; record consent with proof through the consent ledger."
                )
            items = raw if isinstance(raw, list | tuple) and field.kind is not Kind.LIST else [raw]
            for item in items:
                text = _as_input_text(item)
                if blank(text):
                    if allow_clear and field.storage in (Storage.CONTACT, Storage.ATTRIBUTE):
                        out.columns_or_attributes(field, None)
                    continue
                assert text is not None
                verdict = check_value(field, text, country=self.country)
                if not verdict.ok and strict:
                    problems.append(f"{field.label_en} '{text}': {_why(verdict)}")
                    continue
                if not verdict.ok and field.storage not in _POINT_STORAGES:
                    # Lenient mode keeps what it cannot store in a typed column.
                    out.invalid_values[field.name] = text
                    continue
                if field.storage in (Storage.EMAIL, Storage.PHONE):
                    out.points.append(PendingPoint(field, verdict))
                elif field.storage is Storage.ADDRESS:
                    address[field.name] = verdict
                elif field.storage is Storage.ORGANISATION:
                    out.organisation[field.db_column] = verdict.normalised
                elif field.storage is Storage.EXTERNAL_ID:
                    out.external_ids.append(verdict.normalised or text)
                elif field.storage is Storage.CONTACT_ID:
                    continue  # the workspace gives ids; an export's carnet_id is not kept
                elif field.name in ("deceased", "death_date"):
                    _death_by_hand(out, field.name, verdict)
                elif field.storage is Storage.INPUT:
                    raise InvalidValueError(
                        f"'{key}' is only read on import, to fill other fields; set those."
                    )
                elif field.kind is Kind.IBAN:
                    token = self._require_cipher().encrypt(verdict.normalised or text)
                    out.columns["iban_ciphertext"] = token
                    out.history_values["iban"] = mask(verdict.normalised or text)
                else:
                    out.columns_or_attributes(field, _stored_value(field, verdict))
        if problems:
            raise InvalidValueError("Invalid values: " + "; ".join(problems) + ".")
        if out.invalid_values:
            out.attributes["invalid_values"] = out.invalid_values
        if address and has_address(address):
            out.points.append(address_point(self.catalog["postcode"], address, self.country))
        return out

    def _add_points(
        self,
        conn: Connection,
        contact_id: int,
        points: list[PendingPoint],
        source: str,
        source_id: int,
        now: datetime,
        *,
        make_primary: bool = False,
    ) -> None:
        existing = [
            _PointKey(r.id, r.kind, r.normalised, r.raw, bool(r.is_primary))
            for r in conn.execute(
                sa.select(
                    s.contact_points.c.id,
                    s.contact_points.c.kind,
                    s.contact_points.c.normalised,
                    s.contact_points.c.raw,
                    s.contact_points.c.is_primary,
                ).where(s.contact_points.c.contact_id == contact_id)
            )
        ]
        history: list[tuple[str, str | None, str | None]] = []
        for pending in points:
            field, verdict = pending.field, pending.verdict
            kind = field.storage.value
            key = verdict.normalised or verdict.raw
            same = [r for r in existing if r.kind == kind and (r.normalised or r.raw) == key]
            if same:
                conn.execute(
                    s.contact_points.update()
                    .where(s.contact_points.c.id == same[0].id)
                    .values(last_seen=now)
                )
                continue
            has_primary = any(r.kind == kind and r.is_primary for r in existing)
            primary = make_primary or not has_primary
            if primary and has_primary:
                conn.execute(
                    s.contact_points.update()
                    .where(
                        s.contact_points.c.contact_id == contact_id,
                        s.contact_points.c.kind == kind,
                    )
                    .values(is_primary=False)
                )
                existing = [r._replace(is_primary=False) if r.kind == kind else r for r in existing]
            row = point_row(pending, contact_id=contact_id, primary=primary, now=now)
            row["source_id"] = source_id
            point_id = insert_id(conn, s.contact_points.insert().values(**row))
            existing.append(
                _PointKey(int(point_id), kind, verdict.normalised, verdict.raw, primary)
            )
            history.append((kind, None, key))
        self._write_history(conn, "contact", contact_id, history, source, None)

    def _attach_external_id(
        self, conn: Connection, source_id: int, external_id: str, contact_id: int, now: datetime
    ) -> None:
        t = s.external_ids
        owner = conn.execute(
            sa.select(t.c.contact_id).where(
                t.c.source_id == source_id, t.c.external_id == external_id
            )
        ).scalar_one_or_none()
        if owner is None:
            conn.execute(
                t.insert().values(
                    source_id=source_id,
                    external_id=external_id,
                    contact_id=contact_id,
                    created_at=now,
                )
            )
        elif int(owner) != contact_id:
            raise InvalidValueError(
                f"Source id '{external_id}' already belongs to contact {owner}; "
                "merge the two contacts instead."
            )

    def _contact_condition(
        self, filters: Mapping[str, Any], search: str | None, include_merged: bool
    ) -> sa.ColumnElement[bool]:
        c = s.contacts.c
        cp = s.contact_points
        conditions: list[sa.ColumnElement[bool]] = []
        if not include_merged and not any(_split_filter(k)[0] == "status" for k in filters):
            conditions.append(c.status != "merged")
        for key, value in filters.items():
            column, op = _split_filter(key)
            if column in _CONTACT_FILTERS or column == "id":
                conditions.append(_apply_operator(c[column], op, value))
            elif column in _POINT_FILTERS:
                point_column = cp.c.normalised if column in ("email", "phone") else cp.c[column]
                conditions.append(
                    c.id.in_(
                        sa.select(cp.c.contact_id).where(
                            cp.c.kind == _POINT_FILTERS[column],
                            _apply_operator(point_column, op, value),
                        )
                    )
                )
            else:
                known = sorted(_CONTACT_FILTERS | set(_POINT_FILTERS) | {"id"})
                raise InvalidValueError(
                    f"Cannot filter contacts on '{column}'; use one of {', '.join(known)}."
                )
        if search and search.strip():
            like = f"%{search.strip().lower()}%"
            org = s.organisations
            conditions.append(
                sa.or_(
                    sa.func.lower(c.first_name).like(like),
                    sa.func.lower(c.last_name).like(like),
                    sa.func.lower(
                        sa.func.coalesce(c.first_name, "") + " " + sa.func.coalesce(c.last_name, "")
                    ).like(like),
                    c.id.in_(
                        sa.select(cp.c.contact_id).where(
                            sa.or_(
                                sa.func.lower(cp.c.normalised).like(like),
                                sa.func.lower(cp.c.raw).like(like),
                                sa.func.lower(cp.c.city).like(like),
                            )
                        )
                    ),
                    c.organisation_id.in_(
                        sa.select(org.c.id).where(sa.func.lower(org.c.name).like(like))
                    ),
                )
            )
        return sa.and_(sa.true(), *conditions)

    def _load_contacts(self, conn: Connection, ids: Sequence[int]) -> list[Contact]:
        if not ids:
            return []
        c = s.contacts
        rows = {
            r["id"]: r
            for r in conn.execute(
                sa.select(c, s.organisations.c.name.label("organisation_name"))
                .select_from(
                    c.outerjoin(s.organisations, s.organisations.c.id == c.c.organisation_id)
                )
                .where(c.c.id.in_(ids))
            ).mappings()
        }
        points: dict[int, list[ContactPoint]] = {}
        cp = s.contact_points
        for p in conn.execute(
            sa.select(cp, s.sources.c.name.label("source_name"))
            .select_from(cp.outerjoin(s.sources, s.sources.c.id == cp.c.source_id))
            .where(cp.c.contact_id.in_(ids))
            .order_by(cp.c.id)
        ).mappings():
            points.setdefault(p["contact_id"], []).append(
                ContactPoint(
                    id=p["id"],
                    kind=p["kind"],
                    raw=p["raw"],
                    normalised=p["normalised"],
                    verdict=p["verdict"],
                    flags=tuple(f for f in (p["flags"] or "").split(",") if f),
                    reasons=tuple(r for r in (p["reasons"] or "").split("; ") if r),
                    subtype=p["subtype"],
                    is_primary=bool(p["is_primary"]),
                    line1=p["line1"],
                    line2=p["line2"],
                    line3=p["line3"],
                    postcode=p["postcode"],
                    city=p["city"],
                    country=p["country"],
                    source=p["source_name"],
                    first_seen=as_utc(p["first_seen"]),
                    last_seen=as_utc(p["last_seen"]),
                    last_verified=as_utc(p["last_verified"]),
                )
            )
        out = []
        for contact_id in ids:
            r = rows.get(contact_id)
            if r is None:
                continue
            out.append(
                Contact(
                    id=r["id"],
                    civility=r["civility"],
                    first_name=r["first_name"],
                    last_name=r["last_name"],
                    birth_date=r["birth_date"],
                    gender=r["gender"],
                    language=r["language"],
                    job_title=r["job_title"],
                    pcs=r["pcs"],
                    organisation_id=r["organisation_id"],
                    organisation_name=r["organisation_name"],
                    lifecycle_stage=r["lifecycle_stage"],
                    status=r["status"],
                    merged_into_id=r["merged_into_id"],
                    customer_since=r["customer_since"],
                    loyalty_id=r["loyalty_id"],
                    has_iban=r["iban_ciphertext"] is not None,
                    interests=tuple(r["interests"] or ()),
                    equipment=tuple(r["equipment"] or ()),
                    tags=tuple(r["tags"] or ()),
                    attributes=dict(r["attributes"] or {}),
                    first_seen=as_utc(r["first_seen"]),
                    last_activity=as_utc(r["last_activity"]),
                    created_at=as_utc(r["created_at"]),
                    updated_at=as_utc(r["updated_at"]),
                    points=tuple(points.get(contact_id, ())),
                )
            )
        return out


def _evidence(points: Sequence[PendingPoint], stored: Evidence | None = None) -> Evidence:
    """The places and company mail domains of ``points`` (and of those ``stored``)."""
    out = Evidence(set(stored.places), set(stored.domains)) if stored else Evidence()
    for p in points:
        if p.kind == "address":
            found = place(p.parts.get("postcode"), p.parts.get("city"), p.parts.get("country"))
            if found is not None:
                out.places.add(found)
        elif p.kind == "email":
            domain = company_domain(p.verdict.normalised)
            if domain:
                out.domains.add(domain)
    return out


def _stored_value(field: Field, verdict: Verdict) -> Any:
    value = verdict.normalised
    if value is None:
        return None
    if field.kind in (Kind.DATE, Kind.BIRTH_DATE):
        return date.fromisoformat(value[:10])
    if field.kind is Kind.LIST:
        return [v for v in value.split(";") if v]
    if field.kind is Kind.BOOLEAN:
        return value == "true"
    if field.kind is Kind.INTEGER:
        return int(value)
    return value
