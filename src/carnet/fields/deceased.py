"""Reading that a person died, as French customer files write it.

A file marks the dead in many ways: a flag column ("Décédé", "DCD", "Décès",
"Deceased": Oui/Non, X, 1/0, True), a date-of-death column, a note ("Décédé en
2021", "client décédé, courrier retourné", "Décès signalé par la fille"), La
Poste's return reason "Décédé" in an NPAI/PND column, or a marker in the
last-name cell ("DUPONT (DCD)", "Dupont Jean - décédé"). Sending a campaign to a
dead customer is the classic CRM failure, and a grief for the family.

Marking someone dead who is alive loses a customer, so the readers are strict
about what is *not* a death of this person: an insurance product ("assurance
décès", "capital décès", "garantie décès"), a relative's death ("décès d'un
proche", "mari décédé en 2019"), a denial ("Décédé : Non", "n'est pas décédé"),
a warning about someone else ("ne pas confondre avec le client décédé"), a
doubt ("décédé ?", "serait décédé, à vérifier") and "DCD" inside a code
("CLI-DCD-042").

Dates keep the precision they were written with: ``2021``, ``2021-03``,
``2021-03-14``.

>>> says_deceased("Client décédé, courrier retourné"), says_deceased("Assurance décès")
(True, False)
>>> check_flag("DCD").normalised, check_flag("Non").normalised
('true', 'false')
>>> split_name_marker("DUPONT (DCD)")
('DUPONT', '(DCD)')
>>> death_date_in("Décédée le 14/03/2021"), death_date_in("Décédé en 2021")
('2021-03-14', '2021')
"""

from __future__ import annotations

import re
from functools import lru_cache

from carnet.fields import dates
from carnet.fields.catalog import fold_header
from carnet.fields.verdict import Verdict

#: A cell of a flag column, or an NPAI/PND column's reason, that says "dead" (folded).
DEATH_WORDS = frozenset({
    "dcd", "decede", "decedee", "decede e", "decedes", "decedees", "deces", "deceased",
    "dead", "died", "mort", "morte", "defunt", "defunte", "oui decede", "oui decedee",
    "client decede", "cliente decedee", "personne decedee", "destinataire decede",
    "destinataire decedee", "pnd decede", "npai decede", "retour decede",
})
#: A name cell that is only a death marker (folded): narrower than :data:`DEATH_WORDS`, as
#: Défunt, Mort and Lemort are surnames.
NAME_MARKERS = frozenset({"dcd", "decede", "decedee", "decede e", "deceased"})
#: Yes and no in a flag column (folded). Narrower than a consent column's words: "inscrit"
#: or "abonné" under "Décédé" means nothing.
_YES = frozenset({"1", "oui", "o", "yes", "y", "x", "true", "vrai", "v"})
_NO = frozenset({
    "0", "non", "n", "no", "false", "faux", "f", "vivant", "vivante", "en vie", "alive",
    "actif", "active", "non decede", "non decedee", "pas decede", "pas decedee",
    "not deceased", "living",
})
_MARKS = {"✓": "true", "✔": "true", "☑": "true", "†": "true", "✝": "true", "✗": "false",
          "✘": "false", "☐": "false"}

#: People a death may be about who are not the customer (folded, one or two words).
_RELATIVES = frozenset({
    "mari", "epoux", "epouse", "femme", "conjoint", "conjointe", "compagnon", "compagne",
    "concubin", "concubine", "pere", "mere", "papa", "maman", "parent", "parents", "fils",
    "fille", "enfant", "enfants", "bebe", "frere", "soeur", "oncle", "tante", "cousin",
    "cousine", "neveu", "niece", "grand", "proche", "proches", "ami", "amie", "voisin",
    "voisine", "beau", "belle", "gendre", "bru", "associe", "associee", "chien", "chat",
    "husband", "wife", "spouse", "partner", "father", "mother", "son", "daughter",
    "brother", "sister", "child", "relative", "friend", "dad", "mum", "mom",
})
#: Words before "décès" / "death" that make it a product or a hypothesis, not an event.
_PRODUCT = frozenset({
    "assurance", "assurances", "capital", "garantie", "garanties", "prevoyance", "contrat",
    "rente", "indemnite", "indemnites", "allocation", "prime", "frais", "option", "formule",
    "couverture", "clause", "beneficiaire", "beneficiaires", "cas", "obseques", "risque",
    "insurance", "benefit", "cover", "policy", "life",
})
#: Words after "décès" that make it a product ("décès accidentel" stays an event).
_PRODUCT_AFTER = frozenset({"invalidite", "benefit", "insurance", "cover", "policy"})
#: Words before "DCD" that make it part of a code or a name of something.
_CODE = frozenset({"code", "ref", "reference", "id", "n", "no", "num", "numero", "agence",
                   "service", "site", "projet", "dept", "departement", "type", "lot"})
