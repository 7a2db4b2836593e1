"""Per-contact quality scores, for the whole file or for some contacts, in columns.

The database does the per-row work it is good at (one scan of each table,
turning every row into a few integers: bit masks of present/valid fields and
ages, with no GROUP BY of many aggregates) and hands the integers over as text
Polars parses, never as a Python object per value; for the whole file, the
reads are cut in slices of ids shared out between three connections in parallel
(:mod:`carnet.quality.reading`). Polars then groups, joins and computes every
score and explanation as column expressions (what only depends on which fields
are present and valid, once per distinct combination), and the scores go back
in slices, the next one computed while one is written (``COPY`` on PostgreSQL,
rows overwritten in place when they exist). Nothing is computed row by row in
Python. Formulas, for the fields the workspace profile wants
(``Catalog.for_profile``, weight ``w`` each):

- **completeness** ``C = Σ w·present / Σ w`` — a value is *present* when the
  contact holds it, valid or not (values kept aside as ``invalid_values`` count).
- **validity** ``V = Σ w·valid / Σ w·present`` (0 when nothing is present) — a
  value is *valid* when its verdict is ``valid``: emails and phones flagged as
  warnings (typo, role, disposable ...) and invalid ones do not count; an address
  part is valid when its address is valid or only lacks a street line. The
  catalog's ``phone`` is any phone number, ``mobile`` a mobile one.
- **freshness** ``F = Σ w·0.5^(age/half_life) / Σ w`` over the present fields
  that have a half-life; ``age`` is the time since the value was last changed
  (history, else when the contact was created) or, for contact points, last
  verified or seen again in a file. 1 when only ageless values are present, 0
  when nothing is.
- **reachable** per channel: the contact is active, holds a usable point (email
  valid or warning but not a likely typo; a mobile; a postal address with a
  street line and a postcode or city), the consent state for the channel's
  purpose (``newsletter``/email, ``sms_alerts``/sms, ``offers``/post by
  default) is granted or confirmed, and none of its emails/phones is suppressed
  — the rules of :func:`carnet.consent.rules.decide`, applied in bulk.
- **score** ``round(100 × (C × (0.4 + 0.3·V + 0.2·F) + 0.1·R))`` where R is 1
  when at least one channel is reachable (weights configurable): completeness
  counts most, validity and freshness weigh the data that is there, and ten
  points reward a contact that can be reached.

The explanation stored beside each score is codes, not text
(``{"missing": [...], "invalid": [...], "stale": [[field, "2021-03-02"]]}``,
most important field first); :mod:`carnet.quality.text` renders it in French or
English.
"""

from __future__ import annotations

import hashlib
import io
import math
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from typing import Any, TypeVar

import numpy as np
import polars as pl
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from carnet.errors import ConfigError
from carnet.fields.catalog import Catalog, Field, Kind, Profile, Storage
from carnet.quality.reading import Source, fetch, read_frame, run_on, side_connections, span
from carnet.quality.settings import QualitySettings
from carnet.quality.tables import quality_scores
from carnet.store import schema as s
from carnet.store.lookups import one_of, one_of_in

#: Consent statuses that allow contacting (as in carnet.consent.purposes.ALLOWING).
ALLOWING: tuple[str, ...] = ("granted", "confirmed")
#: Suppression reasons that block every channel (as in carnet.consent.suppression).
PERSON_WIDE: frozenset[str] = frozenset({"erased", "complaint", "manual", "expired"})
#: Reachability channels, in display order.
CHANNELS: tuple[str, ...] = ("email", "sms", "post")
#: The channel a suppressed email or phone blocks when its reason is not person-wide.
_OWN_CHANNEL = {"email": "email", "phone": "sms"}

_POINT_STORAGES = (Storage.EMAIL, Storage.PHONE, Storage.ADDRESS)
_T = TypeVar("_T")
#: The per-contact masks every present/valid flag derives from (see ScoreEngine.flags).
_MASKS = ["vmask", "imask", "pbits"]
#: Contacts scored and written at a time: their explanations are the bulk of memory.
_WRITE_ROWS = 100_000
#: Contacts per incremental batch, and values per ``IN (...)`` lookup.
_BATCH = 20_000
_LOOKUP = 500
#: Julian day number of 1970-01-01T00:00Z, and milliseconds in a day.
_UNIX_EPOCH_JD = 2440587.5
_DAY_MS = 86_400_000.0


def scored_fields(catalog: Catalog, profile: Profile | str) -> list[Field]:
    """The fields a score counts, most important first (weight, then catalog order)."""
    supported = {*_POINT_STORAGES, Storage.CONTACT, Storage.ORGANISATION, Storage.ATTRIBUTE}
    fields = [f for f in catalog.for_profile(profile) if f.storage in supported]
    order = {f.name: i for i, f in enumerate(fields)}
    return sorted(fields, key=lambda f: (-f.weight, order[f.name]))


def _bits(conditions: Sequence[sa.ColumnElement[bool]]) -> sa.ColumnElement[int]:
    """A bit mask: bit k set when ``conditions[k]`` holds (at most 62 conditions)."""
    assert len(conditions) <= 62
    out: sa.ColumnElement[int] = sa.literal_column("0", sa.BigInteger)
    for k, cond in enumerate(conditions):
        out = out + sa.case((cond, sa.literal_column(str(1 << k), sa.BigInteger)), else_=0)
    return out


