"""The import pipeline on both databases: accounting, upsert, re-import, rejects, consent."""

from __future__ import annotations

import csv
import json
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from carnet import Carnet
from carnet.errors import InvalidValueError
from carnet.ingest.pipeline import REASON_COLUMN
from carnet.store import schema as s
from tests.ingest.conftest import ESHOP_HEADER, ESHOP_ROWS, write_csv


def count(ws: Carnet, table: sa.Table) -> int:
    with ws.engine.connect() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())


def test_every_row_is_accounted_for(carnet: Carnet, eshop_csv: Path) -> None:
    report = carnet.import_file(eshop_csv, id_column="N° client")
    assert report.rows == len(ESHOP_ROWS)
    assert sum(report.counts.values()) == report.rows
    assert report.counts["inserted"] == 5
    assert report.counts["rejected"] == 1
    assert report.encoding == "cp1252" and report.delimiter == ";"
    with carnet.engine.connect() as conn:
        stored = conn.execute(sa.select(s.imports.c.counts, s.imports.c.status)).one()
        outcomes = conn.execute(
            sa.select(s.import_rows.c.row_number, s.import_rows.c.outcome)
            .order_by(s.import_rows.c.row_number)
        ).all()
    assert stored.status == "completed"
    assert stored.counts["inserted"] == 5
    assert [n for n, _ in outcomes] == list(range(1, len(ESHOP_ROWS) + 1))


def test_values_are_normalised_and_raw_kept(carnet: Carnet, eshop_csv: Path) -> None:
    carnet.import_file(eshop_csv, id_column="N° client")
    jp = carnet.search_contacts("dupont")[0]
    assert (jp.civility, jp.first_name, jp.last_name) == ("M.", "Jean-Pierre", "Dupont")
    assert jp.email == "jp.dupont@gmail.com" and jp.emails[0].raw == " JP.Dupont@Gmail.com "
    assert jp.phone == "+33612345678"
    assert jp.addresses[0].postcode == "69003"
    elodie = carnet.search_contacts("elodie")[0]
    assert elodie.emails[0].verdict == "warning"
    assert "typo" in elodie.emails[0].flags
    nicolas = carnet.search_contacts("nicolas")[0]
    assert nicolas.addresses[0].postcode == "01000"  # lost leading zero repaired
    zoe = carnet.search_contacts("zoé")[0]
    assert zoe.birth_date is None
    assert zoe.attributes["invalid_values"] == {"birth_date": "31/02/1990"}


def test_swapped_first_and_last_names_are_put_back(carnet: Carnet, eshop_csv: Path) -> None:
    report = carnet.import_file(eshop_csv, id_column="N° client")
    paul = carnet.search_contacts("laposte")[0]
    assert (paul.first_name, paul.last_name) == ("Paul", "Durand")
    assert report.swapped_names == 1


def test_rejected_rows_file_is_ready_to_fix_and_reimport(carnet: Carnet, eshop_csv: Path) -> None:
    report = carnet.import_file(eshop_csv, id_column="N° client")
    assert report.rejected_file == eshop_csv.with_name("eshop.rejected.csv")
    with report.rejected_file.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter=";"))
    assert len(rows) == 1
    assert rows[0]["E-mail"] == "pas-un-email"
    assert rows[0]["N° client"] == "C004"
    assert rows[0]["carnet_row"] == "4"
    assert rows[0][REASON_COLUMN] == (
        "no name, usable email or usable phone to identify the person: "
        "email 'pas-un-email' is invalid (The email address has no @-sign.)"
    )
    # the user mends the row in the file carnet wrote and imports that same file
    rows[0].update({"Prénom": "Claire", "E-mail": "claire.petit@free.fr"})
    with report.rejected_file.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), delimiter=";")
        writer.writeheader()
        writer.writerows(rows)
    fixed = carnet.import_file(report.rejected_file, id_column="N° client")
    assert fixed.counts["inserted"] == 1 and fixed.counts["rejected"] == 0
    assert fixed.rejected_file is None
    assert {c.target for c in fixed.mapping.columns if c.how == "carnet's rejection note"} == {
        "ignored"
    }
    claire = carnet.search_contacts("claire")[0]
    # carnet's note is not the person's data; the row is still the shop's customer C004
    assert "carnet_row" not in claire.attributes
    assert REASON_COLUMN not in claire.attributes
    with carnet.engine.connect() as conn:
        ids = conn.execute(
            sa.select(s.sources.c.name, s.external_ids.c.external_id).join(
                s.sources, s.sources.c.id == s.external_ids.c.source_id
            ).where(s.external_ids.c.contact_id == claire.id)
        ).all()
    assert [tuple(i) for i in ids] == [("eshop", "C004")]


def test_two_rows_of_one_person_in_a_file_without_ids_stay_put_on_re_import(
    carnet: Carnet, tmp_path: Path
) -> None:
    """A newsletter export with no id: one person signed up twice, "CHRISTIAN" then
    "Chris". Each re-import used to hand the first name from one row to the other."""
    path = write_csv(
        tmp_path / "newsletter.csv",
        ["email", "first_name", "opt_in_at"],
        [
            ["christiancaron@gmail.com", "CHRISTIAN", "2017-01-25T07:22:56Z"],
            ["paul@free.fr", "Paul", "2019-03-01T10:00:00Z"],
            ["christiancaron@gmail.com", "Chris", "2024-01-27T23:33:00Z"],
        ],
        delimiter=",",
    )
    first = carnet.import_file(path)
    assert (first.counts["inserted"], first.counts["merged"]) == (2, 1)
    contact = carnet.search_contacts("christiancaron@gmail.com")[0]
    assert contact.first_name == "Christian"
    carnet.update_contact(contact.id, {"first_name": "Christophe"}, source="manual")
    history = count(carnet, s.history)
    for _ in range(2):
        again = carnet.import_file(path)
        assert again.counts["unchanged"] == 3 and again.counts["updated"] == 0
    # the file says nothing new: the edit made since stays, and no history is written
    assert carnet.get_contact(contact.id).first_name == "Christophe"
    assert count(carnet, s.history) == history


@pytest.mark.parametrize("batch_size", [5000, 1])
def test_one_id_twice_in_a_file_keeps_its_first_row_s_values_on_re_import(
    carnet: Carnet, tmp_path: Path, batch_size: int
) -> None:
    """A CRM export with customer C1 on two rows (Jean in Lyon, Jeannot in Paris): the
    first row made the contact; every re-import used to hand the first name back and
    forth between the two rows (in one batch or two)."""
    header = ["N° client", "Prénom", "Nom", "E-mail", "Ville"]
    rows = [
        ["C1", "Jean", "Dupont", "jean@free.fr", "Lyon"],
        ["C2", "Paul", "Martin", "paul@free.fr", ""],
        ["C1", "Jeannot", "Dupont", "jean@free.fr", "Paris"],
    ]
    path = write_csv(tmp_path / "crm.csv", header, rows)
    carnet.import_file(path, id_column="N° client", batch_size=batch_size)
    jean = carnet.search_contacts("jean@free.fr")[0]
    assert jean.first_name == "Jean"
    history = count(carnet, s.history)
    for _ in range(2):
        again = carnet.import_file(path, id_column="N° client", batch_size=batch_size)
        assert again.counts["unchanged"] == 3, again.counts
    assert carnet.get_contact(jean.id).first_name == "Jean"
    assert count(carnet, s.history) == history
    # the export updated: C1's first row says Jean-Marc now, which the contact takes
    rows[0][1] = "Jean-Marc"
    write_csv(path, header, rows)
    updated = carnet.import_file(path, id_column="N° client", batch_size=batch_size)
    assert updated.counts["updated"] >= 1
    assert carnet.get_contact(jean.id).first_name == "Jean-Marc"


def test_a_rejected_file_rejected_again_keeps_one_note(carnet: Carnet, eshop_csv: Path) -> None:
    first = carnet.import_file(eshop_csv, id_column="N° client")
    assert first.rejected_file is not None
    again = carnet.import_file(first.rejected_file, id_column="N° client")
    assert again.counts["rejected"] == 1
    assert again.rejected_file == eshop_csv.with_name("eshop.rejected.rejected.csv")
    with again.rejected_file.open(encoding="utf-8-sig", newline="") as handle:
        header = next(csv.reader(handle, delimiter=";"))
    assert header == [*ESHOP_HEADER, "carnet_row", REASON_COLUMN]


