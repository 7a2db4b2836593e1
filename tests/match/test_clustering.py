"""Connected components: the cluster id is the smallest record id of the component."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from carnet.match.clustering import connected_components


def _reference(edges: list[tuple[int, int]], ids: list[int]) -> dict[int, int]:
    """Union-find in plain Python: record id -> smallest id of its component."""
    parent = {i: i for i in ids}
    for a, b in edges:
        parent.setdefault(a, a)
        parent.setdefault(b, b)

    def find(x: int) -> int:
        while parent[x] != x:
            x = parent[x]
        return x

    for a, b in edges:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return {i: find(i) for i in parent}


@pytest.mark.parametrize("seed", range(20))
def test_random_graphs_match_union_find(seed: int) -> None:
    rng = np.random.default_rng(seed)
    ids = (rng.choice(10_000, size=int(rng.integers(1, 300)), replace=False) - 3_000).tolist()
    m = int(rng.integers(0, 400))
    left, right = rng.choice(ids, m).tolist(), rng.choice(ids, m).tolist()
    edges = pl.DataFrame(
        {"record_id_l": left, "record_id_r": right},
        schema={"record_id_l": pl.Int64, "record_id_r": pl.Int64},
    )
    out = connected_components(edges, pl.Series(ids))
    assert out["record_id"].to_list() == sorted(ids)
    assert dict(out.iter_rows()) == _reference(list(zip(left, right, strict=True)), ids)
    only_edges = connected_components(edges)
    assert only_edges["record_id"].to_list() == sorted(set(left) | set(right))


def test_long_chains_and_stars() -> None:
    # a chain given from its far end and a star: hooking and pointer jumping converge
    chain = pl.DataFrame(
        {"record_id_l": list(range(5000, 1, -1)), "record_id_r": list(range(4999, 0, -1))}
    )
    assert connected_components(chain)["cluster_id"].unique().to_list() == [1]
    star = pl.DataFrame({"record_id_l": [7] * 50, "record_id_r": list(range(100, 150))})
    assert set(connected_components(star)["cluster_id"]) == {7}


def test_no_edges() -> None:
    edges = pl.DataFrame(schema={"record_id_l": pl.Int64, "record_id_r": pl.Int64})
    assert connected_components(edges).height == 0
    out = connected_components(edges, pl.Series([3, 1, 2]))
    assert out.rows() == [(1, 1), (2, 2), (3, 3)]
    assert out.schema == pl.Schema({"record_id": pl.Int64, "cluster_id": pl.Int64})
