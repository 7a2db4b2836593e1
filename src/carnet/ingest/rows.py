"""From checked columns to one record per input row, sorted by where each value goes.

A :class:`RowRecord` holds what a row says about a person (scalar fields,
emails, phones, one postal address, organisation, source id), about their
activity (events, an order line) and their consent, plus the raw values so
nothing is lost. It also says whether the row can be used at all and why not.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from carnet.contact_points import PendingPoint, address_point
from carnet.fields import name as name_field
from carnet.fields.catalog import Catalog, Field, Kind, Storage
from carnet.fields.postcodes import PostcodeTable
from carnet.fields.verdict import Status, Verdict
from carnet.ingest.mapping import ColumnMapping
from carnet.ingest.verdicts import ColumnChecker


@dataclass
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
    organisation: dict[str, Any] = field(default_factory=dict)
    external_id: str | None = None
    consent: dict[str, Any] = field(default_factory=dict)
    events: dict[str, Any] = field(default_factory=dict)
    order: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    error: str | None = None

    @property
    def points(self) -> list[PendingPoint]:
        """Every contact point of the row."""
        return [*self.emails, *self.phones, *([self.address] if self.address else [])]

    @property
    def usable_emails(self) -> list[str]:
        """Normalised emails that passed their check (valid or warning)."""
        return [p.verdict.normalised for p in self.emails if p.verdict.ok and p.verdict.normalised]

    @property
    def usable_phones(self) -> list[str]:
        """E.164 phones that passed their check."""
        return [p.verdict.normalised for p in self.phones if p.verdict.ok and p.verdict.normalised]

    @property
    def is_order_line(self) -> bool:
        """True when the row describes an order line."""
        return bool(self.order)

    def identity_problem(self) -> str | None:
        """Why the row cannot be tied to a person, or None when it can."""
        if self.error:
            return f"unreadable row: {self.error}"
        if (
            self.columns.get("first_name")
            or self.columns.get("last_name")
            or self.usable_emails
            or self.usable_phones
            or self.order.get("customer_ref")
        ):
            return None
        bad = [
            f"{p.kind} '{p.verdict.raw}' is invalid ({'; '.join(p.verdict.reasons) or 'invalid'})"
            for p in self.points
            if p.verdict.status is Status.INVALID and p.kind != "address"
        ]
        detail = f": {', '.join(bad)}" if bad else ""
        return "no name, usable email or usable phone to identify the person" + detail


class RowBuilder:
    """Builds :class:`RowRecord` objects from a mapped batch of columns.

    Args:
        mapping: the file's column mapping.
        catalog: the workspace's catalog.
        country: default country for phones and addresses.
        postcodes: La Poste table for postcode ↔ city checks, when loaded.
        hash_rows: give rows without a source id a content hash as id, so that
            re-importing the same file finds the same contacts again.
        email_dns_timeout: check email deliverability in DNS with this timeout
            (off when None, the default).
    """

    def __init__(
        self,
        mapping: ColumnMapping,
        catalog: Catalog,
        country: str,
        *,
        postcodes: PostcodeTable | None = None,
        hash_rows: bool = True,
        email_dns_timeout: float | None = None,
    ) -> None:
        self.mapping = mapping
        self.catalog = catalog
        self.country = country
        self.postcodes = postcodes
        self.hash_rows = hash_rows
        self.checkers: dict[str, ColumnChecker] = {}
        for plan in mapping.columns:
            if plan.field is not None and plan.field.kind is not Kind.FULL_NAME:
                self.checkers.setdefault(
                    plan.header,
                    ColumnChecker(plan.field, country, email_dns_timeout=email_dns_timeout),
                )
        self._full_names: dict[str, tuple[str | None, str, str]] = {}
        self._addresses: dict[tuple[tuple[str, str | None], ...], PendingPoint] = {}
        self._typed_cache: dict[tuple[str, str | None], Any] = {}
        self.swapped = 0

    def build(
        self,
        numbers: list[int],
        columns: dict[str, list[str | None]],
        extra: dict[int, tuple[str, ...]],
        errors: dict[int, str],
    ) -> list[RowRecord]:
        """One record per row of the batch."""
        checked: dict[str, list[Verdict]] = {
            header: checker.column(columns[header]) for header, checker in self.checkers.items()
        }
        # Resolve each column's destination once per batch, not once per cell.
        specs = [
            (
                plan.field,
                plan.attribute or plan.header,
                columns[plan.header],
                checked.get(plan.header),
            )
            for plan in self.mapping.columns
        ]
        headers = list(columns)
        value_lists = [columns[h] for h in headers]
        records = []
        for i, number in enumerate(numbers):
            raw: dict[str, Any] = dict(
                zip(headers, [values[i] for values in value_lists], strict=True)
            )
            if number in extra:
                raw["_extra"] = list(extra[number])
            record = RowRecord(number=number, raw=raw, error=errors.get(number))
            if record.error is None:
                self._fill(record, i, specs)
            records.append(record)
        return records

    def summary(self) -> dict[str, dict[str, int]]:
        """Verdict counts per field over every row built so far."""
        out: dict[str, dict[str, int]] = {}
        for checker in self.checkers.values():
            counts = out.setdefault(checker.field.name, {})
            for status, n in checker.summary().items():
                counts[status] = counts.get(status, 0) + n
        return out

    # -- one row --------------------------------------------------------------------------

    def _fill(
        self,
        record: RowRecord,
        i: int,
        specs: list[tuple[Field | None, str, list[str | None], list[Verdict] | None]],
    ) -> None:
        address: dict[str, Verdict] = {}
        for f, attribute, values, verdicts in specs:
            if f is None:
                raw_value = values[i]
                if raw_value not in (None, ""):
                    record.attributes[attribute] = raw_value
            elif verdicts is None:
                self._full_name(record, values[i])
            else:
                verdict = verdicts[i]
                if verdict.status is not Status.EMPTY:
                    self._place(record, f, verdict, address)
        if address:
            record.address = self._address(address)
        self._fix_swapped_names(record)
        if record.invalid_values:
            record.attributes["invalid_values"] = record.invalid_values
        if record.external_id is None and self.hash_rows and not record.is_order_line:
            record.external_id = _row_hash(record.raw)

    def _address(self, parts: dict[str, Verdict]) -> PendingPoint:
        """The address point of these parts, built once per distinct address."""
        key = tuple(sorted((name, v.raw) for name, v in parts.items()))
        found = self._addresses.get(key)
        if found is None:
            if len(self._addresses) > 200_000:
                self._addresses.clear()
            found = address_point(self.catalog["postcode"], parts, self.country, self.postcodes)
            self._addresses[key] = found
        return found

    def _typed(self, f: Field, value: str | None) -> Any:
        key = (f.name, value)
        if key in self._typed_cache:
            return self._typed_cache[key]
        if len(self._typed_cache) > 200_000:
            self._typed_cache.clear()
        result = typed(f, value)
        # Lists are mutable: never share one between rows.
        if not isinstance(result, list):
            self._typed_cache[key] = result
        return result

    def _place(
        self, record: RowRecord, f: Field, verdict: Verdict, address: dict[str, Verdict]
    ) -> None:
        storage = f.storage
        if storage is Storage.EMAIL:
            record.emails.append(PendingPoint(f, verdict))
        elif storage is Storage.PHONE:
            record.phones.append(PendingPoint(f, verdict))
        elif storage is Storage.ADDRESS:
            address[f.name] = verdict
        elif not verdict.ok:
            record.invalid_values[f.name] = str(verdict.raw)
        elif storage is Storage.CONTACT:
            if f.kind is Kind.IBAN:
                # Sensitive: kept only where it will be encrypted.
                record.columns["iban"] = verdict.normalised
            else:
                record.columns.setdefault(f.db_column, self._typed(f, verdict.normalised))
        elif storage is Storage.ORGANISATION:
            record.organisation.setdefault(f.db_column, verdict.normalised)
        elif storage is Storage.EXTERNAL_ID:
            record.external_id = verdict.normalised
        elif storage is Storage.CONSENT:
            record.consent[f.name] = self._typed(f, verdict.normalised)
        elif storage is Storage.EVENT:
            record.events[f.name] = self._typed(f, verdict.normalised)
        elif storage is Storage.ORDER:
            record.order[f.name] = self._typed(f, verdict.normalised)
        elif storage is Storage.ATTRIBUTE:
            record.attributes[f.name] = self._typed(f, verdict.normalised)

    def _full_name(self, record: RowRecord, raw_value: str | None) -> None:
        if not raw_value or not raw_value.strip():
            return
        parts = self._full_names.get(raw_value)
        if parts is None:
            if len(self._full_names) > 200_000:
                self._full_names.clear()
            parts = name_field.split_full_name(raw_value)
            self._full_names[raw_value] = parts
        civility, first, last = parts
        if civility:
            record.columns.setdefault("civility", civility)
            hint = name_field.gender_hint(civility)
            if hint:
                record.columns.setdefault("gender", hint)
        if first:
            record.columns.setdefault("first_name", first)
        if last:
            record.columns.setdefault("last_name", last)

    def _fix_swapped_names(self, record: RowRecord) -> None:
        first = record.columns.get("first_name")
        last = record.columns.get("last_name")
        if first and last and name_field.looks_swapped(first, last):
            record.columns["first_name"], record.columns["last_name"] = last, first
            record.notes.append(f"first and last names swapped back ({first} / {last})")
            self.swapped += 1


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
        return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment
    if kind is Kind.LIST:
        return [v for v in value.split(";") if v]
    if kind is Kind.BOOLEAN:
        return value == "true"
    if kind is Kind.INTEGER:
        return int(value)
    if kind is Kind.DECIMAL:
        return Decimal(value)
    return value


def _row_hash(raw: dict[str, Any]) -> str:
    digest = hashlib.sha1(repr(sorted(raw.items())).encode("utf-8")).hexdigest()[:20]
    return f"row:{digest}"
