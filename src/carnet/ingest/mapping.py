"""Header mapping: which catalog field each column of an input file feeds.

A column is mapped, in order of precedence, by:

1. an explicit mapping file (``--mapping FILE``, JSON or TOML);
2. ``--id-column`` (the source's own id, for upserts);
3. the catalog's French and English header synonyms ("Tél. portable" → mobile);
4. a keyword inside a long header (a survey question about recommending → NPS);
5. its content: a column full of emails is an email column whatever its name,
   and the same for phones, SIRET and IBAN;

and otherwise becomes a custom attribute of the contact, never dropped.
A few rules use the file's context: in an order file the customer number names
the buyer (``customer_ref``), not the row; in a consent list a bare "source"
column is where the consent was collected.

Mapping file (JSON ``{"Header": "field"}`` or TOML with the same pairs, at top
level or under ``[columns]``); the value is a field name, ``attribute`` or
``attribute:key``::

    [columns]
    "Tél. domicile" = "phone"
    "Code fidélité" = "loyalty_id"
    "Remarque vendeur" = "attribute:remarque"
"""

from __future__ import annotations

import json
import re
import tomllib
import unicodedata
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from carnet.errors import MappingError
from carnet.fields import dates, name
from carnet.fields.catalog import (
    CAMEL,
    OWNER_WORDS,
    Catalog,
    Field,
    Kind,
    Storage,
    fold_header,
    split_owner,
)
from carnet.fields.relationship import check_lifecycle_stage, company_or_person
from carnet.fields.values import check_boolean, check_value
from carnet.fields.verdict import blank
from carnet.ingest.unnamed import UNNAMED, unnamed_fields

_EMAIL_LIKE = re.compile(r"^\s*[^@\s]+@[^@\s]+\.[a-z]{2,}\s*$", re.IGNORECASE)
_PHONE_LIKE = re.compile(r"^\s*(\+|00)?[\d\s().\-/]{8,20}\s*$")
_IPV4_LIKE = re.compile(r"^\s*\d{1,3}(\.\d{1,3}){3}\s*$")
_IBAN_LIKE = re.compile(r"^\s*[A-Z]{2}\d{2}[A-Z0-9 ]{10,32}\s*$", re.IGNORECASE)
#: Shops' order names: Shopify's order export calls "#1001" the order's "Name".
_ORDER_NAME_LIKE = re.compile(r"^\s*#\s?\d{3,}\s*$")
#: A SIREN as written: nine digits, bare or in groups of three ("303 265 045").
_SIREN_LIKE = re.compile(r"^\s*\d{3}[ .]?\d{3}[ .]?\d{3}\s*$")
#: A NAF/APE code: "1071C", "10.71C", "47.62 Z".
_NAF_LIKE = re.compile(r"^\s*\d{2}[.,]?\d{2}\s?[A-Za-z]\s*$")
#: An EU VAT number: "FR40303265045", "BE 0403.170.701" (French key letters allowed).
_VAT_LIKE = re.compile(
    r"^\s*(?:FR\s?[0-9A-HJ-NP-Z]{2}\s?\d{3}\s?\d{3}\s?\d{3}"
    r"|(?:AT|BE|BG|CY|CZ|DE|DK|EE|EL|ES|FI|HR|HU|IE|IT|LT|LU|LV|MT|NL|PL|PT|RO|SE|SI|SK)"
    r"\s?[0-9A-Z][0-9A-Z .]{6,14})\s*$"
)
_SAMPLE = 200


#: The columns carnet adds to the rows it rejects (``<name>.rejected.csv``): the row's
#: number in the rejected file and why. Fixed and imported again, they are carnet's
#: note, not data about the person.
ROW_COLUMN, REASON_COLUMN = "carnet_row", "carnet_rejection_reason"
REJECTION_NOTE = "carnet's rejection note"


@dataclass(frozen=True)
class ColumnPlan:
    """Where one input column goes.

    Attributes:
        header: the column's (de-duplicated) header.
        field: the catalog field it feeds, or None for a custom attribute.
        attribute: the attribute key when ``field`` is None.
        how: why: "mapping file", "id column", "synonym", "keyword", "content",
            "context" or "unmapped".
        note: a detail shown to the user ("97% of sampled values are emails").
    """

    header: str
    field: Field | None
    attribute: str | None
    how: str
    note: str | None = None

    @property
    def ignored(self) -> bool:
        """True for carnet's own note in a rejected-rows file: not the person's data."""
        return self.how == REJECTION_NOTE

    @property
    def target(self) -> str:
        """The field name, ``attribute:key``, or ``ignored``."""
        if self.ignored:
            return "ignored"
        return self.field.name if self.field else f"attribute:{self.attribute}"


@dataclass(frozen=True)
class ColumnMapping:
    """The plan for every column of a file, with warnings for the user."""

    columns: tuple[ColumnPlan, ...]
    warnings: tuple[str, ...] = ()

    def for_field(self, name: str) -> list[ColumnPlan]:
        """The columns feeding one field (several for emails and phones)."""
        return [c for c in self.columns if c.field is not None and c.field.name == name]

    def has_storage(self, storage: Storage) -> bool:
        """True when some column feeds a field kept in ``storage``."""
        return any(c.field is not None and c.field.storage is storage for c in self.columns)

    def to_json(self) -> dict[str, str]:
        """header → target, as stored with the import."""
        return {c.header: c.target for c in self.columns}


def load_mapping_file(path: Path) -> dict[str, str]:
    """Read an explicit mapping file (JSON or TOML).

    Raises:
        MappingError: when the file is missing, malformed or not header → target pairs.
    """
    if not path.is_file():
        raise MappingError(f"Mapping file '{path}' does not exist.")
    text = path.read_text(encoding="utf-8-sig")
    try:
        data: Any = json.loads(text) if path.suffix.lower() == ".json" else tomllib.loads(text)
    except (json.JSONDecodeError, tomllib.TOMLDecodeError) as exc:
        raise MappingError(f"Mapping file '{path}' cannot be parsed ({exc}).") from exc
    if isinstance(data, dict) and isinstance(data.get("columns"), dict):
        data = data["columns"]
    if not isinstance(data, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in data.items()
    ):
        raise MappingError(
            f"Mapping file '{path}' must map column headers to field names, "
            'e.g. {"Tél.": "mobile"}.'
        )
    return dict(data)


def attribute_key(header: str) -> str:
    """The attribute key an unmapped column gets.

    >>> attribute_key("Remarque du vendeur !")
    'remarque_du_vendeur'
    >>> attribute_key("???")
    'column'
    """
    return fold_header(header).replace(" ", "_") or "column"