def test_reimporting_the_same_file_changes_nothing(
    carnet: Carnet, eshop_csv: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = carnet.import_file(eshop_csv, id_column="N° client")
    rescored: list[int] = []
    compute = carnet.compute_quality

    def spy(ids: Any = None, **kwargs: Any) -> Any:
        rescored.extend(ids or [])
        return compute(ids, **kwargs)

    monkeypatch.setattr(carnet, "compute_quality", spy)
    before = {t.name: count(carnet, t) for t in (s.contacts, s.contact_points, s.history,
                                                 s.consent_events, s.external_ids)}
    second = carnet.import_file(eshop_csv, id_column="N° client")
    after = {t.name: count(carnet, t) for t in (s.contacts, s.contact_points, s.history,
                                                s.consent_events, s.external_ids)}
    assert before == after
    assert second.counts["unchanged"] == first.counts["inserted"]
    assert second.counts["inserted"] == 0
    assert rescored == []  # nothing changed, nothing to score again


def test_reimport_without_id_column_is_also_a_no_op(carnet: Carnet, eshop_csv: Path) -> None:
    carnet.import_file(eshop_csv)
    contacts = count(carnet, s.contacts)
    second = carnet.import_file(eshop_csv)
    assert count(carnet, s.contacts) == contacts
    assert second.counts["inserted"] == 0


def test_an_updated_file_updates_with_history(carnet: Carnet, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "eshop.csv", ESHOP_HEADER, ESHOP_ROWS)
    carnet.import_file(path, id_column="N° client", source="eshop")
    rows = [list(r) for r in ESHOP_ROWS]
    rows[0][6:8] = ["69007", "Lyon"]
    rows[1][3] = "elodie.martin@hotmail.fr"
    write_csv(path, ESHOP_HEADER, rows)
    report = carnet.import_file(path, id_column="N° client", source="eshop")
    assert report.counts["updated"] == 2
    jp = carnet.search_contacts("dupont")[0]
    assert {a.postcode for a in jp.addresses} == {"69003", "69007"}
    elodie = carnet.search_contacts("elodie")[0]
    assert elodie.email in ("elodie.martin@hotmial.fr", "elodie.martin@hotmail.fr")
    assert {e.normalised for e in elodie.emails} == {
        "elodie.martin@hotmial.fr", "elodie.martin@hotmail.fr"
    }
    assert any(h.field == "email" and h.source == "eshop" for h in carnet.history(elodie.id))


def test_other_sources_merge_by_email_without_overwriting(carnet: Carnet, tmp_path: Path) -> None:
    carnet.import_file(write_csv(tmp_path / "shop.csv", ESHOP_HEADER, ESHOP_ROWS),
                       id_column="N° client")
    crm = write_csv(
        tmp_path / "crm.csv",
        ["Nom complet", "E-mail", "Fonction", "Raison sociale", "SIRET"],
        [["DUPONT Jean-Pierre", "jp.dupont@gmail.com", "Acheteur", "Dupont SA",
          "73282932000074"],
         ["MARTIN Paul", "elodie.martin@hotmial.fr", "", "", ""]],
        encoding="utf-8", delimiter=",",
    )
    report = carnet.import_file(crm)
    assert report.counts["merged"] == 1
    # Same email but another first name: a household member, not the same person.
    assert report.counts["inserted"] == 1
    jp = carnet.search_contacts("dupont")[0]
    assert jp.job_title == "Acheteur" and jp.organisation_name == "Dupont SA"
    assert jp.first_name == "Jean-Pierre"


def test_tags_office_phones_and_lists_another_source_fills(
    carnet: Carnet, tmp_path: Path
) -> None:
    first = write_csv(
        tmp_path / "crm.csv",
        ["Full Name", "Work Email", "Office Phone", "Tags", "Created"],
        [["Ahmed Ben Ali", "ahmed@acme.fr", "01 42 68 53 00", "vip, salon 2024",
          "2021-05-04 10:22"]],
        encoding="utf-8", delimiter=",",
    )
    report = carnet.import_file(first)
    assert {c.header: c.target for c in report.mapping.columns} == {
        "Full Name": "full_name", "Work Email": "email", "Office Phone": "phone",
        "Tags": "tags", "Created": "signup_date",
    }
    ahmed = carnet.search_contacts("ahmed")[0]
    assert (ahmed.first_name, ahmed.last_name) == ("Ahmed", "Ben Ali")
    assert list(ahmed.tags) == ["vip", "salon 2024"]
    assert [p.normalised for p in ahmed.phones] == ["+33142685300"]
    assert ahmed.first_seen is not None and ahmed.first_seen.year == 2021
    # Another source fills the interests Ahmed has none of (an empty list is a blank),
    # and does not overwrite his tags.
    survey = write_csv(
        tmp_path / "survey.csv",
        ["E-mail", "Prénom", "Centres d'intérêt", "Tags"],
        [["ahmed@acme.fr", "Ahmed", "vélo; jardinage", "newsletter"]],
        encoding="utf-8", delimiter=",",
    )
    assert carnet.import_file(survey).counts["merged"] == 1
    ahmed = carnet.get_contact(ahmed.id)
    assert list(ahmed.interests) == ["vélo", "jardinage"]
    assert list(ahmed.tags) == ["vip", "salon 2024"]


def test_one_postcode_and_city_cell_fills_both(carnet: Carnet, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "salon.csv",
        ["Nom", "Prénom", "Email", "Adresse", "CP / Ville"],
        [["Martin", "Anne", "anne@free.fr", "12 rue de la Paix", "75002 PARIS"],
         ["Roux", "Léa", "lea@orange.fr", "", "Nice (6000)"]],
    )
    report = carnet.import_file(path)
    assert report.mapping.to_json()["CP / Ville"] == "postcode_city"
    anne = carnet.search_contacts("anne")[0]
    [address] = anne.addresses
    assert (address.postcode, address.city, address.verdict) == ("75002", "PARIS", "valid")
    lea = carnet.search_contacts("léa")[0]
    # The lost leading zero is repaired as for a postcode column.
    assert (lea.addresses[0].postcode, lea.addresses[0].city) == ("06000", "Nice")


def test_a_household_in_one_file_stays_apart(carnet: Carnet, tmp_path: Path) -> None:
    """Rows of one batch sharing a family mailbox and phone join only on agreeing first names."""
    family = write_csv(
        tmp_path / "famille.csv",
        ["Prénom", "Nom", "E-mail", "Téléphone"],
        [["Julien", "Tazi", "famille.tazi@free.fr", "01 42 68 53 00"],
         ["Salima", "Tazi", "famille.tazi@free.fr", "01 42 68 53 00"],
         ["Salima", "TAZI", "famille.tazi@free.fr", ""],
         ["", "", "famille.tazi@free.fr", ""],
         ["Julien", "Tazi", "", "01 42 68 53 00"]],
        encoding="utf-8", delimiter=",",
    )
    report = carnet.import_file(family)
    assert (report.counts["inserted"], report.counts["merged"]) == (2, 3)
    people = {c.first_name: c for c in carnet.search_contacts("tazi")}
    assert sorted(people) == ["Julien", "Salima"]
    again = carnet.import_file(family, source="relance")
    assert (again.counts["inserted"], again.counts["merged"]) == (0, 5)


def test_a_whole_name_garbled_by_a_wrong_encoding_is_mended_and_joins_its_phone(
    carnet: Carnet, tmp_path: Path
) -> None:
    """A trade-show sheet's "Nom complet" saved through the wrong encoding: "AgnÃ¨s
    AndrÃ©" was kept garbled (the name columns are mended, the whole-name one was
    not), so her mobile, the shop's, did not join her to Agnès André of the shop."""
    carnet.import_file(
        write_csv(
            tmp_path / "boutique.csv",
            ["Prénom", "Nom", "E-mail", "Téléphone"],
            [["Agnès", "André", "andre.agnes@orange.fr", "06 71 30 58 21"]],
            encoding="utf-8", delimiter=",",
        )
    )
    salon = write_csv(
        tmp_path / "salon.csv",
        ["Nom complet", "Email", "Portable"],
        [["AgnÃ¨s AndrÃ©", "agnes_andre@wanadoo.fr", "0033 671305821"],
         ["MARÃ‰CHAL FranÃ§ois", "fmarechal@free.fr", ""],
         ["João Silva", "joao.silva@free.fr", ""]],
        encoding="utf-8",
    )
    report = carnet.import_file(salon)
    assert (report.counts["inserted"], report.counts["merged"]) == (2, 1)
    names = sorted((c.first_name, c.last_name) for c in carnet.list_contacts().items)
    assert names == [("Agnès", "André"), ("François", "Maréchal"), ("João", "Silva")]


def test_a_surname_typed_in_the_only_name_box_joins_its_email(
    carnet: Carnet, tmp_path: Path
) -> None:
    """A newsletter form with one name box: Alain Deschamps typed "DESCHAMPS" in it.
    The row has the shop's e-mail but was a contact of its own (the first names
    disagreed), in the batch and against the stored shop export alike; it now joins.
    Marie, in the same box with that e-mail, is another first name: she stays apart."""
    carnet.import_file(
        write_csv(
            tmp_path / "boutique.csv",
            ["Prénom", "Nom", "E-mail"],
            [["Alain", "Deschamps", "alain.deschamps@wanadoo.fr"]],
            encoding="utf-8", delimiter=",",
        )
    )
    news = write_csv(
        tmp_path / "newsletter.csv",
        ["Email Address", "First Name", "Last Name"],
        [["alain.deschamps@wanadoo.fr", "DESCHAMPS", ""],
         ["a.morin@orange.fr", "Audrey", "Morin"],
         ["a.morin@orange.fr", "Morin", ""],
         ["alain.deschamps@wanadoo.fr", "Marie", ""]],
        encoding="utf-8", delimiter=",",
    )
    report = carnet.import_file(news)
    assert (report.counts["inserted"], report.counts["merged"]) == (2, 2)
    firsts = sorted(c.first_name for c in carnet.search_contacts("deschamps"))
    assert firsts == ["Alain", "Marie"]
    assert [c.first_name for c in carnet.search_contacts("morin")] == ["Audrey"]


def test_spellings_of_one_person_join_on_their_email_or_phone(
    carnet: Carnet, tmp_path: Path
) -> None:
    """A mistyped first name still joins its e-mail; a last name written with or
    without spaces still joins its phone; a relative's name does not."""
    carnet.import_file(
        write_csv(
            tmp_path / "crm.csv",
            ["Prénom", "Nom", "E-mail", "Téléphone"],
            [
                ["Thierry", "Moreau", "thierry.moreau@orange.fr", ""],
                ["Mohamed", "Ben Ali", "", "06 11 22 33 44"],
                ["Anne-Sophie", "de La Fontaine", "", "06 98 76 54 32"],
                ["Louis", "Girard", "famille.girard@free.fr", ""],
            ],
            encoding="utf-8",
            delimiter=",",
        )
    )
    report = carnet.import_file(
        write_csv(
            tmp_path / "salon.csv",
            ["PRENOM", "NOM", "MAIL", "PORTABLE"],
            [
                ["Thiery", "MOREAU", "thierry.moreau@orange.fr", ""],
                ["Mohamed", "BENALI", "", "+33611223344"],
                ["Anne-Sophie", "DELAFONTAINE", "", "0698765432"],
                ["Louise", "Girard", "famille.girard@free.fr", ""],
            ],
            encoding="utf-8",
            delimiter=";",
        ),
        source="salon",
    )
    assert (report.counts["merged"], report.counts["inserted"]) == (3, 1)
    assert [c.first_name for c in carnet.search_contacts("moreau")] == ["Thierry"]
    assert len(carnet.search_contacts("mohamed")) == 1
    assert sorted(c.first_name for c in carnet.search_contacts("girard")) == ["Louis", "Louise"]


def test_a_shared_home_phone_joins_one_person_not_a_father_and_his_son(
    carnet: Carnet, tmp_path: Path
) -> None:
    """The phone key (phone, last name, first name) holds for a person written twice,
    and not for two people of one name born years apart who share the home line."""
    carnet.import_file(
        write_csv(
            tmp_path / "crm.csv",
            ["Nom", "Prénom", "Date de naissance", "Tél. fixe", "Portable"],
            [
                ["MARTIN", "Jean", "13/09/1952", "03 33 67 67 99", "06 45 55 14 82"],
                ["MARTIN", "Jean", "29/10/1997", "03 33 67 67 99", "06 48 48 38 36"],
                ["ROUX", "Anne", "02/03/1970", "04 72 00 11 22", ""],
            ],
            encoding="cp1252",
            delimiter=";",
        )
    )
    report = carnet.import_file(
        write_csv(
            tmp_path / "salon.csv",
            ["Surname", "Given name", "Birth date", "Phone"],
            [
                ["Martin", "Jean", "1952-09-13", "0333676799"],  # the father again
                ["Roux", "Anne", "1970-02-03", "+33 4 72 00 11 22"],  # day and month swapped
                ["Roux", "Anne", "", "04 72 00 11 22"],  # no birth date: nothing against
            ],
            encoding="utf-8",
            delimiter=",",
        ),
        source="salon",
    )
    assert report.counts["merged"] == 3
    born = sorted(str(c.birth_date) for c in carnet.search_contacts("martin"))
    assert born == ["1952-09-13", "1997-10-29"]
    assert len(carnet.search_contacts("roux")) == 1


def test_two_of_one_name_on_the_home_line_with_mobiles_of_their_own_wait_for_review(
    carnet: Carnet, tmp_path: Path
) -> None:
    """No birth dates: Jean Dupont and Jean Dupont on one landline, each with a mobile of
    his own, are a father and his son as likely as one man's two numbers. The phone key
    does not merge them; the matcher lists the pair for review. A row with no mobile of
    its own, or the same mobile, or the same birth date, still joins."""
    header = ["Nom", "Prénom", "Date de naissance", "Tél. fixe", "Portable"]
    carnet.import_file(
        write_csv(
            tmp_path / "crm.csv",
            header,
            [["DUPONT", "Jean", "", "02 99 45 67 12", "06 45 55 14 82"],
             ["DUPONT", "Jean", "", "02 99 45 67 12", "06 48 48 38 36"],  # in the same file
             ["LEROY", "Marc", "04/05/1961", "03 20 11 22 33", "06 70 80 90 10"]],
        )
    )
    assert len(carnet.search_contacts("dupont")) == 2
    report = carnet.import_file(
        write_csv(
            tmp_path / "salon.csv",
            header,
            [["Dupont", "Jean", "", "0299456712", ""],  # nothing of his own: joins
             ["Dupont", "Jean", "", "0299456712", "0648483836"],  # the son's mobile again
             ["Leroy", "Marc", "04/05/1961", "0320112233", "0611223344"],  # born the same day
             ["Dupont", "Jean", "", "0299456712", "0677889900"]],  # a third mobile
        ),
        source="salon",
    )
    assert report.counts["merged"] == 3
    assert report.counts["inserted"] == 1
    assert len(carnet.search_contacts("dupont")) == 3
    assert len(carnet.search_contacts("leroy")) == 1
    # the matcher lists the three Jean Dupont for review and merges none of them
    report = carnet.find_duplicates()
    assert report.contacts_merged == 0
    assert len(carnet.search_contacts("dupont")) == 3
    queue = carnet.review_queue()
    assert queue and all(
        item.own_mobiles and {item.left.last_name, item.right.last_name} == {"Dupont"}
        for item in queue
    )


def test_a_clubs_file_of_children_keeps_every_child_reached_through_the_parent(
    carnet: Carnet, tmp_path: Path
) -> None:
    """"Nom enfant", "Email parent": every row was rejected (no name, no e-mail of the
    person's own). Each child is now a contact reached at the parent's e-mail and phone,
    siblings stay apart, and the parent's name is kept."""
    path = write_csv(
        tmp_path / "club.csv",
        ["Nom enfant", "Prénom enfant", "Date de naissance", "Nom du responsable légal",
         "Prénom du responsable légal", "Email parent", "Tél parent"],
        [["DURAND", "Léo", "12/05/2015", "DURAND", "Sophie", "sophie.durand@gmail.com",
          "0612345678"],
         ["DURAND", "Emma", "03/09/2017", "DURAND", "Sophie", "sophie.durand@gmail.com",
          "0612345678"],
         ["PETIT", "Hugo", "21/01/2016", "BERNARD", "Julie", "julie.bernard@orange.fr",
          "0698765432"]],
    )
    report = carnet.import_file(path)
    assert report.counts["inserted"] == 3 and report.counts["rejected"] == 0
    [hugo] = carnet.search_contacts("hugo")
    contact = carnet.get_contact(hugo.id)
    assert (contact.first_name, contact.last_name) == ("Hugo", "Petit")
    assert [e.normalised for e in contact.emails] == ["julie.bernard@orange.fr"]
    assert contact.attributes["prenom_du_responsable_legal"] == "Julie"
    assert sorted(c.first_name for c in carnet.search_contacts("durand")) == ["Emma", "Léo"]
    assert carnet.import_file(path).counts["unchanged"] == 3


def test_a_man_and_a_woman_of_one_name_on_one_line_and_mailbox_stay_two(
    carnet: Carnet, tmp_path: Path
) -> None:
    """M. and Mme Claude Dupuis share the home line and the family mailbox: the e-mail and
    phone keys do not join rows whose civilities (or genders) say a man and a woman, in
    one file or across two. A row that says nothing of its sex, on the home line alone,
    may be either of them: it joins neither (the matcher lists it for review)."""
    carnet.import_file(
        write_csv(
            tmp_path / "crm.csv",
            ["Civilité", "Nom", "Prénom", "Email", "Téléphone"],
            [["M.", "DUPUIS", "Claude", "famille.dupuis@orange.fr", "01 50 55 59 24"],
             ["Mme", "DUPUIS", "Claude", "famille.dupuis@orange.fr", "01 50 55 59 24"]],
        )
    )
    assert len(carnet.search_contacts("dupuis")) == 2
    report = carnet.import_file(
        write_csv(
            tmp_path / "salon.csv",
            ["Sexe", "Nom", "Prénom", "Téléphone"],
            [["F", "Dupuis", "Claude", "0150555924"],  # Mme Dupuis again
             ["", "Dupuis", "Claude", "0150555924"]],  # he or she: the line alone
        ),
        source="salon",
    )
    assert (report.counts["merged"], report.counts["inserted"]) == (1, 1)
    women = [
        c for c in carnet.search_contacts("dupuis") if carnet.get_contact(c.id).civility == "Mme"
    ]
    assert len(carnet.search_contacts("dupuis")) == 3 and len(women) == 1


def test_a_landline_alone_does_not_join_two_dominiques_of_one_name(
    carnet: Carnet, tmp_path: Path
) -> None:
    """Dominique and Dominique Collet, Camille and Camille Fabre at one home: a first
    name men and women both bear, the home's landline, an e-mail each. The old CRM
    dump says no civility, so nothing tells a couple from one person written twice:
    the landline joins them only when the birth dates agree or the civilities say one
    sex; a mobile in common is a key of its own. Marie Leroy on her home line still
    joins, as before."""
    carnet.import_file(
        write_csv(
            tmp_path / "ancien_crm.csv",
            ["NOM", "PRENOM", "TEL DOMICILE", "PORTABLE", "EMAIL", "NE(E) LE"],
            [["COLLET", "DOMINIQUE", "04 81 42 09 81", "", "dominique.collet@hotmail.fr", ""],
             ["FABRE", "CAMILLE", "02 40 12 34 56", "06 16 89 53 16", "cfabre@neuf.fr", ""],
             ["RIVIERE", "CLAUDE", "04 43 99 26 94", "", "riviere.claude@gmail.com",
              "09/01/1960"],
             ["LEROY", "MARIE", "03 20 11 22 33", "", "marie.leroy@free.fr", ""]],
            encoding="cp1252",
        )
    )
    report = carnet.import_file(
        write_csv(
            tmp_path / "boutique.csv",
            ["Civilité", "Prénom", "Nom", "Email", "Téléphone", "Date de naissance"],
            [["Mme", "Dominique", "Collet", "d.collet@neuf.fr", "+33 4 81 42 09 81", ""],
             ["", "Camille", "Fabre", "camille.fabre@gmail.com", "0616895316", ""],
             ["M.", "Claude", "Rivière", "claude64@gmail.com", "0443992694", "09/01/1960"],
             ["Mme", "Marie", "Leroy", "mleroy@orange.fr", "0320112233", ""]],
        ),
        source="boutique",
    )
    # Dominique: the line alone, no civility on the CRM row, no birth date: two contacts.
    # Camille: the same mobile. Claude: the same birth date. Marie: no unisex name.
    assert (report.counts["inserted"], report.counts["merged"]) == (1, 3)
    assert len(carnet.search_contacts("collet")) == 2
    assert len(carnet.search_contacts("fabre")) == 1
    assert len(carnet.search_contacts("riviere")) == 1
    assert len(carnet.search_contacts("leroy")) == 1
    # and in one file, as the shop's export lists a couple one under the other
    report = carnet.import_file(
        write_csv(
            tmp_path / "salon.csv",
            ["Nom", "Prénom", "Téléphone", "Email"],
            [["Morel", "Camille", "05 56 10 20 30", "camille.morel@gmail.com"],
             ["MOREL", "Camille", "0556102030", "c.morel@orange.fr"]],
        ),
        source="salon",
    )
    assert report.counts["inserted"] == 2


def test_a_family_or_company_mailbox_does_not_join_two_people_of_one_first_name(
    carnet: Carnet, tmp_path: Path
) -> None:
    """The e-mail key holds for a person written twice, not for a mother and her
    daughter of one first name on the family mailbox, nor for two Brunos of one
    company on its reception mailbox."""
    path = write_csv(
        tmp_path / "clients.csv",
        ["Nom", "Prénom", "Date de naissance", "Email"],
        [["Dos Santos", "Claire", "12/12/1973", "famille.dossantos@orange.fr"],
         ["Dos Santos", "Claire", "16/08/2002", "famille.dossantos@orange.fr"],
         ["Dos Santos", "Claire", "", "famille.dossantos@orange.fr"],
         ["Laurent", "Bruno", "", "accueil@bernardfreres.fr"],
         ["Hamidi", "Bruno", "", "accueil@bernardfreres.fr"],
         ["LAURENT", "Bruno", "", "accueil@bernardfreres.fr"]],
    )
    report = carnet.import_file(path)
    assert (report.counts["inserted"], report.counts["merged"]) == (4, 2)
    born = sorted(str(c.birth_date) for c in carnet.search_contacts("dos santos"))
    assert born == ["1973-12-12", "2002-08-16"]
    assert sorted(c.last_name for c in carnet.search_contacts("bruno")) == ["Hamidi", "Laurent"]


def test_a_nom_prenom_column_in_capitals_is_read_last_name_first(
    carnet: Carnet, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "salon.csv",
        ["NOM PRENOM", "EMAIL"],
        [["SIMON ANNE-SOPHIE", "as.simon@free.fr"],
         ["ROUSSEAU JOÃO", "joao.rousseau@free.fr"],
         ["BEN ALI Valérie", "v.benali@free.fr"]],
    )
    carnet.import_file(path)
    names = sorted((c.first_name, c.last_name) for c in carnet.search_contacts("free.fr"))
    assert names == [("Anne-Sophie", "Simon"), ("João", "Rousseau"), ("Valérie", "Ben Ali")]


def test_a_whole_name_in_one_cell_keeps_its_initial_and_its_diminutive(
    carnet: Carnet, tmp_path: Path
) -> None:
    """A trade-show sheet's "Nom complet": "R RICHARD" was stored as Richard R (an
    initial taken for a last name, Richard being a first name too) and "Fanfan
    Richard" as Richard Fanfan (a diminutive taken for a family name); neither then
    matched the shop's Rémi or Françoise Richard."""
    path = write_csv(
        tmp_path / "salon.csv",
        ["Nom complet", "Email"],
        [["R RICHARD", "rrichard@free.fr"],
         ["Fanfan Richard", "fanfan@free.fr"],
         ["Dupont Marie", "marie.dupont@free.fr"]],
    )
    carnet.import_file(path)
    names = sorted((c.first_name, c.last_name) for c in carnet.search_contacts("free.fr"))
    assert names == [("Fanfan", "Richard"), ("Marie", "Dupont"), ("R", "Richard")]


def test_married_names_keep_the_name_used_and_the_birth_name(
    carnet: Carnet, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "adherents.csv",
        ["Nom", "Prénom", "Nom de jeune fille", "E-mail"],
        [
            ["MARTIN épouse DURAND", "Marie", "", "marie.durand@free.fr"],
            ["Lefort née Garnier", "Claire", "", "claire.lefort@free.fr"],
            ["Veuve Roussel", "Odette", "", "odette.roussel@free.fr"],
            ["Perrin ép. Blanc", "Lucie", "Perrin-Vidal", "lucie.blanc@free.fr"],
            ["Le Nee", "Yann", "", "yann.lenee@free.fr"],
            ["BONNET (née FAURE)", "Agnès", "", "agnes.bonnet@free.fr"],
            ["Mme Moreau, née Lambert", "Zoé", "", "zoe.moreau@free.fr"],
        ],
        encoding="utf-8",
        delimiter=";",
    )
    report = carnet.import_file(path)
    assert report.counts["inserted"] == 7
    names = {
        c.first_name: (c.last_name, c.attributes.get("birth_name"))
        for c in carnet.search_contacts("free.fr")
    }
    assert names == {
        "Marie": ("Durand", "Martin"),
        "Claire": ("Lefort", "Garnier"),
        "Odette": ("Roussel", None),
        # the file's own birth-name column wins over the one read in the cell
        "Lucie": ("Blanc", "Perrin-Vidal"),
        "Yann": ("Le Nee", None),
        # in brackets too; it was an invalid name ("characters not used in names")
        "Agnès": ("Bonnet", "Faure"),
        # after a comma too (and the civility before it)
        "Zoé": ("Moreau", "Lambert"),
    }
    full = write_csv(
        tmp_path / "salon.csv",
        ["Nom complet", "E-mail"],
        [["Mme Marie DURAND née MARTIN", "marie.durand@free.fr"]],
        encoding="utf-8",
        delimiter=";",
    )
    again = carnet.import_file(full)
    assert again.counts["merged"] == 1
    assert [c.last_name for c in carnet.search_contacts("marie")] == ["Durand"]


def test_a_country_alone_is_kept_and_is_no_invalid_address(
    carnet: Carnet, tmp_path: Path
) -> None:
    from carnet.dedupe.records import store_records

    path = write_csv(
        tmp_path / "clients.csv",
        ["Email", "Prénom", "Pays"],
        [["anne.b@free.fr", "Anne", "France"], ["carl.d@free.fr", "Carl", "Belgique"]],
        encoding="utf-8",
        delimiter=";",
    )
    report = carnet.import_file(path)
    assert report.counts["inserted"] == 2
    points = {
        c.first_name: [(a.country, a.verdict, sorted(a.flags)) for a in c.addresses]
        for c in carnet.search_contacts("free.fr")
    }
    assert points == {
        "Anne": [("FR", "warning", ["country_only"])],
        "Carl": [("BE", "warning", ["country_only"])],
    }
    with carnet.engine.connect() as conn:
        records = store_records(conn)
    # nothing for the matcher to compare: no address, not an address "|||FR" for all
    assert records.select("street", "postcode", "city").null_count().row(0) == (2, 2, 2)


def test_a_relatives_number_reaches_the_person_but_joins_no_one(
    carnet: Carnet, tmp_path: Path
) -> None:
    """An old CRM's "06 … (portable de sa fille)": the mother's row holds the daughter's
    mobile. It is kept to reach her, but it is no key (the daughter's own row, of one
    name, is not folded into her mother) and no evidence for the duplicate search."""
    from carnet.dedupe.records import store_records

    path = write_csv(
        tmp_path / "clients.csv",
        ["Civilité", "Prénom", "Nom", "Tél"],
        [["Mme", "Dominique", "Martin", "06 12 34 56 78 (portable de sa fille)"],
         ["Mme", "Dominique", "Martin", "06 12 34 56 78"]],
    )
    report = carnet.import_file(path)
    assert report.counts["inserted"] == 2
    mother, daughter = sorted(carnet.search_contacts("martin"), key=lambda c: c.id)
    [held] = mother.phones
    assert (held.normalised, held.verdict, "someone_else" in held.flags) == (
        "+33612345678", "warning", True)
    assert [p.normalised for p in daughter.phones] == ["+33612345678"]
    with carnet.engine.connect() as conn:
        phones = dict(store_records(conn).select("record_id", "phones").iter_rows())
    assert phones[daughter.id] == ["+33612345678"] and not phones.get(mother.id)


def test_every_number_of_a_cell_is_kept_and_a_civility_in_a_name_is_used(
    carnet: Carnet, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "contacts.csv",
        ["Prénom", "Nom", "Tél", "Civilité"],
        [
            ["Mme Marie", "Dubois", "06 12 34 56 78 / 01 45 67 89 10", ""],
            ["Mme Claude", "Leroy", "06 98 76 54 32", "M."],
            ["Paul", "Robert", "06 11 22 33 44 / 09 99 99 99 99 99", ""],
            ["Madame", "Roux", "06 55 44 33 22", ""],
        ],
        encoding="utf-8",
        delimiter=";",
    )
    report = carnet.import_file(path)
    assert report.counts["inserted"] == 4
    marie = carnet.search_contacts("dubois")[0]
    assert (marie.civility, marie.first_name) == ("Mme", "Marie")
    assert [(p.normalised, p.verdict) for p in marie.phones] == [
        ("+33612345678", "warning"),
        ("+33145678910", "valid"),
    ]
    # the file's civility column wins over the one found in the name
    assert carnet.search_contacts("leroy")[0].civility == "M."
    # a second number that is no number is kept too, as invalid: nothing lost
    paul = carnet.search_contacts("robert")[0]
    assert [p.verdict for p in paul.phones] == ["warning", "invalid"]
    assert paul.phones[1].raw == "09 99 99 99 99 99"
    # "Madame" in the first-name column: a civility, no first name (the cell is kept)
    roux = carnet.search_contacts("roux")[0]
    assert (roux.civility, roux.first_name) == ("Mme", None)
    assert roux.attributes["invalid_values"] == {"first_name": "Madame"}


def test_a_whole_name_in_one_name_cell_is_split_when_plain(
    carnet: Carnet, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "adherents.csv",
        ["Nom", "Prénom", "Email"],
        [["DUPONT Jean", "", "jd@free.fr"], ["LE GOFF Yann", "", "ylg@free.fr"],
         ["", "Jean-Pierre Durand", "jpd@free.fr"],
         # not plain: both are first names, a family name, a compound first name, an initial
         ["Bernard Marie", "", "mb@free.fr"], ["Ben Ali", "", "ba@free.fr"],
         ["Le Gall", "", "lg@free.fr"], ["", "Marie Claire", "mc@free.fr"],
         ["", "Jean D.", "jdd@free.fr"],
         # a married name is no first name and last name
         ["MARTIN épouse DURAND", "", "md@free.fr"]],
    )
    report = carnet.import_file(path)
    assert report.counts["inserted"] == 9
    names = {
        c.emails[0].normalised: (c.first_name, c.last_name)
        for c in carnet.list_contacts(limit=20).items
    }
    assert names == {
        "jd@free.fr": ("Jean", "Dupont"),
        "ylg@free.fr": ("Yann", "Le Goff"),
        "jpd@free.fr": ("Jean-Pierre", "Durand"),
        "mb@free.fr": (None, "Bernard Marie"),
        "ba@free.fr": (None, "Ben Ali"),
        "lg@free.fr": (None, "Le Gall"),
        "mc@free.fr": ("Marie Claire", None),
        "jdd@free.fr": ("Jean D.", None),
        "md@free.fr": (None, "Durand"),
    }


def test_a_file_whose_accents_were_decoded_twice_is_read_as_meant(
    carnet: Carnet, tmp_path: Path
) -> None:
    """UTF-8 saved through Windows-1252 ("FranÃ§ois"): names were invalid, cities unknown."""
    path = write_csv(
        tmp_path / "vieux_crm.csv",
        ["Prénom", "Nom", "Ville", "Email", "Métier"],
        [["FranÃ§ois", "LEFÃˆVRE", "OrlÃ©ans", "f.lefevre@free.fr", "IngÃ©nieur"],
         ["João", "Silva", "Besançon", "joao@free.fr", ""]],
    )
    report = carnet.import_file(path)
    assert report.counts["inserted"] == 2
    assert report.verdicts["first_name"] == {"warning": 1, "valid": 1}
    # the import says so once, with an example
    [warning] = [w for w in report.warnings if "wrong encoding" in w]
    assert warning.startswith("4 distinct values (city, first_name, job_title, last_name)")
    assert "'FranÃ§ois' for 'François'" in warning
    francois, joao = (carnet.search_contacts(n)[0] for n in ("f.lefevre", "joao@"))
    assert (francois.first_name, francois.last_name) == ("François", "Lefèvre")
    assert francois.addresses[0].city == "Orléans"
    assert (joao.first_name, joao.addresses[0].city) == ("João", "Besançon")
    # the file's own cells are kept as they were, in the import's row record
    with carnet.engine.connect() as conn:
        raw = conn.execute(
            sa.select(s.import_rows.c.raw).where(s.import_rows.c.contact_id == francois.id)
        ).scalar_one()
    assert "OrlÃ©ans" in json.dumps(raw, ensure_ascii=False)


def test_a_shop_export_maps_its_address_and_reads_excel_text_markers(
    carnet: Carnet, tmp_path: Path
) -> None:
    """Shopify's customer export: "Default Address ..." columns, and postcodes, phones
    and ids written with Excel's leading apostrophe."""
    path = write_csv(
        tmp_path / "customers_export.csv",
        ["Customer ID", "First Name", "Last Name", "Email", "Default Address Company",
         "Default Address Address1", "Default Address Address2", "Default Address City",
         "Default Address Country Code", "Default Address Zip", "Default Address Phone",
         "Phone", "Total Spent"],
        [["'7012345678901", "Camille", "Dupuis", "camille.dupuis@gmail.com", "",
          "14 Rue de Rennes", "", "Paris", "FR", "'75006", "'+33612345678", "'+33612345678",
          "245.90"],
         ["'7012345678902", "Hugo", "Lambert", "hugo.lambert@yahoo.fr", "Lambert SARL",
          "2 Place du Capitole", "Bât. B", "Toulouse", "FR", "'31000", "", "'0561000000",
          "0.00"]],
        encoding="utf-8",
        delimiter=",",
    )
    report = carnet.import_file(path)
    assert report.counts["inserted"] == 2
    assert report.verdicts["postcode"] == {"valid": 2}
    camille = carnet.search_contacts("dupuis")[0]
    [address] = camille.addresses
    assert (address.line1, address.postcode, address.city, address.verdict) == (
        "14 Rue de Rennes", "75006", "Paris", "valid"
    )
    [phone] = camille.phones
    assert (phone.normalised, phone.verdict) == ("+33612345678", "valid")
    hugo = carnet.search_contacts("lambert")[0]
    assert hugo.addresses[0].line2 == "Bât. B"
    assert [p.normalised for p in hugo.phones] == ["+33561000000"]
    assert hugo.attributes["total_spent"] == "0.00"
    with carnet.engine.connect() as conn:
        ids = conn.execute(sa.select(s.external_ids.c.external_id)).scalars().all()
    assert sorted(ids) == ["7012345678901", "7012345678902"]
    assert carnet.import_file(path).counts["unchanged"] == 2


def test_an_npai_column_marks_the_address_mail_came_back_from(
    carnet: Carnet, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "fichier_courrier.csv",
        ["Nom", "Prénom", "Email", "Adresse", "CP", "Ville", "NPAI"],
        [
            ["Roy", "Léon", "leon.roy@free.fr", "3 rue Haute", "45000", "Orléans", "X"],
            ["Caron", "Inès", "ines.caron@free.fr", "8 rue Basse", "45000", "Orléans", ""],
            ["Giraud", "Max", "max.giraud@free.fr", "1 quai Neuf", "45000", "Orléans",
             "12/03/2024"],
            ["Perret", "Lola", "lola.perret@free.fr", "", "", "", "NPAI"],
        ],
        encoding="utf-8",
        delimiter=";",
    )
    report = carnet.import_file(path)
    assert report.counts["inserted"] == 4
    assert report.verdicts["npai"] == {"valid": 3, "empty": 1}
    found = {
        c.first_name: [(a.verdict, sorted(a.flags)) for a in c.addresses]
        for c in carnet.search_contacts("free.fr")
    }
    assert found == {
        "Léon": [("warning", ["npai"])],
        "Inès": [("valid", [])],
        "Max": [("warning", ["npai"])],  # the date the mail came back
        "Lola": [],  # an NPAI cell and no address: no address point
    }
    with carnet.engine.connect() as conn:
        from carnet.dedupe.records import store_records

        records = store_records(conn)
    # the matcher still reads the address: it says who the person is
    assert records["postcode"].drop_nulls().to_list() == ["45000", "45000", "45000"]
    out = tmp_path / "export.csv"
    carnet.export_contacts(out, fields=["email", "npai"])
    with out.open(encoding="utf-8-sig", newline="") as handle:
        exported = {r["email"]: r["npai"] for r in csv.DictReader(handle, delimiter=";")}
    assert exported == {
        "leon.roy@free.fr": "true",
        "ines.caron@free.fr": "false",
        "max.giraud@free.fr": "true",
        "lola.perret@free.fr": "",
    }


def test_a_street_line_that_says_there_is_none_or_that_mail_came_back(
    carnet: Carnet, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "fichier.csv",
        ["Nom", "Prénom", "Email", "Adresse", "CP", "Ville"],
        [
            ["Roy", "Léon", "leon.roy@free.fr", "Adresse inconnue", "", ""],
            ["Caron", "Inès", "ines.caron@free.fr", "NPAI", "45000", "Orléans"],
            ["Giraud", "Max", "max.giraud@free.fr", "xxx", "45000", "Orléans"],
        ],
        encoding="utf-8",
        delimiter=";",
    )
    report = carnet.import_file(path)
    assert report.verdicts["address_line1"] == {"invalid": 1, "empty": 2}
    found = {
        c.first_name: [(a.line1, sorted(a.flags)) for a in c.addresses]
        for c in carnet.search_contacts("free.fr")
    }
    assert found == {
        "Léon": [],  # nothing but "Adresse inconnue": no address
        "Inès": [(None, ["no_street", "npai"])],  # the town, and mail came back
        "Max": [(None, ["no_street"])],
    }


def test_a_whole_address_in_one_cell_gives_its_postcode_and_city(
    carnet: Carnet, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "inscrits.csv",
        ["Nom", "Prénom", "Email", "Adresse"],
        [
            ["Roy", "Léon", "leon.roy@free.fr", "12 rue de la Paix 75002 Paris"],
            ["Caron", "Inès", "ines.caron@free.fr", "8 rue Basse\n45000 ORLEANS"],
            ["Perret", "Lola", "lola.perret@free.fr", "3 rue Pasteur  Lyon  69007 FR"],
            ["Blanc", "Max", "max.blanc@free.fr", "12 rue du 8 Mai 1945"],
        ],
        encoding="utf-8",
        delimiter=";",
    )
    carnet.import_file(path)
    found = {
        c.first_name: [(a.line1, a.postcode, a.city, a.verdict) for a in c.addresses]
        for c in carnet.search_contacts("free.fr")
    }
    assert found == {
        "Léon": [("12 rue de la Paix", "75002", "Paris", "valid")],
        "Inès": [("8 rue Basse", "45000", "ORLEANS", "valid")],
        "Lola": [("3 rue Pasteur", "69007", "Lyon", "valid")],
        # no postcode in it: the line stays as it is, invalid as before
        "Max": [("12 rue du 8 Mai 1945", None, None, "invalid")],
    }
    # a file with its own postcode column is read as it is
    other = write_csv(
        tmp_path / "autre.csv",
        ["Email", "Adresse", "CP"],
        [["zoe.petit@free.fr", "5 rue Neuve 69001 Lyon", "69002"]],
        encoding="utf-8",
        delimiter=";",
    )
    carnet.import_file(other)
    [address] = carnet.search_contacts("zoe.petit")[0].addresses
    assert (address.line1, address.postcode) == ("5 rue Neuve 69001 Lyon", "69002")


def test_a_whole_address_beside_its_own_postcode_column_loses_the_repeat(
    carnet: Carnet, tmp_path: Path
) -> None:
    """A list typed by hand gives the whole address and "CP / Ville" again: the street
    line keeps the street, and a residence before it becomes the second line."""
    path = write_csv(
        tmp_path / "liste.csv",
        ["Nom Prénom", "Adresse complète", "CP / Ville", "Mail"],
        [
            ["DUPONT Jean", "12 rue des Lilas 75011 Paris", "75011 Paris", "jean.dupont@free.fr"],
            ["LEROY Anne", "Résidence Les Pins, Bât B, 3 allée des Cèdres 13008 Marseille",
             "13008 - Marseille", "anne.leroy@free.fr"],
            ["ROUX Paul", "4 place Bellecour 69002 Lyon", "69006 Lyon", "paul.roux@free.fr"],
            # a comma after the house number
            ["LEBRETON Marie", "14, rue des Lilas - 35000 RENNES", "", "marie.lebreton@free.fr"],
            ["LE GOFF Yann", "Bât. C, 8, rue de Siam 29200 Brest", "", "yann.legoff@free.fr"],
        ],
        encoding="utf-8",
        delimiter=";",
    )
    carnet.import_file(path)
    found = {
        c.first_name: [(a.line1, a.line2, a.postcode, a.city) for a in c.addresses]
        for c in carnet.search_contacts("free.fr")
    }
    assert found == {
        "Jean": [("12 rue des Lilas", None, "75011", "Paris")],
        "Anne": [("3 allée des Cèdres", "Résidence Les Pins, Bât B", "13008", "Marseille")],
        # the line's postcode is not the row's: nothing is guessed, the user sees both
        "Paul": [("4 place Bellecour 69002 Lyon", None, "69006", "Lyon")],
        "Marie": [("14 rue des Lilas", None, "35000", "RENNES")],
        "Yann": [("8 rue de Siam", "Bât. C", "29200", "Brest")],
    }


def test_consent_columns_become_consent_events_with_proof(carnet: Carnet, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "newsletter.csv",
        ["email", "first_name", "opt_in_at", "source", "ip_address", "double_opt_in",
         "confirmed_at", "unsubscribed_at"],
        [["anna@free.fr", "Anna", "2024-01-05 10:00:00", "formulaire site v3", "192.0.2.7",
          "oui", "2024-01-05 10:05:00", ""],
         ["bob@sfr.fr", "Bob", "2023-06-01", "salon Lyon 2023", "", "non", "", "2024-02-01"]],
        encoding="utf-8", delimiter=",",
    )
    carnet.import_file(path)
    with carnet.engine.connect() as conn:
        events = conn.execute(
            sa.select(s.consent_events.c.action, s.consent_events.c.proof)
            .order_by(s.consent_events.c.id)
        ).all()
    assert [e.action for e in events] == ["granted", "confirmed", "granted", "withdrawn"]
    proof = events[0].proof
    assert proof["source_file"] == "newsletter.csv" and proof["row"] == 1
    assert proof["via"] == "import"
    assert proof["ip"] == "192.0.2.7" and proof["form"] == "formulaire site v3"
    again = carnet.import_file(path)
    assert again.counts["unchanged"] == 2
    assert count(carnet, s.consent_events) == 4


def test_consent_flags_per_channel_become_events_for_their_purpose_and_channel(
    carnet: Carnet, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "clients.csv",
        ["E-mail", "Prénom", "Optin newsletter", "Opt-in SMS", "Opt-in courrier",
         "Accepte le démarchage téléphonique", "Offres partenaires", "Date optin"],
        [["anna@free.fr", "Anna", "oui", "oui", "non", "1", "0", "05/01/2024"],
         ["bob@sfr.fr", "Bob", "", "Y", "", "", "oui", ""]],
    )
    report = carnet.import_file(path)
    assert [c.target for c in report.mapping.columns][2:7] == [
        "optin_newsletter", "optin_sms", "optin_post", "optin_phone", "optin_partners"
    ]
    anna, bob = (carnet.search_contacts(name)[0] for name in ("anna", "bob"))
    history = carnet.consent_history(anna.id)
    granted = {(e["purpose"], e["channel"]): e for e in history if e["action"] == "granted"}
    assert sorted(granted) == [("newsletter", "email"), ("offers", "phone"), ("offers", "sms")]
    # The date column dates the newsletter flag only; the others are as of the import.
    assert granted["newsletter", "email"]["occurred_at"].date().isoformat() == "2024-01-05"
    assert granted["offers", "sms"]["occurred_at"].date() != granted[
        "newsletter", "email"
    ]["occurred_at"].date()
    assert granted["offers", "sms"]["proof"]["field"] == "optin_sms"
    assert granted["offers", "sms"]["proof"]["source_file"] == "clients.csv"
    # "non" for someone who never consented records nothing: nothing to withdraw.
    assert len(history) == 3
    assert sorted((e["purpose"], e["channel"], e["action"])
                  for e in carnet.consent_history(bob.id)) == [
        ("offers", "sms", "granted"), ("partners", "email", "granted")
    ]
    assert carnet.may_contact(anna.id, "offers", "sms").allowed
    assert not carnet.may_contact(anna.id, "offers", "post").allowed
    # Re-importing says nothing new; withdrawing a channel in an updated file is recorded.
    assert carnet.import_file(path).counts["unchanged"] == 2
    assert count(carnet, s.consent_events) == 5
    write_csv(
        path,
        ["E-mail", "Prénom", "Optin newsletter", "Opt-in SMS", "Opt-in courrier",
         "Accepte le démarchage téléphonique", "Offres partenaires", "Date optin"],
        [["anna@free.fr", "Anna", "oui", "non", "non", "1", "0", "05/01/2024"]],
    )
    # No id column: the changed row is joined to Anna by her e-mail.
    assert carnet.import_file(path).counts["merged"] == 1
    assert not carnet.may_contact(anna.id, "offers", "sms").allowed
    assert carnet.may_contact(anna.id, "newsletter", "email").allowed


def test_an_unsubscribed_flag_withdraws_the_newsletter(carnet: Carnet, tmp_path: Path) -> None:
    shop = write_csv(
        tmp_path / "shop.csv",
        ["Email", "Prénom", "Newsletter", "Date optin"],
        [["anna@free.fr", "Anna", "oui", "05/01/2024"], ["bob@sfr.fr", "Bob", "oui", ""]],
    )
    carnet.import_file(shop)
    tool = write_csv(
        tmp_path / "emailing.csv",
        ["Email", "Prénom", "Désabonné"],
        [["anna@free.fr", "Anna", "oui"], ["bob@sfr.fr", "Bob", "non"],
         ["zoe@orange.fr", "Zoé", "oui"]],
    )
    report = carnet.import_file(tool)
    assert report.mapping.to_json()["Désabonné"] == "optout_newsletter"
    anna, bob, zoe = (carnet.search_contacts(n)[0] for n in ("anna", "bob", "zoé"))
    assert not carnet.may_contact(anna.id, "newsletter", "email").allowed
    assert carnet.may_contact(bob.id, "newsletter", "email").allowed
    # Zoé never subscribed: there is nothing to withdraw, nothing is recorded.
    assert carnet.consent_history(zoe.id) == []
    before = count(carnet, s.consent_events)
    carnet.import_file(tool)
    carnet.import_file(shop)  # an older "oui" without a date does not re-subscribe Anna
    assert not carnet.may_contact(anna.id, "newsletter", "email").allowed
    carnet.import_file(tool)
    assert count(carnet, s.consent_events) == before


def test_opposition_columns_close_their_channels(carnet: Carnet, tmp_path: Path) -> None:
    header = ["Email", "Prénom", "Mobile", "Optin SMS", "STOP SMS", "Bloctel", "Ne pas contacter"]
    path = write_csv(
        tmp_path / "crm.csv",
        header,
        [["anna@free.fr", "Anna", "06 12 34 56 78", "oui", "oui", "non", ""],
         ["bob@sfr.fr", "Bob", "06 22 33 44 55", "", "", "oui", ""],
         ["zoe@orange.fr", "Zoé", "06 33 44 55 66", "oui", "", "", "oui"],
         ["eve@laposte.net", "Eve", "06 44 55 66 77", "oui", "non", "non", "non"]],
    )
    report = carnet.import_file(path)
    assert [c.target for c in report.mapping.columns][4:] == [
        "optout_sms", "optout_phone", "optout_all"
    ]
    anna, bob, zoe, eve = (carnet.search_contacts(n)[0] for n in ("anna", "bob", "zoé", "eve"))

    def history(contact_id: int) -> list[tuple[str, str, str, str]]:
        return sorted(
            (e["purpose"], e["channel"], e["action"], e["proof"]["field"])
            for e in carnet.consent_history(contact_id)
        )

    # STOP SMS is the row's last word on SMS, over its own opt-in, for every purpose
    # the workspace offers by SMS.
    assert history(anna.id) == [
        ("offers", "sms", "withdrawn", "optout_sms"),
        ("sms_alerts", "sms", "withdrawn", "optout_sms"),
    ]
    # Bob never consented to calls: his Bloctel registration is recorded all the same.
    assert history(bob.id) == [("offers", "phone", "withdrawn", "optout_phone")]
    # "Ne pas contacter" closes every channel of every purpose.
    assert {(p, c) for p, c, a, f in history(zoe.id) if a == "withdrawn" and f == "optout_all"} == {
        ("newsletter", "email"), ("offers", "email"), ("partners", "email"),
        ("profiling", "email"), ("offers", "sms"), ("sms_alerts", "sms"), ("offers", "phone"),
        ("offers", "post"), ("partners", "post"),
    }
    # "non" in an opposition column opposes nothing.
    assert history(eve.id) == [("offers", "sms", "granted", "optin_sms")]
    assert not carnet.may_contact(anna.id, "offers", "sms").allowed
    assert carnet.may_contact(eve.id, "offers", "sms").allowed
    # Re-importing adds nothing, and an older shop export's undated "oui" does not
    # reopen what an opposition closed.
    before = count(carnet, s.consent_events)
    carnet.import_file(path)
    shop = write_csv(
        tmp_path / "shop.csv", ["Email", "Prénom", "Optin SMS"], [["anna@free.fr", "Anna", "oui"]]
    )
    carnet.import_file(shop)
    assert count(carnet, s.consent_events) == before
    assert not carnet.may_contact(anna.id, "offers", "sms").allowed
    # Nor does a dated opt-in older than the opposition.
    dated = write_csv(
        tmp_path / "form.csv",
        ["Email", "Prénom", "Optin SMS", "Date optin"],
        [["anna@free.fr", "Anna", "oui", "05/01/2024"]],
    )
    carnet.import_file(dated)
    assert count(carnet, s.consent_events) == before + 1
    assert not carnet.may_contact(anna.id, "offers", "sms").allowed


def test_a_note_not_to_call_beside_a_number_closes_calls(carnet: Carnet, tmp_path: Path) -> None:
    """"06 … (ne pas appeler)" in the phone cell is the person's objection to calls: it is
    recorded as a Bloctel column's would be, and the number is kept."""
    path = write_csv(
        tmp_path / "crm.csv",
        ["Email", "Prénom", "Mobile", "Fixe", "Optin SMS", "Accepte le démarchage téléphonique"],
        [["anna@free.fr", "Anna", "06 12 34 56 78 (ne pas appeler)", "", "oui", "oui"],
         ["bob@sfr.fr", "Bob", "06 22 33 44 55", "NE PAS APPELER", "", ""],
         ["eve@laposte.net", "Eve", "06 44 55 66 77", "01 45 67 89 10", "", "oui"]],
    )
    report = carnet.import_file(path)
    assert report.counts["rejected"] == 0
    anna, bob, eve = (carnet.search_contacts(n)[0] for n in ("anna", "bob", "eve"))
    assert [p.normalised for p in carnet.get_contact(anna.id).phones] == ["+33612345678"]

    def phone_history(contact_id: int) -> list[tuple[str, str, str, str | None]]:
        return sorted(
            (e["purpose"], e["action"], e["proof"]["field"], e["proof"].get("written_in"))
            for e in carnet.consent_history(contact_id)
            if e["channel"] == "phone"
        )

    # The note is the row's last word on calls, over its own opt-in; SMS stay open.
    assert phone_history(anna.id) == [("offers", "withdrawn", "optout_phone", "mobile")]
    assert not carnet.may_contact(anna.id, "offers", "phone").allowed
    assert carnet.may_contact(anna.id, "offers", "sms").allowed
    # The note alone, with no number, still says it.
    assert phone_history(bob.id) == [("offers", "withdrawn", "optout_phone", "phone")]
    assert phone_history(eve.id) == [("offers", "granted", "optin_phone", None)]
    assert carnet.may_contact(eve.id, "offers", "phone").allowed
    # Re-importing adds nothing, and an older undated "oui" does not reopen calls.
    before = count(carnet, s.consent_events)
    carnet.import_file(path)
    shop = write_csv(
        tmp_path / "shop.csv", ["Email", "Prénom", "Accepte le démarchage téléphonique"],
        [["anna@free.fr", "Anna", "oui"]],
    )
    carnet.import_file(shop)
    assert count(carnet, s.consent_events) == before
    assert not carnet.may_contact(anna.id, "offers", "phone").allowed


def test_a_refusal_written_in_a_note_closes_what_it_refuses(
    carnet: Carnet, tmp_path: Path
) -> None:
    """A trade-show sheet's "Commentaire" and a CRM's "Notes" are where a salesperson
    writes that the person said no. Imported as text only, they stayed mailable and
    callable. The refusal is now an opposition whose proof is the note; a preference
    of when ("ne pas appeler avant 18h") or a follow-up ("rappeler en janvier") closes
    nothing, and the note itself is kept."""
    path = write_csv(
        tmp_path / "salon.csv",
        ["Email", "Prénom NOM", "Mobile", "Newsletter", "Optin SMS", "Commentaire"],
        [["claire@gmail.com", "Claire DUBOIS", "07 81 92 03 04", "oui", "oui",
          "Ne souhaite pas recevoir la newsletter"],
         ["luc@free.fr", "Luc BERNARD", "06 12 34 56 78", "oui", "oui",
          "Ne souhaite plus être contacté"],
         ["anne@orange.fr", "Anne PETIT", "06 22 33 44 55", "oui", "oui",
          "Pas de SMS, ne pas appeler avant 18h"],
         ["paul@sfr.fr", "Paul LEROUX", "06 44 55 66 77", "oui", "oui",
          "Intéressé par un devis, rappeler en janvier"],
         ["eve@laposte.net", "Eve MOREL", "06 55 66 77 88", "oui", "oui",
          "Pas de mail ni de newsletter"]],
    )
    report = carnet.import_file(path)
    assert report.counts["inserted"] == 5
    # the user is told, with an example
    [told] = [w for w in report.warnings if "notes refuse contact" in w]
    assert told.startswith("4 rows' notes refuse contact, e.g. row 1: 'Ne souhaite pas")
    # e-mail closed for every purpose: the newsletter is withdrawn once, by that closure
    [eve] = carnet.search_contacts("eve@laposte.net")
    assert [
        (e["action"], e["proof"]["field"])
        for e in carnet.consent_history(eve.id) if e["purpose"] == "newsletter"
    ] == [("withdrawn", "optout_email")]
    claire, luc, anne, paul = (
        carnet.search_contacts(n)[0] for n in ("claire", "luc", "anne", "paul")
    )

    def allowed(contact_id: int) -> set[tuple[str, str]]:
        return {
            (purpose, channel)
            for purpose, channel in (("newsletter", "email"), ("offers", "email"),
                                     ("offers", "sms"), ("offers", "phone"))
            if carnet.may_contact(contact_id, purpose, channel).allowed
        }

    # Claire refused the newsletter, over the row's own "oui"; her SMS opt-in stands
    assert allowed(claire.id) == {("offers", "sms")}
    [refusal] = [e for e in carnet.consent_history(claire.id) if e["purpose"] == "newsletter"]
    assert refusal["action"] == "withdrawn"
    assert refusal["proof"]["written_in"] == "survey_comment"
    assert refusal["proof"]["note"] == "Ne souhaite pas recevoir la newsletter"
    assert allowed(luc.id) == set()
    # Anne refused SMS; the hour of calls is a preference, not a refusal
    assert allowed(anne.id) == {("newsletter", "email")}
    assert allowed(paul.id) == {("newsletter", "email"), ("offers", "sms")}
    # Re-importing adds nothing.
    before = count(carnet, s.consent_events)
    carnet.import_file(path)
    assert count(carnet, s.consent_events) == before


def test_a_note_that_the_post_came_back_marks_the_address_npai(
    carnet: Carnet, tmp_path: Path
) -> None:
    """An old CRM's "Notes" say "NPAI sur le dernier courrier": the address is flagged
    as an NPAI column flags it, so that no letter goes there again; a note about a
    parcel returned by the customer, or with no address beside it, flags nothing."""
    path = write_csv(
        tmp_path / "crm.csv",
        ["Nom", "Prénom", "Email", "Adresse", "CP", "Ville", "Notes"],
        [
            ["Roy", "Léon", "leon.roy@free.fr", "3 rue Haute", "45000", "Orléans",
             "NPAI sur le dernier courrier"],
            ["Caron", "Inès", "ines.caron@free.fr", "8 rue Basse", "45000", "Orléans",
             "Colis retourné, remboursée"],
            ["Perret", "Lola", "lola.perret@free.fr", "", "", "", "Courrier revenu"],
        ],
    )
    report = carnet.import_file(path)
    assert report.counts["inserted"] == 3
    found = {
        c.first_name: [(a.verdict, sorted(a.flags)) for a in c.addresses]
        for c in carnet.search_contacts("free.fr")
    }
    assert found == {"Léon": [("warning", ["npai"])], "Inès": [("valid", [])], "Lola": []}


def test_a_us_tool_s_dates_are_read_month_first(carnet: Carnet, tmp_path: Path) -> None:
    """An English event export writes "12/31/2024": every date of the file is month
    first, and John's birth date "07/04/1985" is the 4th of July, not 7 April. The
    import says so. A French file's "05/06/1990" stays 5 June."""
    us = write_csv(
        tmp_path / "event.csv",
        ["First Name", "Last Name", "Email", "Registration Date", "Date of Birth"],
        [["John", "Smith", "john.smith@example.co.uk", "12/31/2024", "07/04/1985"],
         ["Anna", "Muller", "anna.mueller@web.de", "02/03/2025", "03/02/1990"]],
        delimiter=",",
    )
    report = carnet.import_file(us)
    assert report.counts["inserted"] == 2
    [told] = [w for w in report.warnings if "month first" in w]
    assert "'12/31/2024'" in told
    born = {c.first_name: c.birth_date for c in carnet.search_contacts("example.co.uk")}
    born |= {c.first_name: c.birth_date for c in carnet.search_contacts("web.de")}
    assert born == {"John": date(1985, 7, 4), "Anna": date(1990, 3, 2)}
    french = write_csv(
        tmp_path / "clients.csv",
        ["Prénom", "Nom", "Email", "Date de naissance", "Date d'inscription"],
        [["Léa", "Roux", "lea.roux@free.fr", "05/06/1990", "31/12/2024"],
         ["Marc", "Petit", "marc.petit@free.fr", "02/03/1985", "12/31/2024"]],
    )
    report = carnet.import_file(french)
    assert not [w for w in report.warnings if "month first" in w]
    [lea] = carnet.search_contacts("lea.roux")
    assert lea.birth_date == date(1990, 6, 5)


def test_an_undated_yes_does_not_reopen_a_dated_unsubscribe(
    carnet: Carnet, tmp_path: Path
) -> None:
    """Mailchimp says Anna unsubscribed on 10/02/2024; a shop export of unknown age says
    "Newsletter: oui" with no date. That yes is no proof of a consent given since: Anna
    stays unsubscribed. A dated opt-in after the unsubscribe re-subscribes her; an undated
    "non" is no dated withdrawal, and a later undated "oui" still reopens it."""
    carnet.import_file(
        write_csv(
            tmp_path / "unsubscribed.csv",
            ["Email Address", "First Name", "UNSUB_TIME"],
            [["anna@free.fr", "Anna", "2024-02-10 09:00:00"]],
            delimiter=",",
        )
    )
    carnet.import_file(
        write_csv(tmp_path / "old.csv", ["Email", "Prénom", "Newsletter"],
                  [["bob@sfr.fr", "Bob", "oui"]])
    )
    carnet.import_file(
        write_csv(
            tmp_path / "shop.csv",
            ["Email", "Prénom", "Newsletter"],
            [["anna@free.fr", "Anna", "oui"], ["bob@sfr.fr", "Bob", "non"]],
        )
    )
    anna, bob = (carnet.search_contacts(n)[0] for n in ("anna", "bob"))
    assert not carnet.may_contact(anna.id, "newsletter", "email").allowed
    assert not carnet.may_contact(bob.id, "newsletter", "email").allowed
    carnet.import_file(
        write_csv(
            tmp_path / "form.csv",
            ["Email", "Prénom", "Newsletter", "Date d'inscription newsletter"],
            [["anna@free.fr", "Anna", "oui", "05/03/2024"]],
        )
    )
    assert carnet.may_contact(anna.id, "newsletter", "email").allowed
    carnet.import_file(
        write_csv(
            tmp_path / "shop2.csv",
            ["Email", "Prénom", "Newsletter"],
            [["bob@sfr.fr", "Bob", "oui"]],
        )
    )
    assert carnet.may_contact(bob.id, "newsletter", "email").allowed


def test_a_forms_consent_questions_and_answers_in_words(carnet: Carnet, tmp_path: Path) -> None:
    """A Google Forms download: questions for headers, a ticked box's label for a yes,
    a 12-hour "UTC+2" timestamp."""
    path = write_csv(
        tmp_path / "formulaire.csv",
        ["Horodateur", "Quelle est votre adresse e-mail ?", "Votre prénom",
         "Acceptez-vous de recevoir nos offres par SMS ?", "Numéro de mobile", "Consentement",
         "Je ne souhaite pas recevoir de courrier"],
        [["2024/05/02 10:11:12 PM UTC+2", "julie.blanc@yahoo.fr", "Julie", "Oui, avec plaisir",
          "06 12 34 56 78", "J'accepte de recevoir la newsletter", "Oui"],
         ["2024/05/03 9:00:00 AM UTC+2", "marc.noir@yahoo.fr", "Marc", "Non merci",
          "06 22 33 44 55", "", ""]],
        encoding="utf-8", delimiter=",",
    )
    report = carnet.import_file(path)
    assert [c.target for c in report.mapping.columns] == [
        "activity_date", "email", "first_name", "optin_sms", "mobile", "optin_newsletter",
        "optout_post",
    ]
    assert report.counts["inserted"] == 2 and report.counts.get("rejected", 0) == 0
    julie, marc = (carnet.search_contacts(n)[0] for n in ("julie", "marc"))
    history = sorted(
        (e["purpose"], e["channel"], e["action"]) for e in carnet.consent_history(julie.id)
    )
    # "no mail" refuses every purpose offered by post, partners' offers included
    assert history == [
        ("newsletter", "email", "granted"),
        ("offers", "post", "withdrawn"),
        ("offers", "sms", "granted"),
        ("partners", "post", "withdrawn"),
    ]
    assert carnet.may_contact(julie.id, "offers", "sms").allowed
    assert not carnet.may_contact(julie.id, "offers", "post").allowed
    # "Non merci", dated by the form's answer time, is kept as the refusal it is
    assert [
        (e["channel"], e["action"], str(e["occurred_at"])) for e in carnet.consent_history(marc.id)
    ] == [("sms", "withdrawn", "2024-05-03 07:00:00+00:00")]
    assert not carnet.may_contact(marc.id, "offers", "sms").allowed


def test_a_yes_to_our_newsletter_question_grants_it(carnet: Carnet, tmp_path: Path) -> None:
    """"Acceptez-vous de recevoir notre newsletter ?": the "not" that starts "notre" made
    the question a refusal, and every "Oui" an opposition to e-mail."""
    path = write_csv(
        tmp_path / "inscriptions.csv",
        ["Adresse e-mail", "Votre prénom", "Acceptez-vous de recevoir notre newsletter ?"],
        [["julie.blanc@yahoo.fr", "Julie", "Oui"], ["marc.noir@yahoo.fr", "Marc", "Non"]],
    )
    carnet.import_file(path)
    julie, marc = (carnet.search_contacts(n)[0] for n in ("julie", "marc"))
    assert [(e["purpose"], e["action"]) for e in carnet.consent_history(julie.id)] == [
        ("newsletter", "granted")
    ]
    assert carnet.may_contact(julie.id, "newsletter", "email").allowed
    assert carnet.consent_history(marc.id) == []  # a "non" to a consent never given
    assert not carnet.may_contact(marc.id, "newsletter", "email").allowed


def test_a_forms_answer_time_dates_its_consent(carnet: Carnet, tmp_path: Path) -> None:
    """A form's "Horodateur" dates the consent its row gives (it was the import's time),
    so a later "Non" of the same person wins over an earlier "Oui", in any row order,
    and importing the file again adds nothing."""
    path = write_csv(
        tmp_path / "reponses.csv",
        ["Horodateur", "Adresse e-mail", "Prénom", "J'accepte de recevoir la newsletter"],
        [["2024/05/02 10:11:12 PM UTC+2", "anne@free.fr", "Anne", "Oui"],
         ["01/03/2024 10:00", "bea@free.fr", "Bea", "Non"],
         ["01/01/2024 10:00", "bea@free.fr", "Bea", "Oui"]],
    )
    carnet.import_file(path)
    [anne] = carnet.search_contacts("anne@free.fr")
    [bea] = carnet.search_contacts("bea@free.fr")
    assert [str(e["occurred_at"]) for e in carnet.consent_history(anne.id)] == [
        "2024-05-02 20:11:12+00:00"
    ]
    assert [e["action"] for e in carnet.consent_history(bea.id)] == ["granted", "withdrawn"]
    assert not carnet.may_contact(bea.id, "newsletter", "email").allowed
    carnet.import_file(path)
    assert len(carnet.consent_history(bea.id)) == 2


def test_mailchimps_confirmation_time_records_the_double_opt_in(
    carnet: Carnet, tmp_path: Path
) -> None:
    """Mailchimp's subscribed export: OPTIN_TIME dates the grant, CONFIRM_TIME the
    confirmation of the double opt-in (it was dropped: no yes/no column said so)."""
    path = write_csv(
        tmp_path / "subscribed_members_export.csv",
        ["Email Address", "First Name", "OPTIN_TIME", "OPTIN_IP", "CONFIRM_TIME"],
        [["lea.petit@free.fr", "Léa", "2024-03-01 10:00:00", "81.2.3.4", "2024-03-01 10:05:00"]],
        encoding="utf-8", delimiter=",",
    )
    carnet.import_file(path)
    [lea] = carnet.search_contacts("lea.petit@free.fr")
    history = [(e["action"], str(e["occurred_at"])) for e in carnet.consent_history(lea.id)]
    # Mailchimp writes its times in UTC, not in the workspace's zone
    assert history == [
        ("granted", "2024-03-01 10:00:00+00:00"),
        ("confirmed", "2024-03-01 10:05:00+00:00"),
    ]


def test_times_without_an_offset_are_read_in_the_chosen_time_zone(
    carnet: Carnet, tmp_path: Path
) -> None:
    """A French export's "14:32" is Paris time, summer or winter; --timezone says
    otherwise for a file written elsewhere, and a zone nobody knows is refused."""
    path = write_csv(
        tmp_path / "inscriptions.csv",
        ["Email", "Prénom", "Date d'inscription", "Date opt-in"],
        [["hiver@free.fr", "Anne", "12/01/2024 14:32", "12/01/2024 14:33:05"],
         ["ete@free.fr", "Marc", "12/07/2024 14:32", "2024-07-12T14:33:05Z"]],
    )
    report = carnet.import_file(path)
    assert report.timezone == "Europe/Paris"
    winter = carnet.search_contacts("hiver@free.fr")[0]
    summer = carnet.search_contacts("ete@free.fr")[0]
    assert winter.first_seen == datetime(2024, 1, 12, 13, 32, tzinfo=UTC)
    assert summer.first_seen == datetime(2024, 7, 12, 12, 32, tzinfo=UTC)
    # a written offset wins over the zone
    [event] = carnet.consent_history(summer.id)
    assert event["occurred_at"] == datetime(2024, 7, 12, 14, 33, 5, tzinfo=UTC)
    assert carnet.import_file(path).counts["unchanged"] == 2

    martinique = write_csv(
        tmp_path / "boutique_fdf.csv",
        ["Email", "Prénom", "Date d'inscription"],
        [["fdf@orange.mq", "Line", "12/01/2024 14:32"]],
    )
    assert carnet.import_file(martinique, timezone="America/Martinique").timezone == (
        "America/Martinique"
    )
    line = carnet.search_contacts("fdf@orange.mq")[0]
    assert line.first_seen == datetime(2024, 1, 12, 18, 32, tzinfo=UTC)
    with pytest.raises(InvalidValueError, match=r"Unknown time zone 'Paris'.*Europe/Paris"):
        carnet.import_file(martinique, timezone="Paris")


def test_a_national_number_on_a_row_abroad_is_that_countrys(carnet: Carnet, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "clients.csv",
        ["Nom", "Prénom", "Téléphone", "CP", "Ville", "Pays"],
        [["Peeters", "Jan", "0470 12 34 56", "1000", "Bruxelles", "Belgique"],
         ["Dubois", "Luc", "06 12 34 56 78", "1000", "Bruxelles", "Belgique"],
         ["Keller", "Anna", "079 123 45 67", "8001", "Zürich", "Suisse"],
         ["Durand", "Paul", "04 70 12 34 56", "03100", "Montluçon", "France"],
         ["Müller", "Anna", "0151 23456789", "10115", "Berlin", "Allemagne"]],
    )
    report = carnet.import_file(path)
    # the verdict table counts what was stored: the German mobile, no French number
    # refused ("0151 23456789" is invalid in France)
    assert report.verdicts["phone"] == {"valid": 5}

    def phone(name: str) -> str | None:
        [contact] = carnet.search_contacts(name)
        [point] = carnet.get_contact(contact.id).points_of("phone")
        return point.normalised

    # a Belgian mobile, not a landline of the Allier (+33 4 70 …)
    assert phone("Peeters") == "+32470123456"
    # a French mobile the row's country does not know stays French
    assert phone("Dubois") == "+33612345678"
    assert phone("Keller") == "+41791234567"
    assert phone("Durand") == "+33470123456"
    assert phone("Müller") == "+4915123456789"


def test_a_four_digit_postcode_beside_a_belgian_or_swiss_city_is_not_french(
    carnet: Carnet, tmp_path: Path
) -> None:
    """No country column: "1050 Bruxelles" is Ixelles, not 01050 with its 0 lost, and the
    row's phone is read as a Belgian one; "1000 Bourg-en-Bresse" is French."""
    path = write_csv(
        tmp_path / "clients.csv",
        ["Nom", "Prénom", "Adresse", "CP", "Ville", "Téléphone"],
        [["Peeters", "Jan", "15 avenue Louise", "1050", "Bruxelles", "02 512 34 56"],
         ["Keller", "Anna", "3 rue du Rhône", "1204", "Genève", "022 310 12 34"],
         ["Martin", "Luc", "2 rue Bichat", "1000", "Bourg-en-Bresse", "04 74 12 34 56"]],
    )
    carnet.import_file(path)

    def point(name: str, kind: str) -> tuple[str | None, str | None]:
        [contact] = carnet.search_contacts(name)
        [found] = carnet.get_contact(contact.id).points_of(kind)
        return found.normalised, found.country

    assert point("Peeters", "address")[1] == "BE"
    assert point("Peeters", "phone")[0] == "+3225123456"
    assert point("Keller", "address")[1] == "CH"
    assert point("Keller", "phone")[0] == "+41223101234"
    key, country = point("Martin", "address")
    assert country == "FR"
    assert "01000" in str(key)


def test_a_british_or_dutch_postcode_puts_the_address_abroad(
    carnet: Carnet, tmp_path: Path
) -> None:
    """No country column: "SW1A 2AA" is a London postcode and "1012 AB" an Amsterdam one (no
    French code has letters); the address is theirs, valid, and so is the row's phone."""
    path = write_csv(
        tmp_path / "leads.csv",
        ["Nom", "Prénom", "Adresse", "CP", "Ville", "Téléphone"],
        [["Smith", "John", "10 Downing Street", "SW1A 2AA", "London", "020 7946 0958"],
         ["de Vries", "Anouk", "Damrak 1", "1012 AB", "Amsterdam", ""],
         ["Martin", "Luc", "2 rue Bichat", "75O11", "Paris", ""]],
    )
    carnet.import_file(path)

    def address(name: str) -> tuple[str | None, str | None, str]:
        [contact] = carnet.search_contacts(name)
        [found] = carnet.get_contact(contact.id).points_of("address")
        return found.postcode, found.country, found.verdict

    assert address("Smith") == ("SW1A 2AA", "GB", "valid")
    assert address("Vries") == ("1012 AB", "NL", "valid")
    assert address("Martin")[:2] == ("75011", "FR")  # a letter O for a zero stays French
    [smith] = carnet.search_contacts("Smith")
    assert [p.normalised for p in carnet.get_contact(smith.id).phones] == ["+442079460958"]


def test_a_company_in_the_civility_column_is_an_organisation(
    carnet: Carnet, tmp_path: Path
) -> None:
    """Accounting and old CRM exports write "Société" or the legal form as the civility
    and the company's name in the name columns."""
    path = write_csv(
        tmp_path / "clients.csv",
        ["Civilité", "Nom", "Prénom", "Email", "Ville"],
        [["Société", "ACME SARL", "", "contact@acme.fr", "Paris"],
         ["Mairie", "de Villeurbanne", "", "accueil@mairie-villeurbanne.fr", "Villeurbanne"],
         ["M.", "Dupont", "Jean", "jean.dupont@free.fr", "Lyon"],
         # no civility, no first name: a legal form ends the name
         ["", "Dupont et Fils SAS", "", "compta@dupont-fils.fr", "Lyon"]],
    )
    report = carnet.import_file(path)
    assert report.counts["inserted"] == 4

    def contact_of(email: str) -> Any:
        with carnet.engine.connect() as conn:
            contact_id = conn.execute(
                sa.select(s.contact_points.c.contact_id).where(
                    s.contact_points.c.normalised == email
                )
            ).scalar_one()
        return carnet.get_contact(contact_id)

    acme = contact_of("contact@acme.fr")
    assert (acme.first_name, acme.last_name, acme.civility) == (None, None, None)
    assert acme.organisation_id is not None
    assert carnet.get_organisation(acme.organisation_id).name == "ACME SARL"
    assert acme.attributes["legal_form"] == "Société"
    town = contact_of("accueil@mairie-villeurbanne.fr")
    assert town.organisation_id is not None
    assert carnet.get_organisation(town.organisation_id).name == "Mairie de Villeurbanne"
    jean = contact_of("jean.dupont@free.fr")
    assert (jean.civility, jean.last_name, jean.organisation_id) == ("M.", "Dupont", None)
    firm = contact_of("compta@dupont-fils.fr")
    assert firm.last_name is None and firm.organisation_id is not None
    assert carnet.get_organisation(firm.organisation_id).name == "Dupont et Fils SAS"
    assert "legal_form" not in firm.attributes
    # a company's row with no e-mail or phone is kept by its name, as a person's by theirs
    again = write_csv(tmp_path / "fournisseurs.csv", ["Civilité", "Nom", "Ville"],
                      [["SARL", "Boulangerie Martin", "Lyon"]])
    report = carnet.import_file(again)
    assert (report.counts["inserted"], report.counts["rejected"]) == (1, 0)
    assert [o.name for o in carnet.list_organisations(limit=10).items
            if o.name == "Boulangerie Martin"] == ["Boulangerie Martin"]
    # the civility "SARL" is the organisation's legal form (was the contact's attribute)
    forms = {o.name: o.legal_form for o in carnet.list_organisations(limit=10).items}
    assert forms["Boulangerie Martin"] == "SARL" and forms["ACME SARL"] == "SARL"
    assert forms["Mairie de Villeurbanne"] is None


def test_a_membership_export_keeps_the_payer_apart(carnet: Carnet, tmp_path: Path) -> None:
    """HelloAsso: a parent pays a child's membership; the member is the contact."""
    path = write_csv(
        tmp_path / "adhesions.csv",
        ["Référence commande", "Date de la commande", "Nom adhérent", "Prénom adhérent",
         "Nom payeur", "Prénom payeur", "Email payeur", "Email", "Montant tarif"],
        [["1001", "12/09/2024", "Garnier", "Louise", "Garnier", "Paul", "paul.garnier@free.fr",
          "louise.garnier@gmail.com", "120,00"]],
    )
    report = carnet.import_file(path)
    assert report.counts["inserted"] == 1
    [louise] = carnet.search_contacts("louise")
    assert (louise.first_name, louise.last_name) == ("Louise", "Garnier")
    assert louise.attributes["prenom_payeur"] == "Paul"
    assert louise.attributes["email_payeur"] == "paul.garnier@free.fr"
    emails = carnet.get_contact(louise.id).points_of("email")
    assert [p.normalised for p in emails] == ["louise.garnier@gmail.com"]


def test_consent_dates_belong_to_the_files_only_flag(carnet: Carnet, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "sms.csv",
        ["Téléphone", "Nom", "Prénom", "Opt-in SMS", "Date de consentement"],
        [["06 12 34 56 78", "Martin", "Anna", "oui", "05/01/2024"]],
    )
    carnet.import_file(path)
    anna = carnet.search_contacts("anna")[0]
    [event] = carnet.consent_history(anna.id)
    # An SMS list with dates: the dates are the SMS consent's, and no newsletter
    # consent is made up from them.
    assert (event["purpose"], event["channel"], event["action"]) == ("offers", "sms", "granted")
    assert event["occurred_at"].date().isoformat() == "2024-01-05"


def test_an_sms_stop_list_withdraws_sms_not_an_email_nobody_gave(
    carnet: Carnet, tmp_path: Path
) -> None:
    # An SMS provider's STOP list: numbers and their opt-out dates, no flag, no e-mail.
    path = write_csv(
        tmp_path / "stop.csv",
        ["Numéro", "Date de désinscription", "Campagne"],
        [["33612345678", "2026-11-15 18:03:11", "Black Friday"],
         ["33698765432", "2026-11-16 09:12:45", "Black Friday"],
         ["33788990011", "2026-11-20 20:00:00", "Noël"]],
    )
    carnet.import_file(path)
    with carnet.engine.connect() as conn:
        contact_id = conn.execute(sa.select(sa.func.min(s.contacts.c.id))).scalar_one()
    [event] = carnet.consent_history(contact_id)
    assert (event["purpose"], event["channel"], event["action"]) == ("offers", "sms", "withdrawn")
    assert event["occurred_at"].date().isoformat() == "2026-11-15"


def test_a_rib_in_four_columns_is_the_iban_never_kept_in_clear(
    carnet: Carnet, tmp_path: Path
) -> None:
    """Sage's and EBP's bank details: code banque, code guichet, n° compte, clé RIB. They
    were four custom attributes in clear; they are the contact's encrypted IBAN when the
    key agrees (a spreadsheet's lost zeros put back), masked when it does not."""
    path = write_csv(
        tmp_path / "tiers.csv",
        ["Nom", "Prénom", "Email", "Code banque", "Code guichet", "N° compte", "Clé RIB"],
        [["Durand", "Pierre", "p.durand@free.fr", "30006", "1", "12345678901", "89"],
         ["Roux", "Anne", "a.roux@free.fr", "30006", "00001", "12345678901", "88"],
         ["Petit", "Luc", "luc.petit@free.fr", "", "", "", ""]],
    )
    assert carnet.import_file(path).counts["inserted"] == 3
    people = {c.last_name: c for c in carnet.search_contacts("")}
    assert carnet.reveal_iban(people["Durand"].id) == "FR7630006000011234567890189"
    assert not people["Roux"].has_iban and not people["Petit"].has_iban
    assert "iban" in people["Roux"].attributes["invalid_values"]
    with carnet.engine.connect() as conn:
        rows = conn.execute(sa.select(s.import_rows.c.raw)).scalars().all()
        attributes = conn.execute(sa.select(s.contacts.c.attributes)).scalars().all()
    stored = json.dumps([*rows, *attributes], default=str)
    assert "12345678901" not in stored and "code_banque" not in stored


def test_customer_numbers_excel_wrote_in_scientific_notation_join_no_one(
    carnet: Carnet, tmp_path: Path
) -> None:
    """"4,11000E+11" is what Excel shows of two different 12-digit customer numbers:
    it was taken as one id and merged Paul into Marie. It is refused as an id (with
    what to do); a number written with all its digits is read."""
    path = write_csv(
        tmp_path / "clients.csv",
        ["Code client", "N° carte", "Nom", "Prénom", "Email"],
        [["4,11000E+11", "2.900001234567E+12", "Martin", "Paul", "paul.martin@gmail.com"],
         ["4,11000E+11", "2,90000E+12", "Durand", "Marie", "marie.durand@gmail.com"]],
    )
    report = carnet.import_file(path)
    assert report.counts["inserted"] == 2
    assert report.verdicts["external_id"]["invalid"] == 2
    people = {c.last_name: c for c in carnet.search_contacts("")}
    assert people["Martin"].loyalty_id == "2900001234567"
    assert people["Durand"].loyalty_id is None
    assert people["Durand"].attributes["invalid_values"]["loyalty_id"] == "2,90000E+12"


def test_a_time_in_a_column_of_its_own_gives_the_call_its_time(
    carnet: Carnet, tmp_path: Path
) -> None:
    """A call centre's "Date d'appel" and "Heure": the call was dated midnight UTC and
    its time kept apart as text; it is 09:14 Paris time (a spreadsheet's date cell,
    "2026-12-02 00:00:00", takes the time too; a date with its own time keeps it)."""
    path = write_csv(
        tmp_path / "appels.csv",
        ["Date d'appel", "Heure", "Email", "Commentaire"],
        [["02/12/2026", "09:14:22", "paul@free.fr", "Colis non reçu"],
         ["2026-07-02 00:00:00", "14:05", "anne@free.fr", "Rappel"],
         ["03/12/2026 10:00", "18:00", "luc@free.fr", "Devis"]],
    )
    carnet.import_file(path)
    with carnet.engine.connect() as conn:
        moments = conn.execute(
            sa.select(s.events.c.type, s.events.c.occurred_at).order_by(s.events.c.id)
        ).all()
    assert [(t, m.replace(tzinfo=None).isoformat(" ")) for t, m in moments] == [
        ("call_note", "2026-12-02 08:14:22"),
        ("call_note", "2026-07-02 12:05:00"),
        ("call_note", "2026-12-03 09:00:00"),
    ]


def test_consent_and_sign_up_moments_keep_their_time(carnet: Carnet, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "newsletter.csv",
        ["email", "first_name", "opt_in_at", "created_at"],
        [["anna@free.fr", "Anna", "2023-02-01T10:00:00+01:00", "05/01/2022 14:02:11"]],
        encoding="utf-8", delimiter=",",
    )
    carnet.import_file(path)
    anna = carnet.search_contacts("anna")[0]
    [event] = carnet.consent_history(anna.id)
    # The offset is honoured (10:00 in Paris is 09:00 UTC); a time without one is the
    # workspace's (France: 14:02 in Paris in January is 13:02 UTC).
    assert event["occurred_at"] == datetime(2023, 2, 1, 9, 0, tzinfo=UTC)
    assert anna.first_seen == datetime(2022, 1, 5, 13, 2, 11, tzinfo=UTC)
    assert carnet.import_file(path).counts["unchanged"] == 1
    assert count(carnet, s.consent_events) == 1


def test_orders_attach_to_customers_by_number_and_survey_becomes_events(
    carnet: Carnet, eshop_csv: Path, tmp_path: Path
) -> None:
    carnet.import_file(eshop_csv, id_column="N° client")
    orders = write_csv(
        tmp_path / "orders.csv",
        ["order_id", "customer_number", "email", "order_date", "sku", "product_name", "quantity",
         "unit_price", "line_total"],
        [["A1", "C001", "", "2024-03-01", "TSH", "T-shirt", "2", "19,90", "39,80"],
         ["A1", "C001", "", "2024-03-01", "CAP", "Casquette", "1", "12.50", "12.50"],
         ["A2", "C999", "", "2024-03-02", "TSH", "T-shirt", "1", "19,90", "19,90"]],
        encoding="utf-8", delimiter=",",
    )
    report = carnet.import_file(orders)
    assert report.counts["merged"] == 2 and report.counts["rejected"] == 1
    jp = carnet.search_contacts("dupont")[0]
    [order] = carnet.list_orders(jp.id)
    assert str(order.total_amount) == "52.30" and len(order.lines) == 2
    assert carnet.import_file(orders).counts["rejected"] == 1
    assert len(carnet.list_orders(jp.id)[0].lines) == 2
    survey = write_csv(
        tmp_path / "survey.csv",
        ["Horodateur", "Adresse e-mail", "Prénom",
         "Sur une échelle de 0 à 10, recommanderiez-vous notre boutique ?", "Un commentaire ?"],
        [["05/03/2024 14:02:11", "jp.dupont@gmail.com", "Jean-Pierre", "9", "Top"]],
        encoding="utf-8", delimiter=",",
    )
    carnet.import_file(survey)
    events = carnet.list_events(jp.id, type="nps")
    assert events[0]["value"] == 9 and events[0]["properties"]["comment"] == "Top"


def test_the_id_column_of_an_order_sheet_names_the_buyer(
    carnet: Carnet, eshop_csv: Path, tmp_path: Path
) -> None:
    """One --id-column for a workbook's customers and orders ("N° client" on both sheets):
    on the order sheet it names the buyer. Every order line was rejected as a person with
    no name; a line whose buyer is missing says what to do."""
    carnet.import_file(eshop_csv, id_column="N° client")
    orders = write_csv(
        tmp_path / "commandes.csv",
        ["N° commande", "N° client", "Date", "Produit", "Qté", "Total TTC"],
        [["A1", "C001", "01/03/2024", "T-shirt", "2", "39,80"],
         ["A2", "C999", "02/03/2024", "T-shirt", "1", "19,90"]],
    )
    report = carnet.import_file(orders, id_column="N° client")
    assert report.mapping.to_json()["N° client"] == "customer_ref"
    assert report.counts["merged"] == 1 and report.counts["rejected"] == 1
    assert len(carnet.list_orders(carnet.search_contacts("dupont")[0].id)) == 1
    lines = write_csv(
        tmp_path / "lignes.csv",
        ["N° commande", "Date", "Produit", "Total TTC"], [["A3", "03/03/2024", "Cap", "9,90"]],
    )
    rejected = tmp_path / "lignes.rejected.csv"
    assert carnet.import_file(lines).counts["rejected"] == 1
    assert "an order line with no buyer" in rejected.read_text("utf-8-sig")


def _orders(ws: Carnet) -> dict[str, Any]:
    """external_ref → (status, currency, total, line amounts) of every order."""
    with ws.engine.connect() as conn:
        orders = conn.execute(
            sa.select(s.orders.c.id, s.orders.c.external_ref, s.orders.c.status,
                      s.orders.c.currency, s.orders.c.total_amount)
        ).all()
        lines = conn.execute(
            sa.select(s.order_lines.c.order_id, s.order_lines.c.amount)
            .order_by(s.order_lines.c.id)
        ).all()
    return {
        o.external_ref: (o.status, o.currency, str(Decimal(o.total_amount).quantize(CENT)),
                         [str(Decimal(a).quantize(CENT)) for oid, a in lines if oid == o.id])
        for o in orders
    }


CENT = Decimal("0.01")


def test_an_orders_status_and_currency_are_the_files(carnet: Carnet, tmp_path: Path) -> None:
    header = ["Order ID", "Order Date", "Order Status", "Billing Email Address", "Order Currency",
              "Item Name", "SKU", "Quantity", "Item Cost", "Order Total Amount"]
    rows = [
        ["101", "2024-03-12 10:11", "wc-completed", "paul.martin@orange.fr", "EUR",
         "T-shirt", "TS-B", "2", "12.50", "40.00"],
        ["101", "2024-03-12 10:11", "wc-completed", "paul.martin@orange.fr", "EUR",
         "Casquette", "CAP-1", "1", "15.00", "40.00"],
        ["102", "2024-03-13 11:00", "wc-refunded", "claire.durand@free.fr", "€",
         "Manteau", "MT-1", "1", "120.00", "120.00"],
        ["103", "2024-03-14 09:00", "wc-processing", "john.smith@example.com", "usd",
         "T-shirt", "TS-B", "1", "14.00", "14.00"],
        ["104", "2024-03-15 09:00", "Annulée", "anne.leroy@gmail.com", "Zorglub",
         "Chaise", "CH-1", "1", "80.00", "80.00"],
        ["105", "2024-03-16 09:00", "Quelque chose", "anne.leroy@gmail.com", "£",
         "Chaise", "CH-1", "1", "80.00", "80.00"],
    ]
    path = write_csv(tmp_path / "woo.csv", header, rows, encoding="utf-8", delimiter=",")
    report = carnet.import_file(path)
    assert report.counts["rejected"] == 0
    assert _orders(carnet) == {
        "101": ("shipped", "EUR", "40.00", ["25.00", "15.00"]),
        "102": ("refunded", "EUR", "120.00", ["120.00"]),
        "103": ("paid", "USD", "14.00", ["14.00"]),
        "104": ("cancelled", "EUR", "80.00", ["80.00"]),
        "105": ("placed", "GBP", "80.00", ["80.00"]),
    }
    with carnet.engine.connect() as conn:
        reasons = {
            r.row_number: r.reason
            for r in conn.execute(sa.select(s.import_rows.c.row_number, s.import_rows.c.reason))
        }
    assert "currency 'Zorglub' not understood" in reasons[5]
    assert "order status 'Quelque chose' not understood" in reasons[6]
    # The shop's later export says order 103 was refunded: the order is.
    rows[3][2] = "wc-refunded"
    carnet.import_file(write_csv(tmp_path / "woo.csv", header, rows, encoding="utf-8",
                                 delimiter=","))
    assert _orders(carnet)["103"] == ("refunded", "USD", "14.00", ["14.00"])
    assert count(carnet, s.order_lines) == 6


def test_an_amount_written_with_its_currency_gives_the_orders_currency(
    carnet: Carnet, tmp_path: Path
) -> None:
    """A Swiss shop writes "15,00 CHF": the order is 15.00 in CHF, not a rejected amount
    in EUR. A currency column of the row says more than the amount's sign."""
    path = write_csv(
        tmp_path / "commandes.csv",
        ["N° commande", "Date", "Email", "Produit", "Quantité", "Prix unitaire", "Devise"],
        [["CH-1", "12/03/2024", "anna.keller@bluewin.ch", "Montre", "1", "15,00 CHF", ""],
         ["CH-2", "13/03/2024", "anna.keller@bluewin.ch", "Bracelet", "2", "CHF 1'234.50", ""],
         ["US-1", "14/03/2024", "john.smith@example.com", "T-shirt", "1", "$14.00", ""],
         ["EU-1", "15/03/2024", "paul.martin@orange.fr", "Chaise", "1", "80,00", ""],
         ["GB-1", "16/03/2024", "paul.martin@orange.fr", "Chaise", "1", "80,00 €", "GBP"]],
    )
    report = carnet.import_file(path)
    assert report.counts["rejected"] == 0
    assert _orders(carnet) == {
        "CH-1": ("placed", "CHF", "15.00", ["15.00"]),
        "CH-2": ("placed", "CHF", "2469.00", ["2469.00"]),
        "US-1": ("placed", "USD", "14.00", ["14.00"]),
        "EU-1": ("placed", "EUR", "80.00", ["80.00"]),
        "GB-1": ("placed", "GBP", "80.00", ["80.00"]),
    }


def test_a_shops_order_total_is_the_orders_and_lines_are_price_times_quantity(
    carnet: Carnet, tmp_path: Path
) -> None:
    # Shopify: "Total" (shipping, taxes and discount included) on the order's first line.
    path = write_csv(
        tmp_path / "shopify.csv",
        ["Name", "Email", "Financial Status", "Currency", "Total", "Created at",
         "Lineitem quantity", "Lineitem name", "Lineitem price", "Lineitem sku"],
        [["#1001", "paul.martin@orange.fr", "paid", "EUR", "42.50", "2024-03-12 10:11:12 +0100",
          "2", "T-shirt bleu", "12.50", "TS-B"],
         ["#1001", "paul.martin@orange.fr", "", "", "", "2024-03-12 10:11:12 +0100",
          "1", "Casquette", "15.00", "CAP-1"],
         ["#1002", "claire.durand@free.fr", "refunded", "EUR", "120.00",
          "2024-03-13 11:00:00 +0100", "1", "Manteau", "120.00", "MT-1"],
         ["#1003", "john.smith@example.com", "voided", "USD", "14.00",
          "2024-03-14 09:00:00 -0500", "1", "T-shirt bleu", "14.00", "TS-B"]],
        encoding="utf-8", delimiter=",",
    )
    # In batches of one line: the order's second line does not undo its given total.
    carnet.import_file(path, batch_size=1)
    expected = {
        "#1001": ("paid", "EUR", "42.50", ["25.00", "15.00"]),
        "#1002": ("refunded", "EUR", "120.00", ["120.00"]),
        "#1003": ("cancelled", "USD", "14.00", ["14.00"]),
    }
    assert _orders(carnet) == expected
    carnet.import_file(path)
    assert _orders(carnet) == expected


def test_a_french_order_file_reads_its_ttc_amounts(carnet: Carnet, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "commandes.csv",
        ["N° commande", "Date commande", "Email", "Nom", "Prénom", "Produit", "Quantité",
         "Prix unitaire TTC", "Total HT", "Total TTC", "Devise", "Statut"],
        [["C1", "12/03/2024", "paul.martin@orange.fr", "Martin", "Paul", "T-shirt", "2",
          "12,00", "20,00", "24,00", "EUR", "Livrée"],
         ["C2", "13/03/2024", "claire.durand@free.fr", "Durand", "Claire", "Manteau", "1",
          "120,00", "100,00", "120,00", "EUR", "Annulée"],
         ["C3", "14/03/2024", "claire.durand@free.fr", "Durand", "Claire", "Manteau", "1",
          "120,00", "100,00", "120,00", "EUR", "Remboursée"],
         ["C4", "15/03/2024", "john@example.com", "Smith", "John", "Mug", "1",
          "10,00", "10,00", "10,00", "USD", "Payée"]],
        encoding="utf-8",
    )
    carnet.import_file(path)
    assert _orders(carnet) == {
        "C1": ("shipped", "EUR", "24.00", ["24.00"]),
        "C2": ("cancelled", "EUR", "120.00", ["120.00"]),
        "C3": ("refunded", "EUR", "120.00", ["120.00"]),
        "C4": ("paid", "USD", "10.00", ["10.00"]),
    }
    paul = carnet.search_contacts("paul.martin@orange.fr")[0]
    assert paul.attributes["total_ht"] == "20,00"
    assert "statut" not in paul.attributes and "devise" not in paul.attributes


def test_a_prestashop_order_list_gives_orders(carnet: Carnet, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "prestashop.csv",
        ["ID", "Référence", "Nouveau client", "Client", "Total", "Paiement", "État", "Date",
         "Total HT", "Email"],
        [["12", "XKBKNABJK", "1", "P. Martin", "42,50 €", "Carte bancaire", "Livré",
          "12/03/2024 10:11:12", "35,42", "paul.martin@orange.fr"],
         ["13", "OHSATSERP", "0", "C. Durand", "120,00 €", "Chèque", "Remboursé",
          "13/03/2024 11:00", "100,00", "claire.durand@free.fr"]],
    )
    report = carnet.import_file(path)
    assert report.counts["inserted"] == 2
    assert _orders(carnet) == {
        "XKBKNABJK": ("shipped", "EUR", "42.50", ["42.50"]),
        "OHSATSERP": ("refunded", "EUR", "120.00", ["120.00"]),
    }
    paul = carnet.search_contacts("paul.martin@orange.fr")[0]
    # The order's id is no customer number.
    assert paul.attributes["id"] == "12"
    with carnet.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(s.external_ids)).scalar() == 0
    [order] = carnet.list_orders(paul.id)
    assert order.ordered_at == datetime(2024, 3, 12, 9, 11, 12, tzinfo=UTC)  # 10:11 in Paris


