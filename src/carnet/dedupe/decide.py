"""From scored pairs to decisions: merge clusters, review queue, distinct.

Pure functions over Polars frames, so the rules are tested without a database:

- pairs at or above the auto threshold join clusters, strongest first; a pair
  that would put two contacts someone said were different in one cluster goes
  to review instead (so A=B, B=C never drags in a rejected A≠C);
- pairs between the thresholds go to review, unless their two contacts end up
  in the same cluster anyway;
- pairs a person rejected are never proposed again.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import polars as pl

__all__ = ["Decisions", "decide", "describe_evidence", "top_reasons"]

Pair = tuple[int, int]


@dataclass
class Decisions:
    """The outcome of :func:`decide`.

    Attributes:
        clusters: groups of contact ids to merge (each sorted; the first survives).
        merge_pairs: the pairs behind the clusters (``record_id_l/_r``, probability ...).
        review: pairs for a person to look at.
        skipped_rejected: pairs not proposed because a person rejected them.
        demoted: auto pairs sent to review because of a rejected pair.
    """

    clusters: list[list[int]] = field(default_factory=list)
    merge_pairs: pl.DataFrame = field(default_factory=pl.DataFrame)
    review: pl.DataFrame = field(default_factory=pl.DataFrame)
    skipped_rejected: int = 0
    demoted: int = 0


class _Groups:
    """Union-find that refuses to join groups holding a rejected pair."""

    def __init__(self, rejected: Iterable[Pair]) -> None:
        self.parent: dict[int, int] = {}
        self.members: dict[int, list[int]] = {}
        self.apart: dict[int, set[int]] = defaultdict(set)
        for a, b in rejected:
            self.apart[a].add(b)
            self.apart[b].add(a)

    def find(self, x: int) -> int:
        root = self.parent.setdefault(x, x)
        if root != x:
            root = self.parent[x] = self.find(root)
        return root

    def join(self, a: int, b: int) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return True
        ga, gb = self.members.get(ra, [ra]), self.members.get(rb, [rb])
        if len(ga) > len(gb):
            ra, rb, ga, gb = rb, ra, gb, ga
        if any(self.find(other) == rb for x in ga for other in self.apart.get(x, ())):
            return False
        self.parent[ra] = rb
        self.members[rb] = gb + ga
        self.members.pop(ra, None)
        return True

    def clusters(self) -> list[list[int]]:
        return sorted(sorted(g) for g in self.members.values() if len(g) > 1)


def _pair_keys(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.with_columns(
        pl.min_horizontal("record_id_l", "record_id_r").alias("lo"),
        pl.max_horizontal("record_id_l", "record_id_r").alias("hi"),
    )


def decide(
    pairs: pl.DataFrame,
    *,
    auto_threshold: float,
    review_threshold: float,
    rejected: Iterable[Pair] = (),
) -> Decisions:
    """Decide what to do with scored pairs.

    Args:
        pairs: :meth:`carnet.match.Matcher.predict` output.
        auto_threshold: merge from this probability.
        review_threshold: ask a person from this probability.
        rejected: ``(low id, high id)`` pairs a person said are different people.
    """
    rejected_set = {(min(a, b), max(a, b)) for a, b in rejected}
    scored = _pair_keys(pairs).filter(pl.col("probability") >= review_threshold)
    if rejected_set:
        gone = pl.DataFrame(
            list(rejected_set), schema={"lo": pl.Int64, "hi": pl.Int64}, orient="row"
        )
        before = scored.height
        scored = scored.join(gone, on=["lo", "hi"], how="anti")
        skipped = before - scored.height
    else:
        skipped = 0
    scored = scored.sort("probability", "lo", "hi", descending=[True, False, False])
    strong = scored.filter(pl.col("probability") >= auto_threshold)
    groups = _Groups(rejected_set)
    joined: list[bool] = [
        groups.join(lo, hi)
        for lo, hi in zip(strong["lo"].to_list(), strong["hi"].to_list(), strict=True)
    ]
    accepted = pl.Series("accepted", joined, dtype=pl.Boolean)
    merge_pairs = strong.filter(accepted)
    demoted = strong.filter(~accepted)
    weak = scored.filter(pl.col("probability") < auto_threshold)
    if weak.height:
        same = pl.Series(
            [
                groups.find(lo) == groups.find(hi)
                for lo, hi in zip(weak["lo"].to_list(), weak["hi"].to_list(), strict=True)
            ],
            dtype=pl.Boolean,
        )
        weak = weak.filter(~same)
    review = pl.concat([demoted, weak], how="vertical_relaxed").sort(
        "probability", "lo", "hi", descending=[True, False, False]
    )
    return Decisions(
        clusters=groups.clusters(),
        merge_pairs=merge_pairs,
        review=review,
        skipped_rejected=skipped,
        demoted=demoted.height,
    )


def describe_evidence(explanation: Iterable[tuple[str, str, float]], limit: int = 3) -> str:
    """The strongest evidence of a pair in words: ``email exact (+14.2), ...``."""
    strongest = sorted(
        (e for e in explanation if e[0] != "prior" and e[2] > 0), key=lambda e: -e[2]
    )[:limit]
    return ", ".join(f"{level} ({weight:+.1f})" for _name, level, weight in strongest)


def top_reasons(
    pairs: pl.DataFrame, comparisons: Iterable[str], limit: int = 5
) -> list[tuple[str, int]]:
    """The agreement levels that most often pushed pairs toward a match, with counts."""
    counts: dict[str, int] = defaultdict(int)
    for name in comparisons:
        level, weight = f"{name}_level", f"{name}_weight"
        if level not in pairs.columns or not pairs.height:
            continue
        agg = pairs.filter(pl.col(weight) > 0).group_by(pl.col(level).cast(pl.String)).len()
        for label, n in agg.iter_rows():
            counts[str(label)] += int(n)
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
