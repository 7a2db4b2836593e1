"""The entry point: :class:`Matcher` trains, predicts, clusters and explains.

Example::

    from carnet.match import Matcher, MatchSettings

    matcher = Matcher(MatchSettings())
    model = matcher.train(records)                 # u, m, prior, tf tables
    pairs = matcher.predict(records, model)        # pairs >= review threshold
    clusters = matcher.cluster(pairs)              # record_id -> cluster_id
    review = matcher.review(pairs)                 # pairs worth a human look
    matcher.explain(pairs.row(0, named=True))      # [(comparison, level, weight)]
    existing = matcher.prepare(big_table, model)   # once, then for each batch:
    new_pairs = matcher.predict_against(batch, existing, model)

The work is columnar: Polars prepares the records, DuckDB SQL generates the
candidate pairs and scores them (Jaro-Winkler, Damerau-Levenshtein and list
functions are DuckDB built-ins); there is no Python loop over records or pairs.
"""

from __future__ import annotations

import math
import os
import tempfile
import time
from dataclasses import dataclass, field, replace
from typing import Any

import duckdb
import polars as pl

from carnet.match.blocking import block_keys, candidate_pairs_sql, count_pairs, packable_ids
from carnet.match.clustering import connected_components
from carnet.match.errors import MatchInputError
from carnet.match.estimate import (
    EMResult,
    bound_u,
    estimate_m,
    estimate_m_on_candidates,
    estimate_prior,
    estimate_u,
    gamma_patterns,
    refine_prior,
)
from carnet.match.model import MatchModel
from carnet.match.records import prepare_records, term_frequency_tables
from carnet.match.reference import reference_u
from carnet.match.scoring import (
    GUARD_COLUMN,
    PRIOR_COLUMN,
    guard_reason,
    joins_as_written,
    probability_to_weight,
    score_sql,
    sql_frame,
)
from carnet.match.settings import MatchSettings

__all__ = ["Explanation", "Matcher", "PreparedRecords", "explain"]

Explanation = list[tuple[str, str, float]]


@dataclass
class PreparedRecords:
    """Records prepared once for repeated matching (e.g. the whole store).

    Attributes:
        frame: the prepared columns (see :mod:`carnet.match.records`).
        keys: the block keys of every prediction rule.
        skipped_keys: per rule, the giant key values skipped.
        email_counts: how many records hold each primary e-mail.
    """

    frame: pl.DataFrame
    keys: pl.DataFrame
    skipped_keys: dict[str, int] = field(default_factory=dict)
    email_counts: pl.DataFrame | None = None

    @property
    def height(self) -> int:
        """Number of records."""
        return self.frame.height


def _connect(
    memory_limit: str | None = None, temp_directory: str | None = None
) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.sql("SET preserve_insertion_order = false")
    con.sql("SET enable_progress_bar = false")
    if memory_limit:
        # DuckDB spills joins and DISTINCT to disk beyond this, so a million
        # records fit in a few GB whatever the number of candidate pairs.
        con.sql(f"SET memory_limit = '{memory_limit}'")
        directory = temp_directory or os.path.join(tempfile.gettempdir(), "carnet-duckdb")
        con.sql(f"SET temp_directory = '{directory}'")
    return con


#: Scoring batches: at most this many candidate pairs...
_BATCH_PAIRS = 5_000_000
#: ... and this many left-hand records each (see :func:`_score_in_batches`).
#: Each batch scans the whole record table for its right-hand records, so
#: fewer, larger batches cost less (at 1.84M records, 16.2M pairs: 16
#: batches of 2M pairs 61 CPU s, 7 of 5M 56 CPU s, same peak memory).
_BATCH_RECORDS = 600_000


