"""The store's contacts as the matcher's input records.

One row per active contact, in the schema :mod:`carnet.match.records`
documents: ``record_id`` is the contact id; ``emails`` and ``phones`` hold
every usable contact point (invalid, empty and unassigned ones are not
evidence); ``emails_unparsed`` the e-mails as typed that failed validation
(``gerard.laurentorange.fr``: the matcher puts back a missing ``@`` before a
known provider's domain); the address is the primary one, else the most
recently seen; the SIREN comes from the contact's organisation.

Reading is columnar: three queries, assembled with Polars joins, so the whole
store (a million contacts) is read without a Python loop per contact.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import polars as pl
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from carnet.fields.name import sex_of
from carnet.fields.phone import SOMEONE_ELSES
from carnet.match.records import MOBILE_PREFIXES
from carnet.model import ON_FILE
from carnet.store import schema as s
from carnet.store.lookups import lacks_flag

__all__ = [
    "RECORD_SCHEMA",
    "UNUSABLE_VERDICTS",
    "contact_sexes",
    "store_records",
    "unassigned_mobiles",
]

#: Contact points that say nothing about who the person is.
UNUSABLE_VERDICTS: tuple[str, ...] = ("invalid", "empty", "unassigned")

RECORD_SCHEMA: dict[str, pl.DataType] = {
    "record_id": pl.Int64(),
    "first_name": pl.String(),
    "last_name": pl.String(),
    "birth_name": pl.String(),
    "birth_date": pl.String(),
    "emails": pl.List(pl.String),
    "emails_unparsed": pl.List(pl.String),
    "phones": pl.List(pl.String),
    "postcode": pl.String(),
    "city": pl.String(),
    "street": pl.String(),
    "siren": pl.String(),
}

# Rows are fetched in chunks so that a million contacts never sit twice in memory
# as Python tuples.
_FETCH_CHUNK = 100_000


def _frame(conn: Connection, query: sa.Select[Any], schema: dict[str, Any]) -> pl.DataFrame:
    result = conn.execute(query)
    parts: list[pl.DataFrame] = []
    while chunk := result.fetchmany(_FETCH_CHUNK):
        parts.append(pl.DataFrame([tuple(r) for r in chunk], schema=schema, orient="row"))
    if not parts:
        return pl.DataFrame(schema=schema)
    return pl.concat(parts, rechunk=True)


def _restrict(query: sa.Select[Any], column: Any, ids: Sequence[int] | None) -> sa.Select[Any]:
    return query if ids is None else query.where(column.in_(list(ids)))


def store_records(conn: Connection, contact_ids: Sequence[int] | None = None) -> pl.DataFrame:
    """Read active contacts as matcher records.

    Args:
        conn: an open connection to the workspace's database.
        contact_ids: only these contacts (e.g. the rows one import created);
            all active contacts when None.

    Returns:
        A frame with :data:`RECORD_SCHEMA`, ordered by ``record_id``.
    """
    if contact_ids is not None and len(contact_ids) > 30_000:
        # Large id lists are cheaper filtered after one full read than as an IN list.
        wanted = pl.DataFrame({"record_id": list(contact_ids)}, schema={"record_id": pl.Int64})
        return store_records(conn).join(wanted, on="record_id", how="semi")
    c, o, cp = s.contacts, s.organisations, s.contact_points
    people = _frame(
        conn,
        _restrict(
            sa.select(
                c.c.id,
                c.c.first_name,
                c.c.last_name,
                # kept in the attributes (the import's "née" / "Nom de jeune fille")
                c.c.attributes["birth_name"].as_string(),
                c.c.birth_date,
                o.c.siren,
            )
            .select_from(c.outerjoin(o, o.c.id == c.c.organisation_id))
            # a deceased person's duplicate is found too: the merge makes the profile deceased
            .where(c.c.status.in_(ON_FILE)),
            c.c.id,
            contact_ids,
        ),
        {
            "record_id": pl.Int64,
            "first_name": pl.String,
            "last_name": pl.String,
            "birth_name": pl.String,
            "birth_date": pl.Date,
            "siren": pl.String,
        },
    ).with_columns(pl.col("birth_date").dt.strftime("%Y-%m-%d"))
    points = _frame(
        conn,
        _restrict(
            sa.select(
                cp.c.contact_id,
                cp.c.kind,
                cp.c.normalised,
                cp.c.is_primary,
                cp.c.line1,
                cp.c.postcode,
                cp.c.city,
                cp.c.last_seen,
            ).where(
                cp.c.verdict.not_in(UNUSABLE_VERDICTS),
                cp.c.normalised.is_not(None),
                # a number written as a relative's ("portable de sa fille") is no
                # evidence that its holders are one person
                sa.or_(cp.c.kind != "phone", lacks_flag(cp.c.flags, SOMEONE_ELSES)),
            ),
            cp.c.contact_id,
            contact_ids,
        ),
        {
            "record_id": pl.Int64,
            "kind": pl.String,
            "normalised": pl.String,
            "is_primary": pl.Boolean,
            "street": pl.String,
            "postcode": pl.String,
            "city": pl.String,
            "last_seen": pl.Datetime("us"),
        },
    )
    # Primary points first, then the most recently seen: list order is preference.
    points = points.sort(
        ["record_id", "is_primary", "last_seen"], descending=[False, True, True], nulls_last=True
    )
    handles = (
        points.filter(pl.col("kind").is_in(["email", "phone"]))
        .group_by("record_id", "kind", maintain_order=True)
        .agg(pl.col("normalised").unique(maintain_order=True))
        .pivot(on="kind", index="record_id", values="normalised")
    )
    for kind in ("email", "phone"):
        if kind not in handles.columns:
            handles = handles.with_columns(pl.lit(None, dtype=pl.List(pl.String)).alias(kind))
    handles = handles.rename({"email": "emails", "phone": "phones"})
    unparsed = _frame(
        conn,
        _restrict(
            sa.select(cp.c.contact_id, cp.c.raw).where(
                cp.c.kind == "email", cp.c.verdict == "invalid", cp.c.raw.is_not(None)
            ),
            cp.c.contact_id,
            contact_ids,
        ),
        {"record_id": pl.Int64, "raw": pl.String},
    )
    unparsed = unparsed.group_by("record_id").agg(
        pl.col("raw").unique().sort().alias("emails_unparsed")
    )
    street_key = pl.col("normalised").str.split_exact("|", 1).struct.field("field_0")
    address = (
        # a country alone (flagged country_only) says nothing the matcher compares
        points.filter(
            (pl.col("kind") == "address")
            & (pl.col("postcode").is_not_null() | pl.col("city").is_not_null())
        )
        .group_by("record_id", maintain_order=True)
        .first()
        .with_columns(
            # The key's street: the AFNOR form, so "12 r. de la Paix" and "12 RUE DE LA
            # PAIX" compare equal (contact_points.address_key).
            pl.when(street_key != "").then(street_key).otherwise(pl.col("street")).alias("street")
        )
        .select("record_id", "street", "postcode", "city")
    )
    records = (
        people.join(handles, on="record_id", how="left")
        .join(unparsed, on="record_id", how="left")
        .join(address, on="record_id", how="left")
        .with_columns(
            pl.col(c).fill_null(pl.lit([], dtype=pl.List(pl.String)))
            for c in ("emails", "emails_unparsed", "phones")
        )
        .select(list(RECORD_SCHEMA))
        .sort("record_id")
    )
    return records.cast(pl.Schema(RECORD_SCHEMA))


def contact_sexes(conn: Connection) -> dict[int, str]:
    """Active contact id -> ``"male"`` or ``"female"``: the gender when it is known,
    else the one the civility implies (``M.``, ``Mme``, ``Mlle``); contacts with
    neither (or ``Dr``, ``M. et Mme``) are left out."""
    c = s.contacts
    query = sa.select(c.c.id, c.c.gender, c.c.civility).where(
        c.c.status.in_(ON_FILE), sa.or_(c.c.gender.is_not(None), c.c.civility.is_not(None))
    )
    out: dict[int, str] = {}
    for contact_id, gender, civility in conn.execute(query):
        sex = sex_of(gender, civility)
        if sex:
            out[int(contact_id)] = sex
    return out


def unassigned_mobiles(conn: Connection) -> dict[int, frozenset[str]]:
    """Active contact id -> the mobile numbers it holds that the phone check put in no
    allocated range (``07 08 03 79 08``: invalid, flagged ``unassigned``).

    Never evidence that two contacts are one (a made-up ``07 12 34 56 78`` is typed by
    many), but a number someone typed as their mobile is theirs: the review rules read
    it as a mobile of their own (:func:`carnet.dedupe.decide.own_mobiles`, twins), so
    that a father and his son, or twins, are not merged because one range is missing
    from the table (ranges open over the years).
    """
    c, cp = s.contacts, s.contact_points
    query = (
        sa.select(cp.c.contact_id, cp.c.normalised)
        .select_from(cp.join(c, c.c.id == cp.c.contact_id))
        .where(
            c.c.status.in_(ON_FILE),
            cp.c.kind == "phone",
            cp.c.verdict == "invalid",
            cp.c.flags.contains("unassigned"),
            cp.c.normalised.is_not(None),
        )
    )
    found: dict[int, set[str]] = {}
    for contact_id, number in conn.execute(query):
        if str(number).startswith(MOBILE_PREFIXES):
            found.setdefault(int(contact_id), set()).add(str(number))
    return {k: frozenset(v) for k, v in found.items()}