def test_abandoned_carts_are_carts_not_orders(carnet: Carnet, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "paniers.csv",
        ["Date", "Client", "Email", "Panier abandonné", "Montant panier", "Produits", "Relancé"],
        [["12/03/2024 10:11", "Paul Martin", "paul.martin@orange.fr", "Oui", "59,90 €",
          "T-shirt bleu x2, Casquette", "Non"],
         ["13/03/2024 21:05", "Claire Durand", "claire.durand@free.fr", "Oui", "120 €",
          "Manteau", "Oui"]],
        encoding="utf-8",
    )
    carnet.import_file(path)
    assert count(carnet, s.orders) == 0
    with carnet.engine.connect() as conn:
        carts = conn.execute(
            sa.select(s.carts.c.status, s.carts.c.total_amount, s.carts.c.lines,
                      s.carts.c.created_at).order_by(s.carts.c.id)
        ).all()
    assert [(c.status, str(Decimal(c.total_amount).quantize(CENT))) for c in carts] == [
        ("abandoned", "59.90"), ("abandoned", "120.00"),
    ]
    assert carts[0].lines == [{"product_name": "T-shirt bleu x2, Casquette"}]
    paul = carnet.search_contacts("paul.martin@orange.fr")[0]
    assert paul.last_activity == datetime(2024, 3, 12, 9, 11, tzinfo=UTC)  # 10:11 in Paris
    carnet.import_file(path)
    assert count(carnet, s.carts) == 2


