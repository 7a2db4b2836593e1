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

from collections.abc import Sequence
from dataclasses import dataclass

import duckdb
import numpy as np
import polars as pl

from carnet.match.blocking import BlockingRule, block_keys, candidate_pairs_sql, count_pairs
from carnet.match.comparisons import Comparison
from carnet.match.scoring import gamma_sql

__all__ = ["EMResult", "estimate_m", "estimate_prior", "estimate_u", "gamma_patterns"]

_SMOOTHING = 1.0


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
) -> tuple[dict[str, list[float]], int]:
    """u-probabilities from random pairs of the table ``rec``.

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
        vec = (vec + 1.0 / k) / (vec.sum() + 1.0)
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
) -> tuple[dict[str, list[float]], int, float]:
    counts = patterns["n"].to_numpy().astype(float)
    gammas = {c.name: patterns[f"g_{c.name}"].to_numpy().astype(int) for c in comparisons}
    m: dict[str, np.ndarray] = {}
    priors: dict[str, np.ndarray] = {}
    for c in comparisons:
        p = np.array([lvl.m_prior for lvl in c.levels], dtype=float)
        priors[c.name] = p / p.sum()
        m[c.name] = priors[c.name].copy()
    lam = 0.05
    iterations = 0
    for iterations in range(1, max_iterations + 1):  # noqa: B007
        log_bf = np.zeros(len(counts))
        for c in comparisons:
            g = gammas[c.name]
            ok = g >= 0
            ratio = np.log(m[c.name]) - np.log(np.asarray(u[c.name]))
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
            delta = max(delta, float(np.abs(new - m[c.name]).max()))
            m[c.name] = new
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
    con.register("em_rec", sample)
    sessions: list[EMResult] = []
    for rule in rules:
        active = tuple(c for c in comparisons if not set(c.inputs) & rule.inputs)
        if not active:
            continue
        keys, _ = block_keys(sample, [rule])
        con.register("em_keys", keys)
        con.sql(
            "CREATE OR REPLACE TEMP TABLE em_pairs AS "
            + candidate_pairs_sql("em_keys", "em_keys", link_only=link_only, same_table=True)
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
            result[c.name] = [float(x) for x in np.mean(np.array(estimates), axis=0)]
        else:
            p = np.array([lvl.m_prior for lvl in c.levels], dtype=float)
            result[c.name] = [float(x) for x in p / p.sum()]
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
            + candidate_pairs_sql("det_keys", "det_keys", link_only=link_only, same_table=True)
        )
        found = count_pairs(con, "det_pairs")
        con.sql("DROP TABLE det_pairs")
        con.unregister("det_keys")
    total = max(total, 1.0)
    lam = (found / recall) / total if found else 1.0 / total
    return float(min(max(lam, 1e-12), 0.5)), found
