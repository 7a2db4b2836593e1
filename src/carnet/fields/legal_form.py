"""Legal form (forme juridique) of an organisation: SARL, SAS, SCI, EI ...

Accounting packages and company registers give it in a column of its own
("Forme juridique": "SARL", "S.A.S.", "Société à responsabilité limitée", the
INSEE *catégorie juridique* code 5499); people also write it inside the name
("SARL DUPONT & FILS", "Dupont SAS"), where :func:`carnet.fields.organisation.legal_form`
finds it. Normalised to the abbreviation registers print: ``SARL``, ``SASU``,
``EI``, ``Association``, ``Commune``; foreign forms as their countries write them (``GmbH``,
``Ltd``). The legal form tells two homonymous companies apart ("Dupont SARL" is
not "Dupont SAS"). See https://www.insee.fr/fr/information/2028129 for the
INSEE categories.

>>> check("S.A.R.L.").normalised, check("Société par actions simplifiée").normalised
('SARL', 'SAS')
>>> check("5499").normalised, check("auto-entrepreneur").normalised
('SARL', 'EI')
>>> check("SARL au capital de 10 000 €").normalised
'SARL'
>>> check("Boulangerie").status.value
'invalid'
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Final

from carnet.fields import _common
from carnet.fields.organisation import legal_form as _form_in_name
from carnet.fields.verdict import Verdict, blank

__all__ = [
    "FORMS", "canonical", "check", "check_many", "form_key", "format", "normalise", "validate",
]

#: Every form carnet knows, as registers write it.
FORMS: Final = (
    "SA", "SAS", "SASU", "SARL", "EURL", "SCI", "SNC", "SCS", "SCA", "SCOP", "SCP", "SCEA",
    "SELARL", "SELAS", "SELAFA", "SELCA", "SEM", "SPL", "GIE", "EI", "EIRL", "EARL", "GAEC",
    "Association", "Commune", "Collectivité territoriale", "Établissement public",
    "SPRL", "SRL", "SpA", "BV", "NV", "AG", "GmbH", "Ltd", "LLC", "LLP", "Inc.", "Corp.", "PLC",
)  # fmt: skip

_BY_WORD: Final = {f.rstrip(".").lower(): f for f in FORMS} | {"limited": "Ltd"}

#: Forms written out in full (accents folded, lower case), longest first where one
#: begins another ("... simplifiée unipersonnelle" before "... simplifiée").
_BY_NAME: Final = (
    ("societe par actions simplifiee unipersonnelle", "SASU"),
    ("societe par actions simplifiee a associe unique", "SASU"),
    ("sas unipersonnelle", "SASU"),
    ("societe par actions simplifiee", "SAS"),
    ("entreprise unipersonnelle a responsabilite limitee", "EURL"),
    ("sarl unipersonnelle", "EURL"),
    ("societe a responsabilite limitee unipersonnelle", "EURL"),
    ("societe a responsabilite limitee", "SARL"),
    ("societe anonyme", "SA"),
    ("societe civile immobiliere", "SCI"),
    ("societe civile professionnelle", "SCP"),
    ("societe civile d exploitation agricole", "SCEA"),
    ("societe en nom collectif", "SNC"),
    ("societe en commandite simple", "SCS"),
    ("societe en commandite par actions", "SCA"),
    ("societe cooperative", "SCOP"),
    ("societe d exercice liberal a responsabilite limitee", "SELARL"),
    ("societe d exercice liberal par actions simplifiee", "SELAS"),
    ("societe d economie mixte", "SEM"),
    ("groupement d interet economique", "GIE"),
    ("groupement agricole d exploitation en commun", "GAEC"),
    ("exploitation agricole a responsabilite limitee", "EARL"),
    ("entrepreneur individuel a responsabilite limitee", "EIRL"),
    ("entreprise individuelle", "EI"),
    ("entrepreneur individuel", "EI"),
    ("auto entrepreneur", "EI"),
    ("autoentrepreneur", "EI"),
    ("micro entrepreneur", "EI"),
    ("micro entreprise", "EI"),
    ("association", "Association"),
    # a town hall's or a public body's, as INSEE's categories 7xxx name them
    ("commune", "Commune"),
    ("collectivite territoriale", "Collectivité territoriale"),
    ("etablissement public", "Établissement public"),
)

#: INSEE catégories juridiques (level 3) of the common forms.
_INSEE: Final = {
    "1000": "EI", "5202": "SNC", "5306": "SCS", "5308": "SCA", "5485": "SELARL",
    "5498": "EURL", "5499": "SARL", "5599": "SA", "5699": "SA", "5710": "SAS",
    "5720": "SASU", "5785": "SELAS", "6220": "GIE", "6533": "GAEC", "6540": "SCI",
    "6598": "EARL", "7210": "Commune", "9210": "Association", "9220": "Association",
    "9230": "Association",
}  # fmt: skip

#: A letterhead's mentions after the form: "SARL au capital de 10 000 €".
_MENTIONS = re.compile(r"\s*[,\-(]?\s*(?:au\s+capital|capital\s*:|rcs\b|r\.c\.s\.).*$", re.I)
_DOTTED = re.compile(r"\b(?:[^\W_]\.){2,}")


def canonical(word: str | None) -> str | None:
    """The registered writing of a legal form abbreviation ("sarl" → "SARL"), or None.

    >>> canonical("sarl"), canonical("gmbh"), canonical("Dupont")
    ('SARL', 'GmbH', None)
    """
    return _BY_WORD.get(word.lower()) if word else None


def form_key(given: str | None, name: str | None) -> str | None:
    """The legal form that tells homonymous organisations apart, in lower case as
    :func:`carnet.fields.organisation.legal_form` gives it: the one given (the
    organisation's, a "Forme juridique" column), else the one the name carries.

    >>> form_key("SARL", "Wagner"), form_key(None, "Wagner SAS"), form_key(None, "Wagner")
    ('sarl', 'sas', None)
    """
    if given:
        return given.lower().rstrip(".")
    return _form_in_name(name)


def check(raw: str | None) -> Verdict:
    """Check a legal form; never raises."""
    text = _common.as_text(raw)
    if text is None or blank(text):
        return Verdict.empty(text)
    stripped = _MENTIONS.sub("", text.strip()) or text.strip()
    if stripped.isdigit():
        found = _INSEE.get(stripped)
        if found is None:
            return _common.invalid(
                text,
                f"{stripped} is not an INSEE legal category carnet knows; write the form "
                "(SARL, SAS, EI ...).",
                error="component",
            )
        return Verdict.valid(text, found, reasons=(f"INSEE category {stripped}: {found}.",))
    undotted = _DOTTED.sub(lambda m: m.group(0).replace(".", ""), stripped)
    folded = " ".join(re.findall(r"[a-z0-9]+", _common.fold(undotted).lower()))
    found = _BY_WORD.get(folded)
    if found is None:
        found = next((form for name, form in _BY_NAME if folded.startswith(name)), None)
    if found is None:
        # "SAS - Société par actions simplifiée", "SARL (société à responsabilité limitée)"
        found = _BY_WORD.get(folded.split(" ", 1)[0]) if " " in folded else None
    if found is None:
        return _common.invalid(
            text, "Not a legal form carnet knows (SARL, SAS, SASU, EURL, SCI, EI ...)."
        )
    return Verdict.valid(text, found)


def normalise(raw: str) -> str | None:
    """The registered abbreviation, or None."""
    verdict = check(raw)
    return verdict.normalised if verdict.ok else None


def validate(raw: str) -> str:
    """Return the registered abbreviation or raise.

    Raises:
        InvalidFormat: not a legal form carnet knows.
        InvalidComponent: an unknown INSEE category.
    """
    return _common.raise_for(check(raw), "legal form")


def format(value: str) -> str:
    """The registered abbreviation: ``SARL``."""
    return normalise(value) or value


def check_many(values: Iterable[str | None]) -> dict[str | None, Verdict]:
    """Check a column, once per distinct value."""
    return _common.check_many(check, values)
