"""Three B2B files of one company, and who is who in them.

A CRM export with SIRETs, a trade-show leads sheet (XLSX, no SIRET, the
company's postcode and city as typed on the badge) and a newsletter list (no
place at all). The traps: companies of one name in other towns whose owners
bear the same name too ("Boulangerie Martin", Jean Martin, in Lyon and in
Bordeaux), generic names ("Mairie" in three towns, "Pharmacie de la Gare" in
two Paris arrondissements, "Garage du Centre"), "SARL Dupont" in Rennes beside
"Dupont SARL" in Nantes, a chain's two shops (one SIREN, two SIRETs), the
self-employed ("Auto-entrepreneur") and the retired, who name no company. The
real duplicates must still merge: a baker and a town-hall secretary met again
at the show, the same company written "SARL Dupont & Fils" and "Dupont et
fils", a newsletter reader of a distinctive company.

Around them, as in a real file, a few hundred other contacts of other
companies (:func:`_others`), a tenth of whom came to the show too, under
another e-mail: duplicates only their company's SIREN and place tell.

Each row carries the id of the true person (``PEOPLE``), kept out of the files.
:func:`figures` scores a workspace pairwise over the input rows, as the
benchmarks do: rows that end in one contact are predicted to be one person.
"""

from __future__ import annotations

import csv
from collections import Counter
from itertools import combinations
from pathlib import Path
from random import Random

import openpyxl
import sqlalchemy as sa

from carnet import Carnet
from carnet.demo.identifiers import new_siren, new_siret
from carnet.store import schema as s

# Valid SIRETs (Luhn); the chain's two shops share the SIREN 904658267.
MARTIN_LYON = "51508491100012"
GARAGE_TOURS = "63656889100015"
DUPONT_NANTES = "34336456800018"
MAIRIE_VILLEURBANNE = "58268521000012"
PHARMACIE_PARIS_10 = "79477089100040"
MOREAU_LILLE = "90465826700029"
MOREAU_ROUBAIX = "90465826700318"
DUPONT_FILS = "41177922600033"
LAPORTE = "45816001700034"

CRM_HEADER = [
    "Civilité", "Prénom", "Nom", "Email", "Téléphone", "Raison sociale", "SIRET", "Adresse",
    "Code postal", "Ville", "Fonction",
]
# (true person, row)
CRM = [
    ("martin-lyon", ["M.", "Jean", "Martin", "boulangerie.martin69@orange.fr", "04 78 60 12 34",
                     "Boulangerie Martin", MARTIN_LYON, "12 rue Paul Bert", "69003", "Lyon",
                     "Gérant"]),
    ("bernard-tours", ["M.", "Michel", "Bernard", "garageducentre37@wanadoo.fr",
                       "02 47 05 11 22", "Garage du Centre", GARAGE_TOURS, "4 place du Marché",
                       "37000", "Tours", "Gérant"]),
    ("dupont-nantes", ["M.", "Philippe", "Dupont", "p.dupont44@orange.fr", "02 40 47 12 12",
                       "Dupont SARL", DUPONT_NANTES, "8 quai de la Fosse", "44000", "Nantes",
                       "Gérant"]),
    ("petit-villeurbanne", ["Mme", "Nathalie", "Petit", "n.petit@mairie-villeurbanne.fr",
                            "04 78 03 67 67", "Mairie", MAIRIE_VILLEURBANNE,
                            "Place Lazare Goujon", "69100", "Villeurbanne",
                            "Secrétaire générale"]),
    ("laurent-paris-10", ["Mme", "Sophie", "Laurent", "pharmaciegare75010@orange.fr",
                          "01 40 35 12 12", "Pharmacie de la Gare", PHARMACIE_PARIS_10,
                          "120 boulevard de Magenta", "75010", "Paris", "Pharmacienne"]),
    ("moreau-claire", ["Mme", "Claire", "Moreau", "claire.moreau@optique-moreau.fr",
                       "03 20 55 11 11", "Optique Moreau", MOREAU_LILLE, "15 rue Esquermoise",
                       "59000", "Lille", "Directrice"]),
    ("moreau-luc", ["M.", "Luc", "Moreau", "luc.moreau@optique-moreau.fr", "03 20 70 22 22",
                    "Optique Moreau", MOREAU_ROUBAIX, "40 Grande Rue", "59100", "Roubaix",
                    "Responsable magasin"]),
    ("roux", ["M.", "Antoine", "Roux", "a.roux@dupont-fils.fr", "04 76 12 34 56",
              "SARL Dupont & Fils", DUPONT_FILS, "22 cours Berriat", "38000", "Grenoble",
              "Conducteur de travaux"]),
    ("laporte", ["M.", "Marc", "Laporte", "m.laporte@laporte-ingenierie.fr", "05 61 22 33 44",
                 "Laporte Ingénierie", LAPORTE, "5 allées Jean Jaurès", "31000", "Toulouse",
                 "Directeur"]),
]

