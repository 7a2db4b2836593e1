"""The field catalog: every customer field declared once.

Import mapping, validation, quality scores, forms, the preference centre and
the GDPR export all read this catalog; adding a field is one declaration.

>>> catalog = default_catalog()
>>> catalog["email"].label_fr
'E-mail'
>>> catalog.match_header("Tél. portable").name
'mobile'
>>> catalog.match_header("NOM DE FAMILLE").name
'last_name'
>>> catalog["iban"].sensitivity
<Sensitivity.SENSITIVE: 'sensitive'>
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

from carnet.errors import ConfigError
from carnet.fields import legal_form


class Kind(StrEnum):
    """What a value is; decides which checker validates and normalises it."""

    TEXT = "text"
    NAME = "name"
    CIVILITY = "civility"
    FULL_NAME = "full_name"
    EMAIL = "email"
    PHONE = "phone"
    ADDRESS_LINE = "address_line"
    POSTCODE = "postcode"
    CITY = "city"
    COUNTRY = "country"
    DATE = "date"
    BIRTH_DATE = "birth_date"
    DATETIME = "datetime"
    CHOICE = "choice"
    LIST = "list"
    INTEGER = "integer"
    DECIMAL = "decimal"
    BOOLEAN = "boolean"
    URL = "url"
    SIREN = "siren"
    SIRET = "siret"
    VAT = "vat"
    NAF = "naf"
    IBAN = "iban"
    BIC = "bic"
    IDENTIFIER = "identifier"


class Category(StrEnum):
    """The data category, as the RGPD register and the quality report group them."""

    PERSONAL = "personal"
    TARGETING = "targeting"
    REACTION = "reaction"
    TRANSACTIONAL = "transactional"
    BEHAVIOURAL = "behavioural"
    SOCIO_DEMOGRAPHIC = "socio-demographic"
    FIRMOGRAPHIC = "firmographic"
    OFFLINE = "offline"


class Sensitivity(StrEnum):
    """How carefully a value is handled.

    - ``public``: not personal on its own (sector, size band).
    - ``personal``: identifies or describes a person (name, email).
    - ``sensitive``: financial or similar; encrypted at rest (IBAN).
    """

    PUBLIC = "public"
    PERSONAL = "personal"
    SENSITIVE = "sensitive"


class Profile(StrEnum):
    """The company profile of a workspace: who its customers are."""

    B2C = "b2c"
    B2B = "b2b"


class Storage(StrEnum):
    """Where a field's value lives in the store.

    - ``contact``: a column of the contacts table.
    - ``email`` / ``phone`` / ``address``: a contact point (many per contact).
    - ``organisation``: a column of the organisation the contact belongs to.
    - ``external_id``: the (source, id) table, for upserts and merge reports.
    - ``contact_id``: the workspace's own contact id (``carnet_id`` of an export),
      which ties a row straight to its contact when the file comes back.
    - ``consent``: turned into consent events by the import.
    - ``event``: turned into behavioural/reaction events (NPS, event sign-up, call note).
    - ``order``: turned into orders and order lines.
    - ``attribute``: the contact's JSON attributes (custom fields).
    - ``input``: only read on input and split into other fields (full name).
    """

    CONTACT = "contact"
    EMAIL = "email"
    PHONE = "phone"
    ADDRESS = "address"
    ORGANISATION = "organisation"
    EXTERNAL_ID = "external_id"
    CONTACT_ID = "contact_id"
    CONSENT = "consent"
    EVENT = "event"
    ORDER = "order"
    ATTRIBUTE = "attribute"
    INPUT = "input"


BOTH = frozenset({Profile.B2C, Profile.B2B})
B2C = frozenset({Profile.B2C})
B2B = frozenset({Profile.B2B})

YEAR = 365


@dataclass(frozen=True)
class Field:
    """One declared customer field.

    Attributes:
        name: identifier used everywhere (``first_name``).
        kind: what the value is; picks the checker.
        category: data category for the register and reports.
        label_fr: French label shown to users.
        label_en: English label.
        synonyms: header spellings that map to this field, French and English
            (matched after folding case, accents and punctuation).
        weight: completeness weight (0 = not counted).
        half_life_days: after how long a confirmed value is half as trustworthy;
            None when the value does not age (birth date).
        sensitivity: see :class:`Sensitivity`.
        profiles: company profiles that want this field for completeness.
        storage: where the value lives; see :class:`Storage`.
        many: a contact may hold several values (emails, phones).
        column: the database column when it differs from ``name``.
        choices: allowed values for ``choice`` fields.
        hint: a sub-type given by the header ("mobile" for "Tél. portable").
        keywords: folded words that name the field anywhere inside a long header
            (survey questions: "... probabilité que vous recommandiez ..." is NPS).
        custom: declared in configuration rather than built in.
    """

    name: str
    kind: Kind
    category: Category
    label_fr: str
    label_en: str
    synonyms: tuple[str, ...] = ()
    weight: float = 0.0
    half_life_days: int | None = None
    sensitivity: Sensitivity = Sensitivity.PERSONAL
    profiles: frozenset[Profile] = BOTH
    storage: Storage = Storage.CONTACT
    many: bool = False
    column: str | None = None
    choices: tuple[str, ...] = ()
    hint: str | None = None
    keywords: tuple[str, ...] = ()
    custom: bool = False

    def label(self, lang: str = "fr") -> str:
        """The label in ``lang`` ("fr" or "en")."""
        return self.label_en if lang == "en" else self.label_fr

    @property
    def db_column(self) -> str:
        """The column holding this field in its table."""
        return self.column or self.name


#: A hint in brackets inside a header: "(jj/mm/aaaa)", "[obligatoire]".
_HINT = re.compile(r"\([^)]*\)|\[[^\]]*\]")
#: The opening of a form's question (folded), before the words that name the field.
_QUESTION = re.compile(
    r"^(?:et )?(?:quel(?:le)? (?:est|sont) (?:votre|vos|ton|ta|tes)|(?:merci d |veuillez )?"
    r"(?:indiquer|indiquez|saisir|saisissez|entrer|entrez|renseigner|renseignez|donner|donnez)"
    r" (?:votre|vos)|(?:please )?(?:enter|type|give|provide)(?: us)? your|what s your"
    r"|what is your|votre|vos|your|ton|ta|tes)\s+(?P<rest>.+)$"
)
#: Where a camelCase name has a word boundary: "mailing|Postal|Code".
CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")

# Words of a consent question, folded ("Acceptez-vous de recevoir nos offres ?"). A word
# matches at the start of a word of the header: "accept" matches "acceptez".
_ASKS = ("accept", "recevoir", "receive", "inscri", "abonn", "subscribe", "consent",
         "agree", "souhait", "autoris", "etre contacte", "etre rappele", "be contacted",
         "opt in", "optin", "ok pour", "d accord")
# Whole words of a refusal, and stems ("refusez", "opposition"); "not" is a whole word,
# or "notre newsletter" would read as a refusal.
_REFUSES = ("ne", "n", "pas", "don t", "do not", "not")
_REFUSING_STEMS = ("refus", "oppos")
# Words of a column about a consent rather than the consent itself: "Date de consentement
# SMS", "IP d'inscription à la newsletter", "Source de l'abonnement".
_ABOUT_A_CONSENT = ("date", "heure", "time", "ip", "source", "origine", "canal", "formulaire",
                    "form", "updated", "level", "timestamp", "collected")
_CHANNEL_WORDS = (
    ("sms", ("sms", "texto")),
    ("phone", ("telephon", "appel", "phone call", "by phone", "par tel", "rappele")),
    ("post", ("courrier", "postal", "voie postale", "by post", "by mail")),
    ("partners", ("partenaire", "partner", "tiers", "third part")),
    ("newsletter", ("newsletter", "lettre d info", "infolettre", "actualite", "news",
                    "nouveaute", "informations",
                    # HelloAsso's, Weezevent's "Je souhaite être informé(e) des prochains
                    # événements": the organiser's news
                    "etre informe", "tenu informe", "tenir informe")),
    ("offers", ("offre", "promo", "marketing", "commercia", "bon plan", "avantage",
                "reduction", "communication", "offer", "deal")),
    # e-mails with no other word: the newsletter, as "Opt-in e-mail" is
    ("newsletter", ("e mail", "email", "mail", "courriel")),
)
_GRANTS = {"sms": "optin_sms", "phone": "optin_phone", "post": "optin_post",
           "partners": "optin_partners", "newsletter": "optin_newsletter",
           "offers": "optin_offers"}
# A refusal ("Je ne souhaite pas recevoir de SMS") is the channel's opposition; a refusal
# of partners' offers closes no channel of ours, so it is left for the user to map.
_REFUSALS = {"sms": "optout_sms", "phone": "optout_phone", "post": "optout_post",
             "newsletter": "optout_email", "offers": "optout_email"}


def _is_sentence(header: str) -> bool:
    """A header written as a sentence: words apart, or joined by underscores as Facebook
    Lead Ads' export writes its form's questions ("je_souhaite_recevoir_les_offres");
    never a JSON key path ("email_marketing_consent.state").

    >>> _is_sentence("Acceptez-vous nos offres ?"), _is_sentence("je_souhaite_recevoir_nos_offres")
    (True, True)
    >>> _is_sentence("email_marketing_consent.state"), _is_sentence("accepts_marketing_updated_at")
    (False, False)
    """
    if len(header.split()) >= 3:
        return True
    return "_" in header and "." not in header and len(fold_header(header).split()) >= 5


def consent_question(folded: str) -> str | None:
    """The consent field a question asks for, from its folded wording, or None.

    A form's question ("Acceptez-vous de recevoir nos offres par SMS ?") names no
    field by a synonym; it asks for consent and names a channel or purpose. A
    negative question ("Je ne souhaite pas recevoir de courrier") is an opposition.

    >>> consent_question("acceptez vous de recevoir nos offres")
    'optin_offers'
    >>> consent_question("j accepte de recevoir la newsletter")
    'optin_newsletter'
    >>> consent_question("je souhaite recevoir des offres par sms")
    'optin_sms'
    >>> consent_question("je ne souhaite pas recevoir de courrier")
    'optout_post'
    >>> consent_question("acceptez vous de recevoir notre newsletter")
    'optin_newsletter'
    >>> consent_question("j accepte le reglement du jeu concours") is None
    True
    >>> consent_question("date de consentement sms") is None
    True
    """
    padded = f" {folded} "
    if not any(f" {word}" in padded for word in _ASKS) or any(
        f" {word} " in padded for word in _ABOUT_A_CONSENT
    ):
        return None
    purpose = next(
        (name for name, words in _CHANNEL_WORDS if any(f" {w}" in padded for w in words)),
        None,
    )
    if purpose is None:
        return None
    if any(f" {word} " in padded for word in _REFUSES) or any(
        f" {word}" in padded for word in _REFUSING_STEMS
    ):
        return _REFUSALS.get(purpose)
    return _GRANTS[purpose]


def fold_header(header: str) -> str:
    """Fold a header for synonym matching: no accents, case, punctuation or extra spaces.

    >>> fold_header("  Tél. Portable ")
    'tel portable'
    >>> fold_header("E-mail")
    'e mail'
    >>> fold_header("N° client")
    'n client'
    """
    if header.isascii():
        # plain ASCII has nothing to decompose: most cells an import folds (rows that
        # may repeat the header) take this path, several times faster
        return _NOT_ALNUM.sub(" ", header.lower()).strip()
    text = unicodedata.normalize("NFKD", header)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return _NOT_ALNUM.sub(" ", text).strip()


_NOT_ALNUM = re.compile(r"[^a-z0-9]+")


def _f(
    name: str,
    kind: Kind,
    category: Category,
    label_fr: str,
    label_en: str,
    synonyms: Iterable[str] = (),
    **kw: Any,
) -> Field:
    return Field(name, kind, category, label_fr, label_en, tuple(synonyms), **kw)


P, T, R, TR, BE, SD, FI, OF = (
    Category.PERSONAL,
    Category.TARGETING,
    Category.REACTION,
    Category.TRANSACTIONAL,
    Category.BEHAVIOURAL,
    Category.SOCIO_DEMOGRAPHIC,
    Category.FIRMOGRAPHIC,
    Category.OFFLINE,
)
_PUBLIC = Sensitivity.PUBLIC

LIFECYCLE_STAGES = ("lead", "prospect", "customer", "repeat_customer", "lapsed", "former_customer")
SIZE_BANDS = ("0", "1-9", "10-49", "50-249", "250-4999", "5000+")
LEGAL_FORMS = legal_form.FORMS
GENDERS = ("female", "male", "other")
MARITAL_STATUSES = (
    "single", "married", "civil_partnership", "cohabiting", "separated", "divorced", "widowed",
)

# INSEE PCS 2020, first level (groupes socioprofessionnels).
PCS_GROUPS = (
    "1 Agriculteurs exploitants",
    "2 Artisans, commerçants et chefs d'entreprise",
    "3 Cadres et professions intellectuelles supérieures",
    "4 Professions intermédiaires",
    "5 Employés",
    "6 Ouvriers",
    "7 Retraités",
    "8 Autres personnes sans activité professionnelle",
)

# fmt: off
BUILTIN_FIELDS: tuple[Field, ...] = (
    _f('civility', Kind.CIVILITY, P, 'Civilité', 'Title',
       ['civilite', 'civ', 'titre', 'title', 'salutation', 'mr mme', 'm mme', 'qualite'],
       weight=0.5,
       choices=('M.', 'Mme', 'Dr', 'Me', 'Pr')),
    _f('first_name', Kind.NAME, P, 'Prénom', 'First name',
       ['prenom', 'prenoms', 'first name', 'firstname', 'given name', 'forename', 'first',
       'prenom usuel', 'fname'],
       weight=3.0, half_life_days=50 * YEAR),
    _f('last_name', Kind.NAME, P, 'Nom', 'Last name',
       ['nom', 'nom de famille', 'nom famille', 'last name', 'lastname', 'surname', 'family name',
       'last', 'nom usage', 'nom d usage', 'nom usuel', 'nom marital', 'nom d epouse',
       'nom epouse', 'lname'], weight=3.0, half_life_days=20 * YEAR),
    _f('birth_name', Kind.NAME, P, 'Nom de naissance', 'Birth name',
       ['nom de naissance', 'nom de jeune fille', 'nom jeune fille', 'njf', 'nom patronymique',
       'birth name', 'maiden name', 'nee nom de naissance'], weight=0.0,
       storage=Storage.ATTRIBUTE),
    _f('full_name', Kind.FULL_NAME, P, 'Nom complet', 'Full name',
       ['nom complet', 'nom et prenom', 'nom prenom', 'prenom nom', 'full name', 'fullname', 'name',
       'contact', 'nom du contact', 'client', 'destinataire', 'interlocuteur',
       'contact principal', 'nom du contact principal', 'billing name', 'shipping name',
       # a company list's (Pappers, societe.com) named head: the person to write to
       'dirigeant', 'nom du dirigeant', 'interlocuteur principal'],
       storage=Storage.INPUT),
    _f('birth_year', Kind.INTEGER, P, 'Année de naissance', 'Birth year',
       ['annee de naissance', 'annee naissance', 'an de naissance', 'annee naiss',
       'birth year', 'year of birth', 'yob', 'annee de naissance aaaa'],
       storage=Storage.ATTRIBUTE),
    # An age as the file gave it, on the day of the import (the age_on attribute): no
    # birth date is made up from it. Not "tranche d'âge": a band is no age.
    _f('age', Kind.INTEGER, P, 'Âge', 'Age',
       ['age', 'age du client', 'age client', 'age ans', 'age en annees',
       'age actuel'],
       storage=Storage.ATTRIBUTE),
    _f('birth_date', Kind.BIRTH_DATE, P, 'Date de naissance', 'Birth date',
       ['date de naissance', 'date naissance', 'naissance', 'ne le', 'nee le', 'ddn', 'birth date',
       'birthdate', 'date of birth', 'dob', 'birthday', 'anniversaire', 'ne e le', 'ne e',
       'date naiss', 'date de naiss', 'date nais', 'dt naissance', 'date anniversaire',
       'date d anniversaire'],
       weight=2.0, profiles=B2C),
    _f('gender', Kind.CHOICE, SD, 'Genre', 'Gender',
       ['genre', 'sexe', 'gender', 'sex'], weight=0.5, profiles=B2C, choices=GENDERS),
    _f('language', Kind.CHOICE, T, 'Langue', 'Language',
       ['langue', 'langue preferee', 'language', 'lang', 'preferred language', 'locale',
       'langue de communication', 'langue parlee'], weight=0.5,
       half_life_days=20 * YEAR),
    _f('email', Kind.EMAIL, P, 'E-mail', 'Email',
       ['email', 'e mail', 'mail', 'courriel', 'adresse email', 'adresse e mail', 'adresse mail',
       'email address', 'e mail address', 'mel', 'adresse electronique', 'email perso', 'email pro',
       'email professionnel', 'work email', 'e mail pro', 'mail pro', 'e mail perso', 'mail perso',
       'e mail professionnel', 'courriel pro', 'courriel perso', 'courriel professionnel',
       'courriel personnel', 'email personnel', 'e mail personnel',
       # Outlook's French export ("Adresse de messagerie 2" is one more)
       'adresse de messagerie', 'adresse messagerie',
       # Zoho's and other CRMs' second address
       'secondary email', 'email secondaire', 'e mail secondaire', 'adresse email secondaire',
       'other email', 'alternate email', 'additional email', 'autre email', 'autre e mail'],
       weight=4.0,
       half_life_days=3 * YEAR,
       storage=Storage.EMAIL, many=True),
    _f('phone', Kind.PHONE, P, 'Téléphone', 'Phone',
       ['telephone', 'tel', 'phone', 'phone number', 'numero de telephone', 'num tel', 'tel fixe',
       'n de telephone', 'n telephone', 'no de telephone', 'numero de tel', 'n tel',
       'telephone fixe', 'fixe', 'landline', 'tel domicile', 'home phone', 'tel bureau',
       'tel dom', 'telephone domicile', 'tel maison', 'telephone bureau',
       'telephone professionnel', 'work phone', 'tel pro', 'office phone', 'business phone',
       'telephone bureau', 'ligne directe', 'direct line', 'tel standard', 'switchboard',
       # a company's switchboard beside its people's direct lines (trade-show and B2B lists)
       'standard', 'numero standard', 'n standard', 'standard telephonique',
       'tel perso', 'telephone perso', 'telephone personnel', 'fixe perso', 'tel direct',
       'telephone direct', 'tel travail', 'telephone travail', 'tel trav', 'tel du travail',
       'telephone du travail'],
       weight=2.0, half_life_days=4 * YEAR,
       storage=Storage.PHONE, many=True),
    _f('mobile', Kind.PHONE, P, 'Mobile', 'Mobile',
       ['mobile', 'portable', 'tel portable', 'telephone portable', 'tel mobile',
       'telephone mobile', 'gsm', 'cell', 'cellphone', 'cell phone', 'mobile phone',
       'mobile number', 'numero de portable', 'sms', 'numero de mobile', 'numero mobile',
       'numero portable', 'n mobile', 'n portable', 'tel port', 'tel gsm', 'mobile perso',
       'n de portable', 'n de mobile', 'no de portable', 'mobile phone number', 'mobilephone',
       'cell phone number', 'numero de telephone portable', 'numero de telephone mobile',
       'portable perso', 'mobile pro', 'portable pro', 'mobile professionnel'], weight=2.0,
       half_life_days=4 * YEAR,
       storage=Storage.PHONE, many=True, hint='mobile'),
    _f('address_line1', Kind.ADDRESS_LINE, P, 'Adresse', 'Address',
       ['adresse', 'adresse 1', 'adresse ligne 1', 'adresse postale', 'rue', 'voie',
       'numero et voie', 'n et rue', 'numero et rue', 'n et voie', 'address', 'address 1',
       'address line 1', 'street', 'street address', 'street address 1',
       'address1', 'adresse1', 'addr1', 'street1', 'address line1', 'adresse complete',
       'adresse postale complete', 'full address'],
       weight=2.0, half_life_days=5 * YEAR, storage=Storage.ADDRESS, column='line1'),
    _f('address_line2', Kind.ADDRESS_LINE, P, "Complément d'adresse", 'Address line 2',
       ['adresse 2', 'adresse ligne 2', 'complement', 'complement d adresse', 'complement adresse',
       'batiment', 'residence', 'address 2', 'address line 2', 'apartment', 'suite', 'address2',
       'adresse2', 'addr2', 'street2', 'address line2', 'street address 2', 'appartement', 'appt',
       'escalier', 'etage', 'porte', 'complement de l adresse', 'rue 2', 'rue2', 'street 2',
       'complement adresse etablissement'],
       half_life_days=5 * YEAR, storage=Storage.ADDRESS, column='line2'),
    _f('address_line3', Kind.ADDRESS_LINE, P, 'Lieu-dit / BP', 'Locality / PO box',
       ['adresse 3', 'adresse ligne 3', 'lieu dit', 'bp', 'boite postale', 'address 3',
       'address line 3', 'po box', 'address3', 'adresse3', 'addr3', 'rue 3', 'rue3',
       'street 3', 'street3', 'distribution speciale', 'distribution speciale etablissement'],
       half_life_days=5 * YEAR,
       storage=Storage.ADDRESS, column='line3'),
    _f('postcode', Kind.POSTCODE, P, 'Code postal', 'Postcode',
       ['code postal', 'cp', 'code post', 'postcode', 'post code', 'postal code', 'zip', 'zip code',
       'zipcode', 'cedex', 'c p', 'zip postal code', 'postal code zip', 'postalcode',
       'code postal etablissement'],
       weight=2.0, half_life_days=5 * YEAR, storage=Storage.ADDRESS),
    _f('city', Kind.CITY, P, 'Ville', 'City',
       ['ville', 'commune', 'localite', 'city', 'town', 'locality', 'bureau distributeur',
       'libelle commune', 'nom commune', 'nom de la commune', 'libelle commune etablissement'],
       weight=1.5, half_life_days=5 * YEAR, storage=Storage.ADDRESS),
    # A street written over several columns, as La Poste's RNVP files, INSEE's SIRENE
    # and old CRMs keep it ("N° voie", "Ind. rép.", "Type voie", "Libellé voie"): the
    # address point joins them into its street line ("12 BIS RUE DES LILAS").
    _f('street_number', Kind.TEXT, P, 'N° de voie', 'Street number',
       ['n voie', 'numero voie', 'numero de voie', 'n de voie', 'no voie', 'num voie',
       'numero de rue', 'n rue', 'numero rue', 'n de rue', 'numero dans la voie',
       'house number', 'street number', 'numero voie etablissement'], weight=0.0,
       storage=Storage.ADDRESS),
    _f('street_repetition', Kind.TEXT, P, 'Indice de répétition', 'Street number suffix',
       ['ind rep', 'indice de repetition', 'indice repetition', 'ind repetition', 'btq',
       'bis ter', 'complement numero', 'complement de numero', 'indice repetition etablissement',
       'street number suffix'], weight=0.0, storage=Storage.ADDRESS),
    _f('street_type', Kind.TEXT, P, 'Type de voie', 'Street type',
       ['type voie', 'type de voie', 'type de la voie', 'nature voie', 'nature de voie',
       'code type voie', 'street type', 'type voie etablissement'], weight=0.0,
       storage=Storage.ADDRESS),
    _f('street_name', Kind.TEXT, P, 'Libellé de voie', 'Street name',
       ['libelle voie', 'libelle de voie', 'libelle de la voie', 'nom de voie', 'nom de la voie',
       'nom voie', 'nom de rue', 'nom de la rue', 'nom rue', 'street name',
       'libelle voie etablissement'], weight=0.0, storage=Storage.ADDRESS),
    _f('postcode_city', Kind.TEXT, P, 'Code postal et ville', 'Postcode and city',
       ['cp ville', 'code postal ville', 'code postal et ville', 'cp et ville', 'ville cp',
       'ville et code postal', 'ville code postal', 'cp localite', 'postcode city',
       'postcode and city', 'zip city', 'city zip', 'city and postcode'], weight=0.0,
       storage=Storage.ADDRESS),
    _f('npai', Kind.BOOLEAN, P, "NPAI (n'habite pas à l'adresse indiquée)",
       'Returned mail (NPAI)',
       ['npai', 'n p a i', 'pli non distribuable', 'pnd', 'courrier retourne', 'retour courrier',
       'retour npai', 'returned mail', 'return to sender', 'undeliverable address',
       'retour la poste', 'retour poste', 'motif pnd', 'motif npai', 'motif retour',
       'motif de retour', 'motif retour courrier'],
       weight=0.0, storage=Storage.ADDRESS),
    # A person's death, as a file marks it (carnet.fields.deceased): the contact becomes
    # ``deceased``, kept and never contacted (carnet.ingest.write_deaths)
    _f('deceased', Kind.BOOLEAN, P, 'Décédé', 'Deceased',
       ['decede', 'decedee', 'decede e', 'dcd', 'deces', 'deceased', 'client decede',
       'personne decedee', 'decede o n', 'flag deces', 'flag dcd', 'indicateur deces',
       'statut deces', 'top deces', 'top dcd', 'is deceased', 'deceased flag', 'dead'],
       storage=Storage.INPUT),
    _f('death_date', Kind.DATE, P, 'Date de décès', 'Date of death',
       ['date de deces', 'date deces', 'date du deces', 'date dcd', 'decede le', 'decedee le',
       'deces le', 'dcd le', 'date of death', 'death date', 'date of decease', 'died on',
       'deceased on', 'deceased date'],
       storage=Storage.INPUT),
    _f('country', Kind.COUNTRY, P, 'Pays', 'Country',
       ['pays', 'country', 'code pays', 'country code', 'pays de residence', 'pays region',
       'country region'], weight=0.5,
       half_life_days=10 * YEAR,
       storage=Storage.ADDRESS),
    _f('job_title', Kind.TEXT, SD, 'Fonction', 'Job title',
       ['fonction', 'poste', 'intitule de poste', 'metier', 'profession', 'job title', 'job',
       'title role', 'position', 'role', 'poste occupe', 'fonction occupee', 'titre du poste',
       'intitule du poste', 'jobtitle', 'job position', 'organization title',
       'organisation title', 'organization job title'], weight=1.5, half_life_days=3 * YEAR,
       profiles=B2B),
    # A contest's or a loyalty form's household questions.
    _f('marital_status', Kind.CHOICE, SD, 'Situation familiale', 'Marital status',
       ['situation familiale', 'situation de famille', 'etat civil', 'statut marital',
       'statut matrimonial', 'situation matrimoniale', 'marital status', 'civil status'],
       half_life_days=5 * YEAR, profiles=B2C, choices=MARITAL_STATUSES,
       storage=Storage.ATTRIBUTE),
    _f('children_count', Kind.INTEGER, SD, "Nombre d'enfants", 'Number of children',
       ['nombre d enfants', 'nb enfants', 'nbre enfants', 'nombre enfants', 'nb d enfants',
       'enfants a charge', 'nombre d enfants a charge', 'number of children', 'children',
       'kids'], half_life_days=3 * YEAR, profiles=B2C, storage=Storage.ATTRIBUTE),
    _f('pcs', Kind.CHOICE, SD, 'Catégorie socio-professionnelle (PCS)',
       'Socio-professional category (INSEE PCS)',
       ['csp', 'pcs', 'categorie socio professionnelle', 'categorie socioprofessionnelle',
       'socio professional category'], weight=1.0, half_life_days=5 * YEAR, profiles=B2C,
       choices=PCS_GROUPS),
    _f('organisation_name', Kind.TEXT, FI, 'Raison sociale', 'Organisation',
       ['raison sociale', 'societe', 'entreprise', 'organisation', 'organisme', 'etablissement',
       'company', 'company name', 'organization', 'organisation name', 'employer', 'employeur',
       'nom de l entreprise', 'denomination', 'raison soc', 'enseigne', 'nom commercial',
       'account name', 'nom du compte', 'nom de la societe', 'nom societe', 'nom entreprise',
       'organization name', 'nom du tiers', 'tiers', 'nom de l organisme',
       'societe liee', 'related company',
       # the account's name in accounting software (EBP, Sage, Ciel): a company's, or a
       # private customer's own name, which the import then reads as the person's
       'intitule', 'intitule client', 'intitule du client', 'intitule du compte',
       'intitule compte', 'intitule du tiers', 'intitule tiers'],
       weight=2.0, half_life_days=5 * YEAR, profiles=B2B,
       storage=Storage.ORGANISATION, column='name'),
    # Odoo's "Est une société", a CRM's "Type: Société / Particulier": a company's own
    # record, whose name columns hold the company's name (see carnet.fields.relationship)
    _f('is_company', Kind.BOOLEAN, FI, 'Est une société', 'Is a company',
       ['est une societe', 'est une entreprise', 'is a company', 'is company', 'is organization',
       'is organisation', 'personne morale', 'societe o n', 'entreprise o n',
       'type de personne', 'personne physique ou morale', 'forme de la personne'],
       sensitivity=_PUBLIC, storage=Storage.INPUT),
    _f('siren', Kind.SIREN, FI, 'SIREN', 'SIREN',
       ['siren', 'n siren', 'numero siren'], weight=1.5, sensitivity=_PUBLIC, profiles=B2B,
       storage=Storage.ORGANISATION),
    _f('siret', Kind.SIRET, FI, 'SIRET', 'SIRET',
       ['siret', 'n siret', 'numero siret', 'siret etablissement', 'n siret etablissement'],
       weight=1.5, sensitivity=_PUBLIC, profiles=B2B,
       storage=Storage.ORGANISATION),
    _f('vat_number', Kind.VAT, FI, 'N° TVA intracommunautaire', 'VAT number',
       ['tva', 'n tva', 'numero tva', 'tva intracommunautaire', 'n tva intracommunautaire', 'vat',
       'vat number', 'vat id', 'vat no', 'n tva intracom', 'tva intracom', 'numero de tva',
       'business vat id', 'tax id', 'numero de tva intracommunautaire',
       # Dolibarr's "Num TVA" (VATIntraShort), "N° TVA intra"
       'num tva', 'num tva intra', 'n tva intra', 'tva intra', 'no tva'],
       weight=1.0, sensitivity=_PUBLIC, profiles=B2B, storage=Storage.ORGANISATION),
    _f('naf_code', Kind.NAF, FI, 'Code NAF', 'NAF code',
       ['naf', 'code naf', 'ape', 'code ape', 'naf ape', 'code naf ape', 'activity code'],
       weight=1.0, sensitivity=_PUBLIC, profiles=B2B, storage=Storage.ORGANISATION),
    # "Forme juridique" of accounting exports and registers; also read from the name
    # ("Dupont SARL") by carnet.ingest.write_organisations
    _f('legal_form', Kind.CHOICE, FI, 'Forme juridique', 'Legal form',
       ['forme juridique', 'statut juridique', 'forme sociale', 'forme de la societe',
       'forme juridique de l entreprise', 'libelle forme juridique', 'categorie juridique',
       'type de societe', 'legal form', 'legal status', 'legal entity type', 'company type'],
       sensitivity=_PUBLIC, profiles=B2B, storage=Storage.ORGANISATION, choices=LEGAL_FORMS),
    _f('sector', Kind.TEXT, FI, 'Secteur', 'Sector',
       ['secteur', 'secteur d activite', 'activite', 'sector', 'industry'], weight=1.0,
       sensitivity=_PUBLIC, profiles=B2B, storage=Storage.ORGANISATION),
    _f('size_band', Kind.CHOICE, FI, "Tranche d'effectif", 'Size band',
       ['effectif', 'effectifs', 'tranche effectif', 'tranche d effectif', 'taille',
       'nombre de salaries',
       'size', 'company size', 'employees', 'headcount'], weight=1.0, sensitivity=_PUBLIC,
       profiles=B2B, storage=Storage.ORGANISATION, choices=SIZE_BANDS),
    _f('website', Kind.URL, FI, 'Site web', 'Website',
       ['site web', 'site internet', 'site', 'url', 'website', 'web'], weight=0.5,
       sensitivity=_PUBLIC, profiles=B2B, storage=Storage.ORGANISATION),
    _f('iban', Kind.IBAN, OF, 'IBAN', 'IBAN',
       ['iban', 'rib', 'coordonnees bancaires', 'bank account'], sensitivity=Sensitivity.SENSITIVE,
       column='iban_ciphertext'),
    # A French RIB in four columns, as accounting software exports it (Sage, EBP): read
    # together into the IBAN, never kept apart in clear (carnet.ingest.rows)
    _f('rib_bank_code', Kind.TEXT, OF, 'Code banque (RIB)', 'Bank code (RIB)',
       ['code banque', 'code etablissement', 'banque code', 'rib banque', 'rib code banque'],
       sensitivity=Sensitivity.SENSITIVE, storage=Storage.INPUT),
    _f('rib_branch_code', Kind.TEXT, OF, 'Code guichet (RIB)', 'Branch code (RIB)',
       ['code guichet', 'guichet', 'rib guichet', 'rib code guichet'],
       sensitivity=Sensitivity.SENSITIVE, storage=Storage.INPUT),
    _f('rib_account', Kind.TEXT, OF, 'N° de compte (RIB)', 'Account number (RIB)',
       ['n compte', 'numero de compte', 'numero compte', 'n de compte', 'no compte',
       'compte bancaire', 'n compte bancaire', 'rib compte', 'rib n compte'],
       sensitivity=Sensitivity.SENSITIVE, storage=Storage.INPUT),
    _f('rib_key', Kind.TEXT, OF, 'Clé RIB', 'RIB key',
       ['cle rib', 'cle', 'rib cle', 'cle du rib'],
       sensitivity=Sensitivity.SENSITIVE, storage=Storage.INPUT),
    # the bank's code, not the account's: it says which bank, not whose money
    _f('bic', Kind.BIC, OF, 'BIC', 'BIC',
       ['bic', 'code bic', 'swift', 'code swift', 'bic swift', 'swift bic', 'bic code',
       'swift code'], storage=Storage.ATTRIBUTE),
    _f('interests', Kind.LIST, T, "Centres d'intérêt", 'Interests',
       ['centres d interet', 'centre d interet', 'interets', 'interests', 'hobbies', 'loisirs'],
       weight=1.0, half_life_days=2 * YEAR, profiles=B2C),
    _f('equipment', Kind.LIST, T, 'Équipement', 'Equipment',
       ['equipement', 'equipements', 'materiel', 'equipment', 'owned products'], weight=0.5,
       half_life_days=2 * YEAR),
    _f('tags', Kind.LIST, T, 'Étiquettes', 'Tags',
       ['tags', 'tag', 'etiquettes', 'etiquette', 'labels', 'libelles', 'mots cles', 'keywords'],
       weight=0.0),
    _f('lifecycle_stage', Kind.CHOICE, TR, 'Étape du cycle de vie', 'Lifecycle stage',
       ['cycle de vie', 'statut client', 'etape', 'lifecycle stage', 'lifecycle', 'stage',
       'phase du cycle de vie', 'etape du cycle de vie', 'lifecyclestage'],
       sensitivity=_PUBLIC, choices=LIFECYCLE_STAGES),
    _f('signup_date', Kind.DATETIME, TR, "Date d'inscription", 'Sign-up date',
       ['date d inscription', 'date inscription', 'inscrit le', 'date de creation',
       'date creation compte', 'created at', 'signup date', 'sign up date', 'account created',
       'created', 'created on', 'date created', 'creation date', 'date de creation du compte',
       'cree le', 'inscription', 'date de creation client', 'joined', 'date joined',
       'join date', 'create date', 'created date',
       'createdate', 'date registered', 'registration date', 'registered on', 'date added',
       'date d ajout', 'ajoute le', 'customer created at', 'created time', 'creation time',
       'added time', 'added at', 'added on',
       # a member's or a loyalty card holder's: when they joined
       'date d adhesion', 'date adhesion', 'date de l adhesion', 'adhesion le', 'adhere le',
       'date creation carte', 'date de creation de la carte', 'date ouverture carte',
       'date d ouverture de la carte', 'date d inscription au programme'],
       column='first_seen'),
    _f('last_activity', Kind.DATETIME, BE, 'Dernière activité', 'Last activity',
       ['dernier contact', 'date dernier contact', 'derniere activite', 'date derniere activite',
       'last contact', 'last contacted', 'last activity', 'last seen', 'derniere connexion',
       'last activity at', 'last active', 'date last active',
       'date derniere connexion', 'last login', 'derniere visite', 'date derniere visite',
       'last visit', 'date dernier achat', 'date du dernier achat', 'date derniere commande',
       'date de la derniere commande', 'last order date', 'last purchase date',
       'last activity date', 'date de derniere activite', 'last engagement date',
       'dernier achat', 'derniere commande', 'last order', 'last purchase',
       # a shop's till and loyalty card: the customer's last visit
       'dernier passage', 'date dernier passage', 'date de dernier passage',
       'date du dernier passage', 'derniere venue', 'date derniere venue',
       'date du dernier passage en caisse', 'dernier passage en caisse',
       # a restaurant's or hotel's booking export
       'derniere reservation', 'date derniere reservation', 'date de la derniere reservation',
       'date de derniere reservation', 'dernier sejour', 'date dernier sejour',
       'date du dernier sejour', 'last reservation', 'last booking', 'last visit date']),
    _f('customer_since', Kind.DATE, TR, 'Client depuis', 'Customer since',
       ['client depuis', 'date premier achat', 'date de premiere commande', 'customer since',
       'first visit', 'premiere visite', 'date de premiere visite',
       'first order date', 'date client', 'member since', 'membre depuis',
       'adherent depuis'], weight=0.5),
    # What an old CRM or a shop's customer list says of a customer's purchases as a whole
    # (the orders themselves are not in the file): kept typed, for segments.
    _f('total_spent', Kind.DECIMAL, TR, 'Total des achats', 'Total spent',
       # not "CA" or "chiffre d'affaires" alone: in a B2B list, the company's turnover
       ['ca total', 'ca cumule', 'ca client', 'chiffre d affaires client', 'total achats',
       'total des achats', 'montant total des achats', 'montant des achats', 'total depense',
       'montant depense', 'total spent', 'amount spent', 'total revenue', 'lifetime value',
       'ltv', 'clv', 'valeur client', 'total spend',
       # a till's or loyalty program's, with or without tax
       'ca cumule ttc', 'ca cumule ht', 'ca total ttc', 'ca total ht', 'ca client ttc',
       'ca client ht', 'cumul achats', 'cumul des achats', 'cumul achats ttc',
       'total achats ttc', 'montant total des achats ttc',
       # a restaurant's or a shop's CRM: "Dépenses totales", "Total dépensé"
       'depenses totales', 'depense totale', 'total depenses', 'total des depenses',
       'montant total depense', 'total depense ttc',
       # PrestaShop's customer list: what the customer bought in all ("1 234,50 €")
       'ventes'], storage=Storage.ATTRIBUTE),
    _f('order_count', Kind.INTEGER, TR, 'Nombre de commandes', 'Number of orders',
       ['nb commandes', 'nombre de commandes', 'nombre commandes', 'nbre commandes',
       'nbre de commandes', 'nb de commandes', 'nb achats', 'nombre d achats',
       'nombre achats', 'total orders', 'orders count', 'order count', 'number of orders',
       'nb cdes', 'nb cde', 'payment count',
       # a count under a plural header: WooCommerce's customers report ("Orders"), a
       # customer list's "Commandes" (one order's number is "N° de commande")
       'orders', 'commandes'], storage=Storage.ATTRIBUTE),
    _f('loyalty_id', Kind.IDENTIFIER, TR, 'N° de fidélité', 'Loyalty id',
       ['carte fidelite', 'n carte fidelite', 'numero de carte', 'numero fidelite', 'loyalty id',
        'n fidelite', 'no fidelite', 'num fidelite', 'code fidelite', 'id fidelite',
       'loyalty card', 'loyalty number', 'membership number', 'n adherent', 'numero adherent',
       'numero d adherent', 'n d adherent', 'n de carte', 'carte adherent', 'member id'],
       weight=0.5),
    _f('external_id', Kind.IDENTIFIER, P, 'Identifiant source', 'Source id',
       ['id', 'identifiant', 'n client', 'numero client', 'num client', 'code client', 'ref client',
       'reference client', 'customer id', 'client id', 'contact id', 'record id',
       'crm id', 'id client', 'id contact', 'identifiant client', 'n de client',
       'numero de client',
       # accounting software's account of a customer: Sage's "N° compte tiers" (411…)
       'n compte tiers', 'compte tiers', 'numero compte tiers', 'code tiers', 'n tiers',
       'numero tiers', 'n compte client', 'numero compte client', 'n de compte client',
       # HubSpot's French export names its record id so
       'id de fiche d informations', 'id de la fiche', 'id fiche'],
       storage=Storage.EXTERNAL_ID),
    _f('carnet_id', Kind.INTEGER, P, 'Identifiant carnet', 'carnet id',
       ['carnet id', 'id carnet', 'identifiant carnet', 'n carnet'],
       sensitivity=_PUBLIC, storage=Storage.CONTACT_ID),
    _f('optin_newsletter', Kind.BOOLEAN, R, 'Inscrit à la newsletter', 'Newsletter opt-in',
       ['optin', 'opt in', 'opted in', 'optin newsletter', 'opt in newsletter', 'newsletter',
       'inscrit newsletter', 'accepte newsletter', 'abonne', 'subscribed', 'consent',
       'consentement', 'accord email', 'marketing consent', 'optin email', 'opt in email',
       'optin e mail', 'opt in e mail', 'email opt in', 'email optin', 'e mail opt in',
       'e mail optin', 'accepts marketing', 'accepts email marketing',
       'email marketing consent', 'marketing opt in', 'accepte email',
       'accepte les emails', 'email consent', 'consentement email', 'consentement e mail',
       'consentement rgpd', 'accord rgpd', 'optin rgpd', 'opt in rgpd', 'rgpd',
       'abonne newsletter', 'abonnee newsletter', 'abonnement newsletter',
       'email marketing consent state', 'email marketing consent', 'email subscription status',
       'email subscriber status', 'statut abonnement newsletter', 'statut newsletter',
       'newsletter status', 'subscription status', 'email marketing status',
       'statut d abonnement', 'statut abonnement', 'marketing status', 'statut marketing',
       'lettre d informations', 'lettre d information', 'lettre d info',
       # a restaurant's or a shop's own newsletter in a booking or till export (not the
       # booking platform's, which is another controller's consent)
       'newsletter du restaurant', 'newsletter restaurant', 'optin restaurant',
       'opt in restaurant', 'newsletter de l etablissement', 'newsletter etablissement',
       'optin etablissement', 'opt in etablissement', 'newsletter de l hotel',
       'newsletter hotel', 'optin hotel', 'newsletter du magasin', 'newsletter magasin',
       'optin magasin', 'newsletter de la boutique', 'newsletter boutique', 'optin boutique'],
       storage=Storage.CONSENT),
    _f('optin_date', Kind.DATETIME, R, 'Date de consentement', 'Opt-in date',
       ['date optin', 'date opt in', 'date d optin', 'date inscription newsletter', 'optin date',
       'opt in date', 'subscribed at', 'consent date', 'subscription date', 'opt in at',
       'optin at', 'date d opt in', 'optin time', 'opt in time', 'date abonnement',
       'date d abonnement', 'date consentement', 'date du consentement',
       'date consentement rgpd', 'date rgpd', 'consenti le', 'timestamp signup'],
       storage=Storage.CONSENT),
    _f('optin_source', Kind.TEXT, R, 'Origine du consentement', 'Consent source',
       ['source optin', 'origine optin', 'origine', 'formulaire', 'form', 'optin source',
       'consent source', 'collecte', 'source du consentement', 'source consentement',
       'origine consentement', 'origine du consentement'], storage=Storage.CONSENT),
    _f('optout_date', Kind.DATETIME, R, 'Date de désinscription', 'Opt-out date',
       ['date desinscription', 'desinscrit le', 'date optout', 'date opt out', 'unsubscribed at',
       'optout date', 'opt out date', 'unsubscribe date', 'unsubscribed', 'date de desabonnement',
       'unsub time', 'unsubscribe time', 'unsubscribed on'],
       storage=Storage.CONSENT),
    # An address that hard bounced (Mailchimp's "cleaned" export): the import marks the
    # row's e-mail bounced and suppresses it (carnet.ingest.write_suppressions).
    _f('bounced_at', Kind.DATETIME, R, 'Date du rejet définitif (hard bounce)',
       'Hard bounce date',
       ['clean time', 'cleaned at', 'cleaned on', 'date nettoyage', 'bounced at', 'bounce date',
       'date bounce', 'date de bounce', 'date du bounce', 'hard bounce date',
       'date hard bounce', 'date du hard bounce', 'hard bounced at', 'email bounced date',
       'date de rejet', 'date du rejet', 'rejete le'],
       storage=Storage.CONSENT),
    _f('activity_date', Kind.DATETIME, BE, "Date de l'activité", 'Activity date',
       ['horodateur', 'horodatage', 'date de reponse', 'repondu le', 'date', 'timestamp',
       'answered at', 'submitted at', 'registered at', 'date d enregistrement',
       'submit date', 'submission date', 'date de soumission', 'date d envoi',
       'date de participation',
       # a call centre's: the call is what the row's notes and outcome are about
       'date d appel', 'date appel', 'date de l appel', 'appel le', 'date et heure d appel',
       'date heure appel'], storage=Storage.EVENT),
    # A time of day in a column of its own beside the date ("Date d'appel" | "Heure"): it
    # gives the row's moment its time (carnet.ingest.rows)
    _f('time_of_day', Kind.TEXT, BE, 'Heure', 'Time of day',
       ['heure', 'heure d appel', 'heure de l appel', 'heure appel', 'heure de reservation',
       'heure de la reservation', 'heure reservation', 'heure du rendez vous', 'heure rdv',
       'heure de commande', 'heure de la commande', 'heure commande', 'heure de reponse',
       'heure d achat', 'heure de passage', 'heure de l evenement'],
       sensitivity=_PUBLIC, storage=Storage.INPUT),
    _f('event_name', Kind.TEXT, BE, 'Événement', 'Event',
       ['evenement', 'salon', 'webinaire', 'nom de l evenement', 'event', 'event name', 'webinar'],
       sensitivity=_PUBLIC, storage=Storage.EVENT),
    _f('event_attended', Kind.BOOLEAN, BE, 'Présent', 'Attended',
       ['present', 'presence', 'venu', 'attended', 'attendance', 'showed up'],
       storage=Storage.EVENT),
    _f('nps', Kind.INTEGER, R, 'Note de recommandation (NPS)', 'Net Promoter Score',
       ['nps', 'note nps', 'score nps', 'net promoter score', 'recommandation',
       'likelihood to recommend'], storage=Storage.EVENT, keywords=('recommand', '0 a 10',
       '0 to 10', 'nps')),
    _f('survey_comment', Kind.TEXT, R, "Commentaire d'enquête", 'Survey comment',
       ['commentaire', 'un commentaire', 'vos commentaires', 'verbatim', 'comment', 'comments',
       'feedback', 'suggestion',
       # the open question after an NPS score
       'pourquoi cette note', 'pourquoi', 'raison de la note', 'raison de votre note',
       'expliquez votre note', 'pourquoi avez vous donne cette note',
       'reason for your score', 'why this score'], storage=Storage.EVENT),
    _f('contest_entry', Kind.BOOLEAN, R, 'Participation au jeu concours', 'Contest entry',
       ['jeu concours', 'participe au jeu', 'concours', 'contest', 'contest entry', 'sweepstakes'],
       storage=Storage.EVENT, keywords=('concours', 'contest')),
    _f('call_note', Kind.TEXT, OF, "Note d'appel / commentaire CRM", 'Call-centre note',
       ['notes', 'note', 'remarque', 'remarques', 'observations', 'compte rendu', 'call note',
       'call notes', 'crm notes'], storage=Storage.EVENT),
    _f('order_ref', Kind.IDENTIFIER, TR, 'N° de commande', 'Order number',
       ['n commande', 'numero de commande', 'num commande', 'commande', 'ref commande', 'order id',
       'order number', 'order ref', 'order', 'reference commande', 'reference de commande',
       'n de commande', 'numero commande'], sensitivity=_PUBLIC, storage=Storage.ORDER),
    _f('order_date', Kind.DATETIME, TR, 'Date de commande', 'Order date',
       ['date de commande', 'date commande', 'date achat', 'date d achat', 'order date',
       'date de la commande',
       'ordered at', 'purchase date'], storage=Storage.ORDER),
    _f('customer_ref', Kind.IDENTIFIER, TR, 'Référence client (commande)', 'Customer reference',
       ['client commande', 'customer number', 'customer ref', 'customer', 'buyer id'],
       storage=Storage.ORDER),
    _f('sku', Kind.IDENTIFIER, TR, 'Référence produit', 'SKU',
       ['sku', 'ref produit', 'reference produit', 'code article', 'ref article', 'ean',
       'product id', 'product code', 'item code', 'item sku', 'lineitem sku', 'line item sku'],
       sensitivity=_PUBLIC, storage=Storage.ORDER),
    _f('product_name', Kind.TEXT, TR, 'Produit', 'Product',
       ['produit', 'libelle produit', 'article', 'designation', 'product', 'product name', 'item',
       'item name', 'lineitem name', 'line item name', 'nom du produit', 'nom produit'],
       sensitivity=_PUBLIC, storage=Storage.ORDER),
    _f('quantity', Kind.INTEGER, TR, 'Quantité', 'Quantity',
       ['quantite', 'qte', 'qty', 'quantity', 'nombre d articles', 'lineitem quantity',
       'line item quantity', 'item quantity'], sensitivity=_PUBLIC,
       storage=Storage.ORDER),
    _f('unit_price', Kind.DECIMAL, TR, 'Prix unitaire', 'Unit price',
       ['prix unitaire', 'prix', 'pu', 'prix ttc', 'prix unitaire ttc', 'pu ttc', 'prix ht',
       'prix unitaire ht', 'pu ht', 'unit price', 'price', 'item cost', 'item price',
       'lineitem price', 'line item price'], sensitivity=_PUBLIC,
       storage=Storage.ORDER),
    _f('line_total', Kind.DECIMAL, TR, 'Montant de la ligne', 'Line total',
       ['montant', 'total ligne', 'montant ligne', 'montant ttc', 'total', 'total ttc',
       'total ligne ttc', 'montant ht', 'total ht', 'total ligne ht', 'line total', 'amount',
       # what a row's ticket, membership or donation cost: Eventbrite's "Total Paid",
       # HelloAsso's "Montant tarif", "Montant adhésion", "Montant du don"
       'total paid', 'total paye', 'montant paye', 'amount paid', 'montant regle',
       'montant tarif', 'montant adhesion', 'montant de l adhesion', 'montant cotisation',
       'montant de la cotisation', 'montant du don', 'montant don', 'montant billet',
       'prix paye', 'price paid'],
       sensitivity=_PUBLIC, storage=Storage.ORDER),
    _f('order_total', Kind.DECIMAL, TR, 'Montant de la commande', 'Order total',
       ['total commande', 'total de la commande', 'montant commande', 'montant de la commande',
       'montant total', 'total commande ttc', 'order total', 'order total amount',
       'order amount', 'total amount', 'grand total'], sensitivity=_PUBLIC,
       storage=Storage.ORDER),
    _f('order_status', Kind.TEXT, TR, 'Statut de la commande', 'Order status',
       ['statut', 'statut commande', 'statut de la commande', 'etat', 'etat commande',
       'etat de la commande', 'statut paiement', 'statut du paiement', 'status',
       'order status', 'financial status', 'payment status',
       # a ticket's: Eventbrite's "Attending", "Refunded", "Not Attending"
       'attendee status', 'statut du participant', 'statut participant',
       'statut du billet', 'ticket status'], sensitivity=_PUBLIC,
       storage=Storage.ORDER),
    _f('order_currency', Kind.TEXT, TR, 'Devise', 'Currency',
       ['devise', 'monnaie', 'devise commande', 'currency', 'order currency', 'currency code'],
       sensitivity=_PUBLIC, storage=Storage.ORDER),
    _f('cart_abandoned', Kind.BOOLEAN, TR, 'Panier abandonné', 'Abandoned cart',
       ['panier abandonne', 'abandon de panier', 'abandoned cart', 'abandoned checkout',
       'cart abandoned'], storage=Storage.ORDER),
    _f('cart_total', Kind.DECIMAL, TR, 'Montant du panier', 'Cart total',
       ['montant panier', 'montant du panier', 'total panier', 'valeur panier',
       'valeur du panier', 'cart total', 'cart value', 'cart amount', 'basket value'],
       sensitivity=_PUBLIC, storage=Storage.ORDER),
    _f('optin_ip', Kind.TEXT, R, 'Adresse IP du consentement', 'Consent IP address',
       ['ip', 'adresse ip', 'ip address', 'ip optin', 'optin ip', 'ip opt in', 'opt in ip',
       'ip consentement', 'ip du consentement', 'ip signup', 'signup ip'],
       storage=Storage.CONSENT),
    # Where the double opt-in was confirmed from (Mailchimp's CONFIRM_IP, its API's ip_opt):
    # the confirmation's own proof, beside the sign-up's IP.
    _f('optin_confirmed_ip', Kind.TEXT, R, 'Adresse IP de la confirmation',
       'Confirmation IP address',
       ['confirm ip', 'confirmation ip', 'ip confirmation', 'ip de confirmation', 'ip opt',
       'doi ip', 'ip doi', 'ip double optin', 'ip double opt in'], storage=Storage.CONSENT),
    _f('optin_confirmed', Kind.BOOLEAN, R, 'Double opt-in confirmé', 'Double opt-in confirmed',
       ['double opt in', 'double optin', 'doi', 'confirme', 'optin confirme', 'confirmed'],
       storage=Storage.CONSENT),
    _f('optin_confirmed_at', Kind.DATETIME, R, 'Date de confirmation', 'Confirmation date',
       ['date de confirmation', 'confirme le', 'confirmed at', 'confirmation date', 'doi date',
       'confirm time', 'timestamp opt'],
       storage=Storage.CONSENT),
    _f('optout_newsletter', Kind.BOOLEAN, R, 'Désabonné de la newsletter',
       'Unsubscribed from the newsletter',
       ['desabonne', 'desabonnee', 'desinscrit', 'desinscrite', 'desinscrit newsletter',
       'desabonne newsletter', 'opt out', 'optout', 'opted out', 'unsubscribed flag',
       'is unsubscribed'],
       storage=Storage.CONSENT),
    # Consent flags for other purposes and channels (carnet.ingest.write_consent.CONSENT_FLAGS
    # says which purpose and channel each one records).
    _f('optin_offers', Kind.BOOLEAN, R, 'Accepte les offres commerciales par e-mail',
       'Commercial offers by email opt-in',
       ['offres commerciales', 'optin offres', 'opt in offres', 'optin offres commerciales',
       'accepte offres', 'accepte les offres', 'accepte offres commerciales',
       'accepte les offres commerciales', 'offres promotionnelles', 'optin promotions',
       'commercial offers', 'optin offers', 'opt in offers', 'offers opt in',
       'marketing emails', 'promotional emails',
       # an old CRM's "ACCORD_COM" / "Accord commercial": the customer agreed to be
       # canvassed (prospection commerciale), which by e-mail is this consent
       'accord commercial', 'accord com', 'accord comm', 'accord communication',
       'accord communications', 'accord prospection', 'accord pub', 'ok pub'],
       storage=Storage.CONSENT),
    _f('optin_sms', Kind.BOOLEAN, R, 'Accepte les offres par SMS', 'SMS opt-in',
       ['optin sms', 'opt in sms', 'sms optin', 'sms opt in', 'accepte sms', 'accepte les sms',
       'accord sms', 'consentement sms', 'inscrit sms', 'offres par sms', 'offres sms',
       'sms marketing', 'marketing sms', 'sms consent', 'consent sms', 'sms opt in consent',
       'accepts sms marketing', 'accepts sms', 'sms marketing consent',
       'sms marketing consent state',
       'sms subscription status', 'sms subscriber status'],
       storage=Storage.CONSENT),
    _f('optin_phone', Kind.BOOLEAN, R, 'Accepte le démarchage téléphonique', 'Phone opt-in',
       ['optin telephone', 'opt in telephone', 'optin tel', 'opt in tel', 'accepte appels',
       'accepte les appels', 'accord telephone', 'consentement telephone',
       'accepte demarchage telephonique', 'optin phone', 'opt in phone', 'phone opt in',
       'phone consent', 'call opt in', 'telemarketing opt in', 'telemarketing consent'],
       storage=Storage.CONSENT),
    _f('optin_post', Kind.BOOLEAN, R, 'Accepte les offres par courrier', 'Postal mail opt-in',
       ['optin courrier', 'opt in courrier', 'accepte courrier', 'accepte le courrier',
       'accord courrier', 'consentement courrier', 'optin postal', 'opt in postal',
       'offres par courrier', 'courrier postal', 'optin post', 'opt in post', 'post opt in',
       'postal opt in', 'postal consent', 'direct mail opt in', 'direct mail consent',
       # Mailchimp's marketing permission of that name (its values are yes/no)
       'direct mail'],
       storage=Storage.CONSENT),
    _f('optin_partners', Kind.BOOLEAN, R, 'Accepte les offres des partenaires',
       "Partners' offers opt-in",
       ['optin partenaires', 'opt in partenaires', 'offres partenaires', 'offres des partenaires',
       'offres de nos partenaires', 'accepte offres partenaires',
       'accepte les offres des partenaires', 'accord partenaires', 'partenaires',
       'consentement partenaires', 'partner offers', 'partners offers', 'optin partners',
       'opt in partners', 'partners opt in', 'third party opt in', 'third party offers',
       'third party consent'], storage=Storage.CONSENT),
    # A channel's opposition (carnet.ingest.write_consent.CHANNEL_OPT_OUTS): every
    # purpose of the channel is withdrawn, whether or not the person had consented.
    _f('optout_email', Kind.BOOLEAN, R, 'Opposé aux e-mails', 'Email opt-out',
       ['optout email', 'opt out email', 'email optout', 'email opt out', 'optout e mail',
       'opt out e mail', 'desinscrit email', 'desinscrit e mail', 'desabonne email',
       'desabonne e mail', 'refus email', 'refus e mail', 'refus emailing', 'stop email',
       # Salesforce's HasOptedOutOfEmail in its French interface
       'refus de courriers electroniques', 'refus des courriers electroniques',
       'refus courriers electroniques', 'refus de courrier electronique', 'refus des e mails',
       'stop mail', 'pas d email', 'pas de mail', 'ne plus recevoir d email',
       'email unsubscribed', 'unsubscribed from email', 'blacklisted', 'email blacklisted',
       'blacklisted email', 'blacklist', 'liste noire', 'has opted out of email',
       'email opted out', 'is excluded from campaigns', 'excluded from campaigns',
       'hs email optout', 'do not email', 'donotemail', 'do not allow emails',
       'do not allow bulk emails', 'do not email me', 'ne pas envoyer d email',
       'ne pas envoyer d emails', 'ne pas envoyer de mail', 'ne pas envoyer de mails',
       'ne pas envoyer d e mail', 'ne pas envoyer d e mails', 'ne pas emailer',
       # HubSpot's hs_email_optout, labelled in its French and English interfaces
       'desabonne de tous les e mails', 'desabonne de tous les emails',
       'unsubscribed from all email', 'opted out of all email'],
       storage=Storage.CONSENT),
    _f('optout_sms', Kind.BOOLEAN, R, 'Opposé aux SMS (STOP SMS)', 'SMS opt-out',
       ['stop sms', 'sms stop', 'optout sms', 'opt out sms', 'sms optout', 'sms opt out',
       'desinscrit sms', 'desabonne sms', 'refus sms', 'pas de sms', 'sms unsubscribed',
       'unsubscribed from sms', 'blacklisted sms', 'sms blacklisted'], storage=Storage.CONSENT),
    _f('optout_phone', Kind.BOOLEAN, R, 'Opposé au démarchage téléphonique (Bloctel)',
       'Phone opt-out (do not call)',
       ['bloctel', 'inscrit bloctel', 'inscrite bloctel', 'liste bloctel', 'sur bloctel',
       'opposition bloctel', 'ne pas appeler', 'ne pas telephoner', 'pas d appel',
       'opposition demarchage', 'opposition demarchage telephonique', 'refus demarchage',
       'refus demarchage telephonique', 'refus appel', 'refus appels', 'refus telephone',
       'optout telephone', 'opt out telephone', 'optout phone', 'opt out phone',
       'do not call', 'dnc'], storage=Storage.CONSENT),
    _f('optout_post', Kind.BOOLEAN, R, 'Opposé au courrier (liste Robinson)',
       'Postal mail opt-out',
       ['robinson', 'liste robinson', 'inscrit robinson', 'stop pub', 'stop publicite',
       'refus courrier', 'pas de courrier', 'ne pas ecrire', 'opposition courrier',
       'optout courrier', 'opt out courrier', 'optout post', 'opt out post', 'do not mail'],
       storage=Storage.CONSENT),
    _f('optout_all', Kind.BOOLEAN, R, 'Ne pas contacter (tous canaux)', 'Do not contact',
       ['ne pas contacter', 'ne plus contacter', 'ne pas solliciter', 'refus prospection',
       'refus de prospection', 'opposition prospection', 'opposition a la prospection',
       'refus sollicitation', 'refus sollicitations', 'refus contact', 'do not contact',
       'dnc all', 'no contact', 'opposition commerciale', 'opposition prospection commerciale',
       'opposition a la prospection commerciale', 'refus prospection commerciale',
       'exclure des envois', 'exclu des envois', 'exclue des envois', 'ne pas relancer'],
       storage=Storage.CONSENT),
)
# fmt: on


#: Little words a terse header leaves out: "Date création" is "Date de création".
_LITTLE_WORDS = frozenset({"de", "du", "des", "d", "la", "le", "les", "l", "of", "the"})


def _loose(folded: str) -> str:
    """A folded header without its little words, each word in the singular.

    >>> _loose("date de creation"), _loose("emails"), _loose("numeros de telephones")
    ('date creation', 'email', 'numero telephone')
    """
    words = [w for w in folded.split() if w not in _LITTLE_WORDS]
    return " ".join(w[:-1] if len(w) > 3 and w.endswith("s") and w[-2] != "s" else w for w in words)


#: Words old CRM and accounting exports shorten in their headers, folded, with what
#: each may stand for ("cde" is a "code" in "Cde postal", an order in "Nb cde").
_ABBREVIATIONS: dict[str, tuple[str, ...]] = {
    "adr": ("adresse",), "adrs": ("adresse",),
    "dt": ("date",), "dte": ("date",), "dat": ("date",),
    "naiss": ("naissance",), "nais": ("naissance",), "nss": ("naissance",),
    "dern": ("dernier",), "der": ("dernier",), "dernie": ("dernier",),
    "prem": ("premier",), "1er": ("premier",), "1ere": ("premier",),
    "crea": ("creation",), "creat": ("creation",), "cre": ("creation",),
    "inscr": ("inscription",), "insc": ("inscription",),
    "adh": ("adhesion",), "adhes": ("adhesion",),
    "cde": ("code", "commande"), "cmd": ("commande",), "cmde": ("commande",),
    "ach": ("achat",), "cli": ("client",), "clt": ("client",),
    "pren": ("prenom",), "prn": ("prenom",), "nm": ("nom",),
    "jf": ("jeune fille",),
    # not "port" alone: a shop's "Port" is its shipping cost ("Tel port" is a synonym)
    "mob": ("mobile",), "dom": ("domicile",),
    "tph": ("telephone",), "tlph": ("telephone",), "telph": ("telephone",),
    "fct": ("fonction",), "fonct": ("fonction",),
    "ste": ("societe",), "soc": ("societe",),
    "mt": ("montant",), "mnt": ("montant",), "mtt": ("montant",),
    "nbre": ("nombre",), "nbr": ("nombre",),
    "ctry": ("country",), "loc": ("localite",), "vil": ("ville",),
    "addr": ("adresse", "address"), "no": ("numero", "number"), "org": ("organisation",),
    "civ": ("civilite",), "sx": ("sexe",),
}
#: Letters and digits glued together in a header: "ADR1", "Tel2".
_GLUED_NUMBER = re.compile(r"(?<=[a-z])(?=\d)")


def _spelt_out(folded: str) -> list[str]:
    """A folded header with its shortened words spelt out, every way they may be.

    >>> _spelt_out("dt naiss"), _spelt_out("adr1"), _spelt_out("cde postal")
    (['date naissance'], ['adresse 1'], ['code postal', 'commande postal'])
    >>> _spelt_out("email"), _spelt_out("d o b")
    ([], ['dob'])
    """
    words = _GLUED_NUMBER.sub(" ", folded).split()
    if len(words) > 1 and all(len(word) == 1 for word in words):
        words = ["".join(words)]  # "D.O.B.", "N.A.F."
    options = [_ABBREVIATIONS.get(word, (word,)) for word in words]
    if " ".join(words) == folded and all(
        len(o) == 1 and o[0] == w for o, w in zip(options, words, strict=True)
    ):
        return []
    ways = [""]
    for choices in options:
        ways = [f"{way} {choice}".strip() for way in ways for choice in choices][:8]
    return ways


#: A word after a header that says whose address, phone or e-mail it is (folded).
OWNER_WORDS = frozenset({
    "perso", "personnel", "personnelle", "pro", "professionnel", "professionnelle", "prive",
    "privee", "domicile", "bureau", "travail", "maison", "home", "work", "office",
})
_OWNER_SUFFIX = re.compile(rf"(?P<rest>.+?)\s+(?P<owner>{'|'.join(sorted(OWNER_WORDS))})")
_OWNED_STORAGES = frozenset({Storage.ADDRESS, Storage.PHONE, Storage.EMAIL})


def split_owner(folded: str) -> tuple[str, str] | None:
    """A folded header and the word after it that says whose it is ("adresse", "pro" of
    "adresse pro"), or None.

    >>> split_owner("cp perso"), split_owner("perso")
    (('cp', 'perso'), None)
    """
    owned = _OWNER_SUFFIX.fullmatch(folded)
    return None if owned is None else (owned["rest"], owned["owner"])


class Catalog(Mapping[str, Field]):
    """An ordered, read-only set of fields with header matching.

    Args:
        fields: the declarations; names must be unique.

    Raises:
        ConfigError: on duplicate names.
    """

    def __init__(self, fields: Iterable[Field]) -> None:
        self._fields: dict[str, Field] = {}
        self._headers: dict[str, Field] = {}
        duplicates: list[str] = []
        for f in fields:
            if f.name in self._fields:
                duplicates.append(f.name)
            self._fields[f.name] = f
        if duplicates:
            raise ConfigError(f"Fields declared twice: {', '.join(sorted(set(duplicates)))}.")
        for f in self._fields.values():
            for spelling in (f.name, f.label_fr, f.label_en, *f.synonyms):
                # First declaration wins, so built-in meanings cannot be hijacked silently.
                self._headers.setdefault(fold_header(spelling), f)
        # The same spellings without their little words and in the singular, for headers
        # written more tersely or in the plural: "Date création", "Emails", "Téléphones".
        loose: dict[str, set[str]] = {}
        for key, f in self._headers.items():
            loose.setdefault(_loose(key), set()).add(f.name)
        self._loose = {
            key: self._fields[next(iter(names))] for key, names in loose.items() if len(names) == 1
        }

    def __getitem__(self, name: str) -> Field:
        return self._fields[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._fields)

    def __len__(self) -> int:
        return len(self._fields)

    def match_header(self, header: str) -> Field | None:
        """The field a column header names, or None.

        >>> default_catalog().match_header("Code Postal").name
        'postcode'
        >>> default_catalog().match_header("favourite colour") is None
        True
        >>> default_catalog().match_header("Quelle probabilité que vous recommandiez ... ?").name
        'nps'
        """
        found = self.header_match(header)
        return found[0] if found else None

    def header_match(self, header: str) -> tuple[Field, str] | None:
        """The field a header names and how: ``"synonym"``, ``"consent question"`` or
        ``"keyword"``.

        >>> default_catalog().header_match("MailingPostalCode")
        (Field(name='postcode', ...), 'synonym')
        >>> default_catalog().header_match("Acceptez-vous de recevoir nos offres par SMS ?")
        (Field(name='optin_sms', ...), 'consent question')
        """
        folded = fold_header(header)
        found = self._headers.get(folded)
        if found is None and _HINT.search(header):
            # "Date de naissance (jj/mm/aaaa)": the words outside the brackets name it.
            found = self._headers.get(fold_header(_HINT.sub(" ", header)))
        if found is None and CAMEL.search(header):
            # API names of CRM exports: "MailingPostalCode", "HasOptedOutOfEmail"
            found = self._headers.get(fold_header(CAMEL.sub(" ", header)))
        if found is None and (asked := _QUESTION.match(folded)):
            # A form's question: "Quel est votre prénom ?", "Please enter your email"
            found = self._headers.get(asked["rest"])
        if (
            found is None
            and _HINT.search(header)
            and (asked := _QUESTION.match(fold_header(_HINT.sub(" ", header))))
        ):
            # "Votre numéro de portable (facultatif)": a question with a hint
            found = self._headers.get(asked["rest"])
        if found is None and _HINT.search(header):
            # Dolibarr's "Id. prof. 1 (SIREN)": the bracket names it
            hints = {fold_header(h) for h in _HINT.findall(header)}
            named = {self._headers[h] for h in hints if h in self._headers}
            found = named.pop() if len(named) == 1 else None
        if found is None and "/" in header:
            # "Poste/fonction", "Ville / Commune": alternatives that name one field
            sides = {self._headers.get(fold_header(side)) for side in header.split("/")}
            sides.discard(None)
            if len(sides) > 1 and all(f.storage is Storage.PHONE for f in sides if f):
                # "Tel fixe / portable": one column of numbers, landline or mobile
                sides = {self._fields.get("phone")}
            found = sides.pop() if len(sides) == 1 else None
        if found is None:
            # "Date création" (Date de création), "Emails", "Téléphones", "Commentaires"
            found = self._loose.get(_loose(folded))
        if found is None:
            # old exports' shortened headers: "DT NAISS", "ADR1", "Tél mob", "Nom JF"
            spelt = {
                field.name: field
                for way in _spelt_out(folded)
                if (field := self._headers.get(way) or self._loose.get(_loose(way)))
            }
            found = spelt.popitem()[1] if len(spelt) == 1 else None
        if found is None and (owned := split_owner(folded)) is not None:
            # "Adresse pro", "CP perso", "Ville domicile": a part of one of the person's
            # addresses (the mapping tells them apart by that word)
            part = self._headers.get(owned[0]) or self._loose.get(_loose(owned[0]))
            if part is not None and part.storage in _OWNED_STORAGES:
                found = part
        if found is not None:
            return found, "synonym"
        # Only a sentence is a question; "email_marketing_consent.opt_in_level" is a key.
        question = consent_question(folded) if _is_sentence(header) else None
        if question is not None and question in self._fields:
            return self._fields[question], "consent question"
        # Long headers (survey questions) name their field with a keyword inside.
        padded = f" {folded} "
        for f in self._fields.values():
            if any(f" {k}" in padded for k in f.keywords):
                return f, "keyword"
        return None

    def for_profile(self, profile: Profile | str) -> list[Field]:
        """Fields counted for completeness in a company profile."""
        wanted = Profile(profile)
        return [f for f in self._fields.values() if wanted in f.profiles and f.weight > 0]

    def in_storage(self, storage: Storage) -> list[Field]:
        """Fields kept in one place of the store."""
        return [f for f in self._fields.values() if f.storage is storage]

    def with_custom(self, declarations: Iterable[Mapping[str, Any]]) -> Catalog:
        """A new catalog with custom fields from configuration added.

        Each declaration needs ``name`` and ``kind``; ``label_fr``/``label_en``,
        ``synonyms``, ``category``, ``weight``, ``half_life_days``, ``profiles``
        and ``sensitivity`` are optional. Custom fields are kept in the
        contact's JSON attributes.

        Raises:
            ConfigError: listing every problem in the declarations.
        """
        problems: list[str] = []
        added: list[Field] = []
        for i, decl in enumerate(declarations, 1):
            name = str(decl.get("name", "")).strip()
            where = f"custom field #{i} ({name or 'unnamed'})"
            if not re.fullmatch(r"[a-z][a-z0-9_]*", name):
                problems.append(f"{where}: name must be snake_case letters and digits")
                continue
            if name in self._fields:
                problems.append(f"{where}: '{name}' is already a built-in field")
                continue
            try:
                kind = Kind(str(decl.get("kind", "text")))
                category = Category(str(decl.get("category", "targeting")))
                sensitivity = Sensitivity(str(decl.get("sensitivity", "personal")))
                profiles = frozenset(Profile(p) for p in decl.get("profiles", ["b2c", "b2b"]))
            except ValueError as exc:
                problems.append(f"{where}: {exc}")
                continue
            synonyms = decl.get("synonyms", [])
            if not isinstance(synonyms, list):
                problems.append(f"{where}: synonyms must be a list of strings")
                continue
            try:
                weight = float(decl.get("weight", 0.0))
                half_life = decl.get("half_life_days")
                half_life_days = None if half_life is None else int(half_life)
            except (TypeError, ValueError):
                problems.append(f"{where}: weight and half_life_days must be numbers")
                continue
            added.append(
                Field(
                    name=name,
                    kind=kind,
                    category=category,
                    label_fr=str(decl.get("label_fr", name)),
                    label_en=str(decl.get("label_en", name)),
                    synonyms=tuple(str(s) for s in synonyms),
                    weight=weight,
                    half_life_days=half_life_days,
                    sensitivity=sensitivity,
                    profiles=profiles,
                    storage=Storage.ATTRIBUTE,
                    choices=tuple(str(c) for c in decl.get("choices", [])),
                    custom=True,
                )
            )
        if problems:
            raise ConfigError("Invalid custom fields: " + "; ".join(problems) + ".")
        return Catalog([*self._fields.values(), *added])

    def without(self, *names: str) -> Catalog:
        """A new catalog without the named fields."""
        return Catalog(f for f in self._fields.values() if f.name not in names)

    def replaced(self, name: str, **changes: Any) -> Catalog:
        """A new catalog where one field has some attributes changed."""
        return Catalog(
            replace(f, **changes) if f.name == name else f for f in self._fields.values()
        )


_DEFAULT: Catalog | None = None


def default_catalog() -> Catalog:
    """The built-in catalog (shared, immutable)."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = Catalog(BUILTIN_FIELDS)
    return _DEFAULT


__all__ = [
    "BUILTIN_FIELDS",
    "Catalog",
    "Category",
    "Field",
    "Kind",
    "Profile",
    "Sensitivity",
    "Storage",
    "default_catalog",
    "fold_header",
]
