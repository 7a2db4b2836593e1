"""Deaths in customer files: a messy file marks its dead, a re-import changes nothing,
another file finds the dead person (no new active twin) and never revives them."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from carnet import Carnet
from carnet.store import schema as s

FILE = Path(__file__).parent.parent / "data" / "deceased" / "clients_deces.csv"

#: Each customer of the file by e-mail: recorded deceased, and the date of death kept.
EXPECTED = {
    "jean.dupont@orange.fr": ("deceased", None),  # "DUPONT (DCD)" in the name cell
    "sophie.martin@gmail.com": ("deceased", "2021-03-14"),  # Décédé: Oui, and a date
    "paul.bernard@free.fr": ("active", None),  # "assurance décès souscrite"
    "claire.petit@wanadoo.fr": ("deceased", "2022-02"),  # "Décès signalé par la fille le 02/2022"
    "louis.robert@laposte.net": ("deceased", None),  # La Poste's return reason "Décédé"
    "anne.richard@yahoo.fr": ("active", None),  # "Veuve, mari décédé en 2019"
    "michel.durand@sfr.fr": ("deceased", "2020"),  # X, and the year alone
    "lucie.moreau@gmail.com": ("active", None),  # "ne pas confondre avec le client décédé"
    "p.lefebvre@orange.fr": ("deceased", None),  # "Lefebvre Pierre - décédé"
    "elena.garcia@hotmail.fr": ("active", None),  # "Décès d'un proche"
    "thomas.roux@gmail.com": ("active", None),  # NPAI: moved, not dead
    "julie.fournier@free.fr": ("active", None),  # "Décédé : Non"
    "henri.girard@orange.fr": ("deceased", None),  # "client décédé, courrier retourné"
    "marc.bonnet@gmail.com": ("active", None),  # "Capital décès à revoir, code DCD-14"
}


def _people(ws: Carnet) -> dict[str, dict[str, Any]]:
    c, cp = s.contacts, s.contact_points
    with ws.engine.connect() as conn:
        rows = conn.execute(
            sa.select(
                cp.c.normalised.label("email"), c.c.id, c.c.status, c.c.first_name,
                c.c.last_name, c.c.attributes,
            )
            .select_from(c.join(cp, cp.c.contact_id == c.c.id))
            .where(cp.c.kind == "email")
        ).mappings()
        return {r["email"]: dict(r) for r in rows}


def _count(ws: Carnet, *where: sa.ColumnElement[bool]) -> int:
    with ws.engine.connect() as conn:
        return int(
            conn.execute(sa.select(sa.func.count()).select_from(s.contacts).where(*where))
            .scalar_one()
        )


def test_a_messy_file_marks_its_dead_and_only_them(carnet: Carnet) -> None:
    report = carnet.import_file(FILE)
    assert report.counts["inserted"] == 14 and report.counts["rejected"] == 0
    people = _people(carnet)
    got = {
        email: (p["status"], (p["attributes"] or {}).get("death_date"))
        for email, p in people.items()
    }
    assert got == EXPECTED
    # the marker is no part of the name; the cell as written stays in the import's rows
    dupont = people["jean.dupont@orange.fr"]
    assert (dupont["first_name"], dupont["last_name"]) == ("Jean", "Dupont")
    assert people["p.lefebvre@orange.fr"]["last_name"] == "Lefebvre"
    with carnet.engine.connect() as conn:
        raw = conn.execute(
            sa.select(s.import_rows.c.raw).where(s.import_rows.c.row_number == 1)
        ).scalar_one()
    assert raw["Nom"] == "DUPONT (DCD)"
    assert report.deaths == {"rows": 7, "recorded": 7, "already": 0, "contradicted": 0}
    warning = next(w for w in report.warnings if "say the person died" in w)
    assert warning.startswith("7 rows say the person died, e.g. row 1: 'DUPONT (DCD)'")
    assert json.loads(json.dumps(report.to_dict()))["deaths"]["recorded"] == 7


def test_the_history_keeps_the_proof_and_the_date(carnet: Carnet) -> None:
    carnet.import_file(FILE)
    martin = _people(carnet)["sophie.martin@gmail.com"]["id"]
    entries = {e.field: e for e in carnet.history(martin)}
    status = entries["status"]
    assert (status.old_value, status.new_value) == ("active", "deceased")
    assert status.reason == "death: clients_deces.csv row 2, column 'Décédé': 'Oui'"
    dated = entries["death_date"]
    assert dated.new_value == "2021-03-14"
    assert "column 'Date de décès': '14/03/2021'" in (dated.reason or "")
    # nothing deleted: the contact keeps its e-mail, phone and address
    contact = carnet.get_contact(martin)
    assert contact.status == "deceased"
    assert {p.kind for p in contact.points} == {"email", "phone", "address"}


def test_importing_the_file_again_changes_nothing(carnet: Carnet) -> None:
    carnet.import_file(FILE)
    before = _people(carnet)
    with carnet.engine.connect() as conn:
        history = conn.execute(sa.select(sa.func.count()).select_from(s.history)).scalar_one()
    again = carnet.import_file(FILE)
    assert again.counts["unchanged"] == 14
    assert again.deaths == {"rows": 7, "recorded": 0, "already": 7, "contradicted": 0}
    assert _people(carnet) == before
    with carnet.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(s.history)).scalar_one() == (
            history
        )


def test_another_file_finds_the_dead_person_and_does_not_revive_them(
    carnet: Carnet, tmp_path: Path
) -> None:
    carnet.import_file(FILE)
    dead = _count(carnet, s.contacts.c.status == "deceased")
    shop = tmp_path / "boutique.csv"
    shop.write_text(
        "Prénom;Nom;Email;Ville\n"
        "Sophie;Martin;sophie.martin@gmail.com;Lyon\n"  # no marker: no news of a death
        "Jean;Dupont;jean.dupont@orange.fr;Lyon\n",
        encoding="utf-8",
    )
    report = carnet.import_file(shop)
    assert report.counts["inserted"] == 0 and report.counts["merged"] == 2
    assert _count(carnet, s.contacts.c.status == "deceased") == dead
    assert _count(carnet) == 14  # no active twin
    assert report.deaths["contradicted"] == 0


def test_a_file_saying_alive_leaves_them_deceased_and_warns(
    carnet: Carnet, tmp_path: Path
) -> None:
    carnet.import_file(FILE)
    later = tmp_path / "crm_2025.csv"
    later.write_text(
        "Prénom;Nom;Email;Décédé\n"
        "Sophie;Martin;sophie.martin@gmail.com;Non\n"
        "Paul;Bernard;paul.bernard@free.fr;Non\n",
        encoding="utf-8",
    )
    report = carnet.import_file(later)
    people = _people(carnet)
    assert people["sophie.martin@gmail.com"]["status"] == "deceased"
    assert people["paul.bernard@free.fr"]["status"] == "active"
    assert report.deaths["contradicted"] == 1
    warning = next(w for w in report.warnings if "recorded deceased is alive" in w)
    assert warning.startswith("1 rows say a person recorded deceased is alive, e.g. row 1")
    with carnet.engine.connect() as conn:
        reason = conn.execute(
            sa.select(s.import_rows.c.reason).where(
                s.import_rows.c.import_id == report.import_id, s.import_rows.c.row_number == 1
            )
        ).scalar_one()
    assert "they stay deceased" in reason


def test_a_later_file_records_a_death_on_a_known_customer(
    carnet: Carnet, tmp_path: Path
) -> None:
    first = tmp_path / "clients.csv"
    first.write_text("Prénom;Nom;Email\nPaul;Girard;paul.girard@free.fr\n", encoding="utf-8")
    carnet.import_file(first)
    returns = tmp_path / "retours_poste.xlsx.csv"
    returns.write_text(
        "Nom;Prénom;Email;Motif PND\nGIRARD;Paul;paul.girard@free.fr;Décédé\n",
        encoding="utf-8",
    )
    report = carnet.import_file(returns)
    assert report.deaths == {"rows": 1, "recorded": 1, "already": 0, "contradicted": 0}
    contact = _people(carnet)["paul.girard@free.fr"]
    assert contact["status"] == "deceased" and _count(carnet) == 1


def test_a_death_in_a_copy_of_the_file_is_the_same_contact(carnet: Carnet, tmp_path: Path) -> None:
    """The same file under another name (another source): found by e-mail, not doubled."""
    copy = tmp_path / "export_crm.csv"
    shutil.copy(FILE, copy)
    carnet.import_file(FILE)
    report = carnet.import_file(copy)
    assert report.counts["inserted"] == 0 and _count(carnet) == 14
    assert report.deaths["already"] == 7


def test_a_status_column_says_who_died(carnet: Carnet, tmp_path: Path) -> None:
    """An old CRM's "État" and "Motif de sortie", kept as attributes, are read too."""
    crm = tmp_path / "ancien_crm.csv"
    crm.write_text(
        "Nom;Prénom;Email;Etat;Motif de sortie\n"
        "Leroy;Anne;anne.leroy@free.fr;Actif;\n"
        "Roussel;Guy;guy.roussel@free.fr;Décédé;\n"
        "Perrin;Léa;lea.perrin@free.fr;Inactif;Décès\n"
        "Morel;Jules;jules.morel@free.fr;Inactif;Déménagement\n",
        encoding="utf-8",
    )
    report = carnet.import_file(crm)
    statuses = {e: p["status"] for e, p in _people(carnet).items()}
    assert statuses == {
        "anne.leroy@free.fr": "active",
        "guy.roussel@free.fr": "deceased",
        "lea.perrin@free.fr": "deceased",
        "jules.morel@free.fr": "active",
    }
    assert report.deaths["recorded"] == 2
    # the cells stay the contact's attributes, as written
    assert _people(carnet)["guy.roussel@free.fr"]["attributes"]["etat"] == "Décédé"


