"""Oppositions written in a note: "Ne souhaite pas recevoir la newsletter".

A trade-show sheet's "Commentaire", a call-centre note or a CRM's "Remarques"
is where a salesperson writes down that the person said no: "ne plus appeler",
"pas de mail", "STOP SMS", "refuse la prospection". Imported as text only,
the person stayed mailable and callable, which the law does not forgive: an
opposition holds however it was recorded. :func:`opposed_channels` reads such
a note and says what it closes.

It reads only plain refusals. A preference of when or where ("ne pas appeler
avant 18h", "pas d'appel au bureau") closes nothing, nor does a note about the
salesperson's own follow-up ("ne pas relancer avant mars"), nor a wish ("souhaite
recevoir la newsletter"): free text is no proof of a consent, only of a refusal.
"""

from __future__ import annotations

import re
from functools import lru_cache

from carnet.fields.catalog import fold_header

#: What a refusal is about, by the words a note uses for it: a channel, every
#: channel ("all": "ne plus contacter", "refuse la prospection"), or the newsletter
#: (one purpose on e-mail, as an unsubscribe column says).
_ABOUT = {
    "newsletter": r"(?:la |les |une |des |de |d )?"
    r"(?:newsletters?|infolettres?|lettres? d info(?:rmation)?s?)",
    "email": r"(?:(?:d |des |les |de |la |aux )?"
    r"(?:e ?mails?|mails?|courriels?|e ?mailings?|mailings?|emailings?)"
    r"|(?:etre )?(?:contactee?s? |sollicitee?s? )?par (?:e ?mail|mail|courriel))",
    "sms": r"(?:(?:de |des |les |d |aux )?(?:sms|textos?)|(?:etre )?(?:contactee?s? )?par sms)",
    "phone": r"(?:(?:d |des |les |aux )?appels?(?: telephoniques?)?"
    r"|(?:etre )?(?:rappelee?s?|appelee?s?|telephonee?s?)|appeler|rappeler|telephoner"
    r"|(?:le |de )?demarchage telephonique|(?:etre )?(?:contactee?s? )?par telephone)",
    "post": r"(?:(?:de |des |les |le |du |aux )?"
    r"(?:courriers?|catalogues?|prospectus|publicites? papier|pubs? papier|mailings? papier)"
    r"|ecrire|(?:etre )?(?:contactee?s? )?par courrier)",
    "all": r"(?:(?:etre )?(?:re)?contactee?s?(?! par )|(?:re)?contacter(?! par )|solliciter"
    r"|(?:etre )?sollicitee?s?|(?:de |la |les |aux )?(?:sollicitations?"
    r"|prospection(?: commerciale)?|publicites?|pubs?|offres?(?: commerciales?| promotionnelles?)?"
    r"|promotions?|promos?)|demarcher|(?:etre )?demarchee?s?|(?:plus )?rien recevoir|plus rien)",
}

#: The refusal, ending with its space: "ne souhaite pas (recevoir)", "ne plus", "pas de",
#: "refuse (de recevoir)", "stop", "opposé(e) à", "désabonné(e) de". "n'a pas de mail"
#: says the person has none, not that they refuse one.
_WANTS = r"(?:souhaite|veut|desire|veux|voulait|souhaitait|souhaitent|veulent|accepte|acceptent)"
_REFUSAL = (
    rf"(?:ne (?:(?:le|la|les|en|lui|leur) )?{_WANTS} (?:pas|plus)(?: du tout)? "
    rf"|n (?:en )?{_WANTS} (?:pas|plus)(?: du tout)? "
    r"|ne (?:pas|plus|jamais) "
    r"|(?<!n a )(?<!n avait )(?<!n ont )(?<!n ai )(?:pas|jamais|plus jamais) (?:de |d )"
    r"|aucune? |stop "
    r"|refuse(?:nt)? (?:de recevoir |d etre |de |les |la |le |des |l )?"
    r"|refus (?:de la |de |d |des |du )?"
    r"|opposee?s? (?:a la |a |aux )|opposition (?:a la |a |aux )"
    r"|desabonnee?s? (?:de la |de |des |du )?|desinscrite?s? (?:de la |de |des |du )?)"
)
#: Words a refusal may have before what it is about: "ne souhaite pas recevoir la ...",
#: "ne veut plus être appelé", "pas de mail ni de SMS".
_BETWEEN = (
    r"(?:(?:recevoir|etre|plus|pas|jamais|qu on|que l on|qu on lui|lui|le|la|les|de|d|des|du|nos"
    r"|vos|ses|leurs|envoyer|envoi|envois)\s)*"
)