def build_mapping(
    headers: Sequence[str],
    sample: Mapping[str, Sequence[str | None]],
    catalog: Catalog,
    *,
    explicit: Mapping[str, str] | None = None,
    id_column: str | None = None,
) -> ColumnMapping:
    """Decide where each column goes.

    Args:
        headers: the file's de-duplicated headers, in order.
        sample: header → some values (the first rows), for content sniffing.
        catalog: the workspace's field catalog.
        explicit: header → target from a mapping file (wins over everything).
        id_column: the header holding the source's own id.

    Raises:
        MappingError: when the mapping file or ``id_column`` names an unknown column
            or field (every problem listed at once).
    """
    problems: list[str] = []
    explicit = dict(explicit or {})
    known = set(headers)
    for header in explicit:
        if header not in known:
            problems.append(f"mapping file names column '{header}', which the file does not have")
    if id_column is not None and id_column not in known:
        problems.append(f"--id-column '{id_column}' is not a column of the file")
    plans: dict[str, ColumnPlan] = {}
    for header in headers:
        if header in explicit:
            target = explicit[header].strip()
            if target == "attribute" or target.startswith("attribute:"):
                key = target.partition(":")[2].strip() or attribute_key(header)
                plans[header] = ColumnPlan(header, None, key, "mapping file")
            elif target in catalog:
                plans[header] = ColumnPlan(header, catalog[target], None, "mapping file")
            else:
                problems.append(
                    f"mapping file maps '{header}' to unknown field '{target}' "
                    "(`carnet fields` lists them; use attribute:KEY for a custom one)"
                )
        elif header == id_column:
            plans[header] = ColumnPlan(header, catalog["external_id"], None, "id column")
    if problems:
        raise MappingError("Invalid mapping: " + "; ".join(problems) + ".")

    for header in headers:
        if header in plans:
            continue
        if header in (ROW_COLUMN, REASON_COLUMN) and REASON_COLUMN in known:
            plans[header] = ColumnPlan(
                header, None, None, REJECTION_NOTE,
                "not the person's data: kept in the row's raw values only",
            )
            continue
        if _FAX.search(fold_header(header)):
            # "Télécopie", "Fax" of accounting exports: numbers, but no line to call or text
            plans[header] = ColumnPlan(
                header, None, attribute_key(header), "unmapped", "a fax number, not a phone"
            )
            continue
        whose = _someone_elses(header)
        if whose is not None:
            # "Email du responsable légal", "Tél. personne à prévenir": never the person's
            # own, whatever the values look like; kept whole as an attribute
            plans[header] = ColumnPlan(header, None, attribute_key(header), "unmapped", whose)
            continue
        values = [v for v in sample.get(header, ()) if not blank(v)][:_SAMPLE]
        by_content = _sniff(values, catalog)
        if (
            by_content is not None
            and by_content[0].kind is Kind.PHONE
            and _numbers_a_thing(header)
            and not _dialled_as_written(values)
        ):
            # HelloAsso's "Numéro de billet", a CRM's "N° de dossier": nine digits from a
            # 1 that number a ticket or a file, not a landline whose 0 was dropped
            by_content = None
        named = catalog.header_match(_strip_form_prefix(_strip_suffix(header)))
        note = ""
        if named is None and "." in header.strip(".") and _is_nested_key(header):
            # A nested JSON key ("default_address.zip"): its last part names the field.
            named = catalog.header_match(header.rstrip(".").rsplit(".", 1)[1])
            note = "the last part of a nested key"
        if named is None and (numbered := _NUMBERED.match(header)) is not None:
            # "Téléphone 2", "Email 3": one more value of a field that holds several
            found = catalog.header_match(numbered["name"])
            if found is not None and found[0].many:
                named, note = found, "a numbered column of a field with several values"
        if named is None:
            # Shop and CRM exports: "Default Address Zip", "Billing City", "Billing Address 1",
            # "Mailing Zip/Postal Code", "MailingStreet", "Adresse de livraison - CP"
            named, note = _address_part(header, catalog)
        if named is None:
            # "Person - Email - Work", "Nom adhérent", "E-mail 1 - Value"
            named, note = _compound(header, catalog)
        if (
            named is not None
            and named[0].kind in (Kind.NAME, Kind.FULL_NAME)
            and values
            and all(str(v).strip().isdigit() for v in values)
        ):
            # Dolibarr's "Client" is 0, 1, 2 or 3 (none, customer, prospect, both): codes,
            # never a name
            named, note = None, ""
        unmapped_why = ""
        if (
            named is not None
            and named[1] == "keyword"
            and named[0].kind is Kind.INTEGER
            and values
            and sum(check_value(named[0], str(v)).ok for v in values) * 2 < len(values)
        ):
            # "Recommanderiez-vous notre boutique ?" answered Oui / Peut-être: the
            # answers, kept as they are, not a 0-10 score that every one fails (the
            # field's own check reads "9/10" and "10 - Extrêmement probable" as scores)
            named, note = None, ""
            unmapped_why = "its answers are words, not scores"
        if named is not None and named[0].name == "job_title" and _is_account_role(values):
            # WordPress's "Role" (customer, subscriber, shop_manager) in WooCommerce's
            # customers report: the account's rights on the site, not the person's job
            named, note = None, ""
        if named is not None and named[0].name == "civility" and _is_job_title(header, values):
            named, note = (catalog["job_title"], "synonym"), "its values are job titles"
        if (
            named is not None
            and named[0].name in _FLAG_OF_DATE
            and _yes_no_not_dates(values)
        ):
            # "Unsubscribed: true" (Mailjet) is the opt-out itself, not its date
            named = catalog[_FLAG_OF_DATE[named[0].name]], "synonym"
            note = "its values are yes/no, not dates"
        if named is not None and named[0].storage in (Storage.EMAIL, Storage.PHONE):
            flag = _channel_consent(header, named[0], values, catalog)
            if flag is not None:
                # Mailchimp's marketing permissions "Email", "SMS": yes/no, not addresses
                named, note = (flag, "synonym"), "its values are yes/no: the channel's consent"
        typed = _type_by_values(header, values, catalog)
        if typed is not None:
            # "Type", "Statut": what the values are says which field, not the header
            plans[header] = ColumnPlan(header, typed[0], None, "content", typed[1])
            continue
        by_name, how = named if named else (None, "unmapped")
        if by_content is not None and (by_name is None or _content_wins(by_name, by_content[0])):
            field, share = by_content
            plans[header] = ColumnPlan(
                header, field, None, "content", f"{share:.0%} of sampled values look like it"
            )
        elif by_name is not None:
            plans[header] = ColumnPlan(header, by_name, None, how, note)
        else:
            plans[header] = ColumnPlan(
                header, None, attribute_key(header), "unmapped", unmapped_why
            )

    ordered = _unnamed_by_content([plans[h] for h in headers], sample, catalog)
    ordered = _whole_names(ordered, sample, catalog)
    ordered = _apply_context(ordered, catalog)
    ordered = _what_was_bought(ordered, sample, catalog)
    ordered = _reached_through_guardians(ordered, catalog)
    ordered = _rib_parts_together(ordered)
    ordered = _time_beside_a_date(ordered)
    mapping = _resolve_duplicates(ordered, catalog)
    return replace(mapping, warnings=(
        *mapping.warnings, *_numbered_people(mapping.columns), *_nobody_of_its_own(mapping, catalog)
    ))


def _unnamed_by_content(
    plans: list[ColumnPlan], sample: Mapping[str, Sequence[str | None]], catalog: Catalog
) -> list[ColumnPlan]:
    """Columns with no name (a file with no header row, an empty header cell) that
    content sniffing left as attributes, mapped by what they hold (see
    :mod:`.unnamed`): names, civility, postcode, city, street, birth date."""
    unmapped = [p.header for p in plans if p.how == "unmapped" and UNNAMED.fullmatch(p.header)]
    if not unmapped:
        return plans
    taken = {p.field.name for p in plans if p.field is not None}
    guessed = unnamed_fields(
        {p.header: sample.get(p.header, ()) if p.header in unmapped else () for p in plans},
        taken=taken,
    )
    return [
        ColumnPlan(
            p.header, catalog[guessed[p.header]], None, "content",
            f"a column with no name whose values read as {catalog[guessed[p.header]].label_en}",
        )
        if p.header in guessed and guessed[p.header] in catalog
        else p
        for p in plans
    ]


#: The columns of a RIB the import reads together (the key may be missing).
RIB_PARTS = ("rib_bank_code", "rib_branch_code", "rib_account", "rib_key")


#: The moments of a row a time column of its own gives its time to.
DATED_BY_A_TIME = ("activity_date", "order_date")


def _time_beside_a_date(plans: list[ColumnPlan]) -> list[ColumnPlan]:
    """A time column ("Heure") is read into the row's date; with no such date beside
    it, it stays an attribute."""
    if _named(plans) & set(DATED_BY_A_TIME):
        return plans
    return _unmapped_unless_chosen(plans, ("time_of_day",))


def _rib_parts_together(plans: list[ColumnPlan]) -> list[ColumnPlan]:
    """A RIB's columns are one only beside each other: a "N° compte" or "Clé" alone is
    some account or key of the file, not a bank account's, and stays an attribute."""
    if set(RIB_PARTS[:3]) <= _named(plans):
        return plans
    return _unmapped_unless_chosen(plans, RIB_PARTS)


def _named(plans: Sequence[ColumnPlan]) -> set[str]:
    """The fields some column feeds."""
    return {p.field.name for p in plans if p.field is not None}


def _as_attribute(plan: ColumnPlan) -> ColumnPlan:
    """The column kept as a custom attribute instead of the field it looked like."""
    return ColumnPlan(plan.header, None, attribute_key(plan.header), "unmapped", plan.note)


def _unmapped_unless_chosen(plans: list[ColumnPlan], fields: Sequence[str]) -> list[ColumnPlan]:
    """The columns of ``fields`` made attributes, unless a mapping file chose them."""
    return [
        _as_attribute(p)
        if p.field is not None and p.field.name in fields and p.how != "mapping file"
        else p
        for p in plans
    ]


