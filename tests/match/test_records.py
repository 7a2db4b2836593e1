"""Prepared records: record-id order whatever the input order; e-mails typed
without their "@" put back together."""

from __future__ import annotations

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from carnet.match.records import COMMON_EMAIL_DOMAINS, prepare_records, restore_missing_at


def test_prepared_records_are_sorted_by_id(population: pl.DataFrame) -> None:
    ordered = prepare_records(population)
    shuffled = prepare_records(population.sample(fraction=1.0, shuffle=True, seed=3))
    assert ordered["record_id"].is_sorted()
    assert shuffled.equals(ordered)
    chunked = prepare_records(population.reverse(), chunk_rows=97)
    assert chunked.equals(ordered)


def _restore_expr(expr: pl.Expr) -> pl.Expr:
    """The rule as the Polars expression it was written as first (the reference)."""
    value = expr.str.to_lowercase().str.replace_all(r"\s", "")
    out: pl.Expr = pl.lit(None, dtype=pl.String)
    for domain in reversed(COMMON_EMAIL_DOMAINS):  # the longest domain wins: last `when`
        local = value.str.slice(0, value.str.len_chars() - len(domain)).str.strip_chars_end(".")
        out = (
            pl.when(
                ~value.str.contains("@", literal=True)
                & value.str.ends_with(domain)
                & (local.str.len_chars() >= 2)
            )
            .then(pl.concat_str([local, pl.lit("@"), pl.lit(domain)]))
            .otherwise(out)
        )
    return out


_typed = st.one_of(
    st.text(max_size=20),
    st.builds(
        lambda local, sep, domain, case: (local + sep + domain).upper() if case else local + sep,
        st.text("abcé.-_ 1\t", max_size=8),
        st.sampled_from(["", ".", " ", "..", "@", " . "]),
        st.sampled_from([*COMMON_EMAIL_DOMAINS, "acme.fr", "mail.com", "free.fr."]),
        st.booleans(),
    ),
    st.builds(
        lambda local, domain: local + domain,
        st.text("ab.", max_size=3),
        st.sampled_from(COMMON_EMAIL_DOMAINS),
    ),
)


@settings(max_examples=100, deadline=None)
@given(st.lists(_typed, min_size=1, max_size=30))
def test_restoring_the_at_gives_what_the_expression_gave(values: list[str]) -> None:
    expected = pl.DataFrame({"v": values}, schema={"v": pl.String}).select(
        _restore_expr(pl.col("v"))
    )
    assert [restore_missing_at(v) for v in values] == expected.to_series().to_list()


def test_restoring_the_at_on_prepared_records() -> None:
    records = pl.DataFrame(
        {
            "record_id": [1, 2, 3],
            "emails_unparsed": [["Gerard.Laurent orange.fr"], ["x.gmail.com", "jb.acme.fr"], []],
        }
    )
    prepared = prepare_records(records)
    assert prepared["emails_fixed_1"].to_list() == ["gerard.laurent@orange.fr", None, None]
    assert restore_missing_at(None) is None
    assert restore_missing_at("x.gmail.com") is None  # one letter left: not a local part
