"""Scoring candidate pairs: the SQL that turns levels into match weights.

A pair's **match weight** is the sum of

* the prior weight ``log2(lambda / (1 - lambda))``;
* per comparison, the weight of the pair's level, ``log2(m / u)``; for a
  term-frequency level, ``log2(m / tf)`` where ``tf`` is the frequency of the
  agreeing value (at least ``tf_minimum``), the adjustment ``log2(u / tf)``
  scaled by the model's ``tf_confidence`` (less than 1 in a small file); a
  missing value weighs 0;
* the **household guard**: when the first names disagree -- or only agree
  weakly (phonetic, Jaro-Winkler, initial: ``Jean`` ~ ``Jeanne``) while the
  birth dates do not agree (different or missing), or when the birth dates
  are different and no *personal* level agrees (an e-mail, a mobile: a father
  and his son of one name, at one address) -- the summed weight of the
  *household* comparisons (last name, address, phone, e-mail), and a common
  employer's SIREN, is capped at ``household_cap`` (0 by default).
  Fellegi-Sunter assumes comparisons are independent; in one household they
  are not: a family shares surname, address, landline and sometimes an
  e-mail. Without first-name agreement that evidence says "same household",
  not "same person". The guard is an explicit term of the explanation, so
  explanations still add up to the score.
* else the **workplace guard**: when the SIRENs agree, the last names are
  different and nothing personal agrees (neither the birth dates nor a
  *personal* level: an e-mail, a mobile), the positive weight of the
  *workplace* comparisons (SIREN, address, a landline, contact@: what colleagues
  share) is capped at ``household_cap`` too. Two Maries of one company, at
  its address, with its switchboard, are two people; a woman who married and
  kept her mobile or her e-mail is one. Without a common SIREN a shared
  address is a home, where a woman's maiden and married names are one
  person: no guard. Both guards are the one guard term of a pair.

and the **match probability** is ``2^w / (1 + 2^w)``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, TypeVar

import duckdb
import polars as pl

from carnet.match.comparisons import (
    BirthDateComparison,
    Comparison,
    FirstNameComparison,
    LastNameComparison,
    SirenComparison,
)
from carnet.match.model import MatchModel

if TYPE_CHECKING:
    from carnet.match.settings import MatchSettings

__all__ = [
    "GUARD_COLUMN",
    "PRIOR_COLUMN",
    "gamma_sql",
    "guard_reason",
    "joins_as_written",
    "probability_to_weight",
    "score_sql",
    "sql_columns",
    "sql_frame",
]

GUARD_COLUMN = "household_guard_weight"
PRIOR_COLUMN = "prior_weight"


def probability_to_weight(probability: float) -> float:
    """The match weight of a match probability."""
    return math.log2(probability / (1.0 - probability))


def _pairs_join(pairs: str, left: str, right: str) -> str:
    """FROM clause joining the pairs to their two records.

    Written in the order that runs fastest, which :func:`joins_as_written`
    makes DuckDB keep: the right-hand records stream through a hash table of
    the pairs (two integers each), then probe a hash table of the left-hand
    records. Building a hash table of wide rows costs far more than probing
    one, and the pairs joined to one side are as wide as the records.
    """
    return (
        f"FROM {right} r JOIN {pairs} p ON r.record_id = p.id_r "
        f"JOIN {left} l ON l.record_id = p.id_l"
    )


@contextmanager
def joins_as_written(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """Run the queries of this block with their joins in the written order.

    DuckDB orders joins from cardinality estimates, which vary from run to
    run over a freshly written table of pairs. At 1.14 million records it
    sometimes joined a batch of 5 million pairs to one side first and built
    that wide result into a hash table: 4 s -> 10 s for the batch, 3.3 ->
    4.2 GB of memory, and a spill to disk.
    """
    con.sql("SET disabled_optimizers = 'join_order,build_side_probe_side'")
    try:
        yield
    finally:
        con.sql("RESET disabled_optimizers")


def gamma_sql(comparisons: tuple[Comparison, ...], pairs: str, left: str, right: str) -> str:
    """SELECT of ``id_l, id_r`` and each comparison's level ``g_<name>``."""
    gammas = ", ".join(f"({c.gamma_sql()})::TINYINT AS g_{c.name}" for c in comparisons)
    return f"SELECT p.id_l, p.id_r, {gammas} {_pairs_join(pairs, left, right)}"


