"""French and English texts of the public pages and of the confirmation email.

>>> pick_language(None, "en-GB,en;q=0.9,fr;q=0.8")
'en'
>>> pick_language("fr", "en-GB")
'fr'
>>> pick_language(None, "de-DE,de;q=0.9")
'fr'
"""

from __future__ import annotations

from html import escape

LANGUAGES = ("fr", "en")

TEXTS: dict[str, tuple[str, str]] = {
    "skip": ("Aller au contenu", "Skip to content"),
    "other_language": ("English", "Français"),
    "signup_title": ("Inscription", "Sign up"),
    "signup_intro": (
        "Choisissez ce que vous souhaitez recevoir. Nous vous enverrons un e-mail pour "
        "confirmer votre adresse : rien ne vous sera envoyé avant votre confirmation.",
        "Choose what you would like to receive. We will email you to confirm your address: "
        "nothing is sent before you confirm.",
    ),
    "email": ("Adresse e-mail", "Email address"),
    "first_name": ("Prénom (facultatif)", "First name (optional)"),
    "last_name": ("Nom (facultatif)", "Last name (optional)"),
    "subscriptions": ("Abonnements", "Subscriptions"),
    "submit_signup": ("M'inscrire", "Sign me up"),
    "privacy_note": (
        "Vos données servent uniquement aux envois choisis. Vous pouvez vous désinscrire "
        "à tout moment et exercer vos droits d'accès, de rectification et d'effacement.",
        "Your data is only used for the messages you chose. You can unsubscribe at any time "
        "and exercise your rights of access, rectification and erasure.",
    ),
    "check_inbox_title": ("Vérifiez votre boîte de réception", "Check your inbox"),
    "check_inbox": (
        "Si l'adresse est valide, un e-mail de confirmation vient de lui être envoyé. "
        "Cliquez sur le lien qu'il contient pour confirmer votre inscription.",
        "If the address is valid, a confirmation email has just been sent to it. Click the "
        "link it contains to confirm your subscription.",
    ),
    "mail_failed": (
        "Nous n'avons pas pu envoyer l'e-mail de confirmation. Merci de réessayer plus tard.",
        "We could not send the confirmation email. Please try again later.",
    ),
    "confirm_title": ("Confirmer votre inscription", "Confirm your subscription"),
    "confirm_intro": (
        "Cliquez sur le bouton pour confirmer votre inscription à :",
        "Click the button to confirm your subscription to:",
    ),
    "confirm_button": ("Je confirme", "I confirm"),
    "confirmed_title": ("Inscription confirmée", "Subscription confirmed"),
    "confirmed": (
        "Merci ! Votre inscription est confirmée. Vous pouvez vous désinscrire à tout moment.",
        "Thank you! Your subscription is confirmed. You can unsubscribe at any time.",
    ),
    "unsubscribe_title": ("Se désinscrire", "Unsubscribe"),
    "unsubscribe_intro": (
        "Confirmez que vous ne souhaitez plus recevoir :",
        "Confirm that you no longer want to receive:",
    ),
    "unsubscribe_all": (
        "Me désinscrire de tous les envois par e-mail",
        "Unsubscribe me from every email",
    ),
    "unsubscribe_button": ("Me désinscrire", "Unsubscribe"),
    "unsubscribed_title": ("Vous êtes désinscrit(e)", "You are unsubscribed"),
    "unsubscribed": (
        "C'est fait : vous ne recevrez plus ces messages.",
        "Done: you will not receive these messages any more.",
    ),
    "already_unsubscribed": (
        "Vous étiez déjà désinscrit(e) : vous ne recevrez plus ces messages.",
        "You were already unsubscribed: you will not receive these messages.",
    ),
    "all_email": ("tous nos envois par e-mail", "all our emails"),
    "preferences_title": ("Mes préférences", "My preferences"),
    "preferences_intro": (
        "Cochez ce que vous souhaitez recevoir et sur quel canal, et mettez à jour vos "
        "coordonnées.",
        "Tick what you want to receive and on which channel, and update your details.",
    ),
    "my_details": ("Mes coordonnées", "My details"),
    "email_readonly": (
        "Pour changer d'adresse e-mail, inscrivez-vous avec la nouvelle adresse.",
        "To change your email address, sign up with the new address.",
    ),
    "save": ("Enregistrer", "Save"),
    "saved": ("Vos préférences sont enregistrées.", "Your preferences are saved."),
    "nothing_changed": ("Aucun changement.", "Nothing changed."),
    "blocked_note": (
        "Envois bloqués pour cette adresse : ",
        "Sending blocked for this address: ",
    ),
    "civility": ("Civilité", "Title"),
    "mobile": ("Téléphone mobile", "Mobile phone"),
    "address_line1": ("Adresse", "Address"),
    "address_line2": ("Complément d'adresse", "Address line 2"),
    "postcode": ("Code postal", "Postcode"),
    "city": ("Ville", "City"),
    "language": ("Langue (fr ou en)", "Language (fr or en)"),
    "error_title": ("Un problème est survenu", "Something went wrong"),
    "invalid_link_title": ("Lien non valide", "Invalid link"),
    "invalid_link": (
        "Ce lien n'est pas valide : il a peut-être été coupé ou modifié. Copiez-le en "
        "entier depuis le message reçu, ou demandez-en un nouveau.",
        "This link is not valid: it may have been cut or altered. Copy it whole from the "
        "message you received, or ask for a new one.",
    ),
    "expired_link_title": ("Lien expiré", "Link expired"),
    "expired_link": (
        "Ce lien a expiré. Demandez-en un nouveau (par exemple en vous réinscrivant).",
        "This link has expired. Ask for a new one (for example by signing up again).",
    ),
    "used_link_title": ("Lien déjà utilisé", "Link already used"),
    "used_link": (
        "Ce lien a déjà été utilisé. Chaque lien ne sert qu'une fois ; rien d'autre n'est "
        "à faire.",
        "This link has already been used. Each link works once; there is nothing more to do.",
    ),
    "not_found_title": ("Page introuvable", "Page not found"),
    "not_found": ("Cette page n'existe pas.", "This page does not exist."),
    "server_error": (
        "Une erreur inattendue est survenue. Réessayez plus tard.",
        "An unexpected error occurred. Please try again later.",
    ),
    "invalid_input_title": ("Valeur non valide", "Invalid value"),
}


