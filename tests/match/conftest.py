"""Fixtures for the matching engine tests: small synthetic person frames."""

from __future__ import annotations

import random

import polars as pl
import pytest

from carnet.match import Matcher, MatchModel, MatchSettings
from carnet.match.records import NARROW_LISTS, list_values

_FIRST = [
    "nicolas",
    "julie",
    "marie",
    "thomas",
    "camille",
    "pierre",
    "sophie",
    "lucas",
    "emma",
    "hugo",
    "lea",
    "louis",
    "chloe",
    "paul",
    "alice",
    "jules",
    "ines",
    "adam",
    "zoe",
    "noah",
]
_LAST = [
    "martin",
    "bernard",
    "dubois",
    "durand",
    "lefebvre",
    "moreau",
    "laurent",
    "simon",
    "michel",
    "garcia",
    "roux",
    "fournier",
    "girard",
    "bonnet",
    "dupont",
    "lambert",
    "fontaine",
    "rousseau",
    "vincent",
    "muller",
    "zerbib",
    "kerbrat",
    "ollivier",
    "perrin",
    "robin",
    "morin",
    "masson",
    "henry",
    "gautier",
    "blanc",
]

COLUMNS = [
    "record_id",
    "first_name",
    "last_name",
    "birth_date",
    "email",
    "phone",
    "siren",
    "postcode",
    "city",
    "street",
    "source",
]


def _population(n: int = 600, seed: int = 7) -> pl.DataFrame:
    """n distinct random people, each with one clean record and (for 1/2) a noisy copy.

    Surnames follow a Zipf-like law (``martin`` common, ``zerbib`` rare).
    """
    rng = random.Random(seed)
    weights = [1.0 / (k + 1) for k in range(len(_LAST))]
    rows: list[tuple[object, ...]] = []
    rid = 0
    for i in range(n):
        fn = rng.choice(_FIRST)
        ln = rng.choices(_LAST, weights)[0]
        dob = f"{rng.randint(1940, 2005)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        email = f"{fn}.{ln}{i}@{rng.choice(['gmail.com', 'orange.fr', 'free.fr'])}"
        phone = f"+3361{i:07d}"
        pc = f"{rng.randint(1, 95):02d}{rng.randint(0, 9)}00"
        street = f"{rng.randint(1, 90)} rue {rng.choice(['de la paix', 'victor hugo', 'pasteur'])}"
        rows.append((rid, fn.title(), ln.upper(), dob, email, phone, pc, "ville", street, "a"))
        rid += 1
        if i % 2 == 0:
            # a duplicate with realistic noise
            fn2 = fn if rng.random() < 0.7 else fn.upper()
            email2 = email if rng.random() < 0.7 else None
            dob2 = dob if rng.random() < 0.8 else None
            phone2 = phone if rng.random() < 0.6 else None
            rows.append(
                (rid, fn2, ln.title(), dob2, email2, phone2, pc, "VILLE", street.upper(), "b")
            )
            rid += 1
    return pl.DataFrame(rows, schema=[c for c in COLUMNS if c != "siren"], orient="row")


@pytest.fixture(scope="session")
def population() -> pl.DataFrame:
    """Synthetic records: 600 people, 300 of them duplicated once."""
    return _population()


@pytest.fixture(scope="session")
def matcher() -> Matcher:
    """A matcher with the default French person settings (small samples)."""
    return Matcher(MatchSettings(u_sample_pairs=200_000))


@pytest.fixture(scope="session")
def model(matcher: Matcher, population: pl.DataFrame) -> MatchModel:
    """A model trained on the synthetic population."""
    return matcher.train(population)


def record(rid: int, **fields: str | None) -> dict[str, object]:
    """One record dict with every column (missing ones None)."""
    row: dict[str, object] = {c: None for c in COLUMNS}
    row.update(record_id=rid, source="x", **fields)
    return row


def frame(*records: dict[str, object]) -> pl.DataFrame:
    """A records frame from record dicts."""
    return pl.DataFrame(
        list(records), schema={c: (pl.Int64 if c == "record_id" else pl.String) for c in COLUMNS}
    )


def whole_lists(prepared: pl.DataFrame) -> pl.DataFrame:
    """A prepared frame with each narrow list also whole (None when empty), as
    prepared frames held them before the narrow layout."""
    return prepared.with_columns(
        pl.when(list_values(c).list.len() > 0).then(list_values(c)).alias(c) for c in NARROW_LISTS
    )
