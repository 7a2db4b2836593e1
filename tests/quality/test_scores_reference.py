"""The scores of a messy file equal reference figures, on SQLite and PostgreSQL.

``data/messy_scores.json`` holds the scores of :mod:`tests.quality.messy`
computed at its fixed time by the implementation that came before the columnar
reads (SQLite, both profiles), so any change to a score value shows here. On
SQLite they must match to the bit. PostgreSQL measures ages with other float
arithmetic (epoch seconds, not Julian days), so its freshness may differ in the
12th digit; every other figure must match exactly.

After an intended change to the formulas, rewrite the reference and review the
diff::

    CARNET_REWRITE_REFERENCE=1 pytest tests/quality/test_scores_reference.py -k sqlite
"""

from __future__ import annotations

import hmac
import json
import os
import threading
from pathlib import Path
from typing import Any

import polars as pl
import pytest
import sqlalchemy as sa

from carnet import Carnet
from carnet.config import Settings
from carnet.quality.reading import json_integers, run_on
from carnet.quality.scores import ScoreEngine, _hmac_sha256
from carnet.quality.tables import quality_scores
from carnet.store import schema as s

from .messy import NOW, SECRET, fill_messy

REFERENCE = Path(__file__).parent / "data" / "messy_scores.json"
CONTACTS = 160


def _scores(ws: Carnet) -> dict[str, list[Any]]:
    q = quality_scores.c
    with ws.engine.connect() as conn:
        rows = conn.execute(sa.select(quality_scores).order_by(q.contact_id)).mappings().all()
    return {
        str(r["contact_id"]): [
            r["completeness"],
            r["validity"],
            r["freshness"],
            bool(r["reachable_email"]),
            bool(r["reachable_sms"]),
            bool(r["reachable_post"]),
            r["score"],
            r["explanation"],
        ]
        for r in rows
    }


def _rewrite_reference(profile: str, scores: dict[str, list[Any]]) -> None:
    data = json.loads(REFERENCE.read_text(encoding="utf-8")) if REFERENCE.exists() else {}
    data[profile] = scores
    lines = []
    for name, rows in data.items():
        body = ",\n".join(
            f'    "{key}": {json.dumps(row, ensure_ascii=False, separators=(", ", ": "))}'
            for key, row in rows.items()
        )
        lines.append(f'  "{name}": {{\n{body}\n  }}')
    REFERENCE.write_text("{\n" + ",\n".join(lines) + "\n}\n", encoding="utf-8")


@pytest.mark.parametrize("profile", ["b2c", "b2b"])
def test_messy_file_scores_equal_the_reference(settings: Settings, profile: str) -> None:
    assert settings.secret_key == SECRET  # the suppression list is keyed with it
    ws = Carnet.init(settings=settings, profile=profile, actor="test")
    try:
        fill_messy(ws.engine, CONTACTS)
        assert ws.compute_quality(now=NOW) == CONTACTS
        got = _scores(ws)
        dialect = ws.engine.dialect.name
        if os.environ.get("CARNET_REWRITE_REFERENCE") and dialect == "sqlite":
            _rewrite_reference(profile, got)
        expected = json.loads(REFERENCE.read_text(encoding="utf-8"))[profile]
        assert got.keys() == expected.keys()
        def alike(rows: dict[str, list[Any]]) -> dict[str, list[Any]]:
            # PostgreSQL's interval arithmetic leaves the freshness a last digit apart
            # from one run to the next (…613 and …611): the same score
            if dialect == "sqlite":
                return rows
            return {
                key: [*row[:2], pytest.approx(row[2], rel=1e-9), *row[3:]]
                for key, row in rows.items()
            }

        for key, row in alike(expected).items():
            assert got[key] == row, f"contact {key}"

        # Scoring the same contacts in two batches gives the same rows.
        with ws.engine.begin() as conn:
            conn.execute(quality_scores.delete())
        ids = [int(key) for key in got]
        ws.compute_quality(ids[::2], now=NOW)
        ws.compute_quality(ids[1::2], now=NOW)
        assert _scores(ws) == alike(got)
        # Scoring everyone again overwrites the rows in place: still the same.
        assert ws.compute_quality(now=NOW) == CONTACTS
        assert _scores(ws) == alike(got)
    finally:
        ws.close()


def test_ages_read_from_integers_equal_ages_computed_in_sql(ws: Carnet) -> None:
    """On SQLite ages travel as integer Julian milliseconds; read back, they are the very
    floats SQL computes (NULL stays NULL, the future counts as age 0)."""
    fill_messy(ws.engine, 40)
    engine = ScoreEngine(ws.engine.dialect.name, ws.catalog, ws.profile, ws.quality_settings, NOW)
    cp = s.contact_points.c
    with ws.engine.connect() as conn:
        rows = conn.execute(
            sa.select(
                engine.age_days(cp.last_verified), engine.age_sent(cp.last_verified)
            ).order_by(cp.id)
        ).all()
    dtype = pl.Int64 if ws.engine.dialect.name == "sqlite" else pl.Float64
    sent = pl.DataFrame({"age": [r[1] for r in rows]}, schema={"age": dtype})
    read = engine.age_read(sent, "age").get_column("age").to_list()
    assert read == [r[0] for r in rows]
    assert 0.0 in read  # some points were verified "after" NOW
    if ws.engine.dialect.name == "sqlite":  # PostgreSQL's GREATEST() skips NULLs
        assert None in read


@pytest.mark.parametrize("size", [0, 1, 63, 64, 65, 200])
def test_keyed_hash_is_hmac_sha256(size: int) -> None:
    key = bytes(range(256))[:size]
    for message in (b"", b"email:ana@orange.fr", bytes(300)):
        assert _hmac_sha256(key)(message) == hmac.digest(key, message, "sha256")


def test_json_arrays_of_integers_become_columns() -> None:
    assert json_integers("[3,null,-7,9007199254740993]", "n", pl.Int64).to_list() == [
        3,
        None,
        -7,
        9007199254740993,  # beyond float precision: read as an integer
    ]
    assert json_integers("[null]", "n", pl.Int8).to_list() == [None]


def test_read_tasks_run_on_every_connection_and_keep_their_order() -> None:
    connections: Any = ["main", "side 1", "side 2"]
    ran_on: list[str] = []
    # The first three tasks only end together: each needs a connection of its own.
    together = threading.Barrier(3, timeout=30)

    def task(n: int) -> Any:
        def run(connection: Any) -> int:
            ran_on.append(connection)
            if n < 3:
                together.wait()
            return n * n

        return run

    assert run_on(connections, [task(n) for n in range(30)]) == [n * n for n in range(30)]
    assert sorted(ran_on[:3]) == sorted(connections) and len(ran_on) == 30

    def broken(connection: Any) -> int:
        raise ValueError("no such table")

    with pytest.raises(ValueError, match="no such table"):
        run_on(connections, [task(5), broken, task(6)])