def t(lang: str, key: str) -> str:
    """The text ``key`` in ``lang`` (French when unknown)."""
    fr, en = TEXTS.get(key, (key, key))
    return en if lang == "en" else fr


def pick_language(override: str | None, accept_language: str | None, default: str = "fr") -> str:
    """``?lang=`` when given and known, else the best of Accept-Language, else ``default``."""
    if override and override.lower()[:2] in LANGUAGES:
        return override.lower()[:2]
    candidates: list[tuple[float, int, str]] = []
    for i, part in enumerate((accept_language or "").split(",")):
        tag, _, params = part.strip().partition(";")
        code = tag.strip().lower()[:2]
        if code not in LANGUAGES:
            continue
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        if q > 0:
            candidates.append((q, -i, code))
    return max(candidates)[2] if candidates else default


def confirmation_email(
    lang: str, url: str, labels: list[str], organisation: str
) -> tuple[str, str, str]:
    """Subject, text and HTML of the double opt-in email."""
    listing = "\n".join(f"  - {label}" for label in labels)
    if lang == "en":
        subject = "Please confirm your subscription"
        text = (
            f"Hello,\n\nYou (or someone using your address) asked to receive from "
            f"{organisation}:\n{listing}\n\nTo confirm, open this link:\n{url}\n\n"
            "If you did not ask for anything, ignore this message: nothing will be sent "
            "to you.\n"
        )
        button = "Confirm my subscription"
    else:
        subject = "Confirmez votre inscription"
        text = (
            f"Bonjour,\n\nVous (ou quelqu'un utilisant votre adresse) avez demandé à recevoir "
            f"de la part de {organisation} :\n{listing}\n\nPour confirmer, ouvrez ce lien :\n"
            f"{url}\n\nSi vous n'avez rien demandé, ignorez ce message : rien ne vous sera "
            "envoyé.\n"
        )
        button = "Confirmer mon inscription"
    items = "".join(f"<li>{escape(label)}</li>" for label in labels)
    html = (
        f'<!doctype html><html lang="{lang}"><body>'
        f"<p>{escape(text.splitlines()[2])}</p><ul>{items}</ul>"
        f'<p><a href="{escape(url)}">{escape(button)}</a></p></body></html>'
    )
    return subject, text, html


__all__ = ["LANGUAGES", "TEXTS", "confirmation_email", "pick_language", "t"]
