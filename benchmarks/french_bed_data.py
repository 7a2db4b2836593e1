"""A seeded generator of French customer files holding the same people several times.

Written apart from carnet's demo generator (``carnet.demo``) and from the households
bed (``benchmarks/households``), from how real French customer files look: one
company's shop export, its newsletter list, a trade-show sheet and a dump of its old
CRM, each with its own columns, encoding and habits. Used by ``french_bed.py``.

Every person has a *kind*: the one way their rows differ across the files
(``married_name``, ``swapped``, ``nickname``, ...), or ``single`` (one row), and trap
groups put different people side by side who look alike (``household``, ``twins``,
``father_son``, ``homonyms``, ``colleagues``, ``unisex_couple``). Every row is written
with its true person in ``truth.csv`` (``source``, ``row``, ``person``, ``kind``,
``group``), ``row`` counting data rows from 1 as carnet's import does.

    python benchmarks/french_bed_data.py OUT_DIR --seed 11 --people 1500
"""

from __future__ import annotations

import argparse
import csv
import random
import unicodedata
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path

# --------------------------------------------------------------------------
# reference lists (common French names, with accents as the civil registry has them)
# --------------------------------------------------------------------------
MALE = (
    "Jean",
    "Pierre",
    "Michel",
    "Philippe",
    "Alain",
    "Nicolas",
    "Christophe",
    "Patrick",
    "Stéphane",
    "Frédéric",
    "Laurent",
    "Thierry",
    "Sébastien",
    "Olivier",
    "Éric",
    "David",
    "Julien",
    "Pascal",
    "Franck",
    "Guillaume",
    "Emmanuel",
    "Bruno",
    "Christian",
    "Daniel",
    "Bernard",
    "Gérard",
    "Jacques",
    "François",
    "Didier",
    "Vincent",
    "Thomas",
    "Maxime",
    "Antoine",
    "Romain",
    "Alexandre",
    "Hugo",
    "Lucas",
    "Louis",
    "Théo",
    "Mathieu",
    "Benoît",
    "Yannick",
    "Cédric",
    "Jérôme",
    "Hervé",
    "Gilles",
    "Marc",
    "Fabrice",
    "Dominique",
    "Claude",
    "René",
    "Raymond",
    "Yves",
    "Joël",
    "Serge",
    "Rémi",
    "Loïc",
    "Gaëtan",
    "Killian",
    "Mehdi",
    "Karim",
    "Youssef",
)
FEMALE = (
    "Marie",
    "Nathalie",
    "Isabelle",
    "Sylvie",
    "Catherine",
    "Françoise",
    "Valérie",
    "Sandrine",
    "Christine",
    "Véronique",
    "Sophie",
    "Céline",
    "Stéphanie",
    "Nicole",
    "Hélène",
    "Chantal",
    "Patricia",
    "Martine",
    "Anne",
    "Brigitte",
    "Florence",
    "Émilie",
    "Aurélie",
    "Julie",
    "Camille",
    "Léa",
    "Manon",
    "Chloé",
    "Sarah",
    "Laura",
    "Élodie",
    "Audrey",
    "Virginie",
    "Karine",
    "Béatrice",
    "Dominique",
    "Claude",
    "Monique",
    "Josiane",
    "Mireille",
    "Agnès",
    "Cécile",
    "Laetitia",
    "Mélanie",
    "Pauline",
    "Clémence",
    "Inès",
    "Yasmina",
    "Fatima",
    "Gwenaëlle",
)
COMPOUND_M = (
    "Jean-Pierre",
    "Jean-Marc",
    "Jean-Luc",
    "Jean-François",
    "Pierre-Yves",
    "Jean-Claude",
    "Jean-Michel",
    "Jean-Philippe",
    "Marc-Antoine",
)
COMPOUND_F = (
    "Marie-Christine",
    "Anne-Sophie",
    "Marie-Hélène",
    "Marie-Claire",
    "Anne-Laure",
    "Marie-Pierre",
    "Marie-Thérèse",
)
LAST = (
    "Martin",
    "Bernard",
    "Thomas",
    "Petit",
    "Robert",
    "Richard",
    "Durand",
    "Dubois",
    "Moreau",
    "Laurent",
    "Simon",
    "Michel",
    "Lefebvre",
    "Leroy",
    "Roux",
    "David",
    "Bertrand",
    "Morel",
    "Fournier",
    "Girard",
    "Bonnet",
    "Dupont",
    "Lambert",
    "Fontaine",
    "Rousseau",
    "Vincent",
    "Muller",
    "Lefèvre",
    "Faure",
    "André",
    "Mercier",
    "Blanc",
    "Guérin",
    "Boyer",
    "Garnier",
    "Chevalier",
    "François",
    "Legrand",
    "Gauthier",
    "Garcia",
    "Perrin",
    "Robin",
    "Clément",
    "Morin",
    "Nicolas",
    "Henry",
    "Roussel",
    "Mathieu",
    "Masson",
    "Marchand",
    "Duval",
    "Denis",
    "Dumont",
    "Lemaire",
    "Noël",
    "Meyer",
    "Dufour",
    "Meunier",
    "Brun",
    "Blanchard",
    "Giraud",
    "Joly",
    "Rivière",
    "Lucas",
    "Brunet",
    "Gaillard",
    "Barbier",
    "Arnaud",
    "Martinez",
    "Gérard",
    "Roche",
    "Renard",
    "Schmitt",
    "Roy",
    "Leroux",
    "Colin",
    "Vidal",
    "Caron",
    "Picard",
    "Roger",
    "Fabre",
    "Aubert",
    "Lemoine",
    "Renaud",
    "Dumas",
    "Lacroix",
    "Olivier",
    "Philippe",
    "Bourgeois",
    "Benoît",
    "Rey",
    "Leclerc",
    "Payet",
    "Rolland",
    "Lecomte",
    "Lopez",
    "Dupuy",
    "Guillot",
    "Hubert",
    "Berger",
    "Carpentier",
    "Sanchez",
    "Dupuis",
    "Moulin",
    "Deschamps",
    "Huet",
    "Vasseur",
    "Perez",
    "Boucher",
    "Fleury",
    "Royer",
    "Klein",
    "Jacquet",
    "Adam",
    "Poirier",
    "Marty",
    "Aubry",
    "Guyot",
    "Carré",
    "Renault",
    "Charpentier",
    "Ménard",
    "Maillard",
    "Baron",
    "Bertin",
    "Bailly",
    "Hervé",
    "Schneider",
    "Fernandez",
    "Collet",
    "Léger",
    "Bouvier",
    "Prévost",
    "Millet",
    "Perrot",
    "Cousin",
    "Germain",
    "Breton",
    "Besson",
    "Langlois",
    "Rémy",
    "Pelletier",
    "Lévêque",
    "Perrier",
    "Leblanc",
    "Barré",
    "Lebrun",
    "Weber",
    "Mallet",
    "Hamon",
    "Jacob",
    "Monnier",
    "Michaud",
    "Guichard",
    "Gillet",
    "Étienne",
    "Tessier",
    "Chauvin",
    "Bouchet",
    "Lemaître",
    "Bénard",
    "Maréchal",
    "Humbert",
    "Reynaud",
    "Cordier",
    "Pichon",
    "Lejeune",
    "Gilbert",
    "Lamy",
    "Delaunay",
    "Pasquier",
    "Carlier",
    "Laporte",
    "Kerbrat",
    "Quéré",
    "Nguyen",
    "Benali",
)
# family names of several words: written with and without their spaces and hyphens
SPACED_LAST = (
    "Le Gall",
    "Le Goff",
    "Le Roux",
    "Da Silva",
    "De La Fontaine",
    "Le Bihan",
    "Dos Santos",
    "Saint-Martin",
    "Le Floch",
    "Ben Salah",
)
# first names people actually go by (French diminutives, not English ones)
NICKNAMES = {
    "Françoise": ("Fanfan",),
    "Emmanuel": ("Manu",),
    "Catherine": ("Cathy", "Cath"),
    "Guillaume": ("Guigui", "Guillaume"),
    "Frédéric": ("Fred",),
    "Stéphane": ("Steph",),
    "Nicolas": ("Nico",),
    "Sébastien": ("Seb", "Séb"),
    "Isabelle": ("Isa", "Isabel"),
    "Valérie": ("Val", "Valou"),
    "Dominique": ("Domi",),
    "Béatrice": ("Béa",),
    "Christophe": ("Chris", "Kiki"),
    "Patricia": ("Pat", "Patou"),
    "Alexandre": ("Alex",),
    "Maxime": ("Max",),
    "Mathieu": ("Mat", "Matt"),
    "Christine": ("Titine", "Kristine"),
    "Nathalie": ("Nath", "Natha"),
    "Véronique": ("Véro",),
    "Sandrine": ("Sandy",),
    "Aurélie": ("Aurel", "Lili"),
    "Jean-Pierre": ("JP", "Jean-Pie"),
    "Marie-Christine": ("Marie-Chris",),
    "Anne-Sophie": ("Anne-So",),
    "Jacques": ("Jacky",),
    "Gérard": ("Gégé",),
    "Thierry": ("Titi",),
    "Élodie": ("Elo",),
    "Virginie": ("Virgi", "Ginie"),
    "Benoît": ("Ben",),
}
# twins are often given names that go together
TWIN_NAMES = (
    (("Lucas", "M"), ("Louis", "M")),
    (("Léa", "F"), ("Léo", "M")),
    (("Emma", "F"), ("Emmy", "F")),
    (("Julien", "M"), ("Julie", "F")),
    (("Thomas", "M"), ("Théo", "M")),
    (("Chloé", "F"), ("Clara", "F")),
    (("Hugo", "M"), ("Hugues", "M")),
    (("Manon", "F"), ("Marion", "F")),
    (("Nathan", "M"), ("Noah", "M")),
    (("Camille", "F"), ("Capucine", "F")),
    (("Jules", "M"), ("Julia", "F")),
)
UNISEX = ("Dominique", "Claude", "Camille")
CITIES = (
    # (postcode, city, landline prefix, weight); Paris and Lyon carry the homonyms
    *((f"750{n:02d}", "Paris", "01", 3) for n in range(1, 21)),
    *((f"6900{n}", "Lyon", "04", 2) for n in range(1, 10)),
    *((f"130{n:02d}", "Marseille", "04", 2) for n in range(1, 17)),
    ("31000", "Toulouse", "05", 4),
    ("31400", "Toulouse", "05", 3),
    ("06000", "Nice", "04", 4),
    ("44000", "Nantes", "02", 4),
    ("67000", "Strasbourg", "03", 4),
    ("34000", "Montpellier", "04", 4),
    ("33000", "Bordeaux", "05", 5),
    ("59000", "Lille", "03", 4),
    ("35000", "Rennes", "02", 4),
    ("51100", "Reims", "03", 2),
    ("42000", "Saint-Étienne", "04", 2),
    ("38000", "Grenoble", "04", 3),
    ("21000", "Dijon", "03", 2),
    ("49000", "Angers", "02", 2),
    ("29200", "Brest", "02", 2),
    ("29000", "Quimper", "02", 2),
    ("87000", "Limoges", "05", 2),
    ("37000", "Tours", "02", 2),
    ("57000", "Metz", "03", 2),
    ("45000", "Orléans", "02", 2),
    ("14000", "Caen", "02", 2),
    ("76000", "Rouen", "02", 2),
    ("54000", "Nancy", "03", 2),
    ("56000", "Vannes", "02", 2),
    ("74000", "Annecy", "04", 2),
    ("93100", "Montreuil", "01", 2),
    ("92100", "Boulogne-Billancourt", "01", 2),
    ("95100", "Argenteuil", "01", 1),
    ("64000", "Pau", "05", 1),
    ("17000", "La Rochelle", "05", 1),
    ("01000", "Bourg-en-Bresse", "04", 1),
)
STREET_KINDS = (
    ("rue", "r."),
    ("avenue", "av."),
    ("boulevard", "bd"),
    ("place", "pl."),
    ("allée", "all."),
    ("impasse", "imp."),
    ("chemin", "ch."),
)
STREET_NAMES = (
    "de la République",
    "Victor Hugo",
    "Jean Jaurès",
    "du Général de Gaulle",
    "Pasteur",
    "de la Gare",
    "des Lilas",
    "du Moulin",
    "Gambetta",
    "Émile Zola",
    "de Verdun",
    "Saint-Michel",
    "des Écoles",
    "du Stade",
    "de Paris",
    "Anatole France",
    "des Tilleuls",
    "de la Liberté",
    "Jules Ferry",
    "du Château",
    "Carnot",
    "Voltaire",
    "de Bretagne",
    "des Acacias",
    "du Maréchal Foch",
)
PROVIDERS = (
    ("gmail.com", 34),
    ("orange.fr", 14),
    ("wanadoo.fr", 6),
    ("free.fr", 10),
    ("hotmail.fr", 8),
    ("hotmail.com", 3),
    ("yahoo.fr", 6),
    ("laposte.net", 5),
    ("sfr.fr", 4),
    ("outlook.fr", 3),
    ("neuf.fr", 2),
    ("icloud.com", 2),
    ("live.fr", 3),
)
# the same mailbox name moving with the provider's history (Wanadoo became Orange,
# Neuf and Club-Internet went to SFR, Hotmail to Outlook)
PROVIDER_MOVES = {
    "wanadoo.fr": "orange.fr",
    "neuf.fr": "sfr.fr",
    "club-internet.fr": "sfr.fr",
    "hotmail.fr": "outlook.fr",
    "orange.fr": "gmail.com",
    "free.fr": "gmail.com",
    "yahoo.fr": "gmail.com",
    "gmail.com": "outlook.fr",
    "laposte.net": "gmail.com",
    "sfr.fr": "gmail.com",
    "hotmail.com": "outlook.com",
    "outlook.fr": "gmail.com",
    "icloud.com": "gmail.com",
    "live.fr": "outlook.fr",
}
DOMAIN_TYPOS = {
    "gmail.com": ("gmial.com", "gmail.fr", "gmal.com"),
    "hotmail.fr": ("hotmial.fr", "hotmail.ft"),
    "orange.fr": ("ornage.fr", "orange.com"),
    "yahoo.fr": ("yaho.fr",),
    "free.fr": ("fre.fr",),
    "wanadoo.fr": ("wanado.fr",),
    "laposte.net": ("laposte.fr",),
}
COMPANIES = (
    ("Cabinet Durand & Associés", "cabinet-durand.fr"),
    ("Transports Morel SARL", "transports-morel.fr"),
    ("Boulangerie Lemoine", "boulangerie-lemoine.fr"),
    ("Atelier Kerbrat", "atelier-kerbrat.bzh"),
    ("Groupe Fontaine Immobilier", "fontaine-immo.fr"),
    ("Pharmacie de la Gare", "pharmaciegare.fr"),
    ("SCP Roussel Notaires", "roussel-notaires.fr"),
    ("Garage Perrin", "garage-perrin.fr"),
    ("Clinique Saint-Joseph", "clinique-stjoseph.fr"),
    ("Mairie de Vannes", "mairie-vannes.fr"),
    ("Librairie Colin", "librairie-colin.fr"),
    ("Menuiserie Hamon", "menuiserie-hamon.fr"),
    ("Agence Bleu Marine", "bleu-marine.com"),
    ("Lycée Jules Ferry", "ac-rennes.fr"),
    ("Expertise Comptable Vidal", "vidal-expertise.fr"),
    ("Hôtel des Acacias", "hotel-acacias.fr"),
)
JOBS = (
    "Gérant",
    "Directrice commerciale",
    "Comptable",
    "Assistante de direction",
    "Responsable achats",
    "Chargé de communication",
    "Technicien",
    "Infirmière",
    "Notaire",
    "Professeur",
    "DRH",
)

