"""Languages as customer files write them, to ISO 639-1 codes.

Every language of ISO 639 that has a two-letter code (pycountry's table) is known
by its codes and by its name in English, French, German, Dutch, Spanish, Italian
and Portuguese, folded (no accents, case or punctuation): "Anglais", "Deutsch",
"Italiano", "Néerlandais". Exports also write a locale ("fr_FR", "pt-BR": the
language is its first part), a variant ("English (US)") or the English name and
the language's own ("French / Français", Odoo): each is read, and the parts of a
name written twice must agree.

>>> language_code("Français"), language_code("fr_FR"), language_code("English (US)")
('fr', 'fr', 'en')
>>> language_code("German / Deutsch"), language_code("Italiano"), language_code("pt-BR")
('de', 'it', 'pt')
>>> language_code("Klingon") is None, language_code("French / Deutsch") is None
(True, True)
"""

from __future__ import annotations

import re
from functools import cache

import pycountry

from carnet.fields._common import NameTable, pycountry_translations
from carnet.fields.catalog import fold_header

__all__ = ["language_code", "language_codes"]

#: Languages whose names of languages are read (pycountry's translations of ISO 639).
LANGUAGES = ("fr", "de", "nl", "es", "it", "pt")

#: Names no table gives, as people write them (folded).
_BY_HAND = {
    "flamand": "nl", "flemish": "nl", "vlaams": "nl", "hollandais": "nl",
    "castillan": "es", "castellano": "es", "bresilien": "pt", "portugais bresilien": "pt",
    "chinois mandarin": "zh", "mandarin": "zh", "farsi": "fa", "persan": "fa",
    "alsacien": "de", "occitan": "oc", "breton": "br", "corse": "co", "basque": "eu",
    "catalan": "ca", "creole": "ht", "arabe": "ar", "anglais americain": "en",
    "anglais britannique": "en", "american english": "en", "british english": "en",
}
#: A locale or a code with its region: "fr_FR", "fr-BE", "pt-BR", "zh-Hans-CN".
_LOCALE = re.compile(r"^([a-z]{2,3})(?:[-_][a-z0-9]{2,8})+$")
#: What follows a name to say which variant: "English (US)", "Français [Canada]".
_VARIANT = re.compile(r"\s*[(\[][^)\]]*[)\]]\s*")


@cache
def _names() -> dict[str, str]:
    """Folded name or code → alpha-2 code; a name two languages share is left out."""
    found = NameTable(fold_header)
    add = found.add
    translations = pycountry_translations("iso639-3", LANGUAGES)
    for language in pycountry.languages:
        code = getattr(language, "alpha_2", None)
        if code is None:
            continue
        add(code, code)
        add(language.alpha_3, code)
        # ISO 639-2/B, which library and older systems use: "fre", "ger", "dut"
        add(getattr(language, "bibliographic", None), code)
        for name in filter(None, (language.name, getattr(language, "common_name", None))):
            for written in (name, *(t.gettext(name) for t in translations)):
                add(written, code)
                # "Espagnol; Castillan", "Modern Greek (1453-)": each name, bare
                for part in re.split(r"[;,]", written):
                    add(_VARIANT.sub(" ", part), code)
    names = found.table()
    names.update(_BY_HAND)
    return names


def _one(text: str) -> str | None:
    folded = fold_header(_VARIANT.sub(" ", text))
    if not folded:
        return None
    names = _names()
    if folded in names:
        return names[folded]
    locale = _LOCALE.match(text.strip().lower())
    if locale is not None:
        return names.get(locale.group(1))
    return None


def language_code(text: str) -> str | None:
    """The ISO 639-1 code a language's name, code or locale denotes, or None.

    A name written twice ("French / Français") gives a code only when both parts
    agree; a part neither names (a typo) does not stop the other from answering.
    """
    parts = [p for p in re.split(r"\s*/\s*", text) if p.strip()]
    if not parts:
        return None
    codes = {code for code in map(_one, parts) if code is not None}
    return codes.pop() if len(codes) == 1 else None


#: Between the languages of one cell: "Français, Anglais", "français et anglais". Not
#: "/", which joins two names of one language ("French / Français", Odoo) but for codes.
_SEVERAL = re.compile(r"\s*(?:[,;&+|]|\bet\b|\band\b)\s*", re.IGNORECASE)
#: Two-letter codes joined by "/": "FR/EN".
_CODES = re.compile(r"[a-z]{2}(?:\s*/\s*[a-z]{2})+", re.IGNORECASE)


def language_codes(text: str) -> list[str] | None:
    """The codes of a cell naming languages one after the other, in its order (each
    once), or None when it is one name or a part names none.

    >>> language_codes("Français, Anglais"), language_codes("FR/EN"), language_codes("fr, FR")
    (['fr', 'en'], ['fr', 'en'], ['fr'])
    >>> language_codes("Français") is None, language_codes("Français, Klingon") is None
    (True, True)
    """
    splitter = _SEVERAL if not _CODES.fullmatch(text.strip()) else re.compile(r"\s*/\s*")
    parts = [p for p in splitter.split(text) if p.strip()]
    if len(parts) < 2:
        return None
    codes = [_one(part) for part in parts]
    if any(code is None for code in codes):
        return None
    return list(dict.fromkeys(c for c in codes if c is not None))