@dataclass
class _Flags:
    """A frame of contacts and expressions over it (see :meth:`ScoreEngine.flags`)."""

    frame: pl.DataFrame
    present: dict[str, pl.Expr]
    valid: dict[str, pl.Expr]
    age: dict[str, pl.Expr]
    usable: dict[str, pl.Expr]
    reach: dict[str, pl.Expr]


@dataclass
class _Frames:
    """What scoring reads, one row per contact except ``history`` and ``consent``.

    ``points`` is already grouped per contact: ``pbits`` (the OR of its points'
    bits) and ``a_<field>`` (the age of its freshest point of each aging field).
    ``blocked`` holds the channels the suppression list blocks, when it was read.
    """

    contacts: pl.DataFrame
    points: pl.DataFrame
    history: pl.DataFrame
    consent: pl.DataFrame
    blocked: pl.DataFrame | None = None


class ScoreEngine:
    """Scores contacts: SQL reads rows as bit masks and ages, Polars computes.

    Args:
        dialect: ``sqlite`` or ``postgresql``.
        catalog: the workspace catalog.
        profile: the workspace profile.
        settings: quality settings.
        now: the time ages are measured at (aware UTC).
    """

    def __init__(
        self,
        dialect: str,
        catalog: Catalog,
        profile: Profile | str,
        settings: QualitySettings,
        now: datetime,
    ) -> None:
        self.dialect = dialect
        self.settings = settings
        self.profile = Profile(profile)
        self.fields = scored_fields(catalog, profile)
        self.now = now
        self.point_fields = [f for f in self.fields if f.storage in _POINT_STORAGES]
        self.other_fields = [f for f in self.fields if f.storage not in _POINT_STORAGES]
        if len(self.other_fields) > 62 or len(self.point_fields) > 29:
            raise ConfigError("Too many weighted fields for the quality score (62 at most).")
        self.history_fields = [
            f.name
            for f in self.other_fields
            if f.half_life_days and f.storage in (Storage.CONTACT, Storage.ATTRIBUTE)
        ]
        self.bit = {name: 1 << k for k, (_, name, _) in enumerate(self.point_bits())}

    # -- SQL helpers --------------------------------------------------------------------

    @property
    def _now_jd(self) -> float:
        return self.now.timestamp() / 86400.0 + _UNIX_EPOCH_JD

    def age_days(self, when: sa.ColumnElement[Any]) -> sa.ColumnElement[float]:
        """Days between ``when`` and now, never negative (when ``when`` is NULL: NULL on
        SQLite, 0 on PostgreSQL, whose GREATEST() skips NULLs)."""
        if self.dialect == "sqlite":
            raw: sa.ColumnElement[float] = sa.literal_column(repr(self._now_jd), sa.Float) - (
                sa.func.julianday(when, type_=sa.Float)
            )
            return sa.func.max(raw, 0.0, type_=sa.Float)
        now: sa.ColumnElement[Any] = sa.literal_column(
            f"'{self.now.isoformat()}'::timestamptz", sa.DateTime(timezone=True)
        )
        seconds: sa.ColumnElement[Any] = sa.cast(sa.extract("epoch", now - when), sa.Float)
        days = seconds / sa.literal_column("86400.0", sa.Float)
        return sa.func.greatest(days, sa.literal_column("0.0", sa.Float), type_=sa.Float)

    def age_sent(self, when: sa.ColumnElement[Any]) -> sa.ColumnElement[Any]:
        """What the database sends for the age of ``when``; :meth:`age_read` reads it.

        SQLite sends the Julian day in whole milliseconds (an exact integer: it is
        how SQLite holds times) so that no float goes through text; PostgreSQL
        sends :meth:`age_days`, whose text form is exact.
        """
        if self.dialect != "sqlite":
            return self.age_days(when)
        julian_ms = sa.func.round(sa.func.julianday(when, type_=sa.Float) * _DAY_MS)
        return sa.cast(julian_ms, sa.BigInteger)

    def age_read(self, frame: pl.DataFrame, *columns: str) -> pl.DataFrame:
        """``frame`` with ages in days where :meth:`age_sent` sent them (same floats as SQL)."""
        if self.dialect != "sqlite":
            return frame

        def days(julian_ms: pl.Series) -> pl.Series:
            # SQLite's julianday() is its integer milliseconds / 86400000.0. The division
            # is numpy's: Polars multiplies by the reciprocal, one ulp off at times.
            values = self._now_jd - julian_ms.cast(pl.Float64).to_numpy() / _DAY_MS
            return pl.Series(julian_ms.name, np.maximum(values, 0.0), nan_to_null=True)

        return frame.with_columns(days(frame.get_column(name)) for name in columns)

    # -- reading ------------------------------------------------------------------------

    def contacts_query(self, ids: Sequence[int] | None) -> sa.Select[Any]:
        """Per contact: id, active, masks of valid fields and of invalid values kept
        aside, creation age and organisation age.

        JSON is only parsed for the few contacts whose attributes mention
        ``invalid_values``; the rest of the file is skipped by a text test.
        """
        c = s.contacts.c
        o = s.organisations.c
        conditions: list[sa.ColumnElement[bool]] = []
        for f in self.other_fields:
            if f.storage is Storage.ORGANISATION:
                value = o[f.db_column]
                conditions.append(sa.and_(value.is_not(None), sa.cast(value, sa.Text) != ""))
            elif f.storage is Storage.ATTRIBUTE:
                conditions.append(c.attributes[f.name].as_string().is_not(None))
            elif f.kind is Kind.LIST:
                column = c[f.db_column]
                conditions.append(
                    sa.and_(
                        column.is_not(None),
                        sa.cast(column, sa.Text).not_in(("[]", "null", '""')),
                    )
                )
            else:
                conditions.append(c[f.db_column].is_not(None))
        with_org = any(f.storage is Storage.ORGANISATION for f in self.other_fields)
        source: Any = s.contacts
        if with_org:
            source = source.outerjoin(s.organisations, o.id == c.organisation_id)
        kept_aside = _bits(
            [
                c.attributes[("invalid_values", f.name)].as_string().is_not(None)
                for f in self.other_fields
            ]
        )
        mentions_invalid = sa.cast(c.attributes, sa.Text).like('%"invalid_values"%')
        query = sa.select(
            c.id.label("contact_id"),
            sa.case((c.status == "active", 1), else_=0).label("active"),
            _bits(conditions).label("vmask"),
            sa.case((mentions_invalid, kept_aside), else_=0).label("imask"),
            self.age_sent(c.created_at).label("age_created"),
            (self.age_sent(o.updated_at) if with_org else sa.null()).label("age_org"),
        ).select_from(source)
        return query if ids is None else query.where(self.among(c.id, ids))

    def point_bits(self) -> list[tuple[str, str, sa.ColumnElement[bool]]]:
        """(kind, bit name, condition) for contact points: p_/v_ per field, u_ per channel.

        Conditions only test a point of their own kind; the query dispatches on
        ``kind`` first so each row evaluates a few conditions, not all of them.
        """
        cp = s.contact_points.c
        usable = cp.verdict.in_(("valid", "warning"))
        good = self._good_points()
        out: list[tuple[str, str, sa.ColumnElement[bool]]] = []
        mine: sa.ColumnElement[bool]
        for f in self.point_fields:
            if f.storage is Storage.EMAIL:
                kind, mine = "email", sa.true()
            elif f.storage is Storage.PHONE:
                kind = "phone"
                mine = cp.subtype == f.hint if f.hint else sa.true()
            else:
                column = cp[f.db_column]
                kind = "address"
                mine = sa.and_(column.is_not(None), column != "")
            valid = good[kind] if mine is sa.true() else sa.and_(mine, good[kind])
            out += [(kind, f"p_{f.name}", mine), (kind, f"v_{f.name}", valid)]
        not_typo = ("," + cp.flags + ",").not_like("%,typo,%")
        out += [
            ("email", "u_email", sa.and_(usable, not_typo)),
            ("phone", "u_sms", sa.and_(cp.subtype == "mobile", usable)),
            (
                "address",
                "u_post",
                sa.and_(
                    usable,
                    cp.line1.is_not(None),
                    sa.or_(cp.postcode.is_not(None), cp.city.is_not(None)),
                ),
            ),
        ]
        return out

    def _good_points(self) -> dict[str, sa.ColumnElement[bool]]:
        """Per kind, when a point of it is valid: its verdict is, or for an address
        also when the only warning is a missing street line."""
        cp = s.contact_points.c
        valid = cp.verdict == "valid"
        return {
            "email": valid,
            "phone": valid,
            "address": sa.or_(valid, sa.and_(cp.verdict == "warning", cp.flags == "no_street")),
        }

    def points_query(self, ids: Sequence[int] | None) -> sa.Select[Any]:
        """contact id, bit mask and age (last verified or seen) per contact point.

        The v_ bits of :meth:`point_bits` are ``p_ and good``: the query sends the
        p_ and u_ bits, negated when the point is good (valid, for an address also
        valid but for its street), and :meth:`_point_masks` sets the v_ bits, so
        SQL tests validity once a row instead of once per field. Points that do
        not count (an empty verdict, another kind) get NULL bits: the CASE already
        tests the kind, a WHERE would test it again on every row.
        """
        cp = s.contact_points.c
        ref = sa.case(
            (
                sa.and_(cp.last_verified.is_not(None), cp.last_verified > cp.last_seen),
                cp.last_verified,
            ),
            else_=cp.last_seen,
        )
        good = self._good_points()
        bits = self.point_bits()
        by_kind = []
        for kind in ("email", "phone", "address"):
            terms: sa.ColumnElement[int] = sa.literal_column("0", sa.BigInteger)
            for k, (owner, name, cond) in enumerate(bits):
                if owner != kind or name.startswith("v_"):
                    continue
                value = sa.literal_column(str(1 << k), sa.BigInteger)
                terms = terms + (value if cond is sa.true() else sa.case((cond, value), else_=0))
            by_kind.append((cp.kind == kind, sa.case((good[kind], -terms), else_=terms)))
        query = sa.select(
            cp.contact_id,
            sa.case((cp.verdict == "empty", sa.null()), *by_kind, else_=sa.null()).label("bits"),
            self.age_sent(ref).label("age"),
        )
        return query if ids is None else query.where(self.among(cp.contact_id, ids))

    def _point_masks(self, points: pl.LazyFrame) -> pl.LazyFrame:
        """Points with their full bit mask (v_ bits set) and per-field ages, then per contact."""
        points = points.filter(pl.col("bits").is_not_null())
        signed = pl.col("bits")
        raw = signed.abs()
        valid_bits = pl.lit(0, pl.Int64)
        for f in self.point_fields:
            p, v = self.bit[f"p_{f.name}"], self.bit[f"v_{f.name}"]
            valid_bits = valid_bits + pl.when((signed < 0) & ((raw & p) != 0)).then(v).otherwise(0)
        points = points.with_columns((raw | valid_bits).alias("bits"))
        # Each point field's age column holds the age only where the point has the field.
        aging = [f for f in self.point_fields if f.half_life_days]
        points = points.with_columns(
            pl.when((pl.col("bits") & self.bit[f"p_{f.name}"]) != 0)
            .then(pl.col("age"))
            .alias(f"a_{f.name}")
            for f in aging
        )
        return points.group_by("contact_id").agg(
            pl.col("bits").bitwise_or().alias("pbits"),
            *(pl.col(f"a_{f.name}").min() for f in aging),
        )

    def history_query(self, ids: Sequence[int] | None) -> sa.Select[Any] | None:
        """contact id, field (its index in ``history_fields``) and age of its last change."""
        if not self.history_fields:
            return None
        h = s.history.c
        index = sa.case(*((h.field == name, i) for i, name in enumerate(self.history_fields)))
        query = (
            sa.select(
                h.entity_id.label("contact_id"),
                index.label("field"),
                self.age_sent(sa.func.max(h.changed_at)).label("age"),
            )
            .where(h.entity == "contact", h.field.in_(self.history_fields))
            .group_by(h.entity_id, h.field)
        )
        return query if ids is None else query.where(self.among(h.entity_id, ids))

    def among(self, column: sa.ColumnElement[Any], ids: Sequence[int]) -> sa.ColumnElement[bool]:
        """``column IN ids``: on SQLite one JSON parameter (:func:`one_of_in`), the same
        statement whatever the ids, where SQLAlchemy rendered a parameter per id again
        for every read of every batch (20,000 ids each), which cost more than the reads.
        PostgreSQL's reads (COPY) keep the list."""
        if self.dialect == "sqlite":
            return one_of_in(self.dialect, column, ids)
        return column.in_(ids)

    def consent_query(self, ids: Sequence[int] | None) -> sa.Select[Any]:
        """Contacts and the reach channel (bit k for ``CHANNELS[k]``) their consent allows."""
        st = s.consent_state.c
        pairs = [
            sa.and_(st.purpose == self.settings.reach_purposes[ch], st.channel == ch)
            for ch in CHANNELS
        ]
        channel = sa.case(*((st.channel == ch, 1 << k) for k, ch in enumerate(CHANNELS)))
        query = sa.select(st.contact_id, channel.label("channels")).where(
            st.status.in_(ALLOWING), sa.or_(*pairs)
        )
        return query if ids is None else query.where(self.among(st.contact_id, ids))

    def read(
        self,
        conn: Connection,
        ids: Sequence[int] | None,
        *,
        secret: str | None = None,
        sides: Sequence[Connection] = (),
    ) -> _Frames:
        """Read what scoring needs as Polars frames (points grouped per contact).

        Args:
            conn: the connection.
            ids: only these contacts; None for every contact.
            secret: the workspace secret: when given, the suppression list is
                matched and its blocks go in ``blocked``.
            sides: more connections that see what ``conn`` sees: the reads, cut
                in slices of ids, are shared out between all the connections,
                each in a thread of its own (SQLite and Polars work outside the
                GIL).
        """
        contacts_span = points_span = None
        if ids is None:
            contacts_span = span(conn, s.contacts.c.id)
            points_span = span(conn, s.contact_points.c.id)
        age = self._age_dtype
        sources = {
            "contacts": Source(
                self.contacts_query(ids),
                {
                    "contact_id": pl.Int64,
                    "active": pl.Int8,
                    "vmask": pl.Int64,
                    "imask": pl.Int64,
                    "age_created": age,
                    "age_org": age,
                },
                s.contacts.c.id,
                contacts_span,
            ),
            "points": Source(
                self.points_query(ids),
                {"contact_id": pl.Int64, "bits": pl.Int64, "age": age},
                s.contact_points.c.id,
                points_span,
            ),
            "consent": Source(
                self.consent_query(ids),
                {"contact_id": pl.Int64, "channels": pl.Int64},
                s.consent_state.c.contact_id,
                contacts_span,
            ),
        }
        history_query = self.history_query(ids)
        history_schema = {"contact_id": pl.Int64, "field": pl.Int64, "age": age}
        if history_query is not None:
            sources["history"] = Source(
                history_query, history_schema, s.history.c.entity_id, contacts_span
            )
        # The one task that is not sliced, and the longest, starts first.
        tasks: list[tuple[str, Callable[[Connection], pl.DataFrame]]] = []
        if secret:
            tasks.append(("blocked", partial(_blocked, engine=self, ids=ids, secret=secret)))
        for name, source in sources.items():
            tasks += [
                (name, partial(read_frame, source=piece)) for piece in source.slices(self.dialect)
            ]
        frames: dict[str, list[pl.DataFrame]] = {name: [] for name in sources}
        results = run_on([conn, *sides], [task for _, task in tasks])
        for (name, _), result in zip(tasks, results, strict=True):
            frames.setdefault(name, []).append(result)

        def whole(name: str) -> pl.DataFrame:
            parts = frames[name]
            return pl.concat(parts) if parts else pl.DataFrame(schema=sources[name].schema)

        points = self.age_read(whole("points"), "age")
        # Streaming: the per-field age columns never exist for all points at once.
        return _Frames(
            contacts=self.age_read(whole("contacts"), "age_created", "age_org"),
            points=self._point_masks(points.lazy()).collect(engine="streaming"),
            history=(
                self.age_read(whole("history"), "age")
                if "history" in sources
                else pl.DataFrame(schema={**history_schema, "age": pl.Float64})
            ),
            consent=whole("consent"),
            blocked=frames["blocked"][0] if secret else None,
        )

    @property
    def _age_dtype(self) -> Any:
        return pl.Int64 if self.dialect == "sqlite" else pl.Float64

    # -- computing ----------------------------------------------------------------------

    def flags(self, frames: _Frames, blocked: pl.DataFrame | None = None) -> _Flags:
        """One row per contact with the inputs of every score, and the per-field flags.

        Returns the joined frame (sorted by contact id) and expressions over it:
        present, valid and age per field, usable and reachable per channel.
        """
        bit = self.bit
        if blocked is None:
            blocked = frames.blocked
        df = frames.contacts.lazy().join(frames.points.lazy(), on="contact_id", how="left")
        if self.history_fields:
            hist = (
                frames.history.lazy()
                .with_columns(
                    pl.when(pl.col("field") == i).then(pl.col("age")).alias(f"h_{name}")
                    for i, name in enumerate(self.history_fields)
                )
                .group_by("contact_id")
                .agg(pl.col(f"h_{name}").min() for name in self.history_fields)
            )
            df = df.join(hist, on="contact_id", how="left")
        consent = (
            frames.consent.lazy()
            .group_by("contact_id")
            .agg(pl.col("channels").bitwise_or())
            .select(
                "contact_id",
                *(
                    ((pl.col("channels") & (1 << k)) != 0).alias(f"c_{ch}")
                    for k, ch in enumerate(CHANNELS)
                ),
            )
        )
        df = df.join(consent, on="contact_id", how="left")
        if blocked is not None and blocked.height:
            df = df.join(blocked.lazy(), on="contact_id", how="left")
        frame = df.with_columns(pl.col("pbits").fill_null(0)).sort("contact_id").collect()

        present: dict[str, pl.Expr] = {}
        valid: dict[str, pl.Expr] = {}
        age: dict[str, pl.Expr] = {}
        for k, f in enumerate(self.other_fields):
            valid[f.name] = (pl.col("vmask") & (1 << k)) != 0
            present[f.name] = valid[f.name] | ((pl.col("imask") & (1 << k)) != 0)
            if f.storage is Storage.ORGANISATION:
                age[f.name] = pl.col("age_org")
            elif f.name in self.history_fields:
                age[f.name] = pl.coalesce(pl.col(f"h_{f.name}"), pl.col("age_created"))
            else:
                age[f.name] = pl.col("age_created")
        for f in self.point_fields:
            present[f.name] = (pl.col("pbits") & bit[f"p_{f.name}"]) != 0
            valid[f.name] = (pl.col("pbits") & bit[f"v_{f.name}"]) != 0
            if f.half_life_days:
                age[f.name] = pl.col(f"a_{f.name}")
        usable: dict[str, pl.Expr] = {}
        reach: dict[str, pl.Expr] = {}
        for ch in CHANNELS:
            usable[ch] = (pl.col("pbits") & bit[f"u_{ch}"]) != 0
            ok = (pl.col("active") == 1) & usable[ch] & pl.col(f"c_{ch}").fill_null(False)
            if ch in frame.columns:
                ok = ok & ~pl.col(ch).fill_null(False)
            reach[ch] = ok
        return _Flags(frame, present, valid, age, usable, reach)

    def compute(self, frames: _Frames, blocked: pl.DataFrame | None = None) -> pl.DataFrame:
        """The ``quality_scores`` rows as a frame (columns in table order)."""
        return pl.concat(list(self.score_slices(self.flags(frames, blocked), None)))

    def score_slices(self, flags: _Flags, size: int | None = _WRITE_ROWS) -> Iterator[pl.DataFrame]:
        """The ``quality_scores`` rows, ``size`` contacts at a time (all when None)."""
        by_masks = self._mask_scores(flags)
        height = flags.frame.height
        step = size or max(height, 1)
        # An empty file still yields one (empty) slice, so there is always a frame.
        for offset in range(0, max(height, 1), step):
            part = flags.frame.slice(offset, step)
            yield self._scores(
                flags, part.join(by_masks, on=_MASKS, how="left", maintain_order="left")
            )

    def _mask_scores(self, flags: _Flags) -> pl.DataFrame:
        """What only depends on which fields are present and valid, per value of the masks.

        Completeness, validity, the weights behind freshness and the missing and
        invalid lists of the explanation only depend on the three masks, which
        few distinct values take: they are computed once per value, not per row.
        """
        present_weight = _weighted(flags.present, self.fields)
        total = sum(f.weight for f in self.fields) or 1.0
        return (
            flags.frame.select(_MASKS)
            .unique()
            .with_columns(
                (present_weight / total).alias("completeness"),
                pl.when(present_weight > 0)
                .then(_weighted(flags.valid, self.fields) / present_weight)
                .otherwise(0.0)
                .alias("validity"),
                present_weight.alias("present_weight"),
                _weighted(flags.present, self._aging).alias("aging_weight"),
                self._explanation_head(flags.present, flags.valid).alias("head"),
            )
        )

    @property
    def _aging(self) -> list[Field]:
        return [f for f in self.fields if f.half_life_days]

    def _scores(self, flags: _Flags, part: pl.DataFrame) -> pl.DataFrame:
        """Scores of ``part``: contacts joined with their :meth:`_mask_scores`."""
        aging = [f for f in self._aging if f.name in flags.age]
        # Materialise each flag once as a column; the score expressions reuse them.
        df = part.with_columns(
            *(flags.present[f.name].alias(f"P_{f.name}") for f in aging),
            *(flags.age[f.name].alias(f"A_{f.name}") for f in aging),
            *(e.alias(f"reachable_{ch}") for ch, e in flags.reach.items()),
        )
        present = {f.name: pl.col(f"P_{f.name}") for f in aging}
        age = {f.name: pl.col(f"A_{f.name}") for f in aging}
        fresh_sum = pl.sum_horizontal(
            [
                pl.when(present[f.name])
                .then(f.weight * (0.5 ** (age[f.name].fill_null(0.0) / f.half_life_days)))
                .otherwise(0.0)
                for f in aging
                if f.half_life_days
            ]
            or [pl.lit(0.0)]
        )
        aging_weight, present_weight = pl.col("aging_weight"), pl.col("present_weight")
        df = df.with_columns(
            pl.when(aging_weight > 0)
            .then(fresh_sum / aging_weight)
            .when(present_weight > 0)
            .then(1.0)
            .otherwise(0.0)
            .alias("freshness"),
            pl.concat_str([pl.col("head"), self._stale_list(present, age), pl.lit("]}")]).alias(
                "explanation"
            ),
        )
        w = self.settings.weights
        reach_any = pl.any_horizontal([pl.col(f"reachable_{ch}") for ch in CHANNELS])
        score = 100.0 * (
            pl.col("completeness")
            * (
                w["completeness"]
                + w["validity"] * pl.col("validity")
                + w["freshness"] * pl.col("freshness")
            )
            + w["reachability"] * reach_any.cast(pl.Float64)
        )
        return df.select(
            "contact_id",
            "completeness",
            "validity",
            "freshness",
            *(f"reachable_{ch}" for ch in CHANNELS),
            # Half away from zero, like SQL ROUND, so scores are the same everywhere.
            (score + 0.5).floor().cast(pl.Int32).alias("score"),
            "explanation",
        )

    def _explanation_head(self, present: dict[str, pl.Expr], valid: dict[str, pl.Expr]) -> pl.Expr:
        """``{"missing":[...],"invalid":[...],"stale":[`` — the explanation up to its stale list."""
        missing = [pl.when(~present[f.name]).then(pl.lit(f'"{f.name}"')) for f in self.fields]
        invalid = [
            pl.when(present[f.name] & ~valid[f.name]).then(pl.lit(f'"{f.name}"'))
            for f in self.fields
        ]
        return pl.concat_str(
            [
                pl.lit('{"missing":['),
                _listed(missing),
                pl.lit('],"invalid":['),
                _listed(invalid),
                pl.lit('],"stale":['),
            ]
        )

    def _stale_list(self, present: dict[str, pl.Expr], age: dict[str, pl.Expr]) -> pl.Expr:
        """``["email","2021-03-02"],...`` — the present fields older than ``stale_below``."""
        stale: list[pl.Expr] = []
        below = self.settings.stale_below
        for f in self.fields:
            if not f.half_life_days or below <= 0 or f.name not in age:
                continue
            # 0.5^(age/h) < stale_below  <=>  age > h * log2(1/stale_below)
            limit = f.half_life_days * math.log2(1 / below)
            days = pl.when(present[f.name] & (age[f.name] > limit)).then(age[f.name])
            since = (
                pl.lit(self.now) - pl.duration(milliseconds=(days * 86_400_000).cast(pl.Int64))
            ).dt.strftime("%Y-%m-%d")
            stale.append(pl.concat_str([pl.lit(f'["{f.name}","'), since, pl.lit('"]')]))
        return _listed(stale)