def test_preview_writes_nothing_and_gives_the_counts(carnet: Carnet, eshop_csv: Path) -> None:
    report = carnet.preview_import(eshop_csv, id_column="N° client")
    assert report.preview and report.counts["inserted"] == 5 and report.counts["rejected"] == 1
    assert report.sample and report.sample[0]["points"]
    assert count(carnet, s.contacts) == 0 and count(carnet, s.imports) == 0
    assert json.dumps(report.to_dict(), default=str)


def test_every_sheet_of_a_workbook_is_its_own_source(carnet: Carnet, tmp_path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    first = book.active
    assert first is not None
    first.title = "Salon Lyon"
    first.append(["First name", "Last name", "Email"])
    first.append(["Anne", "Roux", "anne.roux@free.fr"])
    second = book.create_sheet("Salon Paris")
    second.append(["Prénom", "Nom", "Courriel"])
    second.append(["Marc", "Blanc", "marc.blanc@orange.fr"])
    second.append(["Anne", "Roux", "anne.roux@free.fr"])
    path = tmp_path / "salons.xlsx"
    book.save(path)
    reports = carnet.import_files([path], sheet="*")
    assert [r.source for r in reports] == ["salons:Salon Lyon", "salons:Salon Paris"]
    assert [r.counts["inserted"] for r in reports] == [1, 1]
    assert reports[1].counts["merged"] == 1


def test_export_is_formula_safe_with_raw_values_and_afnor_lines(
    carnet: Carnet, eshop_csv: Path, tmp_path: Path
) -> None:
    carnet.import_file(eshop_csv, id_column="N° client")
    carnet.add_contact({"job_title": "=HYPERLINK(1)", "last_name": "Evil",
                        "email": "evil@free.fr"}, strict=False)
    out = tmp_path / "out.csv"
    count = carnet.export_contacts(
        out,
        fields=["id", "job_title", "email", "phone", "afnor_line1", "afnor_line4"],
        raw=True,
    )
    assert count == 6
    with out.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter=";"))
    assert rows[0]["email_raw"] == " JP.Dupont@Gmail.com "
    assert rows[0]["email"] == "jp.dupont@gmail.com"
    assert rows[0]["phone"] == "+33612345678"  # a plain signed number stays as it is
    assert rows[0]["afnor_line1"] == "M. Jean-Pierre Dupont"
    assert rows[0]["afnor_line4"] is not None
    evil = next(r for r in rows if r["email"] == "evil@free.fr")
    assert evil["job_title"] == "'=HYPERLINK(1)"
    audit = carnet.audit_entries(action="export")
    assert audit and audit[0].count == 6


