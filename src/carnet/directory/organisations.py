"""Organisations (B2B firmographics): create, read, update, delete, list, link."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from carnet.directory.base import (
    WorkspaceBase,
    _as_input_text,
    _text,
    _why,
    as_utc,
    insert_id,
    utcnow,
)
from carnet.directory.filters import _apply_operator, _split_filter
from carnet.errors import InvalidValueError, NotFoundError
from carnet.fields.catalog import Storage
from carnet.fields.legal_form import form_key
from carnet.fields.organisation import is_generic_name
from carnet.fields.values import check_value
from carnet.fields.verdict import blank
from carnet.model import Organisation, Page
from carnet.organisation_links import Candidate, Evidence, choose_by_name, organisation_evidence
from carnet.store import schema as s

#: The organisation columns a person or a file may set, in display order.
ORGANISATION_COLUMNS: tuple[str, ...] = (
    "name",
    "siren",
    "siret",
    "vat_number",
    "naf_code",
    "legal_form",
    "sector",
    "size_band",
    "revenue_band",
    "website",
    "line1",
    "line2",
    "postcode",
    "city",
    "country",
)
_ORG_COLUMNS = frozenset(ORGANISATION_COLUMNS)


class OrganisationsMixin(WorkspaceBase):
    """Organisation methods of the workspace."""

    def add_organisation(
        self, values: Mapping[str, Any], *, source: str = "manual", strict: bool = True
    ) -> Organisation:
        """Create an organisation from ``name``, ``siren``, ``siret``, ``vat_number``,
        ``naf_code``, ``sector``, ``size_band``, ``website`` and address fields.

        Raises:
            InvalidValueError: on an unknown field or (strict) an invalid value.
        """
        org = self._prepare_organisation(values, strict=strict)
        now = utcnow()
        with self.engine.begin() as conn:
            org_id = self._insert_organisation(conn, org, source, now)
        return self.get_organisation(org_id)

    def get_organisation(self, organisation_id: int) -> Organisation:
        """The organisation with this id.

        Raises:
            NotFoundError: when there is none.
        """
        with self.engine.connect() as conn:
            row = (
                conn.execute(
                    sa.select(s.organisations).where(s.organisations.c.id == organisation_id)
                )
                .mappings()
                .first()
            )
        if row is None:
            raise NotFoundError(f"Organisation {organisation_id} does not exist.")
        return _organisation(row)

    def update_organisation(
        self,
        organisation_id: int,
        changes: Mapping[str, Any],
        *,
        source: str = "manual",
        reason: str | None = None,
        strict: bool = True,
    ) -> Organisation:
        """Change fields of an organisation, writing each change to the history.

        Raises:
            NotFoundError: when it does not exist.
            InvalidValueError: on an unknown field or (strict) an invalid value.
        """
        org = self._prepare_organisation(changes, strict=strict, allow_clear=True)
        with self.engine.begin() as conn:
            current = (
                conn.execute(
                    sa.select(s.organisations).where(s.organisations.c.id == organisation_id)
                )
                .mappings()
                .first()
            )
            if current is None:
                raise NotFoundError(f"Organisation {organisation_id} does not exist.")
            updates = {k: v for k, v in org.items() if current[k] != v}
            if updates:
                updates["updated_at"] = utcnow()
                conn.execute(
                    s.organisations.update()
                    .where(s.organisations.c.id == organisation_id)
                    .values(**updates)
                )
                self._write_history(
                    conn,
                    "organisation",
                    organisation_id,
                    [
                        (k, _text(current[k]), _text(v))
                        for k, v in updates.items()
                        if k != "updated_at"
                    ],
                    source,
                    reason,
                )
        return self.get_organisation(organisation_id)

    def delete_organisation(self, organisation_id: int, *, source: str = "manual") -> None:
        """Delete an organisation; its contacts stay, unlinked.

        Raises:
            NotFoundError: when it does not exist.
        """
        with self.engine.begin() as conn:
            deleted = conn.execute(
                s.organisations.delete().where(s.organisations.c.id == organisation_id)
            )
            if deleted.rowcount == 0:
                raise NotFoundError(f"Organisation {organisation_id} does not exist.")
            self._write_history(
                conn, "organisation", organisation_id, [("*", "exists", None)], source, "deleted"
            )

    def list_organisations(
        self,
        *,
        filters: Mapping[str, Any] | None = None,
        search: str | None = None,
        sort: str = "id",
        limit: int = 50,
        offset: int = 0,
    ) -> Page[Organisation]:
        """List organisations with filters (columns, ``__op`` suffixes as for contacts),
        free-text search on name, SIREN, SIRET and city, sorting and pagination.

        Raises:
            InvalidValueError: on an unknown filter or sort column.
        """
        t = s.organisations
        conditions: list[sa.ColumnElement[bool]] = [t.c.status != "merged"]
        for key, value in (filters or {}).items():
            column, op = _split_filter(key)
            if column not in _ORG_COLUMNS and column not in ("id", "status"):
                raise InvalidValueError(f"Cannot filter organisations on '{column}'.")
            conditions.append(_apply_operator(t.c[column], op, value))
        if search:
            like = f"%{search.strip().lower()}%"
            conditions.append(
                sa.or_(
                    *(sa.func.lower(t.c[c]).like(like) for c in ("name", "siren", "siret", "city"))
                )
            )
        key = sort.lstrip("-")
        if key not in {"id", "name", "siren", "created_at", "updated_at", "city"}:
            raise InvalidValueError(f"Cannot sort organisations by '{key}'.")
        order = t.c[key].desc() if sort.startswith("-") else t.c[key].asc()
        limit = max(1, min(int(limit), 10_000))
        with self.engine.connect() as conn:
            where = sa.and_(*conditions)
            total = conn.execute(
                sa.select(sa.func.count()).select_from(t).where(where)
            ).scalar_one()
            rows = conn.execute(
                sa.select(t).where(where).order_by(order, t.c.id).limit(limit).offset(offset)
            ).mappings()
            return Page([_organisation(r) for r in rows], int(total), limit, offset)

    def _prepare_organisation(
        self, values: Mapping[str, Any], *, strict: bool, allow_clear: bool = False
    ) -> dict[str, Any]:
        aliases = {"name": "organisation_name", "line1": "address_line1", "line2": "address_line2"}
        out: dict[str, Any] = {}
        problems: list[str] = []
        for key, raw in values.items():
            field = self._field(aliases.get(key, key))
            column = field.db_column if field.storage is Storage.ORGANISATION else field.name
            column = {"address_line1": "line1", "address_line2": "line2"}.get(column, column)
            if column not in _ORG_COLUMNS:
                raise InvalidValueError(f"'{key}' is not an organisation field.")
            text = _as_input_text(raw)
            if blank(text):
                if allow_clear:
                    out[column] = None
                continue
            verdict = check_value(field, text, country=self.country)
            if not verdict.ok:
                if strict:
                    problems.append(f"{field.label_en} '{text}': {_why(verdict)}")
                    continue
                out[column] = text
            else:
                out[column] = verdict.normalised
        if problems:
            raise InvalidValueError("Invalid values: " + "; ".join(problems) + ".")
        if out.get("siret") and not out.get("siren"):
            out["siren"] = str(out["siret"])[:9]
        return out

    def _link_organisation(
        self,
        conn: Connection,
        values: dict[str, Any],
        source: str,
        now: datetime,
        *,
        evidence: Evidence | None = None,
        current: int | None = None,
    ) -> int | None:
        """The organisation ``values`` name, found by SIRET, SIREN, then name, or made.

        A name alone links only where nothing contradicts it
        (:func:`carnet.organisation_links.choose_by_name`, on the contact's places and
        mail domains, ``evidence``); the contact's ``current`` organisation is kept when
        it bears the name.
        """
        if not values:
            return None
        t = s.organisations
        for key in ("siret", "siren"):
            value = values.get(key)
            if not value:
                continue
            found = conn.execute(
                sa.select(t.c.id).where(t.c[key] == value, t.c.status == "active").limit(1)
            ).scalar_one_or_none()
            if found is not None:
                return int(found)
        if values.get("siret") and not values.get("siren"):
            values = {**values, "siren": str(values["siret"])[:9]}
        name = values.get("name")
        if name:
            candidates = [
                Candidate(
                    int(r.id),
                    r.siren or (r.siret[:9] if r.siret else None),
                    form_key(r.legal_form, r.name),
                )
                for r in conn.execute(
                    sa.select(t.c.id, t.c.name, t.c.siren, t.c.siret, t.c.legal_form)
                    .where(sa.func.lower(t.c.name) == str(name).lower(), t.c.status == "active")
                    .order_by(t.c.id)
                )
            ]
            if any(c.id == current for c in candidates):
                return current
            if candidates:
                theirs = organisation_evidence(conn, [c.id for c in candidates])
                for candidate in candidates:
                    found = theirs.get(candidate.id) or Evidence()
                    candidate.places, candidate.domains = found.places, found.domains
                mine = evidence or Evidence()
                chosen, _why_not = choose_by_name(
                    candidates,
                    mine.places,
                    domains=mine.domains,
                    siren=values.get("siren"),
                    form=form_key(values.get("legal_form"), name),
                    generic=is_generic_name(name),
                )
                if chosen is not None:
                    return chosen.id
        return self._insert_organisation(conn, values, source, now)

    def _insert_organisation(
        self, conn: Connection, values: Mapping[str, Any], source: str, now: datetime
    ) -> int:
        org_id = insert_id(
            conn,
            s.organisations.insert().values(
                **values, attributes={}, created_at=now, updated_at=now
            ),
        )
        self._write_history(
            conn,
            "organisation",
            org_id,
            [(k, None, _text(v)) for k, v in values.items() if v is not None],
            source,
            "created",
        )
        return org_id


def _organisation(row: sa.RowMapping) -> Organisation:
    return Organisation(
        id=row["id"],
        name=row["name"],
        siren=row["siren"],
        siret=row["siret"],
        vat_number=row["vat_number"],
        naf_code=row["naf_code"],
        legal_form=row["legal_form"],
        sector=row["sector"],
        size_band=row["size_band"],
        revenue_band=row["revenue_band"],
        website=row["website"],
        line1=row["line1"],
        line2=row["line2"],
        postcode=row["postcode"],
        city=row["city"],
        country=row["country"],
        attributes=dict(row["attributes"] or {}),
        status=row["status"],
        merged_into_id=row["merged_into_id"],
        created_at=as_utc(row["created_at"]),
        updated_at=as_utc(row["updated_at"]),
    )
