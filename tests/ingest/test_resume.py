"""A killed import (kill -9 inside or between batches) resumes: nothing lost, nothing doubled."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from carnet import Carnet
from carnet.config import Settings
from carnet.store import schema as s
from tests.ingest.conftest import write_csv

KILLER = r'''
import os, signal, sys
from carnet import Carnet
from carnet.ingest import upsert

url, path, kill_at, where = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
batches = 0
original = upsert.BatchWriter._write_row_outcomes

def hook(self, records, outcomes):
    global batches
    batches += 1
    if where == "inside" and batches == kill_at:
        os.kill(os.getpid(), signal.SIGKILL)  # mid-transaction
    original(self, records, outcomes)

upsert.BatchWriter._write_row_outcomes = hook

def progress(done, total):
    if where == "after" and batches == kill_at:
        os.kill(os.getpid(), signal.SIGKILL)  # right after a commit

Carnet(url).import_file(path, batch_size=7, progress=progress, id_column="Ref")
'''


def people_file(path: Path, n: int = 60) -> Path:
    rows = []
    for i in range(n):
        email = f"person{i % 50}@orange.fr"  # ten duplicates to merge
        rows.append([f"R{i}", f"Prénom{i % 50}", f"Nom{i % 50}", email, f"06{i % 50:08d}"])
    rows.append(["R-bad", "", "", "nope", ""])  # one to reject
    return write_csv(path, ["Ref", "Prénom", "Nom", "Email", "Mobile"], rows, encoding="utf-8")


def snapshot(ws: Carnet) -> dict[str, int]:
    with ws.engine.connect() as conn:
        return {
            t.name: int(conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one())
            for t in (s.contacts, s.contact_points, s.external_ids, s.import_rows)
        }


@pytest.mark.parametrize("where", ["inside", "after"])
def test_kill_and_resume(carnet: Carnet, tmp_path: Path, where: str) -> None:
    data = people_file(tmp_path / "people.csv")
    killed = subprocess.run(
        [sys.executable, "-c", KILLER, carnet.url, str(data), "4", where],
        capture_output=True, text=True, timeout=120,
    )
    assert killed.returncode == -9, killed.stderr
    with carnet.engine.connect() as conn:
        done = conn.execute(sa.select(s.imports.c.status, s.imports.c.last_row)).one()
    assert done.status == "running"
    assert done.last_row == (21 if where == "inside" else 28)

    report = carnet.import_file(data, batch_size=7, id_column="Ref")
    assert report.resumed_from == done.last_row
    assert report.rows == 61 and sum(report.counts.values()) == 61
    assert report.counts["rejected"] == 1

    reference = Carnet.init(
        settings=Settings(database_url=f"sqlite:///{tmp_path / 'ref.db'}"), actor="test"
    )
    reference.import_file(data, batch_size=7, id_column="Ref")
    assert snapshot(carnet) == snapshot(reference)
    assert snapshot(carnet)["contacts"] == 50
