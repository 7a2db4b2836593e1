"""u-probabilities bounded by the exact share of pairs holding a common value."""

from __future__ import annotations

import math

import polars as pl
import pytest

from carnet.match import Matcher, MatchSettings
from carnet.match.comparisons import EmailComparison, PhoneComparison, SirenComparison
from carnet.match.estimate import bound_u
from carnet.match.records import prepare_records

from .conftest import frame, record


def _prepared(n: int) -> pl.DataFrame:
    """n people, each with their own e-mail and mobile; three pairs share an e-mail,
    one trio shares a mobile."""
    rows = []
    for i in range(n):
        email = f"person{i // 2}@orange.fr" if i < 6 else f"person{i}@orange.fr"
        phone = "+33612000000" if i in (10, 11, 12) else f"+3361{i:07d}"
        rows.append(record(i, first_name="Marie", last_name=f"Nom{i}", email=email, phone=phone))
    return prepare_records(frame(*rows))


def test_rare_levels_are_bounded_by_their_exact_share() -> None:
    prepared = _prepared(200)
    comps = (EmailComparison(), PhoneComparison())
    sampled = {"email": [1e-3] * 6 + [0.994], "phone": [1e-3, 1e-3, 1e-3, 0.997]}
    bounded = bound_u(sampled, comps, prepared)
    pairs = math.comb(200, 2)
    assert bounded["email"][0] == pytest.approx(3 / pairs)  # three pairs share an e-mail
    assert bounded["email"][1] == pytest.approx(3 / pairs)  # a shared mailbox, too
    assert bounded["email"][3] == pytest.approx(3 / pairs)  # and its canonical form
    assert bounded["phone"][0] == pytest.approx(3 / pairs)  # a trio: three pairs
    assert bounded["phone"][1] == pytest.approx(3 / pairs)
    assert bounded["email"][4] == pytest.approx(3 / pairs)  # local parts shared, too
    # levels without a shared value keep the sampled u; each u still sums to 1
    assert bounded["email"][5] == sampled["email"][5]
    assert sum(bounded["email"]) == pytest.approx(1.0)
    assert sum(bounded["phone"]) == pytest.approx(1.0)
    assert sampled["email"][0] == 1e-3  # the input is left as it was


def test_a_sampled_u_smaller_than_the_share_is_kept() -> None:
    prepared = _prepared(20)
    u = {"email": [1e-9, 1e-9, 1e-3, 1e-9, 1e-3, 1e-3, 1 - 3e-3 - 3e-9]}
    assert bound_u(u, (EmailComparison(),), prepared)["email"] == u["email"]


def test_training_uses_the_bound(population: pl.DataFrame) -> None:
    """With every pair enumerated, the sampled u of "email exact" is its smoothed count,
    a little above the exact share; training keeps the exact share."""
    n = population.height
    matcher = Matcher(MatchSettings(u_sample_pairs=math.comb(n, 2)))
    model = matcher.train(population)
    held = population["email"].str.to_lowercase().drop_nulls().value_counts()["count"]
    shared = sum(math.comb(int(k), 2) for k in held)
    assert shared > 0
    assert model.u["email"][0] == pytest.approx(shared / math.comb(n, 2))


def test_domain_typos_and_sirens_are_bounded_too() -> None:
    """A domain typo keeps the local part: pairs sharing one bound it. A SIREN is one value."""
    rows = [
        record(1, first_name="Anne", email="anne.roux@gmail.com", siren="732829320"),
        record(2, first_name="Anne", email="anne.roux@gmial.com", siren="732829320"),
        record(3, first_name="Anne", email="anne.roux@orange.fr", siren="552100554"),
        *(record(i, first_name="Paul", email=f"p{i}@free.fr") for i in range(4, 40)),
    ]
    prepared = prepare_records(frame(*rows))
    comps = (EmailComparison(), SirenComparison())
    sampled = {"email": [0.01] * 6 + [0.94], "siren": [0.2, 0.8]}
    bounded = bound_u(sampled, comps, prepared)
    pairs = math.comb(39, 2)
    assert bounded["email"][4] == pytest.approx(3 / pairs)  # three share "anne.roux"
    assert bounded["siren"][0] == pytest.approx(1 / pairs)
    assert bounded["email"][5] == 0.01  # "same local part, other domain": names make those
