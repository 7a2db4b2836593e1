"""Export, mend in a spreadsheet, import again: the file's ``carnet_id`` ties each row to
its contact, on both databases, whichever of its e-mails or names the user changed."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from carnet import Carnet
from carnet.store import schema as s
from tests.ingest.conftest import write_csv

SHOP = ["Civilité", "Prénom", "Nom", "Email", "Téléphone", "Adresse", "CP", "Ville"]


def _shop(carnet: Carnet, tmp_path: Path) -> None:
    """Customers, two of whom have no usable e-mail or phone (nothing to find them by)."""
    carnet.import_file(write_csv(tmp_path / "boutique.csv", SHOP, [
        ["Mme", "Hélène", "Dupré", "helene.dupre@orange.fr", "06 12 34 56 78",
         "3 rue de la Mairie", "13015", "Marseille"],
        ["M.", "Éric", "Gosselin", "", "", "32 chemin du Lavoir", "17800", "Mazerolles"],
        ["", "Marion", "Mercier", "marion.merciergmail.com", "", "", "", ""],
        ["M.", "Paul", "Bazin", "paul.bazin@free.fr", "", "8 bd Carnot", "06400", "Cannes"],
    ]))


def _read(path: Path) -> tuple[list[str], list[list[str]]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle, delimiter=";"))
    return rows[0], rows[1:]


def _write(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    return write_csv(path, header, rows, encoding="utf-8-sig")


def _reasons(carnet: Carnet, import_id: int | None) -> dict[int, str | None]:
    r = s.import_rows
    with carnet.engine.connect() as conn:
        return dict(conn.execute(
            sa.select(r.c.row_number, r.c.reason).where(r.c.import_id == import_id)
        ).all())


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_an_export_imported_again_changes_nothing(
    carnet: Carnet, tmp_path: Path, suffix: str
) -> None:
    _shop(carnet, tmp_path)
    before = {c.id for c in carnet.list_contacts(limit=100).items}
    out = tmp_path / f"export{suffix}"
    assert carnet.export_contacts(out) == 4
    report = carnet.import_file(out)
    # Éric and Marion have no e-mail or phone to be found by: their carnet_id finds them
    assert report.counts["unchanged"] == 4 and sum(report.counts.values()) == 4
    assert {c.id for c in carnet.list_contacts(limit=100).items} == before
    if suffix == ".xlsx":  # the id is a number cell there
        sheet = load_workbook(out, read_only=True).active
        assert sheet is not None
        assert next(sheet.iter_rows(min_row=1, max_row=1, values_only=True))[0] == "carnet_id"


def test_a_mended_export_updates_its_contacts(carnet: Carnet, tmp_path: Path) -> None:
    _shop(carnet, tmp_path)
    marion = carnet.search_contacts("marion")[0]
    eric = carnet.search_contacts("gosselin")[0]
    carnet.export_contacts(tmp_path / "export.csv")
    header, rows = _read(tmp_path / "export.csv")
    assert header[0] == "carnet_id"
    at = {name: header.index(name) for name in ("last_name", "email", "city")}
    for row in rows:
        if row[0] == str(marion.id):
            row[at["email"]] = "marion.mercier@gmail.com"  # the missing @ put back
        if row[0] == str(eric.id):
            row[at["last_name"]] = "Gosselain"  # the name's typo mended...
            row[at["city"]] = "MAZEROLLES"
    mended = _write(tmp_path / "export_corrige.csv", header, rows)
    report = carnet.import_file(mended)
    assert (report.counts["updated"], report.counts["unchanged"], report.counts["inserted"]) == (
        2, 2, 0
    )
    assert carnet.get_contact(marion.id).email == "marion.mercier@gmail.com"
    # ...and the row still found Éric: his first name agrees
    assert carnet.get_contact(eric.id).last_name == "Gosselain"
    assert len(carnet.list_contacts(limit=100).items) == 4


def test_an_id_from_another_workspace_is_not_trusted(carnet: Carnet, tmp_path: Path) -> None:
    """Ids are the workspace's own: a file exported elsewhere names other people here."""
    _shop(carnet, tmp_path)
    helene = carnet.search_contacts("helene.dupre@orange.fr")[0]
    paul = carnet.search_contacts("paul.bazin@free.fr")[0]
    foreign = _write(tmp_path / "autre_carnet.csv", ["carnet_id", "first_name", "last_name",
                                                     "email"], [
        [str(helene.id), "Jacques", "Vidal", "jacques.vidal@sfr.fr"],  # nobody here
        [str(helene.id), "Paul", "Bazin", "paul.bazin@free.fr"],  # Paul, by his e-mail
        ["99999", "Hélène", "Dupré", "helene.dupre@orange.fr"],  # no such id
    ])
    report = carnet.import_file(foreign)
    assert report.counts["inserted"] == 1
    assert carnet.get_contact(helene.id).first_name == "Hélène"
    jacques = carnet.search_contacts("jacques.vidal@sfr.fr")[0]
    assert jacques.id != helene.id
    assert carnet.search_contacts("paul.bazin@free.fr")[0].id == paul.id
    reasons = _reasons(carnet, report.import_id)
    assert reasons[1] == (
        f"carnet_id {helene.id} is a contact with other names, e-mails and phones here: "
        "the row was matched by its other keys"
    )
    assert reasons[3] == (
        "carnet_id 99999 is no active contact here: the row was matched by its other keys"
    )


def test_a_contact_merged_since_the_export_is_found_through_its_survivor(
    carnet: Carnet, tmp_path: Path
) -> None:
    _shop(carnet, tmp_path)
    eric = carnet.search_contacts("gosselin")[0]
    twin = carnet.add_contact({"first_name": "Eric", "last_name": "Gosselin",
                               "email": "eric.gosselin@wanadoo.fr"})
    out = tmp_path / "export.csv"
    carnet.export_contacts(out)
    carnet.merge_contacts(twin.id, [eric.id])  # Éric's id is now the twin's
    header, rows = _read(out)
    report = carnet.import_file(_write(tmp_path / "export_again.csv", header, rows))
    assert report.counts["inserted"] == 0
    assert [c.id for c in carnet.search_contacts("gosselin")] == [twin.id]