LEADS_HEADER = ["Prénom", "Nom", "Société", "Email", "Mobile", "Code postal", "Ville"]
LEADS = [
    # the Lyon baker again, with his own address and mobile
    ("martin-lyon", ["Jean", "MARTIN", "BOULANGERIE MARTIN", "jean.martin.69@gmail.com",
                     "06 11 22 33 44", "69003", "Lyon"]),
    # another Boulangerie Martin, another Jean Martin
    ("martin-bordeaux", ["Jean", "Martin", "Boulangerie Martin", "jmartin33@gmail.com",
                         "06 22 33 44 55", "33000", "Bordeaux"]),
    ("bernard-angers", ["Michel", "Bernard", "Garage du Centre", "michel.bernard49@gmail.com",
                        "06 33 44 55 66", "49000", "Angers"]),
    ("dupont-rennes", ["Philippe", "Dupont", "SARL Dupont", "philippe.dupont35@gmail.com",
                       "06 44 55 66 77", "35000", "Rennes"]),
    ("petit-venissieux", ["Nathalie", "Petit", "Mairie", "nathalie.petit69@gmail.com",
                          "06 55 66 77 88", "69200", "Vénissieux"]),
    # same city, another arrondissement: another pharmacy of that name
    ("laurent-paris-15", ["Isabelle", "Laurent", "Pharmacie de la Gare",
                          "isabelle.laurent75@gmail.com", "06 66 77 88 99", "75015", "Paris"]),
    ("moreau-claire", ["Claire", "Moreau", "Optique Moreau", "claire.moreau59@gmail.com",
                       "06 77 88 99 00", "59000", "Lille"]),
    ("roux", ["Antoine", "Roux", "Dupont et fils", "antoine.roux38@gmail.com",
              "06 88 99 00 11", "38000", "Grenoble"]),
    ("garnier-marseille", ["Sylvie", "Garnier", "Auto-entrepreneur", "sylvie.garnier@gmail.com",
                           "06 99 00 11 22", "13001", "Marseille"]),
    # the Villeurbanne secretary, from her personal mailbox
    ("petit-villeurbanne", ["Nathalie", "Petit", "MAIRIE", "nath.petit@free.fr", "", "69100",
                            "Villeurbanne"]),
]

NEWSLETTER_HEADER = ["Email", "Prénom", "Nom", "Entreprise", "Date d'inscription"]
NEWSLETTER = [
    ("martin-bordeaux", ["jmartin33@gmail.com", "Jean", "Martin", "Boulangerie Martin",
                         "2024-03-02"]),
    # a third Nathalie Petit, at some town hall
    ("petit-ailleurs", ["natpetit@laposte.net", "Nathalie", "Petit", "Mairie", "2024-03-05"]),
    ("laporte", ["marc.laporte31@gmail.com", "Marc", "Laporte", "Laporte Ingenierie",
                 "2024-03-09"]),
    ("garnier-retraitee", ["garnier.martine@orange.fr", "Martine", "Garnier", "Retraitée",
                           "2024-03-11"]),
    ("garnier-lille", ["paul.garnier59@gmail.com", "Paul", "Garnier", "Auto entrepreneur",
                       "2024-03-11"]),
    ("dupont-nantes", ["p.dupont44@orange.fr", "Philippe", "Dupont", "Dupont", "2024-03-12"]),
    ("martin-particulier", ["jean.martin@gmail.com", "Jean", "Martin", "Particulier",
                            "2024-03-15"]),
]

_FIRST = (  # noqa: SIM905 - a word list reads better as text
    "Alain Amandine Arnaud Aurélie Benoît Camille Cédric Céline Christophe Delphine Didier "
    "Émilie Fabrice Florence Guillaume Hélène Isabelle Jérôme Julien Karine Laurence Ludovic "
    "Mathieu Mélanie Nicolas Olivier Pascale Romain Sandrine Thierry Valérie Yannick"
).split()
_LAST = (  # noqa: SIM905 - a word list reads better as text
    "Andrieu Barbier Besson Blanchet Boyer Brunet Carpentier Chauvin Collet Colin Deschamps "
    "Dumont Fabre Fleury Gaillard Gauthier Guillot Hamon Hoarau Huet Jacob Joly Labbé Leclerc "
    "Lemaire Marchal Masson Meunier Millet Noël Perrin Poirier Renaud Rey Rolland Royer "
    "Schmitt Tessier Vidal Weber"
).split()
_TRADES = "Conseil Industrie Logistique Bâtiment Informatique Transports Distribution Énergie"
_PLACES = [
    ("67000", "Strasbourg"), ("21000", "Dijon"), ("29200", "Brest"), ("87000", "Limoges"),
    ("63000", "Clermont-Ferrand"), ("51100", "Reims"), ("76000", "Rouen"), ("34000", "Montpellier"),
    ("06000", "Nice"), ("80000", "Amiens"), ("57000", "Metz"), ("64000", "Pau"),
]
_MAILS = ("orange.fr", "gmail.com", "free.fr", "laposte.net", "sfr.fr", "wanadoo.fr")


