"""Duplicate search in a small file: a trade-show sheet, a dozen customers.

The model's u-probabilities are counted among the file's own random pairs; a
file of a dozen people has a few dozen pairs, the duplicates among them, and
used to weigh "same first name, same birth date, same address" as almost
nothing (or be refused below 50 contacts). A small file is now scored with
the reference u-probabilities (:mod:`carnet.match.reference`).
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from carnet import Carnet
from carnet.dedupe.records import store_records

# Same person, no shared key the import joins on: Sophie's two e-mails, the
# Bernard who added her husband's name, François typed with and without his
# cedilla and a double l. Households that must stay apart: Paul and his father
# Pierre Martin (one address, one family of phones), Louis and Louise Garnier.
SHEET = """\
Civilité;Prénom;Nom;Email;Téléphone;Adresse;CP;Ville;Date de naissance
Mme;Sophie;Lefèvre;sophie.lefevre@gmail.com;06 12 34 56 78;12 rue des Lilas;69003;Lyon;12/03/1985
Mme;Sophie;LEFEVRE;slefevre@orange.fr;;12, rue des lilas;69003;LYON;12/03/1985
M.;Jean-Pierre;Dubois;jp.dubois@free.fr;01 45 67 89 10;3 avenue Foch;75016;Paris;
Mme;Nathalie;Bernard;nathalie.bernard@sfr.fr;;8 place Bellecour;69002;Lyon;23/11/1970
Mme;Nathalie;Bernard-Petit;;06 98 76 54 32;8 pl Bellecour;69002;Lyon;23/11/1970
M.;Paul;Martin;paul.martin@gmail.com;06 55 44 33 22;5 rue Victor Hugo;33000;Bordeaux;01/01/1990
M.;Pierre;Martin;pierre.martin@gmail.com;06 55 44 33 21;5 rue Victor Hugo;33000;Bordeaux;15/06/1960
Mme;Claire;Rousseau;claire.rousseau@laposte.net;;;;;
M.;Marc;Fontaine;marc.fontaine@wanadoo.fr;02 40 11 22 33;14 bd Guist'hau;44000;Nantes;30/09/1975
M.;Louis;Garnier;louis.garnier@gmail.com;;22 rue Nationale;37000;Tours;
Mme;Louise;Garnier;louise.garnier@gmail.com;;22 rue Nationale;37000;Tours;
M.;François;Chevalier;fchevalier@free.fr;06 77 88 99 00;1 rue de la Gare;67000;Strasbourg;08/08/1980
M.;Francois;Chevallier;;;1 rue de la gare;67000;STRASBOURG;08/08/1980
"""


def _import(ws: Carnet, tmp_path: Path, text: str, name: str = "salon.csv") -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    ws.import_file(path)


def _names(ws: Carnet) -> dict[int, str]:
    """Each contact's name as imported (taken before the merges rewrite survivors)."""
    return {c.id: f"{c.first_name} {c.last_name}" for c in ws.list_contacts(limit=1000).items}


def _groups(ws: Carnet, names: dict[int, str]) -> set[frozenset[str]]:
    """Each active contact's imported name, with those of the contacts merged into it."""
    contacts = ws.list_contacts(limit=1000, sort="id", include_merged=True).items
    groups: dict[int, set[str]] = {}
    for c in contacts:
        groups.setdefault(c.merged_into_id or c.id, set()).add(names[c.id])
    return {frozenset(g) for g in groups.values()}


def test_a_trade_show_sheet_merges_its_duplicates_and_not_its_households(
    carnet: Carnet, tmp_path: Path
) -> None:
    _import(carnet, tmp_path, SHEET)
    names = _names(carnet)
    report = carnet.find_duplicates()
    assert report.contacts == 13
    assert (report.clusters, report.contacts_merged) == (3, 3)
    merged = {g for g in _groups(carnet, names) if len(g) > 1}
    assert merged == {
        frozenset({"Sophie Lefèvre", "Sophie Lefevre"}),
        frozenset({"Nathalie Bernard", "Nathalie Bernard-Petit"}),
        frozenset({"François Chevalier", "Francois Chevallier"}),
    }
    # the households are not even worth a look
    assert report.review == 0
    # the strongest evidence weighs what it weighs in a large file (first
    # name, birth date and address exact: several bits each), not a bit or two
    assert report.example is not None
    weights = {e["comparison"]: e["weight"] for e in report.example["explanation"]}
    assert weights["birth_date"] > 6 and weights["address"] > 5 and weights["first_name"] > 4


def test_two_contacts_of_one_person_are_merged(carnet: Carnet, tmp_path: Path) -> None:
    _import(carnet, tmp_path, "\n".join(SHEET.splitlines()[:3]) + "\n")
    report = carnet.find_duplicates()
    assert (report.contacts, report.contacts_merged) == (2, 1)


def test_two_different_people_are_left_alone(carnet: Carnet, tmp_path: Path) -> None:
    lines = SHEET.splitlines()
    _import(carnet, tmp_path, "\n".join([lines[0], lines[1], lines[3]]) + "\n")
    report = carnet.find_duplicates()
    assert (report.contacts, report.pairs_scored, report.contacts_merged) == (2, 0, 0)


