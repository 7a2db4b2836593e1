"""Look-alikes a duplicate search must not merge on its own: a couple, colleagues, twins.

Found by a French test bed (``benchmarks/french_bed.py``) among carnet's automatic
merges: M. and Mme Dominique Petit at one address (a first name both sexes bear),
two Christophes of one office, its address, switchboard and ``contact@`` mailbox, in
a file with no SIREN, and the twins Jules and Julia Berger, born the same day at one
address, each with an e-mail of their own (no civility given).
Each pair scored above the merge threshold on what a couple, colleagues or twins
share; none shares an e-mail of their own or a mobile. They now wait for review,
and a real duplicate beside them (Catherine Roux, "Cathy" in the old CRM, with her
birth date and address) still merges.
"""

from __future__ import annotations

from pathlib import Path

from carnet import Carnet

SHOP = """\
Civilité;Prénom;Nom;Email;Adresse;Code postal;Ville;Date de naissance
M.;Dominique;Petit;dominique.petit21@orange.fr;14 rue Saint-Jean;21000;Dijon;
Mme;Dominique;PETIT;dpetit@gmail.com;14 rue St Jean;21000;Dijon;
;Jules;Berger;j.berger@live.fr;81 rue des Écoles;35000;Rennes;12/07/1998
;Julia;Berger;julia.berger@orange.fr;81 r. des Écoles;35000;Rennes;12/07/1998
Mme;Catherine;Roux;catherine.roux@free.fr;7 allée des Tilleuls;44000;Nantes;03/05/1961
"""

CRM = """\
NOM;PRENOM;SOCIETE;EMAIL;TEL;ADRESSE;CP;VILLE;DATE NAISSANCE
LEMAIRE;Christophe;Morel SARL;contact@morel.fr;02 40 12 34 00;15 impasse Jean Jaurès;44000;Nantes;
BONNET;Christophe;Morel SARL;contact@morel.fr;02 40 12 34 00;15 impasse Jean Jaurès;44000;Nantes;
ROUX;Cathy;;cathyroux44@gmail.com;;7 all. des Tilleuls;44000;NANTES;03/05/1961
"""


def _imported(carnet: Carnet, tmp_path: Path) -> dict[int, str]:
    for name, text in (("boutique.csv", SHOP), ("ancien_crm.csv", CRM)):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        carnet.import_file(path)
    contacts = carnet.list_contacts(limit=100).items
    return {c.id: f"{c.civility or ''} {c.first_name} {c.last_name}".strip() for c in contacts}


def test_a_couple_colleagues_and_twins_wait_for_review(carnet: Carnet, tmp_path: Path) -> None:
    names = _imported(carnet, tmp_path)
    assert len(names) == 8  # the import's exact keys joined none of them
    report = carnet.find_duplicates()
    merged = {
        frozenset((names[c.id], names[c.merged_into_id]))
        for c in carnet.list_contacts(limit=100, include_merged=True).items
        if c.merged_into_id is not None
    }
    assert merged == {frozenset({"Mme Catherine Roux", "Cathy Roux"})}
    queued = {
        frozenset((names[i.left.id], names[i.right.id])): i.look_alike
        for i in carnet.review_queue(limit=50)
    }
    assert queued[frozenset({"M. Dominique Petit", "Mme Dominique Petit"})] == (
        "a man and a woman by their civilities"
    )
    assert queued[frozenset({"Christophe Lemaire", "Christophe Bonnet"})] == (
        "other last names, only a place in common"
    )
    assert queued[frozenset({"Jules Berger", "Julia Berger"})] == (
        "first names only alike, born the same day"
    )
    assert report.look_alikes == 3
    assert report.to_dict()["look_alikes"] == 3
