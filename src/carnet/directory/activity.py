"""Activity: behavioural events and orders with their products."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from carnet.directory.base import as_utc, insert_id, utcnow
from carnet.directory.contacts import ContactsMixin
from carnet.errors import InvalidValueError
from carnet.fields.values import check_decimal
from carnet.model import Order, OrderLine
from carnet.store import schema as s


class ActivityMixin(ContactsMixin):
    """Event and order methods of the workspace."""

    def record_event(
        self,
        contact_id: int,
        type: str,
        *,
        occurred_at: datetime | None = None,
        value: float | None = None,
        properties: Mapping[str, Any] | None = None,
        source: str = "manual",
    ) -> int:
        """Record a behavioural or reaction event (email open, NPS answer, call note ...).

        The contact's last activity moves forward when the event is newer.

        Returns:
            The event id.

        Raises:
            NotFoundError: when the contact does not exist.
            InvalidValueError: when ``type`` is empty.
        """
        if not type or not type.strip():
            raise InvalidValueError("An event needs a type, such as 'email_open' or 'nps'.")
        when = as_utc(occurred_at) or utcnow()
        with self.engine.begin() as conn:
            self._require_contact(conn, contact_id)
            event_id = insert_id(
                conn,
                s.events.insert().values(
                    contact_id=contact_id,
                    type=type.strip(),
                    occurred_at=when,
                    value=value,
                    properties=dict(properties or {}),
                    source=source,
                ),
            )
            self._touch_activity(conn, contact_id, when)
        return int(event_id)

    def list_events(self, contact_id: int, *, type: str | None = None) -> list[dict[str, Any]]:
        """A contact's events, oldest first, as dictionaries."""
        query = sa.select(s.events).where(s.events.c.contact_id == contact_id)
        if type:
            query = query.where(s.events.c.type == type)
        with self.engine.connect() as conn:
            return [
                {**r, "occurred_at": as_utc(r["occurred_at"])}
                for r in conn.execute(
                    query.order_by(s.events.c.occurred_at, s.events.c.id)
                ).mappings()
            ]

    def record_order(
        self,
        contact_id: int,
        lines: Sequence[OrderLine | Mapping[str, Any]],
        *,
        ordered_at: datetime | None = None,
        external_ref: str | None = None,
        source: str = "manual",
        status: str = "placed",
        currency: str = "EUR",
        channel: str | None = None,
    ) -> Order:
        """Record an order; products are created by SKU when new.

        Recording the same (source, external_ref) twice returns the existing order,
        so re-importing an order file changes nothing.

        Raises:
            NotFoundError: when the contact does not exist.
            InvalidValueError: when a line has no positive quantity or a negative price.
        """
        parsed = [_order_line(line) for line in lines]
        if not parsed:
            raise InvalidValueError("An order needs at least one line.")
        when = as_utc(ordered_at) or utcnow()
        total = sum((line.amount for line in parsed), Decimal(0))
        with self.engine.begin() as conn:
            self._require_contact(conn, contact_id)
            if external_ref is not None:
                existing = conn.execute(
                    sa.select(s.orders.c.id).where(
                        s.orders.c.source == source, s.orders.c.external_ref == external_ref
                    )
                ).scalar_one_or_none()
                if existing is not None:
                    return self._load_order(conn, int(existing))
            order_id = insert_id(
                conn,
                s.orders.insert().values(
                    contact_id=contact_id,
                    source=source,
                    external_ref=external_ref,
                    ordered_at=when,
                    status=status,
                    total_amount=total,
                    currency=currency,
                    channel=channel,
                ),
            )
            for line in parsed:
                product_id = self._product_id(conn, line, when) if line.sku else None
                conn.execute(
                    s.order_lines.insert().values(
                        order_id=order_id,
                        product_id=product_id,
                        sku=line.sku,
                        product_name=line.product_name,
                        quantity=line.quantity,
                        unit_price=line.unit_price,
                        amount=line.amount,
                    )
                )
            self._touch_activity(conn, contact_id, when)
            return self._load_order(conn, order_id)

    def list_orders(self, contact_id: int) -> list[Order]:
        """A contact's orders, oldest first."""
        with self.engine.connect() as conn:
            ids = conn.execute(
                sa.select(s.orders.c.id)
                .where(s.orders.c.contact_id == contact_id)
                .order_by(s.orders.c.ordered_at, s.orders.c.id)
            ).scalars()
            return [self._load_order(conn, int(i)) for i in ids]

    def _product_id(self, conn: Connection, line: OrderLine, when: datetime) -> int:
        found = conn.execute(
            sa.select(s.products.c.id, s.products.c.price).where(s.products.c.sku == line.sku)
        ).first()
        if found is not None:
            if found.price is not None and Decimal(found.price) != line.unit_price:
                conn.execute(
                    s.products.update()
                    .where(s.products.c.id == found.id)
                    .values(price=line.unit_price, updated_at=when)
                )
                conn.execute(
                    s.product_prices.insert().values(
                        product_id=found.id, price=line.unit_price, valid_from=when
                    )
                )
            return int(found.id)
        product_id = insert_id(
            conn,
            s.products.insert().values(
                sku=line.sku,
                name=line.product_name,
                price=line.unit_price,
                attributes={},
                created_at=when,
                updated_at=when,
            ),
        )
        conn.execute(
            s.product_prices.insert().values(
                product_id=product_id, price=line.unit_price, valid_from=when
            )
        )
        return product_id

    def _load_order(self, conn: Connection, order_id: int) -> Order:
        o = conn.execute(sa.select(s.orders).where(s.orders.c.id == order_id)).mappings().one()
        lines = tuple(
            OrderLine(
                sku=r["sku"],
                quantity=int(r["quantity"]),
                unit_price=Decimal(r["unit_price"]),
                product_name=r["product_name"],
            )
            for r in conn.execute(
                sa.select(s.order_lines)
                .where(s.order_lines.c.order_id == order_id)
                .order_by(s.order_lines.c.id)
            ).mappings()
        )
        return Order(
            id=o["id"],
            contact_id=o["contact_id"],
            source=o["source"],
            external_ref=o["external_ref"],
            ordered_at=as_utc(o["ordered_at"]) or utcnow(),
            status=o["status"],
            total_amount=Decimal(o["total_amount"]),
            currency=o["currency"],
            lines=lines,
        )


def _order_line(line: OrderLine | Mapping[str, Any]) -> OrderLine:
    if isinstance(line, OrderLine):
        parsed = line
    else:
        price = check_decimal(str(line.get("unit_price", "")))
        if not price.ok or price.normalised is None:
            raise InvalidValueError(f"Order line price '{line.get('unit_price')}' is not a number.")
        try:
            quantity = int(str(line.get("quantity", 1)))
        except ValueError as exc:
            raise InvalidValueError(
                f"Order line quantity '{line.get('quantity')}' is not a whole number."
            ) from exc
        sku = line.get("sku")
        parsed = OrderLine(
            sku=str(sku) if sku not in (None, "") else None,
            quantity=quantity,
            unit_price=Decimal(price.normalised),
            product_name=line.get("product_name"),
        )
    if parsed.quantity <= 0:
        raise InvalidValueError("Order line quantity must be positive.")
    if parsed.unit_price < 0:
        raise InvalidValueError("Order line price cannot be negative.")
    return parsed
