"""Two contacts that agree on their names only are never merged automatically.

Jean-Pierre Dupont, one of France's most common names, is in an old CRM (Paris,
wanadoo, a landline) and in a shop's orders (Nantes, gmail, a mobile): nothing
but the name in common. In a workspace of five rows the estimated prior is so
high that the pair scored 0.97 and was merged; it now waits for review, said
why, while Sophie Martin, who kept her mobile and her address, still merges.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

from typer.testing import CliRunner

from carnet import Carnet
from carnet.cli import app
from carnet.dedupe.decide import NAMES_ONLY

CRM = """\
Civilité;Prénom;Nom;Email;Téléphone;Adresse;CP;Ville;Date de naissance
M;JEAN-PIERRE;DUPONT;jp.dupont@wanadoo.fr;01 45 67 89 10;12 rue des Lilas;75011;PARIS;14/07/1965
Mme;Sophie;Martin;;06 11 22 33 44;5 av. Jean Jaurès;69007;Lyon;
"""
SHOP = """\
Prénom;Nom;E-mail;Mobile;Adresse;Code postal;Ville;Montant
Jean-Pierre;Dupont;jeanpierre.dupont@gmail.com;06 98 76 54 32;8 impasse du Moulin;44000;Nantes;59,90
Jean Pierre;Dupont;jeanpierre.dupont@gmail.com;06 98 76 54 32;8 impasse du Moulin;44000;Nantes;12,00
Sophie;Martin-Leroy;sophie.martinleroy@free.fr;06 11 22 33 44;5 avenue Jean-Jaurès;69007;Lyon;30,00
"""


def _fill(ws: Carnet, tmp_path: Path) -> None:
    for name, text in (("crm.csv", CRM), ("boutique.csv", SHOP)):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        ws.import_file(path)


def _names(ws: Carnet) -> dict[int, str]:
    return {c.id: f"{c.first_name} {c.last_name}" for c in ws.list_contacts(limit=100).items}


def test_namesakes_wait_for_review_a_shared_mobile_merges(carnet: Carnet, tmp_path: Path) -> None:
    _fill(carnet, tmp_path)
    names = _names(carnet)
    duponts = sorted(i for i, n in names.items() if n.endswith("Dupont"))
    out = tmp_path / "paires.csv"
    report = carnet.find_duplicates(pairs_out=out)
    assert report.names_only == 1 and report.review == 1
    assert report.clusters == 1 and report.contacts_merged == 1
    merged = carnet.list_merges()
    assert all(not {m.survivor_id, *m.merged_ids} & set(duponts) for m in merged)
    with out.open(encoding="utf-8-sig", newline="") as handle:
        rows = {r["decision"]: r for r in csv.DictReader(handle, delimiter=";")}
    assert rows["review"]["evidence"].startswith(NAMES_ONLY)
    assert float(rows["review"]["probability"]) >= report.auto_threshold
    assert "phone exact" in rows["merge"]["evidence"]
    (item,) = carnet.review_queue()
    assert sorted((item.left.id, item.right.id)) == duponts and item.names_only
    # a person who knows them may still merge them
    merge_id = carnet.decide_pair(item.pair_id, "accept")
    assert merge_id is not None and carnet.review_count() == 0


def test_an_import_does_not_merge_a_namesake_into_the_file(carnet: Carnet, tmp_path: Path) -> None:
    _fill(carnet, tmp_path)
    carnet.find_duplicates()
    before = carnet.review_count()
    # a third Jean-Pierre Dupont signs up at a trade show: Lille, another e-mail and mobile
    salon = tmp_path / "salon.csv"
    salon.write_text(
        "Prénom;Nom;Email;Portable;Ville;CP\n"
        "Jean-Pierre;DUPONT;jpdupont59@laposte.net;07 12 34 56 78;Lille;59000\n",
        encoding="utf-8",
    )
    report = carnet.import_file(salon)
    contacts = carnet.list_contacts(limit=100).items
    assert sum(c.last_name == "Dupont" for c in contacts) == 3
    assert report.duplicates is not None and report.duplicates["contacts_merged"] == 0
    assert carnet.review_count() == before + report.duplicates["review"]


def test_the_summary_says_which_pairs_agree_on_names_only(carnet: Carnet, tmp_path: Path) -> None:
    _fill(carnet, tmp_path)
    runner = CliRunner()
    args = ["--db", carnet.url, "dedupe", "--dry-run", "--no-organisations"]
    result = runner.invoke(app, args, env={"COLUMNS": "160"})
    assert result.exit_code == 0, result.stdout
    assert f"of which {NAMES_ONLY}" in result.stdout
    assert "1 pair at probability ≥ 0.9 agrees on names only" in result.stdout
    result = runner.invoke(app, [*args, "--json"])
    assert json.loads(result.stdout)["names_only"] == 1
    runner.invoke(app, ["--db", carnet.url, "dedupe", "--no-organisations"])
    result = runner.invoke(app, ["--db", carnet.url, "review", "--list", "--json"])
    assert [p["names_only"] for p in json.loads(result.stdout)] == [True]


HOME = """\
Prénom;Nom;Email;Mobile;Adresse;CP;Ville;Date de naissance
David;Dubois;d.dubois@free.fr;06 50 53 75 02;12 rue des Lilas;69003;Lyon;17/09/1984
"""
EVENT = """\
Prénom;Nom;E-mail;Portable;Adresse;Code postal;Ville
David;DUBOIS;dd69@gmail.com;06 69 57 78 62;12 rue des Lilas;69003;Lyon
"""


def test_review_says_each_has_a_mobile_of_their_own(carnet: Carnet, tmp_path: Path) -> None:
    """A father and his son of one name at one address, or one man twice: their mobiles
    differ and nothing personal ties them; the reviewer is told why it waits."""
    for name, text in (("clients.csv", HOME), ("salon.csv", EVENT)):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        carnet.import_file(path)
    report = carnet.find_duplicates()
    assert report.own_mobiles == 1 and report.contacts_merged == 0
    (item,) = carnet.review_queue()
    assert item.own_mobiles and not item.names_only
    runner = CliRunner()
    result = runner.invoke(
        app, ["--db", carnet.url, "review", "--list", "--json"], env={"COLUMNS": "160"}
    )
    assert [p["own_mobiles"] for p in json.loads(result.stdout)] == [True]
    result = runner.invoke(app, ["--db", carnet.url, "review"], input="q\n",
                           env={"COLUMNS": "200"})
    assert "Each has a mobile of their own" in result.stdout


OLD_CRM = """\
NOM;PRENOM;EMAIL;TEL;CP;VILLE
CHEVALIER ÉPOUSE PERRIER;ÉLODIE;elodie9@orange.fr;05 61 22 33 44;31400;TOULOUSE
PERRIER NÉE MARTIN;ÉLODIE;eperrier31@free.fr;05 61 98 76 54;31400;TOULOUSE
DUPONT;JEAN-PIERRE;jp.dupont@wanadoo.fr;01 45 67 89 10;75011;PARIS
"""
NEWSLETTER = """\
Email,Prénom,Nom,Inscrit le
chevalier.elodie@orange.fr,Élodie,Perrier née Chevalier,2023-12-30
jeanpierre.dupont@gmail.com,Jean-Pierre,Dupont,2023-06-25
"""


def test_a_married_womans_two_names_are_more_than_a_name(carnet: Carnet, tmp_path: Path) -> None:
    """The old CRM wrote "CHEVALIER ÉPOUSE PERRIER", the newsletter form "Perrier née
    Chevalier", each with its own e-mail: her first name, her birth name and her married
    name agree, which two women seldom share, so the pair is merged, said why. Her
    sister-in-law Élodie Perrier née Martin shares the married name only, and Jean-Pierre
    Dupont his names only: both wait for review."""
    (tmp_path / "ancien_crm.csv").write_bytes(OLD_CRM.encode("cp1252"))
    (tmp_path / "newsletter.csv").write_text(NEWSLETTER, encoding="utf-8")
    for name in ("ancien_crm.csv", "newsletter.csv"):
        carnet.import_file(tmp_path / name)
    contacts = carnet.list_contacts(limit=100).items
    chevalier = {c.id for c in contacts if c.attributes.get("birth_name") == "Chevalier"}
    assert len(chevalier) == 2
    report = carnet.find_duplicates()
    assert report.contacts_merged == 1
    (merge,) = carnet.list_merges()
    assert {merge.survivor_id, *merge.merged_ids} == chevalier
    assert "last name and birth name exact" in (merge.reason or "")
    assert len([c for c in carnet.list_contacts(limit=100).items if c.last_name == "Perrier"]) == 2
    assert len([c for c in carnet.list_contacts(limit=100).items if c.last_name == "Dupont"]) == 2
