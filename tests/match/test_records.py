"""Prepared records come out in record-id order, whatever the input order."""

from __future__ import annotations

import polars as pl

from carnet.match.records import prepare_records


def test_prepared_records_are_sorted_by_id(population: pl.DataFrame) -> None:
    ordered = prepare_records(population)
    shuffled = prepare_records(population.sample(fraction=1.0, shuffle=True, seed=3))
    assert ordered["record_id"].is_sorted()
    assert shuffled.equals(ordered)
    chunked = prepare_records(population.reverse(), chunk_rows=97)
    assert chunked.equals(ordered)
