"""Duplicate detection and merges on the workspace (``DedupeMixin``).

``find_duplicates`` reads the store's active contacts, trains the matcher on
them (no labels: Fellegi-Sunter parameters estimated by EM on the workspace's
own data), scores the candidate pairs, merges clusters above the auto
threshold, queues the uncertain pairs for review, and keeps the model so that
imports match their new contacts against the file (``match_new_contacts``).

Thresholds come from the call, else ``[carnet.dedupe]`` in carnet.toml
(``auto_threshold``, ``review_threshold``), else the matcher's defaults.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from carnet.clock import as_utc, utcnow
from carnet.config import Settings
from carnet.dedupe.decide import (
    LOOK_ALIKES,
    NAMES_ONLY,
    OWN_MOBILES,
    Decisions,
    LookAlikeLevels,
    beyond_names,
    contact_mobiles,
    decide,
    describe_evidence,
    is_unisex_first_name,
    look_alike,
    names_only,
    own_mobiles,
    personal_levels,
    top_reasons,
    unisex_contacts,
)
from carnet.dedupe.golden import survivorship_rules
from carnet.dedupe.merge import MergeResult, UnmergeResult, merge_contacts, unmerge
from carnet.dedupe.records import contact_sexes, store_records, unassigned_mobiles
from carnet.dedupe.sources import ContactSources, contact_sources
from carnet.errors import ConfigError, InvalidValueError, NotFoundError
from carnet.fields.name import CIVILITIES
from carnet.match import Matcher, MatchModel, MatchModelError, MatchSettings, explain
from carnet.match.records import MOBILE_PREFIXES
from carnet.model import ON_FILE, Contact
from carnet.store import schema as s

__all__ = [
    "DedupeMixin",
    "DedupeReport",
    "MergeInfo",
    "ReviewItem",
]

MODEL_KEY = "match_model"
# An import matching its new contacts re-learns the model once the file has
# grown past this many times the contacts it was learnt on.
MODEL_GROWTH = 2.0
# Clusters merged per transaction: big enough to be quick, small enough to keep
# locks short and a crash cheap.
MERGES_PER_TRANSACTION = 200

Progress = Callable[[str], None]


@dataclass(frozen=True)
class ReviewItem:
    """A pair waiting for a person's decision."""

    pair_id: int
    left: Contact
    right: Contact
    probability: float
    explanation: list[tuple[str, str, float]]
    names_only: bool = False
    """Nothing but the names speaks for the pair (never merged automatically)."""
    own_mobiles: bool = False
    """Each contact has a mobile of their own and nothing personal ties them
    (:func:`carnet.dedupe.decide.own_mobiles`: never merged automatically)."""
    look_alike: str | None = None
    """Why the two may be look-alikes, a couple, colleagues or twins
    (:func:`carnet.dedupe.decide.look_alike`: never merged automatically)."""


@dataclass(frozen=True)
class MergeInfo:
    """One merge as listed by ``carnet merges`` (or ``carnet organisations merges``)."""

    id: int
    survivor_id: int
    merged_ids: tuple[int, ...]
    reason: str | None
    decided_by: str | None
    created_at: datetime | None
    undone_at: datetime | None


