"""From checked columns to one record per input row, sorted by where each value goes.

A :class:`RowRecord` holds what a row says about a person (scalar fields,
emails, phones, one postal address, organisation, source id), about their
activity (events, an order line) and their consent, plus the raw values so
nothing is lost. It also says whether the row can be used at all and why not.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any

import phonenumbers

from carnet.consent.noted import opposed_channels
from carnet.contact_points import PendingPoint, address_point, has_address
from carnet.crypto import mask
from carnet.fields import dates, deceased
from carnet.fields import email as email_field
from carnet.fields import legal_form as legal_form_field
from carnet.fields import name as name_field
from carnet.fields import phone as phone_field
from carnet.fields.catalog import Catalog, Field, Kind, Sensitivity, Storage, fold_header
from carnet.fields.iban import french_iban
from carnet.fields.organisation import looks_like_organisation, name_key
from carnet.fields.postcodes import PostcodeTable
from carnet.fields.values import check_birth_year, is_free_text, says_mail_came_back
from carnet.fields.verdict import SPREADSHEET_ERRORS, Status, Verdict
from carnet.ingest.mapping import (
    DATED_BY_A_TIME,
    RIB_PARTS,
    ColumnMapping,
    ColumnPlan,
    address_group,
    attribute_key,
)
from carnet.ingest.readers._base import WARNING_LINES
from carnet.ingest.realign import realign, shifted_tails
from carnet.ingest.recipients import RecipientColumns, payer_columns, recipient_columns
from carnet.ingest.verdicts import CACHE_LIMIT, ColumnChecker, repaired_encoding

#: A row's address parts by the address they belong to: None for the address, else which
#: of the person's own ("domicile" of "Rue (domicile)"; ``mapping.address_group``).
AddressGroups = dict[str | None, dict[str, Verdict]]
#: The address parts that say where nobody lives on their own: beside a person's
#: several addresses, a plain "Pays" or "NPAI" column is said of each of them.
_SHARED_PARTS = frozenset({"country", "npai"})


def _each_address(groups: AddressGroups | None) -> list[dict[str, Verdict]]:
    """The parts of each address of a row, in the order of its columns; a plain column
    that says no address of its own (a country, an NPAI flag) goes with each named one.

    >>> city = Verdict.valid("Lyon", "Lyon")
    >>> [sorted(p) for p in _each_address({None: {"country": city}, "bureau": {"city": city},
    ...                                     "domicile": {"city": city}})]
    [['city', 'country'], ['city', 'country']]
    """
    if not groups:
        return []
    plain = groups.get(None)
    if plain is None or len(groups) == 1 or not _SHARED_PARTS.issuperset(plain):
        return list(groups.values())
    return [{**plain, **parts} for group, parts in groups.items() if group is not None]


#: What a civility column says of a row that is a company (folded): "Société", a legal form.
COMPANY_CIVILITIES = frozenset({
    "societe", "ste", "sarl", "sas", "sasu", "sa", "eurl", "sci", "snc", "scp", "selarl",
    "scop", "gaec", "earl", "entreprise", "ets", "etablissement", "etablissements",
    "association", "asso", "mairie", "commune", "collectivite", "cabinet", "company", "ltd",
    "gmbh", "organisme", "organisation", "personne morale",
})
_PERSON_NAME_FIELDS = ("last_name", "first_name", "full_name")


@lru_cache(maxsize=65536)
def _organisation_why(name: str | None) -> str | None:
    """Why a person's name cell holds a company's name ("SARL Dupont Frères", "Mairie
    de Vannes", "Atelier Bois SARL"), as written (capitals tell "SA" from "Sa"), else
    None: :func:`carnet.fields.organisation.looks_like_organisation` with the first-name
    list, which tells "Cabinet Sophie" and "Maria SA" from companies."""
    return looks_like_organisation(name, is_first_name=name_field.is_first_name)


def _names_a_company(name: str | None) -> bool:
    """Whether a person's name cell holds a company's name (see :func:`_organisation_why`).

    >>> _names_a_company("Acme SARL"), _names_a_company("Ets Martin"), _names_a_company("Sas")
    (True, True, False)
    """
    return _organisation_why(name) is not None


#: Countries with a numbering plan of their own, whose national numbers phonenumbers reads.
_PHONE_REGIONS = frozenset(phonenumbers.SUPPORTED_REGIONS)


#: What a spreadsheet writes under or between its rows, folded (see fold_header).
_FOOTER = re.compile(
    r"(?:sous )?(?:total|totaux)(?: .*)?|(?:somme|cumul|moyenne|recap|"
    r"recapitulatif|nombre|nb)(?: .*)?|fin (?:de (?:la )?|du )?(?:liste|fichier|tableau|export|"
    r"extraction|document)"
    # a note under the table: "Export généré par GestCom le 04/12/2026", "Page 2 sur 5"
    r"|(?:(?:export|fichier|liste|document|etat|edition|extraction|extrait) )?"
    r"(?:genere|generee|edite|editee|imprime|imprimee|exporte|exportee|extrait|extraite)"
    r" (?:le|par|depuis|avec|a|via|du|sur) .*|page \d+(?: sur| of|/)? ?\d*"
)
#: What a whole-name cell never holds but a neighbour's value does: an e-mail
#: address, or a phone's or a postcode's digits (a row shifted into the name column).
_NOT_A_NAME = re.compile(r"@|\d{3}")
#: Midnight as a spreadsheet writes a date cell's time: "2026-12-02 00:00:00".
_MIDNIGHT = re.compile(r"[ T]00:00(?::00(?:\.0+)?)?$")
#: A group heading ("Agence de Lyon" in column A only): a footer only on an otherwise
#: empty row, as "Agence" or "Service" may begin a company's name on a real one.
_SECTION = re.compile(
    r"(?:agence|site|region|secteur|groupe|service|magasin|boutique|departement|zone)"
    r" (?:de |d |du |des )?\S.*"
    # the title of a second table in the sheet: "Prospects", "Clients inactifs"
    r"|(?:liste (?:des |de |d )?)?(?:anciens |nouveaux |autres )?(?:clients?|prospects?"
    r"|fournisseurs?|adherents?|membres?|contacts?|particuliers?|professionnels?"
    r"|entreprises?|leads?|abonnes?|inscrits?|benevoles?|partenaires?|customers?|suppliers?)"
    r"(?: (?:actifs?|inactifs?|perdus?|a relancer|vip|pros?|particuliers?|professionnels?"
    r"|\d{4}))?"
)


#: The consent key of a row that refuses contact in words, not in a consent column: a
#: phone cell's "(ne pas appeler)", a note's "Ne souhaite plus recevoir la newsletter".
#: What each refuses (a channel, ``all`` or ``newsletter``, see
#: :func:`carnet.consent.noted.opposed_channels`) -> the proof of where it is written.
#: The writer records each as an opposition.
NOTED_OPPOSITIONS = "noted_oppositions"
#: The fields whose free text is read for such refusals.
_NOTE_FIELDS = frozenset({"call_note", "survey_comment"})


@dataclass(frozen=True, slots=True)
class DeathMark:
    """Where a row says the person died: the column, the cell as written, and the date
    of death it gives (ISO at the precision written: ``2021``, ``2021-03``), if any."""

    written_in: str
    raw: str
    date: str | None = None


@dataclass(slots=True)
class RowRecord:
    """Everything one input row says, checked and sorted."""

    number: int
    raw: dict[str, Any]
    columns: dict[str, Any] = field(default_factory=dict)
    attributes: dict[str, Any] = field(default_factory=dict)
    invalid_values: dict[str, str] = field(default_factory=dict)
    emails: list[PendingPoint] = field(default_factory=list)
    phones: list[PendingPoint] = field(default_factory=list)
    address: PendingPoint | None = None
    #: The person's other addresses of the row ("Rue (domicile)" beside "Rue (bureau)").
    other_addresses: list[PendingPoint] = field(default_factory=list)
    # a note saying the post came back ("NPAI sur le dernier courrier"): its text
    returned_mail_note: str | None = None
    #: Where the row says the person died (a flag, a date of death, a note, La Poste's
    #: return reason, a marker in a name cell), in the order of the columns.
    deaths: list[DeathMark] = field(default_factory=list)
    #: The column that says the person is alive ("Décédé : Non"), if one does.
    death_denied: str | None = None
    organisation: dict[str, Any] = field(default_factory=dict)
    external_id: str | None = None
    #: The workspace's own id of the contact (a carnet export's ``carnet_id``).
    contact_id: int | None = None
    #: Found by its content hash (``row:…``): the very row an earlier import of the
    #: source read, so it has nothing new to say of the contact.
    seen_before: bool = False
    #: What the file says of the row: a company's record (True), a person's (False).
    is_company: bool | None = None
    #: A company's name found in a whole-name column ("Atelier Bois SARL" as Stripe's
    #: customer name), with why: the row's organisation, not a person's name.
    named_company: tuple[str, str] | None = None
    consent: dict[str, Any] = field(default_factory=dict)
    #: Consent fields whose column is a form's question ("Would you like to receive our
    #: newsletter?", "J'accepte de recevoir ..."): answered when the row was written, so
    #: the row's order or registration date dates them.
    answered: set[str] = field(default_factory=set)
    events: dict[str, Any] = field(default_factory=dict)
    order: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    error: str | None = None
    # Worked out on first use, once the row is built (the writer asks many times).
    _usable_emails: list[str] | None = field(default=None, repr=False, compare=False)
    _usable_phones: list[str] | None = field(default=None, repr=False, compare=False)
    #: At most how many of the row's cells are their own column's name, counted by the
    #: builder a column at a time (None: not counted); under two, the row is no header.
    header_cells: int | None = field(default=None, repr=False, compare=False)

    @property
    def points(self) -> list[PendingPoint]:
        """Every contact point of the row."""
        return [*self.emails, *self.phones, *([self.address] if self.address else []),
                *self.other_addresses]

    @property
    def usable_emails(self) -> list[str]:
        """Normalised emails that passed their check (valid or warning)."""
        if self._usable_emails is None:
            self._usable_emails = _usable(self.emails)
        return self._usable_emails

    @property
    def usable_phones(self) -> list[str]:
        """E.164 phones that passed their check."""
        if self._usable_phones is None:
            self._usable_phones = _usable(self.phones)
        return self._usable_phones

    @property
    def key_phones(self) -> list[str]:
        """The usable phones that are the person's own: keys to find them by (not a
        number written as a relative's, "portable de sa fille")."""
        if not any(phone_field.SOMEONE_ELSES in p.verdict.flags for p in self.phones):
            return self.usable_phones
        return _usable([p for p in self.phones if phone_field.SOMEONE_ELSES not in p.verdict.flags])

    def _repeated_header(self) -> bool:
        """The header written again: a second table of the sheet, or a printed export's
        page break. Most of the row's cells are their own column's name."""
        if self.header_cells is not None and self.header_cells < 2:
            return False
        filled = [(k, v) for k, v in self.raw.items() if isinstance(v, str) and v.strip()]
        # every row is asked: stop at the first half of cells that are no header, and
        # fold only a value as long as its header, give or take (the fold keeps letters)
        allowed = len(filled) // 2
        same = 0
        for k, v in filled:
            header = _header_key(str(k))
            if abs(len(v.strip()) - len(header)) <= 4 and fold_header(v) == header:
                same += 1
            else:
                allowed -= 1
                if allowed < 0:
                    return False
        return same >= 2 and same * 2 > len(filled)

    def _footer_words(self) -> str | None:
        """The row's name when it is a totals, footer or section row, else None.

        Only a row whose one identity is a single name cell of such words, or
        whose first filled cell is such a word beside no whole name: a usable
        e-mail or phone, a customer reference or a second name makes it a
        person's row (someone may be called Total, a company may be TOTAL).
        """
        if self.usable_emails or self.usable_phones or self.order.get("customer_ref"):
            return None
        first_name, last_name = self.columns.get("first_name"), self.columns.get("last_name")
        filled = [v for v in self.raw.values() if v is not None and str(v).strip()]
        if filled and not (first_name and last_name):
            # "TOTAL;;4 visiteurs": the word opens the row, in whatever column comes first
            # (a company's, here), and no whole name of a person stands beside it
            opening = str(filled[0]).strip()
            if _FOOTER.fullmatch(fold_header(opening)):
                return opening
        names = [n for n in (first_name, last_name) if n]
        if not names:
            # "Total : 1 234 clients" fails the name check: its digits are no name
            names = [self.invalid_values[k] for k in ("first_name", "last_name")
                     if k in self.invalid_values]
        if len(names) != 1 or self.organisation.get("name"):
            return None
        key = fold_header(str(names[0]))
        if _FOOTER.fullmatch(key):
            return str(names[0])
        if len(filled) == 1 and _SECTION.fullmatch(key):
            return str(names[0])
        return None

    @property
    def is_order_line(self) -> bool:
        """True when the row describes an order line."""
        return bool(self.order)

    def identity_problem(self) -> str | None:
        """Why the row cannot be tied to a person, or None when it can."""
        if self.error:
            return f"unreadable row: {self.error}"
        if self._repeated_header():
            return "the header row again (a second table or a page break), not a person"
        footer = self._footer_words()
        if footer is not None:
            return (
                f"a totals, footer or section row ('{footer}'), not a person: it is named "
                "by, or opens with, a word such as Total, Sous-total, Fin de liste or "
                "Agence de …"
            )
        if (
            self.columns.get("first_name")
            or self.columns.get("last_name")
            or self.usable_emails
            or self.usable_phones
            or self.order.get("customer_ref")
            # a company's own record (Odoo's "Est une société") is named by its company
            or (self.is_company and self.organisation.get("name"))
        ):
            return None
        bad = [
            f"{p.kind} '{p.verdict.raw}' is invalid ({'; '.join(p.verdict.reasons) or 'invalid'})"
            # the fix the check found ("alexandre.roux@hotmail.fr" for a missing @) is
            # what the user types into the rejected file before importing it again
            + "".join(f"; did you mean '{s}'?" for s in p.verdict.suggestions[:1])
            for p in self.points
            if p.verdict.status is Status.INVALID and p.kind != "address"
        ]
        detail = f": {', '.join(bad)}" if bad else ""
        if self.is_order_line:
            return (
                "an order line with no buyer: no customer number, name, usable email or usable "
                "phone (map the buyer's column, e.g. with --mapping)" + detail
            )
        return "no name, usable email or usable phone to identify the person" + detail


class RowBuilder:
    """Builds :class:`RowRecord` objects from a mapped batch of columns.

    Rows are filled column by column: each column's destination is resolved
    once per batch, and what a distinct verdict becomes (its point, its typed
    value) is worked out once per batch too, however many rows share it.

    Args:
        mapping: the file's column mapping.
        catalog: the workspace's catalog.
        country: default country for phones and addresses.
        zone: the time zone the file's times were written in (default: the country's).
        seal: what a sensitive cell (an IBAN) becomes in the row's raw values, which the
            import keeps: encrypted (see :func:`carnet.crypto.seal`), masked by default.
        delimiter: the CSV file's delimiter: a row with more cells than the header is
            read again with the delimiter that split a value put back (see
            :mod:`.realign`). None (other formats): rows stay as read.
        postcodes: La Poste table for postcode ↔ city checks, when loaded.
        hash_rows: give rows without a source id a content hash as id, so that
            re-importing the same file finds the same contacts again.
        email_dns_timeout: check email deliverability in DNS with this timeout
            (off when None, the default).
        dayfirst: False when the file writes its dates month first (a US tool's).
    """

    def __init__(
        self,
        mapping: ColumnMapping,
        catalog: Catalog,
        country: str,
        *,
        zone: str | None = None,
        delimiter: str | None = None,
        seal: Callable[[str], str] = mask,
        postcodes: PostcodeTable | None = None,
        hash_rows: bool = True,
        email_dns_timeout: float | None = None,
        dayfirst: bool = True,
    ) -> None:
        self.mapping = mapping
        self.catalog = catalog
        self.country = country
        self.delimiter = delimiter
        self.seal = seal
        # the columns of sensitive fields, never kept in clear in the row's raw values
        self._sensitive = [
            plan.header
            for plan in mapping.columns
            if plan.field is not None and plan.field.sensitivity is Sensitivity.SENSITIVE
        ]
        # field name -> the first column mapped to it, to read a cell as the file wrote it
        self._header_of: dict[str, str] = {}
        for plan in mapping.columns:
            if plan.field is not None:
                self._header_of.setdefault(plan.field.name, plan.header)
        self.postcodes = postcodes
        self.hash_rows = hash_rows
        self._recipients = {r.point: r for r in recipient_columns(mapping, catalog)}
        self._payers = {r.point: (r, f) for r, f in payer_columns(mapping, catalog)}
        self._questions = {
            p.header for p in mapping.columns
            if p.field is not None and p.field.storage is Storage.CONSENT
            and is_question(p.header)
        }
        self._whole_name_headers = {
            plan.header for plan in mapping.columns
            if plan.field is not None and plan.field.kind is Kind.FULL_NAME
        }
        self.checkers: dict[str, ColumnChecker] = {}
        for header, (_, payers) in self._payers.items():
            self.checkers[header] = ColumnChecker(
                payers, country, zone=zone, email_dns_timeout=email_dns_timeout
            )
        for plan in mapping.columns:
            if plan.field is not None and plan.field.kind is not Kind.FULL_NAME:
                self.checkers.setdefault(
                    plan.header,
                    ColumnChecker(
                        plan.field, country, zone=zone, email_dns_timeout=email_dns_timeout,
                        dayfirst=dayfirst,
                    ),
                )
        self._full_names: dict[tuple[str, bool], _FullName] = {}
        self._one_cell_names: dict[str, tuple[str, str] | None] = {}
        self._addresses: dict[tuple[tuple[str, str | None], ...], PendingPoint] = {}
        self._address_groups = {
            plan.header: address_group(plan.header)
            for plan in mapping.columns
            if plan.field is not None and plan.field.storage is Storage.ADDRESS
        }
        self._foreign_phones: dict[tuple[str, str, str], PendingPoint] = {}
        self._typed_cache: dict[str, dict[str | None, Any]] = {}
        self.swapped = 0
        #: rows read again with a split value joined back: how many, the first numbers
        self.realigned = 0
        self.realigned_rows: list[int] = []
        # rows whose notes refuse contact (see _note_oppositions), and the first one
        self.noted_refusals = 0
        self.noted_refusal_example: tuple[int, str] | None = None
        # rows that say the person died (see _read_deaths), and the first one's mark
        self.deaths = 0
        self.death_example: tuple[int, DeathMark] | None = None

    def build(
        self,
        numbers: list[int],
        columns: dict[str, list[str | None]],
        extra: dict[int, tuple[str, ...]],
        errors: dict[int, str],
        tails: dict[int, int] | None = None,
    ) -> list[RowRecord]:
        """One record per row of the batch (``tails``: see :attr:`ColumnBatch.tails`)."""
        joined: dict[int, str] = {}
        if (extra or tails) and self.delimiter:
            extra = dict(extra)
            shifted = shifted_tails(tails or {}, len(numbers))
            joined = self._realign(numbers, columns, extra, shifted)
        checked: dict[str, list[Verdict]] = {
            header: checker.column(columns[header]) for header, checker in self.checkers.items()
        }
        headers = list(columns)
        if headers:
            records = [
                RowRecord(number=number, raw=dict(zip(headers, cells, strict=True)))
                for number, cells in zip(
                    numbers, zip(*(columns[h] for h in headers), strict=True), strict=True
                )
            ]
        else:  # a file with no column at all (a JSON array of empty objects)
            records = [RowRecord(number=number, raw={}) for number in numbers]
        for record in records:
            if record.number in extra:
                record.raw["_extra"] = list(extra[record.number])
            if record.number in joined:
                record.notes.append(joined[record.number])
            if record.number in errors:
                record.error = errors[record.number]
        _count_header_cells(records, columns)
        live = [i for i, record in enumerate(records) if record.error is None]
        if len(live) == len(records):
            live_records = records

            def cells(values: list[Any]) -> list[Any]:
                return values
        else:
            live_records = [records[i] for i in live]

            def cells(values: list[Any]) -> list[Any]:
                return [values[i] for i in live]

        addresses: list[AddressGroups | None] = [None] * len(live_records)
        for plan in _switchboards_last(self.mapping.columns):
            f = plan.field
            if plan.ignored:
                continue
            if f is None:
                attribute = plan.attribute or plan.header
                self._fill_attribute(live_records, attribute, cells(columns[plan.header]))
                if _STATUS_HEADER.fullmatch(fold_header(plan.header)):
                    _read_status_deaths(live_records, plan.header, cells(columns[plan.header]))
                if plan.header in self._payers:
                    payers, payers_field = self._payers[plan.header]
                    verdicts = self._payers_own(
                        live_records, plan.header, payers, cells(checked[plan.header])
                    )
                    self._fill_field(live_records, payers_field, verdicts, addresses)
            elif plan.header not in checked:
                full_names = cells(columns[plan.header])
                last_first = _LAST_FIRST.match(fold_header(plan.header)) is not None
                for record, raw_value in zip(live_records, full_names, strict=True):
                    self._full_name(record, raw_value, last_first, plan.header)
            else:
                verdicts = cells(checked[plan.header])
                if plan.header in self._recipients:
                    verdicts = self._buyers_only(live_records, plan, verdicts)
                self._fill_field(
                    live_records, f, verdicts, addresses, self._address_groups.get(plan.header)
                )
                if f.name in _NOTE_FIELDS:
                    self._note_oppositions(live_records, f.name, verdicts)
                if _may_say_a_death(f):
                    _read_deaths(live_records, plan.header, f, verdicts)
                if f.storage is Storage.CONSENT and plan.header in self._questions:
                    for record, verdict in zip(live_records, verdicts, strict=True):
                        if verdict.status is not _EMPTY:
                            record.answered.add(f.name)
        for plan in self.mapping.columns:
            # after every column: the file's own civility column wins
            if plan.field is not None and plan.field.kind is Kind.NAME and plan.header in checked:
                self._civility_from_names(live_records, cells(checked[plan.header]))
        for record, parts in zip(live_records, addresses, strict=True):
            self._finish(record, parts)
            if record.deaths:
                self.deaths += 1
                if self.death_example is None:
                    self.death_example = (record.number, record.deaths[0])
        for header, verdicts in checked.items():
            # one pass in C finds the batches with an error cell as Excel writes it
            if not SPREADSHEET_ERRORS.isdisjoint(columns[header]):
                _note_spreadsheet_errors(records, header, verdicts)
        for header in self._sensitive:
            for record in records:  # after _finish, whose row hash reads them in clear
                value = record.raw.get(header)
                if isinstance(value, str) and value.strip():
                    record.raw[header] = self.seal(value)
        return records

    def summary(self) -> dict[str, dict[str, int]]:
        """Verdict counts per field over every row built so far."""
        out: dict[str, dict[str, int]] = {}
        for checker in self.checkers.values():
            counts = out.setdefault(checker.field.name, {})
            for status, n in checker.summary().items():
                counts[status] = counts.get(status, 0) + n
        return out

    def _realign(
        self,
        numbers: list[int],
        columns: dict[str, list[str | None]],
        extra: dict[int, tuple[str, ...]],
        shifted: dict[int, tuple[str, ...]],
    ) -> dict[int, str]:
        """Rows with more cells than the header (``extra``, or empty cells only:
        ``shifted``) read again where joining a split value back is clearly right
        (see :mod:`.realign`): ``columns`` and ``extra`` are updated; returns each
        such row's note."""
        assert self.delimiter is not None
        headers = list(columns)
        index = {number: i for i, number in enumerate(numbers)}
        notes: dict[int, str] = {}
        for number, cells in [*shifted.items(), *extra.items()]:
            i = index.get(number)
            if i is None:
                continue
            found = realign(
                headers, [columns[h][i] for h in headers], cells, self.delimiter, self._score
            )
            if found is None:
                continue
            reading, where = found
            for header, value in zip(headers, reading, strict=True):
                columns[header][i] = value
            extra.pop(number, None)
            named = " and ".join(f"'{headers[j]}'" for j in where)
            notes[number] = (
                f"a {self.delimiter!r} inside the value of {named} had split it: "
                "the row was read again with it joined back"
            )
            self.realigned += 1
            if len(self.realigned_rows) < WARNING_LINES:
                self.realigned_rows.append(number)
        return notes

    def _score(self, header: str, value: str) -> int:
        """+1 when ``value`` is usable in ``header``'s column, -1 when invalid, else 0."""
        checker = self.checkers.get(header)
        if checker is None:
            # a whole name is not checked, but one with an e-mail in it is no name
            return -1 if header in self._whole_name_headers and _NOT_A_NAME.search(value) else 0
        status = checker.verdict(value).status
        if status is _VALID or status is _WARNING:
            return 1
        return -1 if status is Status.INVALID else 0

    def realigned_warning(self) -> str | None:
        """What to tell the user of the rows read again, else None."""
        if not self.realigned:
            return None
        rows = ", ".join(map(str, self.realigned_rows))
        more = ", …" if self.realigned > len(self.realigned_rows) else ""
        count = "1 of them was" if self.realigned == 1 else f"{self.realigned:,} of them were"
        return (
            f"Of the rows with more cells than the header, {count} read again with the "
            f"{self.delimiter!r} that split a value joined back, the reading every column's "
            f"check preferred (data rows {rows}{more}; each row's note says where)."
        )

    def encoding_warning(self) -> str | None:
        """What to tell the user when cells had their accents repaired, else None."""
        fixed = [c for c in self.checkers.values() if c.repaired_count]
        if not fixed:
            return None
        count = sum(c.repaired_count for c in fixed)
        fields = ", ".join(sorted({c.field.name for c in fixed}))
        raw, meant = next(pair for c in fixed for pair in c.repaired)
        return (
            f"{count:,} distinct values ({fields}) had accents decoded with the wrong "
            f"encoding, e.g. {raw!r} for {meant!r}: the file was saved as UTF-8 after being "
            f"opened as Windows-1252. They were repaired (flag 'encoding'); the cells are "
            f"kept as written in the import's rows."
        )

    def refusals_warning(self) -> str | None:
        """What to tell the user when notes refused contact, else None."""
        if self.noted_refusal_example is None:
            return None
        row, note = self.noted_refusal_example
        return (
            f"{self.noted_refusals:,} rows' notes refuse contact, e.g. row {row}: "
            f"{note!r}. Each is recorded as the person's opposition on what it refuses "
            "(every channel, e-mail, SMS, calls, post or the newsletter), with the note as "
            "its proof; a note of when or where to call closes nothing."
        )

    def deaths_warning(self) -> str | None:
        """What to tell the user when rows said the person died, else None."""
        if self.death_example is None:
            return None
        row, mark = self.death_example
        return (
            f"{self.deaths:,} rows say the person died, e.g. row {row}: {mark.raw!r} "
            f"(column '{mark.written_in}'). Each such contact is recorded deceased, with "
            "the date of death when given and the row as proof in its history: kept, "
            "never contacted on any channel, and never revived by a later file."
        )

    def _note_oppositions(
        self, records: list[RowRecord], name: str, verdicts: list[Verdict]
    ) -> None:
        """Record the refusals written in a note column ("Pas de mail ni de SMS"), with the
        note as their proof: imported as text only, the person stayed mailable. A note
        that the post came back ("NPAI") flags the row's address as an NPAI column does."""
        for record, verdict in zip(records, verdicts, strict=True):
            if verdict.status is _EMPTY or verdict.normalised is None:
                continue
            if record.returned_mail_note is None and says_mail_came_back(verdict.normalised):
                record.returned_mail_note = verdict.normalised
            refused = opposed_channels(verdict.normalised)
            if refused:
                note = verdict.normalised[:300]
                noted = record.consent.setdefault(NOTED_OPPOSITIONS, {})
                for about in sorted(refused):
                    noted.setdefault(about, {"written_in": name, "note": note})
                self.noted_refusals += 1
                if self.noted_refusal_example is None:
                    self.noted_refusal_example = (record.number, note)

    # -- one column -----------------------------------------------------------------------

    def _buyers_only(
        self, records: list[RowRecord], plan: ColumnPlan, verdicts: list[Verdict]
    ) -> list[Verdict]:
        """A shipping phone or e-mail of a row shipped to someone else (a gift) is the
        recipient's: kept as a custom attribute, not made the buyer's."""
        recipient_of = self._recipients[plan.header].recipient
        out = list(verdicts)
        key = attribute_key(plan.header)
        for i, (record, verdict) in enumerate(zip(records, verdicts, strict=True)):
            if verdict.status is _EMPTY:
                continue
            recipient = recipient_of(record.raw)
            if recipient is None:
                continue
            out[i] = Verdict.empty(verdict.raw)
            record.attributes[key] = verdict.raw
            record.notes.append(
                f"'{plan.header}' is the recipient's ({recipient}), not the buyer's: kept "
                f"as the custom attribute {key}"
            )
        return out

    @staticmethod
    def _payers_own(
        records: list[RowRecord], header: str, payers: RecipientColumns, verdicts: list[Verdict]
    ) -> list[Verdict]:
        """The payer's e-mail or phone of the rows whose payer is the person (a member who
        paid for themselves): the person's own; on the others it stays an attribute."""
        out = list(verdicts)
        for i, (record, verdict) in enumerate(zip(records, verdicts, strict=True)):
            if verdict.status is _EMPTY:
                continue
            if not any(str(record.raw.get(h) or "").strip() for h in payers.names) or (
                payers.recipient(record.raw) is not None
            ):
                # no payer's name to compare, or someone else's (a parent's): not theirs
                out[i] = Verdict.empty(verdict.raw)
                continue
            record.notes.append(
                f"'{header}' is the person's own: the payer's name is the person's"
            )
        return out

    @staticmethod
    def _fill_attribute(records: list[RowRecord], attribute: str, values: list[Any]) -> None:
        """An unmapped column: its non-empty cells become custom attributes."""
        for record, raw_value in zip(records, values, strict=True):
            if raw_value is not None and raw_value != "":
                record.attributes[attribute] = raw_value

    def _fill_field(
        self,
        records: list[RowRecord],
        f: Field,
        verdicts: list[Verdict],
        addresses: list[AddressGroups | None],
        group: str | None = None,
    ) -> None:
        """Put each non-empty verdict of a checked column where its field goes (an address
        part in its ``group``: which of the person's addresses, see ``address_group``)."""
        storage = f.storage
        name = f.name
        if storage is Storage.EMAIL or storage is Storage.PHONE:
            # Rows with the same value share one pending point (points are read-only).
            points: dict[int, PendingPoint] = {}
            attribute = "emails" if storage is Storage.EMAIL else "phones"
            extra: dict[int, list[PendingPoint]] = {}
            for record, verdict in zip(records, verdicts, strict=True):
                if "do_not_call" in verdict.flags:
                    # "06 … (ne pas appeler)", or the note alone: the person's objection
                    # to calls, which an opposition column would have recorded
                    record.consent.setdefault(NOTED_OPPOSITIONS, {}).setdefault(
                        "phone", {"written_in": name}
                    )
                if verdict.status is _EMPTY:
                    continue
                point = points.get(id(verdict))
                if point is None:
                    point = points[id(verdict)] = PendingPoint(f, verdict)
                    others = verdict.details.get("others")
                    if others:
                        # "06 12 34 56 78 / 01 45 67 89 10", "a@x.fr; b@y.fr": every
                        # number or address of the cell is kept
                        extra[id(verdict)] = [
                            PendingPoint(f, self._other_point(storage, other))
                            for other in others.splitlines()
                        ]
                held = getattr(record, attribute)
                held.append(point)
                held.extend(extra.get(id(verdict), ()))
            return
        if storage is Storage.ADDRESS:
            for i, verdict in enumerate(verdicts):
                if verdict.status is _EMPTY:
                    continue
                groups = addresses[i]
                if groups is None:
                    groups = addresses[i] = {}
                groups.setdefault(group, {})[name] = verdict
            return
        usable: list[tuple[RowRecord, str | None]] = []
        for record, verdict in zip(records, verdicts, strict=True):
            status = verdict.status
            if status is _VALID or status is _WARNING:
                usable.append((record, verdict.normalised))
            elif status is not _EMPTY:
                said = _mailing_status(f, verdict)
                if said is not None:
                    # a mailing list's member status that is no yes/no: "cleaned" (a
                    # hard bounce) marks the e-mail bounced; "pending" says nothing yet
                    if said == "bounced":
                        record.consent["bounced"] = True
                    continue
                born_on = verdict.details.get("birthday") if f.kind is Kind.BIRTH_DATE else None
                if born_on is not None:
                    # "12/05", "12 mai": no birth date, but a birthday to wish
                    record.attributes.setdefault("birthday", born_on)
                    record.notes.append(
                        f"the birth date '{verdict.raw}' has no year: kept as the birthday"
                    )
                    continue
                year = _year_of_birth_alone(f, verdict)
                if year is not None:
                    # "1985" or "03/1985" in the birth-date column: no date, but a year
                    record.attributes.setdefault("birth_year", year)
                    record.notes.append(
                        f"the birth date '{verdict.raw}' gives only a year: kept as the "
                        "birth year"
                    )
                    continue
                # an invalid IBAN is still someone's bank details: masked on the contact
                # (the row's raw values keep it sealed)
                record.invalid_values[name] = (
                    mask(str(verdict.raw))
                    if f.sensitivity is Sensitivity.SENSITIVE
                    else str(verdict.raw)
                )
                if storage is Storage.ORGANISATION and verdict.details.get("siren"):
                    # a SIREN typed in the SIRET column still names the organisation
                    record.organisation.setdefault("siren", verdict.details["siren"])
        if storage is Storage.CONTACT and f.kind is Kind.IBAN:
            # Sensitive: kept only where it will be encrypted.
            for record, value in usable:
                record.columns["iban"] = value
            for record, verdict in zip(records, verdicts, strict=True):
                bic = verdict.details.get("bic") if verdict.ok else None
                if bic:
                    # "FR76 ... 189 BIC AGRIFRPP" in one cell: the bank's code is the
                    # BIC column's (which wins when the row also has one)
                    record.attributes.setdefault("bic", bic)
        elif storage is Storage.CONTACT:
            column = f.db_column
            for record, value in usable:
                if column not in record.columns:
                    record.columns[column] = self._typed(f, value)
            if f.kind is Kind.DATE:
                # "Client depuis : 2015" is 01/01/2015 known to the year only: say so
                _date_precisions(name, records, verdicts)
        elif storage is Storage.ORGANISATION:
            column = f.db_column
            for record, value in usable:
                record.organisation.setdefault(column, value)
        elif storage is Storage.EXTERNAL_ID:
            for record, value in usable:
                record.external_id = value
        elif storage is Storage.CONTACT_ID:
            for record, value in usable:
                record.contact_id = int(typed(f, value))
        elif name == "is_company":
            for record, value in usable:
                record.is_company = value == "true"
        elif storage is Storage.ATTRIBUTE:
            # JSON holds numbers and text: an amount or a date stays the normalised text
            # (as it reads back, so that a re-import finds it unchanged)
            native = f.kind in (Kind.INTEGER, Kind.BOOLEAN, Kind.LIST)
            for record, value in usable:
                record.attributes[name] = self._typed(f, value) if native else value
            if name == "age":  # an age is one on the day it was given
                for record, verdict in zip(records, verdicts, strict=True):
                    if verdict.ok and "on" in verdict.details:
                        record.attributes["age_on"] = verdict.details["on"]
        elif storage in _BY_NAME:
            attribute = _BY_NAME[storage]
            for record, value in usable:
                getattr(record, attribute)[name] = self._typed(f, value)
            if storage is Storage.ORDER and f.kind is Kind.DECIMAL:
                # "15,00 CHF": the amount's currency is the order's, unless a currency
                # column of the row says otherwise
                for record, verdict in zip(records, verdicts, strict=True):
                    written = verdict.details.get("currency")
                    if written:
                        record.order.setdefault("order_currency", written)

    def _other_point(self, storage: Storage, other: str) -> Verdict:
        """The verdict of one more number or address found in a cell beside the first."""
        if storage is Storage.EMAIL:
            return email_field.check(other)
        return phone_field.check(other, region=self.country)

    @staticmethod
    def _civility_from_names(records: list[RowRecord], verdicts: list[Verdict]) -> None:
        """"Mme Marie" in a first-name cell: the name check removed the civility;
        it fills the row's civility (and gender) when the row has none. A generational
        suffix it removed ("FLEURY fils") is the ``name_suffix`` attribute."""
        for record, verdict in zip(records, verdicts, strict=True):
            if not verdict.details:
                continue
            civility = verdict.details.get("civility")
            if civility:
                _fill_civility(record, civility)
            suffix = verdict.details.get("suffix")
            if suffix and verdict.ok:  # "FLEURY fils": the son, Fleury
                record.attributes.setdefault("name_suffix", suffix)

    # -- one row --------------------------------------------------------------------------

    def _finish(self, record: RowRecord, groups: AddressGroups | None) -> None:
        found = [parts for parts in _each_address(groups) if has_address(parts)]
        if found and record.returned_mail_note and "npai" not in found[0]:
            found[0] = {**found[0], "npai": Verdict.valid(record.returned_mail_note, "true")}
        if found:
            record.address = self._address(found[0])
            record.other_addresses = [
                point for point in (self._address(parts) for parts in found[1:])
                if point.key != record.address.key
            ]
            if record.phones:
                self._phones_of_the_rows_country(record)
        civility = record.invalid_values.get("civility", "")
        if record.named_company is not None:
            self._company_in_the_name_column(record, *record.named_company)
        first_cell = self._raw_cell(record, "first_name")
        last_cell = self._raw_cell(record, "last_name")
        if record.is_company and not (first_cell and record.organisation.get("name")):
            # (a first name beside the company's own column: the company's contact person,
            # a "Professionnel" customer, not the company's record)
            self._company_record(record)
        elif fold_header(civility) in COMPANY_CIVILITIES or (
            record.is_company is None  # the file says it is a person: its name stands
            and bool(first_cell) != bool(last_cell)
            and _names_a_company(first_cell or last_cell)
            and record._footer_words() is None  # "Agence de Lyon" alone: a section's title
        ):
            self._company_named_as_a_person(record, civility)
        elif record.is_company is None and first_cell and _names_a_company(last_cell):
            # "Jean" and "SARL Dupont Frères": Jean, of that company
            assert last_cell is not None
            record.columns.pop("last_name", None)
            record.invalid_values.pop("last_name", None)
            self._company_in_the_name_column(record, last_cell, "")
        # the married name first: "MARTIN épouse DURAND" alone in the last-name cell is
        # Durand born Martin, not a first name Martin
        self._split_married_name(record)
        _birth_date_of_its_parts(record)
        _drop_first_name_from_last(record)
        self._split_name_in_one_cell(record)
        self._fix_swapped_names(record)
        self._own_name_as_company(record)
        self._iban_of_rib(record)
        self._time_of_day(record)
        if record.invalid_values:
            record.attributes["invalid_values"] = record.invalid_values
        if record.external_id is None and self.hash_rows and not record.is_order_line:
            record.external_id = _row_hash(record.raw)

    def _phones_of_the_rows_country(self, record: RowRecord) -> None:
        """A number written the national way on a row whose address is abroad is that
        country's: "0470 12 34 56" beside a Brussels address is a Belgian mobile, not a
        landline of the Allier. A number the row's country does not know stays as read."""
        assert record.address is not None
        country = record.address.parts.get("country")
        if not country or country == self.country or country not in _PHONE_REGIONS:
            return
        record.phones = [self._phone_in(point, country) for point in record.phones]

    def _phone_in(self, point: PendingPoint, country: str) -> PendingPoint:
        raw = str(point.verdict.raw or "").strip()
        if raw.startswith(("+", "00")):
            return point  # written with its country code
        key = (point.field.name, raw, country)
        found = self._foreign_phones.get(key)
        if found is None:
            if len(self._foreign_phones) > CACHE_LIMIT:
                self._foreign_phones.clear()
            verdict = phone_field.check(raw, region=country)
            found = self._foreign_phones[key] = (
                PendingPoint(point.field, verdict) if verdict.ok else point
            )
        if found is not point:
            self._recount(point.field, point.verdict.status, found.verdict.status)
        return found

    def _recount(self, f: Field, was: Status, now: Status) -> None:
        """Move a cell of ``f`` from one status to another in its column's counts: the
        verdict table tells what was stored ("0151 23456789" of a German row is a valid
        mobile there, not the invalid French number the column check read)."""
        if was is now:
            return
        for checker in self.checkers.values():
            if checker.field is f and checker.counts[was] > 0:
                checker.counts[was] -= 1
                checker.counts[now] += 1
                return

    def _address(self, parts: dict[str, Verdict]) -> PendingPoint:
        """The address point of these parts, built once per distinct address."""
        key = tuple(sorted((name, v.raw) for name, v in parts.items()))
        found = self._addresses.get(key)
        if found is None:
            if len(self._addresses) > CACHE_LIMIT:
                self._addresses.clear()
            found = address_point(self.catalog["postcode"], parts, self.country, self.postcodes)
            self._addresses[key] = found
        return found

    def _typed(self, f: Field, value: str | None) -> Any:
        cache = self._typed_cache.get(f.name)
        if cache is None:
            cache = self._typed_cache[f.name] = {}
        if value in cache:
            return cache[value]
        result = typed(f, value)
        # Lists are mutable: never share one between rows.
        if not isinstance(result, list):
            if len(cache) > CACHE_LIMIT:
                cache.clear()
            cache[value] = result
        return result

    def _full_name(
        self, record: RowRecord, raw_value: str | None, last_first: bool, header: str
    ) -> None:
        if not raw_value or not raw_value.strip():
            return
        if fold_header(raw_value) in deceased.NAME_MARKERS:
            # "DCD" alone in the name cell: no name, but the person died
            record.deaths.append(DeathMark(header, raw_value.strip()))
            return
        named, marker = deceased.split_name_marker(raw_value)
        if marker is not None:
            # "DUPONT Jean (DCD)": the person died; the marker is no part of the name
            record.deaths.append(DeathMark(header, raw_value.strip()))
            raw_value = named
        # "AgnÃ¨s AndrÃ©": the whole name, garbled by a wrong encoding, is mended as the
        # name columns are (the checks see the first and last names split from it)
        meant = repaired_encoding(raw_value)
        if meant is not None:
            record.notes.append(f"accents of the name '{raw_value}' repaired: '{meant}'")
            raw_value = meant
        key = (raw_value, last_first)
        parts = self._full_names.get(key)
        if parts is None:
            if len(self._full_names) > CACHE_LIMIT:
                self._full_names.clear()
            parts = self._full_names[key] = _full_name_parts(raw_value, last_first)
        civility, (first, first_usable), (last, last_usable), suffix, company = parts
        if company is not None:
            record.named_company = company
        if suffix:
            record.attributes.setdefault("name_suffix", suffix)
        if civility:
            _fill_civility(record, civility)
        for column, part, usable in (
            ("first_name", first, first_usable), ("last_name", last, last_usable)
        ):
            if part and usable:
                record.columns.setdefault(column, part)
            elif part:
                # "4 visiteurs" under a totals line: checked as a name column's cell is,
                # and kept as the row's invalid value, not stored as a name
                record.invalid_values.setdefault(column, part)

    def _company_named_as_a_person(self, record: RowRecord, civility: str) -> None:
        """"Société" or "SARL" as the civility (accounting and old CRM exports): the
        row is a company, and what its name columns hold is the company's name. The
        contact keeps no person's name; the organisation takes it, unless the file
        names one in a column of its own."""
        cells = [
            str(record.raw.get(plan.header) or "").strip()
            for plan in self.mapping.columns
            if plan.field is not None and plan.field.name in _PERSON_NAME_FIELDS
        ]
        company = " ".join(cell for cell in cells if cell)
        if not company:
            return
        if civility and re.match(r"(?i)(?:de|du|des|la|le|les)\s|[dl]['’]", company):
            # "Mairie" + "de Villeurbanne": the civility word begins the name
            company = f"{civility.strip()} {company}"
        record.organisation.setdefault("name", company)
        if record.is_company is None:
            record.is_company = True  # named by its company, with no e-mail or phone too
        for column in ("first_name", "last_name", "civility", "gender"):
            record.columns.pop(column, None)
        for column in _PERSON_NAME_FIELDS:  # "Durand & Associés" is no bad last name
            record.invalid_values.pop(column, None)
        if civility:
            del record.invalid_values["civility"]
            form = legal_form_field.check(civility)
            if form.ok and form.normalised:
                # "SARL" as the civility: the organisation's legal form
                record.organisation.setdefault("legal_form", form.normalised)
            else:  # "Société", "Mairie": a kind of organisation, no legal form
                record.attributes["legal_form"] = civility.strip()

    @staticmethod
    def _company_in_the_name_column(record: RowRecord, company: str, why: str) -> None:
        """A company's name where a person's is expected: the row's organisation, as
        a "Raison sociale" column gives it. Alone on the row, the row is the company's
        own record; beside a person's name (columns of their own), both are kept. A
        company the row names in a column of its own stays it, this one an attribute."""
        named = record.organisation.get("name")
        if named is None:
            record.organisation["name"] = company
        elif name_key(str(named)) != name_key(company):
            record.attributes.setdefault("account_name", company)
        if record.is_company is None and not (
            record.columns.get("first_name") or record.columns.get("last_name")
        ):
            record.is_company = True
        record.notes.append(
            f"the name '{company}' is an organisation's" + (f" ({why})" if why else "")
        )

    def _own_name_as_company(self, record: RowRecord) -> None:
        """An account name that is the person's own, not a company's: EBP's or Sage's
        "Intitulé" of a private customer ("Mme LEFÈVRE Sophie", "BERNARD Nathalie"), a
        "Raison sociale" filled in with the customer's name. It makes no organisation;
        on a row with no person's name, it gives the names. A company number beside it
        (a sole trader's SIRET) keeps it an organisation: the business bears his name."""
        company = record.organisation.get("name")
        if not company or record.is_company or any(
            record.organisation.get(key) for key in ("siren", "siret", "vat_number")
        ):
            return
        civility, rest = name_field.split_civility(str(company))
        first, last = record.columns.get("first_name"), record.columns.get("last_name")
        if first or last:
            words = sorted(fold_header(f"{first or ''} {last or ''}").split())
            if sorted(fold_header(rest).split()) != words:
                if civility:  # "M. DUPONT Jean" beside another person: no company either
                    del record.organisation["name"]
                    record.attributes.setdefault("account_name", str(company))
                return
        elif civility:
            self._full_name(
                record, str(company), False, self._header_of.get("organisation_name", "")
            )
        elif (order := _named_in_own_email(str(company), record.usable_emails)) is not None:
            # a trade-show visitor with no company wrote her own name there:
            # "Chevallier Céline" beside celine.chevallier@hotmail.fr
            self._full_name(
                record, str(company), order, self._header_of.get("organisation_name", "")
            )
        else:
            return
        if civility:
            _fill_civility(record, civility)
        del record.organisation["name"]
        record.notes.append(f"the company name '{company}' is the person's own name")

    def _time_of_day(self, record: RowRecord) -> None:
        """"Date d'appel: 02/12/2026" and "Heure: 09:14" in two columns (call centres,
        bookings, tills): the row's moment is 02/12/2026 09:14, in the file's time zone,
        not midnight."""
        time_header = self._header_of.get("time_of_day")
        time = str(record.raw.get(time_header) or "").strip() if time_header else ""
        if not time:
            return
        for name in DATED_BY_A_TIME:
            bag = record.events if name == "activity_date" else record.order
            date_header = self._header_of.get(name)
            if date_header is None or name not in bag:
                continue
            # a spreadsheet's date cell reads "2026-12-02 00:00:00": no time of its own
            written = _MIDNIGHT.sub("", str(record.raw.get(date_header) or "").strip())
            if ":" in written:
                continue
            verdict = self.checkers[date_header].verdict(f"{written} {time}")
            if verdict.ok:
                bag[name] = self._typed(self.catalog[name], verdict.normalised)

    def _iban_of_rib(self, record: RowRecord) -> None:
        """A RIB in four columns (bank, branch, account, key: Sage's and EBP's bank
        details) is the row's IBAN when its key agrees; never kept apart in clear."""
        if "iban" in record.columns or "rib_account" not in self._header_of:
            return
        cells = [
            re.sub(r"[\s.\-]", "", str(self._raw_cell(record, part) or "")).upper()
            for part in RIB_PARTS
        ]
        if not any(cells):
            return
        iban = french_iban(*cells)
        if iban is None:
            record.invalid_values.setdefault("iban", mask("".join(cells)))
            record.notes.append("the RIB's bank, branch, account and key do not agree")
        else:
            record.columns["iban"] = iban

    def _company_record(self, record: RowRecord) -> None:
        """A row the file says is a company's ("Est une société: True", "Type: Société"):
        its name columns hold the company's name, as with a company in the civility
        column. A company named in a column of its own beside it is its parent (Odoo's
        "Société liée" of a company), kept as the ``parent_company`` attribute."""
        linked = record.organisation.pop("name", None)
        self._company_named_as_a_person(record, "")
        if "name" not in record.organisation:
            if linked is not None:  # no name of its own: the company named beside it
                record.organisation["name"] = linked
            return
        if linked is not None and name_key(linked) != name_key(record.organisation["name"]):
            record.attributes.setdefault("parent_company", linked)

    def _split_name_in_one_cell(self, record: RowRecord) -> None:
        """"Dupont Jean" in the last-name column and nothing in the first-name one (or
        "Jean Dupont" the other way round): the whole name in one cell.

        Split only when the file says nothing else and the names make it plain: the
        first name found is a first name in its own right and the rest holds none
        ("Bernard Marie" and "Ben Ali" stay as written).
        """
        first = record.columns.get("first_name")
        last = record.columns.get("last_name")
        if bool(first) == bool(last):
            return
        cell = str(first or last)
        if " " not in cell:
            return
        column = "first" if first else "last"
        # "LEROY Sophie" as typed: the capitals say which is the last name (its case is
        # gone from the checked cell, and Leroy is a first name too)
        written = self._raw_cell(record, f"{column}_name")
        by_capitals = name_field.split_by_capitals(written) if written else None
        if by_capitals is not None:
            _, record.columns["first_name"], record.columns["last_name"] = by_capitals
            record.notes.append(f"the {column}-name cell '{written}' held the whole name")
            return
        if cell in self._one_cell_names:
            split = self._one_cell_names[cell]
        else:
            split = _names_in_one_cell(cell)
            if len(self._one_cell_names) > CACHE_LIMIT:
                self._one_cell_names.clear()
            self._one_cell_names[cell] = split
        if split is None:
            return
        record.columns["first_name"], record.columns["last_name"] = split
        record.notes.append(f"the {column}-name cell '{cell}' held the whole name")

    def _raw_cell(self, record: RowRecord, field_name: str) -> str | None:
        """The row's cell, as the file wrote it, of the column mapped to ``field_name``."""
        header = self._header_of.get(field_name)
        value = record.raw.get(header) if header is not None else None
        return value.strip() if isinstance(value, str) else None

    def _split_married_name(self, record: RowRecord) -> None:
        """``MARTIN épouse DURAND`` in the last name: Durand, born Martin.

        The name used stays the last name (the one to write to, and the
        import's phone key); the birth name goes to the ``birth_name``
        attribute, unless the file has a birth-name column of its own.
        """
        last = record.columns.get("last_name")
        if not last:
            return
        used, birth = _married_name(last)
        if used == last:
            return
        record.columns["last_name"] = used
        if birth:
            record.attributes.setdefault("birth_name", birth)
        record.notes.append(
            f"last name '{last}' read as '{used}'" + (f", born {birth}" if birth else "")
        )

    def _fix_swapped_names(self, record: RowRecord) -> None:
        first = record.columns.get("first_name")
        last = record.columns.get("last_name")
        if first and last and name_field.looks_swapped(first, last):
            record.columns["first_name"], record.columns["last_name"] = last, first
            record.notes.append(f"first and last names swapped back ({first} / {last})")
            self.swapped += 1


#: Words that begin a last name and are no last name alone: "Saint Pierre" with the
#: first name Pierre is a last name, not "Saint" + the first name again.
_NAME_PARTICLES = frozenset({
    "de", "d", "du", "des", "le", "la", "les", "saint", "sainte", "st", "ste", "van", "von",
    "der", "den", "di", "da", "del", "della", "dos", "ben", "el", "al", "mac", "mc", "o",
})


#: A whole-name cell read: civility, first name, last name, generational suffix, and
#: the company it names with why ("Atelier Bois SARL", "Jean Dupont - Atelier Bois SARL").
_FullName = tuple[
    str | None, tuple[str, bool], tuple[str, bool], str | None, tuple[str, str] | None
]


_LOCAL_WORDS = re.compile(r"[a-z]+")


def _named_in_own_email(company: str, emails: list[str]) -> bool | None:
    """Whether a company cell is its holder's own name, told by their e-mail: two or
    three words, a known first name and a surname, both in the e-mail's local part
    (``celine.chevallier@``, ``chevallier.celine@``, ``cchevallier@``). Returns
    whether the last name comes first in the cell, or None when it is no such name.

    >>> _named_in_own_email("Chevallier Céline", ["celine.chevallier@hotmail.fr"])
    True
    >>> _named_in_own_email("Paul Girard", ["pgirard@orange.fr"])
    False
    >>> _named_in_own_email("Garage Thomas", ["contact@garage-thomas.fr"]) is None
    True
    """
    words = company.split()
    if not 2 <= len(words) <= 3 or _organisation_why(company) is not None:
        return None
    folded = [fold_header(w).replace(" ", "") for w in words]
    if not all(w.isalpha() and len(w) > 1 for w in folded):
        return None
    first = [i for i, w in enumerate(words) if name_field.is_first_name(w)]
    last = [i for i in range(len(words)) if i not in first]
    if len(first) != 1 or not last:
        return None
    given, surname = folded[first[0]], "".join(folded[i] for i in last)
    for email in emails:
        local = "".join(_LOCAL_WORDS.findall(email.split("@", 1)[0]))
        if len(surname) >= 3 and surname in local and (
            given in local or local.startswith(given[0]) or local.endswith(given[0])
        ):
            return first[0] > last[0]
    return None


def _full_name_parts(raw_value: str, last_first: bool) -> _FullName:
    """:data:`_FullName` of a whole-name cell ("Mme DUPONT Marie", "Gérard FLEURY fils",
    "Atelier Bois SARL", "Jean Dupont (Atelier Bois SARL)": both)."""
    sides = name_field.remark_parts(raw_value)
    for name, remark in (sides, sides[::-1]) if sides else ():
        why = _organisation_why(remark)
        if why is not None and _a_persons_name(name):
            # "Jean Dupont - Atelier Bois SARL", "Mairie de Vannes / Paul Girard" (not
            # "Dupont - Martin SARL": a firm's name)
            person = _full_name_parts(name, last_first)
            return person[0], person[1], person[2], person[3], (remark, why)
    company = _organisation_why(raw_value)
    if company is not None:
        return None, ("", False), ("", False), None, (raw_value.strip(), company)
    civility, first_name, last_name = name_field.split_full_name(raw_value, last_first=last_first)
    _, suffix = name_field.split_suffix(name_field.split_civility(raw_value)[1], min_words=2)
    return civility, _name_part(first_name), _name_part(last_name), suffix, None


def _a_persons_name(text: str) -> bool:
    """A civility or a known first name among the words, and no company's name."""
    civility, rest = name_field.split_civility(text)
    return (
        (civility is not None or any(name_field.is_first_name(w) for w in rest.split()))
        and not _names_a_company(text)
    )


def _birth_date_of_its_parts(record: RowRecord) -> None:
    """A birthday ("12/05") and a birth year ("Année de naissance: 1980") in two
    columns are one birth date, when it can be (29/02 of a leap year) and is plausible."""
    birthday, year = record.attributes.get("birthday"), record.attributes.get("birth_year")
    if "birth_date" in record.columns or not isinstance(birthday, str) or year is None:
        return
    verdict = dates.check(f"{year}{birthday[1:]}", kind="birth_date")
    if verdict.ok and verdict.normalised:
        record.columns["birth_date"] = date.fromisoformat(verdict.normalised)
        del record.attributes["birthday"]
        record.notes.append(f"birth date {verdict.normalised} from its day, month and year")


def _name_part(name: str) -> tuple[str, bool]:
    """A name split from a whole-name cell, and whether it is usable as a name.

    "Anonyme", "Client", "Inconnu" stand for no name, as in a name column: they
    become "". A part with digits ("4" of "4 visiteurs" on a totals line, "2" of
    "Martin Jean-Pierre 2") is not usable. Other refusals of the name check ("Jean &
    Marie" of a couple) keep the part as the file wrote it, as they always have.
    """
    if not name:
        return name, False
    verdict = name_field.check(name)
    if verdict.status is _EMPTY or "placeholder" in verdict.flags:
        return "", False
    return name, "has_digits" not in verdict.flags


def _drop_first_name_from_last(record: RowRecord) -> None:
    """Nom "Dupont Jean" and Prénom "Jean": the last-name cell repeats the first name
    (at its end or its start); the last name is what is left ("Dupont")."""
    first = record.columns.get("first_name")
    last = record.columns.get("last_name")
    if not first or not last or " " not in str(last):
        return
    first_words = fold_header(str(first)).split()
    words = str(last).split()
    folded = [fold_header(w) for w in words]
    n = len(first_words)
    if not first_words or len(words) <= n:
        return
    if folded[-n:] == first_words:
        rest = words[:-n]
    elif folded[:n] == first_words:
        rest = words[n:]
    else:
        return
    if len(rest) == 1 and (fold_header(rest[0]) in _NAME_PARTICLES or len(rest[0]) < 2):
        return
    record.columns["last_name"] = " ".join(rest)
    record.notes.append(
        f"last name '{last}' read as '{record.columns['last_name']}': it repeated the first name"
    )


def _names_in_one_cell(cell: str) -> tuple[str, str] | None:
    """(first, last) of a whole name written in one name cell, when it is plain."""
    _, first, last = name_field.split_full_name(cell)
    if not first or not last:
        return None
    words = [w for w in re.split(r"[\s-]+", last) if w]
    if not name_field.is_first_name(first) or any(name_field.is_first_name(w) for w in words):
        return None
    if any(len(w.strip(".")) < 2 for w in words):
        return None  # "Jean D.": an initial is no last name to compare
    return first, last


def _note_spreadsheet_errors(
    records: list[RowRecord], header: str, verdicts: list[Verdict]
) -> None:
    """An Excel error cell ("#VALUE!") is read as no value: the row says so, so
    that the user can mend the sheet's formula."""
    for record, verdict in zip(records, verdicts, strict=True):
        if "spreadsheet_error" in verdict.flags:
            record.notes.append(
                f"column '{header}': the spreadsheet's error {verdict.raw} read as no value"
            )


def _fill_civility(record: RowRecord, civility: str) -> None:
    """A civility found inside a name fills the row's civility and gender, unless the
    file gave them."""
    record.columns.setdefault("civility", civility)
    hint = name_field.gender_hint(civility)
    if hint:
        record.columns.setdefault("gender", hint)


_EMPTY, _VALID, _WARNING = Status.EMPTY, Status.VALID, Status.WARNING
# One call per distinct last name: names repeat a lot within a file.
_married_name = lru_cache(maxsize=65_536)(name_field.split_married_name)
#: The record dictionary each by-name storage fills (field name → typed value).
#: How a form's consent question opens (folded), beside any header with a "?".
_ASKED = re.compile(
    r"^(?:champ additionnel \w* ?)?(?:j accepte|j autorise|je souhaite|je veux|je consens"
    r"|acceptez|souhaitez|voulez|desirez|would you|do you|i agree|i accept|i would like"
    r"|i want|i consent|yes i|oui je)\b"
)


def is_question(header: str) -> bool:
    """Whether a consent column is a form's question, answered when the row was written,
    rather than a flag an export gives as it stands on the day of the export (Shopify's
    "Accepts Marketing" in an orders export is the customer's current choice, not the
    one made with each order).

    >>> is_question("Would you like to receive our newsletter?"), is_question("Accepts Marketing")
    (True, False)
    >>> is_question("Champ additionnel: J'accepte de recevoir la newsletter")
    True
    """
    return "?" in header or _ASKED.match(fold_header(header)) is not None


_BY_NAME = {
    Storage.CONSENT: "consent",
    Storage.EVENT: "events",
    Storage.ORDER: "order",
    Storage.ATTRIBUTE: "attributes",
}


#: A company's switchboard beside its people's own lines ("Standard", "Tél. standard",
#: "Company phone", "Accueil"), folded.
_SWITCHBOARD_HEADER = re.compile(
    r"(?:.*\b)?(?:standard|switchboard|accueil|company (?:main )?phone|main phone)(?:\b.*)?"
    r"|(?:tel|telephone|phone)\.? (?:de l |du |de la )?(?:societe|entreprise|siege|company)"
)


def _switchboards_last(plans: Sequence[ColumnPlan]) -> list[ColumnPlan]:
    """The columns in the file's order, but a switchboard's after the other phones, so
    that a person's direct line or mobile, not the switchboard many colleagues share,
    is their primary phone whichever column comes first.

    >>> from carnet.fields.catalog import default_catalog
    >>> phone = default_catalog()["phone"]
    >>> plans = [ColumnPlan("Standard", phone, None, "synonym"),
    ...          ColumnPlan("Tél. direct", phone, None, "synonym")]
    >>> [p.header for p in _switchboards_last(plans)]
    ['Tél. direct', 'Standard']
    """
    def is_switchboard(plan: ColumnPlan) -> bool:
        return (
            plan.field is not None
            and plan.field.storage is Storage.PHONE
            and _SWITCHBOARD_HEADER.fullmatch(fold_header(plan.header)) is not None
        )

    return sorted(plans, key=is_switchboard)


#: A full-name column whose header puts the last name first: "NOM PRENOM", "Nom et
#: prénom", "Last name, first name" (folded).
_LAST_FIRST = re.compile(
    r"^(?:nom|last ?name|surname|family name)(?: de famille)?\s+(?:et |and |& )?"
    r"(?:prenom|first ?name|given name)s?$"
)


#: A year alone, or a month and a year: "1985", "03/1985", "3-1985", "1985-03" (ISO),
#: "mars 1985", "Sept. 1985" (a month's name, checked apart).
_YEAR_ALONE = re.compile(
    r"\s*(?:(?:0?[1-9]|1[0-2])\s*[/.-]\s*(?P<after>\d{4})|(?P<before>\d{4})\s*[/.-]\s*"
    r"(?:0?[1-9]|1[0-2])|(?:(?P<month>[^\W\d_]+)\.?\s+)?(?P<year>\d{4})(?:\.0)?)\s*"
)


def _may_say_a_death(f: Field) -> bool:
    """Whether a column of ``f`` may say the person died (see :func:`_read_deaths`)."""
    return (
        f.name in _DEATH_FIELDS
        or f.kind is Kind.NAME
        or f.kind is Kind.CHOICE
        or f.name in _NOTE_FIELDS
        or is_free_text(f)
    )


#: A column kept as an attribute whose cells may say the person died ("Statut : Décédé",
#: "Motif de sortie : Décès"), folded.
_STATUS_HEADER = re.compile(
    r"(?:statut|status|etat|situation|motif|raison|cause)"
    r"(?: (?:du |de la |de |d )?(?:client|cliente|contact|compte|fiche|sortie|inactivite|"
    r"resiliation|radiation|depart|fin))?"
)


def _read_status_deaths(records: list[RowRecord], header: str, values: list[Any]) -> None:
    """Note the rows whose status-like cell is a death word ("Décédé", "DCD", "Décès")."""
    for record, value in zip(records, values, strict=True):
        if isinstance(value, str) and deceased.says_returned_as_deceased(value):
            record.deaths.append(DeathMark(header, value.strip()))


#: The fields that say whether the person died: a flag, a date of death, an NPAI cell.
_DEATH_FIELDS = frozenset({"deceased", "death_date", "npai"})


def _read_deaths(records: list[RowRecord], header: str, f: Field, verdicts: list[Verdict]) -> None:
    """Note where the column ``header`` of ``f`` says the person died (a flag, a date of
    death, La Poste's reason "Décédé", a marker in a name cell, a note, a status
    "Décédé"), or, for a flag or date column, that they are alive."""
    # rows with the same value share one verdict: each is read once
    read: dict[int, DeathMark | bool | None] = {}
    for record, verdict in zip(records, verdicts, strict=True):
        if verdict.status is _EMPTY:
            continue
        key = id(verdict)
        said = read[key] if key in read else read.setdefault(key, _death_of(header, f, verdict))
        if isinstance(said, DeathMark):
            record.deaths.append(said)
        elif said is False and record.death_denied is None:
            record.death_denied = header


def _death_of(header: str, f: Field, verdict: Verdict) -> DeathMark | bool | None:
    """What one cell of ``f`` says: a death (its mark), alive (False), or nothing (None)."""
    name = f.name
    said: bool | None = None
    date: str | None = None
    if name == "deceased" or name == "death_date":
        if verdict.ok:
            # a date of death column's "Non" or "DCD" reads as a flag's (details["flag"])
            flag = verdict.details.get("flag", verdict.normalised)
            said = flag != "false"
            date = verdict.details.get("date") if name == "deceased" else (
                None if "flag" in verdict.details else verdict.normalised
            )
    elif name == "npai":
        said = verdict.details.get("reason") == "deceased" or None
    elif f.kind is Kind.NAME:
        said = bool(verdict.details.get("deceased")) or None
    elif f.kind is Kind.CHOICE:
        # "Statut : Décédé", which no stage of the choice reads
        said = (
            verdict.status is Status.INVALID
            and deceased.says_returned_as_deceased(str(verdict.raw))
        ) or None
    elif verdict.normalised and deceased.says_deceased(verdict.normalised):
        said, date = True, deceased.death_date_in(verdict.normalised)
    if said:
        return DeathMark(header, str(verdict.raw).strip(), date)
    return said


def _date_precisions(name: str, records: list[RowRecord], verdicts: list[Verdict]) -> None:
    """The ``<field>_precision`` attribute (``year``, ``month``) of the rows whose date
    of ``name`` was given with no day, kept as the period's first day."""
    for record, verdict in zip(records, verdicts, strict=True):
        precision = verdict.details.get("precision") if verdict.ok else None
        if precision is not None:
            record.attributes[f"{name}_precision"] = precision


def _year_of_birth_alone(f: Field, verdict: Verdict) -> int | None:
    """The year of an invalid birth date that gives only a year (or a month and a year)."""
    if f.kind is not Kind.BIRTH_DATE or not isinstance(verdict.raw, str):
        return None
    alone = _YEAR_ALONE.fullmatch(verdict.raw)
    if alone is None or (alone["month"] and not dates.is_month_name(alone["month"])):
        return None
    year = check_birth_year(alone["after"] or alone["before"] or alone["year"])
    return int(year.normalised) if year.ok and year.normalised else None


def _usable(points: list[PendingPoint]) -> list[str]:
    return [
        p.verdict.normalised
        for p in points
        if p.verdict.normalised and (p.verdict.status is _VALID or p.verdict.status is _WARNING)
    ]


def typed(f: Field, value: str | None) -> Any:
    """A normalised text value as the Python type its column stores."""
    if value is None:
        return None
    kind = f.kind
    if kind in (Kind.DATE, Kind.BIRTH_DATE):
        return date.fromisoformat(value[:10])
    if kind is Kind.DATETIME:
        moment = datetime.fromisoformat(value) if "T" in value or " " in value else None
        if moment is None:
            moment = datetime.combine(date.fromisoformat(value[:10]), datetime.min.time())
        # The check gave a time written without an offset the workspace zone's (a
        # country without one keeps it as written); it is brought to UTC, the one
        # convention of the store (carnet.clock).
        return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    if kind is Kind.LIST:
        return [v for v in value.split(";") if v]
    if kind is Kind.BOOLEAN:
        return value == "true"
    if kind is Kind.INTEGER:
        return int(value)
    if kind is Kind.DECIMAL:
        return Decimal(value)
    return value


#: Member statuses of e-mailing tools (folded) that are no yes/no to a consent flag:
#: Mailchimp's "cleaned" (its hard bounces), and those that give no consent yet.
MAILING_STATUSES = {
    "cleaned": "bounced", "bounced": "bounced", "hard bounce": "bounced",
    "hard bounced": "bounced", "hardbounce": "bounced",
    "pending": "nothing", "transactional": "nothing", "archived": "nothing",
}


def _mailing_status(f: Field, verdict: Verdict) -> str | None:
    """What a consent flag's cell that is a member status says ("bounced" or
    "nothing"), or None for any other value.

    >>> from carnet.fields.catalog import default_catalog
    >>> _mailing_status(default_catalog()["optin_newsletter"], Verdict.invalid("cleaned", ()))
    'bounced'
    """
    if f.storage is not Storage.CONSENT or f.kind is not Kind.BOOLEAN:
        return None
    return MAILING_STATUSES.get(fold_header(str(verdict.raw)))


@lru_cache(maxsize=4096)
def _header_key(header: str) -> str:
    return fold_header(header)


def _count_header_cells(records: list[RowRecord], columns: dict[str, list[Any]]) -> None:
    """Count in each record the cells that spell their column's name, a column's
    distinct values at a time, so that :meth:`RowRecord._repeated_header` only looks
    at the rows with two of them (a sealed cell, counted as the file gave it, never
    spells a header once sealed: the count is an upper bound)."""
    counts = [0] * len(records)
    for header, values in columns.items():
        key = _header_key(str(header))
        try:
            distinct = set(values)
        except TypeError:  # a JSON file's lists: those rows are asked one by one
            return
        alike = {
            v
            for v in distinct
            if isinstance(v, str)
            and abs(len(v.strip()) - len(key)) <= 4
            and v.strip()
            and fold_header(v) == key
        }
        if alike:
            for i, value in enumerate(values):
                if value in alike:
                    counts[i] += 1
    for record, count in zip(records, counts, strict=True):
        record.header_cells = count


#: How a row's content hash, its id when the source gives none, begins.
ROW_HASH_PREFIX = "row:"


def _row_hash(raw: dict[str, Any]) -> str:
    digest = hashlib.sha1(repr(sorted(raw.items())).encode("utf-8")).hexdigest()[:20]
    return f"{ROW_HASH_PREFIX}{digest}"
