"""Check any catalog field's value: dispatch by kind to the checker modules.

Kinds with a module of their own (email, phone, names, dates, postcodes,
SIREN/SIRET/VAT/IBAN/NAF) go there; the simple kinds (text, choice, list,
numbers, booleans, URLs, countries) are checked here.

>>> from carnet.fields.catalog import default_catalog
>>> check_value(default_catalog()["gender"], "F").normalised
'female'
>>> check_value(default_catalog()["optin_newsletter"], "Oui").normalised
'true'
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from carnet.fields import (
    _common,
    address,
    bic,
    countries,
    currency,
    dates,
    deceased,
    email,
    iban,
    legal_form,
    naf,
    name,
    organisation,
    phone,
    postcodes,
    siren,
    siret,
    vat,
)
from carnet.fields.catalog import Field, Kind, fold_header
from carnet.fields.languages import language_code, language_codes
from carnet.fields.verdict import Verdict, no_value, without_text_marker

# Folded: "Abonnée" -> "abonnee", "Désabonné(e)" -> "desabonne e". An unknown word stays
# invalid (raw kept): it must never read as a consent.
_TRUE = {
    "1", "true", "vrai", "oui", "o", "yes", "y", "x", "ok", "opt in", "optin", "inscrit",
    "inscrite", "inscrit e", "abonne", "abonnee", "abonne e", "accepte", "acceptee",
    "accepte e", "subscribed", "coche", "checked", "opted in", "accord", "d accord",
    "autorise", "autorisee", "autorise e",
    # a 1 or a 0 written by a tool that reads every number as a float (pandas, R)
    "1 0",
}
_FALSE = {
    "0", "false", "faux", "non", "n", "no", "opt out", "optout", "desinscrit", "desinscrite",
    "desinscrit e", "desabonne", "desabonnee", "desabonne e", "non inscrit", "non inscrite",
    "non abonne", "non abonnee", "refuse", "refusee", "refuse e", "unsubscribed",
    "not subscribed", "never subscribed", "opted out", "no consent", "sans consentement",
    "0 0",
    # what a marketer types for a refusal: an SMS list's "STOP", "Pas de pub" (the
    # letterbox sticker), "Refus"
    "stop", "stop sms", "stop mail", "refus", "desaccord", "pas d accord", "pas de pub",
    "pas de publicite", "stop pub", "n accepte pas", "ne souhaite pas", "non autorise",
    "non autorisee", "ne pas contacter", "ne pas solliciter",
}
#: What may follow a yes/no word: when, how ("Accepté le 12/03/2021", "Inscrit depuis
#: 2019", "Refusé par téléphone", "Subscribed on 2024-01-05").
_AFTER_THE_ANSWER = re.compile(r" (?:le|depuis|en|via|par|on|since|by) ")
#: How an answer in words opens (folded), and the words that make it a refusal.
_TRUE_OPENINGS = ("oui ", "yes ", "j accepte", "i accept", "i agree", "je souhaite", "je veux",
                  "i would like", "i want", "d accord", "ok pour")
_FALSE_OPENINGS = ("non ", "no ", "je refuse", "i refuse", "i decline")
_SENTENCE_OPENINGS = (*_TRUE_OPENINGS, "je ", "j ", "i ", "nous ", "we ")
_REFUSING_WORDS = ("ne", "n", "pas", "not", "don t", "refuse")
#: Check marks of spreadsheets, read before folding (folding drops symbols).
_MARKS = {"✓": "true", "✔": "true", "☑": "true", "✅": "true", "✗": "false", "✘": "false",
          "☐": "false", "❌": "false"}
_GENDERS = {
    "f": "female",
    "femme": "female",
    "female": "female",
    "feminin": "female",
    "mme": "female",
    "madame": "female",
    "mlle": "female",
    "w": "female",
    "woman": "female",
    "m": "male",
    "h": "male",
    "homme": "male",
    "male": "male",
    "masculin": "male",
    "man": "male",
    "monsieur": "male",
    "mr": "male",
    "autre": "other",
    "other": "other",
    "x": "other",
    "nb": "other",
    "non binaire": "other",
    # INSEE's sex code, the first digit of a French social security number
    "1": "male",
    "2": "female",
}
#: A household's situation as forms and files write it (folded; "Marié(e)" folds to
#: "marie e", read without its "e").
_MARITAL = {
    **dict.fromkeys(("celibataire", "single", "seul", "seule", "celib"), "single"),
    **dict.fromkeys(("marie", "mariee", "married", "en couple marie"), "married"),
    **dict.fromkeys(("pacse", "pacsee", "pacs", "civil partnership", "partenariat civil"),
                    "civil_partnership"),
    **dict.fromkeys(("union libre", "concubin", "concubine", "concubinage", "en couple",
                     "vie maritale", "cohabiting", "cohabitation", "couple"), "cohabiting"),
    **dict.fromkeys(("separe", "separee", "separated", "separation"), "separated"),
    **dict.fromkeys(("divorce", "divorcee", "divorced"), "divorced"),
    **dict.fromkeys(("veuf", "veuve", "veuf veuve", "veuf ve", "veuvage", "widowed", "widow",
                     "widower"), "widowed"),
}
#: Gender cells that say the person did not answer: no value, not an invalid one.
_NO_GENDER = {"nc", "n c", "non communique", "inconnu", "ne se prononce pas", "nsp", "?"}
_COUNTRIES = {
    "france": "FR",
    "f": "FR",  # France's distinguishing sign (on cars), as in "F-75001 Paris"
    "fr": "FR",
    "fra": "FR",
    "belgique": "BE",
    "belgium": "BE",
    "be": "BE",
    "suisse": "CH",
    "switzerland": "CH",
    "ch": "CH",
    "luxembourg": "LU",
    "lu": "LU",
    "allemagne": "DE",
    "germany": "DE",
    "de": "DE",
    "espagne": "ES",
    "spain": "ES",
    "es": "ES",
    "italie": "IT",
    "italy": "IT",
    "it": "IT",
    "royaume uni": "GB",
    "united kingdom": "GB",
    "uk": "GB",
    "gb": "GB",
    "angleterre": "GB",
    "pays bas": "NL",
    "netherlands": "NL",
    "nl": "NL",
    "portugal": "PT",
    "pt": "PT",
    "monaco": "MC",
    "mc": "MC",
    "canada": "CA",
    "ca": "CA",
    "etats unis": "US",
    "usa": "US",
    "us": "US",
    "united states": "US",
    "maroc": "MA",
    "ma": "MA",
    "algerie": "DZ",
    "dz": "DZ",
    "tunisie": "TN",
    "tn": "TN",
}
_URL = re.compile(r"^(https?://)?([a-z0-9-]+\.)+[a-z]{2,}(/\S*)?$", re.IGNORECASE)


def check_value(field: Field, raw: str | None, *, country: str = "FR") -> Verdict:
    """Check one raw value for ``field``; never raises.

    Args:
        field: the catalog field the value belongs to.
        raw: the value as received.
        country: default country for phones and postcodes.
    """
    # '01000 or ="01000" (Excel's ways of keeping a zero) is checked as 01000
    text = None if raw is None else without_text_marker(str(raw))
    nothing = no_value(text, text_like=is_text_like(field))
    if nothing is not None:
        return nothing
    assert text is not None
    try:
        # Checkers trim for themselves, so the verdict keeps the raw value exactly.
        return checker_for(field, country)(text)
    except Exception as exc:  # a checker bug must not lose the value
        return Verdict.invalid(raw, (f"could not be checked ({type(exc).__name__})",))


#: Kinds where "0" and "X" are values (a count, an amount, a ticked box, gender X).
_COUNTED_KINDS = frozenset(
    {Kind.BOOLEAN, Kind.INTEGER, Kind.DECIMAL, Kind.CHOICE, Kind.IDENTIFIER}
)


def is_text_like(field: Field) -> bool:
    """True when "0", "x" or "/" alone in ``field``'s cell mean "no value".

    >>> from carnet.fields.catalog import default_catalog
    >>> catalog = default_catalog()
    >>> is_text_like(catalog["city"]), is_text_like(catalog["optin_newsletter"])
    (True, False)
    """
    return field.kind not in _COUNTED_KINDS


def checker_for(
    field: Field, country: str, *, zone: str | None = None, dayfirst: bool = True
) -> Callable[[str], Verdict]:
    """The function checking one non-blank raw value of ``field``.

    ``zone`` is the time zone the file's times were written in (default:
    ``country``'s, see :func:`carnet.fields.dates.zone_of`); ``dayfirst`` False
    reads its dates month first (see :func:`carnet.fields.dates.written_month_first`).
    """
    kind = field.kind
    if kind is Kind.EMAIL:
        return email.check
    if kind is Kind.PHONE:
        return lambda v: phone.check(v, region=country)
    if kind is Kind.NAME:
        part = {"first_name": "first", "last_name": "last", "birth_name": "last"}.get(
            field.name, "name"
        )
        return lambda v: name.check(v, part=part)
    if field.name == "npai":
        return _check_returned_mail
    if field.name == "deceased":
        return deceased.check_flag
    if field.name == "death_date":
        return deceased.check_date
    if field.name == "birth_year":
        return check_birth_year
    if field.name == "age":
        return dates.check_age
    if field.name in ("is_company", "lifecycle_stage"):
        # imported here: the module reads yes/no with this one's check_boolean
        from carnet.fields import relationship

        if field.name == "is_company":
            return relationship.check_is_company
        return relationship.check_lifecycle_stage
    zone = zone or dates.zone_of(country)
    if kind is Kind.BIRTH_DATE:
        return lambda v: dates.check(v, kind="birth_date", zone=zone, dayfirst=dayfirst)
    if kind is Kind.DATETIME:
        return lambda v: dates.check(v, kind="datetime", zone=zone, dayfirst=dayfirst)
    if kind is Kind.DATE and field.name == "customer_since":
        # a year alone is a customer's start, known to the year ("Client depuis : 2015")
        return lambda v: dates.check(v, kind="since", zone=zone, dayfirst=dayfirst)
    if kind is Kind.DATE:
        return lambda v: dates.check(v, zone=zone, dayfirst=dayfirst)
    if kind is Kind.POSTCODE:
        return lambda v: postcodes.check_postcode(v, country=country)
    if kind is Kind.SIREN:
        return siren.check
    if kind is Kind.SIRET:
        return siret.check
    if kind is Kind.VAT:
        return vat.check
    if kind is Kind.BIC:
        return bic.check
    if kind is Kind.IBAN:
        return iban.check
    if kind is Kind.NAF:
        return naf.check
    if kind is Kind.CIVILITY:
        return _check_civility
    if kind is Kind.CHOICE:
        return lambda v: _check_choice(field, v)
    if kind is Kind.BOOLEAN:
        return check_boolean
    if kind is Kind.INTEGER:
        scale = _SCALES.get(field.name)
        return lambda v: check_integer(v, scale=scale)
    if kind is Kind.DECIMAL:
        return check_decimal
    if kind is Kind.URL:
        return _check_url
    if kind is Kind.COUNTRY:
        return check_country
    if kind is Kind.ADDRESS_LINE:
        return _check_address_line
    if kind is Kind.LIST:
        return _check_list
    if field.name == "organisation_name":
        return organisation.check_name
    if kind is Kind.IDENTIFIER:
        return _check_identifier
    if is_free_text(field):
        return check_free_text
    return _check_text


def _check_address_line(raw: str) -> Verdict:
    """A street line as written (the address point puts it in AFNOR form), unless it
    says there is none ("Adresse inconnue") or that mail came back ("NPAI")."""
    return address.no_line(raw) or _check_text(raw)


def _check_text(raw: str) -> Verdict:
    text = " ".join(raw.split())
    if len(text) > 500:
        return Verdict.invalid(raw, ("longer than 500 characters",))
    return Verdict.valid(raw, text)


#: The last word of a free-text field's name: a call note, a survey comment.
_FREE_TEXT_WORDS = frozenset(
    {"note", "notes", "comment", "comments", "commentaire", "commentaires", "remarque",
     "remarques", "observation", "observations", "message"}
)
#: How long a note or a comment may be; beyond, its start is kept and flagged.
FREE_TEXT_LIMIT = 10_000


def is_free_text(field: Field) -> bool:
    """True for a text field of notes or comments, which keep their lines and may be long:
    a text field whose name ends in ``_note``, ``_comment`` (``notes``, ``remarque`` ...).

    >>> from carnet.fields.catalog import default_catalog
    >>> catalog = default_catalog()
    >>> is_free_text(catalog["call_note"]), is_free_text(catalog["event_name"])
    (True, False)
    """
    return field.kind is Kind.TEXT and field.name.rsplit("_", 1)[-1] in _FREE_TEXT_WORDS


def check_free_text(raw: str) -> Verdict:
    """A note or a comment: its line breaks kept (``\\r\\n`` made ``\\n``), spaces at
    line ends and blank lines around it dropped, three or more blank lines in a row
    made one; a text over 10,000 characters keeps its first 10,000, flagged
    ``truncated`` (the raw value keeps the whole).

    >>> check_free_text("Rappeler lundi  \\r\\nLigne 2\\n\\n\\n\\n\\nFin").normalised
    'Rappeler lundi\\nLigne 2\\n\\nFin'
    """
    lines = [line.rstrip() for line in raw.splitlines()]
    text = re.sub(r"\n{4,}", "\n\n", "\n".join(lines)).strip()
    if not text:
        return Verdict.empty(raw)
    if len(text) > FREE_TEXT_LIMIT:
        return Verdict.warning(
            raw,
            text[:FREE_TEXT_LIMIT].rstrip(),
            reasons=(f"longer than {FREE_TEXT_LIMIT:,} characters: the first "
                     f"{FREE_TEXT_LIMIT:,} are kept",),
            flags={"truncated"},
        )
    return Verdict.valid(raw, text)


def _check_identifier(raw: str) -> Verdict:
    """A customer number, an order number, a loyalty id: as written, but without the
    ``.0`` a spreadsheet or pandas adds to a number (``10452.0`` is customer 10452,
    and must find that customer again on the next import).

    A long number Excel wrote in scientific notation ("4,11000E+11") lost its last
    digits: many customers would share it, and be merged as one. It is refused, with
    what to do, unless it holds every digit.

    >>> _check_identifier("4,11000E+11").status.value, _check_identifier("2.900001234567E+12")
    ('invalid', Verdict(raw='2.900001234567E+12', normalised='2900001234567', ...))
    >>> _check_identifier("12E5").normalised
    '12E5'
    """
    whole = _common.without_float_tail(raw)
    if whole is not None:
        return Verdict.valid(
            raw, whole, flags={"repaired"}, reasons=(_common.FLOAT_TAIL_REASON,)
        )
    if "E+" in raw.upper():  # as Excel writes it: "2,90000E+12" (a code "12E5" is a code)
        digits = _common.from_scientific(raw)
        if digits != raw:
            return Verdict.valid(raw, digits, flags={"repaired"})
        refused = _common.scientific_notation(raw, "number")
        if refused is not None:
            return refused
    return _check_text(raw)


#: What a civility column holds beyond civilities (folded): the person's sex written
#: there ("H", "Femme"), a neutral "Mx", and German or Spanish forms. Never read before a
#: name ("F Martin" is F. Martin), so not among :mod:`carnet.fields.name`'s forms.
_CIVILITY_COLUMN_WORDS = {
    "h": "M.", "homme": "M.", "masculin": "M.", "f": "Mme", "femme": "Mme", "feminin": "Mme",
    "mx": "Mx", "herr": "M.", "frau": "Mme", "sr": "M.", "senor": "M.", "sra": "Mme",
    "senora": "Mme", "sig": "M.", "signor": "M.", "sig ra": "Mme", "signora": "Mme",
    # a widow's civility, as administrations and older files write it
    "veuve": "Mme", "vve": "Mme", "madame veuve": "Mme", "mme veuve": "Mme", "mme vve": "Mme",
    "dame": "Mme",
}
#: A civility column's way of saying it does not know (folded): no value, not an invalid one.
_NO_CIVILITY = frozenset({
    "madame monsieur", "monsieur madame", "madame ou monsieur", "monsieur ou madame",
    "m mme", "mme m", "m ou mme", "mme ou m", "mr mrs", "mrs mr", "nc", "non communique",
    "non renseigne", "inconnu", "autre", "non precise", "non precisee", "non specifie",
    "pas de civilite", "sans civilite", "sans",
})
#: "Mr & Mrs", "M. et Mme": a couple, not "either" ("M/Mme").
_COUPLE = re.compile(r"&|\b(?:et|and)\b", re.IGNORECASE)


def _check_civility(raw: str) -> Verdict:
    key = fold_header(raw)
    if key in _CIVILITY_COLUMN_WORDS:
        return Verdict.valid(raw, _CIVILITY_COLUMN_WORDS[key])
    if key in _NO_CIVILITY and not _COUPLE.search(raw):
        return Verdict.empty(raw)
    civility, rest = name.split_civility(raw + " x")
    if civility is None or rest.strip() != "x":
        return Verdict.invalid(raw, ("not a known civility (M., Mme, Dr ...)",))
    return Verdict.valid(raw, civility)


def _check_choice(field: Field, raw: str) -> Verdict:
    key = fold_header(raw)
    if field.name == "gender":
        found = _GENDERS.get(key)
        if found:
            return Verdict.valid(raw, found)
        if key in _NO_GENDER or raw.strip() == "?":
            return Verdict.empty(raw)
    if field.name == "language":
        found = language_code(raw)
        if found and (not field.choices or found in field.choices):
            return Verdict.valid(raw, found)
        several = language_codes(raw) if found is None else None
        if several and (not field.choices or several[0] in field.choices):
            if len(several) == 1:
                return Verdict.valid(raw, several[0])  # "fr, FR": one language
            # "Français, Anglais": the contact has one language, the one named first
            return Verdict.warning(
                raw,
                several[0],
                (f"several languages ({', '.join(several)}): the first, {several[0]}, is kept",),
                flags={"multiple"},
            )
        if not field.choices:
            return Verdict.invalid(raw, (
                "not a language carnet knows: give its name (Français, English, Deutsch), "
                "its ISO 639-1 code (fr) or a locale (fr_FR)",
            ))
    if field.name == "size_band":
        return check_size_band(raw)
    if field.name == "marital_status":
        found = _MARITAL.get(key) or _MARITAL.get(key.removesuffix(" e"))
        if found:
            return Verdict.valid(raw, found)
        if key in _NO_GENDER:
            return Verdict.empty(raw)
    if field.name == "legal_form":
        return legal_form.check(raw)
    for choice in field.choices:
        if fold_header(choice) == key or (field.name == "pcs" and key[:1] == choice[:1] == key):
            return Verdict.valid(raw, choice)
    if field.name == "pcs":
        return _check_pcs(field, raw, key)
    allowed = ", ".join(field.choices) or "see the catalog"
    return Verdict.invalid(raw, (f"not one of the allowed values ({allowed})",))


#: Words of a profession or situation → the INSEE PCS 2020 group (its digit).
_PCS_GROUPS = {
    "1": ("agriculteur", "exploitant agricole", "agriculteur exploitant"),
    "2": ("artisan", "commercant", "chef d entreprise", "artisan commercant",
          "commercant artisan", "entrepreneur"),
    "3": ("cadre", "cadre superieur", "profession liberale", "liberal",
          "profession intellectuelle superieure"),
    "4": ("profession intermediaire", "technicien", "agent de maitrise", "cadre moyen"),
    "5": ("employe",),
    "6": ("ouvrier",),
    "7": ("retraite", "pensionne"),
    "8": ("etudiant", "sans emploi", "demandeur d emploi", "chomeur", "au foyer",
          "homme au foyer", "femme au foyer", "sans activite", "inactif",
          "sans activite professionnelle", "sans profession", "eleve", "lyceen"),
}
#: Feminine words whose masculine is not the word without its last "e".
_MASCULINE = {"agricultrice": "agriculteur", "chomeuse": "chomeur", "demandeuse": "demandeur",
              "entrepreneuse": "entrepreneur", "cheffe": "chef", "technicienne": "technicien",
              "lyceenne": "lyceen", "inactive": "inactif"}


def _pcs_key(folded: str) -> str:
    """A folded profession in one form for every gender and number: "employées",
    "employé(e)s" and "employé" alike (the catalog's words go through it too)."""
    words = []
    for word in folded.split():
        if word in ("e", "s", "es"):  # "employé(e)s"
            continue
        if word.endswith("s") and len(word) > 3 and word != "sans":
            word = word[:-1]
        word = _MASCULINE.get(word, word)
        if word.endswith(("ee", "ere", "ante", "ane", "ale", "eure", "ie")):
            word = word[:-1]
        words.append(word)
    return " ".join(words)


_PCS_WORDS = {_pcs_key(w): group for group, words in _PCS_GROUPS.items() for w in words}
#: Words that name no single PCS group: a civil servant is a cadre, an intermediate
#: profession or an employee by grade.
_PCS_AMBIGUOUS = {"fonctionnaire": "3, 4 or 5 by grade", "salarie": "3, 4, 5 or 6",
                  "actif": "1 to 6", "active": "1 to 6"}


def _check_pcs(field: Field, raw: str, key: str) -> Verdict:
    """A PCS group from its code ("5", "37", "5 Employés"), its label without the
    code ("Cadres et professions intellectuelles supérieures") or a common word
    ("Employée", "Retraités", "Profession libérale", "Étudiant", "Demandeur d'emploi")."""
    group = key[0] if key[:1].isdigit() else None
    if group is None:
        group = _PCS_WORDS.get(_pcs_key(key))
    if group is None:
        for choice in field.choices:
            if _pcs_key(fold_header(choice.lstrip("0123456789 "))) == _pcs_key(key):
                group = choice[0]
    for choice in field.choices:
        if group is not None and choice[0] == group:
            return Verdict.valid(raw, choice)
    ambiguous = _PCS_AMBIGUOUS.get(_pcs_key(key))
    if ambiguous:
        return Verdict.invalid(
            raw, (f"names no single socio-professional group (PCS {ambiguous})",)
        )
    return Verdict.invalid(
        raw, ("not a socio-professional group: a PCS code 1 to 8 or its label, such as "
              "'5 Employés', 'Cadre' or 'Retraité'",)
    )


#: The catalog's head-count bands: (lowest, highest or None when open, band).
_SIZE_BANDS = ((0, 0, "0"), (1, 9, "1-9"), (10, 49, "10-49"), (50, 249, "50-249"),
               (250, 4999, "250-4999"), (5000, None, "5000+"))
#: Words for a head count (folded): INSEE's "NN" is a unit without employees.
_SIZE_WORDS: dict[str, tuple[int, int | None]] = {
    "nn": (0, 0), "non employeuse": (0, 0), "non employeur": (0, 0),
    "unite non employeuse": (0, 0), "unites non employeuses": (0, 0), "sans salarie": (0, 0),
    "aucun salarie": (0, 0), "pas de salarie": (0, 0),
    # categories of the 2008 law: a TPE or a PME may have no employee at all
    "tpe": (0, 9), "micro entreprise": (0, 9), "pme": (0, 249),
    "eti": (250, 4999), "ge": (5000, None), "grande entreprise": (5000, None),
}
_HEAD_COUNT = re.compile(r"\d{1,3}(?:[ \u00a0\u202f.]\d{3})+(?!\d)|\d+")
_OPEN_ABOVE = re.compile(r"\bet plus\b|\bou plus\b|\+|\bplus de\b|>|\bau moins\b|\bau dela\b"
                         r"|\bmore than\b|\bover\b|\band more\b|\bor more\b")
_OPEN_BELOW = re.compile(r"\bmoins de\b|<|\bjusqu\b|\bless than\b|\bunder\b|\bup to\b")


def check_size_band(raw: str) -> Verdict:
    """A head-count band from a range ("20 à 49 salariés"), a head count or a word.

    A range gives a band only when it fits inside one; a range narrower than its
    band is kept in ``details["range"]``. An open range ("50 et plus") or one
    across bands (a TPE: 0 to 9) is invalid, and says which bands it spans. Bare
    two-digit INSEE tranche codes ("21" = 50 to 99) are read as head counts, as a
    person typing them would mean.

    >>> check_size_band("20 à 49").normalised, check_size_band("0 salarié").normalised
    ('10-49', '0')
    >>> check_size_band("12").normalised, check_size_band("5 000 et plus").normalised
    ('10-49', '5000+')
    >>> check_size_band("1 000 à 1 999 salariés").details["range"]
    '1000-1999'
    >>> check_size_band("50 et plus").reasons
    ('the range 50 and more spans the bands 50-249, 250-4999, 5000+',)
    """
    key = fold_header(raw)
    text = _common.without_float_tail(raw) or raw
    if key in _SIZE_WORDS:
        low, high = _SIZE_WORDS[key]
    else:
        found = [int(re.sub(r"\D", "", n)) for n in _HEAD_COUNT.findall(text)]
        if not found or len(found) > 2:
            return Verdict.invalid(raw, ("not a head count or a range such as '10 à 49'",))
        low, high = found[0], found[-1]
        if len(found) == 1 and _OPEN_ABOVE.search(text.lower()):
            high = None
            if re.search(r"plus de|>|more than|over|au dela", text.lower()):
                low += 1
        elif len(found) == 1 and _OPEN_BELOW.search(text.lower()):
            low, high = 0, found[0] - (0 if re.search(r"jusqu|up to", text.lower()) else 1)
        if high is not None and (high < low or high < 0):
            return Verdict.invalid(raw, ("not a head count or a range such as '10 à 49'",))
    for bottom, top, band in _SIZE_BANDS:
        if bottom <= low and (top is None or (high is not None and high <= top)):
            if (low, high) == (bottom, top):
                return Verdict.valid(raw, band)
            written = f"{low}+" if high is None else str(low) if low == high else f"{low}-{high}"
            return Verdict.valid(raw, band, details={"range": written})
    spanned = [band for bottom, top, band in _SIZE_BANDS
               if (top is None or low <= top) and (high is None or bottom <= high)]
    what = f"{low} and more" if high is None else f"{low} to {high}"
    return Verdict.invalid(raw, (f"the range {what} spans the bands {', '.join(spanned)}",))


def check_boolean(raw: str) -> Verdict:
    """A yes/no value: "oui", "Non merci", "X", "1", "true", "Abonné", "unsubscribed"...

    >>> check_boolean("Oui").normalised, check_boolean("unsubscribed").normalised
    ('true', 'false')
    """
    mark = _MARKS.get(raw.strip())
    if mark is not None:
        return Verdict.valid(raw, mark)
    key = fold_header(raw)
    if key in _TRUE:
        return Verdict.valid(raw, "true")
    if key in _FALSE:
        return Verdict.valid(raw, "false")
    # A form's answer in words: "Oui, je souhaite recevoir les offres", "Non merci",
    # "J'accepte de recevoir la newsletter" (a ticked box exports its own label).
    if key.startswith(_FALSE_OPENINGS):
        return Verdict.valid(raw, "false")
    answer = _AFTER_THE_ANSWER.split(key, maxsplit=1)[0]
    if answer != key and (answer in _TRUE or answer in _FALSE):
        return Verdict.valid(raw, "true" if answer in _TRUE else "false")
    if key.startswith(_SENTENCE_OPENINGS):
        padded = f" {key} "
        if any(f" {w} " in padded for w in _REFUSING_WORDS):
            return Verdict.valid(raw, "false")
        if key.startswith(_TRUE_OPENINGS):
            return Verdict.valid(raw, "true")
    return Verdict.invalid(raw, ("not a yes/no value (oui, non, 1, 0, true, false)",))


def _check_returned_mail(raw: str) -> Verdict:
    """An NPAI cell: a yes or no, the word ``NPAI`` itself, or the date the mail
    came back (a yes, the date kept in ``details["date"]``)."""
    verdict = check_boolean(raw)
    if verdict.ok:
        return verdict
    if raw.strip().lower().replace(".", "") in ("npai", "pnd"):
        return Verdict.valid(raw, "true")
    if deceased.says_returned_as_deceased(raw):
        # La Poste's reason "Décédé": the mail came back, and the person died
        return Verdict.valid(raw, "true", details={"reason": "deceased"})
    returned = dates.check(raw)
    if returned.ok and returned.normalised:
        return Verdict.valid(raw, "true", details={"date": returned.normalised})
    return Verdict.invalid(raw, ("not a yes/no value, 'NPAI' or the date the mail came back",))


#: A note saying the post came back: "NPAI sur le dernier courrier", "PND", "courrier
#: revenu", "n'habite plus à l'adresse indiquée" (folded, see fold_header).
_RETURNED_MAIL_NOTE = re.compile(
    r"(?:^|\s)(?:npai|pnd|n habite (?:plus|pas) a (?:cette|l) adresse"
    # not a parcel ("colis retourné": most often a customer's return of goods)
    r"|(?:courriers?|lettres?|catalogues?) (?:nous )?(?:est |sont )?"
    r"(?:revenue?s?|retournee?s?)|retours? (?:de )?(?:courriers?|poste)|pli non distribuable"
    r"|demenagee? sans (?:laisser|adresse))(?=\s|$)"
)


@lru_cache(maxsize=4096)
def says_mail_came_back(note: str | None) -> bool:
    """True when a free-text note says post sent to the person came back.

    >>> says_mail_came_back("NPAI sur le dernier courrier"), says_mail_came_back("RAS")
    (True, False)
    >>> says_mail_came_back("Courrier revenu, a déménagé sans laisser d'adresse")
    True
    """
    return bool(note) and _RETURNED_MAIL_NOTE.search(fold_header(str(note))) is not None


#: Fields holding a score out of a scale (0 to the scale): NPS is 0 to 10.
_SCALES = {"nps": 10}
#: A score followed by its label: "10 - Extrêmement probable", "0 : Pas du tout".
_SCORE_WITH_LABEL = re.compile(r"^\s*(\d{1,3})\s*(?:[-–—:=)]|\()\s*[^\W\d_].*$", re.DOTALL)
_OUT_OF = re.compile(r"^\s*(\d{1,3})\s*/\s*(\d{1,3})\s*$")


def check_integer(raw: str, *, scale: int | None = None) -> Verdict:
    """A whole number; for a score out of ``scale`` (NPS: 10), also its forms of
    survey exports: ``9/10``, ``10 - Extrêmement probable`` (the score and its label),
    and a number in ``0 .. scale`` only.

    A ``.0`` a spreadsheet or pandas added is dropped (``9.0`` is 9); a decimal
    such as ``7,5`` is not rounded: it is invalid, as are words alone.

    >>> check_integer("9.0").normalised, check_integer("1 200").normalised
    ('9', '1200')
    >>> check_integer("9 / 10", scale=10).normalised
    '9'
    >>> check_integer("10 - Extrêmement probable", scale=10).normalised
    '10'
    >>> check_integer("7,5").reasons
    ('not a whole number (7,5 has a decimal part)',)
    """
    text = raw.strip().replace(" ", "").replace("\u00a0", "").replace("\u202f", "")
    if re.fullmatch(r"[+-]?\d+", text):
        return _in_scale(raw, int(text), scale)
    whole = _common.without_float_tail(text)
    if whole is not None:
        return _in_scale(raw, int(whole), scale, repaired=True)
    if re.fullmatch(r"[+-]?\d+[.,]\d+", text):
        return Verdict.invalid(raw, (f"not a whole number ({raw.strip()} has a decimal part)",))
    if scale is not None:
        out_of = _OUT_OF.match(raw)
        if out_of and int(out_of[2]) == scale:
            return _in_scale(raw, int(out_of[1]), scale)
        if out_of:
            return Verdict.invalid(raw, (f"a score out of {out_of[2]}, not out of {scale}",))
        labelled = _SCORE_WITH_LABEL.match(raw)
        if labelled:
            return _in_scale(raw, int(labelled[1]), scale)
        return Verdict.invalid(raw, (f"not a score: a whole number from 0 to {scale} is expected",))
    return Verdict.invalid(raw, ("not a whole number",))


def check_birth_year(raw: str, *, today: date | None = None) -> Verdict:
    """A year of birth: four digits (``1985``, ``1985.0``), two (``85``, read as
    for birth dates: 1985, and ``05`` 2005 in 2025), or a whole birth date, whose
    year it keeps. Plausible as a birth date is: not ahead, an age under 120.

    >>> check_birth_year("1985").normalised, check_birth_year("85").normalised
    ('1985', '1985')
    >>> check_birth_year("12/03/1985").normalised
    '1985'
    >>> check_birth_year("1850").reasons
    ('a birth in 1850 gives an age over 120, which is not plausible',)
    """
    today = today or date.today()
    text = raw.strip()
    whole = check_integer(text)
    two_digits = re.fullmatch(r"\d\d", text) is not None
    if whole.ok and whole.normalised is not None and (two_digits or len(whole.normalised) == 4):
        year = int(whole.normalised)
        flags = set(whole.flags)
        if two_digits:
            pivot = today.year % 100
            year += 1900 if year > pivot else 2000
            flags.add("two_digit_year")
        if year > today.year:
            return Verdict.invalid(raw, (f"{year} is ahead: not a year of birth",))
        if today.year - year >= 120:
            return Verdict.invalid(
                raw, (f"a birth in {year} gives an age over 120, which is not plausible",)
            )
        return Verdict.valid(raw, str(year), flags=flags, reasons=whole.reasons)
    # a date written as one (not a bare number: "19850" is no Excel serial here)
    born = dates.check(text, kind="birth_date", today=today) if not text.isdigit() else None
    if born is not None and born.ok and born.normalised:
        return Verdict.valid(
            raw, born.normalised[:4], reasons=("a whole birth date: its year is kept",)
        )
    return Verdict.invalid(raw, ("not a year of birth (four digits: 1985)",))


def _in_scale(raw: str, value: int, scale: int | None, *, repaired: bool = False) -> Verdict:
    if scale is not None and not 0 <= value <= scale:
        return Verdict.invalid(raw, (f"not a score from 0 to {scale}",))
    if repaired:
        return Verdict.valid(
            raw, str(value), flags={"repaired"}, reasons=(_common.FLOAT_TAIL_REASON,)
        )
    return Verdict.valid(raw, str(value))


def check_decimal(raw: str) -> Verdict:
    """Check a number written the French way (``1 234,56``), the English way
    (``1,234.56``) or the Swiss way (``1'234.56``), with its currency beside it or not.

    The currency written beside the number (``15,00 CHF``, ``$12.50``) is in
    ``details["currency"]`` (ISO 4217, see :mod:`carnet.fields.currency`).

    >>> check_decimal("1 234,50 €").normalised
    '1234.50'
    >>> check_decimal("12.5").normalised
    '12.5'
    >>> v = check_decimal("CHF 1'234.50")
    >>> v.normalised, v.details["currency"]
    ('1234.50', 'CHF')
    >>> check_decimal("12€50").normalised
    '12.50'
    """
    if (glued := _SYMBOL_AS_POINT.fullmatch(raw)) is not None:
        # "12€50", as French shops and menus write prices: 12.50 euros, not 1250
        code = currency.currency_code(glued[2])
        return Verdict.valid(raw, f"{glued[1]}.{glued[3]}",
                             details={"currency": code} if code else None)
    # "12,00 € TTC", "45,90 HT": the tax said beside the amount
    said = _TAX.search(raw)
    tax = None if said is None else ("TTC" if said[0].strip()[:1] in "tT" else "HT")
    number, code = currency.split_amount(_TAX.sub(" ", raw).strip() if said else raw)
    text = re.sub(r"[\s\u00a0\u202f€$£'’]", "", number)
    if "," in text and "." in text:
        # The last separator is the decimal one.
        if text.rfind(",") > text.rfind("."):
            text = text.replace(".", "").replace(",", ".")
        else:
            text = text.replace(",", "")
    else:
        text = text.replace(",", ".")
    try:
        value = Decimal(text)
    except InvalidOperation:
        return Verdict.invalid(raw, ("not a number",))
    if not value.is_finite():
        return Verdict.invalid(raw, ("not a finite number",))
    details = {"currency": code} if code else {}
    if tax:
        details["tax"] = tax
    return Verdict.valid(raw, str(value), details=details or None)


#: A currency sign between the units and the cents: "12€50", "3 $ 99".
_SYMBOL_AS_POINT = re.compile(r"\s*([0-9]{1,9})\s?([€$£])\s?([0-9]{2})\s*")
#: A tax mention beside an amount: TTC (all taxes in), HT (before tax), as written.
_TAX = re.compile(r"(?i)\s*\b(?:t\.?\s?t\.?\s?c\.?|h\.?\s?t\.?)(?=\s|$)\s*")


def _check_url(raw: str) -> Verdict:
    text = raw.strip()
    if not _URL.match(text):
        return Verdict.invalid(raw, ("not a web address",))
    if not text.lower().startswith(("http://", "https://")):
        text = "https://" + text
    return Verdict.valid(raw, text.lower() if "/" not in text[8:] else text)


#: A country with its code beside it: "France (FR)", "Belgique [BE]", "FR - France".
_NAME_AND_CODE = (
    re.compile(r"^\s*(?P<name>[^()\[\]]+?)\s*[(\[]\s*(?P<code>[A-Za-z]{2,3})\s*[)\]]\s*$"),
    re.compile(r"^\s*(?P<code>[A-Za-z]{2,3})\s*[-\u2013:]\s*(?P<name>[^()\[\]]+?)\s*$"),
)


_BRACKETED = re.compile(r"\([^()]*\)")


def check_country(raw: str) -> Verdict:
    """Check a country name or code and give its ISO 3166 alpha-2 code.

    A name with its code ("France (FR)") is that country when both agree; ``F``
    (France's sign on cars) is France, as are the overseas as a whole ("DOM-TOM").

    >>> check_country("Belgique").normalised, check_country("France (FR)").normalised
    ('BE', 'FR')
    >>> check_country("DOM").normalised, check_country("F").normalised
    ('FR', 'FR')
    >>> check_country("France (métropole)").normalised
    'FR'

    """
    key = fold_header(raw)
    code = _COUNTRIES.get(key) or countries.country_code(key)
    if code is None:
        for pattern in _NAME_AND_CODE:
            both = pattern.match(raw)
            if both is None:
                continue
            by_name = _COUNTRIES.get(fold_header(both["name"])) or countries.country_code(
                fold_header(both["name"])
            )
            by_code = countries.country_code(fold_header(both["code"]))
            if by_name and by_code and by_name != by_code:
                return Verdict.invalid(
                    raw, (f"the name says {by_name} and the code {by_code}",)
                )
            code = by_name if by_name == by_code else None
            break
    if code is None and "(" in raw and (rest := fold_header(_BRACKETED.sub(" ", raw))):
        # a remark in brackets: "France (métropole)", "Belgique (Wallonie)"
        code = _COUNTRIES.get(rest) or countries.country_code(rest)
    if code is None and key in countries.AMBIGUOUS:
        named = countries.AMBIGUOUS[key]
        return Verdict.invalid(
            raw, (f"{raw.strip()} names more than one country: {', '.join(named)}",),
            suggestions=named,
        )
    if code is None:
        return Verdict.invalid(raw, ("not a known country; use an ISO code such as FR",))
    if key in countries.OVERSEAS:
        overseas = "the French overseas as a whole: France (the postcode tells where)"
        return Verdict.valid(raw, code, reasons=(overseas,))
    return Verdict.valid(raw, code)


def _check_list(raw: str) -> Verdict:
    """Tags or interests: a JSON list from an API export (``["vip","newsletter"]``),
    or words separated by ``;``, ``,`` or ``|`` (see :func:`list_words`)."""
    listed = _common.list_items(raw)
    if listed is not None:
        # an item keeps its commas; ";" separates the stored items
        items = [" ".join(p.replace(";", ",").split()) for p in listed]
        if not any(items):
            return Verdict.empty(raw)
        return Verdict.valid(raw, ";".join(dict.fromkeys(p for p in items if p)))
    google = _GOOGLE_SEPARATOR in raw or raw.lstrip().startswith(_GOOGLE_SYSTEM_GROUP)
    if google:
        # Google Contacts' "Labels": "* myContacts ::: Clients", its system groups marked
        # with a "*"; every contact is in "myContacts", which says nothing
        raw = raw.replace(_GOOGLE_SEPARATOR, ";")
    items = [" ".join(p.split()) for p in list_words(raw)]
    if google:
        items = [p.removeprefix("* ") for p in items if p.removeprefix("* ") != "myContacts"]
    items = [p for p in items if p]
    if not items:
        return Verdict.empty(raw)
    return Verdict.valid(raw, ";".join(dict.fromkeys(items)))


#: How Google Contacts' export joins several values in one cell, and marks its own groups.
_GOOGLE_SEPARATOR, _GOOGLE_SYSTEM_GROUP = ":::", "* myContacts"


_LIST_SEPARATORS = frozenset(";,|")
_QUOTES = {'"': '"', "“": "”", "«": "»"}


def list_words(raw: str) -> list[str]:
    """The items of a list cell, their quotes taken off.

    ``;`` and ``|`` separate items, and ``,`` too in a cell with no ``;`` (a cell
    that uses ``;`` keeps its commas inside items: "VIP;Paris, France", which is
    also how a checked list is stored). A ``/`` separates them only in a cell
    without any of those, and never between two digits (``Salon 2023/2024``). An
    item in quotes (Mailchimp's ``"VIP","Salon 2023"``) is one item whatever it
    holds (a ``;`` in it becomes a ``,``); its quotes are no part of it.

    >>> list_words('"VIP","Salon 2023"'), list_words("sport / musique")
    (['VIP', 'Salon 2023'], ['sport ', ' musique'])
    >>> list_words("Salon 2023/2024"), list_words("VIP; Salon 2023/2024")
    (['Salon 2023/2024'], ['VIP', ' Salon 2023/2024'])
    >>> list_words('"Paris, France",VIP'), list_words("Paris, France;VIP")
    (['Paris, France', 'VIP'], ['Paris, France', 'VIP'])
    """
    unquoted = _unquoted(raw)
    slash = not _LIST_SEPARATORS.intersection(unquoted)
    separators = _LIST_SEPARATORS - {","} if ";" in unquoted else _LIST_SEPARATORS
    items: list[str] = []
    current: list[str] = []
    closing: str | None = None
    for i, char in enumerate(raw):
        if closing is not None:
            if char == closing:
                closing = None
            else:
                # ";" separates the stored items: a quoted one keeps a comma instead
                current.append("," if char == ";" else char)
        elif char in _QUOTES and _QUOTES[char] in raw[i + 1 :] and not "".join(current).strip():
            closing = _QUOTES[char]
            current = []
        elif char in separators or (
            char == "/" and slash
            and not (raw[i - 1 : i].isdigit() and raw[i + 1 : i + 2].isdigit())
        ):
            items.append("".join(current))
            current = []
        else:
            current.append(char)
    items.append("".join(current))
    return items


def _unquoted(raw: str) -> str:
    """``raw`` without the items in quotes."""
    return re.sub(r'"[^"]*"|“[^”]*”|«[^»]*»', "", raw)