POSITIVE_KINDS = (
    "clean",
    "married_name",
    "swapped",
    "initials",
    "compound",
    "accents",
    "nickname",
    "email_provider",
    "work_private",
    "moved",
    "postcode_typo",
    "birthdate_swap",
    "email_typo",
    "phone_formats",
    "shop_twice",
)
TRAP_KINDS = ("household", "twins", "father_son", "homonyms", "colleagues", "unisex_couple")


def fold(text: str) -> str:
    """Accents off: what an old CRM in capitals or a US tool keeps."""
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def mailbox(address: str) -> str:
    """One mailbox however written: Gmail ignores the dots of its local part."""
    local, _, domain = address.lower().partition("@")
    return (
        f"{local.replace('.', '')}@{domain}"
        if domain in ("gmail.com", "googlemail.com")
        else address.lower()
    )


def mojibake(text: str) -> str:
    """UTF-8 read as Windows-1252 and saved again ("Hélène" -> "HÃ©lÃ¨ne")."""
    try:
        return text.encode("utf-8").decode("cp1252")
    except UnicodeDecodeError:
        return text


# --------------------------------------------------------------------------
# people
# --------------------------------------------------------------------------
@dataclass
class Address:
    number: int
    street_kind: int
    street: str
    postcode: str
    city: str
    prefix: str

    def line(self, rng: random.Random) -> str:
        long, short = STREET_KINDS[self.street_kind]
        kind = short if rng.random() < 0.3 else long
        if rng.random() < 0.15:
            kind = kind.capitalize()
        return f"{self.number}{' bis' if self.number % 17 == 0 else ''} {kind} {self.street}"


