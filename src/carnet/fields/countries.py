"""Country names as customer files write them, to ISO 3166-1 alpha-2 codes.

Every country and territory of ISO 3166-1 (pycountry's table) is known by its
two- and three-letter codes and its names in English, French, German, Dutch,
Spanish, Italian and Portuguese, folded (no accents, case or punctuation):
"Allemagne", "Deutschland", "Royaume-Uni", "België", "Guadeloupe" (GP, with
its own phone plan and postcodes), "Nouvelle-Calédonie". A few names no table
gives are added by hand ("Angleterre", "Hollande", "USA", "La Réunion").

>>> country_code("Belgique"), country_code("Deutschland"), country_code("DEU")
('BE', 'DE', 'DE')
>>> country_code("La Réunion"), country_code("Angleterre"), country_code("Atlantide") is None
('RE', 'GB', True)
>>> country_code("DOM-TOM"), country_code("DOM")
('FR', 'FR')
"""

from __future__ import annotations

from functools import cache

import pycountry

from carnet.fields._common import NameTable, pycountry_translations
from carnet.fields.catalog import fold_header

__all__ = ["AMBIGUOUS", "OVERSEAS", "country_code"]

#: Languages whose country names are read (pycountry's translations of ISO 3166-1).
LANGUAGES = ("fr", "de", "nl", "es", "it", "pt")

#: Folded words for the French overseas as a whole: France, the postcode telling where.
OVERSEAS = frozenset({"dom", "tom", "dom tom", "drom", "drom com", "outre mer",
                      "france d outre mer", "france outre mer"})

#: Folded names of two countries: refused, with both.
AMBIGUOUS = {"congo": ("CG", "CD"), "coree": ("KR", "KP"), "korea": ("KR", "KP")}

#: Names and codes no ISO table gives, as people write them (folded).
_BY_HAND = {
    "uk": "GB", "angleterre": "GB", "england": "GB", "ecosse": "GB", "scotland": "GB",
    "pays de galles": "GB", "wales": "GB", "irlande du nord": "GB", "northern ireland": "GB",
    "grande bretagne": "GB", "great britain": "GB", "britain": "GB",
    "hollande": "NL", "holland": "NL",
    "usa": "US", "etats unis": "US", "etats unis d amerique": "US", "amerique": "US",
    "united states": "US", "united states of america": "US",
    "la reunion": "RE", "reunion": "RE", "ile de la reunion": "RE",
    "guyane": "GF", "la guyane": "GF",
    "corse": "FR", "france metropolitaine": "FR", "metropole": "FR",
    # the French overseas, never the Dominican Republic (whose ISO alpha-3 code is DOM)
    **dict.fromkeys(OVERSEAS, "FR"),
    "vietnam": "VN", "russie": "RU", "coree du sud": "KR", "south korea": "KR",
    "coree du nord": "KP", "north korea": "KP", "tchequie": "CZ", "republique tcheque": "CZ",
    "czech republic": "CZ", "suisse": "CH", "schweiz": "CH", "svizzera": "CH",
    "cote d ivoire": "CI", "ivory coast": "CI", "el": "GR",
    "saint martin": "MF", "st martin": "MF", "saint barthelemy": "BL", "st barth": "BL",
    "st barthelemy": "BL", "saint barth": "BL", "ile maurice": "MU", "tahiti": "PF",
    "polska": "PL", "osterreich": "AT", "danmark": "DK", "sverige": "SE", "norge": "NO",
    "suomi": "FI", "magyarorszag": "HU", "ellada": "GR", "cesko": "CZ", "letzebuerg": "LU",
    # "Congo" alone names two countries and stays unknown; these do not
    "rdc": "CD", "r d c": "CD", "rd congo": "CD", "congo kinshasa": "CD",
    "republique democratique du congo": "CD", "congo brazzaville": "CG",
    "republique du congo": "CG", "st pierre et miquelon": "PM", "spm": "PM", "quebec": "CA",
}


@cache
def _names() -> dict[str, str]:
    """Folded name or code → alpha-2 code; a name two countries share is left out."""
    found = NameTable(fold_header)
    add = found.add
    translations = pycountry_translations("iso3166-1", LANGUAGES)
    for country in pycountry.countries:
        code = country.alpha_2
        add(code, code)
        add(country.alpha_3, code)
        english = [country.name, getattr(country, "common_name", None),
                   getattr(country, "official_name", None)]
        for name in english:
            add(name, code)
            for translation in translations:
                add(translation.gettext(name) if name else None, code)
        for name in [*english, *(t.gettext(country.name) for t in translations)]:
            # "Corée, République de", "Iran, Islamic Republic of": the name before the comma
            if name and "," in name:
                add(name.split(",", 1)[0], code)
    names = found.table()
    names.update(_BY_HAND)
    return names


def country_code(text: str) -> str | None:
    """The ISO 3166-1 alpha-2 code a country name or code denotes, or None."""
    return _names().get(fold_header(text))