#: The fields that name a row's person; without one, no row can be imported.
_IDENTITY = frozenset({"first_name", "last_name", "full_name", "email", "phone", "mobile",
                       "organisation_name"})


def _nobody_of_its_own(mapping: ColumnMapping, catalog: Catalog) -> list[str]:
    """A warning when the only names, e-mails or phones of a file were read as someone
    else's (Weezevent's API gives a ticket's holder as "owner.email", the word CRMs use
    for the salesperson in charge): every row would be rejected, and the user can say
    whose they are with a mapping file."""
    if any(p.field is not None and p.field.name in _IDENTITY for p in mapping.columns):
        return []
    someone_elses = set(_SOMEONE_ELSE.values())
    theirs = [p.header for p in mapping.columns
              if p.how == "unmapped" and p.note in someone_elses]
    if not theirs:
        return []
    listed = ", ".join(repr(h) for h in theirs)
    return [
        f"No column names the row's own person: {listed} were read as someone else's "
        "(a guardian, a salesperson, a record owner) and kept as custom attributes, so "
        "every row lacks a name, e-mail or phone. If they are the person's, say so in a "
        f"mapping file ({theirs[0]!r} = \"{_guess_field(theirs[0], catalog)}\")."
    ]


def _guess_field(header: str, catalog: Catalog) -> str:
    """The field a someone-else's header would name without its role word."""
    last = header.rsplit(".", 1)[-1]
    found = catalog.header_match(last) if last else None
    return found[0].name if found else "email"


def _numbered_people(plans: Sequence[ColumnPlan]) -> list[str]:
    """A warning per other person a file's numbered columns hold ("Contact 2 …")."""
    groups: dict[str, list[str]] = {}
    for plan in plans:
        if plan.how == "unmapped" and plan.note and _NUMBERED_PERSON.search(
            fold_header(plan.header)
        ):
            groups.setdefault(plan.note.removesuffix("'s"), []).append(plan.header)
    return [
        f"Columns {', '.join(repr(h) for h in headers)} hold another person than the "
        f"row's ({whose}): kept as custom attributes of the row's "
        "contact, never as its e-mail or phone (import them as contacts from a copy "
        "of the file with --mapping)."
        for whose, headers in groups.items()
    ]


#: Words of a header (folded) naming someone other than the row's person: a minor's
#: guardian, whom to call in an emergency, a spouse, the salesperson or adviser in
#: charge, a sponsor. Their e-mail or phone is not the person's to write to.
_SOMEONE_ELSE = {
    "responsable legal": "the legal guardian's", "responsable legale": "the legal guardian's",
    "representant legal": "the legal guardian's", "representante legale": "the legal guardian's",
    "tuteur": "the legal guardian's", "tutrice": "the legal guardian's",
    "guardian": "the legal guardian's", "parent": "a parent's", "parents": "a parent's",
    "pere": "a parent's", "mere": "a parent's", "father": "a parent's", "mother": "a parent's",
    "a prevenir": "the emergency contact's", "urgence": "the emergency contact's",
    "emergency": "the emergency contact's", "conjoint": "the spouse's",
    "conjointe": "the spouse's", "spouse": "the spouse's", "vendeur": "the salesperson's",
    "vendeuse": "the salesperson's", "salesperson": "the salesperson's",
    "sales rep": "the salesperson's", "account manager": "the salesperson's",
    "owner": "the record owner's", "proprietaire": "the record owner's",
    "conseiller": "the adviser's", "conseillere": "the adviser's",
    "charge de clientele": "the adviser's", "parrain": "the sponsor's",
    "marraine": "the sponsor's", "referrer": "the sponsor's", "filleul": "the godchild's",
    "assistant": "the assistant's", "assistante": "the assistant's",
    "secretaire": "the assistant's",
}
_SOMEONE_ELSE_WORDS = re.compile(
    r"(?:^| )(" + "|".join(sorted(_SOMEONE_ELSE, key=len, reverse=True)) + r")(?: |$)"
)


#: Whose columns, on a file about minors, are the only way to reach them.
_GUARDIANS = frozenset({"the legal guardian's", "a parent's"})
#: Words of a header (folded) naming a child: "Prénom enfant", "Nom de l'enfant".
_CHILD_WORDS = re.compile(r"(?:^| )(?:enfant|child|kid)(?: |$)")
#: The child's fields that name the row's person on a file about children.
_CHILD_FIELDS = frozenset({"first_name", "last_name", "full_name", "birth_date", "civility"})


def _reached_through_guardians(plans: list[ColumnPlan], catalog: Catalog) -> list[ColumnPlan]:
    """A file about minors (a club's or a school's: "Nom enfant", "Email parent", "Tél du
    responsable légal") gives no e-mail or phone of the person's own: the guardian's are
    the way to reach them, as a payer's are a member's, and the child's names, when the
    file names no one else, are the row's. The guardian's names stay attributes.
    """
    if any(
        p.field is not None and p.field.storage in (Storage.EMAIL, Storage.PHONE)
        for p in plans
    ):
        return plans  # the person's own ways in (or a payer's) come first
    reach: dict[str, Field] = {}
    for plan in plans:
        if plan.field is None and plan.note in _GUARDIANS and plan.how == "unmapped":
            field = _field_beside(plan.header, _SOMEONE_ELSE_WORDS, catalog)
            if field is not None and field.storage in (Storage.EMAIL, Storage.PHONE):
                reach[plan.header] = field
    if not reach:
        return plans
    named = _named(plans) & {"first_name", "last_name", "full_name"}
    out = []
    for plan in plans:
        if plan.header in reach:
            plan = ColumnPlan(
                plan.header, reach[plan.header], None, "context",
                f"{plan.note}: the only way the file gives to reach the person",
            )
        elif (
            not named
            and plan.field is None
            and plan.how == "unmapped"
            and not plan.note
            and _CHILD_WORDS.search(fold_header(plan.header))
        ):
            field = _field_beside(plan.header, _CHILD_WORDS, catalog)
            if field is not None and field.name in _CHILD_FIELDS:
                plan = ColumnPlan(
                    plan.header, field, None, "context", "the child's: the file is about them"
                )
        out.append(plan)
    return out


def _field_beside(header: str, role: re.Pattern[str], catalog: Catalog) -> Field | None:
    """The field a header names once its role words ("parent", "du responsable légal",
    "de l'enfant") are set aside: "Email parent" is an e-mail."""
    words = role.sub(" ", fold_header(header)).split()
    while words and words[-1] in _LINKS:
        words.pop()
    found = catalog.header_match(" ".join(words)) if words else None
    return found[0] if found is not None and found[1] == "synonym" else None


#: A person numbered in a header: "Contact 2 Email", "Interlocuteur 3 - Tél.", "Enfant 1
#: Prénom" (folded). A file that repeats its columns per contact or per child holds
#: other people than the row's on the same row.
_NUMBERED_PERSON = re.compile(
    r"(?:^| )(?P<role>contact|interlocuteur|interlocutrice|personne|participant|participante"
    r"|adherent|adherente|membre|member|attendee|guest|invite|invitee|beneficiaire|passager"
    r"|passagere|voyageur|voyageuse|traveler|traveller|signataire|dirigeant|dirigeante"
    r"|enfant|child|kid) ?(?P<number>\d{1,2})(?: |$)"
)
#: Roles whose every numbered column is someone else's: the first child is not the
#: parent the row is about.
_CHILDREN = frozenset({"enfant", "child", "kid"})


def _someone_elses(header: str) -> str | None:
    """Whose value a column holds, when its header names someone else than the person.

    The first of several numbered contacts is the row's person; the second and later
    ones are other people, whose e-mail or phone is not the person's.

    >>> _someone_elses("Email du responsable légal"), _someone_elses("Tél. personne à prévenir")
    ("the legal guardian's", "the emergency contact's")
    >>> _someone_elses("Email"), _someone_elses("Nom de jeune fille")
    (None, None)
    >>> _someone_elses("Contact 2 Email"), _someone_elses("Contact 1 Email")
    ("contact 2's", None)
    >>> _someone_elses("Enfant 1 - Prénom")
    "enfant 1's"
    """
    folded = fold_header(header)
    found = _SOMEONE_ELSE_WORDS.search(folded)
    if found:
        return _SOMEONE_ELSE[found[1]]
    numbered = _NUMBERED_PERSON.search(folded)
    if numbered and (numbered["role"] in _CHILDREN or int(numbered["number"]) >= 2):
        return f"{numbered['role']} {int(numbered['number'])}'s"
    return None


