"""Real French postcode ↔ commune pairs for the demo data, and how they were derived.

The generator needs real ``(postcode, city)`` pairs so that a matcher or an
address validator fed with the demo files meets the real thing. The pairs come
from La Poste's "Base officielle des codes postaux" (Licence Ouverte 2.0,
Etalab), reduced to a compact, weighted table shipped as
``carnet/demo/data/communes.csv``:

* every postcode of the ~90 largest communes, weighted by population (split
  evenly over a commune's postcodes; Paris, Lyon and Marseille by
  arrondissement);
* a deterministic sample (CRC-32 of INSEE code and postcode) of one pair in
  ``_SAMPLE_EVERY`` of all other pairs of metropolitan France and the DOM, each
  with the weight of the average commune it stands for.

City names in the La Poste table are upper case without accents; they are
turned into the usual written form ("SAINT ETIENNE" → "Saint-Étienne") by
:func:`display_name`, with a small table of accented words.

Regenerate the table with::

    python -m carnet.demo.communes laposte_hexasmal.csv src/carnet/demo/data/communes.csv
"""

from __future__ import annotations

import csv
import sys
import zlib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

__all__ = ["Commune", "derive_communes", "display_name", "load_communes"]

_SAMPLE_EVERY = 11
_FRANCE_POPULATION = 68_000_000

