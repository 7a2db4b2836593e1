"""Per-contact quality scores, for the whole file or for some contacts, in columns.

The database does the per-row work it is good at (one scan of each table,
turning every row into a few integers: bit masks of present/valid fields and
ages in days, with no GROUP BY of many aggregates); Polars then groups, joins
and computes every score and explanation as column expressions, and the scores
go back in one bulk write (``COPY`` on PostgreSQL). Nothing is computed row by
row in Python. Formulas, for the fields the workspace profile wants
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

import hmac
import io
import math
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import polars as pl
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from carnet.errors import ConfigError
from carnet.fields.catalog import Catalog, Field, Kind, Profile, Storage
from carnet.quality.settings import QualitySettings
from carnet.quality.tables import quality_scores
from carnet.store import schema as s

#: Consent statuses that allow contacting (as in carnet.consent.purposes.ALLOWING).
ALLOWING: tuple[str, ...] = ("granted", "confirmed")
#: Suppression reasons that block every channel (as in carnet.consent.suppression).
PERSON_WIDE: frozenset[str] = frozenset({"erased", "complaint", "manual", "expired"})
#: Reachability channels, in display order.
CHANNELS: tuple[str, ...] = ("email", "sms", "post")

_POINT_STORAGES = (Storage.EMAIL, Storage.PHONE, Storage.ADDRESS)
_FETCH = 200_000
_BATCH = 20_000


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
    contacts: pl.DataFrame
    points: pl.DataFrame
    history: pl.DataFrame
    invalid: pl.DataFrame
    consent: pl.DataFrame


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

    # -- SQL helpers --------------------------------------------------------------------

    def age_days(self, when: sa.ColumnElement[Any]) -> sa.ColumnElement[float]:
        """Days between ``when`` and now, never negative (NULL when ``when`` is)."""
        if self.dialect == "sqlite":
            now_jd = self.now.timestamp() / 86400.0 + 2440587.5
            raw: sa.ColumnElement[float] = sa.literal_column(repr(now_jd), sa.Float) - (
                sa.func.julianday(when, type_=sa.Float)
            )
            return sa.func.max(raw, 0.0, type_=sa.Float)
        now: sa.ColumnElement[Any] = sa.literal_column(
            f"'{self.now.isoformat()}'::timestamptz", sa.DateTime(timezone=True)
        )
        seconds: sa.ColumnElement[Any] = sa.cast(sa.extract("epoch", now - when), sa.Float)
        days = seconds / sa.literal_column("86400.0", sa.Float)
        return sa.func.greatest(days, sa.literal_column("0.0", sa.Float), type_=sa.Float)

    # -- reading ------------------------------------------------------------------------

    def contacts_query(self, ids: Sequence[int] | None) -> sa.Select[Any]:
        """id, active, valid-field mask, creation age and organisation age per contact."""
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
        query = sa.select(
            c.id,
            sa.case((c.status == "active", 1), else_=0).label("active"),
            _bits(conditions).label("vmask"),
            self.age_days(c.created_at).label("age_created"),
            (self.age_days(o.updated_at) if with_org else sa.null()).label("age_org"),
        ).select_from(source)
        return query if ids is None else query.where(c.id.in_(ids))

    def point_bits(self) -> list[tuple[str, str, sa.ColumnElement[bool]]]:
        """(kind, bit name, condition) for contact points: p_/v_ per field, u_ per channel.

        Conditions only test a point of their own kind; the query dispatches on
        ``kind`` first so each row evaluates a few conditions, not all of them.
        """
        cp = s.contact_points.c
        valid = cp.verdict == "valid"
        usable = cp.verdict.in_(("valid", "warning"))
        address_ok = sa.or_(valid, sa.and_(cp.verdict == "warning", cp.flags == "no_street"))
        out: list[tuple[str, str, sa.ColumnElement[bool]]] = []
        mine: sa.ColumnElement[bool]
        for f in self.point_fields:
            if f.storage is Storage.EMAIL:
                kind, mine, good = "email", sa.true(), valid
            elif f.storage is Storage.PHONE:
                kind, good = "phone", valid
                mine = cp.subtype == f.hint if f.hint else sa.true()
            else:
                column = cp[f.db_column]
                kind, good = "address", address_ok
                mine = sa.and_(column.is_not(None), column != "")
            out += [
                (kind, f"p_{f.name}", mine),
                (kind, f"v_{f.name}", good if mine is sa.true() else sa.and_(mine, good)),
            ]
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

    def points_query(self, ids: Sequence[int] | None) -> sa.Select[Any]:
        """contact id, bit mask and age (last verified or seen) per contact point."""
        cp = s.contact_points.c
        ref = sa.case(
            (
                sa.and_(cp.last_verified.is_not(None), cp.last_verified > cp.last_seen),
                cp.last_verified,
            ),
            else_=cp.last_seen,
        )
        bits = self.point_bits()
        by_kind = []
        for kind in ("email", "phone", "address"):
            terms: sa.ColumnElement[int] = sa.literal_column("0", sa.BigInteger)
            for k, (owner, _, cond) in enumerate(bits):
                if owner != kind:
                    continue
                value = sa.literal_column(str(1 << k), sa.BigInteger)
                terms = terms + (value if cond is sa.true() else sa.case((cond, value), else_=0))
            by_kind.append((cp.kind == kind, terms))
        query = sa.select(
            cp.contact_id,
            sa.case(*by_kind, else_=0).label("bits"),
            self.age_days(ref).label("age"),
        ).where(cp.kind.in_(("email", "phone", "address")), cp.verdict != "empty")
        return query if ids is None else query.where(cp.contact_id.in_(ids))

    def history_query(self, ids: Sequence[int] | None) -> sa.Select[Any] | None:
        """contact id, field and age of its last change, for contact fields that age."""
        if not self.history_fields:
            return None
        h = s.history.c
        inner = sa.select(
            h.entity_id.label("contact_id"),
            h.field.label("field"),
            sa.func.max(h.changed_at).label("changed_at"),
        ).where(h.entity == "contact", h.field.in_(self.history_fields))
        if ids is not None:
            inner = inner.where(h.entity_id.in_(ids))
        sub = inner.group_by(h.entity_id, h.field).subquery()
        return sa.select(sub.c.contact_id, sub.c.field, self.age_days(sub.c.changed_at))

    def invalid_query(self, ids: Sequence[int] | None) -> sa.Select[Any]:
        """Contacts keeping invalid values aside, with a mask of those fields.

        JSON is only parsed for the few contacts whose attributes mention
        ``invalid_values``; the rest of the file is skipped by a text test.
        """
        c = s.contacts.c
        query = sa.select(
            c.id.label("contact_id"),
            _bits(
                [
                    c.attributes[("invalid_values", f.name)].as_string().is_not(None)
                    for f in self.other_fields
                ]
            ).label("imask"),
        ).where(sa.cast(c.attributes, sa.Text).like('%"invalid_values"%'))
        return query if ids is None else query.where(c.id.in_(ids))

    def consent_query(self, ids: Sequence[int] | None) -> sa.Select[Any]:
        """Contacts and the reach channels their consent allows."""
        st = s.consent_state.c
        pairs = [
            sa.and_(st.purpose == self.settings.reach_purposes[ch], st.channel == ch)
            for ch in CHANNELS
        ]
        query = sa.select(st.contact_id, st.channel).where(st.status.in_(ALLOWING), sa.or_(*pairs))
        return query if ids is None else query.where(st.contact_id.in_(ids))

    def read(self, conn: Connection, ids: Sequence[int] | None) -> _Frames:
        """Read what scoring needs as Polars frames."""
        contacts = _frame(
            conn,
            self.contacts_query(ids),
            {
                "contact_id": pl.Int64,
                "active": pl.Int8,
                "vmask": pl.Int64,
                "age_created": pl.Float64,
                "age_org": pl.Float64,
            },
        )
        points = _frame(
            conn,
            self.points_query(ids),
            {"contact_id": pl.Int64, "bits": pl.Int64, "age": pl.Float64},
        )
        history_query = self.history_query(ids)
        history_schema = {"contact_id": pl.Int64, "field": pl.String, "age": pl.Float64}
        history = (
            _frame(conn, history_query, history_schema)
            if history_query is not None
            else pl.DataFrame(schema=history_schema)
        )
        invalid = _frame(conn, self.invalid_query(ids), {"contact_id": pl.Int64, "imask": pl.Int64})
        consent = _frame(
            conn, self.consent_query(ids), {"contact_id": pl.Int64, "channel": pl.String}
        )
        return _Frames(contacts, points, history, invalid, consent)

    # -- computing ----------------------------------------------------------------------

    def flags(self, frames: _Frames, blocked: pl.DataFrame | None = None) -> _Flags:
        """One row per contact with the inputs of every score, and the per-field flags.

        Returns the joined frame and expressions over it: present, valid and age
        per field, usable and reachable per channel.
        """
        names = [name for _, name, _ in self.point_bits()]
        bit = {name: 1 << k for k, name in enumerate(names)}
        agg: list[pl.Expr] = [pl.col("bits").bitwise_or().alias("pbits")]
        for f in self.point_fields:
            if f.half_life_days:
                mine = (pl.col("bits") & bit[f"p_{f.name}"]) != 0
                agg.append(pl.col("age").filter(mine).min().alias(f"a_{f.name}"))
        points = frames.points.group_by("contact_id").agg(agg)
        df = frames.contacts.join(points, on="contact_id", how="left").join(
            frames.invalid, on="contact_id", how="left"
        )
        if self.history_fields:
            hist = frames.history.group_by("contact_id").agg(
                pl.col("age").filter(pl.col("field") == name).min().alias(f"h_{name}")
                for name in self.history_fields
            )
            df = df.join(hist, on="contact_id", how="left")
        consent = frames.consent.group_by("contact_id").agg(
            (pl.col("channel") == ch).any().alias(f"c_{ch}") for ch in CHANNELS
        )
        df = df.join(consent, on="contact_id", how="left")
        if blocked is not None and blocked.height:
            df = df.join(blocked, on="contact_id", how="left")
        df = df.with_columns(pl.col("pbits").fill_null(0), pl.col("imask").fill_null(0))

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
            if ch in df.columns:
                ok = ok & ~pl.col(ch).fill_null(False)
            reach[ch] = ok
        return _Flags(df, present, valid, age, usable, reach)

    def compute(self, frames: _Frames, blocked: pl.DataFrame | None = None) -> pl.DataFrame:
        """The ``quality_scores`` rows as a frame (columns in table order)."""
        flags = self.flags(frames, blocked)
        # Materialise each flag once as a column; the score expressions reuse them.
        df = flags.frame.with_columns(
            *(e.alias(f"P_{name}") for name, e in flags.present.items()),
            *(e.alias(f"V_{name}") for name, e in flags.valid.items()),
            *(e.alias(f"A_{name}") for name, e in flags.age.items()),
            *(e.alias(f"reachable_{ch}") for ch, e in flags.reach.items()),
        )
        present = {name: pl.col(f"P_{name}") for name in flags.present}
        valid = {name: pl.col(f"V_{name}") for name in flags.valid}
        age = {name: pl.col(f"A_{name}") for name in flags.age}

        def weighted(flags: dict[str, pl.Expr], fields: Iterable[Field]) -> pl.Expr:
            return pl.sum_horizontal(
                [flags[f.name].cast(pl.Float64) * f.weight for f in fields] or [pl.lit(0.0)]
            )

        total = sum(f.weight for f in self.fields) or 1.0
        aging = [f for f in self.fields if f.half_life_days]
        present_weight = weighted(present, self.fields)
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
        aging_weight = weighted(present, aging)
        df = df.with_columns(
            (present_weight / total).alias("completeness"),
            pl.when(present_weight > 0)
            .then(weighted(valid, self.fields) / present_weight)
            .otherwise(0.0)
            .alias("validity"),
            pl.when(aging_weight > 0)
            .then(fresh_sum / aging_weight)
            .when(present_weight > 0)
            .then(1.0)
            .otherwise(0.0)
            .alias("freshness"),
            self._explanation(present, valid, age).alias("explanation"),
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

    def _explanation(
        self, present: dict[str, pl.Expr], valid: dict[str, pl.Expr], age: dict[str, pl.Expr]
    ) -> pl.Expr:
        def listed(items: Sequence[pl.Expr]) -> pl.Expr:
            if not items:
                return pl.lit("")
            return pl.concat_str(items, separator=",", ignore_nulls=True)

        missing = [pl.when(~present[f.name]).then(pl.lit(f'"{f.name}"')) for f in self.fields]
        invalid = [
            pl.when(present[f.name] & ~valid[f.name]).then(pl.lit(f'"{f.name}"'))
            for f in self.fields
        ]
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
        return pl.concat_str(
            [
                pl.lit('{"missing":['),
                listed(missing),
                pl.lit('],"invalid":['),
                listed(invalid),
                pl.lit('],"stale":['),
                listed(stale),
                pl.lit("]}"),
            ]
        )


def _frame(conn: Connection, query: sa.Select[Any], schema: dict[str, Any]) -> pl.DataFrame:
    """Run ``query`` on the raw DBAPI cursor and build a frame chunk by chunk.

    The raw cursor skips SQLAlchemy's per-row result processing, which costs more
    than the query itself at a million rows; memory stays bounded by the chunk.
    """
    compiled = query.compile(conn, compile_kwargs={"render_postcompile": True})
    # Bind values still need their type's processing (JSON paths, say).
    processors = getattr(compiled, "_bind_processors", {})
    values = {
        name: processors[name](value) if name in processors else value
        for name, value in compiled.params.items()
    }
    params: Any = values
    if compiled.positiontup is not None:
        params = tuple(values[name] for name in compiled.positiontup)
    raw = conn.connection.dbapi_connection
    assert raw is not None
    cursor = raw.cursor()
    try:
        cursor.execute(str(compiled), params)
        parts = []
        while True:
            rows = cursor.fetchmany(_FETCH)
            if not rows:
                break
            parts.append(pl.DataFrame(rows, schema=schema, orient="row"))
    finally:
        cursor.close()
    if not parts:
        return pl.DataFrame(schema=schema)
    return pl.concat(parts, rechunk=False)


# -- running it ---------------------------------------------------------------------------


def compute(
    conn: Connection,
    catalog: Catalog,
    profile: Profile | str,
    settings: QualitySettings,
    now: datetime,
    secret: str | None,
    contact_ids: Iterable[int] | None = None,
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
        frames = engine.read(conn, batch)
        blocked = _blocked(conn, batch, secret) if suppressed else None
        scores = engine.compute(frames, blocked)
        if batch is None:
            # Rebuilding the score index once is cheaper than maintaining it row by row.
            index = next(iter(quality_scores.indexes))
            index.drop(conn)
            conn.execute(quality_scores.delete())
            _write(conn, scores, now)
            index.create(conn)
        else:
            conn.execute(quality_scores.delete().where(quality_scores.c.contact_id.in_(batch)))
            _write(conn, scores, now)
        written += scores.height
    return written


def _write(conn: Connection, scores: pl.DataFrame, now: datetime) -> None:
    """Bulk-insert score rows: COPY on PostgreSQL, executemany on SQLite."""
    if not scores.height:
        return
    columns = [c.name for c in quality_scores.columns]
    if conn.dialect.name == "postgresql":
        data = scores.with_columns(pl.lit(now.isoformat()).alias("computed_at"))
        buffer = io.BytesIO()
        data.select(columns).write_csv(buffer, include_header=False)
        raw = conn.connection.dbapi_connection
        assert raw is not None
        with raw.cursor() as cursor:  # type: ignore[attr-defined]
            copy_sql = f"COPY quality_scores ({', '.join(columns)}) FROM STDIN WITH (FORMAT csv)"
            with cursor.copy(copy_sql) as copy:
                copy.write(buffer.getvalue())
        return
    # SQLAlchemy's SQLite storage format for DateTime (UTC wall time).
    stamp = now.astimezone(UTC).replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")
    data = scores.with_columns(
        *(pl.col(f"reachable_{ch}").cast(pl.Int8) for ch in CHANNELS),
        pl.lit(stamp).alias("computed_at"),
    ).select(columns)
    sql = (
        f"INSERT INTO quality_scores ({', '.join(columns)}) "
        f"VALUES ({', '.join('?' for _ in columns)})"
    )
    raw = conn.connection.dbapi_connection
    assert raw is not None
    cursor = raw.cursor()
    try:
        for chunk in _chunks(data.iter_rows(), 50_000):
            cursor.executemany(sql, chunk)
    finally:
        cursor.close()


def _chunks(rows: Iterator[tuple[Any, ...]], size: int) -> Iterator[list[tuple[Any, ...]]]:
    chunk: list[tuple[Any, ...]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _blocked(conn: Connection, ids: Sequence[int] | None, secret: str | None) -> pl.DataFrame:
    """The contacts whose channels the suppression list blocks (columns email, sms, post).

    Only contacts holding an allowing consent can be reachable, so only their
    emails and phones are hashed, once per distinct value.
    """
    assert secret
    sup = s.suppressions.c
    entries: dict[tuple[str, str], str] = {
        (r.kind, r.key_hash): r.reason
        for r in conn.execute(sa.select(sup.kind, sup.key_hash, sup.reason))
    }
    cp = s.contact_points.c
    st = s.consent_state.c
    consenting = sa.select(st.contact_id).where(st.status.in_(ALLOWING))
    if ids is not None:
        consenting = consenting.where(st.contact_id.in_(ids))
    points = _frame(
        conn,
        sa.select(cp.contact_id, cp.kind, cp.normalised).where(
            cp.kind.in_(("email", "phone")),
            cp.normalised.is_not(None),
            cp.contact_id.in_(consenting),
        ),
        {"contact_id": pl.Int64, "kind": pl.String, "value": pl.String},
    )
    key = secret.encode("utf-8")
    wanted = {(kind, bytes.fromhex(digest)): reason for (kind, digest), reason in entries.items()}
    hits: dict[tuple[str, str], str] = {}
    # One HMAC per distinct value (hmac.digest is the fast one-shot C path).
    for kind, value in points.select("kind", "value").unique().iter_rows():
        canon = value.strip().lower() if kind == "email" else value.strip()
        found = wanted.get((kind, hmac.digest(key, f"{kind}:{canon}".encode(), "sha256")))
        if found is not None:
            hits[(kind, value)] = found
    blocked: dict[int, dict[str, bool]] = {}
    found_frame = pl.DataFrame(
        [{"kind": k, "value": v} for k, v in hits], schema={"kind": pl.String, "value": pl.String}
    )
    for contact_id, kind, value in points.join(found_frame, on=["kind", "value"]).iter_rows():
        reason = hits[(kind, value)]
        flags = blocked.setdefault(int(contact_id), dict.fromkeys(CHANNELS, False))
        if reason in PERSON_WIDE:
            flags.update(dict.fromkeys(CHANNELS, True))
        elif kind == "email":
            flags["email"] = True
        else:
            flags["sms"] = True
    schema = {"contact_id": pl.Int64, **dict.fromkeys(CHANNELS, pl.Boolean)}
    return pl.DataFrame([{"contact_id": k, **v} for k, v in blocked.items()], schema=schema)


__all__ = ["CHANNELS", "ScoreEngine", "compute", "scored_fields"]
