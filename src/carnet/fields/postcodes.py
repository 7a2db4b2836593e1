"""Postal codes: format per country, French repairs, La Poste city cross-check.

Formats (normalised form in brackets): France ``FR`` 5 digits, the first two a
department 01–95 (Corsica 20xxx), 97 (overseas) or 98 (Monaco, Pacific)
[``75015``]; Monaco ``MC`` ``980xx``; Belgium, Switzerland, Luxembourg, Austria,
Denmark, Norway, Hungary, Tunisia 4 digits; Germany, Spain, Italy, Finland,
Morocco, Algeria, US 5 digits (US ZIP+4 ``12345-6789``); Sweden, Greece,
Czechia, Slovakia ``123 45``; Poland ``12-345``; Portugal ``1234-567``;
Netherlands ``1234 AB``; United Kingdom outward+inward ``SW1A 1AA``; Ireland
Eircode ``D02 X285``; Canada ``K1A 0B1``; Andorra ``AD500``. French overseas
territories given with their own ISO code (GP, MQ, GF, RE, YT, PM, BL, MF, WF,
PF, NC) use the French format with their 97x/98x prefix. Other countries: 2 to
10 letters and digits, accepted without a format check (flag ``unchecked``).
A country prefix (``F-75015``, ``L-1234``, ``B-1000``) is dropped; one naming
another country than the one given makes the code that country's (``B-1000``
checked with FR is Brussels, flag ``country_from_prefix``, the country in
``details``), not a French code that lost its leading zero.

French repairs: a 4-digit code lost its leading zero in a spreadsheet
(``1400`` → ``01400``, flag ``repaired``); ``75 015`` → ``75015``.

With a :class:`PostcodeTable` (La Poste's *base officielle des codes postaux*,
Licence Ouverte 2.0), French codes are also looked up: a code missing from the
table is a warning (``unknown_postcode``; CEDEX and company codes are not in
it), and when a city is given it must be one the code serves (``city_mismatch``
warning, with the given city's postcode as suggestion when it has only one).
City names are compared after :func:`city_key` folding: accents, case, hyphens
and apostrophes, ``ST``/``SAINT``, ``STE``/``SAINTE``, CEDEX suffixes and
arrondissements (``PARIS 15``, ``Paris 15e`` and plain ``Paris`` all match
``75015``; ``Paris 16e`` does not).

>>> check_postcode("75015").normalised, check_postcode("1400").normalised
('75015', '01400')
>>> sorted(check_postcode("1400").flags)
['repaired']
>>> check_postcode("SW1A1AA", country="GB").normalised
'SW1A 1AA'
>>> check_postcode("00123").status.value
'invalid'
>>> table = PostcodeTable([("75015", "PARIS 15", "PARIS", ""), ("69003", "LYON 03", "LYON", "")])
>>> check_postcode("75015", city="Paris 15e", table=table).status.value
'valid'
>>> v = check_postcode("75015", city="Lyon", table=table)
>>> v.status.value, sorted(v.flags), v.suggestions
('warning', ['city_mismatch'], ('69003',))
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache
from os import PathLike
from typing import NamedTuple

from carnet.errors import InputFileError
from carnet.fields import _common
from carnet.fields._common import fold
from carnet.fields.verdict import Verdict, blank

__all__ = [
    "FORMATS",
    "FRENCH_COUNTRIES",
    "PostcodeRow",
    "PostcodeTable",
    "check",
    "check_many",
    "check_postcode",
    "city_key",
    "city_line",
    "department",
    "format",
    "normalise",
    "split_address_line",
    "split_postcode_city",
    "validate",
]


def _same(code: str) -> str:
    return code


def _split_at(position: int, sep: str) -> Callable[[str], str]:
    return lambda c: f"{c[:position]}{sep}{c[position:]}"


def _gb(code: str) -> str:
    return f"{code[:-3]} {code[-3:]}"


#: Country -> (pattern on the compact upper-case code, formatter, example).
FORMATS: dict[str, tuple[re.Pattern[str], Callable[[str], str], str]] = {}
_FR_OVERSEAS = {
    "GP": r"971\d\d",
    "MQ": r"972\d\d",
    "GF": r"973\d\d",
    "RE": r"974\d\d",
    "PM": r"97500",
    "YT": r"976\d\d",
    "BL": r"97133",
    "MF": r"97150",
    "WF": r"986\d\d",
    "PF": r"987\d\d",
    "NC": r"988\d\d",
}
for _country, _pattern, _fmt, _example in [
    ("FR", r"(?:0[1-9]|[1-8]\d|9[0-5]|97|98)\d{3}", _same, "75015"),
    ("MC", r"980\d\d", _same, "98000"),
    ("BE", r"[1-9]\d{3}", _same, "1000"),
    ("CH", r"[1-9]\d{3}", _same, "1200"),
    ("LU", r"\d{4}", _same, "1234"),
    ("AT", r"[1-9]\d{3}", _same, "1010"),
    ("DK", r"\d{4}", _same, "2100"),
    ("NO", r"\d{4}", _same, "0150"),
    ("HU", r"[1-9]\d{3}", _same, "1051"),
    ("TN", r"\d{4}", _same, "1000"),
    ("DE", r"\d{5}", _same, "10115"),
    ("ES", r"(?:0[1-9]|[1-4]\d|5[0-2])\d{3}", _same, "28001"),
    ("IT", r"\d{5}", _same, "00184"),
    ("FI", r"\d{5}", _same, "00100"),
    ("MA", r"\d{5}", _same, "20000"),
    ("DZ", r"\d{5}", _same, "16000"),
    ("US", r"\d{5}(?:\d{4})?", lambda c: c if len(c) == 5 else f"{c[:5]}-{c[5:]}", "10001"),
    ("SE", r"[1-9]\d{4}", _split_at(3, " "), "114 55"),
    ("GR", r"\d{5}", _split_at(3, " "), "105 57"),
    ("CZ", r"\d{5}", _split_at(3, " "), "110 00"),
    ("SK", r"\d{5}", _split_at(3, " "), "811 01"),
    ("PL", r"\d{5}", _split_at(2, "-"), "00-950"),
    ("PT", r"\d{7}", _split_at(4, "-"), "1000-001"),
    ("NL", r"[1-9]\d{3}(?!SA|SD|SS)[A-Z]{2}", _split_at(4, " "), "1012 AB"),
    ("GB", r"(?:[A-Z]{1,2}\d[A-Z\d]?|GIR)\d[A-Z]{2}", _gb, "SW1A 1AA"),
    ("IE", r"[AC-FHKNPRTV-Y]\d[\dW][AC-FHKNPRTV-Y\d]{4}", _split_at(3, " "), "D02 X285"),
    ("CA", r"[ABCEGHJ-NPRSTVXY]\d[A-Z]\d[A-Z]\d", _split_at(3, " "), "K1A 0B1"),
    ("AD", r"AD\d{3}", _same, "AD500"),
    *((c, p, _same, p.replace(r"\d", "0")) for c, p in _FR_OVERSEAS.items()),
]:
    FORMATS[_country] = (re.compile(_pattern), _fmt, _example)

_FRENCH = frozenset({"FR", "MC", *_FR_OVERSEAS})
#: Countries with French five-digit postcodes (France, Monaco, overseas departments).
FRENCH_COUNTRIES = _FRENCH
_PREFIX = re.compile(r"^(?P<cc>[A-Z]{1,3})\s*-\s*(?=\d)")
#: France's sign written without its hyphen before a five-digit code: "FR75001".
_FRENCH_SIGN_GLUED = re.compile(r"^FR?\s?(?=\d{2}\s?\d{3}$)")
#: Country prefixes of postcodes as letters are addressed across Europe
#: (``B-1000``, ``CH-1200``, ``L-1234``): the distinguishing sign of the country.
_PREFIX_COUNTRIES = {
    "F": "FR", "FR": "FR", "MC": "MC", "B": "BE", "BE": "BE", "CH": "CH", "L": "LU",
    "LU": "LU", "D": "DE", "DE": "DE", "E": "ES", "ES": "ES", "I": "IT", "IT": "IT",
    "NL": "NL", "A": "AT", "AT": "AT", "P": "PT", "PT": "PT", "AND": "AD", "AD": "AD",
    "DK": "DK", "S": "SE", "SE": "SE", "N": "NO", "NO": "NO", "FIN": "FI", "FI": "FI",
    "PL": "PL", "CZ": "CZ", "SK": "SK", "H": "HU", "HU": "HU", "GR": "GR", "IRL": "IE",
}  # fmt: skip
#: Cities of the French-speaking neighbours whose customers French files hold, by the
#: names written in them (as :func:`city_key` gives them), with their four-digit
#: postcodes' country: "1050 Bruxelles" is Ixelles, not 01050 with its 0 lost.
_FOREIGN_CITIES = {
    **dict.fromkeys((
        "bruxelles", "brussel", "brussels", "ixelles", "uccle", "schaerbeek", "anderlecht",
        "etterbeek", "forest", "jette", "molenbeek", "saint gilles", "woluwe saint lambert",
        "woluwe saint pierre", "auderghem", "watermael boitsfort", "evere", "laeken",
        "liege", "luik", "namur", "namen", "charleroi", "mons", "bergen", "tournai",
        "doornik", "anvers", "antwerpen", "gand", "gent", "bruges", "brugge", "louvain",
        "leuven", "louvain la neuve", "ottignies", "wavre", "waterloo", "nivelles",
        "braine l alleud", "arlon", "verviers", "mouscron", "seraing", "la louviere",
        "spa", "dinant", "bastogne", "malmedy", "eupen", "ostende", "oostende", "courtrai",
        "kortrijk", "malines", "mechelen", "hasselt",
    ), "BE"),
    **dict.fromkeys((
        "geneve", "genf", "geneva", "ginevra", "lausanne", "berne", "bern", "zurich",
        "bale", "basel", "fribourg", "freiburg", "neuchatel", "sion", "sitten", "lugano",
        "montreux", "vevey", "nyon", "morges", "yverdon", "yverdon les bains",
        "la chaux de fonds", "delemont", "bienne", "biel", "carouge", "meyrin", "vernier",
        "lancy", "onex", "renens", "pully", "martigny", "monthey", "porrentruy", "le locle",
        "lucerne", "luzern", "saint gall", "saint gallen", "winterthur", "zoug", "zug",
    ), "CH"),
    **dict.fromkeys((
        "luxembourg", "esch sur alzette", "differdange", "dudelange", "ettelbruck",
        "diekirch", "wiltz", "echternach", "remich", "mersch", "strassen", "bertrange",
        "hesperange", "petange", "sanem", "schifflange", "kayl", "mamer",
    ), "LU"),
}  # fmt: skip


#: Postcode formats with letters that no other country's code shares: a code of one of
#: them given with a French default is that country's.
_TELLING_FORMATS = ("GB", "NL", "CA", "IE")


def _country_of_format(value: str) -> str | None:
    """The country whose letters-and-digits postcode format ``value`` has, else None.

    >>> [_country_of_format(code) for code in ("SW1A 2AA", "1012 ab", "H2X 1Y4")]
    ['GB', 'NL', 'CA']
    >>> _country_of_format("75011"), _country_of_format("2A004"), _country_of_format("75O11")
    (None, None, None)
    """
    compact = re.sub(r"[\s\-]", "", value.upper())
    if compact.isdigit() or not compact.isalnum():
        return None
    found = [cc for cc in _TELLING_FORMATS if FORMATS[cc][0].fullmatch(compact)]
    return found[0] if len(found) == 1 else None


def _foreign_city(city: str | None) -> str | None:
    """The country of a well-known Belgian, Swiss or Luxembourg city, else None.

    >>> _foreign_city("BRUXELLES"), _foreign_city("Genève"), _foreign_city("Lyon")
    ('BE', 'CH', None)
    """
    if not city:
        return None
    return _FOREIGN_CITIES.get(_base_key(city_key(city)))


_TRAILING_TEXT = re.compile(r"^(\d{4,5})\s+([^\d].*)$")
#: "75011 CEDEX", "CEDEX 11 75011": the business-delivery word beside the code, no city.
_CEDEX_BESIDE = re.compile(
    r"^\s*(?:(\d{5})\s*(cedex(?:\s*\d{1,3})?)|(cedex(?:\s*\d{1,3})?)\s+(\d{5}))\s*$", re.I
)


_CODE_FIRST = re.compile(r"((?:[A-Z]{1,3}\s*-\s*)?(?:\d{4,5}|\d{2} \d{3}))\s*[-–,/]?\s*(\D.*)")
_CODE_LAST = re.compile(r"(.*?\D)\s*[-–,/]?\s*\(?(\d{4,5}|\d{2} \d{3})\)?")


def split_postcode_city(text: str) -> tuple[str | None, str | None]:
    """A "CP Ville" cell split into (postcode, city); either may be None.

    >>> split_postcode_city("75002 Paris"), split_postcode_city("PARIS (75002)")
    (('75002', 'Paris'), ('75002', 'PARIS'))
    >>> split_postcode_city("6000 - NICE"), split_postcode_city("Lyon")
    (('6000', 'NICE'), (None, 'Lyon'))
    >>> split_postcode_city("75008 PARIS CEDEX 08"), split_postcode_city("13001")
    (('75008', 'PARIS CEDEX 08'), ('13001', None))
    >>> split_postcode_city("B-1000 Bruxelles")  # the country's sign stays with the code
    ('B-1000', 'Bruxelles')
    """
    value = " ".join(text.split())
    if not value:
        return None, None
    if match := _CODE_FIRST.fullmatch(value):
        return match.group(1), match.group(2).strip() or None
    if match := _CODE_LAST.fullmatch(value):
        return match.group(2), match.group(1).strip(" -–,/(") or None
    if value.replace(" ", "").isdigit():
        return value, None
    return None, value


_SEGMENTS = re.compile(r"\n|,|;|\s{2,}|\s+[-\u2013]\s+")
_COUNTRY_AT_END = re.compile(r"[\s,;\-\u2013]+(?:FR|FRA|FRANCE)\.?\s*$", re.IGNORECASE)
_TRAILING_CODE_CITY = re.compile(
    r"(?P<street>.*?[^\W\d_].*?)\s+(?P<code>[0-9]{2} ?[0-9]{3}|2[AB][0-9]{3})\s+"
    # the city, with its CEDEX or its arrondissement: "PARIS CEDEX 02", "Lyon 3ème"
    r"(?P<city>\D+?(?:\s+cedex(?:\s+\d{1,2})?|\s+\d{1,2}\s*(?:e|[eè]me|er|[eè]re)"
    r"(?:\s+arr\w*)?)?)",
    re.IGNORECASE,
)
#: "75 002": a postcode typed with a blank after the department.
_SPACED_CODE = re.compile(r"[0-9]{2} [0-9]{3}")


def split_address_line(text: str) -> tuple[str, str, str] | None:
    """A whole French address in one cell, as (street, postcode, city); None when
    no five-digit postcode with a city can be told apart.

    >>> split_address_line("12 rue de la Paix 75002 Paris")
    ('12 rue de la Paix', '75002', 'Paris')
    >>> split_address_line("8 rue Basse, 45000 ORLEANS")
    ('8 rue Basse', '45000', 'ORLEANS')
    >>> split_address_line("3 rue Pasteur  Lyon  69007 FR")  # Mailchimp's layout
    ('3 rue Pasteur', '69007', 'Lyon')
    >>> split_address_line("12 rue du 8 Mai 1945") is None
    True
    >>> split_address_line("12, rue de la Paix - 75002 - Paris - France")
    ('12 rue de la Paix', '75002', 'Paris')
    >>> split_address_line("3 rue Pasteur 75002 PARIS CEDEX 02")
    ('3 rue Pasteur', '75002', 'PARIS CEDEX 02')
    >>> split_address_line("3 rue Pasteur, 69 003 Lyon 3ème")
    ('3 rue Pasteur', '69003', 'Lyon 3ème')
    """
    text = _COUNTRY_AT_END.sub("", text)
    segments = [part.strip(" ,;") for part in _SEGMENTS.split(text) if part.strip(" ,;")]
    if len(segments) >= 2:
        code, city = split_postcode_city(segments[-1])
        if code and _SPACED_CODE.fullmatch(code):
            code = code.replace(" ", "")
        if code and len(code) == 5 and city:
            return ", ".join(segments[:-1]), code, city
        if code and len(code) == 5 and city is None and len(segments) >= 3:
            return ", ".join(segments[:-2]), code, segments[-2]
    match = _TRAILING_CODE_CITY.fullmatch(" ".join(segments))
    if match is None:
        return None
    return match["street"].strip(" ,"), match["code"].replace(" ", ""), match["city"].strip()


def department(postcode: str) -> str | None:
    """The French department of a normalised postcode (``2A``/``2B`` for Corsica,
    three digits overseas), or None.

    >>> department("75015"), department("20000"), department("20200"), department("97139")
    ('75', '2A', '2B', '971')
    """
    if len(postcode) != 5 or not postcode.isdigit():
        return None
    if postcode.startswith("20"):
        return "2A" if postcode < "20200" else "2B"
    if postcode[:2] in ("97", "98"):
        return postcode[:3]
    return postcode[:2]


# --- the La Poste table -----------------------------------------------------------------

_ARRONDISSEMENT = re.compile(r"^(\d{1,2})(?:e|eme|er|ere|re|em|ieme)?$")
_ROMAN_ARRONDISSEMENT = re.compile(r"^([xvi]{1,5})(?:e|eme|er|ere|re|em|ieme)$")
_ROMAN = {"i": 1, "v": 5, "x": 10}
#: Words after an arrondissement's number: "Lyon 3ème arrondissement", "Paris 11e arrdt".
_ARRONDISSEMENT_WORDS = frozenset(
    {"arrondissement", "arrondissements", "arr", "arrt", "arrdt", "ardt", "e", "eme", "er"}
)
#: "Havre (Le)": the article of the official list written after the name.
_TRAILING_ARTICLE = re.compile(r"^(.*\S)\s*\(\s*(les?|la|l')\s*\)\s*$", re.IGNORECASE)
#: "Paris (75)", "Saint-Denis (Réunion)": a department or region in brackets.
_TRAILING_BRACKETS = re.compile(r"^(.*\S)\s*\([^()]*\)\s*$")
_ABBREVIATIONS = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}


def _roman(numeral: str) -> int | None:
    """The value of a roman numeral of I to XX, or None."""
    values = [_ROMAN[c] for c in numeral]
    total = sum(
        -v if i + 1 < len(values) and v < values[i + 1] else v for i, v in enumerate(values)
    )
    return total if 0 < total <= 20 else None


@lru_cache(maxsize=65536)
def city_key(name: str) -> str:
    """The comparison key of a city name.

    >>> city_key("Saint-Étienne"), city_key("ST ETIENNE CEDEX 2"), city_key("Paris 15e")
    ('saint etienne', 'saint etienne', 'paris 15')
    >>> city_key("LYON 03"), city_key("L'Abergement-Clémenciat")
    ('lyon 3', 'l abergement clemenciat')
    >>> city_key("Lyon 3ème arrondissement"), city_key("Paris XIe"), city_key("Havre (Le)")
    ('lyon 3', 'paris 11', 'le havre')
    """
    # compatibility forms first ("︵" is "("), as the folding below would make them after
    # the brackets are read: the key of a key is itself
    name = unicodedata.normalize("NFKC", name)
    article = _TRAILING_ARTICLE.match(name)
    if article is not None:
        name = f"{article.group(2)} {article.group(1)}"
    else:
        bracketed = _TRAILING_BRACKETS.match(name)
        if bracketed is not None:
            name = bracketed.group(1)
    tokens = fold(name.replace("/", " ")).split()
    if "cedex" in tokens:
        tokens = tokens[: tokens.index("cedex")]
    tokens = [_ABBREVIATIONS.get(t, t) for t in tokens]
    while len(tokens) > 2 and tokens[-1] in _ARRONDISSEMENT_WORDS:
        tokens.pop()
    if len(tokens) > 1:
        match = _ARRONDISSEMENT.match(tokens[-1])
        if match is not None:
            tokens[-1] = str(int(match.group(1)))
        else:
            roman = _ROMAN_ARRONDISSEMENT.match(tokens[-1])
            number = _roman(roman.group(1)) if roman is not None else None
            if number is not None:
                tokens[-1] = str(number)
    return " ".join(tokens)


#: "Paris (75)", "Nice (06)", "Ajaccio (2A)": a department number in brackets.
_DEPARTMENT_BRACKETS = re.compile(r"\s*\(\s*(?:\d{2,3}|2[ab])\s*\)\s*$", re.IGNORECASE)
#: The cities whose arrondissements have postcodes but not a routing label of their own.
_ARRONDISSEMENT_CITIES = re.compile(r"(paris|lyon|marseille) \d{1,2}")


def city_line(city: str) -> str:
    """The city as the last line of a French address writes it (before AFNOR's upper
    case): the article of "Havre (Le)" in front, a department number in brackets left
    out, and no arrondissement for Paris, Lyon and Marseille, whose routing label is
    the city's name alone.

    >>> city_line("Havre (Le)"), city_line("Nice (06)"), city_line("Lyon 3ème arrondissement")
    ('Le Havre', 'Nice', 'LYON')
    >>> city_line("Paris Cedex 11"), city_line("Saint-Denis (Réunion)")
    ('Paris Cedex 11', 'Saint-Denis (Réunion)')
    """
    article = _TRAILING_ARTICLE.match(city)
    if article is not None:
        city = f"{article.group(2).capitalize()} {article.group(1)}"
    city = _DEPARTMENT_BRACKETS.sub("", city)
    arrondissement = _ARRONDISSEMENT_CITIES.fullmatch(city_key(city))
    if arrondissement is not None and "cedex" not in fold(city):
        return arrondissement.group(1).upper()
    return city


def _base_key(key: str) -> str:
    head, _, tail = key.rpartition(" ")
    return head if head and tail.isdigit() else key


class PostcodeRow(NamedTuple):
    """One line of the La Poste table."""

    postcode: str
    name: str
    label: str
    line5: str = ""
    insee: str = ""


_COLUMNS = {
    "code_postal": "postcode",
    "nom_de_la_commune": "name",
    "nom_commune": "name",
    "libelle_d_acheminement": "label",
    "ligne_5": "line5",
    "code_commune_insee": "insee",
}


class PostcodeTable:
    """In-memory index of La Poste's postcode table.

    Build it from rows ``(postcode, commune name, routing label, ligne 5[, INSEE code])``
    or from the published CSV with :meth:`from_laposte_csv`.

    >>> t = PostcodeTable([("01400", "L ABERGEMENT CLEMENCIAT", "L ABERGEMENT CLEMENCIAT", "")])
    >>> t.cities_for("01400"), t.postcodes_for("l'Abergement-Clémenciat")
    (['L ABERGEMENT CLEMENCIAT'], ['01400'])
    """

    def __init__(self, rows: Iterable[PostcodeRow | tuple[str, ...]]) -> None:
        self._by_postcode: dict[str, list[PostcodeRow]] = {}
        self._keys: dict[str, set[str]] = {}
        self._postcodes_by_key: dict[str, set[str]] = {}
        by_postcode = self._by_postcode
        all_keys = self._keys
        by_key = self._postcodes_by_key
        seen: dict[str, tuple[str, str]] = {}  # name -> (key, base key), names repeat a lot
        for raw in rows:
            row = raw if isinstance(raw, PostcodeRow) else PostcodeRow(*raw)
            if any(part != part.strip() for part in row):
                row = PostcodeRow(*(str(part or "").strip() for part in row))
            postcode = row.postcode
            if not postcode:
                continue
            by_postcode.setdefault(postcode, []).append(row)
            keys = all_keys.setdefault(postcode, set())
            for name in (row.name, row.label, row.line5):
                if not name:
                    continue
                pair = seen.get(name)
                if pair is None:
                    key = city_key(name)
                    pair = seen[name] = (key, _base_key(key))
                for k in pair:
                    if k not in keys:
                        keys.add(k)
                        by_key.setdefault(k, set()).add(postcode)

    @classmethod
    def from_laposte_csv(
        cls, path: str | PathLike[str], *, encoding: str | None = None
    ) -> PostcodeTable:
        """Load La Poste's CSV, in either published layout.

        - ``Code_commune_INSEE;Nom_de_la_commune;Code_postal;Libelle_d_acheminement;Ligne_5``
          (``;``, CRLF, ASCII), and
        - ``Code_commune_INSEE;Nom_commune;Code_postal;Ligne_5;Libellé_d_acheminement;``
          ``latitude;longitude`` (``;``, LF, UTF-8).

        Columns are found by name; codes stay strings (leading zeros, ``2A``).

        Raises:
            InputFileError: the file cannot be read or lacks the needed columns.
        """
        try:
            with open(path, "rb") as handle:
                data = handle.read()
        except OSError as error:
            raise InputFileError(
                f"Cannot read the La Poste table {path}: {error.strerror}.", path=str(path)
            ) from error
        if encoding is None:
            try:
                text = data.decode("utf-8-sig")
            except UnicodeDecodeError:
                text = data.decode("cp1252", errors="replace")
        else:
            text = data.decode(encoding)
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=";")
        header = next(reader, [])
        positions: dict[str, int] = {}
        for i, column in enumerate(header):
            wanted = _COLUMNS.get(fold(column).replace(" ", "_"))
            if wanted and wanted not in positions:
                positions[wanted] = i
        missing = [c for c in ("postcode", "name", "label") if c not in positions]
        if missing:
            raise InputFileError(
                f"{path} is not a La Poste postcode table: no column for {', '.join(missing)} "
                "(expected Code_postal, Nom_de_la_commune and Libelle_d_acheminement).",
                path=str(path),
            )
        fields = ("postcode", "name", "label", "line5", "insee")

        columns = [positions.get(f, -1) for f in fields]
        width = max(columns) + 1

        def rows() -> Iterable[PostcodeRow]:
            for record in reader:
                if len(record) < width:
                    record = record + [""] * (width - len(record))
                yield PostcodeRow(*(record[i].strip() if i >= 0 else "" for i in columns))

        return cls(rows())

    def __len__(self) -> int:
        """Number of distinct postcodes."""
        return len(self._by_postcode)

    def __iter__(self) -> Iterator[PostcodeRow]:
        """Every row of the table, postcode by postcode."""
        for rows in self._by_postcode.values():
            yield from rows

    def __contains__(self, postcode: object) -> bool:
        return isinstance(postcode, str) and postcode in self._by_postcode

    def rows_for(self, postcode: str) -> list[PostcodeRow]:
        """Every table row of ``postcode``."""
        return list(self._by_postcode.get(postcode, ()))

    def cities_for(self, postcode: str) -> list[str]:
        """Routing labels (the city line of an address) served by ``postcode``."""
        return list(dict.fromkeys(r.label or r.name for r in self._by_postcode.get(postcode, ())))

    def communes_for(self, postcode: str) -> list[str]:
        """Commune names (with arrondissement: ``PARIS 15``) served by ``postcode``."""
        return list(dict.fromkeys(r.name for r in self._by_postcode.get(postcode, ())))

    def postcodes_for(self, city: str) -> list[str]:
        """Postcodes serving ``city`` (any spelling :func:`city_key` folds together).

        ``Paris`` gives every Paris code, ``Paris 15e`` only ``75015``.
        """
        return sorted(self._postcodes_by_key.get(city_key(city), ()))

    def matches(self, postcode: str, city: str) -> bool:
        """True when ``city`` is a name, routing label or ligne 5 of ``postcode``."""
        return city_key(city) in self._keys.get(postcode, ())

    def city_for(self, postcode: str) -> str | None:
        """The routing label of ``postcode`` when it has only one."""
        cities = self.cities_for(postcode)
        return cities[0] if len(cities) == 1 else None


# --- the verbs ----------------------------------------------------------------------------


#: Digits with a letter O among them, as a French postcode typed with an O for a zero.
_O_FOR_ZERO = re.compile(r"\s*(?=[\d\s]*[oO])[\doO][\doO\s]{3,6}\s*")


def _compact(text: str, country: str) -> tuple[str, bool]:
    """Upper-case code without blanks, separators or country prefix; (code, repaired)."""
    value = text.strip().upper()
    if value.endswith(".0") and value[:-2].isdigit():
        value = value[:-2]
    value = _PREFIX.sub("", value)
    if country in _FRENCH:
        value = _FRENCH_SIGN_GLUED.sub("", value)  # "FR75001", "F 75001"
    compact = re.sub(r"[\s\-.]", "", value)
    repaired = False
    if country in _FRENCH and len(compact) == 4 and compact.isdigit() and compact != "0000":
        compact, repaired = "0" + compact, True
    return compact, repaired


#: "xxxxx", "XXX", "?????": a postcode typed for "unknown".
_TYPED_FOR_NONE = re.compile(r"\s*(?:[xX]{1,6}|[?*]{2,6})\s*")
#: A Corsican department code typed in a postcode: "2A000", "2B200".
_CORSICAN = re.compile(r"2[AB]\d{3}")


def _corsican_postcode(compact: str, table: PostcodeTable | None) -> str | None:
    """The postcode "2A000" stands for, or None when it reads as an INSEE code.

    Corsica's postcodes are 20000, 20090 and 201xx (2A), 202xx and 206xx (2B);
    INSEE codes 2A004 or 2B033 name communes, not postcodes.
    """
    postcode = "20" + compact[2:]
    rest = compact[2:]
    if department(postcode) != compact[:2] or not (rest in ("000", "090") or rest[0] in "126"):
        return None
    if table is not None and len(table) and postcode not in table:
        return None
    return postcode


def check_postcode(
    raw: str | None,
    country: str = "FR",
    city: str | None = None,
    table: PostcodeTable | None = None,
) -> Verdict:
    """Check a postal code for ``country``; never raises.

    Args:
        raw: the value as found in the file.
        country: ISO 3166 alpha-2 code (default ``FR``).
        city: the city given beside the code, cross-checked when ``table`` is given.
        table: La Poste's table, for French codes.
    """
    try:
        return _check(raw, (country or "FR").upper(), city, table)
    except Exception as error:  # pragma: no cover - a bug must not stop an import
        return _common.invalid(
            _common.as_text(raw), f"The postcode could not be checked ({error})."
        )


def _check(raw: object, country: str, city: str | None, table: PostcodeTable | None) -> Verdict:
    text = _common.as_text(raw)
    if text is None or blank(text) or _TYPED_FOR_NONE.fullmatch(text):
        return Verdict.empty(text)
    flags: set[str] = set()
    reasons: list[str] = []
    details: dict[str, str] = {"country": country}
    value = text.strip()
    cedex = _CEDEX_BESIDE.match(value) if country in _FRENCH else None
    if cedex is not None:
        # "75011 CEDEX": CEDEX says how mail is delivered, and is no city
        value = cedex.group(1) or cedex.group(4)
        word = " ".join((cedex.group(2) or cedex.group(3)).upper().split())
        flags.add("cedex")
        reasons.append(f"{word} was written beside the postcode; it belongs on the city line.")
        details["cedex"] = word
    foreign = _country_of_format(value) if country in _FRENCH and cedex is None else None
    if foreign is not None:
        # "SW1A 2AA", "1012 AB", "H2X 1Y4": no French code has letters, and these say where
        flags.add("country_from_postcode")
        reasons.append(f"{value.strip()} has the postcode format of {foreign}.")
        country = details["country"] = foreign
    trailing = _TRAILING_TEXT.match(value)
    if trailing is not None and country in _FRENCH:
        value, found_city = trailing.group(1), trailing.group(2).strip()
        flags.add("city_in_postcode")
        reasons.append(f"The city {found_city} was written in the postcode field.")
        details["city"] = found_city
        city = city or found_city
    prefix = _PREFIX.match(value.upper())
    sign = prefix["cc"] if prefix else ""
    named = _PREFIX_COUNTRIES.get(sign)
    if named is not None and named != country and not {named, country} <= _FRENCH:
        # "B-1000" is Brussels, not 01000 with its leading zero lost
        flags.add("country_from_prefix")
        reasons.append(f"The prefix {sign}- says the country is {named}.")
        country = details["country"] = named
    abroad = _foreign_city(city) if country in _FRENCH and named is None else None
    if abroad is not None and re.fullmatch(r"\s*\d{4}\s*", value):
        # a four-digit code beside Bruxelles or Genève is Belgian or Swiss, not French
        flags.add("country_from_city")
        reasons.append(f"{city} is no French city: {value.strip()} is a postcode of {abroad}.")
        country = details["country"] = abroad
    if country in _FRENCH and _O_FOR_ZERO.fullmatch(value):
        # "75O11": the letter O typed for a zero, among digits only
        value = value.translate(_common.LETTER_O_AS_ZERO)
        flags.add("repaired")
        reasons.append(_common.LETTER_O_REASON)
    compact, repaired = _compact(value, country)
    if country in _FRENCH and _CORSICAN.fullmatch(compact):
        corsican = _corsican_postcode(compact, table)
        if corsican is None:
            return _common.invalid(
                text,
                f"{compact} is no postcode: {compact[:2]} is Corsica's department, and its "
                f"postcodes start with 20 (20000 Ajaccio, 20200 Bastia); {compact} looks like "
                "a commune's INSEE code.",
                error="format",
            )
        flags.add("repaired")
        reasons.append(f"{compact} was read as {corsican}: Corsica's postcodes start with 20.")
        compact = corsican
    spec = FORMATS.get(country)
    if spec is None:
        if re.fullmatch(r"[A-Z0-9]{2,10}", compact):
            flags.add("unchecked")
            return Verdict.valid(
                text,
                compact,
                flags=flags,
                details=details,
                reasons=(f"No postcode format is known for {country}; not checked.",),
            )
        return _common.invalid(text, "The postcode has characters no postcode uses.")
    pattern, formatter, example = spec
    if not pattern.fullmatch(compact):
        if country == "FR" and compact.isdigit() and len(compact) == 5:
            return _common.invalid(
                text,
                f"{compact} is not a French postcode: {compact[:2]} is no department.",
                error="component",
            )
        expected = len(re.sub(r"[\s\-]", "", example))
        error = "length" if compact.isalnum() and len(compact) != expected else "format"
        return _common.invalid(
            text, f"The postcode does not have the {country} format (e.g. {example}).", error=error
        )
    normalised = formatter(compact)
    if repaired:
        flags.add("repaired")
        reasons.append("The leading 0 was missing and has been restored.")
    if country == "FR" and normalised.startswith("980"):
        # La Poste's codes of Monaco: the address is in Monaco, not in France
        flags.add("country_from_postcode")
        reasons.append(f"{normalised} is a postcode of Monaco.")
        country = details["country"] = "MC"
    if country in _FRENCH:
        dept = department(normalised)
        if dept:
            details["department"] = dept
    if table is not None and country in _FRENCH:
        _cross_check(normalised, city, table, flags, reasons, details)
    suggestions: tuple[str, ...] = ()
    if "city_mismatch" in flags and city:
        suggestions = tuple(table.postcodes_for(city)) if table is not None else ()
        if len(suggestions) != 1:
            suggestions = ()
    if flags - {"repaired", "country_from_postcode"}:
        return Verdict.warning(
            text, normalised, tuple(reasons), suggestions=suggestions, flags=flags, details=details
        )
    return Verdict.valid(text, normalised, flags=flags, details=details, reasons=tuple(reasons))


def _cross_check(
    postcode: str,
    city: str | None,
    table: PostcodeTable,
    flags: set[str],
    reasons: list[str],
    details: dict[str, str],
) -> None:
    if postcode not in table:
        flags.add("unknown_postcode")
        reasons.append(
            f"{postcode} is not in La Poste's table (it may be a CEDEX or company code)."
        )
        return
    cities = table.cities_for(postcode)
    if city and not blank(city):
        if table.matches(postcode, city):
            details["city"] = cities[0] if len(cities) == 1 else " ".join(city.split()).upper()
            return
        flags.add("city_mismatch")
        served = ", ".join(cities[:5]) + (" ..." if len(cities) > 5 else "")
        reasons.append(f"{postcode} serves {served}, not {city.strip()}.")
        details["expected_city"] = cities[0] if len(cities) == 1 else served
    elif len(cities) == 1:
        details["city"] = cities[0]


def check(
    raw: str | None,
    *,
    country: str = "FR",
    city: str | None = None,
    table: PostcodeTable | None = None,
) -> Verdict:
    """Same as :func:`check_postcode` (the verb every field module has)."""
    return check_postcode(raw, country=country, city=city, table=table)


def normalise(raw: str, *, country: str = "FR") -> str | None:
    """The normalised postcode, or None.

    >>> normalise(" 75 015 "), normalise("1234ab", country="NL"), normalise("nope")
    ('75015', '1234 AB', None)
    """
    verdict = check_postcode(raw, country=country)
    return verdict.normalised if verdict.ok else None


def validate(
    raw: str, *, country: str = "FR", city: str | None = None, table: PostcodeTable | None = None
) -> str:
    """Return the normalised postcode or raise an :class:`~carnet.errors.InvalidValueError`.

    A city mismatch is a warning, so it does not raise.

    Raises:
        InvalidFormat: characters or shape not used by the country's codes.
        InvalidLength: too few or too many characters.
        InvalidComponent: a French code whose department does not exist.
    """
    return _common.raise_for(
        check_postcode(raw, country=country, city=city, table=table), "postcode"
    )


def format(value: str, *, country: str = "FR") -> str:
    """Display form (the normalised form: ``75015``, ``SW1A 1AA``)."""
    return normalise(value, country=country) or value


def check_many(
    values: Iterable[str | None], *, country: str = "FR", table: PostcodeTable | None = None
) -> dict[str | None, Verdict]:
    """Check a column of postcodes (no city cross-check), once per distinct value."""
    return _common.check_many(check_postcode, values, country=country, table=table)