def _weighted(flags: dict[str, pl.Expr], fields: Iterable[Field]) -> pl.Expr:
    """Σ weight over the fields whose flag holds."""
    return pl.sum_horizontal(
        [flags[f.name].cast(pl.Float64) * f.weight for f in fields] or [pl.lit(0.0)]
    )


def _listed(items: Sequence[pl.Expr]) -> pl.Expr:
    """The non-null items joined with commas ("" when there are none)."""
    if not items:
        return pl.lit("")
    return pl.concat_str(items, separator=",", ignore_nulls=True)


# -- running it ---------------------------------------------------------------------------


def compute(
    conn: Connection,
    catalog: Catalog,
    profile: Profile | str,
    settings: QualitySettings,
    now: datetime,
    secret: str | None,
    contact_ids: Iterable[int] | None = None,
    *,
    reader: Engine | None = None,
) -> int:
    """Score contacts and store the scores (replacing their old ones).

    Args:
        conn: a connection inside a transaction.
        catalog: the workspace catalog.
        profile: the workspace profile.
        settings: quality settings.
        now: the time ages are measured at.
        secret: the workspace secret keying the suppression list (needed only when
            the list is not empty).
        contact_ids: only these contacts; None for every contact.
        reader: the engine of ``conn``, only while ``conn`` has written nothing in
            its transaction (other connections would not see it): scoring every
            contact then also reads on two more of its connections, in parallel.

    Returns:
        How many scores were written.

    Raises:
        ConfigError: when there are suppressions but no secret to match them.
    """
    engine = ScoreEngine(conn.dialect.name, catalog, profile, settings, now)
    suppressed = bool(
        conn.execute(sa.select(sa.func.count()).select_from(s.suppressions)).scalar_one()
    )
    if suppressed and not secret:
        raise ConfigError(
            "The suppression list cannot be matched without the workspace secret; set "
            "CARNET_SECRET_KEY to the value used when the list was built."
        )
    batches: list[list[int] | None]
    if contact_ids is None:
        batches = [None]
    else:
        ids = sorted({int(i) for i in contact_ids})
        batches = [ids[i : i + _BATCH] for i in range(0, len(ids), _BATCH)]
    written = 0
    for batch in batches:
        with side_connections(reader if batch is None else None) as sides:
            frames = engine.read(conn, batch, secret=secret if suppressed else None, sides=sides)
        flags = engine.flags(frames)
        del frames
        if batch is None:
            # Rebuilding the score index once is cheaper than maintaining it row by row.
            index = next(iter(quality_scores.indexes))
            _begin(conn)
            index.drop(conn)
            # Every contact gets a row, and a score cannot outlive its contact (the
            # foreign key cascades): old rows are overwritten, none needs deleting.
            overwrite = conn.execute(sa.select(quality_scores.c.contact_id).limit(1)).first()
            written += _write_all(
                conn, engine.score_slices(flags), now, overwrite=overwrite is not None
            )
            index.create(conn)
        else:
            conn.execute(
                quality_scores.delete().where(one_of(conn, quality_scores.c.contact_id, batch))
            )
            written += _write_all(conn, engine.score_slices(flags), now)
    return written