@dataclass
class DedupeReport:
    """What a duplicate search found and did.

    Attributes:
        contacts: active contacts compared.
        pairs_scored: candidate pairs at or above the review threshold.
        merged_pairs: pairs behind the merges.
        clusters: groups merged (or to merge, in a dry run).
        contacts_merged: contacts folded into a survivor.
        review: pairs queued for review (new or updated).
        skipped_rejected: pairs a person had rejected, not proposed again.
        demoted: strong pairs sent to review because of a rejection.
        names_only: strong pairs sent to review because they agree on names only.
        own_mobiles: strong pairs sent to review because each contact has a mobile of
            their own (and neither a birth date nor an e-mail ties them).
        look_alikes: strong pairs sent to review as look-alikes (a man and a woman,
            other last names with only a place in common, alike first names born the
            same day) that nothing of one person's ties.
        top_reasons: the evidence most often behind merges and reviews.
        example: the strongest pair, explained.
        dry_run: True when nothing was written.
        merge_ids: the merges made.
        auto_threshold / review_threshold: the thresholds used.
        seconds: wall time.
    """

    contacts: int = 0
    pairs_scored: int = 0
    merged_pairs: int = 0
    clusters: int = 0
    contacts_merged: int = 0
    review: int = 0
    skipped_rejected: int = 0
    demoted: int = 0
    names_only: int = 0
    own_mobiles: int = 0
    look_alikes: int = 0
    top_reasons: list[tuple[str, int]] = field(default_factory=list)
    example: dict[str, Any] | None = None
    dry_run: bool = False
    merge_ids: list[int] = field(default_factory=list)
    auto_threshold: float = 0.0
    review_threshold: float = 0.0
    seconds: float = 0.0

    def count(self, pairs: pl.DataFrame, decisions: Decisions) -> None:
        """Fill the counts from the scored pairs and the decisions taken."""
        self.pairs_scored = pairs.height
        self.merged_pairs = decisions.merge_pairs.height
        self.clusters = len(decisions.clusters)
        self.contacts_merged = sum(len(c) - 1 for c in decisions.clusters)
        self.review = decisions.review.height
        self.skipped_rejected = decisions.skipped_rejected
        self.demoted = decisions.demoted
        self.names_only = decisions.names_only
        self.own_mobiles = decisions.own_mobiles
        self.look_alikes = decisions.look_alikes

    def to_dict(self) -> dict[str, Any]:
        """A JSON-friendly dictionary."""
        return {
            "contacts": self.contacts,
            "pairs_scored": self.pairs_scored,
            "merged_pairs": self.merged_pairs,
            "clusters": self.clusters,
            "contacts_merged": self.contacts_merged,
            "review": self.review,
            "skipped_rejected": self.skipped_rejected,
            "demoted": self.demoted,
            "names_only": self.names_only,
            "own_mobiles": self.own_mobiles,
            "look_alikes": self.look_alikes,
            "top_reasons": [{"reason": r, "pairs": n} for r, n in self.top_reasons],
            "example": self.example,
            "dry_run": self.dry_run,
            "merge_ids": self.merge_ids,
            "auto_threshold": self.auto_threshold,
            "review_threshold": self.review_threshold,
            "seconds": round(self.seconds, 2),
        }


def list_merges(
    conn: Connection, table: sa.Table, *, limit: int, survivor_id: int | None = None
) -> list[MergeInfo]:
    """The merges recorded in ``table`` (``merges`` or ``organisation_merges``), newest
    first; only those into ``survivor_id`` when given."""
    query = sa.select(
        table.c.id,
        table.c.survivor_id,
        table.c.merged_ids,
        table.c.reason,
        table.c.decided_by,
        table.c.created_at,
        table.c.undone_at,
    ).order_by(table.c.id.desc())
    if survivor_id is not None:
        query = query.where(table.c.survivor_id == survivor_id)
    return [
        MergeInfo(
            id=int(r.id),
            survivor_id=int(r.survivor_id),
            merged_ids=tuple(int(i) for i in r.merged_ids),
            reason=r.reason,
            decided_by=r.decided_by,
            created_at=as_utc(r.created_at),
            undone_at=as_utc(r.undone_at),
        )
        for r in conn.execute(query.limit(limit))
    ]


def _explanation(row: Mapping[str, Any], model: MatchModel) -> list[tuple[str, str, float]]:
    return [(n, lvl, round(w, 3)) for n, lvl, w in explain(dict(row), model)]


