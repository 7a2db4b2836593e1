"""Reference u-probabilities and term-frequency confidence: small files."""

from __future__ import annotations

import math

import polars as pl
import pytest

from carnet.match import (
    IdentifierComparison,
    Matcher,
    MatchSettings,
    default_person_comparisons,
)
from carnet.match.comparisons import FirstNameComparison
from carnet.match.errors import MatchSettingsError
from carnet.match.reference import reference_u, reference_vector

from .conftest import frame, record


def test_the_reference_knows_every_level_of_the_person_comparisons() -> None:
    reference = reference_u()
    for comp in default_person_comparisons():
        vec = reference_vector(comp, reference)
        assert vec is not None, comp.name
        assert len(vec) == len(comp.levels)
        assert vec.sum() == pytest.approx(1.0)
        assert (vec > 0).all()
    # two random people share a first name a few times in a thousand
    first = dict(reference["first_name"])
    assert 0.001 < first["first name exact"] < 0.02


def test_a_comparison_the_reference_does_not_know_gets_none() -> None:
    reference = reference_u()
    assert reference_vector(IdentifierComparison("loyalty_card"), reference) is None
    # a level of another name: the reference does not fit the comparison
    partial = {"first_name": {"first name exact": 0.01}}
    assert reference_vector(FirstNameComparison(), partial) is None


def _sheet() -> pl.DataFrame:
    """Four records: Sophie Lefèvre twice (one person), two other people."""
    return frame(
        record(1, first_name="Sophie", last_name="Lefèvre", birth_date="1985-03-12",
               email="sophie.lefevre@gmail.com", postcode="69003", city="Lyon"),
        record(2, first_name="Sophie", last_name="Lefevre", birth_date="1985-03-12",
               email="slefevre@orange.fr", postcode="69003", city="Lyon"),
        record(3, first_name="Marc", last_name="Fontaine", birth_date="1975-09-30",
               email="marc.fontaine@wanadoo.fr", postcode="44000", city="Nantes"),
        record(4, first_name="Claire", last_name="Rousseau", email="claire.r@laposte.net"),
    )  # fmt: skip


def _exact_first_name_u(settings: MatchSettings) -> float:
    model = Matcher(settings).train(_sheet())
    return model.u["first_name"][0]


def test_a_small_file_takes_its_u_from_the_reference() -> None:
    reference = reference_u()["first_name"]["first name exact"]
    alone = _exact_first_name_u(MatchSettings(reference_u_pairs=0))
    smoothed = _exact_first_name_u(MatchSettings())
    # six pairs, one of them the duplicate: alone, "first name exact" looks
    # shared by one pair of different people in six
    assert alone > 0.1
    # smoothed: that one pair among six plus 1,000 pairs of the reference
    # ((1 + 1000 * reference) / 1006), lifted to one pair spread over the 13
    # levels (six pairs resolve no better), the whole normalised again
    floor = 1 / 13 / (6 + 1)
    assert (1 + 1000 * reference) / 1006 < smoothed <= floor
    assert smoothed < alone / 10


def test_a_large_file_keeps_its_own_u(population: pl.DataFrame) -> None:
    n = population.height
    pairs = math.comb(n, 2)
    own = Matcher(MatchSettings(reference_u_pairs=0, u_sample_pairs=pairs)).train(population)
    mixed = Matcher(MatchSettings(u_sample_pairs=pairs)).train(population)
    # the conftest population draws from 20 first names: 1 in 20 pairs agree
    assert own.u["first_name"][0] > 0.04
    for comp in own.settings.comparisons:
        floor = min(own.u[comp.name])  # a level no pair shows: one pair spread out
        levels = zip(comp.levels, own.u[comp.name], mixed.u[comp.name], strict=True)
        for level, alone, smoothed in levels:
            if alone > 1.01 * floor:
                # a level the file shows keeps its count, within 1 %
                assert smoothed == pytest.approx(alone, rel=0.01), level.label
            else:
                # one it never shows stays at the file's floor (not a thousandth of
                # the reference's own floor: the renormalised whole may take a few
                # per cent off it), or above when the reference makes it common
                assert smoothed >= 0.9 * alone, level.label


def test_the_term_frequency_adjustment_grows_with_the_file() -> None:
    sheet = _sheet()
    matcher = Matcher(MatchSettings())
    model = matcher.train(sheet)
    assert model.tf_confidence == pytest.approx(4 / (4 + 50))
    pairs = matcher.predict(sheet, model, threshold=0.01)
    row = pairs.filter((pl.col("record_id_l") == 1) & (pl.col("record_id_r") == 2)).row(
        0, named=True
    )
    assert row["first_name_level"] == "first name exact"
    m, u = model.m["first_name"][0], model.u["first_name"][0]
    tf = model.tf_tables["fn"]["sophie"]  # two Sophies in four records
    assert tf == pytest.approx(0.5)
    expected = math.log2(m / u) + model.tf_confidence * math.log2(u / tf)
    assert row["first_name_weight"] == pytest.approx(expected)
    # taken whole (tf_confidence_records=0), the frequency a duplicate gives
    # "Sophie" in four records would cancel the first name's evidence
    whole = Matcher(MatchSettings(tf_confidence_records=0))
    whole_model = whole.train(sheet)
    assert whole_model.tf_confidence == 1.0
    whole_row = whole.predict(sheet, whole_model, threshold=0.01).row(0, named=True)
    assert whole_row["first_name_weight"] < row["first_name_weight"] - 3


def test_settings_refuse_negative_weights() -> None:
    with pytest.raises(MatchSettingsError, match="reference_u_pairs"):
        MatchSettings(reference_u_pairs=-1)
    with pytest.raises(MatchSettingsError, match="tf_confidence_records"):
        MatchSettings(tf_confidence_records=-5)
