"""Clustering matched pairs into people: connected components.

Pairs at or above the threshold are edges; every connected component is one
person (A=B and B=C put A, B and C together even when A and C were never
compared). The cluster id is the smallest ``record_id`` of the component, so
the result does not depend on the order of the pairs.

Components are found on NumPy arrays (no Python loop over pairs): record ids
are numbered in ascending order, then rounds of *hooking* (each edge's root
takes the smaller root of its two ends) and *pointer jumping* (each node takes
its label's label until nothing changes) run until every edge joins one label.
Labels only ever point to a smaller node of the same component, so the final
label of a component is its smallest record id. It converges in a few rounds.
"""

from __future__ import annotations

import numpy as np
import polars as pl

__all__ = ["connected_components"]


def _roots(a: np.ndarray, b: np.ndarray, n: int) -> np.ndarray:
    """The smallest node index of each node's component (edges ``a[i]``--``b[i]``)."""
    label = np.arange(n, dtype=np.int64)
    while True:
        la, lb = label[a], label[b]
        differ = la != lb
        if not differ.any():
            return label
        la, lb = la[differ], lb[differ]
        low = np.minimum(la, lb)
        # hooking: the larger root of an edge points to the smaller one
        np.minimum.at(label, np.maximum(la, lb), low)
        # pointer jumping until every node points to a root
        while True:
            jumped = label[label]
            if np.array_equal(jumped, label):
                break
            label = jumped


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
    a = edges[left].cast(pl.Int64).to_numpy()
    b = edges[right].cast(pl.Int64).to_numpy()
    parts = [a, b]
    if record_ids is not None:
        parts.append(record_ids.cast(pl.Int64).drop_nulls().to_numpy())
    # sorted distinct ids: a node's index orders like its record id
    nodes, index = np.unique(np.concatenate(parts), return_inverse=True)
    root = _roots(index[: len(a)], index[len(a) : len(a) + len(b)], len(nodes))
    return pl.DataFrame(
        {"record_id": nodes, "cluster_id": nodes[root]},
        schema={"record_id": pl.Int64, "cluster_id": pl.Int64},
    )
