"""Who a row is to the business: a company or a person, and how far along it is.

Two values CRM and invoicing exports give about every record, in their own words:

- whether the record is a company's or a person's (``is_company``): Odoo writes
  "Est une société" True/False; other tools a "Type" of "Société" / "Particulier",
  "Personne morale" / "Personne physique", "Entreprise" / "Contact",
  "Company" / "Person";
- its lifecycle stage (``lifecycle_stage``, one of
  :data:`carnet.fields.catalog.LIFECYCLE_STAGES`): Sellsy and Axonaut write
  "Client" / "Prospect", HubSpot "Subscriber", "Lead", "Marketing Qualified Lead",
  "Opportunity", "Customer", "Evangelist" (or their French labels).

>>> check_is_company("Personne morale").normalised, check_is_company("Particulier").normalised
('true', 'false')
>>> check_lifecycle_stage("Ancien client").normalised
'former_customer'
>>> check_lifecycle_stage("Opportunity").normalised
'prospect'
>>> check_lifecycle_stage("Fournisseur").ok
False
"""

from __future__ import annotations

from carnet.fields.catalog import LIFECYCLE_STAGES, fold_header
from carnet.fields.values import check_boolean
from carnet.fields.verdict import Verdict

__all__ = [
    "COMPANY_WORDS",
    "PERSON_WORDS",
    "check_is_company",
    "check_lifecycle_stage",
    "company_or_person",
]

#: What a type column writes of a company's record (folded).
COMPANY_WORDS = frozenset({
    "societe", "entreprise", "personne morale", "morale", "company", "business", "organisation",
    "organization", "association", "collectivite", "administration", "professionnel",
    "professionnelle", "pro", "b2b", "compte entreprise", "client professionnel", "corporate",
    "legal entity", "etablissement", "structure",
})
#: What it writes of a person's (folded). "Contact" only beside a company word (Odoo-like
#: "Type de contact": Entreprise / Contact): alone it says nothing.
PERSON_WORDS = frozenset({
    "particulier", "particuliere", "personne physique", "physique", "person", "personne",
    "individual", "individu", "private", "private person", "b2c", "client particulier",
    "contact", "personal", "consumer",
})


def company_or_person(raw: str) -> bool | None:
    """True for a company's word, False for a person's, None for neither.

    >>> company_or_person("Société"), company_or_person("Particulier"), company_or_person("Client")
    (True, False, None)
    """
    key = fold_header(raw)
    if key in COMPANY_WORDS:
        return True
    if key in PERSON_WORDS:
        return False
    return None


def check_is_company(raw: str) -> Verdict:
    """Whether a record is a company's: a yes/no ("True", "Oui", "1") under a header
    that asks it ("Est une société"), or a word of a type column ("Société",
    "Particulier").

    >>> check_is_company("True").normalised, check_is_company("Personne physique").normalised
    ('true', 'false')
    >>> check_is_company("Fournisseur").ok
    False
    """
    said = company_or_person(raw)
    if said is not None:
        return Verdict.valid(raw, "true" if said else "false")
    flag = check_boolean(raw)
    if flag.ok:
        return flag
    return Verdict.invalid(
        raw, ("neither a yes/no nor a company or person type (Société, Particulier ...)",)
    )


#: Words of each lifecycle stage (folded), French and English, as CRMs export them.
_STAGE_WORDS: dict[str, tuple[str, ...]] = {
    "lead": (
        "lead", "leads", "piste", "suspect", "subscriber", "abonne", "abonnee", "nouveau lead",
        "new lead", "marketing qualified lead", "mql", "lead qualifie marketing",
        "lead qualifie par le marketing", "marketingqualifiedlead",
    ),
    "prospect": (
        "prospect", "prospects", "prospecte", "prospect chaud", "prospect froid",
        "prospect tiede", "opportunity", "opportunite", "sales qualified lead", "sql",
        "lead qualifie pour la vente", "lead qualifie vente", "lead qualifie commercial",
        "salesqualifiedlead",
        # HubSpot's French label of its sales qualified lead
        "lead qualifie par l equipe commerciale",
    ),
    "customer": (
        "client", "cliente", "customer", "client actif", "cliente active", "active customer",
        "client prospect", "evangelist", "evangeliste", "ambassadeur", "ambassadrice",
    ),
    "repeat_customer": (
        "client fidele", "cliente fidele", "client regulier", "cliente reguliere",
        "client recurrent", "repeat customer", "loyal customer", "returning customer",
    ),
    "lapsed": (
        "client inactif", "cliente inactive", "client dormant", "cliente dormante",
        "inactive customer", "dormant customer", "lapsed", "lapsed customer", "dormant",
    ),
    "former_customer": (
        "ancien client", "ancienne cliente", "ex client", "ex cliente", "client perdu",
        "cliente perdue", "former customer", "past customer", "lost customer",
        "churned", "churned customer",
    ),
}
_STAGES = {word: stage for stage, words in _STAGE_WORDS.items() for word in words}
_STAGES.update({fold_header(stage): stage for stage in LIFECYCLE_STAGES})


def check_lifecycle_stage(raw: str) -> Verdict:
    """A lifecycle stage from a CRM's words (see the module's docstring).

    A supplier or partner ("Fournisseur", "Partenaire") has no stage: the value
    is refused and kept as written.

    >>> check_lifecycle_stage("Client").normalised, check_lifecycle_stage("Abonné").normalised
    ('customer', 'lead')
    >>> check_lifecycle_stage("repeat_customer").normalised
    'repeat_customer'
    """
    stage = _STAGES.get(fold_header(raw))
    if stage is not None:
        return Verdict.valid(raw, stage)
    return Verdict.invalid(
        raw,
        ("not a lifecycle stage (Lead, Prospect, Client, Client fidèle, Client inactif, "
         "Ancien client ...)",),
    )
