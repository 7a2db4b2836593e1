"""Person names: clean-up, capitalisation, civilities, full-name splitting, nicknames.

A name part (first name or last name) is normalised by:

1. Unicode NFC, typographic apostrophes (’ ‘ ʼ `) turned into ``'``, blanks
   collapsed, blanks around hyphens removed (``Jean - Pierre`` → ``Jean-Pierre``).
2. A leading civility removed (``M. Dupont`` → ``Dupont``, flag ``civility_removed``).
3. Capitalisation, word by word and, inside a word, part by part around
   hyphens and apostrophes. Only parts typed **all upper case or all lower
   case** are re-cased; a part already in mixed case is kept as typed
   (``McDonald``, ``DiCaprio``, ``De Bruyne`` are deliberate). Re-cased parts:

   - ``de``, ``du``, ``des`` and elided ``d'`` are lower case when another word
     follows (French usage: ``de Gaulle``, ``du Bellay``, ``d'Artagnan``);
   - the articles ``le``, ``la``, ``les`` and elided ``l'`` are part of the
     name and capitalised (``Le Pen``, ``de La Fontaine``, ``L'Huillier``);
   - ``van``, ``von``, ``der``, ``den``, ``ten``, ``ter``, ``da``, ``di``,
     ``del``, ``della``, ``dos``, ``das``, ``do``, ``zu``, ``y``, ``et`` are
     lower case between two words (``Ludwig van Beethoven``), capitalised first;
   - everything else is capitalised: first letter upper, rest lower
     (``DUPONT`` → ``Dupont``, ``jean-pierre`` → ``Jean-Pierre``,
     ``o'neil`` → ``O'Neil``). ``MCDONALD`` becomes ``Mcdonald``: no guessing of
     inner capitals (Mc/Mac), which is wrong as often as right.

Accents are kept; :func:`fold` gives the accent- and case-free key for matching.

Civilities (:func:`split_civility`): ``M.``, ``M``, ``Mr``, ``Monsieur`` →
``M.``; ``Mme``, ``Madame``, ``Mrs``, ``Ms`` → ``Mme``; ``Mlle``, ``Melle``,
``Mademoiselle``, ``Miss`` → ``Mlle``; ``Dr``, ``Docteur`` → ``Dr``; ``Me``,
``Maître`` → ``Me``; ``Pr``, ``Prof``, ``Professeur`` → ``Pr``; ``MM.``,
``Mmes`` and couples ``M. et Mme``. :func:`gender_hint` tells ``male`` /
``female`` when the civility does.

Generational suffixes (:func:`split_suffix`): ``fils``, ``père``, ``Jr``,
``Junior``, ``Sr``, ``Senior``, ``aîné``, ``cadet``, ``II``, ``III``, ``IV``
after a name are no part of it: ``Gérard FLEURY fils`` is Gérard Fleury, the
son. The check keeps the name without it (flag ``suffix_removed``,
``details["suffix"]``, ``details["generation"]``: ``junior``, ``senior`` or
the rank); two records of one name and different suffixes are two people.

Verdict flags: ``case_fixed``, ``civility_removed``, ``suffix_removed`` (valid, with a reason);
``initial`` (a single letter, warning); ``has_digits``, ``bad_characters``,
``too_long`` (over 80 characters), ``placeholder`` (``xxx``, ``test``,
``inconnu`` ...) and no letter at all are invalid.

>>> normalise("DUPONT"), normalise("jean-pierre"), normalise("o'neil")
('Dupont', 'Jean-Pierre', "O'Neil")
>>> normalise("DE LA FONTAINE"), normalise("d’artagnan"), normalise("McDonald")
('de La Fontaine', "d'Artagnan", 'McDonald')
>>> split_civility("M. Jean Dupont")
('M.', 'Jean Dupont')
>>> split_full_name("Mme DUPONT Marie-Claire")
('Mme', 'Marie-Claire', 'Dupont')
>>> split_full_name("Dupont, Jean"), split_full_name("Jean de la Fontaine")
((None, 'Jean', 'Dupont'), (None, 'Jean', 'de La Fontaine'))
>>> looks_swapped("Dupont", "Jean")
True
>>> nickname_of("Nico"), nickname_of("JB")
(('Nicolas',), ('Jean-Baptiste',))
>>> sorted(check("M. DUPONT").flags)
['case_fixed', 'civility_removed']
>>> split_full_name("Gérard FLEURY fils"), split_suffix("Gérard FLEURY fils")
((None, 'Gérard', 'Fleury'), ('Gérard FLEURY', 'fils'))
>>> check("Jean2").status.value
'invalid'
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from functools import cache, lru_cache
from importlib import resources

from carnet.fields import _common, deceased
from carnet.fields._common import fold
from carnet.fields.catalog import fold_header
from carnet.fields.verdict import Verdict, blank
from carnet.match.nicknames import DIMINUTIVES

__all__ = [
    "CIVILITIES",
    "NICKNAMES",
    "check",
    "check_many",
    "first_name_variants",
    "fold",
    "format",
    "gender_hint",
    "is_first_name",
    "is_first_name_typo",
    "looks_swapped",
    "nickname_of",
    "normalise",
    "remark_parts",
    "sex_of",
    "split_civility",
    "split_full_name",
    "split_married_name",
    "split_suffix",
    "suffix_generation",
    "validate",
]

MAX_LENGTH = 80

#: Canonical civility -> gender hint ("male", "female" or None).
CIVILITIES: Mapping[str, str | None] = {
    "M.": "male",
    "Mme": "female",
    "Mlle": "female",
    "Dr": None,
    "Me": None,
    "Pr": None,
    "MM.": "male",
    "Mmes": "female",
    "M. et Mme": None,
}

_CIVILITY_FORMS: dict[str, str] = {
    "monsieur et madame": "M. et Mme",
    "m. et mme": "M. et Mme",
    "m et mme": "M. et Mme",
    "mr et mme": "M. et Mme",
    "mr. et mme": "M. et Mme",
    "m. & mme": "M. et Mme",
    "m & mme": "M. et Mme",
    "mr & mme": "M. et Mme",
    "mr and mrs": "M. et Mme",
    "mr & mrs": "M. et Mme",
    "mademoiselle": "Mlle",
    "monsieur": "M.",
    "madame": "Mme",
    "messieurs": "MM.",
    "mesdames": "Mmes",
    "docteur": "Dr",
    "doctor": "Dr",
    "professeur": "Pr",
    "professor": "Pr",
    "maître": "Me",
    "maitre": "Me",
    "mlle": "Mlle",
    "melle": "Mlle",
    "miss": "Mlle",
    "mmes": "Mmes",
    "mme": "Mme",
    "mrs": "Mme",
    "prof": "Pr",
    "mm": "MM.",
    "mr": "M.",
    "ms": "Mme",
    "dr": "Dr",
    "pr": "Pr",
    "me": "Me",
    "m": "M.",
}
_CIVILITY_RE = re.compile(
    r"\s*("
    + "|".join(
        re.escape(form).replace(r"\ ", r"\s+").replace(r"\.", r"\.?")
        for form in sorted(_CIVILITY_FORMS, key=len, reverse=True)
    )
    + r")(?:\.\s*|\s+|$)",
    re.IGNORECASE,
)

_FRENCH_PARTICLES = frozenset({"de", "du", "des"})
_ARTICLES = frozenset({"le", "la", "les"})
_FOREIGN_PARTICLES = frozenset(
    {
        "van",
        "von",
        "der",
        "den",
        "ten",
        "ter",
        "da",
        "di",
        "del",
        "della",
        "dos",
        "das",
        "do",
        "zu",
        "y",
        "et",
    }
)
#: Words that start an Arabic or Berber family name (Ben Ali, El Amrani, Ait Ahmed, Ould
#: Daddah). "Ben" is also a first name, so only after the first word.
_ARABIC_PARTICLES = frozenset({"ben", "bin", "ibn", "el", "al", "ait", "ould", "abou", "bou"})
_SPLIT_PARTICLES = (
    _FRENCH_PARTICLES
    | _ARTICLES
    | _ARABIC_PARTICLES
    | {"d'", "van", "von", "da", "di", "del", "dos"}
)
#: A name that starts with one of these starts with its last name ("Le Goff Yann");
#: not the Arabic particles: "Ben Dupont" is Ben.
_LEADING_PARTICLES = _FRENCH_PARTICLES | _ARTICLES | {"van", "von", "da", "di", "del", "dos"}
#: Words naming a household before its name.
_HOUSEHOLD_WORDS = frozenset({"famille", "fam", "foyer"})
_REMARK = re.compile(r"\s*\([^()]*\)")
#: A dash or slash between spaces ends the name: "Jean Dupont - Acme", "DUPONT Jean / DG"
#: (a compound name is written without spaces: "Dupont-Moretti").
_TRAILING_REMARK = re.compile(r"\s+[-\u2013\u2014/|]\s+")
#: Words joining two first names of a couple: "Jean et Marie Dupont".
_COUPLE_WORDS = frozenset({"et", "&", "and"})
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "`": "'", "´": "'"})
_PLACEHOLDERS = frozenset(
    """
    xxx xxxx xxxxx test tests testing inconnu inconnue unknown nom prenom name firstname
    lastname surname client cliente anonyme anonymous aaa abc azerty qwerty toto titi tata
    foo bar none null undefined asdf nomprenom sansnom
    """.split()  # noqa: SIM905 - a word list reads better as text
)
_ALLOWED_PUNCTUATION = frozenset(" -'.")
_PUNCTUATION_OUT = str.maketrans("", "", " -'.")
_CIVILITY_INITIALS = frozenset("MmDdPp")
_WORD_PARTS = re.compile(r"([-'])")


_HYPHEN_SPACES = re.compile(r"\s*-[\s-]*")
_APOSTROPHE_SPACES = re.compile(r"\s*'\s*")


def _clean(text: str) -> str:
    if not text.isascii():
        text = unicodedata.normalize("NFC", text).translate(_APOSTROPHES)
    elif "`" in text:
        text = text.translate(_APOSTROPHES)
    text = " ".join(text.split())
    if "-" in text:
        text = _HYPHEN_SPACES.sub("-", text)
    if "'" in text:
        text = _APOSTROPHE_SPACES.sub("'", text)
    if "(" in text:  # "Dupont (née Martin)": the brackets say nothing more
        text = " ".join(_BRACKETED.sub(r" \1 ", text).split())
    if "," in text:  # "Martin, née Durand": nor does the comma
        text = _COMMA_MARRIED.sub(r" \1", text)
    return text.strip(" -")


#: Generational suffixes (folded, without a dot) -> (as written back, generation).
_SUFFIXES: Mapping[str, tuple[str, str]] = {
    "fils": ("fils", "junior"),
    "jr": ("Jr", "junior"),
    "junior": ("Jr", "junior"),
    "cadet": ("cadet", "junior"),
    "cadette": ("cadette", "junior"),
    "pere": ("père", "senior"),
    "sr": ("Sr", "senior"),
    "senior": ("Sr", "senior"),
    "aine": ("aîné", "senior"),
    "ainee": ("aînée", "senior"),
    "ii": ("II", "II"),
    "iii": ("III", "III"),
    "iv": ("IV", "IV"),
}
#: Suffixes that are family names too ("Jean Cadet", "Dupont Senior"): one only when
#: written apart, in lower case or after a name in capitals ("DUPONT cadet").
_NAME_LIKE_SUFFIXES = frozenset({"cadet", "cadette", "junior", "senior"})
#: Words after which "fils" or "frères" names a firm ("Dupont et Fils"), not a son.
_FIRM_JOINS = frozenset({"et", "&", "and"})


def split_suffix(raw: str, *, min_words: int = 1) -> tuple[str, str | None]:
    """A name without its generational suffix, and the suffix (canonical) or None.

    The suffix is the last word, after at least ``min_words`` words that are not
    all particles: one for a last name (``Dupont cadet``; ``Cadet`` and ``Le
    Cadet`` are family names), two for a whole name (``Jean Cadet`` is one).
    ``et Fils`` is a firm's (``Dupont et Fils``); a rank is in capitals (``II``).

    >>> split_suffix("Gérard FLEURY fils"), split_suffix("John Smith Jr.")
    (('Gérard FLEURY', 'fils'), ('John Smith', 'Jr'))
    >>> split_suffix("Dupont et Fils"), split_suffix("Martin")
    (('Dupont et Fils', None), ('Martin', None))
    """
    words = raw.split()
    found: str | None = None
    while len(words) > min_words:  # "Jean Dupont Jr. Jr.": every one, the last kept
        suffix = _suffix_of(words)
        if suffix is None:
            break
        found = found or suffix
        words = words[:-1]
    return (raw, None) if found is None else (" ".join(words), found)


def _suffix_of(words: list[str]) -> str | None:
    """The canonical suffix ``words`` end with (more than one word), or None."""
    key = fold(words[-1]).rstrip(".,")
    found = _SUFFIXES.get(key)
    if found is None:
        return None
    rest = words[:-1]
    if rest[-1].lower() in _FIRM_JOINS:
        return None
    if all(fold(w).rstrip("'") in _SPLIT_PARTICLES | {"d"} for w in rest):
        return None  # "Le Cadet": a family name
    if key in ("ii", "iii", "iv") and words[-1] != words[-1].upper():
        return None  # "Ii", "iv": not a rank as one writes it
    if key in _NAME_LIKE_SUFFIXES and not (
        words[-1].islower() or (rest[-1].isupper() and not words[-1].isupper())
    ):
        return None  # "Jean Dupont Cadet": maybe a double family name
    return found[0]


def suffix_generation(suffix: str | None) -> str | None:
    """``junior``, ``senior``, the rank (``II``) a generational suffix tells, or None.

    Two records of one name whose generations differ are two people, a father and
    his son: the matcher reads it from a name's verdict (``details["generation"]``)
    or from the contact's ``name_suffix`` attribute.

    >>> suffix_generation("fils"), suffix_generation("Sr"), suffix_generation("III")
    ('junior', 'senior', 'III')
    >>> suffix_generation("Jr.") == suffix_generation("Junior"), suffix_generation(None)
    (True, None)
    """
    if not suffix:
        return None
    found = _SUFFIXES.get(fold(suffix).rstrip(".,"))
    return found[1] if found else None


def split_civility(raw: str) -> tuple[str | None, str]:
    """Split a leading civility from a name: (canonical civility or None, the rest).

    A civility is only taken when something follows it.

    >>> split_civility("Madame Marie Curie"), split_civility("mr. john smith")
    (('Mme', 'Marie Curie'), ('M.', 'john smith'))
    >>> split_civility("Docteur House"), split_civility("Me"), split_civility("Martin")
    (('Dr', 'House'), (None, 'Me'), (None, 'Martin'))
    >>> split_civility("M. et Mme Martin")
    ('M. et Mme', 'Martin')
    """
    text = " ".join(raw.split())
    if text[:1] not in _CIVILITY_INITIALS:
        return None, text
    match = _CIVILITY_RE.match(text)
    if match is None:
        return None, text
    rest = text[match.end() :].strip()
    if not rest or not rest[0].isalpha():
        return None, text
    key = " ".join(match.group(1).lower().split())
    civility = _CIVILITY_FORMS.get(key) or _CIVILITY_FORMS.get(key.replace(".", ""))
    if civility is None:
        return None, text
    return civility, rest


def gender_hint(civility: str | None) -> str | None:
    """``male``, ``female`` or None for a civility (raw or canonical).

    >>> gender_hint("Madame"), gender_hint("M."), gender_hint("Dr")
    ('female', 'male', None)
    """
    if not civility:
        return None
    canonical, _ = split_civility(f"{civility} x")
    return CIVILITIES.get(canonical or civility)


def sex_of(gender: object, civility: object) -> str | None:
    """``male`` or ``female`` as a record says it: its gender, else its civility's
    (:func:`gender_hint`); None when neither tells (``Dr``, ``M. et Mme``).

    >>> sex_of("female", "M."), sex_of(None, "Mme"), sex_of("other", "Dr")
    ('female', 'female', None)
    """
    if gender in ("male", "female"):
        return str(gender)
    return gender_hint(civility) if isinstance(civility, str) else None


#: The words of a married or widowed name ("Dupont ép. Martin", "Vve Durand"), folded.
_MARRIED_WORDS = frozenset({"epouse", "epse", "ep", "nee", "veuve", "vve"})


def _recase_part(part: str, *, followed: bool, first: bool) -> str:
    if not (part.isupper() or part.islower()):
        return part  # mixed case (typed on purpose), or no cased letter at all
    low = part.lower()
    if low in _FRENCH_PARTICLES and followed:
        return low
    if followed and not first and fold(low.rstrip(".")) in _MARRIED_WORDS:
        return low  # "Dupont ép. Martin", as one writes it
    if low in _FOREIGN_PARTICLES and followed and not first:
        return low
    head = low[:1].upper()
    return (head if len(head) == 1 else low[:1]) + low[1:]


#: Initials, each letter with its dot: "J.P.", "j.-p.", "P." (not "St." nor "Jr.").
_DOTTED_INITIALS = re.compile(r"(?:[^\W\d_]\.-?)+")


#: Initials glued to the name they go with: "J.PIERRE", "j.-pierre".
_INITIALS_AND_NAME = re.compile(r"((?:[^\W\d_]\.-?)+)([^\W\d_].*)")


def _recase_word(word: str, *, followed: bool, first: bool) -> str:
    if "." in word and _DOTTED_INITIALS.fullmatch(word):
        return word.upper()  # initials: "j.p." is J.P., "j.-p." J.-P.
    if "." in word and (glued := _INITIALS_AND_NAME.fullmatch(word)) is not None:
        # "J.PIERRE" is J.Pierre, not J.pierre
        return glued[1].upper() + _recase_word(glued[2], followed=followed, first=False)
    if "-" not in word and "'" not in word:
        low = word.lower()
        return _recase_part(word, followed=followed and low not in _ARTICLES, first=first)
    pieces = _WORD_PARTS.split(word)
    out: list[str] = []
    for i, piece in enumerate(pieces):
        if piece in ("-", "'"):
            out.append(piece)
            continue
        elided = i + 1 < len(pieces) and pieces[i + 1] == "'" and i + 2 < len(pieces)
        if elided and piece.lower() == "d" and (piece.islower() or piece.isupper()):
            out.append("d")
            continue
        more = followed or i + 1 < len(pieces)
        out.append(
            _recase_part(
                piece, followed=more and piece.lower() not in _ARTICLES, first=first and i == 0
            )
        )
    return "".join(out)


def _case(text: str) -> str:
    words = text.split(" ")
    return " ".join(
        _recase_word(w, followed=i + 1 < len(words), first=i == 0) for i, w in enumerate(words)
    )


def _civility_alone(text: str) -> str | None:
    """The canonical civility when ``text`` is one and nothing else (``Madame``,
    ``Mme.``, ``Mr``); not ``M`` nor ``M.`` (an initial: Michel, Marie) nor ``Me``
    (also a word)."""
    key = " ".join(_clean(text).lower().split())
    if key in ("m", "m.", "me", "me.") or key[:1] not in "mdp":
        return None
    return _CIVILITY_FORMS.get(key) or _CIVILITY_FORMS.get(key.rstrip(".").replace(".", ""))


def _strip_civilities(text: str) -> tuple[str, str | None]:
    civility: str | None = None
    while True:
        found, rest = split_civility(text)
        if found is None:
            return text, civility
        civility = civility or found
        text = rest


#: A civility in brackets after or before the name: "Dupont (Mme)", "(M.) Durand".
_CIVILITY_IN_BRACKETS = re.compile(
    r"^(?:(.*?)\s*\(\s*([^()]{1,12}?)\s*\)|\(\s*([^()]{1,12}?)\s*\)\s*(.*?))$"
)


def _bracketed_civility(text: str) -> tuple[str, str] | None:
    """(name, civility) of a name written with its civility in brackets, else None."""
    if "(" not in text:
        return None
    match = _CIVILITY_IN_BRACKETS.match(text.strip())
    if match is None:
        return None
    rest, inside = (match[1], match[2]) if match[2] is not None else (match[4], match[3])
    key = inside.lower()
    civility = _CIVILITY_FORMS.get(key) or _CIVILITY_FORMS.get(key.rstrip(".").replace(".", ""))
    if civility is None or not rest:
        return None
    return rest, civility


def _normalise(text: str) -> tuple[str, str, str | None]:
    """(cleaned text without civility, normalised, civility)."""
    bracketed = _bracketed_civility(text)
    if bracketed is not None:
        cleaned, civility = _strip_civilities(_clean(bracketed[0]))
        return cleaned, _case(cleaned), civility or bracketed[1]
    cleaned, civility = _strip_civilities(_clean(text))
    if civility is not None:
        cleaned = _clean(cleaned)
    return cleaned, _case(cleaned), civility


def normalise(raw: str) -> str | None:
    """The cleaned, capitalised name part, or None when it is not a usable name.

    >>> normalise("  marie   CLAIRE "), normalise("Jean - Pierre"), normalise("123")
    ('Marie Claire', 'Jean-Pierre', None)
    """
    verdict = check(raw)
    return verdict.normalised if verdict.ok else None


def check(raw: str | None, *, part: str = "name") -> Verdict:
    """Check a first or last name; never raises.

    Args:
        raw: the value as found in the file.
        part: ``first``, ``last`` or ``name`` (either); only used in messages.
    """
    try:
        return _check(raw, part)
    except Exception as error:  # pragma: no cover - a bug must not stop an import
        return _common.invalid(_common.as_text(raw), f"The name could not be checked ({error}).")


def _check(raw: object, part: str) -> Verdict:
    text = _common.as_text(raw)
    if text is None or blank(text):
        return Verdict.empty(text)
    label = {"first": "first name", "last": "last name"}.get(part, "name")
    if fold_header(text) in deceased.NAME_MARKERS:
        # "DCD" alone in the name cell: no name, but the person died
        return _common.invalid(
            text, f"The {label} holds only a death marker ({text.strip()}).",
            flags={"deceased_marker"}, details={"deceased": text.strip()},
        )
    # "DUPONT (DCD)", "Dupont Jean - décédé": the marker says the person died (the
    # import reads it from details["deceased"]); it is no part of the name
    named, death_marker = deceased.split_name_marker(text)
    cleaned, normalised, civility = _normalise(named)
    cleaned, suffix = split_suffix(cleaned)
    if suffix is not None:
        normalised = _case(cleaned)
    # what is left once leading civilities are gone ("M. Mme" leaves "Mme")
    alone = _civility_alone(cleaned) if cleaned else None
    if alone is None and civility is not None and normalised and blank(normalised):
        alone = civility  # "M. NA": a civility and a placeholder, no name
    if alone is not None:
        # "Madame" in the first-name column, "Mme." in the last name: a civility
        # (the import uses it), no name
        found = civility or alone
        hint = CIVILITIES.get(found)
        return _common.invalid(
            text,
            f"The {label} holds only a civility ({found}).",
            flags={"civility_only"},
            details={"civility": found, **({"gender_hint": hint} if hint else {})},
        )
    if not normalised:
        return _common.invalid(text, f"The {label} holds only a civility.")
    plain = normalised.translate(_PUNCTUATION_OUT)
    if not plain.isalpha():
        other = _other_kind(cleaned)
        if other is not None:
            return _common.invalid(
                text, f"This is {other}, not a {label}.", flags={"wrong_field"}
            )
    if not plain.isalpha() and any(map(str.isdigit, plain)):
        return _common.invalid(text, f"The {label} contains digits.", flags={"has_digits"})
    if len(normalised) > MAX_LENGTH:
        return _common.invalid(
            text,
            f"The {label} is longer than {MAX_LENGTH} characters.",
            error="length",
            flags={"too_long"},
        )
    bad = (
        []
        if plain.isalpha()
        else sorted(
            {c for c in plain if not (c.isalpha() or unicodedata.combining(c))}
            - _ALLOWED_PUNCTUATION
        )
    )
    if bad:
        shown = " ".join(repr(c) for c in bad[:5])
        return _common.invalid(
            text,
            f"The {label} contains characters not used in names: {shown}.",
            flags={"bad_characters"},
        )
    letters = plain if plain.isalpha() else "".join(c for c in plain if c.isalpha())
    if not letters:
        return _common.invalid(text, f"The {label} has no letters.")
    key = fold(letters) if len(letters) <= 12 or len(set(letters.lower())) == 1 else ""
    if key in _PLACEHOLDERS or (len(key) >= 3 and len(set(key)) == 1):
        return _common.invalid(
            text, f"'{normalised}' is a placeholder, not a real {label}.", flags={"placeholder"}
        )
    flags: set[str] = set()
    reasons: list[str] = []
    details: dict[str, str] = {}
    if civility is not None:
        flags.add("civility_removed")
        reasons.append(f"The civility {civility} was removed.")
        details["civility"] = civility
        hint = CIVILITIES.get(civility)
        if hint:
            details["gender_hint"] = hint
    if suffix is not None:
        flags.add("suffix_removed")
        generation = suffix_generation(suffix) or suffix
        reasons.append(
            f"'{suffix}' says which generation ({generation}); it is no part of the {label}."
        )
        details["suffix"] = suffix
        details["generation"] = generation
    if death_marker is not None:
        flags.add("deceased_marker")
        reasons.append(f"'{death_marker}' says the person died; it is no part of the {label}.")
        details["deceased"] = death_marker
    if cleaned != normalised:
        flags.add("case_fixed")
        reasons.append("The capitalisation was fixed.")
    if part == "first" and cleaned.isupper() and cleaned.isascii():
        # "HELENE": capitals lost the accents, which a French first name keeps
        accented = _with_accents(normalised)
        if accented != normalised:
            flags.add("accents_restored")
            reasons.append(f"The accents lost in capitals were put back: {accented}.")
            normalised = accented
    if len(letters) == 1:
        flags.add("initial")
        reasons.append(f"The {label} is only an initial.")
        return Verdict.warning(text, normalised, tuple(reasons), flags=flags, details=details)
    return Verdict.valid(text, normalised, flags=flags, details=details, reasons=tuple(reasons))


#: An e-mail address or a phone number typed in a name cell.
_EMAIL_LIKE = re.compile(r"\S+@\S+\.\w{2,}")
_PHONE_LIKE = re.compile(r"\+?[\d\s.\-()]{9,}")


def _other_kind(text: str) -> str | None:
    """What else a name cell holds when it is an e-mail address or a phone number."""
    if "@" in text and _EMAIL_LIKE.fullmatch(text.strip()):
        return "an e-mail address"
    if _PHONE_LIKE.fullmatch(text.strip()) and sum(c.isdigit() for c in text) >= 9:
        return "a phone number"
    return None


def validate(raw: str, *, part: str = "name") -> str:
    """Return the normalised name or raise an :class:`~carnet.errors.InvalidValueError`.

    Raises:
        InvalidFormat: digits, symbols, placeholders, no letters.
        InvalidLength: longer than 80 characters.

    >>> validate("le pen")
    'Le Pen'
    """
    return _common.raise_for(
        check(raw, part=part), {"first": "first name", "last": "last name"}.get(part, "name")
    )


def format(value: str) -> str:
    """Display form: the normalised name (a last name is not upper-cased here;
    postal rendering does that)."""
    return normalise(value) or value


def check_many(values: Iterable[str | None], *, part: str = "name") -> dict[str | None, Verdict]:
    """Check a whole column, once per distinct value."""
    return _common.check_many(check, values, part=part)


# --- first names, nicknames -------------------------------------------------------------


@cache
def _first_names() -> frozenset[str]:
    text = (
        resources.files("carnet.fields")
        .joinpath("data/first_names.txt")
        .read_text(encoding="utf-8")
    )
    return frozenset(
        fold(line) for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


@cache
def _accented_first_names() -> dict[str, str]:
    """Folded first name → its accented spelling, for names the list writes only with
    accents ("Hélène", "François"; not "Gérard", listed as "Gerard" too)."""
    text = (
        resources.files("carnet.fields")
        .joinpath("data/first_names.txt")
        .read_text(encoding="utf-8")
    )
    spellings: dict[str, set[str]] = {}
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            spellings.setdefault(fold(line), set()).add(line.strip())
    return {
        key: next(iter(found))
        for key, found in spellings.items()
        if len(found) == 1 and not next(iter(found)).isascii()
    }


_LETTER_RUNS = re.compile(r"[^\W\d_]+")


def _with_accents(name: str) -> str:
    """``name`` (cased, typed in capitals) with the accents capitals lost put back, word
    by word, where the first-name list knows one accented spelling only."""
    accented = _accented_first_names()

    def restore(match: re.Match[str]) -> str:
        word = match.group(0)
        if not word.isascii():
            return word
        found = accented.get(fold(word))
        return found if found is not None and " " not in found and "-" not in found else word

    return _LETTER_RUNS.sub(restore, name)


@lru_cache(maxsize=65536)
def is_first_name(name: str) -> bool:
    """True when ``name`` is a known first name (compound names: every part known).

    >>> is_first_name("jean-pierre"), is_first_name("Hélène"), is_first_name("Dupont")
    (True, True, False)
    >>> is_first_name("ANNESOPHIE")  # typed without its hyphen
    True
    """
    key = fold(name)
    if not key:
        return False
    names = _first_names()
    return (
        key in names
        or all(part in names for part in key.split())
        or (" " not in key and _joined_compound(key))
    )


@cache
def _compound_heads() -> frozenset[str]:
    """The first words of the known compound first names (jean, marie, anne ...)."""
    return frozenset(name.split()[0] for name in _first_names() if " " in name)


@cache
def _joined_compounds() -> frozenset[str]:
    """The known compound first names written as one word (``marieange``)."""
    return frozenset(name.replace(" ", "") for name in _first_names() if " " in name)


def _joined_compound(key: str) -> bool:
    """A compound first name typed as one word (``ANNESOPHIE``, ``Jeanpierre``): a
    compound's first word, then another first name of three letters or more (not the
    same: ``Jeanjean`` is a family name).

    >>> _joined_compound("annesophie"), _joined_compound("jeanjean"), _joined_compound("marin")
    (True, False, False)
    """
    if key in _joined_compounds():  # Marie-Ange, though "Ange" is no name of its own here
        return True
    names = _first_names()
    return any(
        key.startswith(head)
        and len(key) - len(head) >= 3
        and key[len(head) :] != head
        and key[len(head) :] in names
        for head in _compound_heads()
    )


def is_first_name_typo(a: str, b: str) -> bool:
    """One first name, one of its two spellings mistyped.

    The rule of the matcher's ``first name typo`` level: one letter added,
    dropped, changed or two swapped, the first letter kept, four letters at
    least, and one spelling that is no first name in its own right (``Élise``
    ~ ``Éloïse`` are sisters' names). The end of a name is where relatives'
    names differ (``Louis`` ~ ``Louise``, ``Marin`` ~ ``Marine``, ``Mario`` ~
    ``Maria``): a letter added at the end, or a last vowel changed, is no typo
    -- unless it repeats the name's last letter (``Sophiee``).

    >>> is_first_name_typo("Thiery", "THIERRY"), is_first_name_typo("Nathlaie", "Nathalie")
    (True, True)
    >>> is_first_name_typo("Sophiee", "Sophie"), is_first_name_typo("Élodei", "Élodie")
    (True, True)
    >>> is_first_name_typo("Louis", "Louise"), is_first_name_typo("Élise", "Éloïse")
    (False, False)
    >>> is_first_name_typo("Marin", "Marine"), is_first_name_typo("Gabriel", "Gabriele")
    (False, False)
    """
    fa, fb = fold(a), fold(b)
    if fa == fb or min(len(fa), len(fb)) < 4 or fa[0] != fb[0]:
        return False
    names = _first_names()
    if fa in names and fb in names:
        return False
    return _one_edit_apart(fa, fb) and not _gendered_ending(fa, fb)


_ENDING_VOWELS = frozenset("aeio")


def _gendered_ending(a: str, b: str) -> bool:
    """``a`` and ``b`` differ the way a man's and a woman's names do: a letter ``e``,
    ``a`` or ``o`` added at the end that the name did not already end with
    (``Marin`` ~ ``Marine``, ``Brun`` ~ ``Bruno``), or the last vowel changed
    (``Mario`` ~ ``Maria``)."""
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    if len(long) == len(short) + 1:
        return long.startswith(short) and long[-1] in "eao" and short[-1] != long[-1]
    return (
        len(long) == len(short)
        and long[:-1] == short[:-1]
        and long[-1] in _ENDING_VOWELS
        and short[-1] in _ENDING_VOWELS
    )


def _one_edit_apart(a: str, b: str) -> bool:
    """Damerau-Levenshtein distance of exactly one (``a != b``)."""
    if len(a) == len(b):
        diff = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
        return len(diff) == 1 or (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and (a[diff[0]], a[diff[1]]) == (b[diff[1]], b[diff[0]])
        )
    if abs(len(a) - len(b)) != 1:
        return False
    short, long = (a, b) if len(a) < len(b) else (b, a)
    i = 0
    while i < len(short) and short[i] == long[i]:
        i += 1
    return short[i:] == long[i + 1 :]


# "MARTIN épouse DURAND", "Durand née Martin", "Martin ép. Durand", "Veuve Durand":
# how administrations and older customer files write a married woman's names.
_MARRIED = re.compile(
    r"^(?P<a>.+?)\s+(?P<word>[ée]pouse|[ée]pse|[ée]p|n[ée]e|veuve|vve)\.?\s+(?P<b>.+)$",
    re.IGNORECASE,
)
# "Dupont (née Martin)": the same words in brackets.
_BRACKETED = re.compile(
    r"\(\s*((?:[ée]pouse|[ée]pse|[ée]p|n[ée]e|veuve|vve)\.?\s+[^()]+?)\s*\)", re.IGNORECASE
)
_WIDOW = re.compile(r"^(?:veuve|vve)\.?\s+(?P<b>.+)$", re.IGNORECASE)
# "Martin, née Durand": a comma before the same words.
_COMMA_MARRIED = re.compile(
    r"\s*,\s*((?:[ée]pouse|[ée]pse|[ée]p|n[ée]e|veuve|vve)\.?\s)", re.IGNORECASE
)


def split_married_name(last: str) -> tuple[str, str | None]:
    """The name used and the birth name held by one last-name cell.

    ``A épouse B`` (also ``ép.``, ``epse``) and ``A veuve B`` are the birth
    name ``A`` and the name used ``B``; ``B née A`` says it the other way
    round; ``Veuve B`` is the name used alone. Anything else is returned as
    it is, with no birth name.

    >>> split_married_name("Martin Épouse Durand"), split_married_name("DURAND née MARTIN")
    (('Durand', 'Martin'), ('DURAND', 'MARTIN'))
    >>> split_married_name("Martin ép. Durand"), split_married_name("Veuve Durand")
    (('Durand', 'Martin'), ('Durand', None))
    >>> split_married_name("Le Gall"), split_married_name("Née")
    (('Le Gall', None), ('Née', None))
    >>> split_married_name("Dupont (née Martin)")
    ('Dupont', 'Martin')
    """
    text = " ".join(_BRACKETED.sub(r" \1 ", last).split())
    married = _MARRIED.match(text)
    if married and split_civility(f"{married['a']} x")[1] == "x":
        # "Mme Vve Dupont": a civility before the word, not a birth name
        return married["b"].strip(" ,-"), None
    if married:
        a, b = married["a"].strip(" ,-"), married["b"].strip(" ,-")
        if _letters(a) >= 2 and _letters(b) >= 2:
            if fold(married["word"]) == "nee":
                return a, b
            return b, a
    widow = _WIDOW.match(text)
    if widow and _letters(widow["b"]) >= 2:
        return widow["b"].strip(" ,-"), None
    return last, None


def _letters(text: str) -> int:
    return sum(ch.isalpha() for ch in text)


def looks_swapped(first: str, last: str) -> bool:
    """True when the first name is not a known first name and the last name is one.

    A first name that is a diminutive (``Pat``) or one letter away from a
    known first name (``Sopphie``, ``Roain``) is that name, written badly: no
    evidence of a swap, however first-name-like the last name (``Leroy``,
    ``Vincent``, ``Hubert`` are both).

    >>> looks_swapped("Dupont", "Marie"), looks_swapped("Marie", "Dupont")
    (True, False)
    >>> looks_swapped("Martin", "Thomas")  # both are first names: no evidence
    False
    >>> looks_swapped("Sopphie", "Leroy"), looks_swapped("Pat", "Vincent")
    (False, False)
    >>> looks_swapped("Jean et Sylvie", "Martin")  # a couple's first names
    False

    An initial is a first name's, never a last name (``R`` / ``Richard`` is R.
    Richard):

    >>> looks_swapped("R", "Richard"), looks_swapped("J.-P.", "Thomas")
    (False, False)
    """
    return (
        bool(first and last)
        and not _INITIAL.fullmatch(first.strip())
        and not is_first_name(first)
        and is_first_name(last)
        and not nickname_of(first)
        and not _mistyped_first_name(first)
        and not _first_names_of_a_couple(first)
    )


#: What joins a couple's first names in one cell: "Jean et Sylvie", "Jean & Sylvie".
_COUPLE_JOIN = re.compile(r"\s+(?:et|and|ou)\s+|\s*[&/+]\s*", re.IGNORECASE)


def _first_names_of_a_couple(name: str) -> bool:
    """Two or more known first names joined by "et", "&" or "/" ("Jean et Sylvie")."""
    parts = _COUPLE_JOIN.split(name)
    return len(parts) > 1 and all(part and is_first_name(part) for part in parts)


_LETTERS = "abcdefghijklmnopqrstuvwxyz"


@lru_cache(maxsize=65536)
def _mistyped_first_name(name: str) -> bool:
    """One letter added, dropped or changed inside ``name``, or two letters swapped,
    make it a known first name (``Sopphie``, ``Roain``, ``Élodei``); four letters
    at least. The first and last letters stay: a name's end is where relatives'
    and family names differ from first names (``Perrin`` ~ ``Perrine``,
    ``Rodrigues`` ~ ``Rodrigue``), not where typing slips."""
    key = fold(name)
    if len(key) < 4:
        return False
    names = _first_names()
    inner = [(key[:i], key[i:]) for i in range(1, len(key))]
    candidates = (
        [a + b[1:] for a, b in inner if len(b) > 1]
        + [a + b[1] + b[0] + b[2:] for a, b in inner if len(b) > 1]
        + [a + c + b[1:] for a, b in inner if len(b) > 1 for c in _LETTERS]
        + [a + c + b for a, b in inner for c in _LETTERS]
    )
    return any(c in names for c in candidates if c != key)


def _is_upper_token(token: str) -> bool:
    letters = [c for c in token if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


#: A first name's initials: "P.", "J.-P.", "J".
_INITIAL = re.compile(r"[^\W\d_]\.?(?:-?[^\W\d_]\.)*")


def split_by_capitals(raw: str) -> tuple[str | None, str, str] | None:
    """:func:`split_full_name` of a cell whose words in capitals are the last name and
    whose other words are not (the French way: "LEROY Sophie", "Mme BEN ALI Valérie"),
    else None: there the case of the letters, not a list of first names, decides.

    >>> split_by_capitals("Mme LEROY Sophie")
    ('Mme', 'Sophie', 'Leroy')
    >>> split_by_capitals("Leroy Sophie") is None, split_by_capitals("LEROY SOPHIE") is None
    (True, True)
    """
    tokens = raw.split()
    if not any(_is_upper_token(t) and not _INITIAL.fullmatch(t) for t in tokens):
        return None
    if not any(c.islower() for t in tokens for c in t):
        return None
    civility, first, last = split_full_name(raw)
    return (civility, first, last) if first and last else None


def remark_parts(raw: str) -> tuple[str, str] | None:
    """The two sides of a whole-name cell that holds a remark beside the name, or None:
    a dash or slash between blanks ("Jean Dupont - Atelier Bois SARL", "Mairie de
    Vannes / Paul Girard") or brackets ("Jean Dupont (Atelier Bois SARL)"). Which
    side is the name, the caller tells (:func:`split_full_name` drops the remark).

    >>> remark_parts("Jean Dupont - Atelier Bois SARL"), remark_parts("Dupont (Acme SA)")
    (('Jean Dupont', 'Atelier Bois SARL'), ('Dupont', 'Acme SA'))
    >>> remark_parts("Jean - Pierre Martin"), remark_parts("Jean-Pierre Martin")
    (('Jean', 'Pierre Martin'), None)
    """
    text = " ".join(raw.split())
    bracket = _ONE_REMARK.fullmatch(text)
    if bracket is not None:
        return bracket["name"].strip(), bracket["remark"].strip()
    parts = _TRAILING_REMARK.split(text, 1)
    if len(parts) == 2 and all(p.strip() for p in parts):
        return parts[0].strip(), parts[1].strip()
    return None


#: A name and one remark in brackets after it: "Jean Dupont (Atelier Bois SARL)".
_ONE_REMARK = re.compile(r"(?P<name>[^()]+?)\s*\((?P<remark>[^()]*[^()\s][^()]*)\)")


def split_full_name(raw: str, *, last_first: bool = False) -> tuple[str | None, str, str]:
    """Split a full name into (civility, first name, last name), all normalised.

    Rules, in order: a leading civility is taken off; ``Last, First`` (comma);
    words in capitals are the last name when the others are not (``DUPONT Jean``,
    ``Jean DUPONT``); a particle (de, du, des, d', le, la, van, von ...) after the
    first word starts the last name (``Jean de La Fontaine``); otherwise the
    longest run of known first names (leaving one word) is the first name
    (``Marie Claire Martin``), and two words whose order looks swapped
    (``Dupont Jean``) are swapped back. One word is a last name.

    >>> split_full_name("Jean DUPONT"), split_full_name("DUPONT Jean")
    ((None, 'Jean', 'Dupont'), (None, 'Jean', 'Dupont'))
    >>> split_full_name("Marie Claire Martin"), split_full_name("Dupont Jean")
    ((None, 'Marie Claire', 'Martin'), (None, 'Jean', 'Dupont'))
    >>> split_full_name("M. Martin")
    ('M.', '', 'Martin')
    >>> split_full_name("Fanfan Richard"), split_full_name("R RICHARD")
    ((None, 'Fanfan', 'Richard'), (None, 'R', 'Richard'))

    A generational suffix is left out (``Gérard FLEURY fils``; :func:`split_suffix`
    gives it).

    ``last_first``: the column's header says the last name comes first ("NOM
    PRENOM"); it decides where nothing in the cell does (words all in capitals):

    >>> split_full_name("NOËL CATHERINE"), split_full_name("NOËL CATHERINE", last_first=True)
    ((None, 'Noël', 'Catherine'), (None, 'Catherine', 'Noël'))
    """
    before_remark = _TRAILING_REMARK.split(raw, 1)[0]
    if before_remark != raw and len(split_civility(before_remark)[1].split()) >= 2:
        # "Jean Dupont - Acme": a remark after a whole name ("Jean - Pierre" is a name)
        raw = before_remark
    rest, civility = _strip_civilities(_clean(raw))
    # a remark in brackets is no part of the name: "Dupont Jean (Direction)"
    rest = _clean(_REMARK.sub(" ", rest)) if "(" in rest else _clean(rest)
    # nor is a generational suffix: "Gérard FLEURY fils" (split_suffix gives it)
    rest = split_suffix(rest, min_words=2)[0]

    def done(first: str, last: str) -> tuple[str | None, str, str]:
        return civility, _case(_clean(first)) if first else "", _case(_clean(last)) if last else ""

    if "," in rest:
        last, _, first = rest.partition(",")
        return done(first.replace(",", " "), last)
    tokens = rest.split()
    if len(tokens) > 1 and tokens[0].lower().rstrip(".") in _HOUSEHOLD_WORDS:
        tokens = tokens[1:]  # "Famille Martin": a household, known by its name
    if len(tokens) > 1 and fold(tokens[0].rstrip(".")) in ("veuve", "vve"):
        # "Vve Martin Jeanne", "Mme Vve Dupont": a widow, known by her married name,
        # which the word follows (the way administrations write it)
        _, first, last = split_full_name(" ".join(tokens[1:]), last_first=True)
        return civility or "Mme", first, last
    married = next(
        (i for i, t in enumerate(tokens[1:-1], 1) if fold(t.rstrip(".")) in _MARRIED_WORDS),
        None,
    )
    if married is not None:
        # "Marie Dupont ép. Martin", "Dupont (née Martin) Marie": the word before the
        # marker, the marker and the word after it are one last name (both names kept)
        last = " ".join(tokens[married - 1 : married + 2])
        first = " ".join(tokens[: married - 1] + tokens[married + 2 :])
        return done(first, last)
    if not tokens:
        return civility, "", ""
    if len(tokens) == 1:
        return done("", tokens[0])
    if (
        len(tokens) >= 4
        and tokens[1].lower() in _COUPLE_WORDS
        and is_first_name(tokens[0])
        and is_first_name(tokens[2])
    ):
        # "Jean et Marie Dupont": a couple, both first names kept
        return civility, f"{_case(tokens[0])} {tokens[1].lower()} {_case(tokens[2])}", _case(
            _clean(" ".join(tokens[3:]))
        )
    # The words in capitals are the last name ("BEN ALI Valérie", "Linh BEN AHMED"),
    # whatever particles or first names they hold.
    upper = [_is_upper_token(t) and not _INITIAL.fullmatch(t) for t in tokens]
    if any(upper) and not all(upper):
        start = upper.index(True)
        end = len(upper) - 1 - upper[::-1].index(True)
        while start > 0 and tokens[start - 1].lower().rstrip("'") in {"de", "du", "des", "d"}:
            start -= 1
        last = " ".join(tokens[start : end + 1])
        first = " ".join(tokens[:start] + tokens[end + 1 :])
        if first:
            return done(first, last)
    if last_first:
        # the column says "NOM PRENOM": the known first names at the end are the first
        # name, else the last word ("SIMON ANNE-SOPHIE", "ROUSSEAU JOÃO"), unless the
        # cell plainly starts with its first name ("Jean Dupont", typed the usual way)
        k = len(tokens)
        while k > 1 and is_first_name(tokens[k - 1]):
            k -= 1
        if k < len(tokens) or not is_first_name(tokens[0]):
            k = min(k, len(tokens) - 1)
            return done(" ".join(tokens[k:]), " ".join(tokens[:k]))
    lead = tokens[0].lower()
    if (
        lead in _LEADING_PARTICLES
        or lead.startswith("d'")
        or (lead in _ARABIC_PARTICLES and len(tokens) > 2 and is_first_name(tokens[-1]))
    ):
        # "Le Goff Yann", "DE LA FONTAINE Jean", "El Amrani Mohamed": the name starts
        # with its particle; the first names, if any, are the known ones at the end
        # ("Ben Dupont" is Ben: two words after an Arabic particle are needed); the
        # particles and the word after them stay the name ("Ben Ali Mohamed": Ali is a
        # first name too, but "Ben" alone is no family name)
        floor = 1
        while floor < len(tokens) - 1 and (
            tokens[floor - 1].lower() in _LEADING_PARTICLES | _ARABIC_PARTICLES
        ):
            floor += 1
        k = len(tokens)
        while k > floor and is_first_name(tokens[k - 1]):
            k -= 1
        return done(" ".join(tokens[k:]), " ".join(tokens[:k]))
    for i in range(1, len(tokens)):
        low = tokens[i].lower()
        # "Ben" ends "HAMEL BEN" as a first name, not as the start of a family name.
        last_word = i == len(tokens) - 1
        if (low in _SPLIT_PARTICLES and not (last_word and low in _ARABIC_PARTICLES)) or (
            low.startswith("d'")
        ):
            return done(" ".join(tokens[:i]), " ".join(tokens[i:]))
    # One cell's two words have no columns to say their order: a known first name
    # second is the only clue, so a near miss of a first name first ("HAMEL BEN",
    # Hamel ~ Hazel) does not outweigh it, unlike in two columns (looks_swapped).
    if len(tokens) == 2:
        # an initial before the name is a first name ("P. Martin"; after it, "Jean D.",
        # it is the last name's); so is a compound of first names ("Martin Paul-Henri")
        if _INITIAL.fullmatch(tokens[0]) and not _INITIAL.fullmatch(tokens[1]):
            return done(tokens[0], tokens[1])
        if "-" in tokens[1] and "-" not in tokens[0] and is_first_name(tokens[1]):
            return done(tokens[1], tokens[0])
    if (
        len(tokens) == 2
        and not is_first_name(tokens[0])
        and not nickname_of(tokens[0])  # "Fanfan Richard": a diminutive first
        and is_first_name(tokens[1])
    ):
        return done(tokens[1], tokens[0])
    if (
        len(tokens) > 2
        and not is_first_name(tokens[0])
        and not nickname_of(tokens[0])
        and is_first_name(tokens[-1])
    ):
        # "dupont jean pierre", no capitals to tell: the known first names end the cell
        # (two words were decided above)
        k = len(tokens)
        while k > 1 and is_first_name(tokens[k - 1]):
            k -= 1
        return done(" ".join(tokens[k:]), " ".join(tokens[:k]))
    k = 1
    while k < len(tokens) - 1 and is_first_name(tokens[k]):
        k += 1
    return done(" ".join(tokens[:k]), " ".join(tokens[k:]))


#: Diminutive (folded) -> the full first names it usually stands for: the matcher's one
#: table of diminutives (:data:`carnet.match.nicknames.DIMINUTIVES`).
NICKNAMES: Mapping[str, tuple[str, ...]] = DIMINUTIVES


def nickname_of(name: str) -> tuple[str, ...]:
    """The full first names a diminutive stands for (empty when it is not one).

    >>> nickname_of("Steph"), nickname_of("cathy"), nickname_of("Jean")
    (('Stéphane', 'Stéphanie'), ('Catherine',), ())
    """
    key = fold(name)
    parts = key.split()
    if parts and all(len(p) == 1 for p in parts):  # initials: "J.-B." -> "jb"
        key = "".join(parts)
    return NICKNAMES.get(key, ())


@cache
def _reverse_nicknames() -> dict[str, frozenset[str]]:
    # only a diminutive of one name: Christophe and Christian are not one first name
    # because both are called Chris
    reverse: dict[str, set[str]] = {}
    for short, fulls in NICKNAMES.items():
        if len(fulls) == 1:
            reverse.setdefault(fold(fulls[0]), set()).add(short)
    return {k: frozenset(v) for k, v in reverse.items()}


def first_name_variants(name: str) -> frozenset[str]:
    """Folded keys that may denote the same first name: itself, what it is short
    for, and the diminutives that stand for it alone. For matching ("Cathy" ~
    "Catherine"); two full names never share a variant, whatever diminutive both
    are given ("Chris": Christophe and Christian).

    >>> sorted(first_name_variants("Catherine"))
    ['cath', 'catherine', 'cathy', 'kathy']
    >>> first_name_variants("Christophe") & first_name_variants("Christian")
    frozenset()
    """
    key = fold(name)
    if not key:
        return frozenset()
    variants = {key}
    variants.update(fold(full) for full in nickname_of(name))
    variants.update(_reverse_nicknames().get(key, ()))
    return frozenset(variants)