#: Words of a call centre's headers (folded): "Date d'appel", "N° appelant" (not a wine
#: list's "Appellation").
_CALL_WORDS = re.compile(r"(?:^| )(?:appel|appels|appelant|appele|appelee)(?: |$)")
#: A fax column (folded): "Télécopie", "N° de fax", "Fax pro".
_FAX = re.compile(r"(?:^| )(?:fax|telecopie|telecopieur|telefax|fax number)(?: |$)")

#: A header with a trailing number: "Téléphone 2", "Tél. 2", "email3".
_NUMBERED = re.compile(r"^(?P<name>.*?\D)\s*\d{1,2}$")

#: Words before an address part in exports (folded): Shopify's "Default Address",
#: WooCommerce's "Billing" / "Shipping", Salesforce's "Mailing" / "Other", Eventbrite's
#: "Home" / "Work", French "Adresse de facturation / livraison".
_ADDRESS_PREFIX = re.compile(
    r"^(?P<prefix>default|billing|shipping|bill to|ship to|mailing|home|work|business|other"
    r"|postal|primary|adresse de facturation|adresse de livraison|adresse facturation"
    r"|adresse livraison|facturation|livraison|address|adresse)\s+(?P<address>address\s+)?"
    r"(?P<rest>.+)$"
)
#: The same words after the part, as French tools write them: Axonaut's "Ville de
#: facturation", "Code postal de livraison" (folded).
_ADDRESS_SUFFIX = re.compile(
    r"^(?P<rest>.+?)\s+(?:de |d )?(?:l )?(?P<prefix>facturation|livraison)$"
)
#: Prefixes of a person's other addresses and phones, which name nothing else.
_CONTACT_PREFIXES = frozenset({"mailing", "home", "work", "business", "other", "postal",
                               "primary", "address", "adresse"})


def _address_part(header: str, catalog: Catalog) -> tuple[tuple[Field, str] | None, str]:
    """The field an address column of an export names after its prefix, and a note."""
    for written in (header, CAMEL.sub(" ", header)):
        part = _ADDRESS_PREFIX.match(fold_header(written))
        if part is None:
            continue
        rest = part["rest"]
        named = catalog.header_match(rest)
        if named is None and part["address"]:
            # "Billing Address 1" is the first line, "address 1", not "1"
            rest = f"address {rest}"
            named = catalog.header_match(rest)
        if named is None:
            continue
        if named[0].storage in _NOT_OF_A_PERSON:
            # "shipping_total", "Billing Status": the order's, not a part of an address
            continue
        if part["prefix"] in _CONTACT_PREFIXES and named[0].storage not in (
            Storage.ADDRESS,
            Storage.PHONE,
        ):
            # "Business Name", "Primary Contact" are not parts of an address
            continue
        return named, f"'{rest}' of an address"
    suffixed = _ADDRESS_SUFFIX.match(fold_header(header))
    if suffixed is not None:
        named = catalog.header_match(suffixed["rest"])
        if named is not None and named[0].storage in (Storage.ADDRESS, Storage.PHONE,
                                                      Storage.EMAIL):
            return named, f"'{suffixed['rest']}' of an address"
    return None, ""


#: Words of a header that say whose value it is, not what it is: Pipedrive's "Person -
#: Email - Work", HelloAsso's "Nom adhérent", "Email du participant" (folded).
_PERSON_ROLES = frozenset({
    "person", "personne", "contact", "participant", "participante", "adherent", "adherente",
    "membre", "member", "attendee", "beneficiaire", "inscrit", "inscrite", "client", "cliente",
    "customer", "eleve", "student", "licencie", "licenciee", "benevole", "volunteer", "guest",
    "invite", "invitee",
})
#: Roles of someone else on the row: who paid a membership or bought a ticket.
_PAYER_ROLES = frozenset({
    "payeur", "payeuse", "payer", "acheteur", "acheteuse", "buyer", "purchaser", "commanditaire",
})
#: Words that say which of a person's values a column holds, not what it holds.
_QUALIFIERS = frozenset({
    "value", "valeur", "work", "home", "other", "travail", "domicile", "perso", "pro",
    "personnel", "professionnel", "principal", "primary", "main", "autre", "bureau", "office",
})
_LINKS = frozenset({"du", "de", "la", "le", "l", "d", "des", "the", "of"})
_PARTS = re.compile(r"\s+[-\u2013\u2014|]\s+|\s*[|:]\s*")
#: Fields a role word does not lead to: what a row says happened, not who the person is.
_NOT_OF_A_PERSON = frozenset({Storage.CONSENT, Storage.EVENT, Storage.ORDER})
#: The note of a payer's column, which gives way to the person's own.
PAYER_NOTE = "the payer's"


def _compound(header: str, catalog: Catalog) -> tuple[tuple[Field, str] | None, str]:
    """The field a header names once its role, number and qualifier words are set aside.

    "Person - Phone - Mobile" is the mobile, "Prénom adhérent" the first name,
    "E-mail 1 - Value" an e-mail, "Organization 1 - Name" the organisation.
    """
    parts: list[list[str]] = []
    role: str | None = None
    dropped_digits = False
    for part in _PARTS.split(header):
        words = fold_header(part).split()
        roles = [w for w in words if w in _PERSON_ROLES or w in _PAYER_ROLES]
        if roles and len(roles) < len(words):
            role = "payer" if any(w in _PAYER_ROLES for w in roles) else role or "person"
            words = [w for w in words if w not in roles and w not in _LINKS]
        elif roles:
            role = "payer" if any(w in _PAYER_ROLES for w in roles) else role or "person"
            words = []
        kept = [w for w in words if not (w.isdigit() and len(w) <= 2)]
        dropped_digits = dropped_digits or len(kept) < len(words)
        if kept:
            parts.append(kept)
    if not parts or (role is None and not dropped_digits):
        return None, ""
    words = [w for part in parts for w in part]
    candidates = [" ".join(words), " ".join(w for part in reversed(parts) for w in part)]
    plain = [w for w in words if w not in _QUALIFIERS]
    if plain and len(plain) < len(words):
        candidates.append(" ".join(plain))
    for candidate in candidates:
        found = catalog.header_match(candidate)
        if found is None or found[1] != "synonym":
            found, _ = _address_part(candidate, catalog)
        if found is None or (
            found[0].storage in _NOT_OF_A_PERSON
            and not (role == "person" and _is_consent_flag(found[0]))
        ):
            # "Origine client" is where the customer came from, not a consent's source;
            # Pipedrive's "Person - Marketing status" is the person's consent
            continue
        if role is None and len(parts) == 1 and not found[0].many:
            # "Nom 2": a field with one value takes no second column by number
            continue
        if role == "payer":
            return found, PAYER_NOTE
        return found, f"'{candidate}' of a {'person' if role else 'numbered column'}"
    return None, ""


#: A consent's date field → the flag a column of yes/no values under its name is.
_FLAG_OF_DATE = {"optout_date": "optout_newsletter", "optin_date": "optin_newsletter"}


_PLACEHOLDER_MARKS = frozenset({"0", "x", "-"})


def _channel_consent(
    header: str, field: Field, values: Sequence[str | None], catalog: Catalog
) -> Field | None:
    """The consent flag of a column named after a channel ("Email", "SMS", "Téléphone")
    whose values are yes/no rather than addresses or numbers: Mailchimp's marketing
    permissions beside its "Email Address" column. None for a column of addresses."""
    texts = [str(v) for v in values if not blank(v)]
    if not texts or any("@" in v or sum(c.isdigit() for c in v) >= 6 for v in texts):
        return None
    answers = [v for v in texts if check_boolean(v).ok]
    if (
        len(answers) < 2
        or len(answers) <= len(texts) / 2
        # "0" for no phone, "x" for no e-mail: placeholders, not a yes/no column
        or all(v.strip().lower() in _PLACEHOLDER_MARKS for v in answers)
    ):
        return None
    if field.storage is Storage.EMAIL:
        flag = "optin_newsletter"
    else:
        flag = "optin_sms" if "sms" in fold_header(header).split() else "optin_phone"
    return catalog[flag]