# (department, name in the La Poste table, written name, population in thousands).
# Populations are rounded INSEE figures; only their proportions matter here.
_BIG_COMMUNES: tuple[tuple[str, str, str, int], ...] = (
    ("75", "PARIS", "Paris", 2133),
    ("13", "MARSEILLE", "Marseille", 873),
    ("69", "LYON", "Lyon", 522),
    ("31", "TOULOUSE", "Toulouse", 504),
    ("06", "NICE", "Nice", 348),
    ("44", "NANTES", "Nantes", 323),
    ("34", "MONTPELLIER", "Montpellier", 302),
    ("67", "STRASBOURG", "Strasbourg", 291),
    ("33", "BORDEAUX", "Bordeaux", 262),
    ("59", "LILLE", "Lille", 237),
    ("35", "RENNES", "Rennes", 222),
    ("83", "TOULON", "Toulon", 180),
    ("51", "REIMS", "Reims", 180),
    ("42", "ST ETIENNE", "Saint-Étienne", 174),
    ("76", "LE HAVRE", "Le Havre", 166),
    ("21", "DIJON", "Dijon", 159),
    ("49", "ANGERS", "Angers", 157),
    ("69", "VILLEURBANNE", "Villeurbanne", 157),
    ("38", "GRENOBLE", "Grenoble", 156),
    ("97", "ST DENIS", "Saint-Denis", 154),
    ("30", "NIMES", "Nîmes", 148),
    ("13", "AIX EN PROVENCE", "Aix-en-Provence", 147),
    ("63", "CLERMONT FERRAND", "Clermont-Ferrand", 147),
    ("72", "LE MANS", "Le Mans", 145),
    ("29", "BREST", "Brest", 139),
    ("37", "TOURS", "Tours", 138),
    ("80", "AMIENS", "Amiens", 134),
    ("74", "ANNECY", "Annecy", 131),
    ("87", "LIMOGES", "Limoges", 130),
    ("66", "PERPIGNAN", "Perpignan", 121),
    ("92", "BOULOGNE BILLANCOURT", "Boulogne-Billancourt", 120),
    ("25", "BESANCON", "Besançon", 119),
    ("57", "METZ", "Metz", 118),
    ("45", "ORLEANS", "Orléans", 117),
    ("76", "ROUEN", "Rouen", 114),
    ("93", "ST DENIS", "Saint-Denis", 114),
    ("93", "MONTREUIL", "Montreuil", 111),
    ("95", "ARGENTEUIL", "Argenteuil", 110),
    ("14", "CAEN", "Caen", 108),
    ("68", "MULHOUSE", "Mulhouse", 105),
    ("54", "NANCY", "Nancy", 104),
    ("59", "TOURCOING", "Tourcoing", 99),
    ("59", "ROUBAIX", "Roubaix", 98),
    ("92", "NANTERRE", "Nanterre", 96),
    ("94", "VITRY SUR SEINE", "Vitry-sur-Seine", 96),
    ("94", "CRETEIL", "Créteil", 92),
    ("84", "AVIGNON", "Avignon", 91),
    ("92", "ASNIERES SUR SEINE", "Asnières-sur-Seine", 90),
    ("86", "POITIERS", "Poitiers", 89),
    ("93", "AUBERVILLIERS", "Aubervilliers", 89),
    ("92", "COLOMBES", "Colombes", 86),
    ("59", "DUNKERQUE", "Dunkerque", 86),
    ("93", "AULNAY SOUS BOIS", "Aulnay-sous-Bois", 86),
    ("78", "VERSAILLES", "Versailles", 84),
    ("92", "COURBEVOIE", "Courbevoie", 82),
    ("34", "BEZIERS", "Béziers", 79),
    ("50", "CHERBOURG EN COTENTIN", "Cherbourg-en-Cotentin", 78),
    ("17", "LA ROCHELLE", "La Rochelle", 78),
    ("92", "RUEIL MALMAISON", "Rueil-Malmaison", 78),
    ("94", "CHAMPIGNY SUR MARNE", "Champigny-sur-Marne", 77),
    ("97", "FORT DE FRANCE", "Fort-de-France", 76),
    ("64", "PAU", "Pau", 75),
    ("94", "ST MAUR DES FOSSES", "Saint-Maur-des-Fossés", 75),
    ("06", "CANNES", "Cannes", 74),
    ("06", "ANTIBES", "Antibes", 73),
    ("2A", "AJACCIO", "Ajaccio", 73),
    ("33", "MERIGNAC", "Mérignac", 72),
    ("44", "ST NAZAIRE", "Saint-Nazaire", 72),
    ("93", "DRANCY", "Drancy", 72),
    ("93", "NOISY LE GRAND", "Noisy-le-Grand", 69),
    ("92", "ISSY LES MOULINEAUX", "Issy-les-Moulineaux", 68),
    ("62", "CALAIS", "Calais", 67),
    ("68", "COLMAR", "Colmar", 67),
    ("91", "EVRY COURCOURONNES", "Évry-Courcouronnes", 67),
    ("92", "LEVALLOIS PERRET", "Levallois-Perret", 66),
    ("69", "VENISSIEUX", "Vénissieux", 66),
    ("33", "PESSAC", "Pessac", 66),
    ("95", "CERGY", "Cergy", 66),
    ("26", "VALENCE", "Valence", 64),
    ("18", "BOURGES", "Bourges", 64),
    ("92", "CLICHY", "Clichy", 63),
    ("94", "IVRY SUR SEINE", "Ivry-sur-Seine", 63),
    ("29", "QUIMPER", "Quimper", 63),
    ("10", "TROYES", "Troyes", 62),
    ("59", "VILLENEUVE D ASCQ", "Villeneuve-d'Ascq", 62),
    ("82", "MONTAUBAN", "Montauban", 61),
    ("73", "CHAMBERY", "Chambéry", 60),
    ("79", "NIORT", "Niort", 59),
    ("92", "NEUILLY SUR SEINE", "Neuilly-sur-Seine", 59),
    ("56", "LORIENT", "Lorient", 57),
    ("64", "BAYONNE", "Bayonne", 52),
    ("56", "VANNES", "Vannes", 54),
    ("35", "ST MALO", "Saint-Malo", 47),
)

