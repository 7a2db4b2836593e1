"""Word lists and identifier arithmetic for benchmarks/b2b_bed.py.

Written from scratch for the B2B test bed: nothing here is read from carnet, so the
bed checks carnet against an independent idea of what French company files hold.
"""

from __future__ import annotations

import random
import string

# (NAF code, a business name stem that fits it)
NAF_CODES = [
    ("62.01Z", ["Logiciels", "Informatique", "Digital", "Data Services"]),
    ("62.02A", ["Conseil Informatique", "IT Consulting", "Systèmes"]),
    ("69.20Z", ["Expertise Comptable", "Audit et Conseil", "Fiduciaire"]),
    ("70.22Z", ["Conseil", "Stratégie", "Management"]),
    ("43.21A", ["Électricité", "Électricité Générale", "Elec Services"]),
    ("43.22A", ["Plomberie", "Chauffage Sanitaire", "Thermique"]),
    ("41.20A", ["Construction", "Bâtiment", "Maisons"]),
    ("45.20A", ["Garage", "Auto Services", "Mécanique"]),
    ("47.11B", ["Alimentation", "Supérette", "Épicerie"]),
    ("56.10A", ["Restaurant", "Brasserie", "Bistrot"]),
    ("10.71C", ["Boulangerie", "Boulangerie Pâtisserie", "Fournil"]),
    ("86.23Z", ["Cabinet Dentaire", "Centre Dentaire"]),
    ("68.31Z", ["Immobilier", "Agence Immobilière", "Transactions"]),
    ("25.62B", ["Mécanique de Précision", "Usinage", "Décolletage"]),
    ("49.41A", ["Transports", "Logistique", "Fret"]),
    ("71.12B", ["Ingénierie", "Bureau d'Études", "Études Techniques"]),
    ("73.11Z", ["Communication", "Publicité", "Agence Créative"]),
    ("46.90Z", ["Négoce", "Distribution", "Import Export"]),
    ("82.11Z", ["Services Administratifs", "Secrétariat"]),
    ("01.21Z", ["Vignobles", "Domaine Viticole", "Vins"]),
    ("55.10Z", ["Hôtel", "Hôtellerie"]),
    ("96.02A", ["Coiffure", "Salon de Coiffure"]),
]

SURNAMES = [
    "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand",
    "Leroy", "Moreau", "Simon", "Laurent", "Lefèvre", "Michel", "Garcia", "David",
    "Bertrand", "Roux", "Vincent", "Fournier", "Morel", "Girard", "André", "Lefebvre",
    "Mercier", "Dupont", "Lambert", "Bonnet", "François", "Martinez", "Legrand",
    "Garnier", "Faure", "Rousseau", "Blanc", "Guérin", "Muller", "Henry", "Roussel",
    "Nicolas", "Perrin", "Morin", "Mathieu", "Clément", "Gauthier", "Dumont", "Lopez",
    "Fontaine", "Chevalier", "Robin", "Masson", "Sanchez", "Gérard", "Nguyen", "Boyer",
    "Denis", "Lemaire", "Duval", "Joly", "Gautier", "Roger", "Roche", "Roy", "Noël",
    "Meyer", "Lucas", "Meunier", "Jean", "Perez", "Marchand", "Dufour", "Blanchard",
    "Le Gall", "Le Goff", "Brunet", "Schmitt", "Barbier", "Brun", "Giraud", "Caron",
]

FIRST_NAMES = [
    ("Marie", "F"), ("Nathalie", "F"), ("Isabelle", "F"), ("Sylvie", "F"), ("Catherine", "F"),
    ("Sandrine", "F"), ("Céline", "F"), ("Stéphanie", "F"), ("Aurélie", "F"), ("Julie", "F"),
    ("Camille", "F"), ("Émilie", "F"), ("Hélène", "F"), ("Laure", "F"), ("Anne-Sophie", "F"),
    ("Jean", "M"), ("Philippe", "M"), ("Michel", "M"), ("Alain", "M"), ("Patrick", "M"),
    ("Nicolas", "M"), ("Christophe", "M"), ("Pierre", "M"), ("Laurent", "M"), ("Éric", "M"),
    ("Frédéric", "M"), ("Sébastien", "M"), ("Julien", "M"), ("Jean-Marc", "M"),
    ("François", "M"), ("Thierry", "M"), ("Olivier", "M"), ("Jérôme", "M"), ("Benoît", "M"),
]

# (canonical title, ways people type it)
JOB_TITLES = [
    ("Directeur général", ["Directeur général", "DG", "Directeur Général", "directeur general"]),
    ("Gérant", ["Gérant", "Gérante", "GERANT", "gérant"]),
    ("Responsable des achats", ["Resp. achats", "Responsable achats", "Responsable des achats"]),
    ("Directeur administratif et financier", ["DAF", "Directeur administratif et financier"]),
    ("Comptable", ["Comptable", "comptable", "Comptable unique"]),
    ("Assistante de direction", ["Assistante de direction", "Assistante direction"]),
    ("Directeur commercial", ["Dir. commercial", "Directeur commercial", "Directeur Commercial"]),
    ("Responsable informatique", ["Resp. informatique", "DSI", "Responsable informatique"]),
    ("Président", ["Président", "PDG", "Président-directeur général"]),
    ("Chargée de communication", ["Chargée de communication", "Chargée de com"]),
    ("Office manager", ["Office manager", "Office Manager"]),
    ("Responsable RH", ["Resp. RH", "Responsable RH", "DRH"]),
]