@dataclass
class Person:
    pid: int
    kind: str
    group: str
    sex: str
    first: str
    last: str
    birth: date | None
    address: Address
    email: str | None
    mobile: str | None
    landline: str | None = None
    maiden: str | None = None
    company: tuple[str, str] | None = None
    work_email: str | None = None
    switchboard: str | None = None
    job: str | None = None
    sources: list[str] = field(default_factory=list)


class People:
    """Draws people, their addresses, e-mails and numbers, all unique where they should be."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.taken_mail: set[str] = set()
        self.taken_phone: set[str] = set()
        self.next_id = 1
        self.cities = [c for c in CITIES for _ in range(c[3])]

    def address(self, city: tuple[str, str, str, int] | None = None) -> Address:
        postcode, name, prefix, _w = city or self.rng.choice(self.cities)
        return Address(
            self.rng.randint(1, 140),
            self.rng.randrange(len(STREET_KINDS)),
            self.rng.choice(STREET_NAMES),
            postcode,
            name,
            prefix,
        )

    def phone(self, prefix: str) -> str:
        while True:
            number = prefix + "".join(str(self.rng.randint(0, 9)) for _ in range(8))
            if number[2:4] != "00" and number not in self.taken_phone:
                self.taken_phone.add(number)
                return number

    def mobile(self) -> str:
        return self.phone(self.rng.choice(("06", "06", "07")))

    def mail(self, first: str, last: str, birth: date | None, domain: str | None = None) -> str:
        f, l_ = (fold(x).lower().replace(" ", "").replace("'", "") for x in (first, last))
        domain = domain or self.provider()
        shapes = [
            f"{f}.{l_}",
            f"{f}{l_}",
            f"{f[0]}.{l_}",
            f"{f[0]}{l_}",
            f"{l_}.{f}",
            f"{f}_{l_}",
            f"{f}.{l_}{(birth.year % 100) if birth else 12:02d}",
            f"{l_}{f[0]}",
            f"{f}{self.rng.randint(1, 99)}",
        ]
        for shape in self.rng.sample(shapes, len(shapes)) + [f"{f}.{l_}{n}" for n in range(2, 999)]:
            address = f"{shape}@{domain}"
            if mailbox(address) not in self.taken_mail:
                self.taken_mail.add(mailbox(address))
                return address
        raise AssertionError("unreachable: numbered shapes run out only past 999 homonyms")

    def provider(self) -> str:
        names, weights = zip(*PROVIDERS, strict=True)
        return self.rng.choices(names, weights)[0]

    def birth(self, lo: int = 1945, hi: int = 2003) -> date:
        return date(lo, 1, 1) + timedelta(days=self.rng.randrange((hi - lo) * 365))

    def first_name(self, sex: str) -> str:
        if self.rng.random() < 0.08:
            return self.rng.choice(COMPOUND_M if sex == "M" else COMPOUND_F)
        return self.rng.choice(MALE if sex == "M" else FEMALE)

    def person(self, kind: str, group: str = "", **given: object) -> Person:
        sex = str(given.pop("sex", self.rng.choice("MF")))
        first = str(given.pop("first", None) or self.first_name(sex))
        last = str(given.pop("last", None) or self.rng.choice(LAST))
        birth = given.pop("birth", "draw")
        born = self.birth() if birth == "draw" else birth
        address = given.pop("address", None) or self.address()
        assert isinstance(address, Address)
        email = given.pop("email", "draw")
        p = Person(
            pid=self.next_id,
            kind=kind,
            group=group,
            sex=sex,
            first=first,
            last=last,
            birth=born if isinstance(born, date) or born is None else None,
            address=address,
            email=self.mail(first, last, born if isinstance(born, date) else None)
            if email == "draw"
            else (str(email) if email else None),
            mobile=self.mobile() if self.rng.random() < 0.85 else None,
            landline=self.phone(address.prefix) if self.rng.random() < 0.35 else None,
        )
        for key, value in given.items():
            setattr(p, key, value)
        self.next_id += 1
        return p


# --------------------------------------------------------------------------
# how each source writes a person
# --------------------------------------------------------------------------
def phone_text(number: str | None, rng: random.Random, style: str | None = None) -> str:
    """A French number in one of the ways people and tools write it."""
    if not number:
        return ""
    n = number
    styles = {
        "spaced": " ".join(n[i : i + 2] for i in range(0, 10, 2)),
        "packed": n,
        "dots": ".".join(n[i : i + 2] for i in range(0, 10, 2)),
        "intl": "+33 " + n[1] + " " + " ".join(n[i : i + 2] for i in range(2, 10, 2)),
        "intl_packed": "+33" + n[1:],
        "zero_zero": "0033 " + n[1:],
        "lost_zero": n[1:],
        "dashes": "-".join(n[i : i + 2] for i in range(0, 10, 2)),
        "paren": "+33 (0)" + n[1] + " " + " ".join(n[i : i + 2] for i in range(2, 10, 2)),
    }
    return styles[style or rng.choice(list(styles))]


def date_text(day: date | None, rng: random.Random, style: str = "fr") -> str:
    if day is None:
        return ""
    if style == "iso":
        return day.isoformat()
    return day.strftime("%d/%m/%Y") if rng.random() < 0.9 else day.strftime("%d/%m/%y")


@dataclass
class View:
    """One row's picture of a person: what a source writes, after the person's fault."""

    first: str
    last: str
    email: str
    mobile: str | None
    landline: str | None
    address: Address
    birth: date | None
    civility: str
    company: str = ""
    job: str = ""
    postcode: str | None = None
    full_name: str | None = None


def base_view(p: Person) -> View:
    return View(
        p.first,
        p.last,
        p.email or "",
        p.mobile,
        p.landline,
        p.address,
        p.birth,
        "M." if p.sex == "M" else "Mme",
    )


def swap_day_month(day: date) -> date | None:
    try:
        return (
            date(day.year, day.day, day.month) if day.day <= 12 and day.day != day.month else None
        )
    except ValueError:
        return None


def postcode_typo(code: str, rng: random.Random) -> str:
    i = rng.randrange(1, 4)
    digits = list(code)
    if digits[i] != digits[i + 1] and rng.random() < 0.6:
        digits[i], digits[i + 1] = digits[i + 1], digits[i]
    else:
        digits[4] = str((int(digits[4]) + rng.choice((1, 9))) % 10)
    return "".join(digits)


def faulted(p: Person, fault_row: bool, gen: People) -> View:
    """The person as this row shows them: the first row clean, the others with the fault."""
    rng = gen.rng
    v = base_view(p)
    if not fault_row:
        if p.kind == "married_name" and p.maiden:
            v.last = p.last  # married name where the person is known now
        return v
    k = p.kind
    if k == "married_name" and p.maiden:
        # the old file knows her by her birth name, sometimes both joined
        v.last = rng.choice(
            (
                p.maiden,
                p.maiden,
                f"{p.maiden} épouse {p.last}",
                f"{p.last} née {p.maiden}",
                f"{p.maiden} ép. {p.last}",
            )
        )
        v.email = gen.mail(p.first, p.maiden, p.birth) if rng.random() < 0.7 else v.email
        if rng.random() < 0.5:
            v.address = gen.address()
            v.landline = None
        if rng.random() < 0.4:
            v.mobile = None
    elif k == "swapped":
        v.first, v.last = p.last.upper() if rng.random() < 0.5 else p.last, p.first
    elif k == "initials":
        parts = p.first.split("-")
        v.first = rng.choice(
            (
                "".join(x[0] for x in parts),
                ".".join(x[0] for x in parts) + ".",
                "-".join(x[0] + "." for x in parts),
            )
        )
        v.email = gen.mail(p.first, p.last, p.birth) if rng.random() < 0.6 else v.email
    elif k == "compound":
        v.first = rng.choice((p.first.replace("-", " "), p.first.upper(), p.first.replace("-", "")))
        v.last = rng.choice(
            (
                p.last.replace(" ", "").replace("-", "").upper(),
                p.last.replace(" ", "-"),
                p.last.lower(),
                p.last.replace(" ", ""),
            )
        )
    elif k == "accents":
        style = rng.choice(("fold", "upper", "mojibake", "mojibake"))
        conv = {"fold": fold, "upper": lambda t: fold(t).upper(), "mojibake": mojibake}[style]
        v.first, v.last = conv(p.first), conv(p.last)
        if rng.random() < 0.5:
            v.email = gen.mail(p.first, p.last, p.birth)
    elif k == "nickname":
        v.first = rng.choice(NICKNAMES.get(p.first, (p.first[:3],)))
        if rng.random() < 0.5:
            v.email = gen.mail(v.first, p.last, None)
    elif k == "email_provider" and p.email:
        local, domain = p.email.split("@")
        v.email = f"{local}@{PROVIDER_MOVES.get(domain, 'gmail.com')}"
        gen.taken_mail.add(mailbox(v.email))
        v.mobile = None if rng.random() < 0.6 else v.mobile
        v.address = gen.address() if rng.random() < 0.4 else v.address
    elif k == "work_private" and p.work_email:
        v.email = p.work_email
        v.company = p.company[0] if p.company else ""
        v.job = p.job or ""
        v.landline = p.switchboard
        v.address = replace(v.address, number=rng.randint(1, 90), street=rng.choice(STREET_NAMES))
    elif k == "moved":
        v.address = gen.address()
        v.landline = gen.phone(v.address.prefix) if rng.random() < 0.4 else None
        if rng.random() < 0.5:
            v.email = gen.mail(p.first, p.last, p.birth)
    elif k == "postcode_typo":
        v.postcode = postcode_typo(p.address.postcode, rng)
        v.email = gen.mail(p.first, p.last, p.birth) if rng.random() < 0.7 else v.email
        v.mobile = None if rng.random() < 0.5 else v.mobile
    elif k == "birthdate_swap" and p.birth:
        v.birth = swap_day_month(p.birth)
        v.email = gen.mail(p.first, p.last, p.birth) if rng.random() < 0.7 else v.email
        v.mobile = None if rng.random() < 0.5 else v.mobile
    elif k == "email_typo" and p.email:
        local, domain = p.email.split("@")
        if domain in DOMAIN_TYPOS and rng.random() < 0.6:
            v.email = f"{local}@{rng.choice(DOMAIN_TYPOS[domain])}"
        else:
            i = rng.randrange(1, len(local) - 1) if len(local) > 2 else 0
            v.email = f"{local[:i] + local[i + 1 :]}@{domain}"
        v.mobile = None if rng.random() < 0.6 else v.mobile
    elif k == "phone_formats":
        v.email = gen.mail(p.first, p.last, p.birth, "gmail.com") if rng.random() < 0.7 else ""
    elif k == "shop_twice":
        v.email = gen.mail(p.first, p.last, p.birth)
        v.birth = None if rng.random() < 0.5 else v.birth
    return v


# --------------------------------------------------------------------------
# the files
# --------------------------------------------------------------------------
SHOP_HEADERS = (
    "N° client",
    "Civilité",
    "Prénom",
    "Nom",
    "E-mail",
    "Téléphone",
    "Adresse",
    "Code postal",
    "Ville",
    "Date de naissance",
    "Date de création",
    "Newsletter",
)
NEWS_HEADERS = ("Email Address", "First Name", "Last Name", "MEMBER_RATING", "OPTIN_TIME")
SALON_HEADERS = (
    "Nom complet",
    "Société",
    "Fonction",
    "Email",
    "Portable",
    "Tél. fixe",
    "Code postal",
    "Ville",
)
CRM_HEADERS = (
    "CODE",
    "NOM",
    "PRENOM",
    "ADRESSE",
    "CP",
    "VILLE",
    "TEL DOMICILE",
    "TEL PORTABLE",
    "EMAIL",
    "DATE NAISSANCE",
    "DERNIER ACHAT",
)
SOURCES = ("boutique", "newsletter", "salon", "ancien_crm")


def shop_row(v: View, number: int, rng: random.Random) -> list[str]:
    return [
        f"C{number:06d}",
        v.civility,
        v.first,
        v.last,
        v.email,
        phone_text(v.mobile or v.landline, rng),
        v.address.line(rng),
        v.postcode or v.address.postcode,
        v.address.city,
        date_text(v.birth, rng),
        (date(2019, 1, 1) + timedelta(days=rng.randrange(2000))).strftime("%d/%m/%Y %H:%M"),
        rng.choice(("Oui", "Non", "1", "0")),
    ]


def news_row(v: View, rng: random.Random) -> list[str]:
    # a newsletter sign-up form asks the first name; the last name is often skipped
    last = v.last if rng.random() < 0.55 else ""
    first = v.first.lower() if rng.random() < 0.2 else v.first
    optin = date(2020, 1, 1) + timedelta(days=rng.randrange(1500))
    return [
        v.email,
        first,
        last,
        str(rng.randint(1, 5)),
        f"{optin.isoformat()} 10:{rng.randint(10, 59)}:00",
    ]


def salon_row(v: View, rng: random.Random) -> list[str]:
    # one "Nom complet" cell, written the way each visitor wrote it on the tablet
    if v.full_name:
        full = v.full_name
    else:
        shape = rng.random()
        if shape < 0.4:
            full = f"{v.first} {v.last}"
        elif shape < 0.75:
            full = f"{v.last.upper()} {v.first}"
        else:
            full = f"{v.first} {v.last.upper()}"
    return [
        full,
        v.company,
        v.job,
        v.email,
        phone_text(v.mobile, rng),
        phone_text(v.landline, rng),
        v.postcode or v.address.postcode,
        v.address.city,
    ]


def crm_row(v: View, number: int, rng: random.Random) -> list[str]:
    # the old CRM typed names in capitals, often without accents
    upper = rng.random() < 0.7

    def caps(t: str) -> str:
        if "Ã" in t:  # already garbled by an earlier export: kept as it came
            return t.upper()
        return fold(t).upper() if upper else t.upper()

    return [
        str(number),
        caps(v.last),
        caps(v.first) if rng.random() < 0.6 else v.first,
        fold(v.address.line(rng)).upper(),
        v.postcode or v.address.postcode,
        fold(v.address.city).upper(),
        phone_text(v.landline, rng, "spaced"),
        phone_text(v.mobile, rng, rng.choice(("spaced", "dots", "packed", "lost_zero"))),
        v.email.upper() if rng.random() < 0.1 else v.email,
        date_text(v.birth, rng),
        (date(2008, 1, 1) + timedelta(days=rng.randrange(3000))).strftime("%d/%m/%Y"),
    ]


# --------------------------------------------------------------------------
# the population
# --------------------------------------------------------------------------
def population(gen: People, people: int) -> list[Person]:
    """Persons with one fault kind each, plus trap groups of look-alikes."""
    rng = gen.rng
    out: list[Person] = []
    weights = {
        "single": 40,
        "clean": 8,
        "married_name": 6,
        "swapped": 4,
        "initials": 4,
        "compound": 4,
        "accents": 5,
        "nickname": 5,
        "email_provider": 4,
        "work_private": 4,
        "moved": 5,
        "postcode_typo": 3,
        "birthdate_swap": 3,
        "email_typo": 4,
        "phone_formats": 4,
        "shop_twice": 3,
    }
    kinds, w = zip(*weights.items(), strict=True)
    solo = int(people * 0.72)
    for _ in range(solo):
        kind = rng.choices(kinds, w)[0]
        given: dict[str, object] = {}
        if kind == "married_name":
            given = {"sex": "F", "birth": gen.birth(1950, 1995)}
        if kind == "nickname":
            first = rng.choice(list(NICKNAMES))
            female = first in FEMALE or first in COMPOUND_F or first.endswith(("e", "ie"))
            given = {
                "first": first,
                "sex": "F"
                if female
                and first
                not in (
                    "Christophe",
                    "Maxime",
                    "Guillaume",
                    "Benoît",
                    "Jacques",
                    "Thierry",
                    "Alexandre",
                    "Emmanuel",
                    "Frédéric",
                    "Stéphane",
                )
                else "M",
            }
        if kind == "compound":
            sex = rng.choice("MF")
            given = {
                "sex": sex,
                "first": rng.choice(COMPOUND_M if sex == "M" else COMPOUND_F),
                "last": rng.choice(SPACED_LAST),
            }
        if kind == "accents":
            sex = rng.choice("MF")
            accented = [n for n in (MALE if sex == "M" else FEMALE) if fold(n) != n]
            given = {
                "sex": sex,
                "first": rng.choice(accented),
                "last": rng.choice([n for n in LAST if fold(n) != n] + [""]),
            }
        if kind == "email_provider":
            given = {"email": None}
        p = gen.person(kind, **given)
        if kind == "married_name":
            p.maiden = rng.choice([n for n in LAST if n != p.last])
        if kind == "email_provider":
            old = rng.choice(
                ("wanadoo.fr", "wanadoo.fr", "neuf.fr", "hotmail.fr", "club-internet.fr")
            )
            p.email = gen.mail(p.first, p.last, p.birth, old)
        if kind == "work_private":
            p.company = rng.choice(COMPANIES)
            p.work_email = gen.mail(p.first, p.last, None, p.company[1])
            p.switchboard = gen.phone("01")
            p.job = rng.choice(JOBS)
            p.mobile = p.mobile or gen.mobile()
        if kind in ("phone_formats", "initials", "swapped", "nickname", "compound"):
            p.mobile = p.mobile or gen.mobile()
        out.append(p)
    while len(out) < people:
        out.extend(trap_group(gen, rng.choice(TRAP_KINDS), len(out)))
    return out


def trap_group(gen: People, kind: str, serial: int) -> list[Person]:
    """Different people a matcher could take for one."""
    rng = gen.rng
    group = f"{kind}-{serial}"
    home = gen.address()
    landline = gen.phone(home.prefix)
    if kind == "household":
        last = rng.choice(LAST)
        he = gen.person(kind, group, sex="M", last=last, address=home, birth=gen.birth(1950, 1985))
        she = gen.person(
            kind,
            group,
            sex="F",
            last=last,
            address=home,
            birth=(he.birth or date(1970, 1, 1)) + timedelta(days=rng.randint(-2500, 2500)),
        )
        people = [he, she]
        if rng.random() < 0.4:
            child = gen.person(
                kind,
                group,
                last=last,
                address=home,
                birth=(she.birth or date(1970, 1, 1)) + timedelta(days=365 * rng.randint(22, 32)),
            )
            people.append(child)
        if rng.random() < 0.4:
            shared = gen.mail(f"famille{rng.choice(('', '.'))}", last, None)
            for p in people[:2]:
                p.email = shared
    elif kind == "twins":
        last = rng.choice(LAST)
        a, b = rng.choice(TWIN_NAMES)
        born = gen.birth(1975, 2003)
        people = [
            gen.person(kind, group, first=n, sex=sex, last=last, address=home, birth=born)
            for n, sex in (a, b)
        ]
    elif kind == "father_son":
        last = rng.choice(LAST)
        first = rng.choice(MALE[:40])
        dad = gen.person(
            kind, group, sex="M", first=first, last=last, address=home, birth=gen.birth(1945, 1965)
        )
        son = gen.person(
            kind,
            group,
            sex="M",
            first=first,
            last=last,
            address=home,
            birth=(dad.birth or date(1955, 1, 1)) + timedelta(days=365 * rng.randint(24, 34)),
        )
        son.mobile = son.mobile or gen.mobile()
        people = [dad, son]
    elif kind == "homonyms":
        first, sex = rng.choice(
            (
                ("Marie", "F"),
                ("Nicolas", "M"),
                ("Sophie", "F"),
                ("Philippe", "M"),
                ("Nathalie", "F"),
                ("Julien", "M"),
                ("Isabelle", "F"),
                ("Thomas", "M"),
            )
        )
        last = rng.choice(
            ("Martin", "Bernard", "Petit", "Durand", "Dubois", "Moreau", "Thomas", "Robert")
        )
        city = rng.choice([c for c in CITIES if c[1] in ("Paris", "Lyon", "Marseille")])
        people = []
        for _ in range(rng.randint(2, 3)):
            near = rng.choice([c for c in CITIES if c[1] == city[1]])
            people.append(
                gen.person(
                    kind,
                    group,
                    sex=sex,
                    first=first,
                    last=last,
                    address=gen.address(near),
                    birth=gen.birth() if rng.random() < 0.6 else None,
                )
            )
    elif kind == "colleagues":
        company = rng.choice(COMPANIES)
        office = gen.address(rng.choice(CITIES))
        switchboard = gen.phone(office.prefix)
        # two colleagues of one first name are common enough; more are not
        same = rng.choice(MALE[:30]) if rng.random() < 0.4 else None
        people = []
        for i in range(rng.randint(2, 4)):
            first = same if i < 2 else None
            p = gen.person(
                kind,
                group,
                first=first,
                sex="M" if first else rng.choice("MF"),
                address=office,
                birth=None,
            )
            # a company hands out one role mailbox; some people sign up with it
            p.email = (
                f"contact@{company[1]}"
                if rng.random() < 0.4
                else gen.mail(p.first, p.last, None, company[1])
            )
            p.company, p.switchboard, p.job = company, switchboard, rng.choice(JOBS)
            p.landline = switchboard
            people.append(p)
    else:  # unisex_couple: "M. et Mme Dominique PETIT", two first names written alike
        last = rng.choice(LAST)
        first = rng.choice(UNISEX)
        people = [
            gen.person(
                kind,
                group,
                sex=sex,
                first=first,
                last=last,
                address=home,
                birth=gen.birth(1950, 1975) if rng.random() < 0.5 else None,
            )
            for sex in "MF"
        ]
    for p in people:
        if kind in ("household", "twins", "father_son", "unisex_couple"):
            p.landline = landline
    return people


def place(p: Person, rng: random.Random) -> list[str]:
    """Which files hold the person, first the clean row's."""
    if p.kind == "single":
        return [rng.choices(SOURCES, (5, 3, 1, 3))[0]]
    if p.group:
        # look-alikes are mostly customers of the shop; some are also in a second file
        first = rng.choices(SOURCES, (6, 2, 1, 3))[0]
        if p.kind == "colleagues":
            first = rng.choice(("salon", "ancien_crm"))
        more = [s for s in SOURCES if s != first and rng.random() < 0.25]
        return [first, *more[:1]]
    fault_file = {
        "married_name": "ancien_crm",
        "swapped": rng.choice(("newsletter", "salon")),
        "initials": "salon",
        "compound": rng.choice(("ancien_crm", "salon", "newsletter")),
        "accents": rng.choice(("ancien_crm", "salon")),
        "nickname": rng.choice(("newsletter", "salon")),
        "email_provider": "newsletter",
        "work_private": "salon",
        "moved": "ancien_crm",
        "postcode_typo": rng.choice(("ancien_crm", "salon")),
        "birthdate_swap": "ancien_crm",
        "email_typo": rng.choice(("newsletter", "salon", "boutique")),
        "phone_formats": rng.choice(("salon", "ancien_crm")),
        "shop_twice": "boutique",
        "clean": rng.choice(("newsletter", "salon", "ancien_crm")),
    }[p.kind]
    first = "ancien_crm" if p.kind == "email_provider" else "boutique"
    if first == fault_file and p.kind != "shop_twice":
        first = "ancien_crm" if fault_file != "ancien_crm" else "boutique"
    places = [first, fault_file]
    extra = [s for s in SOURCES if s not in places]
    if rng.random() < 0.2:
        places.append(rng.choice(extra))
    return places