# Upper-case unaccented words of commune names and their written form.
_ACCENTED_WORDS: dict[str, str] = {
    "ETIENNE": "Étienne",
    "EGLISE": "Église",
    "EGLISES": "Églises",
    "CHATEAU": "Château",
    "CHATEAUNEUF": "Châteauneuf",
    "CHATEAUROUX": "Châteauroux",
    "CHATILLON": "Châtillon",
    "CHATEL": "Châtel",
    "CHATELET": "Châtelet",
    "ORLEANS": "Orléans",
    "BESANCON": "Besançon",
    "NIMES": "Nîmes",
    "BEZIERS": "Béziers",
    "SETE": "Sète",
    "FREJUS": "Fréjus",
    "ANGOULEME": "Angoulême",
    "EVREUX": "Évreux",
    "EVRY": "Évry",
    "CRETEIL": "Créteil",
    "MERIGNAC": "Mérignac",
    "ASNIERES": "Asnières",
    "CHAMBERY": "Chambéry",
    "VENISSIEUX": "Vénissieux",
    "ILE": "Île",
    "ETANG": "Étang",
    "EPINAY": "Épinay",
    "EPERNAY": "Épernay",
    "EPINAL": "Épinal",
    "ETAMPES": "Étampes",
    "FOSSES": "Fossés",
    "SEVRES": "Sèvres",
    "PRES": "Prés",
    "PRE": "Pré",
    "MAREES": "Marées",
    "VALLEE": "Vallée",
    "REMY": "Rémy",
    "GENEVIEVE": "Geneviève",
    "HELENE": "Hélène",
    "THEODORE": "Théodore",
    "SEBASTIEN": "Sébastien",
    "BENOIT": "Benoît",
    "ANDRE": "André",
    "AGNES": "Agnès",
    "MEDARD": "Médard",
    "LEGER": "Léger",
    "CREPIN": "Crépin",
    "EVE": "Ève",
    "ECHIROLLES": "Échirolles",
    "ECULLY": "Écully",
    "MACON": "Mâcon",
    "RHONE": "Rhône",
    "SAONE": "Saône",
    "ISERE": "Isère",
    "ARIEGE": "Ariège",
    "DROME": "Drôme",
    "CHALONS": "Châlons",
    "CHALON": "Chalon",
    "GRES": "Grès",
    "FORET": "Forêt",
    "PERIGUEUX": "Périgueux",
    "MONTELIMAR": "Montélimar",
    "BETHUNE": "Béthune",
    "SEGRE": "Segré",
}

# Words kept in lower case inside a name ("Aix-en-Provence", "Saint-Maur-des-Fossés").
_LOWER_WORDS = frozenset(
    {"EN", "DE", "DU", "DES", "LA", "LE", "LES", "SUR", "SOUS", "ET", "AUX", "AU", "LEZ"}
)
_ABBREVIATIONS = {"ST": "Saint", "STE": "Sainte"}


@dataclass(frozen=True, slots=True)
class Commune:
    """One real postcode ↔ commune pair and its sampling weight.

    Attributes:
        postcode: the five-character French postcode, leading zero kept ("01000").
        city: the commune's usual written name ("Bourg-en-Bresse").
        weight: relative number of inhabitants the pair stands for.
    """

    postcode: str
    city: str
    weight: int


def display_name(upper: str) -> str:
    """Turn a La Poste upper-case commune name into its usual written form.

    Args:
        upper: the name as in the La Poste table, e.g. ``"L ABERGEMENT DE VAREY"``.

    Returns:
        The written name, e.g. ``"L'Abergement-de-Varey"``.

    >>> display_name("ST ETIENNE")
    'Saint-Étienne'
    >>> display_name("LE HAVRE")
    'Le Havre'
    >>> display_name("AIX EN PROVENCE")
    'Aix-en-Provence'
    >>> display_name("L ISLE ADAM")
    "L'Isle-Adam"
    >>> display_name("VILLENEUVE D ASCQ")
    "Villeneuve-d'Ascq"
    """
    words = upper.split()
    if not words:
        return ""
    prefix = ""
    if words[0] in ("LE", "LA", "LES") and len(words) > 1:
        prefix = words[0].capitalize() + " "
        words = words[1:]
    elif words[0] == "L" and len(words) > 1:
        prefix = "L'"
        words = words[1:]
    parts: list[str] = []
    for index, word in enumerate(words):
        if word in ("D", "L") and index + 1 < len(words):
            if parts and not parts[-1].endswith("'"):
                parts.append("-")
            parts.append(word.lower() + "'")
            continue
        if word in _ABBREVIATIONS:
            text = _ABBREVIATIONS[word]
        elif index > 0 and word in _LOWER_WORDS:
            text = word.lower()
        else:
            text = _ACCENTED_WORDS.get(word, word.capitalize())
        if parts and not parts[-1].endswith("'"):
            parts.append("-")
        parts.append(text)
    return prefix + "".join(parts)