def _begin(conn: Connection) -> None:
    """Open the write transaction now (pysqlite waits for the first INSERT or
    DELETE, so DDL before it would commit on its own and survive a rollback)."""
    raw: Any = conn.connection.dbapi_connection
    if conn.dialect.name == "sqlite" and not raw.in_transaction:
        raw.execute("BEGIN")


def _write_all(
    conn: Connection, slices: Iterator[pl.DataFrame], now: datetime, *, overwrite: bool = False
) -> int:
    """Write score slices as they come; returns how many rows were written.

    ``overwrite`` replaces the row of a contact that has one, in place, where a
    DELETE then INSERT costs more: SQLite's DELETE visits every row when foreign
    keys are on, and PostgreSQL checks the foreign key of every inserted row,
    which an update keeping the key skips. On PostgreSQL the slices go to a
    temporary table first (COPY cannot update), then into the scores at once.
    """
    staged = overwrite and conn.dialect.name == "postgresql"
    table = quality_scores.name
    if staged:
        table = "quality_scores_new"
        conn.exec_driver_sql(
            f"CREATE TEMPORARY TABLE {table} (LIKE {quality_scores.name}) ON COMMIT DROP"
        )
    written = 0
    for scores in _ahead(slices):
        _write(conn, scores, now, table=table, overwrite=overwrite and not staged)
        written += scores.height
    if staged:
        names = ", ".join(c.name for c in quality_scores.columns)
        conn.exec_driver_sql(
            f"INSERT INTO {quality_scores.name} ({names}) SELECT {names} FROM {table} "
            f"ON CONFLICT (contact_id) DO UPDATE SET {_updates()}"
        )
        conn.exec_driver_sql(f"DROP TABLE {table}")
    return written