def _yes_no_not_dates(values: Sequence[str | None]) -> bool:
    """Most sampled values are yes/no ("true", "Oui", "1") and few are dates."""
    texts = [str(v) for v in values if not blank(v)]
    if not texts:
        return False
    flags = sum(1 for v in texts if check_boolean(v).ok)
    moments = sum(1 for v in texts if dates.check(v, kind="datetime").ok)
    return flags > len(texts) / 2 and moments < len(texts) / 2


#: Bare headers of a column saying what a record is (folded): a lifecycle stage
#: ("Client", "Prospect") or a company or a person ("Société", "Particulier"), which
#: only its values tell apart (Sellsy's and Axonaut's "Type", a CRM's "Statut").
_TYPE_HEADERS = frozenset({
    "type", "statut", "status", "etat", "categorie", "category", "nature", "typologie",
    "qualification", "segment", "relation", "type de relation", "relationship",
    "type de contact", "type contact", "contact type", "statut du contact", "contact status",
    "type de client", "type client", "client type", "customer type", "statut du client",
    "type de compte", "account type", "type de tiers", "type tiers", "statut du tiers",
    "lead status", "statut du lead", "type de fiche", "record type",
})
#: The share of a column's sampled values that must name stages, or types of record.
_TYPED_SHARE = 0.6


def _type_by_values(
    header: str, values: Sequence[str | None], catalog: Catalog
) -> tuple[Field, str] | None:
    """The field a bare "Type" or "Statut" column feeds, from its values: the lifecycle
    stage when most are stages ("Client", "Prospect", "Ancien client", "Lead",
    "Customer"), whether the record is a company's when most say a company or a person
    ("Société", "Particulier"; one company word at least). None otherwise: an order's
    "Statut" of "Validé" and "Remboursé" stays the order's status."""
    if fold_header(_strip_suffix(header)) not in _TYPE_HEADERS:
        return None
    texts = [str(v) for v in values if not blank(v)]
    if not texts:
        return None
    stages = sum(1 for v in texts if check_lifecycle_stage(v).ok)
    if stages >= _TYPED_SHARE * len(texts) and "lifecycle_stage" in catalog:
        return catalog["lifecycle_stage"], (
            f"{stages / len(texts):.0%} of sampled values are lifecycle stages "
            "(Client, Prospect ...)"
        )
    statuses = sum(1 for v in texts if _is_member_status(v))
    if statuses >= _TYPED_SHARE * len(texts) and "optin_newsletter" in catalog:
        # a mailing list's member "status" (Mailchimp's API): subscribed, unsubscribed,
        # cleaned (a hard bounce) or pending
        return catalog["optin_newsletter"], (
            f"{statuses / len(texts):.0%} of sampled values are a mailing list's member "
            "statuses (subscribed, unsubscribed, cleaned ...)"
        )
    said = [company_or_person(v) for v in texts]
    companies, people = said.count(True), said.count(False)
    if companies and companies + people >= _TYPED_SHARE * len(texts) and "is_company" in catalog:
        return catalog["is_company"], (
            f"{(companies + people) / len(texts):.0%} of sampled values say a company or a "
            "person (Société, Particulier ...)"
        )
    return None


#: A mailing list's member statuses (folded), as e-mailing tools write them (not the
#: French "Abonné", which in a magazine's or a club's file is a customer's status).
_MEMBER_STATUSES = frozenset({
    "subscribed", "unsubscribed", "cleaned", "pending", "transactional", "archived",
    "non subscribed", "not subscribed", "bounced",
})


def _is_member_status(value: str) -> bool:
    return fold_header(value) in _MEMBER_STATUSES


def _is_consent_flag(field: Field) -> bool:
    """A yes/no consent or opposition column (not a consent's date, source or IP)."""
    return field.storage is Storage.CONSENT and field.kind is Kind.BOOLEAN


def _is_job_title(header: str, values: Sequence[str | None]) -> bool:
    """A "Title" column of job titles ("CEO", "Directrice"), as Salesforce and
    LinkedIn exports write them, or Sage's "Qualité" ("Gérant"), rather than
    civilities ("Mr", "Mme")."""
    if fold_header(header) not in ("title", "titre", "qualite"):
        return False
    texts = [str(v) for v in values if not blank(v)]
    if not texts:
        return False
    civilities = sum(1 for v in texts if name.split_civility(f"{v} x")[1].strip() == "x")
    return civilities < len(texts) / 2


#: An account's role on a site or app (folded), which a "Role" column may hold.
_ACCOUNT_ROLES = frozenset({
    "customer", "subscriber", "administrator", "admin", "editor", "author", "contributor",
    "shop manager", "guest", "user", "member", "client", "abonne", "membre", "invite",
    "utilisateur", "administrateur", "editeur", "auteur", "contributeur",
    "gestionnaire de la boutique",
})


def _is_account_role(values: Sequence[str | None]) -> bool:
    """Whether a column's values are roles of an account, not job titles.

    >>> _is_account_role(["customer", "subscriber", "shop_manager"])
    True
    >>> _is_account_role(["Gérant", "Client advisor", "customer"])
    False
    """
    texts = [fold_header(str(v)) for v in values if not blank(v)]
    return bool(texts) and sum(t in _ACCOUNT_ROLES for t in texts) >= _TYPED_SHARE * len(texts)


def _is_nested_key(header: str) -> bool:
    """``customer.address.zip``, as the JSON reader flattens objects; not ``N. client``."""
    return all(part and " " not in part for part in header.split("."))


#: What form builders write before a question of the organiser's own: HelloAsso's
#: "Champ additionnel: Téléphone", "Custom field - Company", "Question : Ville".
_FORM_PREFIX = re.compile(
    r"^\s*(?:champs? (?:additionnels?|complementaires?|personnalises?|supplementaires?"
    r"|libres?)|custom (?:field|question)|additional (?:field|information)|question)"
    r"\s*(?:\d+\s*)?[:\-\u2013]\s*(?=\S)",
    re.IGNORECASE,
)


def _strip_form_prefix(header: str) -> str:
    """The question without the form builder's prefix.

    >>> _strip_form_prefix("Champ additionnel: Téléphone portable")
    'Téléphone portable'
    >>> _strip_form_prefix("Champ complémentaire 2 - Ville"), _strip_form_prefix("Email")
    ('Ville', 'Email')
    """
    folded_start = fold_header(header[:40])
    if not folded_start.startswith(("champ", "custom", "additional", "question")):
        return header
    plain = "".join(
        c for c in unicodedata.normalize("NFKD", header) if not unicodedata.combining(c)
    )
    found = _FORM_PREFIX.match(plain)
    return header[len(header) - len(plain[found.end():]):] if found else header


def _strip_suffix(header: str) -> str:
    # De-duplicated headers carry " (2)"; map them like the first one.
    return re.sub(r"\s*\(\d+\)$", "", header)


def _sniff(values: Sequence[str | None], catalog: Catalog) -> tuple[Field, float] | None:
    if len(values) < 3:
        return None
    texts = [str(v) for v in values]
    n = len(texts)
    if len(set(texts)) == 1:
        # one address or number on every row is the shop's, the club's or the
        # salesperson's ("Email commercial"), not each person's own
        return None
    emails = sum(1 for v in texts if _EMAIL_LIKE.match(v)) / n
    if emails >= 0.8:
        return catalog["email"], emails
    ibans = sum(1 for v in texts if _IBAN_LIKE.match(v)) / n
    if ibans >= 0.8:
        return catalog["iban"], ibans
    orders = sum(1 for v in texts if _ORDER_NAME_LIKE.match(v)) / n
    if orders >= 0.8:
        return catalog["order_ref"], orders
    digits = [re.sub(r"\D", "", v) for v in texts]
    sirets = sum(1 for d in digits if len(d) == 14 and _luhn(d)) / n
    if sirets >= 0.8:
        return catalog["siret"], sirets
    # Dolibarr's "ID professionnel 1/2/3", a CRM's "Identifiant": what the numbers are
    # says which. Nine digits pass the SIREN's Luhn key one time in ten by chance, so a
    # column of phones whose 0 was dropped is not taken for one.
    sirens = sum(1 for v, d in zip(texts, digits, strict=True)
                 if len(d) == 9 and _SIREN_LIKE.match(v) and _luhn(d)) / n
    if sirens >= 0.8:
        return catalog["siren"], sirens
    nafs = sum(1 for v in texts if _NAF_LIKE.match(v)) / n
    if nafs >= 0.8:
        return catalog["naf_code"], nafs
    vats = sum(1 for v in texts if _VAT_LIKE.match(v)) / n
    if vats >= 0.8:
        return catalog["vat_number"], vats
    phones = (
        sum(
            1
            for v, d in zip(texts, digits, strict=True)
            if _PHONE_LIKE.match(v) and 9 <= len(d) <= 15 and _dialable(v, d)
        )
        / n
    )
    if phones >= 0.8:
        return catalog["phone"], phones
    return None


