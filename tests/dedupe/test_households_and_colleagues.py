"""Duplicate search on a French customer file's households and offices.

A family at one address (Jean Dupont, his son Jean, his wife Marie) shares
``famille.dupont@free.fr`` and the landline; twins share the family mailbox or
their mother's mobile; colleagues of Acme share ``contact@acme.fr`` and the
switchboard, two of them Leroys of the family firm. None of these may merge.
The son, met again at a trade show without his birth date, matches father and
son alike: he waits for review. The real duplicates still merge: Sophie Martin
née Durand under her married name, Jean-Pierre Lefebvre written "J.-Pierre" on a
badge.
"""

from __future__ import annotations

from pathlib import Path

from carnet import Carnet

CUSTOMERS = """\
Réf;Prénom;Nom;Email;Téléphone;Adresse;Code postal;Ville;Date de naissance
C1;Jean;DUPONT;famille.dupont@free.fr;01 43 55 12 90;8 rue Oberkampf;75011;Paris;03/03/1952
C2;Jean;Dupont;famille.dupont@free.fr;01 43 55 12 90;8 rue Oberkampf;75011;Paris;25/10/1983
C3;Marie;DUPONT;famille.dupont@free.fr;01 43 55 12 90;8 rue Oberkampf;75011;Paris;19/08/1955
C4;Lucas;Moreau;moreau.tribu@orange.fr;03 88 21 45 67;5 rue des Vosges;67000;Strasbourg;02/06/2008
C5;Léa;Moreau;moreau.tribu@orange.fr;03 88 21 45 67;5 rue des Vosges;67000;Strasbourg;02/06/2008
C6;Théo;Moreau;moreau.tribu@orange.fr;03 88 21 45 67;5 rue des Vosges;67000;Strasbourg;02/06/2008
C7;Camille;PETIT;;06 11 22 33 44;14 rue Saint-Jean;21000;Dijon;10/10/2004
C8;Clément;PETIT;;06 11 22 33 44;14 rue St Jean;21000;Dijon;10/10/2004
C9;Sophie;MARTIN née DURAND;sdurand78@orange.fr;0612345678;12 r des Lilas;69003;Lyon;12/04/1978
C10;Sophie;Martin;sophie.martin.lyon@gmail.com;+33 6 12 34 56 78;12, r des lilas;69003;LYON;
C11;Jean-Pierre;LEFEBVRE;jplefebvre@wanadoo.fr;0633187290;25 r Nationale;59000;Lille;14/02/1956
"""

SALON = """\
Réf;Prénom;Nom;Société;SIRET;Email;Téléphone;Adresse;Code postal;Ville
S1;Jean;Dupont;Okd;;jean.dupont@okd.fr;06 75 43 21 09;8 rue Oberkampf;75011;Paris
S2;Marie;Leroy;Acme SAS;73282932000074;m.leroy@acme.fr;04 72 00 11 22;1 rue de la Bourse;69002;Lyon
S3;Marie;Lambert;ACME;73282932000074;contact@acme.fr;04 72 00 11 22;1 rue de la Bourse;69002;Lyon
S4;Marc;Leroy;Acme SAS;73282932000074;contact@acme.fr;04 72 00 11 22;1 rue de la Bourse;69002;Lyon
S5;Marie;Leroy;Acme SAS;73282932000074;contact@acme.fr;04 72 00 11 22;1 rue de la Bourse;69002;Lyon
S6;J.-Pierre;LEFEBVRE;Nord Bât;;jp@nordbat.fr;0033 6 33 18 72 90;25 r Nationale;59000;Lille
"""


def _groups(ws: Carnet, names: dict[int, str]) -> set[frozenset[str]]:
    """Each active contact's imported rows (names), with those merged into it."""
    contacts = ws.list_contacts(limit=1000, sort="id", include_merged=True).items
    groups: dict[int, set[str]] = {}
    for c in contacts:
        groups.setdefault(c.merged_into_id or c.id, set()).add(names[c.id])
    return {frozenset(g) for g in groups.values() if len(g) > 1}


def test_households_and_colleagues_stay_apart(carnet: Carnet, tmp_path: Path) -> None:
    for name, text in (("clients.csv", CUSTOMERS), ("salon.csv", SALON)):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        carnet.import_file(path, id_column="Réf")
    contacts = carnet.list_contacts(limit=1000).items
    # Sophie's mobile joined her married name to her maiden one at the import
    assert [c.last_name for c in contacts if c.first_name == "Sophie"] == ["Martin"]
    # the name each contact was imported under, with its source's row id to tell
    # the two Jean Dupont apart
    names = {c.id: f"{c.first_name} {c.last_name} {c.birth_date or '-'}" for c in contacts}
    report = carnet.find_duplicates()
    merged = _groups(carnet, names)
    assert merged == {
        frozenset({"Jean-Pierre Lefebvre 1956-02-14", "J.-Pierre Lefebvre -"}),
    }
    # the trade-show Jean Dupont is as like the father as the son: a person decides
    queued = {
        frozenset((names[item.left.id], names[item.right.id]))
        for item in carnet.review_queue(limit=50)
    }
    assert frozenset({"Jean Dupont 1952-03-03", "Jean Dupont -"}) in queued
    assert frozenset({"Jean Dupont 1983-10-25", "Jean Dupont -"}) in queued
    assert report.contacts_merged == 1