def _updates() -> str:
    """The SET clause of an upsert of score rows (every column but the key)."""
    return ", ".join(f"{c.name} = excluded.{c.name}" for c in quality_scores.columns[1:])


def _ahead(items: Iterator[_T]) -> Iterator[_T]:
    """``items``, the next one made in a worker thread while this one is used.

    Scoring a slice (Polars) and writing the one before (SQLite or PostgreSQL)
    both run outside the GIL, so they overlap.
    """
    with ThreadPoolExecutor(max_workers=1) as pool:
        job = pool.submit(next, items, None)
        while (item := job.result()) is not None:
            job = pool.submit(next, items, None)
            yield item


def _write(
    conn: Connection,
    scores: pl.DataFrame,
    now: datetime,
    *,
    table: str = quality_scores.name,
    overwrite: bool = False,
) -> None:
    """Bulk-insert score rows into ``table`` (shaped like ``quality_scores``): COPY on
    PostgreSQL, executemany on SQLite, where ``overwrite`` makes it an upsert."""
    if not scores.height:
        return
    columns = [c.name for c in quality_scores.columns]
    if conn.dialect.name == "postgresql":
        assert not overwrite, "COPY cannot overwrite: stage the rows (see _write_all)"
        data = scores.with_columns(pl.lit(now.isoformat()).alias("computed_at"))
        buffer = io.BytesIO()
        data.select(columns).write_csv(buffer, include_header=False)
        raw: Any = conn.connection.dbapi_connection  # psycopg's, for copy()
        with raw.cursor() as cursor:
            copy_sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN WITH (FORMAT csv)"
            with cursor.copy(copy_sql) as copy:
                copy.write(buffer.getvalue())
        return
    # SQLAlchemy's SQLite storage format for DateTime (UTC wall time), written into
    # the statement (it is our own formatted time) rather than bound on every row.
    stamp = now.astimezone(UTC).replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")
    data = scores.with_columns(
        *(pl.col(f"reachable_{ch}").cast(pl.Int8) for ch in CHANNELS)
    ).select(columns[:-1])
    assert columns[-1] == "computed_at"
    sql = (
        f"INSERT INTO {table} ({', '.join(columns)}) "
        f"VALUES ({', '.join('?' for _ in data.columns)}, '{stamp}')"
    )
    if overwrite:
        sql += f" ON CONFLICT (contact_id) DO UPDATE SET {_updates()}"
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        # Whole columns to Python lists, zipped into rows: far cheaper than iter_rows().
        rows: Any = zip(*(column.to_list() for column in data.iter_columns()), strict=True)
        cursor.executemany(sql, rows)
    finally:
        cursor.close()