#: First words of a header that numbers something ("Numéro de billet", "N° adhérent").
_NUMBER_WORDS = frozenset({"numero", "n", "no", "num", "id", "identifiant", "code", "ref",
                           "reference", "matricule"})
#: Words of a header that say the number is one to call.
_PHONE_WORDS = frozenset({"tel", "telephone", "phone", "portable", "mobile", "gsm", "fixe",
                          "cell", "cellulaire", "sms", "whatsapp", "appel", "ligne",
                          "contact", "joindre", "joignable", "rappel", "rappeler"})


def _dialled_as_written(values: Sequence[str | None]) -> bool:
    """Whether most values are written the way a phone number is dialled: from a 0 or a
    "+", or in groups ("06 12 34 56 78"), rather than as a bare run of digits."""
    texts = [str(v).strip() for v in values if not blank(v)]
    dialled = sum(1 for t in texts if t[:1] in ("0", "+") or not t.isdigit())
    return bool(texts) and dialled > len(texts) / 2


def _numbers_a_thing(header: str) -> bool:
    """Whether a header names the number of something other than a phone line.

    >>> _numbers_a_thing("Numéro de billet"), _numbers_a_thing("Code client")
    (True, True)
    >>> _numbers_a_thing("Numéro"), _numbers_a_thing("Numéro de portable")
    (False, False)
    >>> _numbers_a_thing("N° perso")
    False
    """
    words = fold_header(header).split()
    if not words or words[0] not in _NUMBER_WORDS or _PHONE_WORDS & set(words):
        return False
    return any(
        w not in _LINKS and w not in _QUALIFIERS and not w.isdigit() for w in words[1:]
    )


def _dialable(text: str, digits: str) -> bool:
    """Whether a run of digits written with nothing else could be a phone number.

    Numbers written with spaces, dots or a "+" look like phones whatever their
    length; a bare run of digits does only in a French shape: ten digits from a 0,
    nine from the spreadsheet that dropped the 0, or an international prefix
    (00, 33). Ticket barcodes, EAN codes and order numbers ("112233440011",
    "5123456789") are bare runs of other lengths and starts.

    >>> _dialable("0612345678", "0612345678"), _dialable("612345678", "612345678")
    (True, True)
    >>> _dialable("112233440011", "112233440011"), _dialable("5123456789", "5123456789")
    (False, False)
    >>> _dialable("+1 415 555 0100", "14155550100")
    True
    """
    if text.strip() != digits:
        return True
    n = len(digits)
    return (
        (n == 10 and digits[0] == "0" and digits[1] != "0")
        or (n == 9 and digits[0] != "0")
        or (n == 11 and digits.startswith("33"))
        or (digits.startswith("00") and 11 <= n <= 15)
    )


def _content_wins(by_name: Field, by_content: Field) -> bool:
    """Content overrides a header unless the header already names that kind of value.

    Digit-only columns (ids, amounts) can look like phones, so a phone-looking column
    only overrides headers that name free text.
    """
    if by_name.kind is by_content.kind:
        return False
    if by_name.kind is Kind.PHONE and by_content.kind is Kind.SIREN:
        # nine digits under "Téléphone" are a number whose 0 was dropped, whatever their key
        return False
    if by_content.kind is Kind.PHONE:
        return by_name.kind in (Kind.NAME, Kind.FULL_NAME, Kind.EMAIL)
    return True


#: Folded headers of a shop's order reference, read as one only in a file about orders
#: (PrestaShop's "Référence" beside "Total", "Paiement", "État").
_REFERENCE = frozenset({"reference", "ref"})
#: A bare number, the payment's in a list of payments (HelloAsso's "Numéro" beside
#: "Montant", "Statut" and "Moyen de paiement"), read as one only beside a payment method.
_NUMBER = frozenset({"numero", "n", "no", "num", "numero de paiement", "n de paiement",
                     "numero de transaction", "n transaction", "id paiement",
                     # a card terminal's (SumUp's "Transaction ID", "Code de transaction")
                     "transaction id", "id transaction", "id de transaction", "transaction code",
                     "code de transaction", "code transaction"})
#: Folded headers saying how an order was paid: a sign that a file lists orders.
_PAYMENT = frozenset({"paiement", "mode de paiement", "moyen de paiement", "payment",
                      "payment method", "reglement", "mode de reglement", "payment type",
                      "type de paiement", "type de reglement"})
#: Order amounts, of which a file may give the price before tax (HT) beside the one paid.
_AMOUNTS = frozenset({"unit_price", "line_total", "order_total"})
_BEFORE_TAX = re.compile(r"(?:^| )(?:ht|hors taxes?|excl(?:uding)? tax|before tax)(?: |$)")


def _order_context(plans: list[ColumnPlan], catalog: Catalog) -> list[ColumnPlan]:
    """A bare "Référence" is the order's reference in a file that gives amounts and an
    order's state, date or payment, and then the "ID" beside it is the order's id, not
    the customer's. A bare "Numéro" is the payment's where the file says how each row
    was paid (a list of memberships or donations)."""
    fields = _named(plans)
    headers = {fold_header(p.header) for p in plans}
    if "order_ref" in fields or not fields & _AMOUNTS:
        return plans
    if not (fields & {"order_status", "order_date"} or headers & _PAYMENT):
        return plans
    references = _REFERENCE | (_NUMBER if headers & _PAYMENT else frozenset())
    reference = next(
        (p for p in plans if p.field is None and p.how == "unmapped"
         and fold_header(p.header) in references),
        None,
    )
    if reference is None:
        return plans
    out = []
    for plan in plans:
        if plan is reference:
            plan = _by_context(
                plan, catalog["order_ref"], "in a file of orders the reference is the order's"
            )
        elif (
            plan.field is not None
            and plan.field.name == "external_id"
            and plan.how == "synonym"
            and fold_header(plan.header) == "id"
        ):
            plan = _by_context(
                plan, None, "beside the order's reference, the id is the order's: kept as a "
                "custom attribute"
            )
        out.append(plan)
    return out


#: Headers naming what a row's order bought (folded): HelloAsso's "Tarif" ("Plein tarif",
#: "Adhésion famille") and "Formule", Eventbrite's "Ticket Type", Weezevent's "Billet".
_BOUGHT = frozenset({"tarif", "formule", "ticket type", "type de billet", "type billet",
                     "categorie de billet", "categorie billet", "offre", "prestation"})
_AMOUNT_LIKE = re.compile(r"^\s*[-+]?\d[\d\s.,\u00a0\u202f]*\s*(?:€|eur|euros?)?\s*$", re.I)


def _what_was_bought(
    plans: list[ColumnPlan], sample: Mapping[str, Sequence[str | None]], catalog: Catalog
) -> list[ColumnPlan]:
    """In a file of orders with no product column, the rate or ticket type a row paid for
    ("Tarif": "Plein tarif") is the order line's product, unless its values are amounts
    (a "Tarif" of "25,00" is a price, left as it was)."""
    fields = _named(plans)
    if "product_name" in fields or "order_ref" not in fields or not fields & _AMOUNTS:
        return plans
    out = []
    chosen = False
    for plan in plans:
        if not chosen and plan.how == "unmapped" and fold_header(plan.header) in _BOUGHT:
            values = [str(v) for v in sample.get(plan.header, ()) if not blank(v)][:_SAMPLE]
            if values and not any(_AMOUNT_LIKE.match(v) for v in values):
                plan = _by_context(
                    plan, catalog["product_name"], "in a file of orders, what each row bought"
                )
                chosen = True
        out.append(plan)
    return out