def sql_columns(comparisons: tuple[Comparison, ...]) -> set[str]:
    """The prepared columns the scoring SQL of these comparisons reads."""
    cols = {"record_id"}
    for comp in comparisons:
        cols.update(re.findall(r"\b[lr]\.(\w+)", comp.gamma_sql()))
        tf = _tf_level(comp)
        if tf is not None:
            cols.add(tf[1])
        cols.update(lvl.shared_count for lvl in comp.levels if lvl.shared_count)
    return cols


def sql_frame(frame: pl.DataFrame, comparisons: tuple[Comparison, ...]) -> pl.DataFrame:
    """``frame`` with only the columns the scoring SQL reads, to hand to DuckDB.

    DuckDB reads a registered frame through Arrow: at a million records the
    columns no comparison reads (name guesses for blocking, the source...)
    cost a fifth of the scoring time.
    """
    keep = sql_columns(comparisons)
    return frame.select(c for c in frame.columns if c in keep)


def _tf_level(comp: Comparison) -> tuple[int, str] | None:
    for i, lvl in enumerate(comp.levels):
        if lvl.tf_column is not None:
            return i, f"tf_{lvl.tf_column}"
    return None


def _tf_levels(comp: Comparison) -> list[int]:
    return [i for i, lvl in enumerate(comp.levels) if lvl.tf_column is not None]


def _weight_sql(comp: Comparison, model: MatchModel) -> str:
    """Per level: ``log2(m/u)``; a tf level adds ``log2(u_exact / tf)``.

    For the exact level that is ``log2(m / tf)``; other tf levels (a name read
    in an e-mail) get the same adjustment relative to the exact level's u, as
    Splink does: agreeing on a rare value weighs more.
    """
    weights = model.level_weights(comp)
    u = model.u[comp.name]
    tf_min = model.settings.tf_minimum
    tf_scale = model.tf_confidence
    tf_levels = _tf_levels(comp)
    # the exact level: the first tf level weighing its own (not another's) weight
    exact = next((i for i in tf_levels if comp.levels[i].mirrors is None), None)
    whens = ["WHEN -1 THEN 0.0"]
    for i in range(len(weights)):
        mirror, floor = comp.levels[i].mirrors, comp.levels[i].at_least
        base = weights[i if mirror is None else mirror]
        if comp.levels[i].twice:
            base *= 2
        if floor is not None:
            base = max(base, weights[floor])
        expr = repr(base)
        if i in tf_levels:
            u_exact = u[tf_levels[0] if exact is None else exact]
            expr = (
                f"{base!r} + {tf_scale!r} * "
                f"log2({u_exact!r} / greatest(tf_{comp.name}, {tf_min!r}))"
            )
        elif comp.levels[i].shared_count is not None:
            expr = f"{base!r} - log2(greatest(coalesce(sc_{comp.name}, 1) - 1, 1))"
        whens.append(f"WHEN {i} THEN {expr}")
    return f"CASE g_{comp.name} {' '.join(whens)} END"