#: Words before "décès" that make it an event: "avis de décès", "suite au décès".
_EVENT_BEFORE = frozenset({"avis", "acte", "certificat", "part", "notification", "declaration",
                           "suite", "cause", "raison", "motif", "constat", "annonce", "date"})
#: Words after "décès" that make it an event: "décès signalé", "décès le 12/03".
_EVENT_AFTER = frozenset({
    "signale", "signalee", "confirme", "confirmee", "constate", "constatee", "annonce",
    "annoncee", "survenu", "survenue", "intervenu", "le", "en", "au", "depuis", "recent",
    "reported", "confirmed", "client", "cliente", "titulaire", "adherent", "adherente",
    "assure", "assuree", "abonne", "abonnee", "m", "mr", "mme", "mlle", "monsieur", "madame",
    "personne", "interesse", "interessee", "on", "in",
})
#: Prepositions after "décès" before whose death it is: "décès de son mari".
_OF = frozenset({"de", "d", "du", "des", "of"})
#: Words skipped looking back from "décédé" for whose death it is ("sa mère est décédée").
_FILLERS = frozenset({"est", "etait", "a", "ete", "son", "sa", "ses", "le", "la", "les", "du",
                      "de", "d", "l", "un", "une", "notre", "votre", "leur", "her", "his",
                      "their", "has", "had", "is", "was", "the"})
_NEGATIONS = frozenset({"non", "pas", "jamais", "not", "never", "no", "n"})
_DENIED_AFTER = frozenset({"non", "no", "0", "faux", "false", "n"})
#: Whole-note words that make it about someone else, a doubt or an error.
_NOT_THIS_PERSON = re.compile(
    r"\b(?:confondre|homonymes?|namesake|pas (?:le|la) meme|not the same|autre personne"
    r"|peut etre|serait|seraient|possiblement|probablement|suppose|supposee|a verifier"
    r"|a confirmer|maybe|possibly|probably|to be confirmed|erreur|par erreur|mistake"
    r"|vivante?|toujours en vie|still alive|not deceased)\b"
)
#: "décédé ?": a question, not a fact.
_QUESTIONED = re.compile(r"(?:d[ée]c[ée]d[ée]e?s?|d[ée]c[èe]s|dcd|deceased)\s*\?", re.I)
#: "DCD" as a word of its own, not inside a code ("CLI-DCD-042", "DCD2019").
_DCD_WORD = re.compile(r"(?<![\w\-/.])dcd(?![\w\-/])", re.I)
#: "décédé", "décès", "deceased", "died", "passed away" (folded words).
_ADJECTIVES = frozenset({"decede", "decedee", "decedes", "decedees", "deceased", "dcd",
                         "died", "defunt", "defunte"})


@lru_cache(maxsize=4096)
def says_deceased(note: str | None) -> bool:
    """True when a free-text note says the person themself died.

    >>> says_deceased("Décès signalé par la fille"), says_deceased("Décès d'un proche")
    (True, False)
    >>> says_deceased("DCD"), says_deceased("Réf CLI-DCD-042")
    (True, False)
    >>> says_deceased("Décédé : Non"), says_deceased("ne pas confondre avec le client décédé")
    (False, False)
    """
    return _death_at(note) is not None


def _death_at(note: str | None) -> int | None:
    """Where in the raw note the death of the person is said (an offset), or None."""
    if not note or not isinstance(note, str):
        return None
    folded = fold_header(note)
    if not folded or _NOT_THIS_PERSON.search(folded) or _QUESTIONED.search(note):
        return None
    words = folded.split()
    for i, word in enumerate(words):
        if word in _ADJECTIVES or (word == "passed" and words[i + 1 : i + 2] == ["away"]):
            if word == "dcd" and (
                not _DCD_WORD.search(note) or (i and words[i - 1] in _CODE)
            ):
                continue
            if _about_a_relative(words, i) or _denied(words, i):
                continue
            return _offset(note, words, i)
        if word in ("deces", "death") and _death_event(words, i):
            return _offset(note, words, i)
    return None