#: PrestaShop's customer export (folded headers): its "Opt-in" is the box "Recevoir les
#: offres de nos partenaires", beside its newsletter ("Lettre d'informations").
_PRESTASHOP_SIGNS = frozenset({"lettre d informations", "derniere visite", "last visit"})
_BARE_OPT_IN = frozenset({"opt in", "optin"})


def _prestashop_opt_in(plans: list[ColumnPlan], catalog: Catalog) -> list[ColumnPlan]:
    """PrestaShop's bare "Opt-in" beside its newsletter column is the partners' offers."""
    headers = {fold_header(p.header) for p in plans}
    newsletters = [p for p in plans if p.field is not None and p.field.name == "optin_newsletter"]
    if (
        len(newsletters) < 2
        or not headers & _PRESTASHOP_SIGNS
        or "optin_partners" in _named(plans)
        or "optin_partners" not in catalog
    ):
        return plans
    return [
        _by_context(
            p, catalog["optin_partners"],
            "beside PrestaShop's newsletter column, its opt-in is the partners' offers",
        )
        if p in newsletters and p.how == "synonym" and fold_header(p.header) in _BARE_OPT_IN
        else p
        for p in plans
    ]


#: Fields that say who a row's person is, beside an id: names, e-mails, phones.
_WHO = frozenset({"first_name", "last_name", "full_name", "email", "phone", "mobile"})


def _apply_context(plans: list[ColumnPlan], catalog: Catalog) -> list[ColumnPlan]:
    plans = _order_context(plans, catalog)
    plans = _prestashop_opt_in(plans, catalog)
    fields = _named(plans)
    is_order_file = bool(fields & {"order_ref", "sku", "order_date"})
    # A list of shopping carts (abandoned or not): its date is the cart's.
    is_cart_file = bool(fields & {"cart_abandoned", "cart_total"})
    # Amounts paid (TTC, or untold) win over the same amounts before tax (HT).
    paid_amounts = {
        p.field.name
        for p in plans
        if p.field is not None
        and p.field.name in _AMOUNTS
        and not _BEFORE_TAX.search(fold_header(p.header))
    }
    # An order line needs something that says what or when was bought; an amount or a
    # quantity alone in a customer list ("Montant", "Quantité") is not an order.
    describes_orders = is_order_file or is_cart_file or "product_name" in fields
    is_consent_list = any(
        p.field is not None and p.field.storage is Storage.CONSENT for p in plans
    )
    civility_columns = sum(1 for p in plans if p.field is not None and p.field.name == "civility")
    # A call centre's export ("Date d'appel", "N° appelant"): its comment is the call's.
    is_call_file = "nps" not in fields and any(
        _CALL_WORDS.search(fold_header(p.header)) for p in plans
    )
    # Fields the row's person has a column of their own for: the payer's give way.
    own = {p.field.name for p in plans if p.field is not None and p.note != PAYER_NOTE}
    out = []
    for plan in plans:
        folded = fold_header(plan.header)
        chosen = plan.how in ("mapping file", "id column")  # the user's choice stands
        if (
            not describes_orders
            and plan.field is not None
            and plan.field.storage is Storage.ORDER
            and not chosen
        ):
            plan = _by_context(
                plan,
                None,
                "no order number, date or product in this file: kept as a custom attribute",
            )
        elif (
            is_order_file
            and plan.field is not None
            and plan.field.name == "external_id"
            and (not chosen or (plan.how == "id column" and not fields & _WHO))
            and "customer_ref" not in fields
        ):
            # also the run's --id-column on an order sheet that names no one (one
            # --id-column for a workbook's customers and orders): the buyer's number
            plan = _by_context(
                plan,
                catalog["customer_ref"],
                "in an order file the customer number names the buyer",
            )
        elif (
            is_order_file
            and plan.field is not None
            and plan.field.name in _AMOUNTS
            and plan.field.name in paid_amounts
            and not chosen
            and _BEFORE_TAX.search(folded)
        ):
            plan = _by_context(
                plan, None, "the amount before tax: the file gives the amount paid (TTC)"
            )
        elif (
            is_order_file
            and plan.field is not None
            and plan.field.name == "line_total"
            and folded == "total"
            and not chosen
            and "unit_price" in fields
            and "order_total" not in fields
        ):
            # Shopify: "Total" is the order's, on its first line; lines have their prices.
            plan = _by_context(
                plan,
                catalog["order_total"],
                "beside the lines' prices, the total is the order's",
            )
        elif (
            (is_order_file or is_cart_file)
            and plan.field is not None
            and plan.field.name == "activity_date"
            and folded == "date"
            and not chosen
            and "order_date" not in fields
        ):
            plan = _by_context(
                plan,
                catalog["order_date"],
                "in a file of orders or carts with no other date, the date is theirs",
            )
        elif (
            is_order_file
            and plan.field is not None
            and plan.field.name == "signup_date"
            and not chosen
            and "order_date" not in fields
        ):
            plan = _by_context(
                plan,
                catalog["order_date"],
                "in an order file with no order date, the line's creation is the order's date",
            )
        elif (
            plan.field is not None
            and plan.field.name == "civility"
            and folded in ("title", "titre")
            and not chosen
            and civility_columns > 1
            and "job_title" not in fields
        ):
            plan = _by_context(
                plan,
                catalog["job_title"],
                "beside a salutation column, the title is the job title",
            )
        elif plan.note == PAYER_NOTE and plan.field is not None and _payer_gives_way(plan, own):
            plan = _by_context(
                plan,
                None,
                "the payer's, kept apart: the file names the person's own",
            )
        elif (
            is_call_file
            and plan.field is not None
            and plan.field.name == "survey_comment"
            and not chosen
            and "call_note" not in fields
        ):
            plan = _by_context(
                plan, catalog["call_note"], "in a file of calls the comment is the call's note"
            )
        elif is_consent_list and plan.field is None and folded in ("source", "origine", "canal"):
            plan = _by_context(
                plan,
                catalog["optin_source"],
                "in a consent list the source is where consent was collected",
            )
        out.append(plan)
    return out


#: Bare headers of a last name that some tools fill with the whole name: Odoo's "Nom"
#: of a contact is "Jean-Pierre Martin", and its export has no first-name column.
_BARE_NAME = frozenset({"nom", "name", "noms"})
#: Fields only a company has: beside them a bare "Nom" may be the company's name.
_COMPANY_IDS = frozenset({"siren", "siret", "vat_number", "naf_code"})


def _whole_names(
    plans: list[ColumnPlan], sample: Mapping[str, Sequence[str | None]], catalog: Catalog
) -> list[ColumnPlan]:
    """A bare "Nom" holding whole names, in a file with no first-name column, is the
    full name: most of its sampled values have two words or more ("Sophie Leroy",
    "LEROY Sophie"), where a column of last names has mostly one ("Leroy", "Le Gall")."""
    if "full_name" not in catalog or any(
        p.field is not None and p.field.name in ("first_name", "full_name") for p in plans
    ):
        return plans
    fields = _named(plans)
    # a list of companies (Dolibarr's "Tiers", an accounting package's accounts): their
    # SIREN, SIRET, VAT or NAF code beside one bare "Nom", and nothing saying which rows
    # are people, so the name is the company's
    companies = (
        bool(fields & _COMPANY_IDS)
        and not fields & {"organisation_name", "is_company"}
        and "organisation_name" in catalog
    )
    out = []
    for plan in plans:
        if (
            plan.field is not None
            and plan.field.name == "last_name"
            and plan.how == "synonym"
            and fold_header(plan.header) in _BARE_NAME
        ):
            if companies:
                out.append(_by_context(
                    plan, catalog["organisation_name"],
                    "a list of companies (SIREN, SIRET, VAT or NAF columns): the company's name",
                ))
                continue
            texts = [str(v).strip() for v in sample.get(plan.header, ()) if not blank(v)]
            texts = texts[:_SAMPLE]
            several = sum(1 for v in texts if len(v.split()) >= 2)
            if len(texts) >= 2 and several > len(texts) / 2:
                plan = _by_context(
                    plan, catalog["full_name"],
                    "no first-name column and most names have several words: whole names",
                )
        out.append(plan)
    return out


def _by_context(plan: ColumnPlan, field: Field | None, note: str) -> ColumnPlan:
    """``plan`` sent to ``field`` (a custom attribute when None) by the file's context."""
    attribute = None if field is not None else attribute_key(plan.header)
    return ColumnPlan(plan.header, field, attribute, "context", note)