def _batch_bounds(con: duckdb.DuckDBPyConnection, frame: pl.DataFrame) -> list[tuple[int, int]]:
    """``(first, last)`` record-id ranges of ``id_l`` splitting table ``pairs``.

    Each range holds at most ``_BATCH_PAIRS`` pairs (unless one record has
    more) and ``_BATCH_RECORDS`` records of ``frame``.
    """
    per_left = con.sql("SELECT id_l AS record_id, count(*) AS n FROM pairs GROUP BY id_l").pl()
    ids = (
        frame.select("record_id")
        .join(per_left, on="record_id", how="left")
        .fill_null(0)
        .sort("record_id")
        .with_columns(
            (pl.col("n").cum_sum() - pl.col("n")).floordiv(_BATCH_PAIRS).alias("by_pairs"),
            (pl.int_range(pl.len()) // _BATCH_RECORDS).alias("by_records"),
        )
    )
    ranges = (
        ids.group_by("by_pairs", "by_records")
        .agg(pl.col("record_id").min().alias("lo"), pl.col("record_id").max().alias("hi"))
        .sort("lo")
    )
    return [(int(lo), int(hi)) for lo, hi in ranges.select("lo", "hi").iter_rows()]


def _score_in_batches(
    con: duckdb.DuckDBPyConnection, model: MatchModel, frame: pl.DataFrame, min_weight: float
) -> pl.DataFrame:
    """Score table ``pairs`` (``id_l < id_r``) against the records ``rec``.

    One query over every pair builds a hash table of all the records for
    the left-hand side: at a million records it outgrows DuckDB's memory
    limit and spills to disk, which doubled the scoring time. Scored by
    ranges of ``id_l``, each query builds that table of the range's records
    only, and streams the records from its first id through a hash table of
    the range's pairs for the right-hand side (see
    :func:`carnet.match.scoring.joins_as_written`); the output is the same
    pairs and weights.
    """
    parts: list[pl.DataFrame] = []
    bounds = _batch_bounds(con, frame)
    with joins_as_written(con):
        for lo, hi in bounds:
            batch = f"(SELECT * FROM pairs WHERE id_l BETWEEN {lo} AND {hi})"
            left = f"(SELECT * FROM rec WHERE record_id BETWEEN {lo} AND {hi})"
            right = f"(SELECT * FROM rec WHERE record_id > {lo})"
            parts.append(con.sql(score_sql(model, batch, left, right, min_weight)).pl())
        if not parts:  # no records: the empty result, with its columns
            parts.append(con.sql(score_sql(model, "pairs", "rec", "rec", min_weight)).pl())
    return pl.concat(parts)


def explain(pair: dict[str, Any], model: MatchModel) -> Explanation:
    """The evidence behind one scored pair.

    Args:
        pair: a row of :meth:`Matcher.predict` (``row(i, named=True)``).
        model: the model that scored it.

    Returns:
        ``(comparison, level label, log2 Bayes factor)`` for the prior, each
        comparison and the guard (household or workplace, named
        ``household_guard``); the weights add up to the pair's
        ``match_weight``.
    """
    out: Explanation = [("prior", "prior odds of a match", float(pair[PRIOR_COLUMN]))]
    for comp in model.settings.comparisons:
        out.append((comp.name, str(pair[f"{comp.name}_level"]), float(pair[f"{comp.name}_weight"])))
    guard = float(pair[GUARD_COLUMN])
    if guard != 0.0:
        levels = {k: str(v) for k, v in pair.items() if k.endswith("_level")}
        out.append(("household_guard", guard_reason(levels, model.settings), guard))
    return out


class Matcher:
    """Probabilistic (Fellegi-Sunter) record matching for person records.

    Args:
        settings: comparisons, blocking rules, thresholds; the defaults suit
            French person records.
        memory_limit: DuckDB's memory limit (``"1GB"``); beyond it joins
            and DISTINCT spill to ``temp_directory``. None: DuckDB's default
            (80 % of RAM).
        temp_directory: where DuckDB spills (default: a ``carnet-duckdb``
            folder in the system's temporary directory).
    """

    def __init__(
        self,
        settings: MatchSettings | None = None,
        *,
        memory_limit: str | None = "1GB",
        temp_directory: str | None = None,
    ) -> None:
        self.settings = settings or MatchSettings()
        self.memory_limit = memory_limit
        self.temp_directory = temp_directory

    def _connect(self) -> duckdb.DuckDBPyConnection:
        return _connect(self.memory_limit, self.temp_directory)

    # -- preparation -----------------------------------------------------
    def prepare(self, records: Any, model: MatchModel | None = None) -> PreparedRecords:
        """Prepare records and their block keys once, for repeated matching.

        Args:
            records: the records table (Polars or DuckDB).
            model: a trained model, whose term frequencies are used.

        Returns:
            The prepared records.
        """
        frame = prepare_records(
            records,
            identifier_columns=self.settings.identifier_columns,
            tf_tables=model.tf_tables if model is not None else None,
            max_shared_contact_point=self.settings.max_shared_contact_point,
        )
        keys, skipped = block_keys(
            frame, self.settings.prediction_rules, with_source=self.settings.link_type == "link"
        )
        counts = frame.group_by("email1").agg(pl.len().alias("email_n")).drop_nulls()
        return PreparedRecords(frame, keys, skipped, counts)

    def _ensure(self, records: Any, model: MatchModel | None) -> PreparedRecords:
        if isinstance(records, PreparedRecords):
            return records
        return self.prepare(records, model)

    # -- training --------------------------------------------------------
    def train(self, records: Any) -> MatchModel:
        """Estimate u, m, the prior and term frequencies from unlabelled records.

        Args:
            records: the records table (Polars or DuckDB), or records prepared
                once with :meth:`prepare` (no model) and reused for
                :meth:`predict`.

        Returns:
            The trained :class:`MatchModel`.

        Raises:
            MatchInputError: the records do not follow the input schema.
        """
        s = self.settings
        started = time.perf_counter()
        prepared_keys: pl.DataFrame | None = None
        if isinstance(records, PreparedRecords):
            # prepared without a model: term frequencies are the records' own
            frame, prepared_keys = records.frame, records.keys
        else:
            frame = prepare_records(
                records,
                identifier_columns=s.identifier_columns,
                max_shared_contact_point=s.max_shared_contact_point,
            )
        if frame.height < 2:
            raise MatchInputError("At least two records are needed to train a match model.")
        link_only = s.link_type == "link"
        con = self._connect()
        try:
            con.register("rec", sql_frame(frame, s.comparisons))
            u, u_pairs = estimate_u(
                con,
                s.comparisons,
                frame,
                max_pairs=s.u_sample_pairs,
                link_only=link_only,
                seed=s.seed,
                reference=reference_u() if s.reference_u_pairs else None,
                reference_pairs=s.reference_u_pairs,
            )
            if not link_only:  # a linkage's pairs cross sources: not C(N, 2)
                u = bound_u(u, s.comparisons, frame)
            m, sessions = estimate_m(
                con,
                s.comparisons,
                frame,
                s.training_rules,
                u,
                sample_records=s.em_sample_records,
                max_iterations=s.em_max_iterations,
                link_only=link_only,
                seed=s.seed,
            )
            prior, found = estimate_prior(
                con,
                frame,
                s.deterministic_rules,
                recall=s.deterministic_recall,
                link_only=link_only,
            )
            model = MatchModel(
                settings=s,
                m=m,
                u=u,
                prior=prior,
                tf_tables=term_frequency_tables(frame),
                n_records=frame.height,
            )
            deterministic_prior = prior
            if s.refine_prior or s.candidate_em:
                m, prior, session = self._refine_on_candidates(con, frame, model, prepared_keys)
                if session is not None:
                    sessions.append(session)
        finally:
            con.close()
        model = MatchModel(
            settings=s,
            m=m,
            u=u,
            prior=prior,
            tf_tables=model.tf_tables,
            n_records=frame.height,
            diagnostics={
                "u_pairs": u_pairs,
                "em_sessions": [
                    {
                        "rule": x.rule,
                        "pairs": x.pairs,
                        "iterations": x.iterations,
                        "share_matching": x.share_matching,
                        "estimated": sorted(x.m),
                    }
                    for x in sessions
                ],
                "deterministic_pairs": found,
                "deterministic_prior": deterministic_prior,
                "seconds": round(time.perf_counter() - started, 3),
            },
        )
        model.check()
        return model

    def _refine_on_candidates(
        self,
        con: duckdb.DuckDBPyConnection,
        frame: pl.DataFrame,
        model: MatchModel,
        keys: pl.DataFrame | None = None,
    ) -> tuple[dict[str, list[float]], float, EMResult | None]:
        """m and lambda from the candidate pairs of a uniform record sample.

        With ``candidate_em``, m is re-estimated by EM on those pairs (see
        :func:`carnet.match.estimate.estimate_m_on_candidates`); with
        ``refine_prior``, lambda is the fixed point of expected matches over
        possible pairs (:func:`carnet.match.estimate.refine_prior`). A uniform
        sample keeps the share of matching pairs among all pairs unbiased.

        Returns:
            m, lambda and the EM session (None without ``candidate_em``).
        """
        s = self.settings
        sample = frame
        if frame.height > s.prior_sample_records:
            sample = frame.sample(n=s.prior_sample_records, seed=s.seed)
            keys = None
        if keys is None:
            keys, _ = block_keys(sample, s.prediction_rules, with_source=s.link_type == "link")
        link_only = s.link_type == "link"
        m, prior, session = model.m, model.prior, None
        con.register("prior_rec", sql_frame(sample, s.comparisons))
        con.register("prior_keys", keys)
        try:
            con.sql(
                "CREATE OR REPLACE TEMP TABLE prior_pairs AS "
                + candidate_pairs_sql(
                    "prior_keys",
                    "prior_keys",
                    link_only=link_only,
                    same_table=True,
                    packed=packable_ids(keys),
                )
            )
            if s.candidate_em:
                patterns = gamma_patterns(
                    con, s.comparisons, "prior_pairs", "prior_rec", "prior_rec"
                )
                if not patterns.is_empty():
                    m, session = estimate_m_on_candidates(
                        patterns,
                        s.comparisons,
                        model.u,
                        model.m,
                        max_iterations=s.em_max_iterations,
                    )
                    model = replace(model, m=m)
            if s.refine_prior:
                scored = score_sql(model, "prior_pairs", "prior_rec", "prior_rec", None)
                weights = con.sql(
                    f"SELECT round(match_weight - {PRIOR_COLUMN}, 2) AS w, count(*) AS n "
                    f"FROM ({scored}) GROUP BY ALL"
                ).pl()
                n = sample.height
                if link_only:
                    sizes = sample.group_by("source").agg(pl.len().alias("n"))["n"].to_numpy()
                    total = float((sizes.sum() ** 2 - (sizes.astype(float) ** 2).sum()) / 2)
                else:
                    total = n * (n - 1) / 2
                prior = refine_prior(weights, total, model.prior)
            con.sql("DROP TABLE prior_pairs")
        finally:
            con.unregister("prior_keys")
            con.unregister("prior_rec")
        return m, prior, session

    # -- prediction ------------------------------------------------------
    def _min_weight(self, threshold: float | None) -> float:
        p = self.settings.review_threshold if threshold is None else threshold
        if not 0.0 < p < 1.0:
            raise MatchInputError(f"A probability threshold must be in (0, 1), not {p}.")
        return probability_to_weight(p)

    def _finish(self, raw: pl.DataFrame, model: MatchModel) -> pl.DataFrame:
        cols: list[pl.Expr] = [
            pl.col("id_l").alias("record_id_l"),
            pl.col("id_r").alias("record_id_r"),
            pl.col("match_weight"),
            (1.0 / (1.0 + (-pl.col("match_weight") * math.log(2.0)).exp())).alias("probability"),
        ]
        for comp in model.settings.comparisons:
            labels = [f"{comp.name.replace('_', ' ')} missing", *comp.labels]
            mapping = {-1: labels[0], **{i: lab for i, lab in enumerate(comp.labels)}}
            cols.append(
                pl.col(f"g_{comp.name}")
                .replace_strict(mapping, return_dtype=pl.Enum(list(dict.fromkeys(labels))))
                .alias(f"{comp.name}_level")
            )
            cols.append(pl.col(f"w_{comp.name}").alias(f"{comp.name}_weight"))
        cols += [pl.col(GUARD_COLUMN), pl.col(PRIOR_COLUMN)]
        return raw.select(cols).sort(
            "match_weight", "record_id_l", "record_id_r", descending=[True, False, False]
        )

    def predict(
        self, records: Any, model: MatchModel, threshold: float | None = None
    ) -> pl.DataFrame:
        """Score the candidate pairs of one table (deduplication or linkage).

        Args:
            records: the records table, or :class:`PreparedRecords`.
            model: a trained model.
            threshold: keep pairs with at least this match probability
                (default: the settings' ``review_threshold``).

        Returns:
            One row per pair: ``record_id_l < record_id_r``, ``match_weight``,
            ``probability``, and per comparison ``<name>_level`` (label) and
            ``<name>_weight``; then ``household_guard_weight`` and
            ``prior_weight``. The weights of a row add up to its match weight.
        """
        prepared = self._ensure(records, model)
        link_only = self.settings.link_type == "link"
        con = self._connect()
        try:
            con.register("rec", sql_frame(prepared.frame, self.settings.comparisons))
            con.register("keys", prepared.keys)
            con.sql(
                "CREATE TEMP TABLE pairs AS "
                + candidate_pairs_sql(
                    "keys",
                    "keys",
                    link_only=link_only,
                    same_table=True,
                    packed=packable_ids(prepared.keys),
                )
            )
            raw = _score_in_batches(con, model, prepared.frame, self._min_weight(threshold))
        finally:
            con.close()
        return self._finish(raw, model)

    def candidate_pair_count(self, records: Any, model: MatchModel | None = None) -> int:
        """How many candidate pairs blocking generates (to tune the rules)."""
        prepared = self._ensure(records, model)
        con = self._connect()
        try:
            con.register("keys", prepared.keys)
            con.sql(
                "CREATE TEMP TABLE pairs AS "
                + candidate_pairs_sql(
                    "keys",
                    "keys",
                    link_only=self.settings.link_type == "link",
                    same_table=True,
                    packed=packable_ids(prepared.keys),
                )
            )
            return count_pairs(con, "pairs")
        finally:
            con.close()

    def predict_against(
        self,
        new_records: Any,
        existing: Any,
        model: MatchModel,
        threshold: float | None = None,
        *,
        within_batch: bool = True,
    ) -> pl.DataFrame:
        """Match a batch of new records against an existing (large) table.

        The same blocking rules and the model's parameters are used; prepare
        the existing table once with :meth:`prepare` and pass it for speed.

        Args:
            new_records: the new batch (record ids must not clash with the
                existing ones).
            existing: the existing records or :class:`PreparedRecords`.
            model: a trained model.
            threshold: minimum match probability kept.
            within_batch: also pair new records with each other.

        Returns:
            Pairs as in :meth:`predict`; ``record_id_l`` is the new record.
        """
        old = self._ensure(existing, model)
        new_frame = prepare_records(
            new_records,
            identifier_columns=self.settings.identifier_columns,
            tf_tables=model.tf_tables,
            max_shared_contact_point=self.settings.max_shared_contact_point,
            email_counts=old.email_counts,
        )
        clash = new_frame.join(old.frame.select("record_id"), on="record_id", how="semi")
        if clash.height:
            raise MatchInputError(
                f"{clash.height} new record ids already exist in the existing table "
                f"(e.g. {clash['record_id'][0]}); give the new records fresh ids."
            )
        new_keys, _ = block_keys(
            new_frame, self.settings.prediction_rules, with_source=self.settings.link_type == "link"
        )
        link_only = self.settings.link_type == "link"
        con = self._connect()
        try:
            con.register("new_rec", sql_frame(new_frame, self.settings.comparisons))
            con.register("new_keys", new_keys)
            con.register("old_keys", old.keys)
            con.sql(
                "CREATE TEMP TABLE pairs AS "
                + candidate_pairs_sql("new_keys", "old_keys", link_only=link_only, same_table=False)
            )
            # Only the existing records some pair needs are handed to DuckDB:
            # scanning a million prepared rows per batch would cost seconds.
            wanted = con.sql("SELECT DISTINCT id_r AS record_id FROM pairs").pl()
            wanted_rec = old.frame.join(wanted, on="record_id", how="semi")
            con.register("old_rec", sql_frame(wanted_rec, self.settings.comparisons))
            min_weight = self._min_weight(threshold)
            raw = con.sql(score_sql(model, "pairs", "new_rec", "old_rec", min_weight)).pl()
            if within_batch:
                con.sql(
                    "CREATE TEMP TABLE new_pairs AS "
                    + candidate_pairs_sql(
                        "new_keys", "new_keys", link_only=link_only, same_table=True
                    )
                )
                inner = con.sql(
                    score_sql(model, "new_pairs", "new_rec", "new_rec", min_weight)
                ).pl()
                raw = pl.concat([raw, inner])
        finally:
            con.close()
        return self._finish(raw, model)

    # -- decisions -------------------------------------------------------
    def cluster(
        self,
        pairs: pl.DataFrame,
        threshold: float | None = None,
        records: Any = None,
    ) -> pl.DataFrame:
        """Group records into people: connected components of matching pairs.

        Args:
            pairs: output of :meth:`predict` or :meth:`predict_against`.
            threshold: match probability from which a pair links (default:
                the settings' ``match_threshold``).
            records: when given, every record gets a cluster (singletons too).

        Returns:
            ``record_id, cluster_id``; the cluster id is the smallest record id.
        """
        p = self.settings.match_threshold if threshold is None else threshold
        edges = pairs.filter(pl.col("probability") >= p)
        ids = None
        if records is not None:
            frame = records.frame if isinstance(records, PreparedRecords) else records
            if not isinstance(frame, pl.DataFrame):
                frame = prepare_records(frame)
            ids = frame["record_id"]
        return connected_components(edges, ids)

    def review(
        self, pairs: pl.DataFrame, lower: float | None = None, upper: float | None = None
    ) -> pl.DataFrame:
        """Pairs worth a human look: ``lower <= probability < upper``.

        Defaults: the settings' ``review_threshold`` and ``match_threshold``.
        """
        lo = self.settings.review_threshold if lower is None else lower
        hi = self.settings.match_threshold if upper is None else upper
        return pairs.filter((pl.col("probability") >= lo) & (pl.col("probability") < hi))

    def explain(self, pair: dict[str, Any], model: MatchModel) -> Explanation:
        """See :func:`explain`."""
        return explain(pair, model)
