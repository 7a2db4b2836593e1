"""Estimating the model from the data itself, without labels (like Splink).

* **u** (P(level | different people)): level frequencies among random pairs of
  records, which are almost all pairs of different people.
* **m** (P(level | same person)): expectation-maximisation on blocked pairs,
  one session per training rule, with u fixed. A comparison reading a column
  the session's rule blocks on always agrees there, so it takes no part in
  that session; each m is the mean over the sessions that estimated it.
  EM runs on the distinct level patterns with their counts (a few thousand
  rows whatever the number of pairs), so it is instant.
* **prior** (lambda): pairs found by near-certain deterministic rules, divided
  by their assumed recall, over the number of possible pairs.

Rare levels are smoothed towards each level's ``m_prior`` so that a level never
seen in training does not get an infinite weight.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import duckdb
import numpy as np
import polars as pl

from carnet.match.blocking import (
    BlockingRule,
    block_keys,
    candidate_pairs_sql,
    count_pairs,
    packable_ids,
)
from carnet.match.comparisons import Comparison
from carnet.match.records import NARROW_LISTS, narrow_values
from carnet.match.reference import reference_vector
from carnet.match.scoring import gamma_sql, joins_as_written, sql_frame

__all__ = [
    "EMResult",
    "bound_u",
    "estimate_m",
    "estimate_m_on_candidates",
    "estimate_prior",
    "estimate_u",
    "fix_partial_levels",
    "gamma_patterns",
    "refine_prior",
]

_SMOOTHING = 1.0


def fix_partial_levels(comp: Comparison, m: np.ndarray, u: Sequence[float]) -> np.ndarray:
    """Give the comparison's *partial* levels their fixed m (see :class:`Level`).

    Together they get the share of random pairs they hold (``sum(u)``: the
    value is missing at random), split by their ``m_prior``; the other levels
    share the rest in the proportions estimated.
    """
    idx = [i for i, lvl in enumerate(comp.levels) if lvl.partial]
    if not idx:
        return m
    u_arr = np.asarray(u, dtype=float)
    mass = float(min(max(u_arr[idx].sum(), 1e-9), 0.95))
    priors = np.array([comp.levels[i].m_prior for i in idx], dtype=float)
    out = np.array(m, dtype=float)
    rest = [i for i in range(len(out)) if i not in idx]
    rest_sum = float(out[rest].sum())
    if rest_sum > 0:
        out[rest] = out[rest] / rest_sum * (1.0 - mass)
    out[idx] = mass * priors / priors.sum()
    return out


def gamma_patterns(
    con: duckdb.DuckDBPyConnection,
    comparisons: tuple[Comparison, ...],
    pairs: str,
    left: str,
    right: str,
) -> pl.DataFrame:
    """Distinct level patterns of the pairs, with their counts (``n``)."""
    cols = ", ".join(f"g_{c.name}" for c in comparisons)
    sql = (
        f"SELECT {cols}, count(*) AS n FROM ({gamma_sql(comparisons, pairs, left, right)}) "
        f"GROUP BY ALL"
    )
    with joins_as_written(con):
        out: pl.DataFrame = con.sql(sql).pl()
    return out


def estimate_u(
    con: duckdb.DuckDBPyConnection,
    comparisons: tuple[Comparison, ...],
    prepared: pl.DataFrame,
    *,
    max_pairs: int,
    link_only: bool,
    seed: int,
    reference: Mapping[str, Mapping[str, float]] | None = None,
    reference_pairs: int = 0,
) -> tuple[dict[str, list[float]], int]:
    """u-probabilities from random pairs of the table ``rec``.

    Each comparison's level counts are smoothed towards its reference u
    (:mod:`carnet.match.reference`) as if ``reference_pairs`` more pairs had
    been drawn from the reference, but no level goes below one pair spread
    evenly over the levels (the file's own resolution: a level never seen
    among a million pairs keeps about 1e-7, as without a reference). A
    comparison the reference does not know, or no reference, gets that pair
    spread evenly.

    Returns:
        u per comparison, and the number of pairs sampled.
    """
    ids = prepared["record_id"].to_numpy()
    n = len(ids)
    rng = np.random.default_rng(seed)
    total = n * (n - 1) // 2
    if total <= max_pairs:
        i, j = np.triu_indices(n, k=1)
    else:
        i = rng.integers(0, n, size=max_pairs)
        j = rng.integers(0, n, size=max_pairs)
        keep = i != j
        i, j = i[keep], j[keep]
    pairs = pl.DataFrame({"id_l": ids[i], "id_r": ids[j]})
    if link_only:
        src = prepared.select("record_id", "source")
        pairs = (
            pairs.join(src.rename({"record_id": "id_l", "source": "s_l"}), on="id_l")
            .join(src.rename({"record_id": "id_r", "source": "s_r"}), on="id_r")
            .filter(pl.col("s_l").ne_missing(pl.col("s_r")))
            .select("id_l", "id_r")
        )
    con.register("u_pairs", pairs)
    patterns = gamma_patterns(con, comparisons, "u_pairs", "rec", "rec")
    con.unregister("u_pairs")
    u: dict[str, list[float]] = {}
    for comp in comparisons:
        k = len(comp.levels)
        counts = (
            patterns.filter(pl.col(f"g_{comp.name}") >= 0)
            .group_by(f"g_{comp.name}")
            .agg(pl.col("n").sum())
        )
        vec = np.zeros(k)
        for g, c in counts.iter_rows():
            vec[int(g)] += float(c)
        prior = reference_vector(comp, reference) if reference and reference_pairs else None
        drawn = vec.sum()
        floor = 1.0 / k / (drawn + 1.0)  # one pair spread over the levels
        if prior is None:
            vec = vec / (drawn + 1.0) + floor
        else:
            # never below the file's own resolution: a level its pairs never show
            # keeps the one-pair floor (a million pairs: about 1e-7), not a
            # thousandth of the reference's own floor
            vec = np.maximum((vec + reference_pairs * prior) / (drawn + reference_pairs), floor)
            vec = vec / vec.sum()
        u[comp.name] = [float(x) for x in vec]
    return u, int(pairs.height)


@dataclass
class EMResult:
    """One EM session: which comparisons it estimated and how it went."""

    rule: str
    pairs: int
    iterations: int
    share_matching: float
    m: dict[str, list[float]]


def _em(
    patterns: pl.DataFrame,
    comparisons: Sequence[Comparison],
    u: dict[str, list[float]],
    max_iterations: int,
    *,
    free_u: bool = False,
    m_start: dict[str, list[float]] | None = None,
) -> tuple[dict[str, list[float]], int, float]:
    counts = patterns["n"].to_numpy().astype(float)
    gammas = {c.name: patterns[f"g_{c.name}"].to_numpy().astype(int) for c in comparisons}
    m: dict[str, np.ndarray] = {}
    uu: dict[str, np.ndarray] = {c.name: np.asarray(u[c.name], dtype=float) for c in comparisons}
    priors: dict[str, np.ndarray] = {}
    for c in comparisons:
        p = np.array([lvl.m_prior for lvl in c.levels], dtype=float)
        priors[c.name] = p / p.sum()
        start = priors[c.name] if m_start is None else np.asarray(m_start[c.name], dtype=float)
        m[c.name] = fix_partial_levels(c, start.copy(), u[c.name])
    lam = 0.05
    iterations = 0
    for iterations in range(1, max_iterations + 1):  # noqa: B007
        log_bf = np.zeros(len(counts))
        for c in comparisons:
            g = gammas[c.name]
            ok = g >= 0
            ratio = np.log(m[c.name]) - np.log(uu[c.name])
            log_bf[ok] += ratio[g[ok]]
        logit = np.log(lam) - np.log1p(-lam) + log_bf
        post = 1.0 / (1.0 + np.exp(-np.clip(logit, -700, 700)))
        weighted = counts * post
        delta = 0.0
        for c in comparisons:
            g = gammas[c.name]
            ok = g >= 0
            k = len(c.levels)
            sums = np.bincount(g[ok], weights=weighted[ok], minlength=k)
            new = (sums + _SMOOTHING * priors[c.name]) / (sums.sum() + _SMOOTHING)
            new = fix_partial_levels(c, new, u[c.name])
            delta = max(delta, float(np.abs(new - m[c.name]).max()))
            m[c.name] = new
            if free_u:
                rest = np.bincount(g[ok], weights=(counts - weighted)[ok], minlength=k)
                uu[c.name] = (rest + 1.0 / k) / (rest.sum() + 1.0)
        new_lam = float(weighted.sum() / counts.sum())
        lam = min(max(new_lam, 1e-9), 1 - 1e-9)
        if delta < 1e-5:
            break
    return {k: [float(x) for x in v] for k, v in m.items()}, iterations, lam


def estimate_m(
    con: duckdb.DuckDBPyConnection,
    comparisons: tuple[Comparison, ...],
    prepared: pl.DataFrame,
    rules: Sequence[BlockingRule],
    u: dict[str, list[float]],
    *,
    sample_records: int,
    max_iterations: int,
    link_only: bool,
    seed: int,
) -> tuple[dict[str, list[float]], list[EMResult]]:
    """m-probabilities by EM, one session per training rule (u fixed)."""
    sample = prepared
    if prepared.height > sample_records:
        sample = prepared.sample(n=sample_records, seed=seed)
    con.register("em_rec", sql_frame(sample, comparisons))
    sessions: list[EMResult] = []
    for rule in rules:
        active = tuple(c for c in comparisons if not set(c.inputs) & rule.inputs)
        if not active:
            continue
        keys, _ = block_keys(sample, [rule])
        con.register("em_keys", keys)
        con.sql(
            "CREATE OR REPLACE TEMP TABLE em_pairs AS "
            + candidate_pairs_sql(
                "em_keys",
                "em_keys",
                link_only=link_only,
                same_table=True,
                packed=packable_ids(keys),
            )
        )
        n_pairs = count_pairs(con, "em_pairs")
        if n_pairs == 0:
            continue
        patterns = gamma_patterns(con, active, "em_pairs", "em_rec", "em_rec")
        m, iterations, lam = _em(patterns, active, u, max_iterations)
        sessions.append(EMResult(rule.name, n_pairs, iterations, lam, m))
        con.unregister("em_keys")
    con.sql("DROP TABLE IF EXISTS em_pairs")
    con.unregister("em_rec")
    result: dict[str, list[float]] = {}
    for c in comparisons:
        estimates = [s.m[c.name] for s in sessions if c.name in s.m]
        if estimates:
            vec = np.mean(np.array(estimates), axis=0)
        else:
            p = np.array([lvl.m_prior for lvl in c.levels], dtype=float)
            vec = p / p.sum()
        result[c.name] = [float(x) for x in fix_partial_levels(c, vec, u[c.name])]
    return result, sessions


def estimate_prior(
    con: duckdb.DuckDBPyConnection,
    prepared: pl.DataFrame,
    rules: Sequence[BlockingRule],
    *,
    recall: float,
    link_only: bool,
) -> tuple[float, int]:
    """Prior probability that two random records match.

    Returns:
        lambda, and the number of pairs the deterministic rules found.
    """
    n = prepared.height
    if link_only:
        sizes = prepared.group_by("source").agg(pl.len().alias("n"))["n"].to_numpy()
        total = float((sizes.sum() ** 2 - (sizes.astype(float) ** 2).sum()) / 2)
    else:
        total = n * (n - 1) / 2
    found = 0
    if rules:
        keys, _ = block_keys(prepared, rules)
        con.register("det_keys", keys)
        con.sql(
            "CREATE OR REPLACE TEMP TABLE det_pairs AS "
            + candidate_pairs_sql(
                "det_keys",
                "det_keys",
                link_only=link_only,
                same_table=True,
                packed=packable_ids(keys),
            )
        )
        found = count_pairs(con, "det_pairs")
        con.sql("DROP TABLE det_pairs")
        con.unregister("det_keys")
    total = max(total, 1.0)
    lam = (found / recall) / total if found else 1.0 / total
    return float(min(max(lam, 1e-12), 0.5)), found


def refine_prior(
    weights: pl.DataFrame,
    total_pairs: float,
    start: float,
    *,
    max_iterations: int = 200,
) -> float:
    """The prior that the scored candidate pairs themselves imply.

    Deterministic rules see few pairs in a store whose exact duplicates the
    import already merged, so their estimate of lambda is far too low. With m
    and u known, lambda solves ``lambda = sum(P(match | pair)) / total_pairs``
    over the candidate pairs (nearly every matching pair is a candidate); the
    fixed point is found by iteration from ``start``.

    Args:
        weights: ``w`` (match weight without the prior) and ``n`` (pairs).
        total_pairs: the number of possible pairs among the records blocked.
        start: the first guess (the deterministic rules' estimate).

    Returns:
        lambda, in ``[1e-12, 0.5]``.
    """
    if weights.is_empty() or total_pairs <= 0:
        return start
    w = weights["w"].to_numpy().astype(float)
    n = weights["n"].to_numpy().astype(float)
    lam = min(max(start, 1e-12), 0.5)
    for _ in range(max_iterations):
        logit = np.log2(lam / (1.0 - lam)) + w
        post = 1.0 / (1.0 + np.exp2(-np.clip(logit, -1000, 1000)))
        new = float(min(max((n * post).sum() / total_pairs, 1e-12), 0.5))
        if abs(new - lam) <= 1e-4 * lam:
            return new
        lam = new
    return lam


def estimate_m_on_candidates(
    patterns: pl.DataFrame,
    comparisons: Sequence[Comparison],
    u: dict[str, list[float]],
    m_start: dict[str, list[float]],
    *,
    max_iterations: int,
) -> tuple[dict[str, list[float]], EMResult]:
    """m by EM on the candidate pairs of the prediction rules, every comparison active.

    The non-matching pairs among candidates agree on their blocking keys far
    more often than random pairs, so their level distribution is estimated
    too (starting from the random pairs' u) instead of being fixed to u; the
    matching class is nearly all matching pairs (blocking keeps almost every
    one), so its level frequencies estimate m. This keeps households and
    homonyms out of the matching class better than sessions on one key
    each, where a family sharing an address looks like one person.

    Returns:
        m per comparison, and how the session went.
    """
    m, iterations, lam = _em(patterns, comparisons, u, max_iterations, free_u=True, m_start=m_start)
    pairs = int(patterns["n"].sum()) if not patterns.is_empty() else 0
    return m, EMResult("candidate pairs", pairs, iterations, lam, m)


def bound_u(
    u: dict[str, list[float]],
    comparisons: tuple[Comparison, ...],
    prepared: pl.DataFrame,
) -> dict[str, list[float]]:
    """u with each *shared value* level bounded by its exact share of all pairs.

    :func:`estimate_u` counts levels among a sample of random pairs and
    smooths: a level the sample never shows gets about ``1 / (k * sample)``
    (3e-7 with a million pairs). Two records sharing an e-mail are rarer
    than that in a file of a million: pairs sharing a value of the level's
    column are ``sum C(n_v, 2)`` over the values ``v`` held by ``n_v``
    records, among ``C(N, 2)`` pairs (the matching pairs included, so this
    still over-estimates u). Where that share is smaller, it replaces the
    sampled u, and the difference goes to the disagreement level so that u
    stays a distribution. Without it, at a million records an exact e-mail
    weighed 3 bits too little, and pairs such as (Cathy, same e-mail) ~
    (Catherine, same e-mail), 99.8 % the same person, waited for review.
    """
    n = prepared.height
    total = n * (n - 1) / 2
    if total <= 0:
        return u
    out = {name: list(values) for name, values in u.items()}
    levels = [
        (comp, i, level.shared_value)
        for comp in comparisons
        if comp.name in out
        for i, level in enumerate(comp.levels)
        if level.shared_value is not None
    ]
    # every column counted at once: Polars runs the counts side by side
    counts = dict(zip(*_shared_pairs({col for *_, col in levels}, prepared), strict=True))
    for comp, i, column in levels:
        vec = out[comp.name]
        share = max(counts.get(column, math.inf), 1.0) / total
        if share < vec[i]:
            vec[comp.disagreement_index] += vec[i] - share
            vec[i] = share
    return out


def _shared_pairs(columns: set[str], prepared: pl.DataFrame) -> tuple[list[str], list[float]]:
    """Per column, the pairs of records holding a common value of it (a narrow
    list or a value; a pair sharing two values counts twice: an upper bound).

    Columns the frame lacks are left out.
    """
    names: list[str] = []
    queries: list[pl.LazyFrame] = []
    lazy = prepared.lazy()
    for column in sorted(columns):
        if column in NARROW_LISTS and f"{column}_1" in prepared.columns:
            # a record's values are distinct: no pair of a record with itself
            values = narrow_values(lazy, column).select(pl.col(column).alias("v"))
        elif column in prepared.columns:
            values = lazy.select(pl.col(column).alias("v"))
            if isinstance(prepared.schema[column], pl.List):
                values = values.select(pl.col("v").list.unique()).explode("v")
        else:
            continue
        # counted by 64-bit hash, more than twice as fast as by string at a
        # million values; two values whose hashes collide count as one: still
        # an upper bound
        held = (
            values.drop_nulls("v")
            .select(pl.col("v").hash(seed=7))
            .group_by("v")
            .len()
            .select((pl.col("len").cast(pl.Float64) * (pl.col("len") - 1) / 2).sum())
        )
        names.append(column)
        queries.append(held)
    return names, [float(frame.item()) for frame in pl.collect_all(queries)]