def write(out: Path, seed: int, people: int) -> dict[str, int]:
    rng = random.Random(seed)
    gen = People(rng)
    persons = population(gen, people)
    rows: dict[str, list[list[str]]] = {s: [] for s in SOURCES}
    truth: list[tuple[str, int, int, str, str]] = []
    numbers = iter(range(1, 10**6))
    for p in persons:
        for i, source in enumerate(place(p, rng)):
            fault = i > 0 and not p.group
            v = faulted(p, fault, gen)
            if source == "salon" and p.company and not v.company:
                v.company, v.job = p.company[0], p.job or ""
                v.email = p.email or v.email
            if (
                source == "salon"
                and p.kind == "father_son"
                and p.birth
                and p.birth.year > 1975
                and rng.random() < 0.5
            ):
                v.full_name = f"{v.first} {v.last.upper()} fils"
            if source == "boutique":
                row = shop_row(v, next(numbers), rng)
            elif source == "newsletter":
                if not v.email:
                    continue
                row = news_row(v, rng)
            elif source == "salon":
                row = salon_row(v, rng)
            else:
                row = crm_row(v, next(numbers), rng)
            rows[source].append(row)
            truth.append((source, len(rows[source]), p.pid, p.kind, p.group))
    out.mkdir(parents=True, exist_ok=True)
    with open(out / "boutique.csv", "w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f, delimiter=";")
        w.writerow(SHOP_HEADERS)
        w.writerows(rows["boutique"])
    with open(out / "newsletter.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(NEWS_HEADERS)
        w.writerows(rows["newsletter"])
    with open(out / "salon.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, delimiter=";")
        w.writerow(SALON_HEADERS)
        w.writerows(rows["salon"])
    with open(out / "ancien_crm.csv", "w", encoding="cp1252", errors="replace", newline="") as f:
        w = csv.writer(f, delimiter=";")
        w.writerow(CRM_HEADERS)
        w.writerows(rows["ancien_crm"])
    with open(out / "truth.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(("source", "row", "person", "kind", "group"))
        w.writerows(truth)
    return {s: len(r) for s, r in rows.items()}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--people", type=int, default=1500)
    args = ap.parse_args()
    print(write(args.out, args.seed, args.people))


if __name__ == "__main__":
    main()
