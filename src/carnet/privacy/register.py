"""The records of processing activities (RGPD art. 30), generated in French.

Built from the workspace's configuration: the controller (``organisation_name``,
``organisation_address``, ``dpo_contact`` in ``[carnet]``), the consent purposes,
the data categories of the field catalog, the retention policy, the recipients
(``recipients``, a list) and transfers (``transfers``), and the security
measures carnet applies.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from html import escape
from typing import Any

from carnet.consent.purposes import Purpose, basis_label, channel_label
from carnet.fields.catalog import Catalog, Category, Sensitivity, Storage
from carnet.privacy.retention import RetentionPolicy

_CATEGORY_FR = {
    Category.PERSONAL: "Identité et coordonnées",
    Category.TARGETING: "Ciblage et préférences",
    Category.REACTION: "Réactions et consentements",
    Category.TRANSACTIONAL: "Relation commerciale et transactions",
    Category.BEHAVIOURAL: "Comportement (navigation, ouvertures, clics)",
    Category.SOCIO_DEMOGRAPHIC: "Données socio-démographiques et professionnelles",
    Category.FIRMOGRAPHIC: "Données de l'entreprise (B2B)",
    Category.OFFLINE: "Données financières (chiffrées)",
}
DEFAULT_RECIPIENTS = (
    "Services marketing et commercial (accès selon le rôle)",
    "Service client",
    "Prestataires d'envoi d'e-mails et de SMS (sous-traitants, art. 28)",
)


def _security(encrypted: bool, database: str) -> list[str]:
    return [
        "Journal d'audit en ajout seul : lectures, exports, modifications et effacements, "
        "avec l'auteur et la date.",
        "Registre des consentements en ajout seul, chaîné par empreintes SHA-256 et vérifiable "
        "(`carnet consent verify`).",
        "Liens de désinscription, de confirmation et de préférences signés, à durée limitée et "
        "à usage unique.",
        "Liste d'opposition conservée sous forme d'empreintes HMAC-SHA256 : aucune adresse en "
        "clair.",
        "Données financières (IBAN) chiffrées au repos (AES / Fernet)"
        + ("." if encrypted else " — clé de chiffrement non configurée sur cet espace."),
        "Double opt-in pour les inscriptions en ligne ; désinscription en un clic (RFC 8058).",
        f"Base de données : {database} ; sauvegardes et accès à définir par l'exploitant.",
    ]


def build(
    *,
    catalog: Catalog,
    purposes: Sequence[Purpose],
    policy: RetentionPolicy,
    extra: Mapping[str, Any],
    encrypted: bool,
    database: str,
    today: date | None = None,
) -> str:
    """The register as Markdown (French)."""
    today = today or date.today()
    controller = str(extra.get("organisation_name") or "(nom du responsable à configurer)")
    address = str(extra.get("organisation_address") or "(adresse à configurer)")
    dpo = str(extra.get("dpo_contact") or "(contact DPO ou référent à configurer)")
    recipients = extra.get("recipients") or DEFAULT_RECIPIENTS
    transfers = str(extra.get("transfers") or "Aucun transfert hors de l'Union européenne.")
    out: list[str] = [
        "# Registre des activités de traitement",
        "",
        f"*Généré par carnet le {today.strftime('%d/%m/%Y')} (article 30 du RGPD).*",
        "",
        "## 1. Responsable du traitement",
        "",
        f"- **Organisme** : {controller}",
        f"- **Adresse** : {address}",
        f"- **Délégué à la protection des données / référent** : {dpo}",
        "",
        "## 2. Traitement : gestion de la clientèle et de la prospection",
        "",
        "- **Personnes concernées** : clients et prospects.",
        "- **Source des données** : formulaires (avec double opt-in), fichiers importés "
        "(source et ligne conservées), saisie par les équipes.",
        "",
        "### Finalités et bases légales",
        "",
        "| Finalité | Description | Base légale | Canaux |",
        "|---|---|---|---|",
        "| Gestion de la relation client | Commandes, service client, fidélité | "
        "exécution d'un contrat | — |",
    ]
    for p in purposes:
        channels = ", ".join(channel_label(c, "fr") for c in p.channels)
        out.append(
            f"| {p.label_fr} | {p.description_fr or p.wording_fr} | "
            f"{basis_label(p.legal_basis, 'fr')} | {channels} |"
        )
    out += [
        "",
        "### Catégories de données",
        "",
    ]
    by_category: dict[Category, list[str]] = {}
    for f in catalog.values():
        if f.storage in (Storage.INPUT,):
            continue
        by_category.setdefault(f.category, []).append(
            f.label_fr + (" *(chiffré)*" if f.sensitivity is Sensitivity.SENSITIVE else "")
        )
    for category, labels in by_category.items():
        out.append(f"- **{_CATEGORY_FR.get(category, category.value)}** : {', '.join(labels)}.")
    out += [
        "",
        "Aucune donnée sensible au sens de l'article 9 n'est collectée.",
        "",
        "### Destinataires",
        "",
        *[f"- {r}" for r in recipients],
        "",
        "### Transferts hors de l'Union européenne",
        "",
        transfers,
        "",
        "### Durées de conservation",
        "",
        f"- **Prospects** : {policy.prospect_years} ans après le dernier contact "
        f"(activité), puis "
        + ("nouvelle demande de consentement ; sans réponse sous "
           f"{policy.grace_days} jours, " if policy.reconsent else "")
        + ("suppression." if policy.prospect_action == "delete" else "anonymisation."),
        f"- **Clients** : {policy.customer_years} ans après la fin de la relation commerciale "
        "(dernière commande ou activité), puis "
        + ("nouvelle demande de consentement ; sans réponse sous "
           f"{policy.grace_days} jours, " if policy.reconsent else "")
        + ("anonymisation (statistiques de ventes conservées sans identité)."
           if policy.customer_action == "anonymise" else "suppression."),
        f"- **Données de navigation et de réaction** ({', '.join(policy.behavioural_events)}) : "
        f"{policy.behavioural_months} mois.",
        "- **Preuves de consentement** : conservées dans le registre ; les éléments "
        "personnels (IP, navigateur, adresse) sont effacés avec la personne.",
        "- **Liste d'opposition** : empreintes conservées sans limite pour garantir le "
        "respect des oppositions.",
        "",
        "### Droits des personnes",
        "",
        "- Accès et portabilité : `carnet privacy export` (JSON ou ZIP, libellés en "
        "français ou en anglais).",
        "- Rectification : modification par le centre de préférences ou par les équipes, "
        "historisée.",
        "- Effacement : `carnet privacy erase`, avec récépissé ; l'adresse rejoint la liste "
        "d'opposition.",
        "- Opposition et retrait du consentement : lien de désinscription dans chaque message, "
        "centre de préférences.",
        "",
        "### Mesures de sécurité",
        "",
        *[f"- {m}" for m in _security(encrypted, database)],
        "",
    ]
    return "\n".join(out)


def to_html(markdown: str) -> str:
    """A small, dependency-free rendering of the register's Markdown as an HTML page."""
    body: list[str] = []
    in_list = in_table = False

    def inline(text: str) -> str:
        import re

        text = escape(text)
        text = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", text)
        text = re.sub(r"\*(.+?)\*", r"<em>\1</em>", text)
        return re.sub(r"`(.+?)`", r"<code>\1</code>", text)

    for line in markdown.splitlines():
        if in_list and not line.startswith("- "):
            body.append("</ul>")
            in_list = False
        if in_table and not line.startswith("|"):
            body.append("</tbody></table>")
            in_table = False
        if line.startswith("### "):
            body.append(f"<h3>{inline(line[4:])}</h3>")
        elif line.startswith("## "):
            body.append(f"<h2>{inline(line[3:])}</h2>")
        elif line.startswith("# "):
            body.append(f"<h1>{inline(line[2:])}</h1>")
        elif line.startswith("- "):
            if not in_list:
                body.append("<ul>")
                in_list = True
            body.append(f"<li>{inline(line[2:])}</li>")
        elif line.startswith("|"):
            cells = [c.strip() for c in line.strip("|").split("|")]
            if all(set(c) <= {"-"} for c in cells):
                continue
            if not in_table:
                body.append("<table><thead><tr>"
                            + "".join(f"<th scope=\"col\">{inline(c)}</th>" for c in cells)
                            + "</tr></thead><tbody>")
                in_table = True
            else:
                body.append("<tr>" + "".join(f"<td>{inline(c)}</td>" for c in cells) + "</tr>")
        elif line.strip():
            body.append(f"<p>{inline(line)}</p>")
    if in_list:
        body.append("</ul>")
    if in_table:
        body.append("</tbody></table>")
    style = ("body{font-family:system-ui,sans-serif;max-width:60rem;margin:auto;padding:1rem;"
             "line-height:1.5}table{border-collapse:collapse}th,td{border:1px solid #999;"
             "padding:.3rem .5rem;text-align:left;vertical-align:top}")
    return (
        '<!doctype html>\n<html lang="fr">\n<head><meta charset="utf-8">'
        "<title>Registre des activités de traitement</title>"
        f"<style>{style}</style></head>\n<body>\n" + "\n".join(body) + "\n</body>\n</html>\n"
    )


__all__ = ["DEFAULT_RECIPIENTS", "build", "to_html"]