class DedupeMixin:
    """Duplicate search, review queue, merges and undo."""

    engine: Engine
    settings: Settings
    actor: str

    if TYPE_CHECKING:  # provided by the workspace

        def compute_quality(
            self, contact_ids: Iterable[int] | None = ..., *, now: datetime | None = ...
        ) -> int: ...

        def _load_contacts(self, conn: Connection, ids: Sequence[int]) -> list[Contact]: ...

    # -- configuration -----------------------------------------------------------------
    def _dedupe_config(self) -> Mapping[str, Any]:
        section = self.settings.extra.get("dedupe", {})
        if not isinstance(section, Mapping):
            raise ConfigError("[carnet.dedupe] in carnet.toml must be a table.")
        return section

    def _thresholds(
        self, auto_threshold: float | None, review_threshold: float | None
    ) -> tuple[float, float]:
        defaults = MatchSettings()
        config = self._dedupe_config()
        auto = float(
            auto_threshold
            if auto_threshold is not None
            else config.get("auto_threshold", defaults.match_threshold)
        )
        review = float(
            review_threshold
            if review_threshold is not None
            else config.get("review_threshold", defaults.review_threshold)
        )
        if not 0.0 < review <= auto < 1.0:
            raise InvalidValueError(
                "Thresholds must satisfy 0 < review threshold <= auto threshold < 1 "
                f"(got review {review} and auto {auto})."
            )
        return auto, review

    def _matcher(self, auto: float, review: float) -> Matcher:
        return Matcher(MatchSettings(match_threshold=auto, review_threshold=review))

    def _rules(self) -> dict[str, str]:
        configured = self.settings.extra.get("survivorship")
        if configured is not None and not isinstance(configured, Mapping):
            raise ConfigError("[carnet.survivorship] in carnet.toml must be a table.")
        return survivorship_rules(configured)

    def _save_model(self, conn: Connection, model: MatchModel) -> None:
        st = s.settings
        conn.execute(st.delete().where(st.c.key == MODEL_KEY))
        conn.execute(st.insert().values(key=MODEL_KEY, value={"model": model.to_json()}))

    def match_model(self) -> MatchModel | None:
        """The model the last duplicate search trained, if any.

        A model saved by an earlier carnet whose comparisons have since gained
        or lost levels no longer fits them: it is ignored (None) until the
        next duplicate search trains a new one, so imports keep working.
        """
        with self.engine.connect() as conn:
            value = conn.execute(
                sa.select(s.settings.c.value).where(s.settings.c.key == MODEL_KEY)
            ).scalar()
        if not value:
            return None
        try:
            return MatchModel.from_json(str(value["model"]))
        except MatchModelError:
            return None

    def _rejected_pairs(self, conn: Connection) -> set[tuple[int, int]]:
        """Rejected pairs, carried over to the contacts their members were merged into."""
        mp, c = s.match_pairs, s.contacts
        pairs = conn.execute(
            sa.select(mp.c.contact_id_l, mp.c.contact_id_r).where(mp.c.status == "rejected")
        ).all()
        if not pairs:
            return set()
        moved = dict(
            conn.execute(
                sa.select(c.c.id, c.c.merged_into_id).where(c.c.merged_into_id.is_not(None))
            ).all()
        )

        def current(contact_id: int) -> int:
            seen = 0
            while contact_id in moved and seen < 50:
                contact_id, seen = int(moved[contact_id]), seen + 1
            return contact_id

        out: set[tuple[int, int]] = set()
        for left, right in pairs:
            a, b = current(int(left)), current(int(right))
            if a != b:
                out.add((min(a, b), max(a, b)))
        return out

    # -- the batch search ------------------------------------------------------------
    def find_duplicates(
        self,
        *,
        auto_threshold: float | None = None,
        review_threshold: float | None = None,
        dry_run: bool = False,
        pairs_out: str | Path | None = None,
        progress: Progress | None = None,
    ) -> DedupeReport:
        """Find duplicate contacts; merge the sure ones, queue the uncertain ones.

        Args:
            auto_threshold: merge pairs from this match probability.
            review_threshold: queue pairs from this probability for review.
            dry_run: decide, report and write ``pairs_out``, change nothing.
            pairs_out: write every pair with its decision and explanation here
                (CSV/XLSX/JSON by extension).
            progress: called with a short message at each step.

        Returns:
            The report: counts per decision, top reasons, an example.
        """
        started = utcnow()
        say = progress or (lambda _message: None)
        auto, review = self._thresholds(auto_threshold, review_threshold)
        report = DedupeReport(dry_run=dry_run, auto_threshold=auto, review_threshold=review)
        with self.engine.connect() as conn:
            say("reading contacts")
            records = store_records(conn)
            rejected = self._rejected_pairs(conn)
            sexes = contact_sexes(conn)
            spare = unassigned_mobiles(conn)
        report.contacts = records.height
        if records.height < 2:
            report.seconds = (utcnow() - started).total_seconds()
            return report
        matcher = self._matcher(auto, review)
        say(f"training the model on {records.height:,} contacts")
        model = self._train(matcher, records)
        say("scoring candidate pairs")
        pairs = matcher.predict(records, model, threshold=review)
        decisions = _decide(pairs, model, records, auto, review, rejected, sexes, spare)
        report.count(pairs, decisions)
        names = [c.name for c in model.settings.comparisons]
        report.top_reasons = top_reasons(
            pl.concat([decisions.merge_pairs, decisions.review], how="vertical_relaxed"), names
        )
        if pairs.height:
            best = pairs.row(0, named=True)
            explanation = _explanation(best, model)
            report.example = {
                "contact_ids": [int(best["record_id_l"]), int(best["record_id_r"])],
                "probability": round(float(best["probability"]), 6),
                "match_weight": round(float(best["match_weight"]), 3),
                "explanation": [
                    {"comparison": n, "level": lvl, "weight": w} for n, lvl, w in explanation
                ],
            }
        if pairs_out is not None:
            self._write_pairs(Path(pairs_out), decisions, model, records)
        if not dry_run:
            say(f"merging {report.clusters:,} groups, queueing {report.review:,} pairs")
            report.merge_ids = self._apply(decisions, model)
        report.seconds = (utcnow() - started).total_seconds()
        return report

    def _train(self, matcher: Matcher, records: pl.DataFrame) -> MatchModel:
        # a small file is scored with reference u-probabilities where its own
        # pairs are too few (MatchSettings.reference_u_pairs)
        try:
            return matcher.train(records)
        except MatchModelError as exc:
            raise InvalidValueError(f"The matching model could not be estimated: {exc}") from exc

    def _apply(
        self, decisions: Decisions, model: MatchModel, *, save_model: bool = True
    ) -> list[int]:
        rules = self._rules()
        now = utcnow()
        by_cluster = self._pairs_by_cluster(decisions)
        merge_ids: list[int] = []
        with self.engine.begin() as conn:
            if save_model:
                self._save_model(conn, model)
            self._queue(conn, decisions.review, model, now)
        touched: list[int] = []
        for start in range(0, len(decisions.clusters), MERGES_PER_TRANSACTION):
            with self.engine.begin() as conn:
                for cluster in decisions.clusters[start : start + MERGES_PER_TRANSACTION]:
                    rows = by_cluster.get(cluster[0], [])
                    pair_ids = self._record_pairs(conn, rows, model, "merged", now)
                    best = max(rows, key=lambda r: float(r["probability"])) if rows else None
                    reason = (
                        f"duplicate (probability {float(best['probability']):.3f}): "
                        + describe_evidence(_explanation(best, model))
                        if best is not None
                        else "duplicate"
                    )
                    result = merge_contacts(
                        conn,
                        cluster[0],
                        cluster[1:],
                        rules=rules,
                        actor=f"dedupe ({self.actor})",
                        reason=reason,
                        pair_ids=pair_ids,
                    )
                    merge_ids.append(result.merge_id)
                    touched.append(cluster[0])
        if touched:
            self.compute_quality(touched)
        return merge_ids

    @staticmethod
    def _pairs_by_cluster(decisions: Decisions) -> dict[int, list[dict[str, Any]]]:
        root = {m: cluster[0] for cluster in decisions.clusters for m in cluster}
        out: dict[int, list[dict[str, Any]]] = {}
        for row in decisions.merge_pairs.iter_rows(named=True):
            out.setdefault(root[int(row["lo"])], []).append(row)
        return out

    def _record_pairs(
        self,
        conn: Connection,
        rows: Sequence[Mapping[str, Any]],
        model: MatchModel,
        status: str,
        now: datetime,
    ) -> list[int]:
        """Insert or refresh pairs in ``match_pairs``; a rejected pair stays rejected."""
        mp = s.match_pairs
        ids: list[int] = []
        for row in rows:
            lo = min(int(row["record_id_l"]), int(row["record_id_r"]))
            hi = max(int(row["record_id_l"]), int(row["record_id_r"]))
            values = {
                "match_weight": float(row["match_weight"]),
                "probability": float(row["probability"]),
                "explanation": [list(e) for e in _explanation(row, model)],
            }
            existing = conn.execute(
                sa.select(mp.c.id, mp.c.status).where(
                    mp.c.contact_id_l == lo, mp.c.contact_id_r == hi
                )
            ).first()
            if existing is None:
                ids.append(
                    int(
                        conn.execute(
                            mp.insert().values(
                                contact_id_l=lo,
                                contact_id_r=hi,
                                status=status,
                                created_at=now,
                                decided_by=None if status == "pending" else "dedupe",
                                decided_at=None if status == "pending" else now,
                                **values,
                            )
                        ).inserted_primary_key[0]  # type: ignore[index]
                    )
                )
            elif existing.status in ("pending", status):
                conn.execute(mp.update().where(mp.c.id == existing.id).values(**values))
                ids.append(int(existing.id))
        return ids

    def _queue(
        self, conn: Connection, review: pl.DataFrame, model: MatchModel, now: datetime
    ) -> None:
        self._record_pairs(conn, list(review.iter_rows(named=True)), model, "pending", now)

    def _write_pairs(
        self, path: Path, decisions: Decisions, model: MatchModel, records: pl.DataFrame
    ) -> int:
        from carnet.ingest.writers import write_table

        names = records.select(
            "record_id",
            pl.concat_str(
                [pl.col("first_name").fill_null(""), pl.col("last_name").fill_null("")],
                separator=" ",
            )
            .str.strip_chars()
            .alias("name"),
            pl.col("emails").list.first().alias("email"),
        )
        merge = decisions.merge_pairs.with_columns(pl.lit("merge").alias("decision"))
        review = decisions.review.with_columns(pl.lit("review").alias("decision"))
        both = pl.concat([merge, review], how="vertical_relaxed").sort(
            "probability", descending=True
        )
        left = names.rename({"record_id": "lo", "name": "name_l", "email": "email_l"})
        right = names.rename({"record_id": "hi", "name": "name_r", "email": "email_r"})
        both = both.join(left, on="lo", how="left").join(right, on="hi", how="left")
        headers = [
            "contact_id_l",
            "contact_id_r",
            "decision",
            "probability",
            "match_weight",
            "name_l",
            "name_r",
            "email_l",
            "email_r",
            "evidence",
            "explanation",
        ]

        others = beyond_names(model.settings.comparisons)

        def rows() -> Iterable[dict[str, Any]]:
            for row in both.iter_rows(named=True):
                explanation = _explanation(row, model)
                evidence = describe_evidence(explanation)
                if row["decision"] == "review" and names_only(explanation, others):
                    evidence = f"{NAMES_ONLY}; {evidence}"
                elif (row["lo"], row["hi"]) in decisions.own_mobile_pairs:
                    evidence = f"{OWN_MOBILES}; {evidence}"
                elif (row["lo"], row["hi"]) in decisions.look_alike_pairs:
                    why = decisions.look_alike_pairs[(row["lo"], row["hi"])]
                    evidence = f"{LOOK_ALIKES} ({why}); {evidence}"
                yield {
                    "contact_id_l": row["lo"],
                    "contact_id_r": row["hi"],
                    "decision": row["decision"],
                    "probability": round(float(row["probability"]), 6),
                    "match_weight": round(float(row["match_weight"]), 3),
                    "name_l": row["name_l"],
                    "name_r": row["name_r"],
                    "email_l": row["email_l"],
                    "email_r": row["email_r"],
                    "evidence": evidence,
                    "explanation": "; ".join(f"{n}: {lvl} {w:+.2f}" for n, lvl, w in explanation),
                }

        return write_table(path, headers, rows())

    # -- import-time matching ----------------------------------------------------------
    def match_new_contacts(
        self,
        contact_ids: Sequence[int],
        *,
        auto_threshold: float | None = None,
        review_threshold: float | None = None,
    ) -> DedupeReport:
        """Match contacts just created (by an import) against the rest of the file.

        Uses the model the last full search trained; without one (no search yet,
        or too few contacts), nothing is done. Sure matches are merged into the
        older contact, uncertain ones queued for review.
        """
        started = utcnow()
        auto, review = self._thresholds(auto_threshold, review_threshold)
        report = DedupeReport(auto_threshold=auto, review_threshold=review)
        model = self.match_model()
        if model is None or not contact_ids:
            return report
        with self.engine.connect() as conn:
            records = store_records(conn)
            rejected = self._rejected_pairs(conn)
            sexes = contact_sexes(conn)
            spare = unassigned_mobiles(conn)
        wanted = pl.DataFrame({"record_id": list(contact_ids)}, schema={"record_id": pl.Int64})
        new = records.join(wanted, on="record_id", how="semi")
        old = records.join(wanted, on="record_id", how="anti")
        report.contacts = new.height
        if not new.height:
            return report
        model = self._fitted_model(model, records, auto, review)
        matcher = Matcher(
            MatchSettings(
                comparisons=model.settings.comparisons,
                match_threshold=auto,
                review_threshold=review,
            )
        )
        pairs = (
            matcher.predict_against(new, old, model, threshold=review)
            if old.height
            else matcher.predict(new, model, threshold=review)
        )
        decisions = _decide(pairs, model, records, auto, review, rejected, sexes, spare)
        report.count(pairs, decisions)
        report.merge_ids = self._apply(decisions, model, save_model=False)
        report.seconds = (utcnow() - started).total_seconds()
        return report

    def _fitted_model(
        self, model: MatchModel, records: pl.DataFrame, auto: float, review: float
    ) -> MatchModel:
        """The saved model, fitted to the file as it is now.

        The prior (lambda) is the chance that two records are one person:
        with a few records per person, about ``d / N``, so it shrinks as the
        file grows; it is rescaled to the records' number. A file grown to
        more than ``MODEL_GROWTH`` times the records the model learnt on is
        learnt again, and the new model saved: its frequencies changed too,
        and a model learnt on a dozen contacts would weigh a surname as a
        dozen contacts do.
        """
        n = records.height
        if n > MODEL_GROWTH * max(model.n_records, 1):
            try:
                learnt = self._train(self._matcher(auto, review), records)
            except InvalidValueError:
                learnt = None  # the import's rows are written: keep the saved model, refitted
            if learnt is not None:
                with self.engine.begin() as conn:
                    self._save_model(conn, learnt)
                return learnt
        if model.n_records > 1 and n > 1 and n != model.n_records:
            prior = min(model.prior * (model.n_records - 1) / (n - 1), 0.5)
            model = replace(model, prior=prior)
        return model

    # -- merges by hand and undo -------------------------------------------------------
    def merge_contacts(
        self, survivor_id: int, merged_ids: Sequence[int], *, reason: str | None = None
    ) -> MergeResult:
        """Merge contacts into ``survivor_id`` (golden record, points, activity, consent)."""
        with self.engine.begin() as conn:
            result = merge_contacts(
                conn,
                survivor_id,
                merged_ids,
                rules=self._rules(),
                actor=self.actor,
                reason=reason or "merged by hand",
            )
        self.compute_quality([survivor_id])
        return result

    def unmerge(self, merge_id: int, *, reason: str | None = None) -> UnmergeResult:
        """Undo a merge: the contacts come back as they were; the pair is marked rejected."""
        with self.engine.begin() as conn:
            result = unmerge(conn, merge_id, actor=self.actor, reason=reason)
        self.compute_quality([result.survivor_id, *result.restored_ids])
        return result

    def list_merges(self, *, limit: int = 50, contact_id: int | None = None) -> list[MergeInfo]:
        """Merges, newest first (those of one survivor when ``contact_id`` is given)."""
        with self.engine.connect() as conn:
            return list_merges(conn, s.merges, limit=limit, survivor_id=contact_id)

    def contact_sources(self, contact_ids: Sequence[int]) -> dict[int, ContactSources]:
        """The input rows and source ids folded into each contact (merges included)."""
        with self.engine.connect() as conn:
            return contact_sources(conn, contact_ids)

    # -- review queue ------------------------------------------------------------------
    def review_count(self) -> int:
        """How many pairs wait for review."""
        mp = s.match_pairs
        with self.engine.connect() as conn:
            return int(
                conn.execute(
                    sa.select(sa.func.count()).select_from(mp).where(mp.c.status == "pending")
                ).scalar_one()
            )

    def review_queue(self, *, limit: int = 20, after: int | None = None) -> list[ReviewItem]:
        """Pending pairs, most likely first; pairs whose contacts were merged since
        are settled on the way (same person now) or follow the survivor."""
        mp, c = s.match_pairs, s.contacts
        items: list[ReviewItem] = []
        comparisons = MatchSettings().comparisons
        others, personal = beyond_names(comparisons), personal_levels(comparisons)
        look_alikes = LookAlikeLevels.of(comparisons)
        with self.engine.begin() as conn:
            query = (
                sa.select(mp)
                .where(mp.c.status == "pending")
                .order_by(mp.c.probability.desc(), mp.c.id)
            )
            if after is not None:
                query = query.where(mp.c.id != after)
            for row in conn.execute(query.limit(limit * 3)).mappings():
                ids = (int(row["contact_id_l"]), int(row["contact_id_r"]))
                statuses = dict(
                    conn.execute(sa.select(c.c.id, c.c.status).where(c.c.id.in_(ids))).all()
                )
                if any(statuses.get(i) not in ON_FILE for i in ids):
                    conn.execute(
                        mp.update()
                        .where(mp.c.id == row["id"])
                        .values(status="obsolete", decided_by="dedupe", decided_at=utcnow())
                    )
                    continue
                left, right = self._load_contacts(conn, list(ids))
                explanation = [(str(n), str(lvl), float(w)) for n, lvl, w in row["explanation"]]
                items.append(
                    ReviewItem(
                        pair_id=int(row["id"]),
                        left=left,
                        right=right,
                        probability=float(row["probability"]),
                        explanation=explanation,
                        names_only=names_only(explanation, others),
                        own_mobiles=own_mobiles(
                            _mobiles(left),
                            _mobiles(right),
                            _iso(left.birth_date),
                            _iso(right.birth_date),
                            [level for _name, level, _weight in explanation],
                            personal,
                        ),
                        look_alike=look_alike(
                            [level for _name, level, _weight in explanation],
                            (_sex(left), _sex(right)),
                            look_alikes,
                            (_mobiles(left), _mobiles(right)),
                            unisex=all(
                                is_unisex_first_name(c.first_name) for c in (left, right)
                            ),
                        ),
                    )
                )
                if len(items) >= limit:
                    break
        return items

    def decide_pair(self, pair_id: int, decision: str, *, reason: str | None = None) -> int | None:
        """Accept (merge), reject (never proposed again) or skip a pending pair.

        Returns:
            The merge id when accepted, else None.

        Raises:
            NotFoundError: no such pair.
            InvalidValueError: unknown decision, or the pair was already decided.
        """
        if decision not in ("accept", "reject", "skip"):
            raise InvalidValueError(f"'{decision}' is not a decision; use accept, reject or skip.")
        mp = s.match_pairs
        now = utcnow()
        with self.engine.begin() as conn:
            row = conn.execute(sa.select(mp).where(mp.c.id == pair_id)).mappings().first()
            if row is None:
                raise NotFoundError(f"Pair {pair_id} does not exist; `carnet review` lists them.")
            if row["status"] != "pending":
                raise InvalidValueError(f"Pair {pair_id} was already decided ({row['status']}).")
            if decision == "skip":
                return None
            if decision == "reject":
                conn.execute(
                    mp.update()
                    .where(mp.c.id == pair_id)
                    .values(status="rejected", decided_by=self.actor, decided_at=now)
                )
                return None
            lo, hi = int(row["contact_id_l"]), int(row["contact_id_r"])
            explanation = [(str(n), str(lvl), float(w)) for n, lvl, w in row["explanation"]]
            result = merge_contacts(
                conn,
                lo,
                [hi],
                rules=self._rules(),
                actor=self.actor,
                reason=reason
                or (
                    f"accepted in review (probability {float(row['probability']):.3f}): "
                    + describe_evidence(explanation)
                ),
                pair_ids=[pair_id],
            )
            conn.execute(
                mp.update()
                .where(mp.c.id == pair_id)
                .values(status="accepted", decided_by=self.actor, decided_at=now)
            )
        self.compute_quality([lo])
        return result.merge_id


