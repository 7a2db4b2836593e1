"""The whole-file quality report: rates, distribution, duplicates, obsolescence, problems.

:func:`build_report` reads the stored scores and a few aggregates (SQL and
Polars, never row by row) and returns a JSON-ready dictionary; the terminal,
JSON and HTML renderings all read that dictionary. Counts are over *active*
contacts (not archived, anonymised or merged).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import polars as pl
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from carnet.fields.catalog import Catalog
from carnet.model import DECEASED
from carnet.quality.scores import CHANNELS, ScoreEngine
from carnet.quality.settings import QualitySettings
from carnet.quality.tables import quality_scores, quality_snapshots
from carnet.quality.text import field_label, problem_text
from carnet.store import schema as s


def _flag_like(column: sa.ColumnElement[str], flag: str) -> sa.ColumnElement[bool]:
    return ("," + column + ",").like(f"%,{flag},%")


def build_report(
    conn: Connection,
    engine: ScoreEngine,
    catalog: Catalog,
    settings: QualitySettings,
    now: datetime,
    lang: str = "fr",
    trend: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """The report as a dictionary (see the module docstring).

    Args:
        conn: a connection; scores must be computed first.
        engine: the score engine (same profile, settings and time).
        catalog: the workspace catalog (labels).
        settings: quality settings.
        now: the time of the report.
        lang: language of the labels, titles and actions (``fr`` or ``en``).
        trend: earlier snapshots' summaries, oldest first.
    """
    c = s.contacts.c
    q = quality_scores.c
    active = c.status == "active"
    totals = conn.execute(
        sa.select(
            sa.func.count(),
            sa.func.sum(sa.case((active, 1), else_=0)),
            # kept on file, never contacted: shown apart, in no active or reachable count
            sa.func.sum(sa.case((c.status == DECEASED, 1), else_=0)),
        ).select_from(s.contacts)
    ).one()
    total, n_active = int(totals[0] or 0), int(totals[1] or 0)
    n_deceased = int(totals[2] or 0)
    scores = sa.select(quality_scores).join(s.contacts, c.id == q.contact_id).where(active)
    sq = scores.subquery()
    row = conn.execute(
        sa.select(
            sa.func.count(),
            sa.func.avg(sq.c.score),
            sa.func.avg(sq.c.completeness),
            sa.func.avg(sq.c.validity),
            sa.func.avg(sq.c.freshness),
            *(sa.func.sum(sa.case((sq.c[f"reachable_{ch}"], 1), else_=0)) for ch in CHANNELS),
            sa.func.sum(
                sa.case((sa.or_(*(sq.c[f"reachable_{ch}"] for ch in CHANNELS)), 1), else_=0)
            ),
        )
    ).one()
    scored = int(row[0] or 0)

    def avg(value: Any) -> float | None:
        return None if value is None else round(float(value), 4)

    averages = {
        "score": None if row[1] is None else round(float(row[1]), 1),
        "completeness": avg(row[2]),
        "validity": avg(row[3]),
        "freshness": avg(row[4]),
    }
    reachable = {ch: int(row[5 + i] or 0) for i, ch in enumerate(CHANNELS)}
    reachable_any = int(row[8] or 0)

    bucket = sa.case((sq.c.score >= 100, 9), else_=sq.c.score // 10)
    counts: dict[int, int] = {
        int(b): int(n) for b, n in conn.execute(sa.select(bucket, sa.func.count()).group_by(bucket))
    }
    distribution = [
        {"from": 10 * b, "to": 100 if b == 9 else 10 * b + 9, "count": int(counts.get(b, 0))}
        for b in range(10)
    ]

    # Per-field rates and the problems that need per-contact flags, in columns.
    flags = engine.flags(engine.read(conn, None))
    # Lazy, so the active contacts are summed without copying their rows first.
    df = flags.frame.lazy().filter(pl.col("active") == 1)
    field_stats: list[dict[str, Any]] = []
    sums = (
        df.select(
            *(flags.present[f.name].sum().alias(f"p_{f.name}") for f in engine.fields),
            *(flags.valid[f.name].sum().alias(f"v_{f.name}") for f in engine.fields),
            *(flags.usable[ch].sum().alias(f"u_{ch}") for ch in CHANNELS),
            (~pl.any_horizontal([flags.usable[ch] for ch in CHANNELS]) & ~flags.valid["phone"])
            .sum()
            .alias("unreachable")
            if "phone" in flags.valid
            else (~pl.any_horizontal([flags.usable[ch] for ch in CHANNELS]))
            .sum()
            .alias("unreachable"),
            (flags.usable["email"] & ~pl.col("c_email").fill_null(False))
            .sum()
            .alias("no_email_consent"),
            *(
                [
                    (
                        flags.present["email"]
                        & (flags.age["email"] > (catalog["email"].half_life_days or 0))
                    )
                    .sum()
                    .alias("stale_emails")
                ]
                if "email" in flags.age and catalog["email"].half_life_days
                else []
            ),
            (pl.col("imask") != 0).sum().alias("invalid_values"),
        )
        .collect()
        .row(0, named=True)
    )
    base = max(n_active, 1)
    for f in engine.fields:
        filled, valid = int(sums[f"p_{f.name}"] or 0), int(sums[f"v_{f.name}"] or 0)
        field_stats.append(
            {
                "name": f.name,
                "label": field_label(catalog, f.name, lang),
                "weight": f.weight,
                "filled": filled,
                "fill_rate": round(filled / base, 4) if n_active else None,
                "valid": valid,
                "validity_rate": round(valid / filled, 4) if filled else None,
            }
        )
    reach = {
        ch: {"usable": int(sums[f"u_{ch}"] or 0), "reachable": reachable[ch]} for ch in CHANNELS
    }

    # Points with problems (one scan of contact_points).
    cp = s.contact_points.c
    email, phone, address = cp.kind == "email", cp.kind == "phone", cp.kind == "address"
    point_problems = {
        # an address that lost its @ ("jean.dupontgmail.com") is a typo with a fix
        "email_typos": sa.and_(
            email, sa.or_(_flag_like(cp.flags, "typo"), _flag_like(cp.flags, "missing_at"))
        ),
        "invalid_emails": sa.and_(
            email, cp.verdict == "invalid", sa.not_(_flag_like(cp.flags, "missing_at"))
        ),
        "disposable_emails": sa.and_(email, _flag_like(cp.flags, "disposable")),
        "role_emails": sa.and_(email, _flag_like(cp.flags, "role")),
        "invalid_phones": sa.and_(phone, cp.verdict == "invalid"),
        "postcode_mismatch": sa.and_(address, _flag_like(cp.flags, "city_mismatch")),
        "invalid_addresses": sa.and_(address, cp.verdict == "invalid"),
    }
    point_counts = conn.execute(
        sa.select(*(sa.func.sum(sa.case((cond, 1), else_=0)) for cond in point_problems.values()))
        .select_from(s.contact_points.join(s.contacts, c.id == cp.contact_id))
        .where(active)
    ).one()

    # Obsolete: no activity (or, never active, no sign-up) for N years.
    limit = now - timedelta(days=round(365.25 * settings.obsolete_years))
    obsolete = int(
        conn.execute(
            sa.select(sa.func.count())
            .select_from(s.contacts)
            .where(active, sa.func.coalesce(c.last_activity, c.first_seen) < limit)
        ).scalar_one()
    )
    duplicates = _duplicates(conn)

    problems: list[dict[str, Any]] = []

    def problem(code: str, count: int, **params: Any) -> None:
        if count <= 0:
            return
        title, action = problem_text(code, count, lang, **params)
        problems.append({"code": code, "count": count, "title": title, "action": action})

    for code, value in zip(point_problems, point_counts, strict=True):
        problem(code, int(value or 0))
    problem("obsolete", obsolete, years=settings.obsolete_years)
    problem(
        "duplicates_to_review" if duplicates["searched"] else "duplicates",
        duplicates["estimated_contacts"],
    )
    for code in ("unreachable", "no_email_consent", "stale_emails", "invalid_values"):
        if code in sums:
            problem(code, int(sums[code] or 0))
    problems.sort(key=lambda p: (-p["count"], p["code"]))

    return {
        "generated_at": now.isoformat(),
        "lang": lang,
        "profile": engine.profile.value,
        "contacts": {
            "total": total, "active": n_active, "deceased": n_deceased, "scored": scored
        },
        "averages": averages,
        "distribution": distribution,
        "fields": field_stats,
        "reach": reach,
        "reachable_any": reachable_any,
        "duplicates": duplicates,
        "obsolete": {
            "years": settings.obsolete_years,
            "count": obsolete,
            "share": round(obsolete / n_active, 4) if n_active else None,
        },
        "problems": problems,
        "trend": trend or [],
    }


def _duplicates(conn: Connection) -> dict[str, int]:
    """Pairs of active contacts sharing an email or a phone, and pending match pairs.

    Before any duplicate search, ``estimated_contacts`` counts the contacts that would
    disappear if every group sharing an email or phone, and every pending pair,
    were merged (all but the lowest id of each group; shared landlines may also be
    households); after one, only the contacts of pairs awaiting review.
    """
    cp = s.contact_points.c
    c = s.contacts.c
    live = (
        sa.select(cp.contact_id, cp.kind, cp.normalised)
        .join(s.contacts, c.id == cp.contact_id)
        .where(c.status == "active", cp.kind.in_(("email", "phone")), cp.normalised.is_not(None))
        .distinct()
        .subquery()
    )
    groups = (
        sa.select(
            live.c.kind,
            live.c.normalised,
            sa.func.count().label("n"),
            sa.func.min(live.c.contact_id).label("first"),
        )
        .group_by(live.c.kind, live.c.normalised)
        .having(sa.func.count() > 1)
        .subquery()
    )
    pairs: dict[str, Any] = dict(
        conn.execute(
            sa.select(groups.c.kind, sa.func.sum(groups.c.n * (groups.c.n - 1) / 2)).group_by(
                groups.c.kind
            )
        ).all()
    )
    extra = (
        sa.select(live.c.contact_id.label("contact_id"))
        .join(
            groups,
            sa.and_(groups.c.kind == live.c.kind, groups.c.normalised == live.c.normalised),
        )
        .where(live.c.contact_id != groups.c.first)
    )
    mp = s.match_pairs.c
    pending_ids = sa.select(mp.contact_id_r.label("contact_id")).where(mp.status == "pending")
    # Once a duplicate search has run (it keeps its model), contacts sharing an email or a
    # phone were judged by it, and every import since matched its new contacts: those
    # not merged are households or namesakes, so only the pairs awaiting review count.
    searched = (
        conn.execute(
            sa.select(sa.func.count())
            .select_from(s.settings)
            .where(s.settings.c.key == "match_model")
        ).scalar_one()
        > 0
    )
    union = (pending_ids if searched else sa.union(extra, pending_ids)).subquery()
    estimated = conn.execute(
        sa.select(sa.func.count(sa.distinct(union.c.contact_id)))
    ).scalar_one()
    pending = conn.execute(
        sa.select(sa.func.count()).select_from(s.match_pairs).where(mp.status == "pending")
    ).scalar_one()
    return {
        "pairs_by_email": int(pairs.get("email") or 0),
        "pairs_by_phone": int(pairs.get("phone") or 0),
        "pending_pairs": int(pending or 0),
        "searched": searched,
        "estimated_contacts": int(estimated or 0),
    }


def summary(report: dict[str, Any]) -> dict[str, Any]:
    """The headline figures kept in a snapshot (and shown as the trend)."""
    return {
        "active": report["contacts"]["active"],
        **report["averages"],
        "reachable": {ch: report["reach"][ch]["reachable"] for ch in CHANNELS},
        "reachable_any": report["reachable_any"],
        "obsolete": report["obsolete"]["count"],
        "duplicates": report["duplicates"]["estimated_contacts"],
        "problems": {p["code"]: p["count"] for p in report["problems"]},
    }


def save_snapshot(conn: Connection, report: dict[str, Any], now: datetime) -> int:
    """Store the report's summary as a snapshot; returns its id."""
    result = conn.execute(quality_snapshots.insert().values(taken_at=now, summary=summary(report)))
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


def load_snapshots(conn: Connection, limit: int = 24) -> list[dict[str, Any]]:
    """The latest snapshots, oldest first, each ``{"id", "taken_at", **summary}``."""
    t = quality_snapshots.c
    rows = conn.execute(
        sa.select(t.id, t.taken_at, t.summary).order_by(t.taken_at.desc(), t.id.desc()).limit(limit)
    ).all()
    out = []
    for r in reversed(rows):
        taken = r.taken_at
        out.append({"id": int(r.id), "taken_at": taken.isoformat()[:19], **dict(r.summary)})
    return out


__all__ = ["build_report", "load_snapshots", "save_snapshot", "summary"]
