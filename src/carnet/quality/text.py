"""Words for the quality scores and report, in French (default) and English.

Scores store codes (:mod:`carnet.quality.scores`); this module turns them into
sentences a marketing manager reads.

>>> from carnet.fields.catalog import default_catalog
>>> cat = default_catalog()
>>> explain({"missing": ["birth_date", "job_title"], "invalid": [],
...          "stale": [["phone", "2021-03-02"]]}, cat, "en")
'missing: birth date, job title; phone unverified since 2021'
>>> explain({"missing": ["birth_date"], "invalid": ["email"], "stale": []}, cat)
'manque : date de naissance ; invalide : e-mail'
>>> explain({"missing": [], "invalid": [], "stale": []}, cat, "en")
'complete, valid and up to date'
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from carnet.fields.catalog import Catalog, Storage

LANGS = ("fr", "en")

_WORDS: dict[str, tuple[str, str]] = {
    "missing": ("manque : {}", "missing: {}"),
    "invalid": ("invalide : {}", "invalid: {}"),
    "unverified": ("{} non vérifié depuis {}", "{} unverified since {}"),
    "not_updated": ("{} pas mis à jour depuis {}", "{} not updated since {}"),
    "all_good": ("complet, valide et à jour", "complete, valid and up to date"),
    "and_more": ("{} et {} autres", "{} and {} more"),
}

CHANNEL_LABELS: dict[str, tuple[str, str]] = {
    "email": ("E-mail", "Email"),
    "sms": ("SMS", "SMS"),
    "post": ("Courrier", "Post"),
}

#: Problem codes: (title FR, title EN, action FR, action EN). ``{n}`` is the count,
#: ``{years}`` the obsolescence period.
PROBLEMS: dict[str, tuple[str, str, str, str]] = {
    "email_typos": (
        "{n} e-mails avec une faute de frappe probable",
        "{n} emails with a likely typo",
        "`carnet fix email-typos` pour accepter les corrections proposées",
        "`carnet fix email-typos` to accept the suggestions",
    ),
    "invalid_emails": (
        "{n} e-mails invalides",
        "{n} invalid emails",
        "les corriger ou demander la bonne adresse au client",
        "correct them or ask the customer for the right address",
    ),
    "invalid_phones": (
        "{n} téléphones invalides ou non attribués",
        "{n} invalid or unassigned phone numbers",
        "les corriger ou les supprimer (`carnet contacts edit`)",
        "correct or remove them (`carnet contacts edit`)",
    ),
    "postcode_mismatch": (
        "{n} codes postaux qui ne correspondent pas à leur ville",
        "{n} postcodes that do not match their city",
        "`carnet fix postcodes` (table La Poste chargée avec `carnet refdata load postcodes`)",
        "`carnet fix postcodes` (La Poste table loaded with `carnet refdata load postcodes`)",
    ),
    "invalid_addresses": (
        "{n} adresses postales invalides",
        "{n} invalid postal addresses",
        "compléter le code postal ou la ville",
        "complete the postcode or the city",
    ),
    "obsolete": (
        "{n} contacts inactifs depuis {years} ans ou plus",
        "{n} contacts inactive for {years}+ years",
        "relancer pour un nouveau consentement ou archiver (voir `carnet retention plan`)",
        "re-consent or archive (see `carnet retention plan`)",
    ),
    "duplicates": (
        "{n} doublons probables",
        "{n} likely duplicates",
        "`carnet dedupe` fusionne les sûrs (annulables) et envoie les incertains à `carnet review`",
        "`carnet dedupe` merges the sure ones (undoable) and sends the uncertain ones "
        "to `carnet review`",
    ),
    "duplicates_to_review": (
        "{n} doublons possibles à vérifier",
        "{n} possible duplicates to check",
        "les confirmer ou les écarter avec `carnet review`",
        "accept or reject them with `carnet review`",
    ),
    "unreachable": (
        "{n} contacts sans aucun moyen de contact utilisable",
        "{n} contacts with no usable way to reach them",
        "enrichir (e-mail, mobile, adresse) ou archiver",
        "enrich (email, mobile, address) or archive",
    ),
    "no_email_consent": (
        "{n} contacts avec un e-mail valide mais sans consentement newsletter",
        "{n} contacts with a valid email but no newsletter consent",
        "campagne de recueil du consentement (double opt-in)",
        "run a consent campaign (double opt-in)",
    ),
    "stale_emails": (
        "{n} e-mails non vérifiés depuis plus de leur demi-vie",
        "{n} emails unverified for longer than their half-life",
        "re-vérifier par un envoi de confirmation",
        "re-verify them with a confirmation message",
    ),
    "invalid_values": (
        "{n} contacts avec des valeurs invalides mises de côté",
        "{n} contacts with invalid values kept aside",
        "corriger les champs signalés (`carnet contacts show ID`)",
        "correct the flagged fields (`carnet contacts show ID`)",
    ),
    "disposable_emails": (
        "{n} e-mails jetables",
        "{n} disposable emails",
        "demander une adresse durable",
        "ask for a lasting address",
    ),
    "role_emails": (
        "{n} e-mails génériques (contact@, info@ …)",
        "{n} role emails (contact@, info@ …)",
        "chercher l'adresse nominative de la personne",
        "look for the person's own address",
    ),
}


def lang_index(lang: str) -> int:
    """0 for French (the default), 1 for English."""
    return 1 if lang == "en" else 0


def field_label(catalog: Catalog, name: str, lang: str = "fr") -> str:
    """A field's label, lower-cased for use inside a sentence (acronyms kept)."""
    field = catalog.get(name)
    label = field.label(lang) if field is not None else name.replace("_", " ")
    letters = [ch for ch in label.split()[0] if ch.isalpha()] if label else []
    if len(letters) >= 2 and all(ch.isupper() for ch in letters):
        return label  # an acronym: SIRET, IBAN, NAF

    return label[:1].lower() + label[1:]