def test_cells_saying_no_value_and_excel_errors_give_no_point(
    carnet: Carnet, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "clients.csv",
        ["Nom", "Prénom", "Email", "Téléphone", "CP", "Ville"],
        [
            ["Roy", "Léon", "néant", "0", "#VALUE!", "néant"],
            ["Caron", "Inès", "pas d'email", "non communiqué", '="01000"', "#N/A"],
            ["Giraud", "Max", "x", "RAS", "x", "Bourg-en-Bresse"],
        ],
        encoding="utf-8",
        delimiter=";",
    )
    report = carnet.import_file(path)
    assert report.counts["inserted"] == 3
    for field in ("email", "phone", "city"):
        assert "invalid" not in report.verdicts[field], field
    found = {
        c.first_name: (
            [e.raw for e in c.emails],
            [p.raw for p in c.phones],
            [(a.postcode, a.city) for a in c.addresses],
            c.attributes.get("invalid_values"),
        )
        for c in carnet.search_contacts("")
    }
    assert found == {
        "Léon": ([], [], [], None),
        "Inès": ([], [], [("01000", None)], None),
        "Max": ([], [], [(None, "Bourg-en-Bresse")], None),
    }
    with carnet.engine.connect() as conn:
        rows = dict(
            conn.execute(
                sa.select(s.import_rows.c.row_number, s.import_rows.c.reason)
            ).all()
        )
        raw = conn.execute(
            sa.select(s.import_rows.c.raw).where(s.import_rows.c.row_number == 1)
        ).scalar_one()
    assert "'CP': the spreadsheet's error #VALUE! read as no value" in rows[1]
    assert "'Ville': the spreadsheet's error #N/A read as no value" in rows[2]
    # the cells are kept as the file wrote them
    assert raw["Email"] == "néant" and raw["CP"] == "#VALUE!"