def _about_a_relative(words: list[str], i: int) -> bool:
    """Whether the words before ``words[i]`` ("son mari est décédé") name a relative."""
    seen = 0
    for word in reversed(words[max(0, i - 6) : i]):
        if word in _RELATIVES:
            return True
        if word not in _FILLERS:
            seen += 1
            if seen >= 2:
                return False
    return False


def _denied(words: list[str], i: int) -> bool:
    """"pas décédé", "Décédé : Non", "n'est pas décédé": a denial."""
    before = words[max(0, i - 2) : i]
    after = words[i + 1 : i + 2]
    return any(w in _NEGATIONS for w in before) or any(w in _DENIED_AFTER for w in after)


def _death_event(words: list[str], i: int) -> bool:
    """Whether "décès" at ``words[i]`` is this person's death, not a product or a relative's."""
    before = [w for w in words[max(0, i - 3) : i] if w not in _OF and w not in ("au", "en")]
    if any(w in _PRODUCT for w in before[-2:]) or _denied(words, i):
        return False
    after = words[i + 1 : i + 4]
    if after and after[0] in _PRODUCT_AFTER:
        return False
    if after and after[0] in _OF:
        # "décès de son mari" is a relative's; "décès du client", "décès de Mme X" the person's
        if any(w in _RELATIVES for w in after[1:]):
            return False
        return len(after) > 1 and (after[1] in _EVENT_AFTER or after[1] in ("l", "la", "le"))
    if not after:
        return True  # "Décès" alone, or ending the note: "Motif de sortie : décès"
    if after[0] in _EVENT_AFTER or after[0].isdigit():
        return True
    return bool(before) and before[-1] in _EVENT_BEFORE


def _offset(note: str, words: list[str], i: int) -> int:
    """Where in the raw note the death word ``words[i]`` starts: the raw words that fold
    to a death word come in the same order as the folded ones."""
    rank = sum(1 for w in words[:i] if w in _DEATHLY)
    found = list(_RAW_DEATHLY.finditer(note))
    return found[rank].start() if rank < len(found) else 0


#: The folded words :func:`_offset` counts, and how they are written.
_DEATHLY = _ADJECTIVES | {"passed", "deces", "death"}
_RAW_DEATHLY = re.compile(
    r"\b(?:d[ée]c[ée]d[ée]e?s?|d[ée]c[èe]s|dcd|deceased|died|passed|death|d[ée]funte?)\b", re.I
)


#: A date written after the death word: "le 14/03/2021", "2021-03-14", "03/2021",
#: "en 2021", "le 3 mars 2021", "mars 2021".
_DATE_IN_TEXT = re.compile(
    r"\b(?:\d{1,2}[/.\-]\d{1,2}[/.\-]\d{4}|\d{4}-\d{2}-\d{2}|\d{1,2}[/.\-]\d{4}"
    r"|(?:\d{1,2}(?:er)?\s+)?(?:janv|f[ée]vr|mars|avr|mai|juin|juil|ao[uû]t|sept|oct|nov"
    r"|d[ée]c)[a-zéû]*\.?\s+\d{4}|(?:19|20)\d{2})\b",
    re.I,
)


def death_date_in(note: str | None) -> str | None:
    """The date of death a note gives after saying it, at the precision written, or None.

    >>> death_date_in("Décès signalé le 3 mars 2022"), death_date_in("DCD 03/2020")
    ('2022-03-03', '2020-03')
    >>> death_date_in("Appel du 12/01/2024 : décédé") is None
    True
    """
    at = _death_at(note)
    if at is None:
        return None
    assert note is not None
    for found in _DATE_IN_TEXT.finditer(note, at):
        written = read_date(found.group(0))
        if written is not None:
            return written
    return None


def read_date(raw: str) -> str | None:
    """A date as written, ISO at its precision (``2021``, ``2021-03``, ``2021-03-14``).

    >>> read_date("14/03/2021"), read_date("03/2021"), read_date("2021"), read_date("oui")
    ('2021-03-14', '2021-03', '2021', None)
    """
    verdict = dates.check(raw, kind="since")
    if not verdict.ok or not verdict.normalised:
        return None
    precision = verdict.details.get("precision")
    if precision == "year":
        return verdict.normalised[:4]
    if precision == "month":
        return verdict.normalised[:7]
    return verdict.normalised[:10]


