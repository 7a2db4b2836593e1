#!/usr/bin/env python3
"""Messy French customer data, independent of carnet's demo generator.

Writes into OUTDIR (default: $TMPDIR/carnet-bench/households/data):
  shop_export.csv   UTF-8, ',', English headers (Shopify-like), dates yyyy-mm-dd
  ancien_crm.csv    cp1252, ';', French headers, NOM/Prénom, two phones, dates dd/mm/yyyy
  salon_2024.xlsx   event sheet (English-ish headers), Excel dates / numbers
                    (salon_2024.csv without openpyxl or with --no-xlsx)
  newsletter.csv    UTF-8, ',', email + prénom + opt-in only
  truth.csv         (file, source, ext_id, row_number) -> person_id, variations, context,
                    and the row as written (for the scorer's examples)
  relations.csv     person pairs that are traps (homonyms, households, twins, colleagues)
  people.csv        the true persons

Stdlib only (openpyxl optional). Seeded: same seed, same files (the XLSX's
creation time in docProps/core.xml aside).
Usage: python make_data.py [--seed 7] [--people 600] [--out DIR]
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import importlib.util
import json
import os
import random
import tempfile
import unicodedata

# ----------------------------------------------------------------------------- names

LAST_COMMON = [  # weighted heavier (rank order of French surnames)
    "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy",
    "Moreau", "Simon", "Laurent", "Lefebvre", "Michel", "Garcia", "David", "Bertrand", "Roux",
    "Vincent", "Fournier", "Morel", "Girard", "André", "Lefèvre", "Mercier", "Dupont",
    "Lambert", "Bonnet", "François", "Martinez",
]
LAST_OTHER = [
    "Legrand", "Garnier", "Faure", "Rousseau", "Blanc", "Guérin", "Muller", "Henry", "Roussel",
    "Nicolas", "Perrin", "Morin", "Mathieu", "Clément", "Gauthier", "Dumont", "Lopez",
    "Fontaine", "Chevalier", "Robin", "Masson", "Sanchez", "Gérard", "Nguyen", "Boyer", "Denis",
    "Lemaire", "Duval", "Joly", "Gautier", "Roger", "Roche", "Roy", "Noël", "Meyer", "Lucas",
    "Meunier", "Perez", "Marchand", "Dufour", "Blanchard", "Barbier", "Brun", "Dumas",
    "Brunet", "Schmitt", "Leroux", "Colin", "Fernandez", "Renard", "Arnaud", "Rolland", "Caron",
    "Aubert", "Giraud", "Leclerc", "Vidal", "Bourgeois", "Renaud", "Lemoine", "Picard",
    "Gaillard", "Leclercq", "Lacroix", "Fabre", "Dupuis", "Olivier", "Rodriguez", "Da Silva",
    "Hubert", "Guillot", "Rivière", "Le Gall", "Adam", "Rey", "Moulin", "Gonzalez", "Berger",
    "Lecomte", "Ménard", "Fleury", "Deschamps", "Carpentier", "Maillard", "Marchal", "Aubry",
    "Vasseur", "Le Roux", "Renault", "Jacquet", "Collet", "Prévost", "Poirier", "Charpentier",
    "Royer", "Huet", "Baron", "Dupuy", "Pons", "Carré", "Breton", "Rémy", "Schneider", "Perrot",
    "Guyot", "Barre", "Marty", "Cousin", "Le Goff", "De Oliveira", "Benoît", "Lebrun",
    "Besnard", "Hamon", "Tessier", "Kerbrat", "Le Floch", "Saint-Martin", "Delaunay", "Bouvier",
    "Ferrand", "Lejeune", "Chauvin", "Hoarau", "Gilbert", "Laine", "Leblanc", "Rocher",
]
MALE = [
    "Jean", "Pierre", "Michel", "Philippe", "Alain", "Nicolas", "Christophe", "Patrick",
    "Frédéric", "Stéphane", "Sébastien", "Laurent", "Éric", "Thierry", "David", "Julien",
    "Olivier", "Daniel", "Christian", "Jérôme", "Pascal", "François", "Bernard", "Thomas",
    "Alexandre", "Guillaume", "Maxime", "Antoine", "Romain", "Lucas", "Hugo", "Mathieu",
    "Benjamin", "Loïc", "Yannick", "Gaël", "Jean-Pierre", "Jean-Luc", "Jean-Marc",
    "Jean-François", "Jean-Claude", "Jean-Baptiste", "Jean-Christophe", "Pierre-Yves",
    "Jean-Michel", "Hervé", "Cédric", "Grégory", "Anthony", "Raphaël", "Joël", "Benoît",
    "Rémi", "Clément", "Théo", "Enzo", "Léo", "Louis", "Gabriel", "Arthur", "Jules", "Adrien",
    "Damien", "Fabrice", "Dominique", "Patrice", "Gérard", "René", "Gilles", "Didier", "Bruno",
    "Xavier", "Emmanuel", "Vincent", "Mickaël", "Kévin", "Quentin", "Noël", "Jean-Paul",
]
FEMALE = [
    "Marie", "Nathalie", "Isabelle", "Sylvie", "Catherine", "Françoise", "Martine", "Christine",
    "Monique", "Valérie", "Sandrine", "Stéphanie", "Véronique", "Sophie", "Céline", "Chantal",
    "Patricia", "Anne", "Brigitte", "Julie", "Aurélie", "Émilie", "Caroline", "Laurence",
    "Virginie", "Hélène", "Élodie", "Camille", "Manon", "Léa", "Chloé", "Emma", "Inès", "Anaïs",
    "Noémie", "Gaëlle", "Maëlle", "Océane", "Mélanie", "Laëtitia", "Cécile", "Agnès",
    "Béatrice", "Geneviève", "Joëlle", "Danièle", "Marie-Claire", "Marie-Christine",
    "Marie-Thérèse", "Anne-Sophie", "Marie-Hélène", "Anne-Marie", "Marie-Laure",
    "Marie-Pierre", "Frédérique", "Élisabeth", "Mathilde", "Charlotte", "Pauline", "Lucie",
    "Clémence", "Zoé", "Louise", "Alice", "Margaux", "Justine", "Audrey", "Emmanuelle",
    "Alexandra", "Jeanne", "Solène", "Maryse", "Odile", "Éloïse", "Élise",
]
NICK = {  # realistic diminutives
    "Nicolas": "Nico", "Catherine": "Cathy", "Frédéric": "Fred", "Sébastien": "Seb",
    "Stéphane": "Steph", "Stéphanie": "Steph", "Alexandre": "Alex", "Alexandra": "Alex",
    "Isabelle": "Isa", "Véronique": "Véro", "Nathalie": "Nath", "Caroline": "Caro",
    "Emmanuelle": "Manue", "Raphaël": "Raph", "Christophe": "Chris", "Grégory": "Greg",
    "Anthony": "Tony", "Élisabeth": "Babeth", "Jean-Pierre": "JP", "Jean-Baptiste": "JB",
    "Valérie": "Val", "Dominique": "Domi", "Maxime": "Max", "Benjamin": "Ben",
    "Thomas": "Tom", "Patrick": "Pat", "Anne-Sophie": "Anne-So", "Mathilde": "Mathou",
    "Mickaël": "Mika", "Emmanuel": "Manu", "Laurence": "Lolo", "Jean-Christophe": "JC",
}

# ----------------------------------------------------------------------------- places

PLACES = [  # (postcode, city) real pairs; dept 01-09 included for the lost-zero fault
    ("01000", "Bourg-en-Bresse"), ("01100", "Oyonnax"), ("02100", "Saint-Quentin"),
    ("02000", "Laon"), ("03100", "Montluçon"), ("04000", "Digne-les-Bains"), ("05000", "Gap"),
    ("06000", "Nice"), ("06400", "Cannes"), ("06600", "Antibes"), ("07000", "Privas"),
    ("08000", "Charleville-Mézières"), ("09000", "Foix"), ("75011", "Paris"),
    ("75015", "Paris"), ("75018", "Paris"), ("69003", "Lyon"), ("69007", "Lyon"),
    ("13008", "Marseille"), ("31000", "Toulouse"), ("33000", "Bordeaux"), ("44000", "Nantes"),
    ("59000", "Lille"), ("67000", "Strasbourg"), ("34000", "Montpellier"), ("35000", "Rennes"),
    ("38000", "Grenoble"), ("42000", "Saint-Étienne"), ("21000", "Dijon"), ("37000", "Tours"),
    ("49000", "Angers"), ("51100", "Reims"), ("76000", "Rouen"), ("80000", "Amiens"),
    ("87000", "Limoges"), ("63000", "Clermont-Ferrand"), ("29200", "Brest"), ("64000", "Pau"),
    ("66000", "Perpignan"), ("72000", "Le Mans"), ("45000", "Orléans"),
    ("92100", "Boulogne-Billancourt"), ("93100", "Montreuil"), ("94300", "Vincennes"),
    ("78000", "Versailles"), ("95000", "Cergy"), ("57000", "Metz"), ("54000", "Nancy"),
    ("25000", "Besançon"), ("86000", "Poitiers"), ("17000", "La Rochelle"),
    ("84000", "Avignon"), ("83000", "Toulon"), ("30000", "Nîmes"), ("14000", "Caen"),
    ("56100", "Lorient"), ("22000", "Saint-Brieuc"), ("74000", "Annecy"), ("73000", "Chambéry"),
    ("26000", "Valence"), ("97400", "Saint-Denis"), ("35400", "Saint-Malo"),
]
STREET_TYPES = [("rue", 50), ("avenue", 14), ("boulevard", 8), ("place", 5), ("allée", 6),
                ("chemin", 7), ("impasse", 6)]
STREET_NAMES = [
    "de la République", "Victor Hugo", "Jean Jaurès", "du Général de Gaulle", "Saint-Martin",
    "des Lilas", "Pasteur", "de la Gare", "du Moulin", "des Écoles", "Saint-Exupéry",
    "de Verdun", "Gambetta", "Foch", "de la Liberté", "des Tilleuls", "Sainte-Anne",
    "du Château", "de Paris", "Émile Zola", "Saint-Jacques", "des Acacias", "Jules Ferry",
    "du Maréchal Leclerc", "de la Paix", "des Peupliers", "du Stade", "Saint-Michel",
    "Anatole France", "de l'Église", "des Roses", "du Commerce", "Voltaire", "Carnot",
    "de Bretagne", "du Port", "des Vignes", "Saint-Louis", "Louis Pasteur", "de la Mairie",
]
ABBREV_TYPE = {
    "rue": ["r.", "R", "r"],
    "avenue": ["av.", "av", "AV"],
    "boulevard": ["bd", "Bd", "bld"],
    "place": ["pl.", "pl"],
    "allée": ["all.", "allee"],
    "chemin": ["ch.", "chem."],
    "impasse": ["imp.", "imp"],
}

COMPANY_WORDS = [
    ("Boulangerie", "Martin"), ("Transports", "Lefèvre"), ("Agence", "Horizon"),
    ("Cabinet", "Moreau & Associés"), ("Garage", "du Centre"), ("Imprimerie", "Durand"),
    ("Atelier", "Bois & Design"), ("Pharmacie", "de la Gare"), ("Menuiserie", "Roux"),
    ("Plomberie", "Girard"), ("Studio", "Lumière"), ("Conseil", "Océan"),
    ("Librairie", "des Arts"), ("Fromagerie", "Bonnet"), ("Électricité", "Mercier"),
    ("Informatique", "Azur"), ("Traiteur", "Lambert"), ("Fleurs", "et Jardins"),
    ("Ambulances", "Vincent"), ("Cave", "Saint-Vincent"), ("Optique", "Fournier"),
    ("Bureau d'études", "Alpha"), ("Auto-école", "Gambetta"), ("Architectes", "Blanc"),
]
LEGAL = ["SARL", "SAS", "SA", "EURL", ""]

DOMAINS = [("gmail.com", 34), ("orange.fr", 15), ("hotmail.fr", 10), ("yahoo.fr", 7),
           ("free.fr", 7), ("sfr.fr", 5), ("laposte.net", 5), ("wanadoo.fr", 5),
           ("outlook.fr", 5), ("icloud.com", 3), ("hotmail.com", 3), ("live.fr", 2)]


def fold(s: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))


def wchoice(r: random.Random, pairs):
    items, weights = zip(*pairs, strict=True)
    return r.choices(items, weights=weights)[0]


def luhn_digit(body: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch)
        if i % 2 == 0:  # positions that get doubled once the check digit is appended
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)


def luhn_ok(num: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(num)):
        d = int(ch)
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def make_siret(r: random.Random) -> str:
    siren = "".join(str(r.randint(0, 9)) for _ in range(8))
    siren = str(r.randint(3, 9)) + siren[1:]
    siren += luhn_digit(siren)
    nic = "000" + str(r.randint(1, 9))
    siret = siren + nic
    siret += luhn_digit(siret)
    assert luhn_ok(siren) and luhn_ok(siret), siret
    return siret


# ----------------------------------------------------------------------------- people


class World:
    def __init__(self, seed: int, n_people: int):
        self.r = random.Random(seed)
        self.n_people = n_people
        self.people: list[dict] = []
        self.relations: list[tuple[int, int, str]] = []
        self.used_emails: set[str] = set()
        self.used_phones: set[str] = set()
        self.last_weights = [(n, 12) for n in LAST_COMMON] + [(n, 3) for n in LAST_OTHER]

    # -- atoms
    def last_name(self):
        return wchoice(self.r, self.last_weights)

    def first_name(self, gender):
        return self.r.choice(MALE if gender == "M" else FEMALE)

    def birth(self, lo=1945, hi=2004):
        start = dt.date(lo, 1, 1).toordinal()
        end = dt.date(hi, 12, 31).toordinal()
        return dt.date.fromordinal(self.r.randint(start, end))

    def mobile(self):
        while True:
            pre = self.r.choice(["06"] * 7 + ["07"] * 3)
            if pre == "06":
                second = self.r.choice("12345678")
                if second == "3":
                    second = "4"
                num = pre + second + "".join(str(self.r.randint(0, 9)) for _ in range(7))
            else:
                num = (
                    pre
                    + self.r.choice("345678")
                    + "".join(str(self.r.randint(0, 9)) for _ in range(7))
                )
            if num not in self.used_phones and len(set(num[2:])) > 3:
                self.used_phones.add(num)
                return num

    def landline(self, postcode):
        dept = postcode[:2]
        if dept in ("75", "92", "93", "94", "78", "95", "91", "77"):
            pre = "01"
        elif dept in ("29", "22", "35", "56", "44", "49", "72", "37", "45", "14", "76", "86", "17"):
            pre = "02"
        elif dept in ("59", "02", "08", "51", "57", "54", "67", "25", "21", "80", "03"):
            pre = "03"
        elif dept in ("97",):
            pre = "02"
        elif dept in ("31", "33", "64", "87", "09"):
            pre = "05"
        else:
            pre = "04"
        if self.r.random() < 0.25:
            pre = "09"
        while True:
            second = self.r.choice("2345678") if pre != "09" else self.r.choice("5678")
            num = pre + second + "".join(str(self.r.randint(0, 9)) for _ in range(7))
            if num not in self.used_phones:
                self.used_phones.add(num)
                return num

    def address(self, place=None):
        pc, city = place or self.r.choice(PLACES)
        num = self.r.randint(1, 140) if self.r.random() < 0.93 else None
        suffix = None
        if num and self.r.random() < 0.1:
            suffix = self.r.choice(["bis", "bis", "ter"])
        stype = wchoice(self.r, STREET_TYPES)
        sname = self.r.choice(STREET_NAMES)
        return {"num": num, "suffix": suffix, "stype": stype, "sname": sname,
                "postcode": pc, "city": city}

    def email_local(self, first, last, birth):
        f = fold(first).lower().replace(" ", "-")
        l_ = fold(last).lower().replace(" ", "").replace("'", "")
        fi = f[0]
        yy = f"{birth.year % 100:02d}"
        pat = self.r.choice([
            f"{f}.{l_}", f"{f}.{l_}", f"{f}{l_}", f"{fi}.{l_}", f"{fi}{l_}", f"{f}.{l_}{yy}",
            f"{l_}.{f}", f"{f}_{l_}", f"{f}.{l_}{self.r.randint(1, 99)}", f"{l_}{fi}",
        ])
        return pat

    def personal_email(self, first, last, birth, exclude_domain=None):
        for _ in range(50):
            local = self.email_local(first, last, birth)
            dom = wchoice(self.r, DOMAINS)
            if dom == exclude_domain:
                continue
            e = f"{local}@{dom}"
            if e not in self.used_emails:
                self.used_emails.add(e)
                return e
        raise RuntimeError("email")

    # -- persons
    def new_person(self, gender=None, first=None, last=None, birth=None, addr=None, landline=None,
                   kind="single", household=None, maiden=None, company=None):
        pid = len(self.people) + 1
        gender = gender or self.r.choice("MF")
        first = first or self.first_name(gender)
        last = last or self.last_name()
        birth = birth or self.birth()
        addr = addr or self.address()
        p = {
            "pid": pid, "gender": gender, "first": first, "last": last, "maiden": maiden,
            "birth": birth, "addr": addr, "landline": landline,
            "mobile": self.mobile() if self.r.random() < 0.92 else None,
            "kind": kind, "household": household, "company": company,
            "shared_email": None, "work_email": None,
        }
        # the e-mail of a married woman often keeps her birth name
        email_last = maiden if (maiden and self.r.random() < 0.4) else last
        p["email"] = (
            self.personal_email(first, email_last, birth) if self.r.random() < 0.96 else None
        )
        if company:
            co = company
            local = f"{fold(first).lower().replace(' ', '-')}.{fold(last).lower().replace(' ', '')}"
            we = f"{local}@{co['domain']}"
            if we in self.used_emails:
                we = f"{fold(first)[0].lower()}{fold(last).lower().replace(' ', '')}@{co['domain']}"
            self.used_emails.add(we)
            p["work_email"] = we
        self.people.append(p)
        return p

    def build(self):
        r = self.r
        # companies
        self.companies = []
        for i, (a, b) in enumerate(COMPANY_WORDS):
            name = f"{a} {b}"
            legal = r.choice(LEGAL)
            dom = (
                fold(name)
                .lower()
                .replace("&", "")
                .replace("'", "")
                .replace(" ", "-")
                .replace("--", "-")
            )
            dom = (
                dom.replace("-du-", "-")
                .replace("-de-la-", "-")
                .replace("-des-", "-")
                .replace("-et-", "-")
            )
            self.companies.append({
                "name": name, "legal": legal, "siret": make_siret(r), "domain": dom + ".fr",
                "addr": self.address(), "switchboard": None, "cid": i + 1,
            })
        for co in self.companies:
            co["switchboard"] = self.landline(co["addr"]["postcode"])

        # --- traps
        # couples (many with a maiden name), parents + adult children
        hh = 0
        for _ in range(28):
            hh += 1
            last = self.last_name()
            addr = self.address()
            land = self.landline(addr["postcode"]) if r.random() < 0.85 else None
            by = r.randint(1950, 1985)
            husband = self.new_person("M", last=last, birth=self.birth(by - 3, by + 3), addr=addr,
                                      landline=land, kind="household", household=hh)
            maiden = self.last_name() if r.random() < 0.7 else None
            if maiden == last:
                maiden = None
            wife = self.new_person("F", last=last, birth=self.birth(by - 3, by + 3), addr=addr,
                                   landline=land, kind="household", household=hh, maiden=maiden)
            self.relations.append((husband["pid"], wife["pid"], "spouses"))
            members = [husband, wife]
            if r.random() < 0.3:  # a family e-mail both use
                fam = f"famille.{fold(last).lower().replace(' ', '')}@{wchoice(r, DOMAINS)}"
                if fam not in self.used_emails:
                    self.used_emails.add(fam)
                    husband["shared_email"] = wife["shared_email"] = fam
            if r.random() < 0.45:  # adult child(ren) at home
                for _k in range(r.choice([1, 1, 2])):
                    child = self.new_person(
                        last=last,
                        birth=self.birth(min(max(by + 20, 1975), 2002), 2004),
                        addr=addr,
                        landline=land,
                        kind="household",
                        household=hh,
                    )
                    for m in members[:2]:
                        self.relations.append((m["pid"], child["pid"], "parent_child"))
                    for m in members[2:]:
                        self.relations.append((m["pid"], child["pid"], "siblings"))
                    members.append(child)
        # father and son with the same first name
        for _ in range(4):
            hh += 1
            last = self.last_name()
            first = r.choice(
                ["Jean", "Pierre", "Michel", "Philippe", "Alain", "Jean-Pierre", "Bernard"]
            )
            addr = self.address()
            land = self.landline(addr["postcode"])
            fa = self.new_person(
                "M",
                first=first,
                last=last,
                birth=self.birth(1945, 1965),
                addr=addr,
                landline=land,
                kind="household",
                household=hh,
            )
            so = self.new_person(
                "M",
                first=first,
                last=last,
                birth=self.birth(1975, 2000),
                addr=addr,
                landline=land,
                kind="household",
                household=hh,
            )
            self.relations.append((fa["pid"], so["pid"], "father_son_same_first_name"))
        # twins (a couple of them with close first names)
        twin_names = [
            ("Louis", "Louise"),
            ("Jean", "Jeanne"),
            ("Lucas", "Hugo"),
            ("Emma", "Léa"),
            ("Théo", "Camille"),
            ("Manon", "Chloé"),
            ("Julien", "Julie"),
            ("Maxime", "Antoine"),
        ]
        for a, b in twin_names:
            hh += 1
            last = self.last_name()
            addr = self.address()
            land = self.landline(addr["postcode"]) if r.random() < 0.7 else None
            bd = self.birth(1985, 2003)
            ga = "F" if a in FEMALE else "M"
            gb = "F" if b in FEMALE else "M"
            ta = self.new_person(ga, first=a, last=last, birth=bd, addr=addr, landline=land,
                                 kind="twin", household=hh)
            tb = self.new_person(gb, first=b, last=last, birth=bd, addr=addr, landline=land,
                                 kind="twin", household=hh)
            close = fold(a)[:3].lower() == fold(b)[:3].lower()
            self.relations.append((ta["pid"], tb["pid"], "twins_close_names" if close else "twins"))
        # homonyms: same first + last name, different city/phone/email/birth date
        homonym_names = [("Nicolas", "Martin"), ("Marie", "Dubois"), ("Philippe", "Bernard"),
                         ("Isabelle", "Petit"), ("Jean", "Durand"), ("Sophie", "Leroy"),
                         ("Christophe", "Moreau"), ("Nathalie", "Simon"), ("Pierre", "Laurent"),
                         ("Céline", "Lefebvre"), ("Thomas", "Michel"), ("Julie", "Garcia"),
                         ("David", "Thomas"), ("Catherine", "Roux"), ("Stéphane", "Fournier"),
                         ("Anne", "Girard")]
        for i, (f, l_) in enumerate(homonym_names):
            g = "F" if f in FEMALE else "M"
            same_city = i % 4 == 0
            a = self.new_person(g, first=f, last=l_)
            b_addr = self.address((a["addr"]["postcode"], a["addr"]["city"])) if same_city else None
            b = self.new_person(g, first=f, last=l_, addr=b_addr)
            if i % 3 == 1 and a["email"] and b["email"]:
                # same local part at another provider: nicolas.martin@gmail.com / @orange.fr
                local, dom = a["email"].split("@")
                other = wchoice(r, [d for d in DOMAINS if d[0] != dom])
                e = f"{local}@{other}"
                if e not in self.used_emails:
                    self.used_emails.discard(b["email"])
                    self.used_emails.add(e)
                    b["email"] = e
                    b["homonym_same_local"] = True
            kind = "homonyms_same_city" if same_city else "homonyms"
            if b.get("homonym_same_local"):
                kind += "_same_email_local"
            self.relations.append((a["pid"], b["pid"], kind))
        # colleagues sharing the company's generic e-mail (and switchboard)
        for co in self.companies[:7]:
            generic = f"{r.choice(['contact', 'info', 'accueil', 'compta'])}@{co['domain']}"
            self.used_emails.add(generic)
            pair = []
            for _k in range(2):
                p = self.new_person(
                    company=co, kind="colleague_generic", birth=self.birth(1960, 1998)
                )
                p["generic_email"] = generic
                pair.append(p)
            self.relations.append(
                (pair[0]["pid"], pair[1]["pid"], "colleagues_shared_generic_email")
            )
        # --- ordinary people: singles, some B2B contacts, some married women living alone
        while len(self.people) < self.n_people:
            g = r.choice("MF")
            maiden = None
            if g == "F" and r.random() < 0.4:
                maiden = self.last_name()
            company = r.choice(self.companies) if r.random() < 0.16 else None
            addr = self.address()
            land = self.landline(addr["postcode"]) if r.random() < 0.35 else None
            self.new_person(g, maiden=maiden, company=company, addr=addr, landline=land,
                            birth=self.birth(1960, 1998) if company else None)
        # ordinary colleagues (same company, nothing shared but the company)
        by_co: dict[int, list[int]] = {}
        for p in self.people:
            if p["company"]:
                by_co.setdefault(p["company"]["cid"], []).append(p["pid"])
        known = {(a, b) for a, b, _ in self.relations} | {(b, a) for a, b, _ in self.relations}
        for pids in by_co.values():
            for i, a in enumerate(pids):
                for b in pids[i + 1:]:
                    if (a, b) not in known:
                        self.relations.append((a, b, "colleagues"))
        # persons sharing a first+last name by chance (not constructed homonyms)
        by_name: dict[tuple[str, str], list[int]] = {}
        for p in self.people:
            by_name.setdefault((fold(p["first"]).lower(), fold(p["last"]).lower()), []).append(
                p["pid"]
            )
        known = {(a, b) for a, b, _ in self.relations} | {(b, a) for a, b, _ in self.relations}
        for pids in by_name.values():
            for i, a in enumerate(pids):
                for b in pids[i + 1:]:
                    if (a, b) not in known:
                        self.relations.append((a, b, "homonyms_by_chance"))


# ----------------------------------------------------------------------------- variations

SOURCES = ["shop", "crm", "event", "newsletter"]
FILES = {"shop": "shop_export.csv", "crm": "ancien_crm.csv", "event": "salon_2024.xlsx",
         "newsletter": "newsletter.csv"}

# kind -> weight; applicability checked in `applicable`
KINDS = [
    ("name_case_accents", 6),
    ("first_hyphen_space", 14),
    ("name_swapped", 5),
    ("nickname", 10),
    ("last_name_typo", 5),
    ("first_name_typo", 3),
    ("maiden_name", 70),
    ("email_case", 4),
    ("gmail_dots_tag", 6),
    ("email_new_provider", 6),
    ("email_missing", 5),
    ("phone_fmt_intl", 3),
    ("phone_fmt_0033", 3),
    ("phone_fmt_lost_zero", 3),
    ("phone_fmt_dots", 3),
    ("landline_vs_mobile", 20),
    ("phone_missing", 3),
    ("street_abbrev", 6),
    ("postcode_lost_zero", 8),
    ("city_upper_cedex", 4),
    ("address_missing", 5),
    ("birth_dm_swapped", 6),
    ("birth_missing", 5),
]
NEWSLETTER_KINDS = {"name_case_accents", "first_hyphen_space", "nickname", "first_name_typo",
                    "email_case", "gmail_dots_tag"}


def group(kind):
    for g in ("email", "phone", "birth"):
        if kind.startswith(g) or kind == "gmail_dots_tag" or kind == "landline_vs_mobile":
            return (
                "email"
                if kind == "gmail_dots_tag"
                else ("phone" if kind == "landline_vs_mobile" else g)
            )
    if kind in ("street_abbrev", "postcode_lost_zero", "city_upper_cedex", "address_missing"):
        return "address"
    return kind


def applicable(kind, p, src, view):
    if src == "newsletter" and kind not in NEWSLETTER_KINDS:
        return False
    if kind == "first_hyphen_space":
        return "-" in p["first"]
    if kind == "nickname":
        return p["first"] in NICK
    if kind == "name_case_accents":
        return True
    if kind == "maiden_name":
        return bool(p["maiden"])
    if kind == "gmail_dots_tag":
        return bool(view["email"]) and view["email"].endswith("@gmail.com")
    if kind in ("email_case",):
        return bool(view["email"])
    if kind in ("email_new_provider", "email_missing"):
        return bool(view["email"]) and not view.get("generic")
    if kind.startswith("phone_fmt") or kind == "phone_missing":
        return bool(view["mobile"] or view["landline"])
    if kind == "landline_vs_mobile":
        return bool(p["mobile"] and p["landline"]) and not view.get("work")
    if kind == "postcode_lost_zero":
        return view["addr"]["postcode"].startswith("0")
    if kind == "birth_dm_swapped":
        b = p["birth"]
        return b.day <= 12 and b.day != b.month
    return True


def typo(r, s, keep_first=True):
    letters = [i for i, c in enumerate(s) if c.isalpha() and (i > 0 or not keep_first)]
    if len(letters) < 3:
        return s
    i = r.choice(letters[1:] if keep_first else letters)
    op = r.choice(["sub", "del", "dup", "swap"])
    alpha = "aeioulnrstmcdp"
    if op == "sub":
        c = r.choice([a for a in alpha if a != s[i].lower()])
        c = c.upper() if s[i].isupper() else c
        return s[:i] + c + s[i + 1:]
    if op == "del":
        return s[:i] + s[i + 1:]
    if op == "dup":
        return s[:i] + s[i] + s[i:]
    if i + 1 < len(s) and s[i + 1].isalpha() and s[i + 1] != s[i]:
        return s[:i] + s[i + 1] + s[i] + s[i + 2:]
    return s[:i] + s[i] + s[i:]


def gmail_variant(r, email):
    local, dom = email.split("@")
    choice = r.random()
    if "." in local and choice < 0.5:
        return local.replace(".", "") + "@" + dom
    if choice < 0.75 and len(local) > 3:
        i = r.randint(1, len(local) - 1)
        if local[i - 1] != "." and local[i] != ".":
            return local[:i] + "." + local[i:] + "@" + dom
    return f"{local}+{r.choice(['promo', 'shop', 'news', 'achats'])}@{dom}"


def fmt_phone(num, style):
    """num: national 10 digits."""
    pairs = " ".join(num[i:i + 2] for i in range(0, 10, 2))
    if style == "spaces":
        return pairs
    if style == "compact":
        return num
    if style == "intl":
        return "+33 " + num[1] + " " + " ".join(num[i:i + 2] for i in range(2, 10, 2))
    if style == "0033":
        return "0033" + num[1:]
    if style == "lost_zero":
        return num[1:]
    if style == "dots":
        return pairs.replace(" ", ".")
    raise ValueError(style)


def abbreviate_street(r, stype, sname):
    t = r.choice(ABBREV_TYPE.get(stype, [stype]))
    n = sname
    n = n.replace("Saint-", r.choice(["St-", "St ", "st "])).replace("Sainte-", "Ste-")
    n = n.replace("Général", "Gal").replace("Maréchal", "Mal")
    return t, n


class Renderer:
    def __init__(self, world: World, seed: int):
        self.w = world
        self.r = random.Random(seed + 1)
        self.rows: dict[str, list[dict]] = {s: [] for s in SOURCES}
        self.truth: list[dict] = []
        self.counters = {"shop": 100480, "crm": 0, "event": 0, "newsletter": 0}

    def ext_id(self, src):
        self.counters[src] += 1
        n = self.counters[src]
        if src == "shop":
            return str(n + self.r.randint(0, 0))
        if src == "crm":
            return f"CLI{n:05d}"
        if src == "event":
            return f"S24-{n:04d}"
        return str(n)

    def base_view(self, p, src):
        r = self.r
        work = bool(p["company"]) and src in ("crm", "event")
        view = {
            "first": p["first"], "last": p["last"], "email": p["email"], "mobile": p["mobile"],
            "landline": None, "addr": dict(p["addr"]), "birth": p["birth"], "work": work,
            "company": None, "siret": None, "generic": False,
        }
        view["family_email"] = False
        if p["shared_email"] and r.random() < 0.6:
            view["email"] = p["shared_email"]
            view["family_email"] = True
        if work:
            co = p["company"]
            view["email"] = p["work_email"]
            view["addr"] = dict(co["addr"])
            view["company"] = co
            view["siret"] = co["siret"]
            if p.get("generic_email"):
                view["email"] = p["generic_email"]
                view["generic"] = True
                if r.random() < 0.5:
                    view["landline"] = co["switchboard"]
            elif r.random() < 0.2:
                view["landline"] = co["switchboard"]
        elif (
            src == "crm"
            and p["landline"]
            and (p["kind"] in ("household", "twin") or r.random() < 0.4)
        ) or (src in ("shop", "event") and not p["mobile"] and p["landline"]):
            view["landline"] = p["landline"]
        if src == "shop" and p["company"] and r.random() < 0.3:
            view["company"] = p["company"]  # the shop asks for a company too, sometimes
        return view

    def choose_kinds(self, p, src, view, reference):
        if reference:
            return []
        r = self.r
        roll = r.random()
        n = 0 if roll < 0.12 else (1 if roll < 0.85 else 2)
        kinds: list[str] = []
        cands = [(k, w) for k, w in KINDS if applicable(k, p, src, view)]
        for _ in range(n):
            groups = {group(k) for k in kinds}
            cands = [(k, w) for k, w in cands if k not in kinds and group(k) not in groups]
            if not cands:
                break
            kinds.append(wchoice(r, cands))
        return kinds

    def render(self, p, src, kinds, view):
        r = self.r
        first, last = view["first"], view["last"]
        email = view["email"]
        mobile, landline = view["mobile"], view["landline"]
        addr = view["addr"]
        birth = view["birth"]
        phone_style = r.choice(["spaces", "spaces", "compact"])
        stype, sname = addr["stype"], addr["sname"]
        pc, city = addr["postcode"], addr["city"]
        upper_names = False
        order = [
            "maiden_name",
            "nickname",
            "first_hyphen_space",
            "last_name_typo",
            "first_name_typo",
            "name_swapped",
            "name_case_accents",
        ]
        for k in sorted(kinds, key=lambda k: order.index(k) if k in order else -1):
            if k == "name_case_accents":
                upper_names = True
            elif k == "first_hyphen_space":
                first = first.replace("-", " ")
            elif k == "name_swapped":
                first, last = last, first
            elif k == "nickname":
                first = NICK[first]
            elif k == "last_name_typo":
                last = typo(r, last)
            elif k == "first_name_typo":
                first = typo(r, first)
            elif k == "maiden_name":
                last = p["maiden"]
            elif k == "email_case":
                loc, dom = email.split("@")
                email = r.choice([
                    email.upper(),
                    ".".join(x.capitalize() for x in loc.split(".")) + "@" + dom.capitalize(),
                    loc + "@" + dom.upper(),
                ])
            elif k == "gmail_dots_tag":
                email = gmail_variant(r, email)
            elif k == "email_new_provider":
                email = self.w.personal_email(p["first"], p["last"], p["birth"],
                                              exclude_domain=email.split("@")[1])
            elif k == "email_missing":
                email = None
            elif k.startswith("phone_fmt"):
                phone_style = {"phone_fmt_intl": "intl", "phone_fmt_0033": "0033",
                               "phone_fmt_lost_zero": "lost_zero", "phone_fmt_dots": "dots"}[k]
            elif k == "landline_vs_mobile":
                mobile, landline = None, p["landline"]
            elif k == "phone_missing":
                mobile = landline = None
            elif k == "street_abbrev":
                stype, sname = abbreviate_street(r, stype, sname)
            elif k == "postcode_lost_zero":
                pc = pc.lstrip("0")
            elif k == "city_upper_cedex":
                city = fold(city).upper() + (" CEDEX" if r.random() < 0.6 else "")
            elif k == "address_missing":
                addr = None
            elif k == "birth_dm_swapped":
                birth = dt.date(birth.year, birth.day, birth.month)
            elif k == "birth_missing":
                birth = None
        if upper_names:
            first, last = fold(first).upper(), fold(last).upper()
        street = None
        if addr is not None:
            num = addr["num"]
            numtxt = ""
            if num:
                numtxt = str(num)
                if addr["suffix"]:
                    numtxt += r.choice(
                        [" " + addr["suffix"], addr["suffix"], " " + addr["suffix"].upper()]
                    )
            street = " ".join(x for x in (numtxt, stype, sname) if x)
            if "street_abbrev" in kinds and r.random() < 0.5:
                street = street.replace(" bis", "B").replace(" ter", "T")
        else:
            pc = city = None
        return {
            "first": first,
            "last": last,
            "email": email,
            "mobile": mobile,
            "landline": landline,
            "phone_style": phone_style,
            "street": street,
            "postcode": pc,
            "city": city,
            "birth": birth,
            "company": view["company"],
            "siret": view["siret"],
            "gender": p["gender"],
        }

    def row_for(self, src, v):
        r = self.r

        def ph(num):
            return fmt_phone(num, v["phone_style"]) if num else ""

        birth = v["birth"]
        if src == "shop":
            phone = v["mobile"] or v["landline"]
            co = v["company"]
            return {
                "Customer ID": None,
                "First Name": v["first"],
                "Last Name": v["last"],
                "Email": v["email"] or "",
                "Phone": ph(phone),
                "Address1": v["street"] or "",
                "Address2": "",
                "City": v["city"] or "",
                "Zip": v["postcode"] or "",
                "Province": "",
                "Country": "France" if v["street"] else "",
                "Company": (co["name"] if co else ""),
                "Birthday": birth.isoformat() if birth else "",
                "Accepts Marketing": r.choice(["yes", "no"]),
                "Total Spent": f"{r.randint(0, 900)}.{r.randint(0, 99):02d}",
            }
        if src == "crm":
            co = v["company"]
            civ = {
                "M": r.choice(["M.", "M", "Monsieur"]),
                "F": r.choice(["Mme", "Mme", "Madame", "Mlle"]),
            }[v["gender"]]
            last = v["last"]
            if r.random() < 0.7:
                last = last.upper()
            siret = v["siret"] or ""
            if siret and r.random() < 0.4:
                siret = f"{siret[:3]} {siret[3:6]} {siret[6:9]} {siret[9:]}"
            return {
                "Réf client": None,
                "Civilité": civ,
                "NOM": last,
                "Prénom": v["first"],
                "Société": (co["name"] + (" " + co["legal"] if co["legal"] else "")) if co else "",
                "SIRET": siret,
                "Adresse": v["street"] or "",
                "CP": v["postcode"] or "",
                "Ville": v["city"] or "",
                "Tél. portable": ph(v["mobile"]),
                "Tél. fixe": ph(v["landline"]),
                "E-mail": v["email"] or "",
                "Date de naissance": birth.strftime("%d/%m/%Y") if birth else "",
                "Date création": dt.date(2015, 1, 1)
                .fromordinal(dt.date(2012, 1, 1).toordinal() + r.randint(0, 3000))
                .strftime("%d/%m/%Y"),
            }
        if src == "event":
            co = v["company"]
            phone = v["mobile"] or v["landline"]
            phone_cell = ph(phone)
            if phone and v["phone_style"] == "lost_zero":
                phone_cell = int(phone)  # Excel ate the zero: a number cell
            pc = v["postcode"] or ""
            if pc and len(pc) == 4:
                pc = int(pc)  # a number cell
            bcell = (birth if r.random() < 0.6 else birth.strftime("%d/%m/%Y")) if birth else ""
            return {
                "Attendee ID": None,
                "Surname": v["last"],
                "Given name": v["first"],
                "E-mail address": v["email"] or "",
                "Mobile phone": phone_cell,
                "Organisation": (
                    co["name"] + (" " + co["legal"] if co["legal"] and r.random() < 0.5 else "")
                )
                if co
                else "",
                "SIRET": v["siret"] or "",
                "Street": v["street"] or "",
                "Postal code": pc,
                "Town": v["city"] or "",
                "Date of birth": bcell,
                "Ticket": r.choice(["Visiteur", "Exposant", "VIP"]),
            }
        if src == "newsletter":
            return {"id": None, "email": v["email"] or "", "prenom": v["first"],
                    "optin": r.choice(["1", "1", "1", "0"]),
                    "date_inscription": f"2024-{r.randint(1, 12):02d}-{r.randint(1, 28):02d}"}
        raise ValueError(src)

    def add(self, p, src, reference, same_file_dup=False):
        view = self.base_view(p, src)
        if src == "newsletter" and not view["email"]:
            return False
        kinds = self.choose_kinds(p, src, view, reference)
        v = self.render(p, src, kinds, view)
        if src == "newsletter" and not v["email"]:
            return False
        row = self.row_for(src, v)
        ext = self.ext_id(src)
        idcol = {
            "shop": "Customer ID",
            "crm": "Réf client",
            "event": "Attendee ID",
            "newsletter": "id",
        }[src]
        row[idcol] = ext
        ctx = []
        if view["work"]:
            ctx.append("work")
        if view["generic"]:
            ctx.append("generic_email")
        if view.get("family_email") and v["email"] == p["shared_email"]:
            ctx.append("family_email")
        if same_file_dup:
            ctx.append("same_file_dup")
        phones = [x for x in (v["mobile"], v["landline"]) if x]
        if src in ("shop", "event"):
            phones = phones[:1]
        if src == "newsletter":
            phones = []
        self.rows[src].append(row)
        self.truth.append(
            {
                "file": FILES[src],
                "source": src,
                "ext_id": ext,
                "person_id": p["pid"],
                "variations": "|".join(kinds),
                "context": "|".join(ctx),
                "shown_email": (v["email"] or "").lower(),
                "shown_phones": "|".join(phones),
                "shown_birth": v["birth"].isoformat() if v["birth"] and src != "newsletter" else "",
                "shown_postcode": v["postcode"].zfill(5)
                if v["postcode"] and src != "newsletter"
                else "",
                "shown_name": "" if src == "newsletter" else f"{v['first']}|{v['last']}",
                "row": json.dumps(
                    {k: (str(x) if not isinstance(x, str) else x) for k, x in row.items()},
                    ensure_ascii=False,
                ),
            }
        )
        return True

    def run(self):
        r = self.r
        multi = 0
        for p in self.w.people:
            b2b = bool(p["company"])
            k = wchoice(r, [(1, 66), (2, 25), (3, 7), (4, 2)])
            if p["kind"] != "single" and k == 1 and r.random() < 0.35:
                k = 2  # traps are only traps when they are seen
            aff = ({"crm": 40, "event": 35, "shop": 15, "newsletter": 10} if b2b else
                   {"shop": 45, "crm": 25, "event": 10, "newsletter": 25})
            chosen: list[str] = []
            while len(chosen) < k:
                s = wchoice(r, [(s, w) for s, w in aff.items() if s not in chosen])
                chosen.append(s)
            if chosen == ["newsletter"] and (not p["email"] or r.random() < 0.4):
                chosen = [wchoice(r, [(s, w) for s, w in aff.items() if s != "newsletter"])]
            if chosen[0] == "newsletter" and len(chosen) > 1:
                chosen.append(chosen.pop(0))  # the fullest row is the reference
            ok = 0
            files_seen = set()
            for s in chosen:
                added = self.add(p, s, reference=(ok == 0))
                ok += added
                if added:
                    files_seen.add(s)
                if s != "newsletter" and r.random() < 0.04:
                    ok += self.add(p, s, reference=False, same_file_dup=True)
            if len(files_seen) >= 2:
                multi += 1
        for s in SOURCES:  # files are not in person order
            rows = self.rows[s]
            order = list(range(len(rows)))
            r.shuffle(order)
            self.rows[s] = [rows[i] for i in order]
        return multi


def write(world: World, ren: Renderer, out: str, xlsx_ok: bool):
    os.makedirs(out, exist_ok=True)
    files = dict(FILES)
    # shop: UTF-8, ',' English headers
    with open(os.path.join(out, files["shop"]), "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(ren.rows["shop"][0]))
        w.writeheader()
        w.writerows(ren.rows["shop"])
    # crm: cp1252, ';'
    crm_path = os.path.join(out, files["crm"])
    with open(crm_path, "w", encoding="cp1252", errors="replace", newline="") as f:
        w = csv.DictWriter(
            f, fieldnames=list(ren.rows["crm"][0]), delimiter=";", lineterminator="\r\n"
        )
        w.writeheader()
        w.writerows(ren.rows["crm"])
    # event: XLSX
    ev = ren.rows["event"]
    if xlsx_ok:
        import openpyxl
        from openpyxl.styles import Font

        wb = openpyxl.Workbook()
        ws = wb.active
        ws.title = "Inscrits"
        headers = list(ev[0])
        ws.append(headers)
        for c in ws[1]:
            c.font = Font(bold=True)
        for row in ev:
            ws.append([row[h] if row[h] != "" else None for h in headers])
            for cell in ws[ws.max_row]:
                if isinstance(cell.value, dt.date):
                    cell.number_format = "DD/MM/YYYY"
        ws.freeze_panes = "A2"
        wb.save(os.path.join(out, files["event"]))
    else:
        files["event"] = "salon_2024.csv"
        with open(os.path.join(out, files["event"]), "w", encoding="utf-8", newline="") as f:
            w = csv.DictWriter(f, fieldnames=list(ev[0]))
            w.writeheader()
            w.writerows(ev)
    with open(os.path.join(out, files["newsletter"]), "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(ren.rows["newsletter"][0]))
        w.writeheader()
        w.writerows(ren.rows["newsletter"])

    # truth, with the data-row number of each row in its file (1 = first data row)
    idcol = {"shop": "Customer ID", "crm": "Réf client", "event": "Attendee ID", "newsletter": "id"}
    rownum = {}
    for s in SOURCES:
        for i, row in enumerate(ren.rows[s], start=1):
            rownum[(s, str(row[idcol[s]]))] = i
    with open(os.path.join(out, "truth.csv"), "w", encoding="utf-8", newline="") as f:
        fields = [
            "file",
            "source",
            "ext_id",
            "row_number",
            "person_id",
            "variations",
            "context",
            "shown_email",
            "shown_phones",
            "shown_birth",
            "shown_postcode",
            "shown_name",
            "row",
        ]
        w = csv.DictWriter(f, fieldnames=fields)
        w.writeheader()
        for t in ren.truth:
            t = dict(t)
            t["file"] = files[t["source"]]
            t["row_number"] = rownum[(t["source"], t["ext_id"])]
            w.writerow(t)
    with open(os.path.join(out, "relations.csv"), "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["person_a", "person_b", "relation"])
        w.writerows(world.relations)
    with open(os.path.join(out, "people.csv"), "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(
            [
                "person_id",
                "kind",
                "household",
                "gender",
                "first",
                "last",
                "maiden",
                "birth",
                "email",
                "shared_email",
                "work_email",
                "mobile",
                "landline",
                "street",
                "postcode",
                "city",
                "company",
                "siret",
            ]
        )
        for p in world.people:
            a = p["addr"]
            street = " ".join(str(x) for x in (a["num"], a["suffix"], a["stype"], a["sname"]) if x)
            co = p["company"]
            w.writerow(
                [
                    p["pid"],
                    p["kind"],
                    p["household"] or "",
                    p["gender"],
                    p["first"],
                    p["last"],
                    p["maiden"] or "",
                    p["birth"].isoformat(),
                    p["email"] or "",
                    p["shared_email"] or "",
                    p.get("generic_email") or p["work_email"] or "",
                    p["mobile"] or "",
                    p["landline"] or "",
                    street,
                    a["postcode"],
                    a["city"],
                    co["name"] if co else "",
                    co["siret"] if co else "",
                ]
            )
    return files


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--people", type=int, default=600)
    ap.add_argument(
        "--out", default=os.path.join(tempfile.gettempdir(), "carnet-bench", "households", "data")
    )
    ap.add_argument("--no-xlsx", action="store_true")
    a = ap.parse_args()
    xlsx_ok = not a.no_xlsx and importlib.util.find_spec("openpyxl") is not None
    world = World(a.seed, a.people)
    world.build()
    ren = Renderer(world, a.seed)
    multi = ren.run()
    files = write(world, ren, a.out, xlsx_ok)
    from collections import Counter

    kinds = Counter(k for t in ren.truth for k in t["variations"].split("|") if k)
    rel = Counter(k for _, _, k in world.relations)
    seen = {t["person_id"] for t in ren.truth}
    print(f"people {len(world.people)} (seen {len(seen)}), in 2+ files: {multi} "
          f"({multi / len(seen):.0%})")
    for s in SOURCES:
        print(f"  {files[s]}: {len(ren.rows[s])} rows")
    print("variations:", dict(sorted(kinds.items())))
    print("relations:", dict(sorted(rel.items())))


if __name__ == "__main__":
    main()