def probability_text(probability: float) -> str:
    """A probability as people read it: ``99.7 %``, never ``100 %`` unless it is."""
    if probability >= 1.0:
        return "100 %"
    digits = max(1, min(4, int(-math.log10(max(1e-9, 1.0 - probability)))))
    return f"{100 * probability:.{digits}f} %"


def _mobiles(contact: Contact) -> frozenset[str]:
    return frozenset(
        p.normalised
        for p in contact.points
        if p.kind == "phone" and p.normalised and p.normalised.startswith(MOBILE_PREFIXES)
    )


def _sex(contact: Contact) -> str | None:
    if contact.gender in ("male", "female"):
        return contact.gender
    return CIVILITIES.get(contact.civility or "")


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _decide(
    pairs: pl.DataFrame,
    model: MatchModel,
    records: pl.DataFrame,
    auto: float,
    review: float,
    rejected: Iterable[tuple[int, int]],
    sexes: Mapping[int, str],
    spare_mobiles: Mapping[int, frozenset[str]],
) -> Decisions:
    """The decisions on scored pairs, with the review rules that need the records (birth
    dates, mobiles, with the numbers in no allocated range: ``spare_mobiles``), the
    contacts' civilities (``sexes``) and the model (the comparisons beyond names): one
    call for a batch run and for the matching of an import's new contacts."""
    mobiles = contact_mobiles(records)
    for contact_id, numbers in spare_mobiles.items():
        mobiles[contact_id] = mobiles.get(contact_id, frozenset()) | numbers
    return decide(
        pairs,
        auto_threshold=auto,
        review_threshold=review,
        rejected=rejected,
        birth_dates=_birth_dates(records),
        beyond_names=beyond_names(model.settings.comparisons),
        mobiles=mobiles,
        personal=personal_levels(model.settings.comparisons),
        look_alikes=LookAlikeLevels.of(model.settings.comparisons),
        sexes=sexes,
        unisex=unisex_contacts(records),
    )


def _birth_dates(records: pl.DataFrame) -> dict[int, str]:
    """Contact id -> ISO birth date, for the contacts that have one."""
    dated = records.select("record_id", "birth_date").drop_nulls()
    return dict(zip(dated["record_id"].to_list(), dated["birth_date"].to_list(), strict=True))