def _blocked(
    conn: Connection, engine: ScoreEngine, ids: Sequence[int] | None, secret: str | None
) -> pl.DataFrame:
    """The contacts whose channels the suppression list blocks (columns email, sms, post).

    A block only matters where consent would otherwise allow the channel, so a
    kind of value (email, phone) is only read for the contacts consenting to a
    channel it can block; each distinct value is hashed once, and only the
    contacts holding a suppressed value are then looked up (by the value index).
    """
    assert secret
    keyed_hash = _hmac_sha256(secret.encode("utf-8"))
    sup = s.suppressions.c
    entries: dict[str, dict[bytes, str]] = {}
    for kind, digest, reason in conn.execute(sa.select(sup.kind, sup.key_hash, sup.reason)):
        entries.setdefault(kind, {})[bytes.fromhex(digest)] = reason
    cp = s.contact_points.c
    st = s.consent_state.c
    blocked: dict[int, dict[str, bool]] = {}
    for kind, own in _OWN_CHANNEL.items():
        wanted = entries.get(kind)
        if not wanted:
            continue
        person_wide = any(reason in PERSON_WIDE for reason in wanted.values())
        channels = CHANNELS if person_wide else (own,)
        consenting = sa.select(st.contact_id).where(
            st.status.in_(ALLOWING),
            sa.or_(
                *(
                    sa.and_(st.purpose == engine.settings.reach_purposes[ch], st.channel == ch)
                    for ch in channels
                )
            ),
        )
        values = sa.select(cp.normalised).where(cp.kind == kind)
        if ids is None:
            values = values.where(cp.normalised.is_not(None))
        else:
            # (no "normalised IS NOT NULL" in SQL here: SQLite, which keeps no statistics,
            # would read it as a range on the look-up index and go through every point of
            # the kind in the workspace, not the few contacts' points)
            consenting = consenting.where(engine.among(st.contact_id, ids))
            values = values.where(engine.among(cp.contact_id, ids))
        values = values.where(cp.contact_id.in_(consenting))
        prefix = f"{kind}:"
        hits: dict[str, str] = {}
        # One HMAC per distinct value, canonical as carnet.consent.suppression keys it.
        for (value,) in set(fetch(conn, values)):
            if value is None:
                continue
            canon = value.strip().lower() if kind == "email" else value.strip()
            found = wanted.get(keyed_hash((prefix + canon).encode()))
            if found is not None:
                hits[value] = found
        found_values = sorted(hits)
        for start in range(0, len(found_values), _LOOKUP):
            holders = sa.select(cp.contact_id, cp.normalised).where(
                cp.kind == kind, cp.normalised.in_(found_values[start : start + _LOOKUP])
            )
            if ids is not None:
                holders = holders.where(engine.among(cp.contact_id, ids))
            for contact_id, value in fetch(conn, holders):
                reason = hits[value]
                flags = blocked.setdefault(int(contact_id), dict.fromkeys(CHANNELS, False))
                if reason in PERSON_WIDE:
                    flags.update(dict.fromkeys(CHANNELS, True))
                else:
                    flags[own] = True
    schema = {"contact_id": pl.Int64, **dict.fromkeys(CHANNELS, pl.Boolean)}
    return pl.DataFrame([{"contact_id": k, **v} for k, v in blocked.items()], schema=schema)


def _hmac_sha256(key: bytes) -> Callable[[bytes], bytes]:
    """HMAC-SHA256 keyed with ``key`` (RFC 2104): ``hmac.digest(key, m, "sha256")``.

    The two padded key blocks are hashed once and copied per message, three
    times faster than ``hmac.digest``, which sets OpenSSL up again each call.
    """
    block_size = 64  # SHA-256's
    if len(key) > block_size:
        key = hashlib.sha256(key).digest()
    block = key.ljust(block_size, b"\0")
    inner = hashlib.sha256(bytes(b ^ 0x36 for b in block))
    outer = hashlib.sha256(bytes(b ^ 0x5C for b in block))

    def digest(message: bytes) -> bytes:
        inner_hash = inner.copy()
        inner_hash.update(message)
        outer_hash = outer.copy()
        outer_hash.update(inner_hash.digest())
        return outer_hash.digest()

    return digest


__all__ = ["CHANNELS", "ScoreEngine", "compute", "scored_fields"]
