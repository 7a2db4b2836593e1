"""Scoring by ranges of record ids gives the pairs of one query."""

from __future__ import annotations

import itertools

import polars as pl
import pytest

from carnet.match import Matcher, MatchModel, engine


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
    con = matcher._connect()
    try:
        con.register("keys", prepared.keys)
        con.sql(
            "CREATE TEMP TABLE pairs AS "
            + engine.candidate_pairs_sql("keys", "keys", link_only=False, same_table=True)
        )
        bounds = engine._batch_bounds(con, prepared.frame)
    finally:
        con.close()
    assert len(bounds) > 10
    assert all(hi < lo for (_, hi), (lo, _) in itertools.pairwise(bounds))
    batched = matcher.predict(prepared, model)
    assert batched.height == whole.height > 0
    assert batched.equals(whole)
