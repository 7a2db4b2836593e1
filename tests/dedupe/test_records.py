"""store_records: the store's contacts as matcher records, built through the real import.

Runs on SQLite and PostgreSQL (the ``carnet`` fixture).
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import sqlalchemy as sa

from carnet import Carnet
from carnet.dedupe.records import RECORD_SCHEMA, store_records, unassigned_mobiles
from carnet.match import Matcher, MatchSettings
from carnet.store import schema as s

HEADER = "Prénom;Nom;E-mail;Téléphone;Adresse;Code postal;Ville;Date de naissance;SIRET;N° client"
ROWS = (
    # a person typed twice in one file: same e-mail and first name -> one contact
    "Éloïse;DUPONT;Eloise.Dupont@Gmail.com;06 12 34 56 78;12 rue de la Paix;75002;Paris;"
    "04/03/1980;;C1",
    "eloise;Dupont;eloise.dupont@gmail.com;+33 6 12 34 56 78;;;;;;C2",
    # an invalid e-mail and phone are not evidence
    "Jean-Baptiste;Le Goff;jb.legoff@;00 00 00 00 00;3 impasse des Roses;29200;Brest;;;C3",
    # a B2B contact: the SIREN comes from the SIRET
    "Marc;Martin;m.martin@acme.fr;01 45 67 89 10;1 avenue Foch;69006;Lyon;1975-12-31;"
    "732 829 320 00074;C4",
    # a newsletter-like row: e-mail only
    ";;nico.moreau1984@free.fr;;;;;;;C5",
)


def _csv(tmp_path: Path) -> Path:
    path = tmp_path / "clients.csv"
    path.write_text("\n".join((HEADER, *ROWS)) + "\n", encoding="utf-8")
    return path


def _records(carnet: Carnet, ids: list[int] | None = None) -> pl.DataFrame:
    with carnet.engine.connect() as conn:
        return store_records(conn, ids)


def test_one_record_per_active_contact_with_normalised_values(
    carnet: Carnet, tmp_path: Path
) -> None:
    carnet.import_file(_csv(tmp_path), id_column="N° client")
    records = _records(carnet)
    assert records.schema == pl.Schema(RECORD_SCHEMA)
    assert records.height == 4  # the two Éloïse rows are one contact
    assert records["record_id"].is_sorted()
    eloise = records.filter(pl.col("emails").list.contains("eloise.dupont@gmail.com")).row(
        0, named=True
    )
    assert eloise["last_name"].lower() == "dupont"
    assert eloise["birth_date"] == "1980-03-04"
    assert eloise["phones"] == ["+33612345678"]
    assert eloise["postcode"] == "75002"
    assert eloise["city"].lower() == "paris"
    assert "paix" in eloise["street"].lower()
    marc = records.filter(pl.col("first_name") == "Marc").row(0, named=True)
    assert marc["siren"] == "732829320"
    assert marc["birth_date"] == "1975-12-31"
    assert marc["phones"] == ["+33145678910"]


def test_unusable_contact_points_are_left_out(carnet: Carnet, tmp_path: Path) -> None:
    carnet.import_file(_csv(tmp_path), id_column="N° client")
    jb = _records(carnet).filter(pl.col("last_name").str.to_lowercase() == "le goff")
    assert jb.height == 1
    assert jb["emails"].to_list() == [[]]
    assert jb["emails_unparsed"].to_list() == [["jb.legoff@"]]  # kept for matching only
    assert jb["phones"].to_list() == [[]]
    assert jb["postcode"].to_list() == ["29200"]


def test_contact_ids_restrict_and_inactive_contacts_are_skipped(
    carnet: Carnet, tmp_path: Path
) -> None:
    carnet.import_file(_csv(tmp_path), id_column="N° client")
    ids = _records(carnet)["record_id"].to_list()
    assert _records(carnet, ids[:2])["record_id"].to_list() == ids[:2]
    with carnet.engine.begin() as conn:
        conn.execute(
            sa.update(s.contacts)
            .where(s.contacts.c.id == ids[1])
            .values(status="merged", merged_into_id=ids[0])
        )
    assert ids[1] not in _records(carnet)["record_id"].to_list()
    assert _records(carnet, [ids[1]]).is_empty()


def test_the_matcher_reads_the_store_records(carnet: Carnet, tmp_path: Path) -> None:
    carnet.import_file(_csv(tmp_path), id_column="N° client")
    records = _records(carnet)
    matcher = Matcher(MatchSettings(u_sample_pairs=1000, em_sample_records=100))
    prepared = matcher.prepare(records)
    assert prepared.height == records.height
    nico = prepared.frame.filter(pl.col("emails_1") == "nico.moreau1984@free.fr")
    # a record without a name keeps what its e-mail says about it
    assert nico["email_letters_1"].to_list() == ["nicomoreau"]
    assert nico["email_letters_many"].to_list() == [None]
    assert "nico|moreau" in nico["name_pairs"].to_list()[0]


def test_unassigned_mobiles_are_read_apart_for_the_review_rules(
    carnet: Carnet, tmp_path: Path
) -> None:
    """Jacques Boyer (born 1948) typed 07 26 34 97 33, a mobile in no allocated range:
    not evidence for the matcher (store_records leaves it out), but his own mobile for
    the rules that keep a father and his son apart. His son's 06 81 47 19 72 is valid;
    a landline in no allocated range (04 01 75 12 82) is no mobile."""
    path = tmp_path / "boutique.csv"
    path.write_text(
        "Prénom;Nom;E-mail;Téléphone;Date de naissance\n"
        "Jacques;Boyer;jacquesboyer@gmail.com;07 26 34 97 33;28/12/1948\n"
        "Jacques;Boyer;jacques61@wanadoo.fr;+33 6 81 47 19 72;\n"
        "Sophie;Roux;sophie.roux@free.fr;04 01 75 12 82;\n",
        encoding="utf-8",
    )
    carnet.import_file(path)
    records = _records(carnet)
    with carnet.engine.connect() as conn:
        spare = unassigned_mobiles(conn)
    by_email = {r["emails"][0]: r for r in records.iter_rows(named=True)}
    father = by_email["jacquesboyer@gmail.com"]
    assert father["phones"] == []
    assert spare == {father["record_id"]: frozenset({"+33726349733"})}