def check_flag(raw: str) -> Verdict:
    """A cell of a "Décédé" / "DCD" / "Deceased" column: yes (``true``), no (``false``),
    a death word ("DCD", "Décédé"), or the date of death (a yes, the date in
    ``details["date"]``). Anything else is invalid and kept as written.

    >>> check_flag("X").normalised, check_flag("Vivant").normalised
    ('true', 'false')
    >>> check_flag("12/03/2021").details
    {'date': '2021-03-12'}
    >>> check_flag("peut-être").status.value
    'invalid'
    """
    stripped = raw.strip()
    if stripped in _MARKS:
        return Verdict.valid(raw, _MARKS[stripped])
    key = fold_header(raw)
    if key in _YES or key in DEATH_WORDS:
        return Verdict.valid(raw, "true")
    if key in _NO:
        return Verdict.valid(raw, "false")
    written = read_date(stripped) if any(c.isdigit() for c in stripped) else None
    if written is not None:
        return Verdict.valid(raw, "true", details={"date": written})
    if says_deceased(raw):
        date = death_date_in(raw)
        return Verdict.valid(raw, "true", details={"date": date} if date else {})
    return Verdict.invalid(raw, ("not a yes/no value, 'DCD' or a date of death",))


def check_date(raw: str) -> Verdict:
    """A cell of a "Date de décès" column: the date, ISO at the precision written
    (``2021`` stays a year); a yes or no there ("DCD", "Non") reads as in a flag column
    (``details["flag"]``).

    >>> check_date("14/03/2021").normalised, check_date("2021").normalised
    ('2021-03-14', '2021')
    >>> check_date("Non").details
    {'flag': 'false'}
    """
    written = read_date(raw.strip())
    if written is not None:
        return Verdict.valid(raw, written)
    flag = check_flag(raw)
    if flag.ok:
        return Verdict.valid(raw, str(flag.normalised), details={"flag": str(flag.normalised)})
    return Verdict.invalid(raw, ("not a date of death",))


def says_returned_as_deceased(raw: str | None) -> bool:
    """Whether an NPAI/PND cell gives La Poste's return reason "Décédé".

    >>> says_returned_as_deceased("Décédé"), says_returned_as_deceased("NPAI")
    (True, False)
    """
    return bool(raw) and fold_header(str(raw)) in DEATH_WORDS


#: A death marker in a name cell: in brackets anywhere ("DUPONT (DCD)", "Martin [décédée]",
#: "(† 2021)"), after a dash, slash or comma at the end ("Dupont Jean - décédé"), as the
#: last word ("DUPONT DCD", "Martin †"), or the first ("† Martin", "DCD - Dupont").
_MARKER = (
    r"(?:dcd|d[ée]c[ée]d[ée]e?|deceased|†|✝)(?:\s*(?:le|en|depuis|in|on)?\s*"
    r"[\d][\d/.\-]*)?"
)
_BRACKETED = re.compile(rf"\s*[(\[]\s*(?:{_MARKER}|\+)\s*[)\]]", re.I)
_TRAILING = re.compile(rf"(?:\s*[-–—/,:]\s*|\s+)({_MARKER})\.?\s*$", re.I)
_TRAILING_CROSS = re.compile(r"\s*([†✝])\s*$")
_LEADING = re.compile(rf"^\s*({_MARKER})(?:\s*[-–—/,:]\s*|\s+)(?=\S)", re.I)


@lru_cache(maxsize=4096)
def split_name_marker(cell: str) -> tuple[str, str | None]:
    """A name cell without its death marker, and the marker as written (None: none).

    >>> split_name_marker("Dupont Jean - décédé"), split_name_marker("MARTIN DCD")
    (('Dupont Jean', 'décédé'), ('MARTIN', 'DCD'))
    >>> split_name_marker("† Martin"), split_name_marker("Dupont (+)")
    (('Martin', '†'), ('Dupont', '(+)'))
    >>> split_name_marker("Dupont-Dcdé"), split_name_marker("Decede")
    (('Dupont-Dcdé', None), ('Decede', None))
    """
    found = _BRACKETED.search(cell)
    if found is not None:
        rest = (cell[: found.start()] + " " + cell[found.end() :]).strip()
        return (" ".join(rest.split()), found.group(0).strip()) if rest else (cell, None)
    for pattern in (_TRAILING, _TRAILING_CROSS, _LEADING):
        found = pattern.search(cell)
        if found is not None:
            rest = (cell[: found.start()] + cell[found.end() :]).strip()
            if rest:
                return rest, found.group(1)
    return cell, None