def test_totals_and_footer_rows_are_rejected_not_contacts(carnet: Carnet, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "export.csv",
        ["Nom", "Prénom", "Email", "Montant"],
        [
            ["Martin", "Paul", "paul.martin@orange.fr", "12"],
            ["Durand", "Claire", "claire.durand@free.fr", "30"],
            ["TOTAL", "", "", "42"],
            ["Total général", "", "", "42"],
            ["Sous-total", "", "", "42"],
            ["Fin de liste", "", "", ""],
            ["Nombre de clients", "", "", "2"],
        ],
        encoding="utf-8",
        delimiter=";",
    )
    report = carnet.import_file(path)
    assert (report.counts["inserted"], report.counts["rejected"]) == (2, 5)
    assert sorted(c.last_name for c in carnet.search_contacts("")) == ["Durand", "Martin"]
    with carnet.engine.connect() as conn:
        reasons = dict(
            conn.execute(
                sa.select(s.import_rows.c.row_number, s.import_rows.c.reason).where(
                    s.import_rows.c.outcome == "rejected"
                )
            ).all()
        )
    assert sorted(reasons) == [3, 4, 5, 6, 7]
    assert all("a totals, footer or section row" in str(r) for r in reasons.values())


def test_a_group_heading_of_a_workbook_is_no_contact(carnet: Carnet, tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Nom", "Prénom", "Email"])
    sheet.append(["Agence de Lyon"])
    sheet.append(["Martin", "Paul", "paul.martin@orange.fr"])
    sheet.append(["Agence de Nice"])
    sheet.append(["Durand", "Claire", "claire.durand@free.fr"])
    path = tmp_path / "clients.xlsx"
    book.save(path)
    report = carnet.import_file(path)
    assert (report.counts["inserted"], report.counts["rejected"]) == (2, 2)


def test_json_lists_give_one_point_per_item_and_tags_as_a_list(
    carnet: Carnet, tmp_path: Path
) -> None:
    path = tmp_path / "api.json"
    path.write_text(
        json.dumps(
            [
                {"first_name": "Paul", "last_name": "Martin",
                 "email": [{"label": "work", "value": "paul.martin@orange.fr", "primary": True}],
                 "phone": [{"label": "mobile", "value": "06 12 34 56 78", "primary": True},
                           {"label": "work", "value": "01 45 67 89 10", "primary": False}],
                 "tags": ["vip", "newsletter"]},
                {"first_name": "Claire", "last_name": "Durand",
                 "email": ["claire.durand@free.fr", "c.durand@orange.fr"], "phone": [],
                 "tags": []},
            ]
        ),
        encoding="utf-8",
    )
    report = carnet.import_file(path)
    assert report.counts["inserted"] == 2
    assert "invalid" not in report.verdicts["email"] and "invalid" not in report.verdicts["phone"]
    paul, claire = (carnet.search_contacts(n)[0] for n in ("paul", "claire"))
    assert [e.normalised for e in paul.emails] == ["paul.martin@orange.fr"]
    assert sorted(p.normalised for p in paul.phones) == ["+33145678910", "+33612345678"]
    assert sorted(paul.tags) == ["newsletter", "vip"]
    assert sorted(e.normalised for e in claire.emails) == [
        "c.durand@orange.fr",
        "claire.durand@free.fr",
    ]
    assert (claire.phones, list(claire.tags)) == ([], [])


def test_a_title_block_above_the_header_is_skipped_and_reported(
    carnet: Carnet, tmp_path: Path
) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Fichier prospects salon 2024"])
    sheet.append([])
    sheet.append(["Nom", "Prénom", "CP", "Ville", "Tél 1", "Tél 2", "Email 1", "Email 2"])
    sheet.append(["Martin", "Paul", "75002", "Paris", "06 12 34 56 78", "01 45 67 89 10",
                  "paul.martin@orange.fr", None])
    sheet.append(["Durand", "Claire", "06000", "Nice", "06 12 34 56 79", None,
                  "claire.durand@free.fr", "c.durand@gmail.com"])
    path = tmp_path / "salon.xlsx"
    book.save(path)
    preview = carnet.preview_import(path)
    assert any("the header is row 3" in w for w in preview.warnings)
    report = carnet.import_file(path)
    assert report.counts["inserted"] == 2 and report.counts["rejected"] == 0
    assert any("Fichier prospects salon 2024" in w and "the header is row 3" in w
               for w in report.warnings)
    emails = {
        p.normalised
        for item in carnet.list_contacts().items
        for p in carnet.get_contact(item.id).points
        if p.kind == "email"
    }
    assert emails == {"paul.martin@orange.fr", "claire.durand@free.fr", "c.durand@gmail.com"}


def test_a_header_on_two_rows_gives_each_address_its_own_point(
    carnet: Carnet, tmp_path: Path
) -> None:
    """A sheet filled by hand: names on row 1, "Domicile" and "Travail" merged over the
    address columns of row 2. The work address was the home address's second line."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Nom", "Prénom", "Email", "Domicile", None, None, None, "Travail", None, None])
    sheet.append([None, None, None, "Adresse", "CP", "Ville", "Tél", "Adresse", "CP", "Ville"])
    sheet.append(["DURAND", "Marie", "marie.durand@gmail.com", "12 rue des Lilas", "69003",
                  "Lyon", "04 78 12 34 56", "5 place Bellecour", "69002", "Lyon"])
    sheet.merge_cells("D1:G1")
    sheet.merge_cells("H1:J1")
    path = tmp_path / "clients.xlsx"
    book.save(path)
    report = carnet.import_file(path)
    assert report.counts["inserted"] == 1
    assert any("the header is rows 1 and 2" in w for w in report.warnings)
    [marie] = carnet.search_contacts("marie.durand@gmail.com")
    assert (marie.last_name, marie.first_name) == ("Durand", "Marie")
    assert [(p.normalised, p.is_primary) for p in marie.addresses] == [
        ("12 RUE DES LILAS|69003|LYON|FR", True), ("5 PLACE BELLECOUR|69002|LYON|FR", False)
    ]
    assert [p.normalised for p in marie.phones] == ["+33478123456"]


def test_json_arrays_of_rows_or_of_emails_import_and_preview(
    carnet: Carnet, tmp_path: Path
) -> None:
    rows = tmp_path / "sheet_values.json"
    table = [["Nom", "Prénom", "Email"], ["Martin", "Paul", "p.martin@orange.fr"],
             ["Durand", "Claire", "c.durand@free.fr"]]
    rows.write_text(json.dumps(table), encoding="utf-8")
    emails = tmp_path / "newsletter.json"
    emails.write_text(json.dumps(["anne.leroy@gmail.com", "marc.petit@sfr.fr", 42]),
                      encoding="utf-8")
    preview = carnet.preview_import(rows)
    assert preview.counts["inserted"] == 2
    report = carnet.import_file(rows)
    assert report.counts["inserted"] == 2 and report.rows == 2
    report = carnet.import_file(emails)
    # A number in a list of e-mails is a row like the others: rejected with its reason.
    assert (report.counts["inserted"], report.counts["rejected"]) == (2, 1)
    with carnet.engine.connect() as conn:
        reasons = conn.execute(
            sa.select(s.import_rows.c.reason)
            .where(s.import_rows.c.import_id == report.import_id)
            .where(s.import_rows.c.outcome == "rejected")
        ).scalars().all()
    assert len(reasons) == 1 and reasons[0]


def test_a_file_with_no_column_at_all_is_rejected_row_by_row(
    carnet: Carnet, tmp_path: Path
) -> None:
    path = tmp_path / "empty_objects.json"
    path.write_text("[{}, {}]", encoding="utf-8")
    report = carnet.import_file(path)
    assert report.rows == 2 and report.counts["rejected"] == 2


def test_a_crm_dumps_purchase_totals_and_birth_years_are_kept_typed(
    carnet: Carnet, tmp_path: Path
) -> None:
    """An old CRM gives each customer's purchases as a whole ("CA total", "Nb commandes",
    "Dernier achat") and sometimes a year of birth only: they are checked and kept typed
    for segments (they were text attributes), and a birth-date cell holding only a year
    ("1985", "03/1979") gives the birth year instead of an invalid date."""
    path = write_csv(
        tmp_path / "crm.csv",
        ["Nom", "Prénom", "Date de naissance", "Année de naissance", "CA total",
         "Nb commandes", "Dernier achat", "Email"],
        [["Dupont", "Marie", "1985", "", "1 234,50 €", "12", "15/10/2024", "marie.d@gmail.com"],
         ["Martin", "Paul", "03/1979", "", "0", "0", "", "paul.martin@free.fr"],
         ["Durand", "Luc", "", "1992", "99,9", "3", "2024-01-02", "luc.durand@free.fr"],
         ["Petit", "Léa", "12/03/1990", "", "beaucoup", "2,5", "hier", "lea.petit@free.fr"]],
    )
    report = carnet.import_file(path)
    assert report.counts["inserted"] == 4
    assert report.verdicts["total_spent"] == {"valid": 3, "invalid": 1}
    people = {c.last_name: c for c in carnet.search_contacts("")}
    assert people["Dupont"].attributes == {
        "birth_year": 1985, "total_spent": "1234.50", "order_count": 12,
    }
    assert people["Dupont"].birth_date is None
    assert people["Dupont"].last_activity == datetime(2024, 10, 15, tzinfo=UTC)
    assert people["Martin"].attributes["birth_year"] == 1979
    assert people["Durand"].attributes == {
        "birth_year": 1992, "total_spent": "99.9", "order_count": 3,
    }
    # what cannot be read is kept as written, never dropped
    assert people["Petit"].attributes["invalid_values"] == {
        "total_spent": "beaucoup", "order_count": "2,5", "last_activity": "hier",
    }
    assert "birth_year" not in people["Petit"].attributes
    assert carnet.import_file(path).counts["unchanged"] == 4


def test_a_switchboard_column_is_never_a_person_s_primary_phone(
    carnet: Carnet, tmp_path: Path
) -> None:
    """A trade-show sheet whose "Standard" comes before "Tél. direct": the person's own
    line is their primary phone (before: the switchboard, which every colleague shares,
    was); a row with the switchboard alone keeps it as its phone."""
    path = write_csv(
        tmp_path / "salon.csv",
        ["Société", "Nom", "Prénom", "Standard", "Tél. direct", "E-mail"],
        [["Dupont SARL", "Morel", "Anne", "01 42 68 53 00", "06 12 34 56 78",
          "anne.morel@dupont.fr"],
         ["Dupont SARL", "Petit", "Marc", "01 42 68 53 00", "01 42 68 53 17",
          "marc.petit@dupont.fr"],
         ["Leroy SAS", "Roux", "Paul", "Std : 04 78 98 76 54", "", "paul.roux@leroy.fr"]],
    )
    carnet.import_file(path)
    people = {c.last_name: c for c in carnet.search_contacts("")}
    assert people["Morel"].phone == "+33612345678"
    assert people["Petit"].phone == "+33142685317"
    assert [p.normalised for p in people["Petit"].phones] == ["+33142685317", "+33142685300"]
    assert people["Roux"].phone == "+33478987654"


def test_a_bic_written_after_the_iban_is_kept_as_the_bic(carnet: Carnet, tmp_path: Path) -> None:
    """An accounting export's IBAN cell copied from a RIB with its BIC: the IBAN is
    stored (before: refused as a wrong checksum, the BIC read as part of it) and the BIC
    kept as the BIC; a BIC column of its own wins over the one in the IBAN's cell."""
    path = write_csv(
        tmp_path / "clients.csv",
        ["Raison sociale", "Nom", "Prénom", "IBAN", "BIC"],
        [["Dupont SARL", "Dupont", "Marie", "FR76 3000 6000 0112 3456 7890 189 BIC AGRIFRPP", ""],
         ["Martin SAS", "Martin", "Paul", "IBAN : FR7630004000031234567890143 / BNPAFRPPXXX",
          "SOGEFRPP"]],
    )
    report = carnet.import_file(path)
    assert report.counts["inserted"] == 2
    people = {c.last_name: c for c in carnet.search_contacts("")}
    assert carnet.reveal_iban(people["Dupont"].id) == "FR7630006000011234567890189"
    assert people["Dupont"].attributes["bic"] == "AGRIFRPP"
    assert carnet.reveal_iban(people["Martin"].id) == "FR7630004000031234567890143"
    assert people["Martin"].attributes["bic"] == "SOGEFRPP"
    assert "invalid_values" not in people["Dupont"].attributes