def test_a_death_column_saying_no_everywhere_marks_nobody(carnet: Carnet, tmp_path: Path) -> None:
    path = tmp_path / "clients.csv"
    path.write_text(
        "Nom;Prénom;Email;Décès;Assurance décès\n"
        "Leroy;Anne;anne.leroy@free.fr;Non;Oui\n"
        "Morel;Jules;jules.morel@free.fr;Non;Oui\n",
        encoding="utf-8",
    )
    report = carnet.import_file(path)
    assert _count(carnet, s.contacts.c.status == "deceased") == 0
    assert report.deaths == {"rows": 0, "recorded": 0, "already": 0, "contradicted": 0}
    assert not any("died" in w or "deceased" in w for w in report.warnings)


def test_a_preview_tells_the_deaths_and_writes_nothing(carnet: Carnet) -> None:
    report = carnet.preview_import(FILE)
    assert report.deaths["rows"] == 7
    assert any("say the person died" in w for w in report.warnings)
    assert _count(carnet) == 0


def _exported(path: Path) -> dict[str, dict[str, str]]:
    import csv

    with path.open(encoding="utf-8-sig", newline="") as handle:
        return {row["email"]: row for row in csv.DictReader(handle, delimiter=";")}


def test_an_export_says_who_died_and_imported_again_changes_nothing(
    carnet: Carnet, tmp_path: Path
) -> None:
    carnet.import_file(FILE)
    out = tmp_path / "export.csv"
    assert carnet.export_contacts(out) == len(EXPECTED)
    rows = _exported(out)
    # a mail merge made from the file can tell (and leave out) the dead
    assert {e: r["deceased"] for e, r in rows.items()} == {
        e: "yes" if status == "deceased" else "" for e, (status, _) in EXPECTED.items()
    }
    report = carnet.import_file(out)
    assert report.counts["unchanged"] == len(EXPECTED)
    statuses = {e: p["status"] for e, p in _people(carnet).items()}
    assert statuses == {e: status for e, (status, _) in EXPECTED.items()}


def test_a_mailing_export_leaves_the_dead_out(carnet: Carnet, tmp_path: Path) -> None:
    carnet.import_file(FILE)
    out = tmp_path / "courrier.csv"
    living = [e for e, (status, _) in EXPECTED.items() if status == "active"]
    written = carnet.export_contacts(
        out, fields=["email", "afnor_line1", "afnor_line4"], living_only=True
    )
    assert written == len(living)
    assert sorted(_exported(out)) == sorted(living)