def explain(
    explanation: Mapping[str, Any], catalog: Catalog, lang: str = "fr", *, limit: int = 6
) -> str:
    """The stored explanation codes of one contact as one plain sentence.

    Args:
        explanation: ``{"missing": [...], "invalid": [...], "stale": [[field, date]]}``.
        catalog: the workspace catalog (for labels).
        lang: ``fr`` or ``en``.
        limit: list at most this many missing fields (most important first).
    """
    i = lang_index(lang)
    parts: list[str] = []
    missing = [field_label(catalog, n, lang) for n in explanation.get("missing", [])]
    if missing:
        shown = ", ".join(missing[:limit])
        if len(missing) > limit:
            shown = _WORDS["and_more"][i].format(shown, len(missing) - limit)
        parts.append(_WORDS["missing"][i].format(shown))
    invalid = [field_label(catalog, n, lang) for n in explanation.get("invalid", [])]
    if invalid:
        parts.append(_WORDS["invalid"][i].format(", ".join(invalid)))
    for name, since in explanation.get("stale", []):
        field = catalog.get(name)
        point = field is not None and field.storage in (
            Storage.EMAIL,
            Storage.PHONE,
            Storage.ADDRESS,
        )
        word = _WORDS["unverified" if point else "not_updated"][i]
        parts.append(word.format(field_label(catalog, name, lang), str(since)[:4]))
    if not parts:
        return _WORDS["all_good"][i]
    return " ; ".join(parts) if i == 0 else "; ".join(parts)


def problem_text(code: str, count: int, lang: str = "fr", **params: Any) -> tuple[str, str]:
    """(title, action) of a ranked problem, with the count formatted for ``lang``."""
    fr_title, en_title, fr_action, en_action = PROBLEMS[code]
    n = format_count(count, lang)
    if lang == "en":
        return en_title.format(n=n, **params), en_action
    return fr_title.format(n=n, **params), fr_action


def format_count(value: int, lang: str = "fr") -> str:
    """1 204 in French (narrow no-break space), 1,204 in English.

    >>> format_count(1204, "en"), format_count(1204)
    ('1,204', '1\u202f204')
    """
    text = f"{value:,}"
    return text if lang == "en" else text.replace(",", "\u202f")


def format_share(value: float | None, lang: str = "fr") -> str:
    """A 0–1 share as a percentage: ``62 %`` in French, ``62%`` in English."""
    if value is None:
        return "—"
    pct = round(100 * value)
    return f"{pct}%" if lang == "en" else f"{pct}\u00a0%"


__all__ = [
    "CHANNEL_LABELS",
    "LANGS",
    "PROBLEMS",
    "explain",
    "field_label",
    "format_count",
    "format_share",
    "lang_index",
    "problem_text",
]