def payer_field(header: str, catalog: Catalog) -> Field | None:
    """The field a payer's column names ("Email payeur" → email), else None.

    >>> from carnet.fields.catalog import default_catalog
    >>> payer_field("Email payeur", default_catalog()).name
    'email'
    >>> payer_field("Email adhérent", default_catalog()) is None
    True
    """
    found, note = _compound(header, catalog)
    return found[0] if found is not None and note == PAYER_NOTE else None


def _payer_gives_way(plan: ColumnPlan, own: set[str]) -> bool:
    """Whether the payer's column yields to the person's own columns.

    The payer's name is not the member's when the file names the member; the payer's
    e-mail or phone is the member's only way in when the file has none of its own (a
    child's club membership paid by a parent).
    """
    assert plan.field is not None
    person_named = bool(own & {"first_name", "last_name", "full_name"})
    identity = plan.field.kind in (Kind.NAME, Kind.FULL_NAME, Kind.CIVILITY, Kind.BIRTH_DATE)
    return plan.field.name in own or (person_named and identity)


_NEXT_LINE = {"address_line1": "address_line2", "address_line2": "address_line3"}


#: Headers that name a consent in general (folded): beside a column that names the
#: channel or purpose ("Newsletter (O/N)"), they give way to it.
_GENERAL_CONSENT = frozenset({
    "rgpd", "gdpr", "consentement", "consent", "consentement rgpd", "consent rgpd",
    "accord rgpd", "gdpr consent", "rgpd ok", "accord",
})


def _general_consents_give_way(plans: list[ColumnPlan]) -> tuple[list[ColumnPlan], list[str]]:
    """A general consent column ("RGPD") yields to one that names its consent."""
    by_field: dict[str, list[ColumnPlan]] = defaultdict(list)
    for plan in plans:
        if plan.field is not None and plan.field.storage is Storage.CONSENT:
            by_field[plan.field.name].append(plan)
    general = {
        plan.header
        for same in by_field.values()
        if len(same) > 1 and any(fold_header(p.header) not in _GENERAL_CONSENT for p in same)
        for plan in same
        if fold_header(plan.header) in _GENERAL_CONSENT
    }
    warnings = [
        f"Column '{header}' names a consent in general and another column names "
        "it precisely; the precise one is used and this one kept as a custom attribute."
        for header in sorted(general)
    ]
    out = [_as_attribute(p) if p.header in general else p for p in plans]
    return out, warnings


def _resolve_duplicates(plans: list[ColumnPlan], catalog: Catalog) -> ColumnMapping:
    """Single-valued fields take one column; a second one moves on or becomes an attribute."""
    taken: dict[str, str] = {}
    plans, warnings = _general_consents_give_way(plans)
    out: list[ColumnPlan] = []

    def slot(field: Field, header: str) -> str:
        # each of a person's own addresses ("Rue (bureau)", "Rue (domicile)") has its parts
        group = address_group(header) if field.storage is Storage.ADDRESS else None
        return field.name if group is None else f"{field.name}@{group}"

    for plan in plans:
        if plan.ignored:
            out.append(plan)
            continue
        field = plan.field
        while field is not None and not field.many and slot(field, plan.header) in taken:
            held = taken[slot(field, plan.header)]
            if field.name in _NEXT_LINE and _whose_address(held) == _whose_address(plan.header):
                # "Adresse", "Adresse (2)": the next line of one address; but "Shipping
                # Address 1" after "Billing Address 1" is another address
                field = catalog[_NEXT_LINE[field.name]]
                continue
            warnings.append(
                f"Columns '{held}' and '{plan.header}' both look like "
                f"{field.label_en}; '{plan.header}' is kept as a custom attribute "
                "(use --mapping to choose)."
            )
            field = None
        if field is None:
            plan = ColumnPlan(
                plan.header,
                None,
                plan.attribute or attribute_key(plan.header),
                plan.how if plan.field is None else "unmapped",
                plan.note,
            )
        elif field is not plan.field:
            plan = ColumnPlan(plan.header, field, None, plan.how, plan.note)
        if field is not None:
            taken.setdefault(slot(field, plan.header), plan.header)
        out.append(plan)
    if not any(p.field is not None for p in out):
        warnings.append(
            "No column matches a known field; every column will be a custom attribute "
            "(use --mapping to map them)."
        )
    return ColumnMapping(tuple(out), tuple(warnings))


def prefixed_field(header: str, catalog: Catalog) -> tuple[str, Field] | None:
    """The prefix and the field of an export's prefixed column, whatever the column was
    mapped to: ``("shipping", last_name)`` for WooCommerce's "shipping_last_name",
    ``("livraison", phone)`` for "Téléphone de livraison"; None for a bare column.

    >>> from carnet.fields.catalog import default_catalog
    >>> prefix, field = prefixed_field("shipping_phone", default_catalog())
    >>> prefix, field.name
    ('shipping', 'phone')
    """
    prefix = _prefix(header)
    if prefix is None:
        return None
    named, _ = _address_part(_strip_suffix(header), catalog)
    return (prefix, named[0]) if named is not None else None


def _prefix(header: str) -> str | None:
    """The address prefix of a column ("billing" of "Billing Address 1"), if any."""
    folded = fold_header(CAMEL.sub(" ", _strip_suffix(header)))
    # "Adresse de livraison": the suffix says whose, before "adresse" is read as a prefix
    part = _ADDRESS_SUFFIX.match(folded) or _ADDRESS_PREFIX.match(folded)
    # "Adresse 2", "Address 1 - City": the address itself, not whose or which one
    return part["prefix"] if part and part["prefix"] not in ("address", "adresse") else None


#: A word in brackets after an address part that says whose address it is, as Outlook's
#: French export writes them: "Rue (bureau)", "Rue (domicile)" (folded).
_ADDRESS_OWNER_HINT = re.compile(r"\(([^)]*[A-Za-z][^)]*)\)\s*$")


def _whose_address(header: str) -> str | None:
    """Which of a person's addresses a column is part of: its prefix ("billing" of
    "Billing Address 1"), or the word in brackets after it ("bureau" of "Rue (bureau)");
    None for the address itself ("Adresse", "Adresse (2)").

    >>> _whose_address("Rue (bureau)"), _whose_address("Rue (domicile)")
    ('bureau', 'domicile')
    >>> _whose_address("Adresse (2)"), _whose_address("Shipping Address 1")
    (None, 'shipping')
    """
    hint = _ADDRESS_OWNER_HINT.search(header)
    return _prefix(header) or (fold_header(hint[1]) if hint else None)


#: Words that say an address is one of the person's own (folded): Outlook's "Rue
#: (domicile)" and "Rue (bureau)", Outlook's and Google's "Home Street", "Business City",
#: "Other Postal Code". Not a shop's shipping address, which is the recipient's.
_OWN_ADDRESSES = OWNER_WORDS | {
    "private", "business", "autre", "other", "secondaire", "secondary",
}


def address_group(header: str) -> str | None:
    """Which of the person's own addresses an address column belongs to ("domicile"
    of "Ville (domicile)", "business" of "Business City"), or None for the address
    (or another's: a shipping address is the recipient's).

    >>> address_group("Code postal (domicile)"), address_group("Business Street")
    ('domicile', 'business')
    >>> address_group("CP pro"), address_group("Ville perso")
    ('pro', 'perso')
    >>> address_group("Address 2 - City"), address_group("Address 1 - City")
    ('address 2', None)
    >>> address_group("Ville"), address_group("Shipping City"), address_group("Adresse (2)")
    (None, None, None)
    """
    owner = _whose_address(header)
    if owner is None and (owned := split_owner(fold_header(header))) is not None:
        owner = owned[1]  # "Adresse pro", "CP perso": the word after the part
    if owner is None and (numbered := _NUMBERED_ADDRESS.match(fold_header(header))):
        # Google Contacts' "Address 2 - City": the person's second address (its "Address
        # 2 - Label" says home or work); the first is the address
        return None if numbered[1] == "1" else f"address {numbered[1]}"
    return owner if owner in _OWN_ADDRESSES else None


#: Google Contacts' numbered addresses: "Address 2 - Street" (folded), not "Adresse 2",
#: an address's second line.
_NUMBERED_ADDRESS = re.compile(r"address (\d) (?=\S)")


def _luhn(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0
