"""Value pools drawn once from Faker (seeded), then sampled cheaply.

Faker costs 10–50 µs a call, far too much for millions of values, so the
generator asks it once for a few thousand names, streets, companies and jobs
and then samples these pools with :class:`Weighted` (a bisect over cumulative
weights: about a microsecond a draw). Faker is seeded per locale from the
generation seed, so the pools are the same for the same seed and Faker version.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from random import Random
from typing import Generic, TypeVar

from faker import Faker

from carnet.demo import tables

__all__ = ["Origin", "Pools", "Weighted", "build_pools", "pick"]

T = TypeVar("T")


class Weighted(Generic[T]):
    """A fixed set of values with relative weights, sampled by bisection.

    >>> colours = Weighted([("red", 1), ("blue", 3)])
    >>> sorted({colours.pick(Random(seed)) for seed in range(20)})
    ['blue', 'red']
    """

    __slots__ = ("_cumulative", "_total", "values")

    def __init__(self, items: Iterable[tuple[T, float]]) -> None:
        """Build from ``(value, weight)`` pairs; weights must be positive."""
        values: list[T] = []
        cumulative: list[float] = []
        total = 0.0
        for value, weight in items:
            if weight <= 0:
                continue
            total += weight
            values.append(value)
            cumulative.append(total)
        if not values:
            raise ValueError("a weighted pool needs at least one value with a positive weight")
        self.values: tuple[T, ...] = tuple(values)
        self._cumulative = cumulative
        self._total = total

    def pick(self, rng: Random) -> T:
        """Draw one value."""
        return self.values[bisect_right(self._cumulative, rng.random() * self._total)]

    def __len__(self) -> int:
        return len(self.values)


def pick(rng: Random, values: Sequence[T]) -> T:
    """Draw one value uniformly (faster than ``Random.choice``)."""
    return values[int(rng.random() * len(values))]


@dataclass(frozen=True, slots=True)
class Origin:
    """Where a family name comes from, and the first names that go with it.

    Attributes:
        name: short label ("fr", "pt", "maghreb" ...).
        last_names: weighted family names.
        male_first: weighted male first names native to the origin.
        female_first: weighted female first names native to the origin.
        native_share: probability that a person of this origin has a native
            first name rather than a French one.
    """

    name: str
    last_names: Weighted[str]
    male_first: Weighted[str]
    female_first: Weighted[str]
    native_share: float


@dataclass(frozen=True, slots=True)
class Pools:
    """Everything the population is drawn from.

    Attributes:
        origins: weighted family-name origins.
        french_male_first: weighted French male first names.
        french_female_first: weighted French female first names.
        streets: weighted street names (without number).
        company_names: unique company names, in draw order.
        b2b_jobs: weighted job titles of B2B contacts: (for a man, for a woman).
        other_jobs: job titles of private customers (from Faker).
    """

    origins: Weighted[Origin]
    french_male_first: Weighted[str]
    french_female_first: Weighted[str]
    streets: Weighted[str]
    company_names: tuple[str, ...]
    b2b_jobs: Weighted[tuple[str, str]]
    other_jobs: tuple[str, ...]


def _unique(draw: Iterable[str], limit: int) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for value in draw:
        value = value.strip()
        if value and value not in seen:
            seen[value] = None
            if len(seen) >= limit:
                break
    return tuple(seen)


def _faker(locale: str, seed: int, salt: int) -> Faker:
    fake = Faker(locale)
    fake.seed_instance(seed * 1009 + salt)
    return fake


def _french_first(faker_names: Sequence[str], common: dict[str, int]) -> Weighted[str]:
    weights = {name: 1.0 for name in faker_names if name not in tables.EXCLUDED_FIRST_NAMES}
    for name, weight in common.items():
        weights[name] = 2.0 * weight
    return Weighted(weights.items())


def _origin(
    name: str,
    last: Sequence[str],
    male: Sequence[str],
    female: Sequence[str],
    native_share: float,
) -> Origin:
    return Origin(
        name,
        Weighted((value, 1.0) for value in last),
        Weighted((value, 1.0) for value in male or ("Jean",)),
        Weighted((value, 1.0) for value in female or ("Marie",)),
        native_share if male and female else 0.0,
    )


def _locale_origin(name: str, locale: str, seed: int, salt: int, native_share: float) -> Origin:
    fake = _faker(locale, seed, salt)
    last = _unique((fake.last_name() for _ in range(3000)), 400)
    male = _unique((fake.first_name_male() for _ in range(600)), 80)
    female = _unique((fake.first_name_female() for _ in range(600)), 80)
    return _origin(name, last, male, female, native_share)


def build_pools(seed: int, companies: int) -> Pools:
    """Draw the pools for one generation run.

    Args:
        seed: the generation seed (Faker is seeded from it, per locale).
        companies: how many distinct company names are needed.

    Returns:
        The pools, identical for identical arguments (and Faker version).
    """
    from faker.providers.person.fr_FR import Provider as FrenchNames

    rng = Random(f"carnet-demo:{seed}:pools")
    french_male = _french_first(FrenchNames.first_names_male, tables.COMMON_MALE_FIRST_NAMES)
    french_female = _french_first(FrenchNames.first_names_female, tables.COMMON_FEMALE_FIRST_NAMES)

    # French family names are listed by frequency: give them a Zipf-like weight
    # so that common names (and so homonyms) are common.
    french_last = [(name, 1.0 / (rank + 40)) for rank, name in enumerate(FrenchNames.last_names)]
    french_last += [(name, 1.0 / 600) for name in tables.PARTICLE_SURNAMES]
    french = Origin("fr", Weighted(french_last), french_male, french_female, 0.0)

    francophone: list[str] = []
    for salt, locale in enumerate(("fr_CA", "fr_CH", "nl_BE"), start=1):
        fake = _faker(locale, seed, salt)
        francophone.extend(_unique((fake.last_name() for _ in range(2000)), 250))
    origins: list[tuple[Origin, float]] = [
        (french, 82.0),
        (_origin("francophone", _unique(francophone, 700), (), (), 0.0), 4.0),
        (_locale_origin("pt", "pt_PT", seed, 11, 0.5), 3.0),
        (_locale_origin("es", "es_ES", seed, 12, 0.4), 2.0),
        (_locale_origin("it", "it_IT", seed, 13, 0.4), 2.0),
        (_locale_origin("pl", "pl_PL", seed, 14, 0.5), 1.0),
        (_locale_origin("de", "de_DE", seed, 15, 0.4), 0.7),
        (_locale_origin("en", "en_GB", seed, 16, 0.6), 0.5),
        (
            _origin(
                "maghreb",
                tables.MAGHREBI_SURNAMES,
                tables.MAGHREBI_MALE_FIRST_NAMES,
                tables.MAGHREBI_FEMALE_FIRST_NAMES,
                0.6,
            ),
            5.0,
        ),
    ]
    for salt, (name, locale, first_names) in enumerate(
        (
            ("vi", "vi_VN", tables.VIETNAMESE_FIRST_NAMES),
            ("tr", "tr_TR", tables.TURKISH_FIRST_NAMES),
        ),
        start=20,
    ):
        fake = _faker(locale, seed, salt)
        last = _unique((fake.last_name() for _ in range(500)), 60)
        male = [first for first, female in first_names if not female]
        female_names = [first for first, female in first_names if female]
        origins.append((_origin(name, last, male, female_names, 0.6), 0.4))

    fake = _faker("fr_FR", seed, 0)
    faker_streets = _unique((fake.street_name() for _ in range(6000)), 2500)
    streets = Weighted(
        [(street, 50.0) for street in tables.CLASSIC_STREETS]
        + [(street, 1.0) for street in faker_streets]
    )
    other_jobs = tuple(
        job[0].upper() + job[1:] for job in _unique((fake.job() for _ in range(2000)), 400)
    )
    company_names = _company_names(fake, rng, companies, FrenchNames.last_names)
    return Pools(
        origins=Weighted(origins),
        french_male_first=french_male,
        french_female_first=french_female,
        streets=streets,
        company_names=company_names,
        b2b_jobs=Weighted(
            ((male, female), weight) for male, female, weight in tables.B2B_JOB_TITLES
        ),
        other_jobs=other_jobs,
    )


_COMPANY_PATTERNS: tuple[str, ...] = (
    "{A} et {B}", "{A}-{B}", "Ets {A}", "{A} Frères", "Groupe {A}", "{A} & Associés",
    "{A} {B} et Fils", "{A} et Cie", "Maison {A}", "{A} {B}",
)  # fmt: skip
_FAKER_COMPANIES = 3_000


def _company_names(
    fake: Faker, rng: Random, count: int, surnames: Sequence[str]
) -> tuple[str, ...]:
    """Unique company names: a few thousand from Faker, then the same styles composed here.

    Faker needs about 60 µs a name; composing from surnames is 50 times faster.
    """
    wanted = min(count, _FAKER_COMPANIES)
    names = dict.fromkeys(_unique((fake.company() for _ in range(wanted * 3 + 10)), wanted))
    attempts = 0
    while len(names) < count and attempts < count * 20:
        attempts += 1
        pattern = pick(rng, _COMPANY_PATTERNS)
        name = pattern.replace("{A}", pick(rng, surnames)).replace("{B}", pick(rng, surnames))
        names.setdefault(name, None)
    serial = 2
    base = list(names) or ["Société"]
    while len(names) < count:
        names.setdefault(f"{pick(rng, base)} {serial}", None)
        serial += 1
    return tuple(names)[:count]
