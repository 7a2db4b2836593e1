"""Organisation names: the check at import and the key two spellings share.

A company is written many ways across files: "Dupont et Fils SARL" in the old
CRM, "DUPONT & FILS" on an event sheet, "dupont et fils" typed by hand.
:func:`name_key` reduces each to the same key (accents, case, punctuation,
"&", legal forms), which duplicate detection compares.

Some cells name no organisation at all: "Particulier" on an event sheet says
the person came on their own, "Auto-entrepreneur" says how they work, not for
whom. :func:`check_name` calls those invalid, so the value is kept with the
row but no organisation called "Particulier" is made.

Other names are real but say only what kind of place it is: every town has a
"Mairie", a "Pharmacie de la Gare", a "Garage du Centre". :func:`is_generic_name`
tells those apart, so that such a name alone never makes two places one.

>>> name_key("S.A.R.L. Dupont & Fils"), name_key("DUPONT ET FILS")
('dupont et fils', 'dupont et fils')
>>> check_name("Particulier").status.value
'invalid'
>>> is_generic_name("Pharmacie de la Gare"), is_generic_name("Pharmacie Lemoine")
(True, False)

A person's name column sometimes holds a company's ("Atelier Bois SARL" as a
Stripe customer's name, "Mairie de Vannes" in "Nom"): :func:`looks_like_organisation`
says so, and why, without taking a family name for one ("Pierre Sas", "Sophie
Cabinet", "Paul Ei").

>>> looks_like_organisation("SARL Dupont Frères"), looks_like_organisation("Pierre Sas")
('the legal form SARL', None)
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from typing import Final

from carnet.fields._common import fold, strip_accents
from carnet.fields.verdict import Verdict

__all__ = [
    "LEGAL_FORMS",
    "check_name",
    "distinctive_words",
    "is_generic_name",
    "legal_form",
    "looks_like_organisation",
    "name_key",
    "names_no_organisation",
]

#: Legal forms dropped from the key: French first, then the common foreign ones.
LEGAL_FORMS: Final = frozenset(
    """
    sa sas sasu sarl eurl sci snc scs sca scop scp scea selarl selas selafa selca sem spl
    gie ei eirl earl gaec sprl srl spa bv nv ag gmbh ltd limited llc llp inc corp plc
    """.split()  # noqa: SIM905 - a word list reads better as text
)

# Words before the name that say "company" and nothing else ("Société Dupont", "Ets Dupont").
_LEADING: Final = frozenset({"societe", "ste", "ets", "etablissements", "the"})

# "et Cie", "& Co" at the end add nothing.
_TRAILING: Final = frozenset({"cie", "co", "compagnie"})

# An article in front ("L'Atelier", "Le Petit Zinc"), which registers put behind in
# brackets: SIRENE's "ATELIER CREATIF (L')", "PETIT ZINC (LE)".
_ARTICLES: Final = frozenset({"l", "le", "la", "les"})
_ARTICLE_BEHIND: Final = re.compile(r"\(\s*(?:l\s*['’]?|le|la|les)\s*\)\s*$", re.IGNORECASE)

#: Cells that say there is no organisation (the person came as a private individual).
_NO_ORGANISATION: Final = frozenset(
    {
        "particulier",
        "particuliers",
        "particulier(e)",
        "a titre personnel",
        "a titre prive",
        "titre personnel",
        "individuel",
        "individuelle",
        "prive",
        "privee",
        "personnel",
        "personnelle",
        "perso",
        "aucun",
        "aucune",
        "neant",
        "sans",
        "sans objet",
        "sans emploi",
        "non renseigne",
        "non communique",
        "inconnu",
        "inconnue",
        "private",
        "private individual",
        "individual",
        "personal",
        "self",
        "unknown",
        "not applicable",
        # placeholders typed where a name was required
        "n/a",
        "n a",
        "na",
        "nc",
        "n c",
        "n/c",
        "nd",
        "n d",
        "n/d",
        "none",
        "null",
        "nil",
        "non",
        "x",
        "xx",
        "xxx",
        "?",
        "pas de societe",
        "pas d entreprise",
        # people without an employer
        "retraite",
        "retraitee",
        "retraite(e)",
        "etudiant",
        "etudiante",
        "etudiant(e)",
        "sans profession",
        "demandeur d emploi",
        "chomeur",
        "retired",
        "student",
        "unemployed",
        # a way of working, not an employer
        "auto entrepreneur",
        "auto entrepreneuse",
        "autoentrepreneur",
        "micro entrepreneur",
        "micro entreprise",
        "independant",
        "independante",
        "travailleur independant",
        "freelance",
        "free lance",
        "freelancer",
        "self employed",
    }
)

#: Words that say what kind of place an organisation is, or where in town it stands,
#: and not which one: a name made of them alone is borne in every town.
_GENERIC_WORDS: Final = frozenset(
    """
    mairie commune ville hotel prefecture sous conseil departemental departement regional
    region metropole communaute agglomeration municipal municipale communal communale ccas
    syndicat office tourisme gendarmerie police pompiers caserne tresorerie poste
    ecole maternelle primaire elementaire college lycee universite faculte creche
    hopital clinique ehpad maison retraite sante medical medicale dentaire cabinet
    medecin medecins infirmier infirmiers infirmiere kine kinesitherapie veterinaire
    pharmacie laboratoire analyses opticien optique
    boulangerie patisserie boucherie charcuterie epicerie superette supermarche marche
    tabac presse librairie fleuriste fleurs coiffure coiffeur salon beaute institut
    garage carrosserie auto ecole taxi taxis ambulance ambulances transports
    restaurant brasserie cafe bar camping pizzeria traiteur pressing quincaillerie
    plomberie electricite menuiserie maconnerie peinture batiment immobilier agence
    notaire notaires etude avocat avocats expert comptable banque assurance assurances
    mutuelle magasin boutique atelier ferme cave club association amicale comite paroisse
    eglise entreprise societe services service commerce
    gare centre place port halles plage pont village bourg quartier nord sud est ouest
    haut bas grand grande petit petite nouveau nouvelle vieux central centrale
    principal principale public publique
    de du des la le les l d et a au aux en sur sous chez the of
    """.split()  # noqa: SIM905 - a word list reads better as text
)

# Two or more single letters each followed by a dot: S.A.R.L., S.A., S.A.S.U.
_DOTTED = re.compile(r"\b(?:[^\W_]\.){2,}")
_WORDS = re.compile(r"[^\W_]+")
_MAX_LENGTH = 300
#: A letterhead's legal mentions pasted after the name: "Dupont SARL au capital de
#: 10 000 €", "Dupont - SIRET 552 100 554 00013", "Martin SA, RCS Lyon B 123 …".
_LEGAL_MENTIONS = re.compile(
    r"\s*[,\-\u2013(]?\s*(?:au\s+capital(?:\s+social)?\s+de\b|capital\s*:|(?:n\s*°\s*)?"
    r"(?:siret|siren|r\.?c\.?s\.?|tva\s+intra\w*|n°\s*tva)\b).*$",
    re.IGNORECASE,
)


def _without_mentions(text: str) -> str:
    """``text`` without the legal mentions after the name, when a name is left."""
    if not any(c.isdigit() for c in text):
        return text  # every mention carries an amount or a number
    kept = _LEGAL_MENTIONS.sub("", text)
    return kept if any(c.isalpha() for c in kept) else text


def names_no_organisation(raw: str) -> bool:
    """True when the cell says there is no organisation ("Particulier", "Néant", "private").

    >>> names_no_organisation("PARTICULIER"), names_no_organisation("Particulier SA")
    (True, False)
    """
    folded = " ".join(fold(raw).lower().replace("-", " ").split())
    return folded.strip(" .") in _NO_ORGANISATION


def is_generic_name(name: str | None) -> bool:
    """True when the name says only what kind of place it is ("Mairie", "Garage du
    Centre", "Pharmacie de la Gare"): many organisations in many towns bear it.

    A word of its own makes it one organisation's name: "Mairie de Villeurbanne",
    "Boulangerie Martin" (though homonyms still need a place to be told apart).

    >>> is_generic_name("MAIRIE"), is_generic_name("Garage du Centre SARL")
    (True, True)
    >>> is_generic_name("Mairie de Villeurbanne"), is_generic_name(None)
    (False, False)
    """
    key = name_key(name)
    return key is not None and all(word in _GENERIC_WORDS for word in key.split())


def distinctive_words(key: str) -> tuple[frozenset[str], frozenset[str]]:
    """A name key's words of its own ("zinc", "martin") and its generic ones
    ("restaurant", "petit", "le"), which many organisations' names hold.

    >>> own, generic = distinctive_words("restaurant le petit zinc")
    >>> sorted(own), sorted(generic)
    (['zinc'], ['le', 'petit', 'restaurant'])
    """
    words = key.split()
    return (
        frozenset(w for w in words if w not in _GENERIC_WORDS),
        frozenset(w for w in words if w in _GENERIC_WORDS),
    )


def check_name(raw: str) -> Verdict:
    """Check an organisation name: spaces tidied, placeholders for "none" refused.

    The case is kept: "SNCF", "IBM France" and "Dupont SA" are written as their
    owners write them.
    """
    text = " ".join(raw.split())
    if not text:
        return Verdict.empty(raw)
    if names_no_organisation(text):
        return Verdict.invalid(
            raw, (f"'{text}' says the person has no organisation; no organisation is made",)
        )
    if len(text) > _MAX_LENGTH:
        return Verdict.invalid(raw, (f"longer than {_MAX_LENGTH} characters",))
    if not any(char.isalnum() for char in text):
        return Verdict.invalid(raw, ("no letter or digit: not a name",))
    named = _without_mentions(text)
    if named != text:
        return Verdict.valid(
            raw,
            named,
            flags={"cleaned"},
            reasons=(f"The legal mentions after the name were left out: {text[len(named) :]}",),
        )
    return Verdict.valid(raw, text)


@lru_cache(maxsize=65_536)
def legal_form(name: str | None) -> str | None:
    """The legal form a name carries at its start or end, in lower case, or None.

    >>> legal_form("Dupont S.A.R.L."), legal_form("SAS Martin"), legal_form("Martin")
    ('sarl', 'sas', None)
    """
    words = _words(_without_mentions(name) if name else name)
    for word in (words[-1:] + words[:1]) if words else []:
        if word in LEGAL_FORMS:
            return word
    return None


def _words(name: str | None) -> list[str]:
    if not name:
        return []
    text = strip_accents(name).casefold().replace("&", " et ")
    # S.A.R.L. and S.A.S.U. first lose their dots, so they read as one word.
    text = _DOTTED.sub(lambda m: m.group(0).replace(".", ""), text)
    return _WORDS.findall(text)


@lru_cache(maxsize=65_536)
def name_key(name: str | None) -> str | None:
    """The key two spellings of one organisation name share; None when nothing is left.

    Accents and case are folded, "&" reads "et", dotted abbreviations lose
    their dots (S.A.R.L. is SARL), punctuation splits words, and legal forms,
    "Société"/"Ets" in front, "et Cie" behind and an article in front (or in
    brackets behind, as registers write it) are dropped.

    >>> name_key("Bureau d'études Laporte SARL"), name_key("BUREAU D'ETUDES LAPORTE")
    ('bureau d etudes laporte', 'bureau d etudes laporte')
    >>> name_key("Société Martin et Cie"), name_key("SAS"), name_key(None)
    ('martin', None, None)
    >>> name_key("L'Atelier Créatif"), name_key("ATELIER CREATIF (L')")
    ('atelier creatif', 'atelier creatif')
    """
    if name:
        name = _without_mentions(name)
        if _ARTICLE_BEHIND.search(name):
            name = _ARTICLE_BEHIND.sub("", name)
    words = _words(name)
    while words and words[-1] in LEGAL_FORMS | _TRAILING:
        words.pop()
        if words and words[-1] == "et":
            words.pop()
    while len(words) > 1 and (
        words[0] in LEGAL_FORMS or words[0] in _LEADING or words[0] in _ARTICLES
    ):
        words.pop(0)
    if words and (words[0] in LEGAL_FORMS or words[0] in _LEADING):
        words.pop(0)
    return " ".join(words) or None


#: Legal forms no family name is spelt as: one at either end of a name makes it a
#: company's ("SARL Dupont", "Atelier Bois EURL"), however it is typed.
_PLAIN_FORMS: Final = frozenset(
    """
    sarl sasu eurl sci snc scp scs scop scea selarl selas selafa selca gaec eirl sprl gmbh
    llc llp ltd inc plc
    """.split()  # noqa: SIM905 - a word list reads better as text
)
#: The other legal forms are also names or words ("Sas", "Sa", "Ei", "Earl", "Sem",
#: "Gie", "Ag"): one of them makes a company's name only written in capitals or with
#: its dots ("Dupont SA", "S.A. Martin"), beside words that are not all capitals.
_NAME_LIKE_FORMS: Final = LEGAL_FORMS - _PLAIN_FORMS
#: First words that make a company's name (folded), and no French family name is:
#: "Mairie de Vannes", "Association Les Amis du Rail", "Boulangerie Le Fournil".
_ORGANISATION_OPENINGS: Final = frozenset(
    """
    societe ste ets etablissement etablissements entreprise entreprises mairie commune
    communaute collectivite prefecture association asso amicale federation syndicat
    comite fondation mutuelle cooperative groupement boulangerie patisserie boucherie
    charcuterie epicerie pharmacie librairie quincaillerie fromagerie poissonnerie
    garage carrosserie restaurant brasserie pizzeria creperie traiteur hotel camping
    agence laboratoire clinique ehpad lycee college ecole universite institut
    imprimerie menuiserie plomberie maconnerie
    """.split()  # noqa: SIM905 - a word list reads better as text
)
#: First words that are a company's in "Cabinet Durand" but a family name in "Cabinet
#: Sophie" (a surname, then a first name): a company only when no first name follows.
_NAME_LIKE_OPENINGS: Final = frozenset({"cabinet", "atelier", "maison", "groupe", "studio"})
#: Words after the name that make it a firm's: "Durand & Associés", "Martin Frères",
#: "Dupont et Fils" (not a bare "fils": "Gérard Fleury fils" is the son).
_FIRM_ENDINGS: Final = re.compile(
    r"(?:&|\bet)\s+(?:associ[ée]e?s|fils|fr[èe]res|cie|compagnie)\s*$|\bfr[èe]res\s*$",
    re.IGNORECASE,
)


def looks_like_organisation(
    name: str | None, *, is_first_name: Callable[[str], bool] | None = None
) -> str | None:
    """Why a name written where a person's is expected is an organisation's, or None.

    A legal form at either end, as a word of its own ("SARL Dupont Frères", "Atelier
    Bois SARL", "Dupont S.A."); a word that opens no one's family name ("Mairie de
    Vannes", "Association Les Amis du Rail"); a firm's ending ("Durand & Associés",
    "Martin Frères"). One word alone is no company ("Sas", "Cabinet"); a legal form
    that is also a name counts only in capitals or with its dots ("Dupont SA", not
    "Pierre Sas" nor "Paul Ei"), and not beside a lone first name ("PIERRE SAS",
    "Maria SA": her family name).

    Args:
        name: the cell, as written.
        is_first_name: tells a known first name (``carnet.fields.name.is_first_name``),
            so that "Cabinet Sophie" or "Maria SA" stay a person's.

    >>> looks_like_organisation("Mairie de Vannes"), looks_like_organisation("Dupont SA")
    ('the word Mairie', 'the legal form SA')
    >>> looks_like_organisation("Cabinet Durand & Associés")
    'the word Cabinet'
    >>> looks_like_organisation("Sas"), looks_like_organisation("Paul Ei")
    (None, None)
    >>> looks_like_organisation("Gérard FLEURY fils"), looks_like_organisation("Martin Frères")
    (None, 'the words Frères')
    """
    if not name or not isinstance(name, str) or len(name) > _MAX_LENGTH:
        return None
    text = " ".join(_without_mentions(name).split())
    words = _words(text)
    if len(words) < 2:
        return None
    first_name = is_first_name or _no_first_name
    for form, rest in ((words[-1], words[:-1]), (words[0], words[1:])):
        if form in _PLAIN_FORMS:
            return f"the legal form {form.upper()}"
        if form in _NAME_LIKE_FORMS and _written_as_a_form(text, form, rest, first_name):
            return f"the legal form {form.upper()}"
    opening = words[0]
    if opening in _ORGANISATION_OPENINGS or (
        opening in _NAME_LIKE_OPENINGS and not first_name(" ".join(words[1:]))
    ):
        return f"the word {text.split()[0].capitalize()}"
    ending = _FIRM_ENDINGS.search(text)
    if ending is not None:
        return f"the words {ending.group(0).strip()}"
    return None


def _no_first_name(_: str) -> bool:
    return False


#: A legal form written with its dots at the start or the end: "S.A. Martin", "Dupont S.A.S."
_DOTTED_FORM_AT_AN_END = re.compile(r"^(?:[^\W_]\.){2,}\s|\s(?:[^\W_]\.){2,}$")


def _written_as_a_form(
    text: str, form: str, rest: list[str], first_name: Callable[[str], bool]
) -> bool:
    """A legal form that is also a name ("sa", "sas", "ei") is one here: dotted
    ("Raymond S.A."), or in capitals without accents ("SÁ" is a Portuguese name) and
    not beside a lone first name ("Maria SA", "PIERRE SAS": a person's family name)."""
    if _DOTTED_FORM_AT_AN_END.search(text):
        return True  # "Raymond S.A.": nobody's name has dots
    if first_name(" ".join(rest)) or (text.isupper() and first_name(form)):
        return False  # "EARL HUNT" in capitals: Earl Hunt, as well as a farm
    return any(w.isupper() and w.lower() == form for w in text.replace("&", " ").split())
