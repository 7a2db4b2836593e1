"""Plain records the workspace returns: contacts, contact points, organisations, pages.

They are snapshots (frozen dataclasses), not live ORM objects: change data
through :class:`carnet.Carnet` methods so that history is written.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Generic, TypeVar

T = TypeVar("T")

#: A contact's status. ``active``: a person on file, contacted when their consent allows;
#: ``deceased``: a person a file said died, kept (nothing is deleted) and never contacted;
#: ``merged``: folded into ``merged_into_id``; ``anonymised``: erased (RGPD).
ACTIVE, DECEASED, MERGED, ANONYMISED = "active", "deceased", "merged", "anonymised"
#: The statuses of a person the file still holds as themself: an import's exact keys and
#: the duplicate matcher find them (a deceased customer re-imported is the same person,
#: not a new active twin), and they merge.
ON_FILE = (ACTIVE, DECEASED)


@dataclass(frozen=True)
class ContactPoint:
    """One email, phone or postal address of a contact, raw and normalised."""

    id: int
    kind: str
    raw: str | None
    normalised: str | None
    verdict: str
    flags: tuple[str, ...] = ()
    reasons: tuple[str, ...] = ()
    subtype: str | None = None
    is_primary: bool = False
    line1: str | None = None
    line2: str | None = None
    line3: str | None = None
    postcode: str | None = None
    city: str | None = None
    country: str | None = None
    source: str | None = None
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    last_verified: datetime | None = None

    @property
    def display(self) -> str:
        """The value as a person would read it."""
        if self.kind == "address":
            parts = [
                self.line1,
                self.line2,
                self.line3,
                " ".join(p for p in (self.postcode, self.city) if p),
                self.country,
            ]
            return ", ".join(p for p in parts if p)
        return self.normalised or self.raw or ""


@dataclass(frozen=True)
class Organisation:
    """A company or other organisation (B2B firmographics)."""

    id: int
    name: str | None
    siren: str | None = None
    siret: str | None = None
    vat_number: str | None = None
    naf_code: str | None = None
    legal_form: str | None = None
    sector: str | None = None
    size_band: str | None = None
    revenue_band: str | None = None
    website: str | None = None
    line1: str | None = None
    line2: str | None = None
    postcode: str | None = None
    city: str | None = None
    country: str | None = None
    attributes: Mapping[str, Any] = field(default_factory=dict)
    status: str = "active"
    #: The organisation this one was merged into (status ``merged``).
    merged_into_id: int | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-friendly dictionary."""
        result: dict[str, Any] = _jsonable(asdict(self))
        return result


@dataclass(frozen=True)
class Contact:
    """A person (customer or prospect) with their contact points."""

    id: int
    civility: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    birth_date: date | None = None
    gender: str | None = None
    language: str | None = None
    job_title: str | None = None
    pcs: str | None = None
    organisation_id: int | None = None
    organisation_name: str | None = None
    lifecycle_stage: str | None = None
    status: str = "active"
    merged_into_id: int | None = None
    customer_since: date | None = None
    loyalty_id: str | None = None
    has_iban: bool = False
    interests: tuple[str, ...] = ()
    equipment: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    attributes: Mapping[str, Any] = field(default_factory=dict)
    first_seen: datetime | None = None
    last_activity: datetime | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    points: tuple[ContactPoint, ...] = ()

    @property
    def name(self) -> str:
        """First and last name as one string."""
        return " ".join(p for p in (self.first_name, self.last_name) if p)

    def points_of(self, kind: str) -> list[ContactPoint]:
        """Contact points of one kind, primary first."""
        return sorted(
            (p for p in self.points if p.kind == kind), key=lambda p: (not p.is_primary, p.id)
        )

    @property
    def emails(self) -> list[ContactPoint]:
        """Email points, primary first."""
        return self.points_of("email")

    @property
    def phones(self) -> list[ContactPoint]:
        """Phone points, primary first."""
        return self.points_of("phone")

    @property
    def addresses(self) -> list[ContactPoint]:
        """Postal addresses, primary first."""
        return self.points_of("address")

    @property
    def email(self) -> str | None:
        """The primary email's normalised value (or raw when it has none)."""
        first = self.emails[:1]
        return first[0].display if first else None

    @property
    def phone(self) -> str | None:
        """The primary phone in E.164 (or raw when invalid)."""
        first = self.phones[:1]
        return first[0].display if first else None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-friendly dictionary with the contact points nested."""
        result: dict[str, Any] = _jsonable(asdict(self))
        return result


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a listing.

    Attributes:
        items: the records of this page.
        total: how many records match the filters in all.
        limit: the page size asked for.
        offset: how many matching records come before this page.
    """

    items: Sequence[T]
    total: int
    limit: int
    offset: int

    @property
    def has_more(self) -> bool:
        """True when another page follows."""
        return self.offset + len(self.items) < self.total


@dataclass(frozen=True)
class OrderLine:
    """One line of an order."""

    sku: str | None
    quantity: int
    unit_price: Decimal
    product_name: str | None = None

    @property
    def amount(self) -> Decimal:
        """Quantity times unit price."""
        return self.unit_price * self.quantity


@dataclass(frozen=True)
class Order:
    """A purchase with its lines."""

    id: int
    contact_id: int
    source: str
    external_ref: str | None
    ordered_at: datetime
    status: str
    total_amount: Decimal
    currency: str
    lines: tuple[OrderLine, ...] = ()


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value
