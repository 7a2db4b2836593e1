"""Postal addresses: street lines and the French postal norm AFNOR NF Z10-011.

An address block has at most **6 lines of at most 38 characters**:

1. recipient: civility, first name, last name (or an organisation);
2. complement inside the building: apartment, floor, staircase, "chez";
3. complement outside: building, residence, entrance;
4. number and street (``12 BIS RUE DE LA PAIX``);
5. lieu-dit, post-office box (``BP 123``), commune déléguée;
6. postcode and city (``75015 PARIS``, ``75015 PARIS CEDEX 15``);

plus, for mail leaving France, the country in capitals on the last line (then
lines 2 and 3 are merged when 7 lines would be needed). Lines 4 to 6 (and the
country) are written in upper case without accents or punctuation; hyphens and
apostrophes become spaces (``L'ÉGLISE`` → ``L EGLISE``), ``N°`` is dropped and
``12bis`` becomes ``12 BIS``.

Street lines are normalised to that upper-case form with the street type and
titles **in full** (``12 bd du Gal Leclerc`` → ``12 BOULEVARD DU GENERAL LECLERC``),
so that one street is written one way. Only when a line is longer than 38
characters are words abbreviated, in this order, until it fits (flag
``abbreviated``): the street type after the number (La Poste's list:
ALLEE→ALL, AVENUE→AV, BOULEVARD→BD, CARREFOUR→CAR, CHAUSSEE→CHS, CHEMIN→CHE,
COURS→CRS, DOMAINE→DOM, ESPLANADE→ESP, FAUBOURG→FG, HAMEAU→HAM, IMPASSE→IMP,
LIEU DIT→LD, LOTISSEMENT→LOT, MONTEE→MTE, PASSAGE→PAS, PLACE→PL,
PROMENADE→PROM, RESIDENCE→RES, ROND POINT→RPT, ROUTE→RTE, SQUARE→SQ,
TRAVERSE→TRA, VILLA→VLA ...), then titles before a name (SAINT→ST, SAINTE→STE,
GENERAL→GAL, MARECHAL→MAL, PRESIDENT→PDT, DOCTEUR→DR, PROFESSEUR→PR,
COMMANDANT→CDT, CAPITAINE→CNE, LIEUTENANT→LT), then building words
(APPARTEMENT→APP, BATIMENT→BAT, ESCALIER→ESC, IMMEUBLE→IMM, ETAGE→ETG).
A line still too long is flagged ``too_long`` (warning).

Other flags of :func:`check` (a street line): ``po_box`` (BP, CS, TSA:
``details["kind"]``), ``contains_city`` (the line ends with a postcode and city,
moved to ``details``). :func:`check_address` checks a whole address: the
postcode (:mod:`carnet.fields.postcodes`, with the La Poste city cross-check
when a table is given: ``city_mismatch``, ``unknown_postcode``), the city, the
lines; its normalised value is the AFNOR block without the recipient line.

>>> normalise("12bis, av. du Gal de Gaulle")
'12 BIS AVENUE DU GENERAL DE GAULLE'
>>> normalise("140 boulevard du Maréchal de Lattre de Tassigny")
'140 BD DU MAL DE LATTRE DE TASSIGNY'
>>> afnor_lines(civility="M.", first_name="Jean", last_name="Dupont",
...             complement="Appartement 12", street="3 rue de l'Église",
...             postcode="75015", city="Paris")
['M. Jean Dupont', 'Appartement 12', '3 RUE DE L EGLISE', '75015 PARIS']
>>> afnor_lines(last_name="Peeters", street="Rue Neuve 5", postcode="1000",
...             city="Bruxelles", country="BE")[-2:]
['1000 BRUXELLES', 'BELGIQUE']
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from carnet.errors import InvalidLength
from carnet.fields import _common, postcodes
from carnet.fields._common import strip_accents
from carnet.fields.verdict import Status, Verdict, blank

__all__ = [
    "COUNTRY_NAMES",
    "LINE_LENGTH",
    "STREET_TYPES",
    "afnor_lines",
    "afnor_text",
    "check",
    "check_address",
    "check_many",
    "format",
    "is_numbered_street",
    "normalise",
    "validate",
]

LINE_LENGTH = 38
MAX_LINES = 6

#: Street type (full) -> La Poste abbreviation.
STREET_TYPES: dict[str, str] = {
    "ALLEE": "ALL",
    "AVENUE": "AV",
    "BOULEVARD": "BD",
    "CARREFOUR": "CAR",
    "CHAUSSEE": "CHS",
    "CHEMIN": "CHE",
    "CITE": "CITE",
    "CORNICHE": "COR",
    "COURS": "CRS",
    "DOMAINE": "DOM",
    "DESCENTE": "DSC",
    "ESPLANADE": "ESP",
    "FAUBOURG": "FG",
    "HAMEAU": "HAM",
    "IMPASSE": "IMP",
    "LIEU DIT": "LD",
    "LOTISSEMENT": "LOT",
    "MONTEE": "MTE",
    "PASSAGE": "PAS",
    "PLACE": "PL",
    "PLATEAU": "PLT",
    "PROMENADE": "PROM",
    "PARVIS": "PRV",
    "QUAI": "QUAI",
    "QUARTIER": "QUA",
    "RESIDENCE": "RES",
    "RUELLE": "RLE",
    "ROCADE": "ROC",
    "ROND POINT": "RPT",
    "ROUTE": "RTE",
    "SENTIER": "SEN",
    "SQUARE": "SQ",
    "TRAVERSE": "TRA",
    "VILLA": "VLA",
    "VILLAGE": "VLGE",
}
#: Other ways the street types are typed, expanded to the full word.
_TYPE_VARIANTS: dict[str, str] = {
    **{abbr: full for full, abbr in STREET_TYPES.items()},
    "AVE": "AVENUE",
    "AVN": "AVENUE",
    "BLD": "BOULEVARD",
    "BVD": "BOULEVARD",
    "BLVD": "BOULEVARD",
    "BOUL": "BOULEVARD",
    "CH": "CHEMIN",
    "CHEM": "CHEMIN",
    "FBG": "FAUBOURG",
    "IMPA": "IMPASSE",
    "PLA": "PLACE",
    "R": "RUE",
    "RESID": "RESIDENCE",
    "PASS": "PASSAGE",
    "PRO": "PROMENADE",
    "SQR": "SQUARE",
    "ALLEES": "ALLEES",
}
#: Titles before a name (abbreviated and expanded only when a word follows).
_TITLES: dict[str, str] = {
    "SAINT": "ST",
    "SAINTE": "STE",
    "GENERAL": "GAL",
    "MARECHAL": "MAL",
    "PRESIDENT": "PDT",
    "DOCTEUR": "DR",
    "PROFESSEUR": "PR",
    "COMMANDANT": "CDT",
    "CAPITAINE": "CNE",
    "LIEUTENANT": "LT",
}
#: Building words (lines 2, 3 and 4), same rule as titles.
_BUILDING: dict[str, str] = {
    "APPARTEMENT": "APP",
    "BATIMENT": "BAT",
    "ESCALIER": "ESC",
    "IMMEUBLE": "IMM",
    "ETAGE": "ETG",
}
_EXPAND_ANYWHERE = {abbr: full for full, abbr in {**_TITLES, **_BUILDING}.items()}
_EXPAND_ANYWHERE.update({"APT": "APPARTEMENT", "BAT.": "BATIMENT", "GEN": "GENERAL"})

#: Country code -> the country line, in French, for mail posted in France.
COUNTRY_NAMES: dict[str, str] = {
    "BE": "BELGIQUE",
    "CH": "SUISSE",
    "LU": "LUXEMBOURG",
    "DE": "ALLEMAGNE",
    "ES": "ESPAGNE",
    "IT": "ITALIE",
    "GB": "ROYAUME UNI",
    "NL": "PAYS BAS",
    "PT": "PORTUGAL",
    "US": "ETATS UNIS",
    "CA": "CANADA",
    "IE": "IRLANDE",
    "AT": "AUTRICHE",
    "DK": "DANEMARK",
    "SE": "SUEDE",
    "NO": "NORVEGE",
    "FI": "FINLANDE",
    "PL": "POLOGNE",
    "GR": "GRECE",
    "CZ": "TCHEQUIE",
    "SK": "SLOVAQUIE",
    "HU": "HONGRIE",
    "RO": "ROUMANIE",
    "BG": "BULGARIE",
    "HR": "CROATIE",
    "SI": "SLOVENIE",
    "MA": "MAROC",
    "DZ": "ALGERIE",
    "TN": "TUNISIE",
    "SN": "SENEGAL",
    "CI": "COTE D IVOIRE",
    "CM": "CAMEROUN",
    "AD": "ANDORRE",
    "JP": "JAPON",
    "CN": "CHINE",
    "BR": "BRESIL",
    "AU": "AUSTRALIE",
    "IN": "INDE",
    "MX": "MEXIQUE",
}
#: Countries that write the city before the postcode.
_CITY_FIRST = frozenset({"GB", "IE", "US", "CA", "AU"})
#: Destinations that need no country line from France (Monaco, overseas).
_DOMESTIC = frozenset(
    {"FR", "MC", "GP", "MQ", "GF", "RE", "YT", "PM", "BL", "MF", "WF", "PF", "NC"}
)

_PUNCTUATION = re.compile(r"[^\w/ ]|_")
_NUMERO = re.compile(r"\bN\s*[°O]\s*(?=\d)|°")
_GLUED_SUFFIX = re.compile(r"^(\d+)\s*(BIS|TER|QUATER|QUINQUIES|[A-HQT])(?=\s|$)")
#: "12 T", "12Q": the repetition index shortened to its letter; T and Q are no letter
#: index (those run A to H), so before a street type they are TER and QUATER ("B" stays:
#: it is the letter index B as often as BIS).
_SHORT_REPETITION = {"T": "TER", "Q": "QUATER"}
_NUMBER = re.compile(r"^\d+(?:\s+(?:BIS|TER|QUATER|QUINQUIES|[A-H]))?\b")
_PO_BOX = re.compile(r"^(?:BP|CS|TSA|BOITE POSTALE|CASE POSTALE)\s*\d+", re.IGNORECASE)
#: A postcode and city after the street: "… 75002 PARIS", "… 75 002 PARIS CEDEX 02",
#: "… 69003 LYON 3EME", "… 2A000 AJACCIO" (read on the line's AFNOR text).
_CITY_AT_END = re.compile(
    r"^(.*\S)\s+(\d{2}\s?\d{3}|2[AB]\s?\d{3})\s+"
    r"([^\d]+?(?:\s+CEDEX(?:\s+\d{1,3})?|\s+\d{1,2}(?:E|EME|ER)?)?)$"
)


def afnor_text(text: str) -> str:
    """Upper case, no accents, no punctuation, single spaces (lines 4–6).

    >>> afnor_text("3, rue de l'Église — Bât. B")
    '3 RUE DE L EGLISE BAT B'
    """
    value = strip_accents(text).upper()
    value = value.replace("’", " ").replace("'", " ")
    value = _NUMERO.sub(" ", value)
    value = _PUNCTUATION.sub(" ", value)
    # again: punctuation gone, "NO.12" is "NO 12" (and the result stays as it is)
    value = _NUMERO.sub(" ", value)
    return " ".join(value.split())


def _type_position(tokens: list[str]) -> int:
    """Index of the street type: after the number and its suffix."""
    i = 0
    if tokens and tokens[0].isdigit():
        i = 1
        if (i < len(tokens) and tokens[i] in ("BIS", "TER", "QUATER", "QUINQUIES")) or (
            i < len(tokens)
            and len(tokens[i]) == 1
            and "A" <= tokens[i] <= "H"
            and i + 1 < len(tokens)
        ):
            i += 1
    return i


def is_numbered_street(text: str) -> bool:
    """Whether ``text`` begins as a street line does: a number, then a street type.

    >>> is_numbered_street("12 rue de la Paix"), is_numbered_street("8 bis, bd Voltaire")
    (True, True)
    >>> is_numbered_street("Résidence du Parc"), is_numbered_street("12 Martin")
    (False, False)
    """
    tokens = _number_and_index(afnor_text(text)).split()
    at = _type_position(tokens)
    if not at or at >= len(tokens) - 1:
        return False
    word = _TYPE_VARIANTS.get(tokens[at], tokens[at])
    return word == "RUE" or word in STREET_TYPES or (
        at + 1 < len(tokens) and f"{word} {tokens[at + 1]}" in STREET_TYPES
    )


def _is_street_type(word: str) -> bool:
    word = _TYPE_VARIANTS.get(word, word)
    return word == "RUE" or word in STREET_TYPES or word.split()[0] in (
        full.split()[0] for full in STREET_TYPES
    )


def _number_and_index(line: str) -> str:
    """``line`` (AFNOR text) with the number parted from its repetition index ("12BIS"
    → "12 BIS") and a one-letter ter or quater written in full ("12 T rue" → "12 TER
    RUE").

    >>> _number_and_index("129T CRS DU PORT"), _number_and_index("4 Q RUE X")
    ('129 TER CRS DU PORT', '4 QUATER RUE X')
    >>> _number_and_index("12 T"), _number_and_index("12 B RUE X")
    ('12 T', '12 B RUE X')
    """
    tokens = _GLUED_SUFFIX.sub(r"\1 \2", line).split()
    if (
        len(tokens) > 2
        and tokens[0].isdigit()
        and tokens[1] in _SHORT_REPETITION
        and _is_street_type(tokens[2])
    ):
        tokens[1] = _SHORT_REPETITION[tokens[1]]
    return " ".join(tokens)


def _expand(line: str) -> str:
    tokens = line.split()
    if not tokens:
        return line
    at = _type_position(tokens)
    if at < len(tokens) - 1 and tokens[at] in _TYPE_VARIANTS:
        tokens[at : at + 1] = _TYPE_VARIANTS[tokens[at]].split()
    out: list[str] = []
    for i, token in enumerate(tokens):
        full = _EXPAND_ANYWHERE.get(token)
        out.append(full if full is not None and i + 1 < len(tokens) else token)
    return " ".join(out)


def _abbreviate(line: str) -> tuple[str, bool]:
    """Shorten a (fully expanded) line to 38 characters; (line, abbreviated)."""
    if len(line) <= LINE_LENGTH:
        return line, False
    tokens = line.split()
    at = _type_position(tokens)
    for full, abbr in STREET_TYPES.items():
        words = full.split()
        if tokens[at : at + len(words)] == words and at + len(words) < len(tokens):
            tokens[at : at + len(words)] = [abbr]
            break
    for table in (_TITLES, _BUILDING):
        if len(" ".join(tokens)) <= LINE_LENGTH:
            break
        tokens = [table.get(t, t) if i + 1 < len(tokens) else t for i, t in enumerate(tokens)]
    shortened = " ".join(tokens)
    return shortened, shortened != line


def _street(text: str) -> tuple[str, bool]:
    return _abbreviate(_expand(_number_and_index(afnor_text(text))))


def check(raw: str | None) -> Verdict:
    """Check one street line (number and street, or lieu-dit / BP); never raises."""
    try:
        return _check(raw)
    except Exception as error:  # pragma: no cover - a bug must not stop an import
        return _common.invalid(
            _common.as_text(raw), f"The address line could not be checked ({error})."
        )


#: What files write in a street line for "no address" (folded): no line at all.
_NO_LINE = frozenset({
    "inconnu", "inconnue", "adresse inconnue", "a completer", "a renseigner", "non renseigne",
    "non renseignee", "non communique", "non communiquee", "neant", "aucune", "aucun",
    "sans adresse", "pas d adresse", "sdf", "xxx", "xxxx", "test",
})
#: What files write in a street line when mail came back (folded).
_RETURNED = frozenset({"npai", "n p a i", "pnd", "retour npai", "courrier retourne"})


def no_line(text: str) -> Verdict | None:
    """The verdict of a street line that says there is no street ("Adresse inconnue",
    "xxx": empty) or that mail came back ("NPAI": invalid, flagged ``npai``), else None.

    >>> no_line("Adresse inconnue").status.value, sorted(no_line("N.P.A.I.").flags)
    ('empty', ['npai'])
    >>> no_line("12 rue de la Paix") is None
    True
    """
    folded = " ".join(re.sub(r"[^a-z0-9]+", " ", strip_accents(text).lower()).split())
    if folded in _NO_LINE:
        return Verdict.empty(text)
    if folded in _RETURNED:
        # "NPAI" instead of the street: the address is one mail came back from
        return _common.invalid(
            text,
            "The line says mail came back (NPAI), not where the person lives.",
            error="component",
            flags={"npai"},
        )
    return None


def _check(raw: object) -> Verdict:
    text = _common.as_text(raw)
    if text is None or blank(text):
        return Verdict.empty(text)
    if len(text) > 300:
        return _common.invalid(text, "The address line is far too long.", error="length")
    flags: set[str] = set()
    reasons: list[str] = []
    details: dict[str, str] = {}
    value = text
    at_end = _CITY_AT_END.match(afnor_text(value))
    if at_end is not None and at_end.group(1).strip():
        value = at_end.group(1)
        details["postcode"] = at_end.group(2).replace(" ", "")
        details["city"] = at_end.group(3).strip()
        flags.add("contains_city")
        reasons.append("The postcode and city were written in the street line.")
    line, abbreviated = _street(value)
    if not any(c.isalnum() for c in line):
        return _common.invalid(text, "The address line has no letters or digits.")
    # read on the line as normalised, so that normalising stays idempotent ("NÀ" is "NA")
    if blank(line):
        return Verdict.empty(text)
    said = no_line(line)
    if said is not None:
        return said._replace(raw=text)
    if _PO_BOX.match(line):
        flags.add("po_box")
        details["kind"] = "po_box"
    number = _NUMBER.match(line)
    if number is not None:
        details["number"] = number.group(0)
    if abbreviated:
        flags.add("abbreviated")
        reasons.append("Words were abbreviated to fit 38 characters.")
    if len(line) > LINE_LENGTH:
        flags.add("too_long")
        reasons.append(f"The line is longer than {LINE_LENGTH} characters, even abbreviated.")
    if flags & {"too_long", "contains_city"}:
        return Verdict.warning(text, line, tuple(reasons), flags=flags, details=details)
    return Verdict.valid(text, line, flags=flags, details=details, reasons=tuple(reasons))


def normalise(raw: str) -> str | None:
    """The AFNOR form of a street line, or None."""
    verdict = check(raw)
    return verdict.normalised if verdict.ok else None


def validate(raw: str) -> str:
    """Return the AFNOR form of a street line or raise.

    Raises:
        InvalidFormat: no letters or digits.
        InvalidLength: far too long to be an address line.
    """
    return _common.raise_for(check(raw), "address line")


def format(value: str) -> str:
    """Display form: the AFNOR line."""
    return normalise(value) or value


def check_many(values: Iterable[str | None]) -> dict[str | None, Verdict]:
    """Check a column of street lines, once per distinct value."""
    return _common.check_many(check, values)


# --- whole addresses ----------------------------------------------------------------------


def _free(text: str | None) -> str:
    """Lines 1–3: blanks collapsed, case kept; building words abbreviated if too long."""
    value = " ".join((text or "").split())
    if len(value) <= LINE_LENGTH:
        return value
    for pattern, abbr in _BUILDING_PATTERNS:
        value = pattern.sub(abbr, value)
    return value


_ACCENTED = {"A": "[AÀÂ]", "E": "[EÉÈÊ]", "I": "[IÎ]", "O": "[OÔ]", "U": "[UÙÛ]"}
_BUILDING_PATTERNS = [
    (re.compile(r"\b" + "".join(_ACCENTED.get(c, c) for c in full) + r"\b", re.IGNORECASE), abbr)
    for full, abbr in _BUILDING.items()
]


def _city_line(postcode: str, city: str, country: str) -> list[str]:
    city_text = afnor_text(city)
    if country in _CITY_FIRST:
        return [" ".join(p for p in (city_text, postcode.upper()) if p)]
    return [" ".join(p for p in (postcode.upper(), city_text) if p)]


def afnor_lines(
    *,
    civility: str | None = None,
    first_name: str | None = None,
    last_name: str | None = None,
    name: str | None = None,
    complement: str | None = None,
    building: str | None = None,
    street: str | None = None,
    locality: str | None = None,
    postcode: str | None = None,
    city: str | None = None,
    country: str = "FR",
) -> list[str]:
    """Render an address to AFNOR NF Z10-011 lines (empty lines left out).

    Args:
        civility, first_name, last_name: line 1 (or ``name`` for an organisation
            or a ready-made recipient line).
        complement: line 2 (apartment, floor, "chez ...").
        building: line 3 (building, residence, entrance).
        street: line 4 (number and street).
        locality: line 5 (lieu-dit, BP, commune déléguée).
        postcode, city: line 6.
        country: ISO code; outside France a country line is added.

    Raises:
        InvalidLength: a line stays longer than 38 characters after
            abbreviation, or the block needs more lines than the norm allows.
    """
    country = (country or "FR").upper()
    recipient = " ".join(
        (name or " ".join(p for p in (civility, first_name, last_name) if p)).split()
    )
    if len(recipient) > LINE_LENGTH and first_name and not name:
        initial = f"{first_name.strip()[:1]}."
        recipient = " ".join(p for p in (civility, initial, last_name) if p)
    lines = [recipient, _free(complement), _free(building)]
    street_line = _street(street)[0] if street and not blank(street) else ""
    lines.append(street_line)
    lines.append(afnor_text(locality) if locality else "")
    lines.extend(_city_line(postcode or "", city or "", country))
    if country not in _DOMESTIC:
        lines.append(COUNTRY_NAMES.get(country, afnor_text(country)))
    kept = [line for line in lines if line]
    if len(kept) > MAX_LINES and lines[1] and lines[2]:
        lines[1:3] = [f"{lines[1]} {lines[2]}", ""]
        kept = [line for line in lines if line]
    if len(kept) > MAX_LINES:
        raise InvalidLength(
            f"The address needs {len(kept)} lines; the postal norm allows {MAX_LINES}. "
            "Merge the complement lines.",
            field="address",
        )
    for number, line in enumerate(kept, 1):
        if len(line) > LINE_LENGTH:
            raise InvalidLength(
                f"Address line {number} '{line}' has {len(line)} characters even abbreviated; "
                f"the postal norm allows {LINE_LENGTH}. Shorten it.",
                field="address",
            )
    return kept


def check_address(
    lines: Sequence[str | None] | str | None,
    postcode: str | None,
    city: str | None,
    country: str = "FR",
    table: postcodes.PostcodeTable | None = None,
) -> Verdict:
    """Check a whole postal address; never raises.

    Args:
        lines: the street lines (line 2 to line 5 material, in order), or one
            text with line breaks. The first line with a number is the street.
        postcode: the postal code.
        city: the city.
        country: ISO code (default ``FR``).
        table: La Poste's table, for the postcode ↔ city cross-check.

    Returns:
        A verdict whose ``normalised`` value is the AFNOR block (lines 2–6 and
        the country line), joined with newlines.

    >>> v = check_address(["12 av. Victor Hugo"], "1400", "Bourg en Bresse")
    >>> v.normalised.splitlines(), sorted(v.flags)
    (['12 AVENUE VICTOR HUGO', '01400 BOURG EN BRESSE'], ['repaired'])
    """
    try:
        return _check_address(lines, postcode, city, (country or "FR").upper(), table)
    except Exception as error:  # pragma: no cover - a bug must not stop an import
        return _common.invalid(None, f"The address could not be checked ({error}).")


def _check_address(
    lines: Sequence[str | None] | str | None,
    postcode: str | None,
    city: str | None,
    country: str,
    table: postcodes.PostcodeTable | None,
) -> Verdict:
    if isinstance(lines, str):
        lines = lines.splitlines()
    given = [str(line) for line in (lines or ()) if not blank(line)]
    raw = ", ".join([*given, *(p for p in (postcode, city) if p and not blank(p))]) or None
    if raw is None:
        return Verdict.empty(None)
    flags: set[str] = set()
    reasons: list[str] = []
    suggestions: list[str] = []
    details: dict[str, str] = {"country": country}
    status = Status.VALID
    city_text = "" if blank(city) or no_line(str(city)) is not None else str(city)
    code = ""
    postcode_verdict = postcodes.check_postcode(postcode, country, city_text or None, table)
    if postcode_verdict.status is Status.EMPTY:
        if country == "FR":
            return _common.invalid(raw, "The address has no postcode.", flags={"no_postcode"})
        flags.add("no_postcode")
    elif not postcode_verdict.ok:
        return _common.invalid(
            raw, postcode_verdict.reasons[0], error=postcode_verdict.details.get("error", "format")
        )
    else:
        code = postcode_verdict.normalised or ""
        flags |= postcode_verdict.flags
        reasons.extend(postcode_verdict.reasons)
        if postcode_verdict.status is Status.WARNING:
            status = Status.WARNING
        details.update({k: v for k, v in postcode_verdict.details.items() if k != "error"})
        # "B-1000", or "1050" beside Bruxelles: the postcode told the country
        country = details.get("country", country)
    if not city_text:
        found = table.city_for(code) if table is not None and code else None
        if found is None:
            return _common.invalid(raw, "The address has no city.", flags={"no_city"})
        city_text = found
        flags.add("city_added")
        reasons.append(f"The city {found} was taken from the postcode.")
    if "city_mismatch" in flags and table is not None:
        expected = table.city_for(code)
        if expected:
            suggestions.append(f"{code} {expected}")
        for other in postcode_verdict.suggestions:
            suggestions.append(f"{other} {table.city_for(other) or afnor_text(city_text)}")
    street_index = next(
        (i for i, line in enumerate(given) if any(c.isdigit() for c in line.split()[0])),
        len(given) - 1 if given else None,
    )
    complement = [line for i, line in enumerate(given) if street_index is None or i < street_index]
    after = [line for i, line in enumerate(given) if street_index is not None and i > street_index]
    street = given[street_index] if street_index is not None else None
    if street is None:
        flags.add("no_street")
        reasons.append("The address has no street line.")
        status = Status.WARNING
    else:
        line_verdict = check(street)
        flags |= line_verdict.flags & {"abbreviated", "too_long", "po_box"}
        if "too_long" in line_verdict.flags:
            status = Status.WARNING
            reasons.append(line_verdict.reasons[-1])
    if country == "FR":
        city_text = postcodes.city_line(city_text)
        cedex = postcode_verdict.details.get("cedex")
        if cedex and "CEDEX" not in afnor_text(city_text):
            # "75011 CEDEX" in the postcode cell: the city line carries it
            city_text = f"{city_text} {cedex}"
    try:
        block = afnor_lines(
            complement=complement[0] if complement else None,
            building=" ".join(complement[1:]) or None,
            street=street,
            locality=" ".join(after) or None,
            postcode=code,
            city=city_text,
            country=country,
        )
    except InvalidLength as error:
        flags.add("too_long")
        reasons.append(str(error))
        status = Status.WARNING
        block = [line for line in (*given, f"{code} {afnor_text(city_text)}") if line]
    normalised = "\n".join(block)
    if status is Status.WARNING or flags & {"city_mismatch", "unknown_postcode", "no_postcode"}:
        return Verdict.warning(
            raw,
            normalised,
            tuple(reasons),
            suggestions=tuple(suggestions),
            flags=flags,
            details=details,
        )
    return Verdict.valid(raw, normalised, flags=flags, details=details, reasons=tuple(reasons))