def test_bank_details_are_never_kept_in_clear(carnet: Carnet, tmp_path: Path) -> None:
    """A SEPA mandate list: the IBAN is encrypted on the contact (as before), and now also
    in the import's row record (it was kept there in clear) and masked when invalid (it
    was in clear in the contact's invalid values). The BIC is checked and kept. A
    re-import changes nothing (a new encryption of the same IBAN is no change); the
    rejected file gives the user back the IBAN to fix; without a key, nothing is stored
    but a mask."""
    iban, typo = "FR76 3000 6000 0112 3456 7890 189", "FR76 3000 6000 0112 3456 7890 188"
    path = write_csv(
        tmp_path / "mandats.csv",
        ["Nom", "Prénom", "Email", "IBAN", "BIC", "Titulaire du compte"],
        [["Dupont", "Marie", "marie.dupont@gmail.com", iban, "BNPAFRPPXXX", "Marie Dupont"],
         ["Martin", "Paul", "paul.martin@free.fr", typo, "BNPA1RPP", "Paul Martin"],
         ["", "", "", iban, "", "Personne"]],
    )
    report = carnet.import_file(path)
    assert report.counts["inserted"] == 2 and report.counts["rejected"] == 1
    assert report.verdicts["bic"] == {"valid": 1, "invalid": 1, "empty": 1}
    people = {c.last_name: c for c in carnet.search_contacts("")}
    assert people["Dupont"].has_iban and people["Dupont"].attributes["bic"] == "BNPAFRPP"
    assert carnet.reveal_iban(people["Dupont"].id) == iban.replace(" ", "")
    assert not people["Martin"].has_iban
    assert people["Martin"].attributes["invalid_values"]["iban"].endswith(" 188")
    digits = iban.replace(" ", "")[4:20]
    with carnet.engine.connect() as conn:
        rows = conn.execute(sa.select(s.import_rows.c.raw)).scalars().all()
        attributes = conn.execute(sa.select(s.contacts.c.attributes)).scalars().all()
    stored = json.dumps([*rows, *attributes], default=str)
    assert "3000 6000 0112" not in stored and digits not in stored
    # the rejected file holds what the user's file held, to fix and import again
    rejected = (tmp_path / "mandats.rejected.csv").read_text("utf-8-sig")
    assert iban in rejected
    assert carnet.import_file(path).counts["unchanged"] == 2
    # the access export shows that an IBAN came, never its digits
    document = carnet.export_personal_data(people["Dupont"].id)
    assert digits not in json.dumps(document, default=str)

    # no key: the valid IBAN's row is refused, and its row record keeps a mask only
    bare = Carnet.init(f"sqlite:///{tmp_path / 'no_key.db'}", profile="b2c", actor="test")
    try:
        assert bare.import_file(path).counts["rejected"] == 2
        with bare.engine.connect() as conn:
            kept = json.dumps(conn.execute(sa.select(s.import_rows.c.raw)).scalars().all())
        assert "0112" not in kept and "*** 189" in kept
    finally:
        bare.close()


