"""Consent purposes, channels, actions and legal bases; purposes are configurable.

A *purpose* is why a person is contacted (the newsletter, commercial offers ...).
Consent is given per purpose and per *channel* (email, SMS, phone, post).

Default purposes (CNIL vocabulary):

=============  ==============================  ======================  =================
name           French label                    English label           channels
=============  ==============================  ======================  =================
newsletter     Lettre d'information            Newsletter              email
offers         Offres commerciales             Commercial offers       email, sms, phone, post
partners       Offres de nos partenaires       Partners' offers        email, post
profiling      Personnalisation (profilage)    Personalisation         email
sms_alerts     Alertes SMS                     SMS alerts              sms
=============  ==============================  ======================  =================

Configure them in ``carnet.toml``; a purpose named like a default inherits what it
does not set::

    [[carnet.purposes]]
    name = "newsletter"

    [[carnet.purposes]]
    name = "events"
    label_fr = "Invitations aux événements"
    label_en = "Event invitations"
    channels = ["email", "post"]
    wording_fr = "J'accepte de recevoir des invitations aux événements de {organisation}."
    wording_en = "I agree to receive invitations to {organisation}'s events."

>>> [p.name for p in load_purposes({})]
['newsletter', 'offers', 'partners', 'profiling', 'sms_alerts']
>>> load_purposes({"purposes": [{"name": "newsletter"}]})[0].label("en")
'Newsletter'
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from carnet.errors import ConfigError, InvalidValueError

#: Channels a person can be contacted on.
CHANNELS: tuple[str, ...] = ("email", "sms", "phone", "post")
#: Ledger actions, in the order a consent usually lives them.
ACTIONS: tuple[str, ...] = ("requested", "granted", "confirmed", "withdrawn", "expired")
#: Actions after which contacting is allowed.
ALLOWING: frozenset[str] = frozenset({"granted", "confirmed"})
#: Legal bases of the RGPD (art. 6) carnet records.
LEGAL_BASES: tuple[str, ...] = ("consent", "contract", "legitimate_interest")

CHANNEL_LABELS = {
    "email": ("E-mail", "Email"),
    "sms": ("SMS", "SMS"),
    "phone": ("Téléphone", "Phone"),
    "post": ("Courrier", "Post"),
}
ACTION_LABELS = {
    "requested": ("demandé (en attente de confirmation)", "requested (awaiting confirmation)"),
    "granted": ("accordé", "granted"),
    "confirmed": ("confirmé", "confirmed"),
    "withdrawn": ("retiré", "withdrawn"),
    "expired": ("expiré", "expired"),
}
BASIS_LABELS = {
    "consent": ("consentement", "consent"),
    "contract": ("exécution d'un contrat", "contract"),
    "legitimate_interest": ("intérêt légitime", "legitimate interest"),
}


def channel_label(channel: str, lang: str = "fr") -> str:
    """The channel's label in ``lang``."""
    fr, en = CHANNEL_LABELS.get(channel, (channel, channel))
    return en if lang == "en" else fr


def action_label(action: str, lang: str = "fr") -> str:
    """The action's label in ``lang``."""
    fr, en = ACTION_LABELS.get(action, (action, action))
    return en if lang == "en" else fr


def basis_label(basis: str, lang: str = "fr") -> str:
    """The legal basis's label in ``lang``."""
    fr, en = BASIS_LABELS.get(basis, (basis, basis))
    return en if lang == "en" else fr


@dataclass(frozen=True)
class Purpose:
    """One reason for contacting people, with the wording they agree to.

    Attributes:
        name: identifier stored in the ledger (``newsletter``).
        label_fr / label_en: labels shown on forms and pages.
        channels: channels offered for this purpose.
        wording_fr / wording_en: the consent text; ``{organisation}`` is replaced.
        legal_basis: the usual legal basis (``consent`` for marketing).
        version: version label of the wording, stored with its hash.
        description_fr / description_en: what is done, for the processing register.
    """

    name: str
    label_fr: str
    label_en: str
    channels: tuple[str, ...]
    wording_fr: str
    wording_en: str
    legal_basis: str = "consent"
    version: str = "1"
    description_fr: str = ""
    description_en: str = ""

    def label(self, lang: str = "fr") -> str:
        """The label in ``lang`` ("fr" or "en")."""
        return self.label_en if lang == "en" else self.label_fr

    def wording(self, lang: str = "fr", organisation: str = "") -> str:
        """The consent text in ``lang``, with the organisation's name filled in."""
        text = self.wording_en if lang == "en" else self.wording_fr
        return text.replace("{organisation}", organisation or "nous").strip()