def derive_communes(hexasmal: Path, out: Path) -> int:
    """Derive the compact weighted ``communes.csv`` from La Poste's full table.

    Args:
        hexasmal: La Poste "laposte_hexasmal.csv" (``;``-separated, header
            ``Code_commune_INSEE;Nom_de_la_commune;Code_postal;...``).
        out: where to write ``postcode;city;weight`` (UTF-8, LF).

    Returns:
        The number of pairs written.
    """
    big = {(dept, name): (written, pop) for dept, name, written, pop in _BIG_COMMUNES}
    big_postcodes: dict[tuple[str, str], list[str]] = {}
    others: list[tuple[str, str]] = []
    seen: set[tuple[str, str]] = set()
    with hexasmal.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle, delimiter=";")
        next(reader)
        for row in reader:
            insee, name, postcode = row[0], row[1].strip(), row[2].strip()
            if postcode.startswith("98") or (postcode, name) in seen:
                continue  # Monaco and the overseas collectivities are not in our market
            seen.add((postcode, name))
            base = name
            words = name.split()
            if words[0] in ("PARIS", "LYON", "MARSEILLE") and len(words) == 2:
                base = words[0]  # arrondissements: "PARIS 01" is written "Paris"
            key = (insee[:2] if not insee.startswith("97") else "97", base)
            if key in big:
                big_postcodes.setdefault(key, []).append(postcode)
            elif zlib.crc32(f"{insee}{postcode}".encode()) % _SAMPLE_EVERY == 0:
                others.append((postcode, name))
    rows: list[tuple[str, str, int]] = []
    big_total = 0
    for dept, name, written, pop in _BIG_COMMUNES:
        postcodes = big_postcodes.get((dept, name), [])
        if not postcodes:
            raise ValueError(f"commune {name} ({dept}) is missing from {hexasmal}")
        share = pop * 1000 // len(postcodes)
        big_total += pop * 1000
        rows.extend((postcode, written, share) for postcode in postcodes)
    other_weight = (_FRANCE_POPULATION - big_total) // (len(others) * _SAMPLE_EVERY) * _SAMPLE_EVERY
    rows.extend((postcode, display_name(name), other_weight) for postcode, name in others)
    rows.sort(key=lambda row: (row[0], row[1]))
    with out.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";", lineterminator="\n")
        writer.writerow(["postcode", "city", "weight"])
        writer.writerows(rows)
    return len(rows)


@cache
def load_communes() -> tuple[Commune, ...]:
    """Load the shipped postcode ↔ commune table (cached).

    Returns:
        Every pair of ``carnet/demo/data/communes.csv``, sorted by postcode.
    """
    text = resources.files("carnet.demo").joinpath("data/communes.csv").read_text("utf-8")
    reader = csv.reader(text.splitlines(), delimiter=";")
    next(reader)
    return tuple(Commune(postcode, city, int(weight)) for postcode, city, weight in reader)


def _main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: python -m carnet.demo.communes LAPOSTE_HEXASMAL_CSV OUT_CSV", file=sys.stderr)
        return 2
    count = derive_communes(Path(argv[0]), Path(argv[1]))
    print(f"{count} pairs written to {argv[1]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(_main(sys.argv[1:]))