def _raw_row(ws: Carnet, number: int) -> dict[str, Any]:
    with ws.engine.connect() as conn:
        raw = conn.execute(
            sa.select(s.import_rows.c.raw).where(s.import_rows.c.row_number == number)
        ).scalar_one()
    return json.loads(raw) if isinstance(raw, str) else dict(raw)


def test_an_unquoted_delimiter_inside_an_address_is_joined_back(
    carnet: Carnet, tmp_path: Path
) -> None:
    """"Résidence Les Pins; Bât B" unquoted shifts the postcode into the city and the
    e-mail out of the table: the row is read again with the address joined back, the
    reading every column's check prefers. A row whose extra cells are data of their own
    (nothing reads better joined) keeps them; a row that reads as well two ways stays as
    read."""
    path = tmp_path / "adresses.csv"
    path.write_text(
        "Nom;Prénom;Adresse;Code postal;Ville;Email;Téléphone\n"
        "Martin;Paul;12 rue de la Paix;75002;Paris;paul.martin@orange.fr;0612345678\n"
        "Durand;Claire;Résidence Les Pins; Bât B;13100;Aix-en-Provence;claire.durand@free.fr;"
        "0611223344\n"
        "Leroy;Luc;Les Lilas; Bât C; Appt 12;13001;Marseille;luc.leroy@sfr.fr;0491000000\n"
        "Petit;Léa;5 allée des Pins;33000;Bordeaux;lea.petit@gmail.com;0622334455;VIP;fidèle\n"
        "Morel;Jean;3 rue Haute;69001;Lyon;jean.morel@free.fr;0633445566;\n",
        encoding="utf-8",
    )
    report = carnet.import_file(path)
    assert report.rows == 5 and report.counts["inserted"] == 5
    assert any(w.startswith("3 rows have more cells than the header (lines 3, 4, 5)")
               for w in report.warnings)
    assert any(w.startswith("Of the rows with more cells than the header, 2 of them were read "
                            "again") and "data rows 2, 3" in w for w in report.warnings)

    def points(name: str) -> dict[str, str | None]:
        [contact] = carnet.search_contacts(name)
        return {p.kind: p.normalised for p in carnet.get_contact(contact.id).points}

    assert points("Durand") == {
        "email": "claire.durand@free.fr", "phone": "+33611223344",
        "address": "RESIDENCE LES PINS BATIMENT B|13100|AIX-EN-PROVENCE|FR",
    }
    assert points("Leroy")["address"] == "LES LILAS BATIMENT C APPT 12|13001|MARSEILLE|FR"
    # the file's text is all there: the joined cell holds it as written
    durand = _raw_row(carnet, 2)
    assert durand["Adresse"] == "Résidence Les Pins; Bât B" and "_extra" not in durand
    assert durand["Téléphone"] == "0611223344"
    # extra cells that are data of their own stay extra
    assert _raw_row(carnet, 4)["_extra"] == ["VIP", "fidèle"]
    assert points("Petit")["email"] == "lea.petit@gmail.com"
    assert carnet.import_file(path).counts["unchanged"] == 5


@pytest.mark.parametrize("ending", ["", ";"], ids=["plain", "every-line-ends-with-delimiter"])
def test_a_split_value_that_pushed_an_empty_last_column_out_is_joined_back(
    carnet: Carnet, tmp_path: Path, ending: str
) -> None:
    """Two e-mails "a@x.fr; b@y.fr" unquoted split the cell, and the row's empty last
    column ("Notes") took the pushed-out cell: the row has only an empty cell past the
    header, so it looked aligned and was imported shifted (an e-mail as the phone, the
    phone as the street, the street as the postcode). It is now read again like any
    long row; the rows that merely end with the delimiter are left alone."""
    path = tmp_path / "clients.csv"
    lines = [
        "Nom et prénom;Email;Téléphone;Adresse;CP;Ville;Notes",
        "DUPONT Jean;jean.dupont@gmail.com; j.dupont@orange.fr;0612345678;12 rue de la Paix;"
        "75002;Paris;",
        "MARTIN Sophie;sophie.martin@laposte.net;0698765432;3 avenue Jean Jaurès;69003;Lyon;RAS",
        "PETIT Claire;claire.petit@free.fr;0611223344;8 bd Voltaire;75011;Paris;",
    ]
    path.write_text("\n".join(line + ending for line in lines) + "\n", encoding="utf-8")
    report = carnet.import_file(path)
    assert report.rows == 3 and report.counts["inserted"] == 3
    assert any(w.startswith("Of the rows with more cells than the header, 1 of them was read "
                            "again") and "data rows 1" in w for w in report.warnings)
    [dupont] = carnet.search_contacts("Dupont")
    points = {(p.kind, p.normalised) for p in carnet.get_contact(dupont.id).points}
    assert points == {
        ("email", "jean.dupont@gmail.com"), ("email", "j.dupont@orange.fr"),
        ("phone", "+33612345678"), ("address", "12 RUE DE LA PAIX|75002|PARIS|FR"),
    }
    raw = _raw_row(carnet, 1)
    assert raw["Email"] == "jean.dupont@gmail.com; j.dupont@orange.fr" and "_extra" not in raw
    # the aligned rows are as read
    [petit] = carnet.search_contacts("Petit")
    assert {p.normalised for p in carnet.get_contact(petit.id).points} == {
        "claire.petit@free.fr", "+33611223344", "8 BOULEVARD VOLTAIRE|75011|PARIS|FR"
    }
    assert carnet.import_file(path).counts["unchanged"] == 3


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_file_with_no_header_row_is_imported_whole_and_mapped_by_its_values(
    carnet: Carnet, tmp_path: Path, kind: str
) -> None:
    """An old system's export with no column names: its first customer was read as the
    header (lost), and the other rows kept their e-mails and phones only."""
    rows = [
        ["Mme", "DUPONT", "Jeanne", "jeanne.dupont@gmail.com", "0612345678",
         "12 rue de la Paix", "75002", "PARIS", "12/03/1970"],
        ["M.", "MARTIN", "Paul", "paul.martin@free.fr", "0698765432",
         "3 av. Jean Jaurès", "69003", "Lyon", "15/03/1985"],
        ["M.", "LEROY", "Luc", "", "0611223344", "8 bd Voltaire", "75011", "Paris", ""],
    ]
    if kind == "csv":
        path = tmp_path / "export.csv"
        path.write_text("".join(";".join(r) + "\n" for r in rows), encoding="cp1252")
    else:
        from openpyxl import Workbook

        book = Workbook()
        for row in rows:
            book.active.append(row)
        path = tmp_path / "export.xlsx"
        book.save(path)
    report = carnet.import_file(path)
    assert report.rows == 3 and report.counts["inserted"] == 3
    assert any(w.startswith("No header row: ") for w in report.warnings)
    [dupont] = carnet.search_contacts("Dupont")
    contact = carnet.get_contact(dupont.id)
    assert (contact.civility, contact.first_name, contact.last_name, contact.birth_date) == (
        "Mme", "Jeanne", "Dupont", date(1970, 3, 12)
    )
    assert {p.normalised for p in contact.points} == {
        "jeanne.dupont@gmail.com", "+33612345678", "12 RUE DE LA PAIX|75002|PARIS|FR"
    }
    assert carnet.import_file(path).counts["unchanged"] == 3


def test_customers_after_a_quote_never_closed_are_imported_and_the_line_named(
    carnet: Carnet, tmp_path: Path
) -> None:
    path = tmp_path / "commentaires.csv"
    path.write_text(
        "Nom;Prénom;Email;Commentaire\n"
        'Martin;Paul;paul.martin@orange.fr;"Très bon client\n'
        "Durand;Claire;claire.durand@free.fr;RAS\n"
        "Leroy;Anne;anne.leroy@gmail.com;RAS\n",
        encoding="utf-8",
    )
    report = carnet.import_file(path)
    assert report.rows == 3 and report.counts["inserted"] == 3
    assert any(w.startswith('Line 2 opens a quote (") that is not closed')
               for w in report.warnings)


def test_the_text_of_an_unreadable_record_is_kept_with_its_rejection(
    carnet: Carnet, tmp_path: Path
) -> None:
    path = tmp_path / "contacts.ndjson"
    path.write_text(
        '{"nom": "Martin", "email": "paul.martin@orange.fr"}\n{"nom": "Durand",\n"oops"\n42\n',
        encoding="utf-8",
    )
    report = carnet.import_file(path)
    assert (report.counts["inserted"], report.counts["rejected"]) == (1, 3)
    with carnet.engine.connect() as conn:
        raws = conn.execute(
            sa.select(s.import_rows.c.raw)
            .where(s.import_rows.c.outcome == "rejected")
            .order_by(s.import_rows.c.row_number)
        ).scalars().all()
    kept = [(json.loads(raw) if isinstance(raw, str) else raw)["_extra"] for raw in raws]
    assert kept == [['{"nom": "Durand",'], ['"oops"'], ["42"]]
    assert report.rejected_file is not None
    with report.rejected_file.open(encoding="utf-8-sig", newline="") as handle:
        rejected = list(csv.DictReader(handle, delimiter=";"))
    assert [(r["extra_1"], r["carnet_row"]) for r in rejected] == [
        ('{"nom": "Durand",', "2"), ('"oops"', "3"), ("42", "4")
    ]
    assert all(r[REASON_COLUMN].startswith("unreadable row") for r in rejected)


def test_the_collector_rests_while_a_batch_is_written_and_resumes_after(
    carnet: Carnet, eshop_csv: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A batch's objects live until it is written: no collection scans them meanwhile;
    after each batch the collector is on again, and an import leaves it as it was."""
    import gc

    from carnet.ingest.upsert import BatchWriter

    seen: list[bool] = []
    write = BatchWriter.write

    def watched(self: BatchWriter, records: Any) -> Any:
        seen.append(gc.isenabled())
        return write(self, records)

    monkeypatch.setattr(BatchWriter, "write", watched)
    during: list[bool] = []
    report = carnet.import_file(
        eshop_csv, batch_size=2, progress=lambda done, _: during.append(gc.isenabled())
    )
    assert report.rows == len(ESHOP_ROWS) and len(seen) == 3
    assert seen == [False] * 3 and during == [True] * 3 and gc.isenabled()
    gc.disable()
    try:
        carnet.import_file(eshop_csv, batch_size=2)
        assert not gc.isenabled()
    finally:
        gc.enable()