NAF_LABELS = {
    "62.01Z": "Programmation informatique",
    "62.02A": "Conseil en systèmes et logiciels informatiques",
    "69.20Z": "Activités comptables",
    "70.22Z": "Conseil pour les affaires et autres conseils de gestion",
    "43.21A": "Travaux d'installation électrique dans tous locaux",
    "43.22A": "Travaux d'installation d'eau et de gaz en tous locaux",
    "41.20A": "Construction de maisons individuelles",
    "45.20A": "Entretien et réparation de véhicules automobiles légers",
    "47.11B": "Commerce d'alimentation générale", "56.10A": "Restauration traditionnelle",
    "10.71C": "Boulangerie et boulangerie-pâtisserie", "86.23Z": "Pratique dentaire",
    "68.31Z": "Agences immobilières", "25.62B": "Mécanique industrielle",
    "49.41A": "Transports routiers de fret interurbains",
    "71.12B": "Ingénierie, études techniques", "73.11Z": "Activités des agences de publicité",
    "46.90Z": "Commerce de gros non spécialisé",
    "82.11Z": "Services administratifs combinés de bureau",
    "01.21Z": "Culture de la vigne", "55.10Z": "Hôtels et hébergement similaire",
    "96.02A": "Coiffure",
}

# (form as registries write it, as people write it inside names)
LEGAL_FORMS = [
    ("SARL", ["SARL", "S.A.R.L.", "Sarl"]),
    ("SAS", ["SAS", "S.A.S.", "sas"]),
    ("SASU", ["SASU"]),
    ("EURL", ["EURL"]),
    ("SA", ["SA", "S.A."]),
    ("SCI", ["SCI"]),
    ("SNC", ["SNC"]),
    ("EI", ["EI"]),
]

# (postcode, city, department switchboard prefix)
PLACES = [
    ("75008", "Paris", "01"), ("75011", "Paris", "01"), ("69003", "Lyon", "04"),
    ("13008", "Marseille", "04"), ("31000", "Toulouse", "05"), ("33000", "Bordeaux", "05"),
    ("44000", "Nantes", "02"), ("59000", "Lille", "03"), ("67000", "Strasbourg", "03"),
    ("35000", "Rennes", "02"), ("34000", "Montpellier", "04"), ("06000", "Nice", "04"),
    ("21000", "Dijon", "03"), ("37000", "Tours", "02"), ("63000", "Clermont-Ferrand", "04"),
    ("76000", "Rouen", "02"), ("29200", "Brest", "02"), ("38000", "Grenoble", "04"),
    ("49100", "Angers", "02"), ("51100", "Reims", "03"), ("87000", "Limoges", "05"),
    ("92100", "Boulogne-Billancourt", "01"), ("94300", "Vincennes", "01"),
    ("74000", "Annecy", "04"), ("64100", "Bayonne", "05"), ("80000", "Amiens", "03"),
]

STREETS = [
    "rue de la République", "avenue Jean Jaurès", "rue Victor Hugo", "boulevard Gambetta",
    "rue du Général de Gaulle", "place de la Mairie", "rue des Lilas", "allée des Tilleuls",
    "rue de l'Industrie", "zone artisanale des Prés", "rue Pasteur", "avenue de la Gare",
    "chemin des Vignes", "rue du Commerce", "impasse des Artisans", "quai des Chartrons",
]

BANKS = [("30004", "BNPAFRPP"), ("30003", "SOGEFRPP"), ("30002", "CRLYFRPP"),
         ("10278", "CMCIFR2A"), ("20041", "PSSTFRPP"), ("18206", "AGRIFRPP882"),
         ("30066", "CMCIFRPP"), ("13335", "CEPAFRPP333")]

WEBMAIL = ["gmail.com", "orange.fr", "wanadoo.fr", "free.fr"]


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch) * (2 if i % 2 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


def luhn_complete(stem: str) -> str:
    """stem + the one digit that makes it pass the Luhn check."""
    for d in string.digits:
        if luhn_ok(stem + d):
            return stem + d
    raise AssertionError(stem)


def new_siren(rng: random.Random) -> str:
    while True:
        stem = str(rng.randint(30_000_000, 99_999_999))
        siren = luhn_complete(stem)
        if not siren.startswith("356000000"):
            return siren


def new_siret(rng: random.Random, siren: str) -> str:
    nic = f"{rng.choice([1, 1, 1, 2, 3, 4, 11, 25, 40]):04d}"
    return luhn_complete(siren + nic)


def vat_of(siren: str) -> str:
    key = (12 + 3 * (int(siren) % 97)) % 97
    return f"FR{key:02d}{siren}"


def _rib_key(bank: str, branch: str, account: str) -> str:
    letters = {c: v for v, chars in enumerate(["AJ", "BKS", "CLT", "DMU", "ENV", "FOW", "GPX",
                                                "HQY", "IRZ"], start=1) for c in chars}
    account_digits = "".join(str(letters.get(c, c)) for c in account)
    key = 97 - (89 * int(bank) + 15 * int(branch) + 3 * int(account_digits)) % 97
    return f"{key:02d}"


def new_iban(rng: random.Random, bank: str) -> str:
    branch = f"{rng.randint(1, 99999):05d}"
    account = f"{rng.randint(0, 10**11 - 1):011d}"
    bban = bank + branch + account + _rib_key(bank, branch, account)
    check = 98 - int("".join(str(int(c, 36)) for c in bban + "FR00")) % 97
    return f"FR{check:02d}{bban}"


def spoil_digit(rng: random.Random, value: str, first: int = 0) -> str:
    """The same identifier with one digit mistyped (a checksum now fails)."""
    while True:
        i = rng.randrange(first, len(value))
        if value[i].isdigit():
            new = str((int(value[i]) + rng.randint(1, 8)) % 10)
            spoiled = value[:i] + new + value[i + 1:]
            if spoiled != value:
                return spoiled