def score_sql(
    model: MatchModel, pairs: str, left: str, right: str, min_weight: float | None
) -> str:
    """SQL scoring the pairs of table ``pairs`` against ``left``/``right`` records.

    Output columns: ``id_l, id_r, g_<c>, w_<c>`` per comparison, the household
    guard, the prior and ``match_weight``; pairs below ``min_weight`` dropped.
    """
    comps = model.settings.comparisons
    cols = []
    for c in comps:
        cols.append(f"({c.gamma_sql()})::TINYINT AS g_{c.name}")
        tf = _tf_level(c)
        if tf is not None:
            cols.append(f"greatest(l.{tf[1]}, r.{tf[1]}) AS tf_{c.name}")
        shared = next((lvl.shared_count for lvl in c.levels if lvl.shared_count), None)
        if shared is not None:
            cols.append(f"greatest(l.{shared}, r.{shared}) AS sc_{c.name}")
    gcols = ", ".join(f"g_{c.name}" for c in comps)
    if _first_of(comps, FirstNameComparison) is not None:
        # read by the household guard: two names of their own are two people
        cols.append(f"coalesce(l.fn_known AND r.fn_known, false) AS {_NAMES_OF_THEIR_OWN}")
        gcols += f", {_NAMES_OF_THEIR_OWN}"
    gammas = f"SELECT p.id_l, p.id_r, {', '.join(cols)} {_pairs_join(pairs, left, right)}"
    weights = ", ".join(f"({_weight_sql(c, model)})::DOUBLE AS w_{c.name}" for c in comps)
    scored = f"SELECT id_l, id_r, {gcols}, {weights} FROM gam"
    guard = _guard_sql(model)
    prior = model.prior_weight
    weight_sum = " + ".join([f"w_{c.name}" for c in comps] + [GUARD_COLUMN, PRIOR_COLUMN])
    where = "" if min_weight is None else f"WHERE match_weight >= {min_weight!r}"
    weight_cols = ", ".join(
        [f"id_l, id_r, {', '.join(f'g_{c.name}' for c in comps)}"]
        + [f"w_{c.name}" for c in comps]
        + [GUARD_COLUMN, PRIOR_COLUMN, "match_weight"]
    )
    return (
        f"WITH gam AS ({gammas}), s AS ({scored}), "
        f"g AS (SELECT *, ({guard})::DOUBLE AS {GUARD_COLUMN}, "
        f"{prior!r}::DOUBLE AS {PRIOR_COLUMN} FROM s), "
        f"t AS (SELECT *, {weight_sum} AS match_weight FROM g) "
        f"SELECT {weight_cols} FROM t {where}"
    )


_C = TypeVar("_C", bound=Comparison)

#: Scoring column: both first names are names in their own right (prepared ``fn_known``).
_NAMES_OF_THEIR_OWN = "fn_names_of_their_own"


def _first_of(comps: tuple[Comparison, ...], kind: type[_C]) -> _C | None:
    """The first comparison of this kind, if any."""
    return next((c for c in comps if isinstance(c, kind)), None)


def _dob_agrees_sql(comps: tuple[Comparison, ...]) -> str:
    """The birth dates agree (exact, swapped, one typo; not merely the same year)."""
    dob = _first_of(comps, BirthDateComparison)
    if dob is None:
        return "false"
    agree = ", ".join(str(i) for i in _dob_agreeing_levels(dob))
    return f"g_{dob.name} IN ({agree})"


def _dob_agreeing_levels(dob: BirthDateComparison) -> list[int]:
    levels = enumerate(dob.levels)
    return [i for i, lvl in levels if "same year" not in lvl.label and not lvl.disagreement]


def _personal_levels(comps: tuple[Comparison, ...]) -> list[str]:
    """Per comparison with personal levels: its level is one of them."""
    return [
        f"g_{c.name} IN ({', '.join(map(str, c.personal_indexes))})"
        for c in comps
        if c.personal_indexes
    ]


def _personal_sql(comps: tuple[Comparison, ...]) -> str:
    """A *personal* level agrees (an e-mail, a mobile: one person's evidence)."""
    agree = " OR ".join(_personal_levels(comps))
    return f"({agree})" if agree else "false"


def _personal_count_sql(comps: tuple[Comparison, ...]) -> str:
    """How many comparisons agree at a personal level (an e-mail, a mobile)."""
    terms = [f"(CASE WHEN {level} THEN 1 ELSE 0 END)" for level in _personal_levels(comps)]
    return f"({' + '.join(terms)})" if terms else "0"