def _others(count: int = 300, seed: int = 2024) -> tuple[list, list, list]:
    """Contacts of ``count`` other companies, each its own person and full name: the CRM
    row of each, a show lead (another e-mail, the company's postcode) for one in ten,
    and a newsletter row (another person) for one in five companies."""
    rng = Random(seed)
    names = [(f, last) for last in _LAST for f in _FIRST]
    rng.shuffle(names)
    crm, leads, newsletter = [], [], []
    trades = _TRADES.split()
    used: set[str] = set()
    for i in range(count):
        first, last = names[i]
        person = f"other-{i}"
        postcode, city = _PLACES[i % len(_PLACES)]
        company = f"{last} {trades[i % len(trades)]}"
        if company in used:
            company = f"{first} {last} {trades[i % len(trades)]}"
        used.add(company)
        siren = new_siren(rng)
        phone = f"0{3 + i % 3} {10 + i % 89:02d} {i // 89 + 10:02d} {i % 97:02d} {i % 89:02d}"
        mail = f"{first}.{last}".lower().replace("é", "e").replace("è", "e").replace("ë", "e")
        crm.append((person, ["", first, last, f"{mail}@{last.lower()}-pro.fr", phone, company,
                             new_siret(rng, siren), f"{1 + i % 40} rue de la République",
                             postcode, city, "Responsable achats"]))
        if i % 10 == 0:
            leads.append((person, [first, last.upper(), company.upper(),
                                   f"{mail}{i}@{_MAILS[i % len(_MAILS)]}", "", postcode, city]))
        if i % 5 == 1:
            # a colleague of another name, whom the newsletter alone knows
            colleague_first, colleague_last = names[-1 - i]
            newsletter.append((f"colleague-{i}", [
                f"{colleague_first[0]}.{colleague_last}{i}@{_MAILS[i % len(_MAILS)]}".lower(),
                colleague_first, colleague_last, company, "2024-04-01"]))
    return crm, leads, newsletter


_OTHER_CRM, _OTHER_LEADS, _OTHER_NEWSLETTER = _others()
CRM += _OTHER_CRM
LEADS += _OTHER_LEADS
NEWSLETTER += _OTHER_NEWSLETTER

#: The true person of each input row, file by file, in import order.
PEOPLE = {
    "crm.csv": [p for p, _ in CRM],
    "salon.xlsx": [p for p, _ in LEADS],
    "newsletter.csv": [p for p, _ in NEWSLETTER],
}


def write_files(folder: Path) -> list[Path]:
    """Write the three files; returns them in import order."""
    crm = folder / "crm.csv"
    with crm.open("w", encoding="cp1252", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(CRM_HEADER)
        writer.writerows(row for _, row in CRM)
    leads = folder / "salon.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(LEADS_HEADER)
    for _, row in LEADS:
        sheet.append(row)
    book.save(leads)
    newsletter = folder / "newsletter.csv"
    with newsletter.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=",")
        writer.writerow(NEWSLETTER_HEADER)
        writer.writerows(row for _, row in NEWSLETTER)
    return [crm, leads, newsletter]


def import_files(ws: Carnet, folder: Path) -> list[list[int]]:
    """Import the three files; returns each file's contact id per input row."""
    out: list[list[int]] = []
    for path in write_files(folder):
        report = ws.import_file(path)
        rows = s.import_rows
        with ws.engine.connect() as conn:
            ids = [
                int(contact_id)
                for contact_id in conn.execute(
                    sa.select(rows.c.contact_id)
                    .where(rows.c.import_id == report.import_id)
                    .order_by(rows.c.row_number)
                ).scalars()
            ]
        assert len(ids) == len(PEOPLE[path.name]), f"{path.name}: a row was not imported"
        out.append(ids)
    return out


def final_contacts(ws: Carnet, ids: list[list[int]]) -> list[int]:
    """Each input row's contact after the merges, all files in one list."""
    c = s.contacts
    with ws.engine.connect() as conn:
        into = {
            int(i): int(m)
            for i, m in conn.execute(
                sa.select(c.c.id, c.c.merged_into_id).where(c.c.merged_into_id.is_not(None))
            )
        }
    out = []
    for contact_id in (i for file_ids in ids for i in file_ids):
        while contact_id in into:
            contact_id = into[contact_id]
        out.append(contact_id)
    return out


def figures(ws: Carnet, ids: list[list[int]]) -> dict[str, list[tuple[str, str]]]:
    """The pairs of input rows wrongly put in one contact (``false``), and those of one
    person left in two (``missed``), each as the two rows' true persons."""
    people = [p for name in PEOPLE for p in PEOPLE[name]]
    contacts = final_contacts(ws, ids)
    false: Counter[tuple[str, str]] = Counter()
    missed: Counter[tuple[str, str]] = Counter()
    for (p1, c1), (p2, c2) in combinations(zip(people, contacts, strict=True), 2):
        if c1 == c2 and p1 != p2:
            false[(min(p1, p2), max(p1, p2))] += 1
        elif c1 != c2 and p1 == p2:
            missed[(p1, p2)] += 1
    return {"false": sorted(false.elements()), "missed": sorted(missed.elements())}
