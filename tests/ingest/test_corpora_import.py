"""Files nobody here wrote go through the whole import: no crash, every row accounted for."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
import sqlalchemy as sa

from carnet import Carnet
from carnet.store import schema as s

DATA = Path(__file__).resolve().parents[1] / "data"
SPECTRUM = sorted((DATA / "csv-spectrum" / "csvs").glob("*.csv"))


@pytest.mark.parametrize("path", SPECTRUM, ids=lambda p: p.stem)
def test_csv_spectrum_files_import_with_complete_accounting(carnet: Carnet, path: Path) -> None:
    expected_file = DATA / "csv-spectrum" / "json" / f"{path.stem}.json"
    expected = json.loads(expected_file.read_text("utf-8"))
    report = carnet.import_file(path, rejected_dir=Path.cwd())
    assert report.rows == len(expected)
    assert sum(report.counts.values()) == report.rows


def test_naughty_strings_in_every_column_import_without_loss(
    carnet: Carnet, tmp_path: Path
) -> None:
    strings = json.loads((DATA / "blns" / "blns.json").read_text("utf-8"))
    path = tmp_path / "naughty.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(["Prénom", "Nom", "E-mail", "Téléphone", "Ville", "Commentaire"])
        for i, text in enumerate(strings):
            writer.writerow([text, text, text, text, text, f"{i}"])
    report = carnet.import_file(path)
    assert report.rows == len(strings)
    assert sum(report.counts.values()) == report.rows
    rejected = report.counts["rejected"]
    if rejected:
        assert report.rejected_file is not None
        with report.rejected_file.open(encoding="utf-8-sig", newline="") as handle:
            assert len(list(csv.DictReader(handle, delimiter=";"))) == rejected
    # Every input row is stored with its raw values, whatever they were.
    with carnet.engine.connect() as conn:
        raws = conn.execute(sa.select(s.import_rows.c.raw).order_by(s.import_rows.c.row_number))
        kept = [r.raw["Commentaire"] for r in raws]
    assert kept == [str(i) for i in range(len(strings))]


def test_isemail_vectors_import_and_keep_every_address(carnet: Carnet, tmp_path: Path) -> None:
    source = DATA / "email" / "isemail_tests.csv"
    with source.open(encoding="utf-8", newline="") as handle:
        addresses = [row["address"] for row in csv.DictReader(handle)]
    path = tmp_path / "emails.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Nom", "Email"])
        writer.writerows([f"Personne {chr(65 + i % 26)}", a] for i, a in enumerate(addresses))
    report = carnet.import_file(path)
    assert report.rows == len(addresses)
    assert sum(report.counts.values()) == report.rows
    assert report.counts["rejected"] == 0  # every row has a name
