"""A shipping phone or e-mail is the recipient's, who is not always the buyer.

Shop exports (WooCommerce's ``shipping_first_name``, ``shipping_last_name``,
``shipping_phone``; Shopify's "Shipping Name", "Shipping Phone") give the
shipping address's own name and number beside the buyer's billing columns. The
number is the buyer's when the parcel goes to the buyer: the shipping name is the
billing name, or is left empty. When it names someone else (a gift), the number is
that person's: it is kept on the row as a custom attribute, never made the buyer's.

The other way round, a payer's e-mail or phone kept apart from a member's own
columns (HelloAsso's "Email payeur") is the member's on the rows where the payer is
the member: who joined for themselves gave their address as the payer's only.

>>> from carnet.fields.catalog import default_catalog
>>> from carnet.ingest.mapping import build_mapping
>>> headers = ["billing_first_name", "billing_last_name", "billing_phone",
...            "shipping_first_name", "shipping_last_name", "shipping_phone"]
>>> [r.point for r in recipient_columns(build_mapping(headers, {}, default_catalog()),
...                                     default_catalog())]
['shipping_phone']
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from carnet.fields.catalog import Catalog, Field, Storage, fold_header
from carnet.ingest.mapping import ColumnMapping, payer_field, prefixed_field

__all__ = ["RecipientColumns", "payer_columns", "recipient_columns"]

#: Prefixes of a shipping address's columns (folded, as the mapping reads them).
_SHIPPING = frozenset({"shipping", "ship to", "livraison", "adresse de livraison",
                       "adresse livraison"})
_NAMES = ("first_name", "last_name", "full_name")


@dataclass(frozen=True)
class RecipientColumns:
    """A shipping phone or e-mail column, the shipping name columns beside it and the
    columns naming the row's own person (the buyer)."""

    point: str
    names: tuple[str, ...]
    person: tuple[str, ...]

    def recipient(self, raw: Mapping[str, Any]) -> str | None:
        """The name of the row's recipient when it is not the row's person, else None.

        The person's every word must be in the shipping name: "Claire Bonnet" ships
        to "Claire Bonnet" or "BONNET Claire", not to "Julie Bonnet".
        """
        shipped = " ".join(_cell(raw, h) for h in self.names).strip()
        if not shipped:
            return None
        person = _words(" ".join(_cell(raw, h) for h in self.person))
        return None if _words(shipped) <= person and person else shipped


def recipient_columns(mapping: ColumnMapping, catalog: Catalog) -> list[RecipientColumns]:
    """The shipping phones and e-mails of a file that also names its recipient."""
    person = tuple(
        p.header for p in mapping.columns if p.field is not None and p.field.name in _NAMES
    )
    names: dict[str, list[str]] = {}
    points: list[tuple[str, str]] = []
    for plan in mapping.columns:
        found = prefixed_field(plan.header, catalog)
        if found is None or found[0] not in _SHIPPING:
            continue
        prefix, field = found
        if field.name in _NAMES and plan.header not in person:
            names.setdefault(prefix, []).append(plan.header)
        elif (
            plan.field is not None
            and plan.field.storage in (Storage.PHONE, Storage.EMAIL)
        ):
            points.append((plan.header, prefix))
    return [
        RecipientColumns(header, tuple(names[prefix]), person)
        for header, prefix in points
        if prefix in names
    ]


def payer_columns(
    mapping: ColumnMapping, catalog: Catalog
) -> list[tuple[RecipientColumns, Field]]:
    """The payer's e-mails and phones kept apart from a person named on each row, with
    the field each names, and the payer's name columns to tell whether the payer is the
    person: HelloAsso's "Email payeur" beside "Nom payeur", "Prénom payeur" and the
    member's own "Nom adhérent", "Prénom adhérent".
    """
    person = tuple(
        p.header for p in mapping.columns if p.field is not None and p.field.name in _NAMES
    )
    names: list[str] = []
    points: list[tuple[str, Field]] = []
    for plan in mapping.columns:
        if plan.field is not None:
            continue
        field = payer_field(plan.header, catalog)
        if field is None:
            continue
        if field.name in _NAMES:
            names.append(plan.header)
        elif field.storage in (Storage.PHONE, Storage.EMAIL):
            points.append((plan.header, field))
    if not (person and names):
        return []
    return [(RecipientColumns(header, tuple(names), person), field) for header, field in points]


def _cell(raw: Mapping[str, Any], header: str) -> str:
    value = raw.get(header)
    return str(value).strip() if value is not None else ""


def _words(text: str) -> set[str]:
    return set(fold_header(text).split())
