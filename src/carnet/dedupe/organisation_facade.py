"""Duplicate organisations on the workspace (``OrganisationDedupeMixin``).

``find_duplicate_organisations`` pairs the active organisations by the rules
of :mod:`carnet.dedupe.organisations`, merges the groups the evidence makes
sure, and reports the pairs that agree on the name only, for a person to
merge by hand (``merge_organisations``) or leave. Every merge can be undone
(``unmerge_organisations``), and a pair separated that way, or kept apart by a
person (``keep_organisations_apart``), is not proposed again.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from carnet.clock import utcnow
from carnet.dedupe.facade import MergeInfo, list_merges
from carnet.dedupe.organisation_merge import (
    OrganisationMergeResult,
    OrganisationUnmergeResult,
    merge_organisations,
    unmerge_organisations,
)
from carnet.dedupe.organisations import (
    OrganisationPair,
    describe,
    group_pairs,
    load_records,
    pair_organisations,
    separated_pairs,
    to_row,
)
from carnet.errors import InvalidValueError, NotFoundError
from carnet.store import schema as s

__all__ = ["OrganisationDedupeMixin", "OrganisationDedupeReport"]

# Groups merged per transaction, as for contacts.
MERGES_PER_TRANSACTION = 200
# Pairs to review kept in the report (all of them go to ``pairs_out``).
REVIEW_SHOWN = 20


@dataclass
class OrganisationDedupeReport:
    """What a search for duplicate organisations found and did.

    Attributes:
        organisations: active organisations compared.
        evidence: candidate pairs per evidence ("same SIREN": 12, ...).
        groups: groups merged (or to merge, in a dry run).
        organisations_merged: organisations folded into a survivor.
        review: pairs that agree on the name only, strongest first (at most 20).
        review_count: how many such pairs in all.
        kept_apart: pairs that matched a key but were kept apart, per reason.
        merge_ids: the merges made.
        example: the first group merged, with its names and evidence.
    """

    organisations: int = 0
    evidence: dict[str, int] = field(default_factory=dict)
    groups: int = 0
    organisations_merged: int = 0
    review: list[dict[str, Any]] = field(default_factory=list)
    review_count: int = 0
    kept_apart: dict[str, int] = field(default_factory=dict)
    merge_ids: list[int] = field(default_factory=list)
    example: dict[str, Any] | None = None
    dry_run: bool = False
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        """A JSON-friendly dictionary."""
        return {
            "organisations": self.organisations,
            "evidence": dict(self.evidence),
            "groups": self.groups,
            "organisations_merged": self.organisations_merged,
            "review": list(self.review),
            "review_count": self.review_count,
            "kept_apart": dict(self.kept_apart),
            "merge_ids": list(self.merge_ids),
            "example": self.example,
            "dry_run": self.dry_run,
            "seconds": round(self.seconds, 2),
        }


class OrganisationDedupeMixin:
    """Duplicate organisations: search, merges by hand, undo."""

    engine: Engine
    actor: str

    def find_duplicate_organisations(
        self, *, dry_run: bool = False, pairs_out: str | Path | None = None
    ) -> OrganisationDedupeReport:
        """Find organisations that are one company; merge the sure groups.

        Args:
            dry_run: decide and report, change nothing.
            pairs_out: write every candidate pair with its decision and evidence
                (CSV/XLSX/JSON by extension).
        """
        started = utcnow()
        report = OrganisationDedupeReport(dry_run=dry_run)
        with self.engine.connect() as conn:
            records = load_records(conn)
            separated = separated_pairs(conn)
        report.organisations = len(records)
        by_id = {r.id: r for r in records}
        pairs, kept_apart = pair_organisations(records, separated=separated)
        groups, used, left_out = group_pairs(pairs, by_id)
        if left_out:
            kept_apart["would join two different SIRENs, addresses or legal forms"] = len(left_out)
        report.kept_apart = kept_apart
        report.evidence = dict(Counter(p.evidence for p in pairs))
        report.groups = len(groups)
        report.organisations_merged = sum(len(g) - 1 for g in groups)
        group_of = {member: g[0] for g in groups for member in g}
        # Review pairs name the organisations that remain: a member merged away is
        # replaced by its survivor, so that the ids shown can be merged by hand.
        review_keys: dict[tuple[int, int], OrganisationPair] = {}
        for p in pairs:
            left, right = group_of.get(p.left, p.left), group_of.get(p.right, p.right)
            if p.decision == "review" and left != right:
                key = (min(left, right), max(left, right))
                review_keys.setdefault(key, OrganisationPair(*key, p.evidence, p.details))
        review = list(review_keys.values())
        review.sort(key=lambda p: -(by_id[p.left].contacts + by_id[p.right].contacts))
        report.review_count = len(review)
        report.review = [to_row(p, by_id) for p in review[:REVIEW_SHOWN]]
        reasons = _evidence_by_group(groups, used)
        if groups:
            first = groups[0]
            report.example = {
                "organisation_ids": first,
                "names": [by_id[i].name for i in first],
                "evidence": reasons.get(first[0], []),
            }
        if pairs_out is not None:
            _write_pairs(Path(pairs_out), used, review, left_out, by_id)
        if not dry_run and groups:
            report.merge_ids = self._merge_groups(groups, reasons)
        report.seconds = (utcnow() - started).total_seconds()
        return report

    def _merge_groups(self, groups: list[list[int]], evidence: dict[int, list[str]]) -> list[int]:
        merge_ids: list[int] = []
        for start in range(0, len(groups), MERGES_PER_TRANSACTION):
            with self.engine.begin() as conn:
                for group in groups[start : start + MERGES_PER_TRANSACTION]:
                    why = "; ".join(evidence.get(group[0], []))
                    result = merge_organisations(
                        conn,
                        group[0],
                        group[1:],
                        actor=f"dedupe ({self.actor})",
                        reason=f"same organisation: {why}" if why else "same organisation",
                    )
                    merge_ids.append(result.merge_id)
        return merge_ids

    def keep_organisations_apart(
        self, organisation_id: int, other_id: int, *, reason: str | None = None
    ) -> None:
        """Say two organisations are two companies: they are never proposed for review
        or merged automatically again (a merge by hand still can).

        Raises:
            NotFoundError: an organisation does not exist.
            InvalidValueError: the two are one organisation.
        """
        if organisation_id == other_id:
            raise InvalidValueError(
                f"Organisation {organisation_id} cannot be kept apart from itself."
            )
        lo, hi = sorted((int(organisation_id), int(other_id)))
        o, op = s.organisations, s.organisation_pairs
        with self.engine.begin() as conn:
            found = set(conn.execute(sa.select(o.c.id).where(o.c.id.in_((lo, hi)))).scalars())
            for org_id in (lo, hi):
                if org_id not in found:
                    raise NotFoundError(f"Organisation {org_id} does not exist.")
            values = {
                "status": "rejected",
                "reason": reason,
                "decided_by": self.actor,
                "decided_at": utcnow(),
            }
            updated = conn.execute(
                op.update()
                .where(op.c.organisation_id_l == lo, op.c.organisation_id_r == hi)
                .values(**values)
            )
            if not updated.rowcount:
                conn.execute(
                    op.insert().values(organisation_id_l=lo, organisation_id_r=hi, **values)
                )

    def merge_organisations(
        self, survivor_id: int, merged_ids: Sequence[int], *, reason: str | None = None
    ) -> OrganisationMergeResult:
        """Merge organisations into ``survivor_id`` by hand (contacts and roles follow)."""
        with self.engine.begin() as conn:
            return merge_organisations(
                conn, survivor_id, merged_ids, actor=self.actor, reason=reason or "merged by hand"
            )

    def unmerge_organisations(
        self, merge_id: int, *, reason: str | None = None
    ) -> OrganisationUnmergeResult:
        """Undo an organisation merge; the pair is then never merged automatically again."""
        with self.engine.begin() as conn:
            return unmerge_organisations(conn, merge_id, actor=self.actor, reason=reason)

    def list_organisation_merges(
        self, *, limit: int = 50, organisation_id: int | None = None
    ) -> list[MergeInfo]:
        """Organisation merges, newest first (those into one organisation when given)."""
        with self.engine.connect() as conn:
            return list_merges(
                conn, s.organisation_merges, limit=limit, survivor_id=organisation_id
            )


def _evidence_by_group(
    groups: list[list[int]], used: list[OrganisationPair]
) -> dict[int, list[str]]:
    """Each group's evidence in words, keyed by its survivor, without repeats."""
    root = {m: g[0] for g in groups for m in g}
    out: dict[int, list[str]] = {}
    for pair in used:
        words = describe(pair)
        found = out.setdefault(root[pair.left], [])
        if words not in found:
            found.append(words)
    return out


def _write_pairs(
    path: Path,
    used: list[OrganisationPair],
    review: list[OrganisationPair],
    left_out: list[OrganisationPair],
    by_id: dict[int, Any],
) -> int:
    from carnet.ingest.writers import write_table

    headers = [
        "organisation_id_l",
        "organisation_id_r",
        "decision",
        "evidence",
        "name_l",
        "name_r",
        "siren_l",
        "siren_r",
        "contacts_l",
        "contacts_r",
    ]

    def rows() -> Any:
        for pair in used:
            yield to_row(pair, by_id)
        for pair in review:
            yield to_row(pair, by_id)
        for pair in left_out:
            yield {**to_row(pair, by_id), "decision": "kept apart"}

    return write_table(path, headers, rows())