def _guard_sql(model: MatchModel) -> str:
    """The guard term: the household guard, else the workplace guard, else 0."""
    settings = model.settings
    comps = settings.comparisons
    cap = settings.household_cap
    dob_agrees = _dob_agrees_sql(comps)
    personal = _personal_sql(comps)
    dob = _first_of(comps, BirthDateComparison)
    cases: list[str] = []
    first = _first_of(comps, FirstNameComparison)
    household = [c for c in comps if c.household]
    if settings.household_guard and first is not None and household:
        # a common employer (SIREN) says no more than a common home: two Leroys of
        # one family firm, Marie and Marc, are two people
        colleagues = [c for c in comps if c.workplace and not c.household]
        total = " + ".join(
            [f"w_{c.name}" for c in household] + [f"greatest(w_{c.name}, 0.0)" for c in colleagues]
        )
        # other first names, unless the birth date and an e-mail or mobile agree: one
        # person's first name written two ways no rule knows ("Sopphie", "Mika").
        # Two names of their own (Camille and Clément) need the e-mail and the mobile
        # (Stéphanie, called Fanny): twins born the same day share their mother's mobile
        both = f"{_personal_count_sql(comps)} >= 2"
        one_person = f"({dob_agrees} AND {personal} AND (NOT {_NAMES_OF_THEIR_OWN} OR {both}))"
        other = ", ".join(map(str, [first.disagreement_index, *first.relatives_indexes]))
        triggers = [f"(g_{first.name} IN ({other}) AND NOT {one_person})"]
        weak = ", ".join(str(i) for i in first.weak_indexes)
        if weak:
            # alike first names (Mohamed ~ Mohammed, Samira ~ Samia) with both the e-mail
            # and the mobile in common are one person, birth dates or not
            triggers.append(f"(g_{first.name} IN ({weak}) AND NOT {dob_agrees} AND NOT {both})")
        if dob is not None:
            triggers.append(f"(g_{dob.name} = {dob.disagreement_index} AND NOT {personal})")
        cases.append(f"WHEN {' OR '.join(triggers)} THEN least(0.0, {cap!r} - ({total}))")
    last = _first_of(comps, LastNameComparison)
    siren = _first_of(comps, SirenComparison)
    workplace = [c for c in comps if c.workplace]
    if settings.workplace_guard and last is not None and siren is not None:
        # one company (else a shared address is a home: a woman's maiden and
        # married names there are one person), other last names, nothing personal
        trigger = f"g_{siren.name} = 0 AND g_{last.name} = {last.disagreement_index}"
        trigger += f" AND NOT {dob_agrees} AND NOT {personal}"
        # only what agrees is capped: a different SIREN still counts against
        parts = [f"greatest(w_{c.name}, 0.0)" for c in workplace]
        cases.append(f"WHEN {trigger} THEN least(0.0, {cap!r} - ({' + '.join(parts)}))")
    return f"CASE {' '.join(cases)} ELSE 0.0 END" if cases else "0.0"


def guard_reason(levels: Mapping[str, str], settings: MatchSettings) -> str:
    """Why a pair's guard term is not 0, from its level labels (``<comparison>_level``).

    Mirrors :func:`_guard_sql`, whose household triggers come first.
    """
    comps = settings.comparisons

    def at(comp: Comparison | None, indexes: list[int]) -> bool:
        """The pair's level of ``comp`` is one of these."""
        if comp is None:
            return False
        return levels.get(f"{comp.name}_level") in {comp.levels[i].label for i in indexes}

    first = _first_of(comps, FirstNameComparison)
    dob = _first_of(comps, BirthDateComparison)
    if settings.household_guard and first is not None:
        dob_agrees = dob is not None and at(dob, _dob_agreeing_levels(dob))
        personal = any(at(c, c.personal_indexes) for c in comps)
        both = sum(at(c, c.personal_indexes) for c in comps) >= 2
        if at(first, [first.disagreement_index]) and not (dob_agrees and personal):
            return "first names differ: what a household shares capped"
        if at(first, first.relatives_indexes) and not (dob_agrees and personal):
            return "a man's and a woman's first names: what a household shares capped"
        if at(first, [first.disagreement_index, *first.relatives_indexes]):
            # the birth date and an e-mail or a mobile agree: only names of their own
            # with one of the two (twins given their mother's mobile) make the guard act
            return "two first names of their own, born the same day: what twins share capped"
        if at(first, first.weak_indexes) and not dob_agrees and not both:
            return "first names only alike, other birth dates: what a household shares capped"
        if dob is not None and at(dob, [dob.disagreement_index]) and not personal:
            return "birth dates differ, no e-mail or mobile shared: what a family shares capped"
    return "one company, other last names, no e-mail or mobile shared: what colleagues share capped"