def test_one_contact_has_no_duplicate(carnet: Carnet, tmp_path: Path) -> None:
    _import(carnet, tmp_path, "\n".join(SHEET.splitlines()[:2]) + "\n")
    report = carnet.find_duplicates()
    assert (report.contacts, report.pairs_scored) == (1, 0)


def _people(first: int, count: int) -> str:
    rows = [
        f"Client{i:03d};Nom{i:03d}x;client{i}@exemple.fr;"
        f"{(i * 37) % 28 + 1:02d}/0{i % 9 + 1}/19{60 + i % 40}"
        for i in range(first, first + count)
    ]
    return "Prénom;Nom;Email;Date de naissance\n" + "\n".join(rows) + "\n"


def test_a_model_learnt_on_a_small_file_is_fitted_to_the_grown_file(
    carnet: Carnet, tmp_path: Path
) -> None:
    _import(carnet, tmp_path, SHEET)
    carnet.find_duplicates()
    small = carnet.match_model()
    assert small is not None and small.n_records == 13
    # a little growth: the saved model stays, its prior scaled to the file's
    # size (10 contacts left after the merges, 5 new)
    _import(carnet, tmp_path, _people(0, 5), "a.csv")
    assert carnet.match_model() == small
    fitted = carnet._fitted_model(small, _records(carnet), 0.9, 0.5)
    assert fitted.prior == pytest.approx(small.prior * (13 - 1) / (15 - 1))
    assert (fitted.m, fitted.u) == (small.m, small.u)
    # past twice its size, the import learns the model again and keeps it
    _import(carnet, tmp_path, _people(5, 30), "b.csv")
    grown = carnet.match_model()
    assert grown is not None and grown.n_records == 45
    assert grown.prior < small.prior


def _records(ws: Carnet) -> pl.DataFrame:
    with ws.engine.connect() as conn:
        return store_records(conn)


def test_a_maiden_name_in_one_file_meets_the_married_name_in_another(
    carnet: Carnet, tmp_path: Path
) -> None:
    _import(carnet, tmp_path, SHEET)
    # an old membership file knew Nathalie Bernard's sister by her birth name
    _import(
        carnet,
        tmp_path,
        "Prénom;Nom;Email;Date de naissance;CP;Ville\n"
        "Agnès;FAURE;agnes.faure@wanadoo.fr;02/05/1968;13001;Marseille\n"
        "Marc;Faure;marc.faure@free.fr;11/11/1966;13001;Marseille\n",
        "adherents_1995.csv",
    )
    _import(
        carnet,
        tmp_path,
        "Prénom;Nom;Email;Date de naissance;CP;Ville\n"
        "Agnès;BONNET (née FAURE);agnes.bonnet@gmail.com;02/05/1968;75011;Paris\n",
        "boutique.csv",
    )
    report = carnet.find_duplicates()
    assert report.contacts_merged == 4  # the sheet's three, and Agnès
    contacts = carnet.list_contacts(limit=100, include_merged=True).items
    agnes = [c for c in contacts if c.first_name == "Agnès"]
    assert len(agnes) == 2 and len({c.merged_into_id or c.id for c in agnes}) == 1
    [survivor] = [c for c in agnes if c.merged_into_id is None]
    assert survivor.attributes.get("birth_name") == "Faure"
    # her brother shares her birth name, not her first name: apart
    [marc] = [c for c in contacts if (c.first_name, c.last_name) == ("Marc", "Faure")]
    assert (marc.status, marc.merged_into_id) == ("active", None)
    # the pair's evidence: her last name is the other's birth name
    [pair] = [
        m for m in carnet.list_merges() if {*m.merged_ids, m.survivor_id} == {c.id for c in agnes}
    ]
    assert "birth name" in (pair.reason or "")


def test_an_import_keeps_the_saved_model_when_it_cannot_learn_again(
    carnet: Carnet, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The rows are written by then: a model that fails to train must not fail the import."""
    from carnet.match import Matcher, MatchModelError

    _import(carnet, tmp_path, SHEET)
    carnet.find_duplicates()
    small = carnet.match_model()
    assert small is not None

    def cannot(self: Matcher, records: object) -> None:
        raise MatchModelError("no pairs to learn from")

    monkeypatch.setattr(Matcher, "train", cannot)
    _import(carnet, tmp_path, _people(0, 30), "b.csv")  # past twice the model's 13 contacts
    assert carnet.match_model() == small  # kept as saved (refitted for the run only)
    assert len(carnet.list_contacts(limit=100).items) == 10 + 30


def test_a_duplicate_of_a_deceased_customer_in_another_file_is_merged_into_the_death(
    carnet: Carnet, tmp_path: Path
) -> None:
    """Sophie Lefèvre died (the CRM says so); the shop's file has her under another
    e-mail: the duplicate search finds her, and the merged profile is deceased."""
    header, sophie, other_sophie = SHEET.splitlines()[:3]
    _import(carnet, tmp_path, f"{header};Décédé\n{sophie};Oui\n", "crm.csv")
    _import(carnet, tmp_path, f"{header}\n{other_sophie}\n", "boutique.csv")
    report = carnet.find_duplicates()
    assert (report.contacts, report.contacts_merged) == (2, 1)
    survivors = carnet.list_contacts(limit=10).items
    assert len(survivors) == 1 and survivors[0].status == "deceased"
    assert len(survivors[0].emails) == 2
    assert not carnet.may_contact(survivors[0].id, "newsletter", "email").allowed