#: A note of when or where, not whether: "ne pas appeler avant 18h", "pas d'appel au
#: bureau", "ne pas relancer avant mars", "pas de mail sur l'adresse pro"; or of what
#: happened, not of a wish: "aucune offre envoyée", "pas d'appel abouti", "aucun mail
#: ouvert depuis 2023".
_CONDITION = re.compile(
    r"\s(?:envoyee?s?|recue?s?|passee?s?|abouti|aboutie?s?|effectuee?s?|faite?s?|ouverte?s?"
    r"|lue?s?|cliquee?s?|depuis|encore|a ce jour|de notre part"
    r"|avant|apres|entre|pendant|jusqu|d ici|sauf si|le (?:matin|soir|midi|week end|weekend"
    r"|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)|les (?:matins|soirs|week ends)"
    r"|au (?:bureau|travail|fixe|standard|magasin)|sur (?:son |le |l )?(?:portable|fixe|mobile"
    r"|bureau|adresse|ancienne)|en (?:semaine|journee|ce moment)|ce (?:mois|trimestre)|cette"
    r" (?:semaine|annee|saison)|a (?:cette|l ancienne|son bureau)"
    r"|de \d|a \d|\d)"
)

_PATTERNS = {
    about: re.compile(rf"(?:^|\s)({_REFUSAL}{_BETWEEN}{words})(?=\s|$)")
    for about, words in _ABOUT.items()
}
#: Refusals that stand alone: "Bloctel", "désabonné(e)", "STOP" as a whole note.
_ALONE = {
    "phone": re.compile(r"(?:^|\s)(?:inscrite? (?:sur |a )?)?bloctel(?=\s|$)"),
    "newsletter": re.compile(r"^(?:desabonnee?s?|desinscrite?s?)$"),
    "all": re.compile(r"^(?:stop|npc)$|(?:^|\s)ne (?:veut|souhaite|desire|voulait|souhaitait)"
                      r" (?:plus )?rien(?: recevoir)?(?=\s|$)"),
}
#: Fast path: a note with none of these words refuses nothing.
_TRIGGERS = ("pas", "plus", "stop", "refus", "oppos", "desabonn", "desinscri", "bloctel", "aucun",
             "jamais", "ne ", "n ", "npc")


@lru_cache(maxsize=4096)
def opposed_channels(note: str | None) -> frozenset[str]:
    """What a note refuses: channels (``email``, ``sms``, ``phone``, ``post``), every
    channel (``all``) or the newsletter (``newsletter``); empty when it refuses nothing.

    >>> sorted(opposed_channels("Ne souhaite pas recevoir la newsletter"))
    ['newsletter']
    >>> sorted(opposed_channels("Pas de mail ni de SMS, ne plus appeler"))
    ['email', 'phone', 'sms']
    >>> sorted(opposed_channels("Ne pas appeler avant 18h")), sorted(opposed_channels("RAS"))
    ([], [])
    """
    if not note:
        return frozenset()
    text = fold_header(note)
    if not any(trigger in text for trigger in _TRIGGERS):
        return frozenset()
    found: set[str] = set()
    # a note is often several sentences: each is read on its own
    for sentence in re.split(
        r"\s(?:mais|car|donc|puis|sinon)\s|[.;!?\n/,]", _sentences(note), flags=re.IGNORECASE
    ):
        part = fold_header(sentence)
        if not part:
            continue
        refused: set[str] = set()
        for about, pattern in _PATTERNS.items():
            for match in pattern.finditer(part):
                if not _CONDITION.match(part, match.end()):
                    refused.add(about)
        if refused:
            # "pas de mail ni de SMS", "ne souhaite pas recevoir de mails et de SMS"
            for about, words in _ABOUT.items():
                if re.search(rf"\s(?:ni|et|ou) (?:de |d |les |par )?{words}(?=\s|$)", part):
                    refused.add(about)
        for about, pattern in _ALONE.items():
            if pattern.search(part):
                refused.add(about)
        found |= refused
    return frozenset(found)


def _sentences(note: str) -> str:
    """The note with its sentence marks kept apart from the words (fold_header drops
    them): "Pas de mail. Rappeler en janvier" is two sentences."""
    return re.sub(r"([.;!?\n/,])", r" \1 ", note)