DEFAULT_PURPOSES: tuple[Purpose, ...] = (
    Purpose(
        "newsletter",
        "Lettre d'information",
        "Newsletter",
        ("email",),
        "J'accepte de recevoir la lettre d'information de {organisation} par e-mail. "
        "Je peux me désinscrire à tout moment grâce au lien présent dans chaque message.",
        "I agree to receive {organisation}'s newsletter by email. I can unsubscribe at any "
        "time through the link in every message.",
        description_fr="Envoi de la lettre d'information (actualités, conseils).",
        description_en="Sending the newsletter (news, tips).",
    ),
    Purpose(
        "offers",
        "Offres commerciales",
        "Commercial offers",
        ("email", "sms", "phone", "post"),
        "J'accepte de recevoir les offres commerciales de {organisation} sur les canaux que "
        "je choisis. Je peux retirer mon consentement à tout moment.",
        "I agree to receive {organisation}'s commercial offers on the channels I choose. "
        "I can withdraw my consent at any time.",
        description_fr="Prospection commerciale : promotions, nouveautés, offres personnelles.",
        description_en="Direct marketing: promotions, new products, personal offers.",
    ),
    Purpose(
        "partners",
        "Offres de nos partenaires",
        "Partners' offers",
        ("email", "post"),
        "J'accepte que {organisation} m'adresse les offres de ses partenaires commerciaux. "
        "Mes données ne sont pas cédées.",
        "I agree that {organisation} sends me offers from its business partners. My data is "
        "not handed over.",
        description_fr="Envoi d'offres de partenaires, sans transmission des données.",
        description_en="Sending partners' offers, without handing data over.",
    ),
    Purpose(
        "profiling",
        "Personnalisation (profilage)",
        "Personalisation (profiling)",
        ("email",),
        "J'accepte que {organisation} analyse mes achats et mes réactions à ses messages "
        "pour personnaliser ce qu'il m'envoie.",
        "I agree that {organisation} analyses my purchases and my reactions to its messages "
        "to personalise what it sends me.",
        description_fr="Segmentation et personnalisation à partir des achats et réactions.",
        description_en="Segmentation and personalisation from purchases and reactions.",
    ),
    Purpose(
        "sms_alerts",
        "Alertes SMS",
        "SMS alerts",
        ("sms",),
        "J'accepte de recevoir des alertes par SMS de {organisation} (ventes privées, "
        "disponibilité). Je peux répondre STOP à tout moment.",
        "I agree to receive SMS alerts from {organisation} (private sales, availability). "
        "I can reply STOP at any time.",
        description_fr="Alertes par SMS (ventes privées, disponibilité des produits).",
        description_en="SMS alerts (private sales, product availability).",
    ),
)

_NAME = re.compile(r"[a-z][a-z0-9_]{0,49}")


def load_purposes(extra: Mapping[str, Any]) -> list[Purpose]:
    """The workspace's purposes: ``extra["purposes"]`` when configured, else the defaults.

    Args:
        extra: ``Settings.extra`` (the ``[carnet]`` table of ``carnet.toml``).

    Raises:
        ConfigError: listing every problem in the declarations.
    """
    declared = extra.get("purposes")
    if declared is None:
        return list(DEFAULT_PURPOSES)
    if not isinstance(declared, Sequence) or isinstance(declared, str):
        raise ConfigError("purposes must be a list of tables ([[carnet.purposes]]).")
    defaults = {p.name: p for p in DEFAULT_PURPOSES}
    problems: list[str] = []
    out: list[Purpose] = []
    for i, decl in enumerate(declared, 1):
        if not isinstance(decl, Mapping):
            problems.append(f"purpose #{i} is not a table")
            continue
        name = str(decl.get("name", "")).strip()
        if not _NAME.fullmatch(name):
            problems.append(f"purpose #{i}: name '{name}' must be snake_case (a-z, 0-9, _)")
            continue
        base = defaults.get(name) or Purpose(name, name, name, ("email",), "", "")
        changes: dict[str, Any] = {}
        for key in ("label_fr", "label_en", "wording_fr", "wording_en", "legal_basis",
                    "version", "description_fr", "description_en"):
            if key in decl:
                changes[key] = str(decl[key])
        if "channels" in decl:
            channels = decl["channels"]
            if isinstance(channels, str) or not isinstance(channels, Sequence):
                problems.append(f"purpose {name}: channels must be a list")
                continue
            unknown = [c for c in channels if c not in CHANNELS]
            if unknown or not channels:
                problems.append(
                    f"purpose {name}: channels must be among {', '.join(CHANNELS)}"
                )
                continue
            changes["channels"] = tuple(str(c) for c in channels)
        purpose = replace(base, **changes)
        if purpose.legal_basis not in LEGAL_BASES:
            problems.append(f"purpose {name}: legal_basis must be one of {', '.join(LEGAL_BASES)}")
        if not purpose.wording_fr or not purpose.wording_en:
            problems.append(f"purpose {name}: give wording_fr and wording_en (the consent text)")
        if any(p.name == name for p in out):
            problems.append(f"purpose {name} is declared twice")
        out.append(purpose)
    if problems:
        raise ConfigError("Invalid consent purposes: " + "; ".join(problems) + ".")
    return out


def check_choice(purposes: Sequence[Purpose], purpose: str, channel: str) -> Purpose:
    """The purpose named ``purpose``, after checking it and the channel exist.

    Raises:
        InvalidValueError: on an unknown purpose or channel.
    """
    if channel not in CHANNELS:
        raise InvalidValueError(
            f"Channel '{channel}' is unknown; use one of {', '.join(CHANNELS)}.", field="channel"
        )
    for p in purposes:
        if p.name == purpose:
            return p
    raise InvalidValueError(
        f"Purpose '{purpose}' is not configured; use one of "
        f"{', '.join(p.name for p in purposes)}.",
        field="purpose",
    )


__all__ = [
    "ACTIONS",
    "ALLOWING",
    "CHANNELS",
    "DEFAULT_PURPOSES",
    "LEGAL_BASES",
    "Purpose",
    "action_label",
    "basis_label",
    "channel_label",
    "check_choice",
    "load_purposes",
]
