"""Candidate pairs: packed and unpacked deduplication give the same pairs."""

from __future__ import annotations

import duckdb
import polars as pl
import pytest

from carnet.match import Matcher, MatchModel
from carnet.match.blocking import block_keys, candidate_pairs_sql, packable_ids

from .conftest import whole_lists


def _pairs(keys: pl.DataFrame, *, packed: bool, link_only: bool = False) -> pl.DataFrame:
    con = duckdb.connect()
    try:
        con.register("keys", keys)
        sql = candidate_pairs_sql(
            "keys", "keys", link_only=link_only, same_table=True, packed=packed
        )
        out: pl.DataFrame = con.sql(sql).pl()
    finally:
        con.close()
    return out.sort("id_l", "id_r")


@pytest.mark.parametrize("link_only", [False, True])
def test_packed_pairs_are_the_distinct_pairs(
    matcher: Matcher, model: MatchModel, population: pl.DataFrame, link_only: bool
) -> None:
    prepared = matcher.prepare(population, model)
    keys, _ = block_keys(prepared.frame, matcher.settings.prediction_rules, with_source=link_only)
    assert packable_ids(keys)
    plain = _pairs(keys, packed=False, link_only=link_only)
    packed = _pairs(keys, packed=True, link_only=link_only)
    assert plain.height > 100
    assert packed.schema == plain.schema
    assert packed.equals(plain)


def test_large_record_ids_pack_near_the_bound() -> None:
    top = 2**31 - 1
    keys = pl.DataFrame(
        {"rule": [0, 0, 0, 1, 1], "key": [5, 5, 5, 9, 9], "record_id": [top, 0, top - 1, 0, top]},
        schema={"rule": pl.Int16, "key": pl.UInt64, "record_id": pl.Int64},
    )
    assert packable_ids(keys)
    expected = [(0, top - 1), (0, top), (top - 1, top)]
    assert _pairs(keys, packed=True).rows() == expected
    assert _pairs(keys, packed=False).rows() == expected


@pytest.mark.parametrize("ids", [[-1, 5], [0, 2**31], [3, 2**40]])
def test_ids_out_of_range_are_not_packed(ids: list[int]) -> None:
    keys = pl.DataFrame(
        {"rule": [0, 0], "key": [1, 1], "record_id": ids},
        schema={"rule": pl.Int16, "key": pl.UInt64, "record_id": pl.Int64},
    )
    assert not packable_ids(keys)
    assert packable_ids(keys.clear())


def test_predict_with_ids_beyond_the_packing_bound(
    matcher: Matcher, model: MatchModel, population: pl.DataFrame
) -> None:
    # ids that do not pack take the DISTINCT path: the same pairs, shifted ids
    whole = matcher.predict(population, model)
    shift = 2**40
    moved = matcher.predict(population.with_columns(pl.col("record_id") + shift), model)
    assert moved.height == whole.height > 0
    back = moved.with_columns(pl.col("record_id_l") - shift, pl.col("record_id_r") - shift)
    assert back.equals(whole)


def test_block_keys_hold_each_record_once_per_key(population: pl.DataFrame) -> None:
    # scalar-key rules skip the deduplication pass: still no repeated key
    from carnet.match import MatchSettings
    from carnet.match.records import prepare_records

    twice = population.with_columns(
        pl.concat_list([pl.col("email"), pl.col("email")]).alias("emails"),
        pl.concat_list([pl.col("phone"), pl.col("phone")]).alias("phones"),
    )
    prepared = prepare_records(twice)
    rules = MatchSettings().prediction_rules
    keys, _ = block_keys(prepared, rules, with_source=False)
    assert keys.height == keys.unique(["rule", "key", "record_id"]).height
    siren = {i for i, rule in enumerate(rules) if "siren" in rule.keys}  # no SIREN here
    assert set(keys["rule"].unique()) == set(range(len(rules))) - siren


def test_narrow_lists_give_the_keys_of_the_whole_lists(population: pl.DataFrame) -> None:
    # records with one, two or three e-mails and phones: keys read from the
    # narrow columns (first value, then the others of the few records holding
    # several) are those of the whole lists, exploded
    from carnet.match import BlockingRule, MatchSettings
    from carnet.match.records import prepare_records

    n = pl.int_range(pl.len())
    several = population.with_columns(
        pl.when(n % 3 == 0)
        .then(pl.concat_list([pl.col("email"), pl.lit("x") + pl.col("email")]))
        .when(n % 3 == 1)
        .then(pl.concat_list([pl.lit("y") + pl.col("email"), pl.col("email"), pl.lit("z@z.fr")]))
        .alias("emails"),
        pl.when(n % 2 == 0)
        .then(pl.concat_list([pl.col("phone"), pl.lit("+33612345678")]))
        .alias("phones"),
    )
    prepared = prepare_records(several)
    assert prepared["emails_many"].drop_nulls().len() > 100  # several e-mails indeed
    whole = whole_lists(prepared)
    rules = (
        *MatchSettings().prediction_rules,
        BlockingRule(("emails", "phones")),
        BlockingRule(("fn_groups", "ln_tokens")),
        BlockingRule(("mobiles", "dob")),
    )
    narrow_keys, narrow_skipped = block_keys(prepared, rules)
    whole_keys, whole_skipped = block_keys(whole, rules)
    assert narrow_skipped == whole_skipped
    assert narrow_keys.height > population.height
    assert narrow_keys.sort(pl.all()).equals(whole_keys.sort(pl.all()))
