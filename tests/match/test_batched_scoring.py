"""Scoring by ranges of record ids gives the pairs of one query."""

from __future__ import annotations

import itertools

import duckdb
import polars as pl
import pytest

from carnet.match import Matcher, MatchModel, engine
from carnet.match.engine import PreparedRecords
from carnet.match.scoring import joins_as_written, score_sql, sql_frame


def _with_pairs(matcher: Matcher, prepared: PreparedRecords) -> duckdb.DuckDBPyConnection:
    """A connection holding the records (``rec``) and their candidate ``pairs``."""
    con = matcher._connect()
    con.register("rec", sql_frame(prepared.frame, matcher.settings.comparisons))
    con.register("keys", prepared.keys)
    con.sql(
        "CREATE TEMP TABLE pairs AS "
        + engine.candidate_pairs_sql("keys", "keys", link_only=False, same_table=True)
    )
    return con


def test_batched_scoring_gives_the_same_pairs(
    matcher: Matcher,
    model: MatchModel,
    population: pl.DataFrame,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    prepared = matcher.prepare(population, model)
    whole = matcher.predict(prepared, model)
    monkeypatch.setattr(engine, "_BATCH_PAIRS", 37)
    monkeypatch.setattr(engine, "_BATCH_RECORDS", 11)
    con = _with_pairs(matcher, prepared)
    try:
        bounds = engine._batch_bounds(con, prepared.frame)
    finally:
        con.close()
    assert len(bounds) > 10
    assert all(hi < lo for (_, hi), (lo, _) in itertools.pairwise(bounds))
    batched = matcher.predict(prepared, model)
    assert batched.height == whole.height > 0
    assert batched.equals(whole)


def test_joins_as_written_score_the_pairs_the_optimizer_would(
    matcher: Matcher, model: MatchModel, population: pl.DataFrame
) -> None:
    # the written join order is only a plan: the same rows as DuckDB's own
    # order, and the optimizer is back to its defaults after the block
    prepared = matcher.prepare(population, model)
    con = _with_pairs(matcher, prepared)
    try:
        query = score_sql(model, "pairs", "rec", "rec", None) + " ORDER BY id_l, id_r"
        free = con.sql(query).pl()
        with joins_as_written(con):
            plan = con.sql("EXPLAIN " + query).fetchall()[0][1]
            written = con.sql(query).pl()
        after = con.sql("SELECT current_setting('disabled_optimizers')").fetchall()[0][0]
    finally:
        con.close()
    assert free.height > 0
    assert written.equals(free)
    assert after == ""
    # the right-hand records probe the pairs' hash table, not the reverse
    assert "record_id = id_r" in plan
