"""Clustering matched pairs into people: connected components.

Pairs at or above the threshold are edges; every connected component is one
person (A=B and B=C put A, B and C together even when A and C were never
compared). The cluster id is the smallest ``record_id`` of the component, so
the result does not depend on the order of the pairs.

Components are found with columnar min-label propagation plus pointer jumping
(Polars joins, no Python loop over pairs); it converges in a few rounds.
"""

from __future__ import annotations

import polars as pl

__all__ = ["connected_components"]


def connected_components(
    edges: pl.DataFrame,
    record_ids: pl.Series | None = None,
    *,
    left: str = "record_id_l",
    right: str = "record_id_r",
) -> pl.DataFrame:
    """Cluster records linked by edges.

    Args:
        edges: one row per linked pair.
        record_ids: every record to label (singletons get their own cluster);
            only the records of the edges when None.
        left: column of the first record id.
        right: column of the second record id.

    Returns:
        ``record_id, cluster_id`` (Int64), one row per record, sorted.
    """
    e = edges.select(
        pl.col(left).cast(pl.Int64).alias("a"), pl.col(right).cast(pl.Int64).alias("b")
    )
    both = pl.concat([e, e.select(pl.col("b").alias("a"), pl.col("a").alias("b"))])
    nodes = pl.concat([both["a"], both["b"]]).unique()
    if record_ids is not None:
        nodes = pl.concat([nodes, record_ids.cast(pl.Int64)]).unique()
    labels = pl.DataFrame({"record_id": nodes.alias("record_id")}).with_columns(
        pl.col("record_id").alias("cluster_id")
    )
    if both.is_empty():
        return labels.sort("record_id")
    while True:
        # each node takes the smallest label among itself and its neighbours
        neighbour = (
            both.join(labels, left_on="b", right_on="record_id")
            .group_by("a")
            .agg(pl.col("cluster_id").min().alias("nb"))
        )
        updated = (
            labels.join(neighbour, left_on="record_id", right_on="a", how="left")
            .with_columns(pl.min_horizontal("cluster_id", "nb").alias("new"))
            .select("record_id", "cluster_id", "new")
        )
        # pointer jumping: take the label of your label
        jumped = updated.join(
            updated.select(pl.col("record_id").alias("cluster_ref"), pl.col("new").alias("jump")),
            left_on="new",
            right_on="cluster_ref",
            how="left",
        ).with_columns(pl.min_horizontal("new", "jump").alias("new"))
        changed = jumped.filter(pl.col("new") != pl.col("cluster_id")).height
        labels = jumped.select("record_id", pl.col("new").alias("cluster_id"))
        if changed == 0:
            break
    return labels.sort("record_id")
