"""Events, orders and products from imported rows."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from datetime import datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from carnet.fields.catalog import fold_header
from carnet.fields.currency import currency_code
from carnet.ingest.batch import BatchBase, Target, chunks, is_new, later, moment_key
from carnet.ingest.rows import RowRecord
from carnet.store import schema as s
from carnet.store.bulk import bulk_insert, execute_many, insert_returning_ids
from carnet.store.lookups import one_of


class ActivityWriter(BatchBase):
    """Writes the behavioural events and the orders of a batch."""

    def _write_events(self, targets: list[Target]) -> None:
        rows: list[dict[str, Any]] = []
        for target in targets:
            for record in target.records:
                if target.contact_id is not None and record.events:
                    rows.extend(self._events_of(record, target.contact_id))
        if not rows:
            return
        e = s.events
        present: set[tuple[int, str, str]] = set()
        contact_ids = sorted({r["contact_id"] for r in rows})
        for chunk in chunks(contact_ids):
            for r in self.conn.execute(
                sa.select(e.c.contact_id, e.c.type, e.c.properties).where(
                    one_of(self.conn, e.c.contact_id, chunk), e.c.source == self.source
                )
            ):
                row_key = (r.properties or {}).get("row_key")
                if row_key is not None:
                    present.add((int(r.contact_id), r.type, row_key))
        fresh = [
            event
            for event in rows
            if (event["contact_id"], event["type"], event["properties"]["row_key"]) not in present
        ]
        if fresh:
            bulk_insert(self.conn, e, fresh)
            latest: dict[int, datetime] = {}
            for event in fresh:
                known = latest.get(event["contact_id"])
                if known is None or later(event["occurred_at"], known):
                    latest[event["contact_id"]] = event["occurred_at"]
            self._touch_activity(latest)
            for target in targets:
                if target.contact_id in latest and not is_new(target):
                    target.changed = True

    def _events_of(self, record: RowRecord, contact_id: int) -> list[dict[str, Any]]:
        ev = record.events
        when = ev.get("activity_date") or self.now
        row_key = record.external_id or f"row{record.number}"
        base = {
            "contact_id": contact_id,
            "occurred_at": when,
            "source": self.source,
            "import_id": self.import_id,
        }
        out: list[dict[str, Any]] = []

        def add(kind: str, value: float | None = None, **props: Any) -> None:
            properties = {k: v for k, v in props.items() if v is not None}
            properties["row_key"] = f"{row_key}:{kind}"
            out.append({**base, "type": kind, "value": value, "properties": properties})

        if ev.get("nps") is not None:
            # a score out of 0-10 never gets here: the field's check refuses it (kept raw)
            add("nps", float(int(ev["nps"])), comment=ev.get("survey_comment"))
        elif ev.get("survey_comment"):
            add("survey_answer", comment=ev["survey_comment"])
        if ev.get("contest_entry"):
            add("contest_entry")
        if ev.get("event_name"):
            add("event_registration", event=ev["event_name"], attended=ev.get("event_attended"))
        if ev.get("call_note"):
            add("call_note", text=ev["call_note"])
        return out

    def _write_orders(self, targets: list[Target]) -> None:
        lines: list[tuple[Target, RowRecord]] = [
            (t, r) for t in targets for r in t.records if r.order and t.contact_id is not None
        ]
        # A shopping cart is no order: it brought in no money.
        carts = [(t, r) for t, r in lines if _is_cart(r)]
        if carts:
            self._write_carts(carts)
            lines = [(t, r) for t, r in lines if not _is_cart(r)]
        if not lines:
            return
        o, ol = s.orders, s.order_lines
        # Each line's order reference, worked out once (it may hash the row).
        refs = {id(record): _order_ref(record) for _, record in lines}
        orders = self._existing_orders(sorted(set(refs.values())))
        line_keys: set[tuple[int, str]] = set()
        for chunk in chunks(sorted(orders.values())):
            for r in self.conn.execute(
                sa.select(ol.c.order_id, ol.c.line_ref).where(
                    one_of(self.conn, ol.c.order_id, chunk)
                )
            ):
                line_keys.add((int(r.order_id), r.line_ref))
        products = self._write_products(lines)
        # What the file says of a whole order (status, currency, total), from the first of
        # its lines that says it: a shop writes them on the order's first line only.
        given: dict[str, dict[str, Any]] = defaultdict(dict)
        for _, record in lines:
            said = given[refs[id(record)]]
            for key, value in _order_values(record).items():
                said.setdefault(key, value)
        # New orders first, in one statement.
        new_orders: dict[str, dict[str, Any]] = {}
        for target, record in lines:
            ref = refs[id(record)]
            if ref not in orders and ref not in new_orders:
                new_orders[ref] = {
                    "contact_id": target.contact_id,
                    "source": self.source,
                    "external_ref": ref,
                    "ordered_at": record.order.get("order_date") or self.now,
                    "status": given[ref].get("status", "placed"),
                    "total_amount": given[ref].get("total_amount", Decimal(0)),
                    "currency": given[ref].get("currency", "EUR"),
                    "channel": None,
                    "is_renewal": False,
                    "import_id": self.import_id,
                }
        if new_orders:
            ids = insert_returning_ids(self.conn, o, list(new_orders.values()))
            orders.update(zip(new_orders, ids, strict=True))
        rows: list[dict[str, Any]] = []
        touched: set[int] = set()
        added: dict[int, Decimal] = defaultdict(Decimal)
        latest: dict[int, datetime] = {}
        for target, record in lines:
            assert target.contact_id is not None
            order = record.order
            order_id = orders[refs[id(record)]]
            line_ref = _line_ref(record)
            if (order_id, line_ref) in line_keys:
                continue
            when = order.get("order_date") or self.now
            quantity = int(order.get("quantity") or 1)
            unit_price = _unit_price(order)
            sku = str(order["sku"]) if order.get("sku") else None
            rows.append(
                {
                    "order_id": order_id,
                    "product_id": products.get(sku) if sku else None,
                    "sku": sku,
                    "product_name": order.get("product_name"),
                    "quantity": quantity,
                    "unit_price": unit_price,
                    "amount": Decimal(order["line_total"])
                    if order.get("line_total") is not None
                    else unit_price * quantity,
                    "returned_quantity": 0,
                    "line_ref": line_ref,
                }
            )
            line_keys.add((order_id, line_ref))
            touched.add(order_id)
            added[order_id] += rows[-1]["amount"]
            if not is_new(target):
                target.changed = True
            if target.contact_id not in latest or later(when, latest[target.contact_id]):
                latest[target.contact_id] = when
        if rows:
            bulk_insert(self.conn, ol, rows)
        self._update_orders(
            {orders[ref]: said for ref, said in given.items() if said}, touched, added
        )
        self._touch_activity(latest)

    def _update_orders(
        self, given: dict[int, dict[str, Any]], touched: set[int], added: dict[int, Decimal]
    ) -> None:
        """Orders take the status, currency and total the file gives (a re-import of a
        refunded order refunds it); an order without a given total is the sum of its
        lines, unless an earlier batch gave it one (the sum of its lines before this
        batch then differs from it)."""
        o, ol = s.orders, s.order_lines
        updates: dict[int, dict[str, Any]] = {oid: dict(said) for oid, said in given.items()}
        summed = sorted(oid for oid in touched if "total_amount" not in updates.get(oid, {}))
        for chunk in chunks(summed):
            for r in self.conn.execute(
                sa.select(o.c.id, o.c.total_amount, sa.func.coalesce(sa.func.sum(ol.c.amount), 0))
                .select_from(o.outerjoin(ol, ol.c.order_id == o.c.id))
                .where(one_of(self.conn, o.c.id, chunk))
                .group_by(o.c.id, o.c.total_amount)
            ):
                oid, stored, lines_sum = int(r[0]), _money(r[1]), _money(r[2])
                if stored == lines_sum - added[oid]:
                    updates.setdefault(oid, {})["total_amount"] = lines_sum
        by_columns: dict[tuple[str, ...], list[dict[str, Any]]] = defaultdict(list)
        for oid, values in updates.items():
            by_columns[tuple(sorted(values))].append(
                {"oid": oid, **{f"new_{k}": v for k, v in values.items()}}
            )
        for columns, params in by_columns.items():
            execute_many(
                self.conn,
                o.update()
                .where(o.c.id == sa.bindparam("oid"))
                .values({c: sa.bindparam(f"new_{c}") for c in columns}),
                params,
            )

    def _write_carts(self, carts: list[tuple[Target, RowRecord]]) -> None:
        """One cart per row (abandoned unless the row says it was not), once per source,
        contact, date and amount: a re-import adds none."""
        c = s.carts
        present: set[tuple[int, str, Decimal | None]] = set()
        contact_ids = sorted({t.contact_id for t, _ in carts if t.contact_id is not None})
        for chunk in chunks(contact_ids):
            for r in self.conn.execute(
                sa.select(c.c.contact_id, c.c.created_at, c.c.total_amount).where(
                    one_of(self.conn, c.c.contact_id, chunk), c.c.source == self.source
                )
            ):
                amount = None if r.total_amount is None else _money(r.total_amount)
                present.add((int(r.contact_id), moment_key(r.created_at), amount))
        rows: list[dict[str, Any]] = []
        latest: dict[int, datetime] = {}
        for target, record in carts:
            assert target.contact_id is not None
            order = record.order
            when = order.get("order_date") or self.now
            quantity = int(order.get("quantity") or 1)
            priced = order.get("line_total") is not None or order.get("unit_price") is not None
            line = {
                "sku": str(order["sku"]) if order.get("sku") else None,
                "product_name": order.get("product_name"),
                "quantity": order.get("quantity"),
                "unit_price": str(_unit_price(order)) if priced else None,
            }
            if order.get("cart_total") is not None:
                total: Decimal | None = _money(order["cart_total"])
            elif priced:
                total = _money(_unit_price(order) * quantity)
            else:
                total = None
            key = (target.contact_id, moment_key(when), total)
            if key in present:
                continue
            present.add(key)
            has_line = line["sku"] or line["product_name"]
            rows.append(
                {
                    "contact_id": target.contact_id,
                    "status": "converted" if order.get("cart_abandoned") is False else "abandoned",
                    "total_amount": total,
                    "lines": [{k: v for k, v in line.items() if v is not None}] if has_line else [],
                    "order_id": None,
                    "source": self.source,
                    "created_at": when,
                    "updated_at": self.now,
                }
            )
            if not is_new(target):
                target.changed = True
            if target.contact_id not in latest or later(when, latest[target.contact_id]):
                latest[target.contact_id] = when
        if rows:
            bulk_insert(self.conn, c, rows)
        self._touch_activity(latest)

    def _existing_orders(self, refs: list[str]) -> dict[str, int]:
        o = s.orders
        orders: dict[str, int] = {}
        for chunk in chunks(refs):
            for r in self.conn.execute(
                sa.select(o.c.external_ref, o.c.id).where(
                    o.c.source == self.source, one_of(self.conn, o.c.external_ref, chunk)
                )
            ):
                orders[r.external_ref] = int(r.id)
        return orders

    def _write_products(self, lines: list[tuple[Target, RowRecord]]) -> dict[str, int]:
        """Create unknown products and record each new price once; returns sku → id."""
        p, pp = s.products, s.product_prices
        seen: dict[str, dict[Decimal, datetime]] = defaultdict(dict)
        names: dict[str, Any] = {}
        for _, record in lines:
            order = record.order
            if not order.get("sku"):
                continue
            sku = str(order["sku"])
            names.setdefault(sku, order.get("product_name"))
            price = _unit_price(order)
            when = order.get("order_date") or self.now
            first = seen[sku].get(price)
            if first is None or later(first, when):
                seen[sku][price] = when
        ids: dict[str, int] = {}
        for chunk in chunks(sorted(seen)):
            for r in self.conn.execute(
                sa.select(p.c.sku, p.c.id).where(one_of(self.conn, p.c.sku, chunk))
            ):
                ids[r.sku] = int(r.id)
        new = [sku for sku in seen if sku not in ids]
        if new:
            rows: list[dict[str, Any]] = []
            for sku in new:
                latest_price = max(seen[sku].items(), key=lambda item: moment_key(item[1]))[0]
                rows.append(
                    {
                        "sku": sku,
                        "name": names.get(sku),
                        "category": None,
                        "price": latest_price,
                        "stock": None,
                        "attributes": {},
                        "created_at": self.now,
                        "updated_at": self.now,
                    }
                )
            ids.update(zip(new, insert_returning_ids(self.conn, p, rows), strict=True))
        known: dict[int, dict[Decimal, datetime]] = defaultdict(dict)
        for chunk in chunks(sorted(ids.values())):
            for price_row in self.conn.execute(
                sa.select(pp.c.product_id, pp.c.price, pp.c.valid_from).where(
                    one_of(self.conn, pp.c.product_id, chunk)
                )
            ):
                known[int(price_row.product_id)][Decimal(price_row.price)] = price_row.valid_from
        history = []
        latest: dict[int, tuple[str, Decimal]] = {}
        for sku, prices in seen.items():
            product_id = ids[sku]
            for price, when in prices.items():
                if price not in known[product_id]:
                    history.append(
                        {
                            "product_id": product_id,
                            "price": price,
                            "stock": None,
                            "valid_from": when,
                        }
                    )
                    known[product_id][price] = when
            newest = max(known[product_id].items(), key=lambda item: moment_key(item[1]))
            latest[product_id] = (moment_key(newest[1]), newest[0])
        if history:
            bulk_insert(self.conn, pp, history)
            self.conn.execute(
                p.update()
                .where(p.c.id == sa.bindparam("pid"))
                .values(price=sa.bindparam("new_price"), updated_at=self.now),
                [{"pid": pid, "new_price": price} for pid, (_, price) in latest.items()],
            )
        return ids


def _unit_price(order: dict[str, Any]) -> Decimal:
    """The line's unit price, or its total divided by its quantity."""
    if order.get("unit_price") is not None:
        return Decimal(order["unit_price"])
    quantity = int(order.get("quantity") or 1)
    if order.get("line_total") is not None and quantity:
        return (Decimal(order["line_total"]) / quantity).quantize(Decimal("0.01"))
    return Decimal(0)


def _order_ref(record: RowRecord) -> str:
    ref = record.order.get("order_ref")
    if ref:
        return str(ref)
    basis = f"{record.order.get('customer_ref')}|{record.order.get('order_date')}"
    return "auto:" + hashlib.sha1(basis.encode()).hexdigest()[:16]


def _line_ref(record: RowRecord) -> str:
    order = record.order
    basis = "|".join(
        str(order.get(k)) for k in ("sku", "product_name", "quantity", "unit_price", "line_total")
    )
    return f"{record.number}:" + hashlib.sha1(basis.encode()).hexdigest()[:12]


def _is_cart(record: RowRecord) -> bool:
    """True when the row is a shopping cart rather than an order line."""
    order = record.order
    return (
        order.get("cart_abandoned") is not None or order.get("cart_total") is not None
    ) and not order.get("order_ref")


def _money(value: Any) -> Decimal:
    return Decimal(str(value or 0)).quantize(Decimal("0.01"))


#: Order statuses: what shops write (folded, WooCommerce's "wc-" left off) → carnet's.
#: Cancelled, refunded, returned and abandoned orders bring in no money. A payment
#: "Validé" (HelloAsso, Weezevent, Yurplan) went through; a ticket "Attending" or
#: "Checked In" (Eventbrite) was paid for, "Not Attending" was cancelled; a partial
#: refund leaves the rest paid; a checkout draft was never finished.
ORDER_STATUSES: dict[str, str] = {
    **dict.fromkeys(("placed", "new", "nouvelle", "nouveau", "open", "ouverte", "received",
                     "recue", "enregistree", "commande passee", "passee"), "placed"),
    **dict.fromkeys(("pending", "en attente", "en attente de paiement", "on hold",
                     "awaiting payment", "pending payment", "unpaid", "non payee", "impayee",
                     "authorized", "autorisee", "en attente de virement bancaire",
                     "en attente du paiement par cheque", "en attente de paiement par cheque",
                     "partially paid", "en attente de paiement a la livraison",
                     "en attente de reapprovisionnement non paye", "holded", "payment review",
                     "partiellement payee", "partiellement paye", "a regler", "a payer"),
                    "pending"),
    **dict.fromkeys(("paid", "payee", "paye", "reglee", "regle", "paiement accepte",
                     "payment accepted", "paiement a distance accepte",
                     "remote payment accepted", "en attente de reapprovisionnement paye",
                     "processing", "en cours", "en cours de preparation",
                     "preparation en cours", "en preparation", "valide", "validee",
                     "attending", "checked in", "partially refunded",
                     "partiellement remboursee", "partiellement rembourse",
                     "remboursement partiel",
                     # card terminals and payment services: SumUp, Stripe, Lydia
                     "successful", "succeeded", "success", "reussie", "reussi",
                     "effectuee", "effectue", "acceptee"), "paid"),
    **dict.fromkeys(("shipped", "expediee", "expedie", "en cours de livraison", "livree",
                     "livre", "delivered", "fulfilled", "completed", "complete", "terminee",
                     "termine"), "shipped"),
    **dict.fromkeys(("returned", "retour", "retournee", "retourne", "retour produit"),
                    "returned"),
    **dict.fromkeys(("cancelled", "canceled", "annulee", "annule", "annulation", "voided",
                     "void", "failed", "echec", "echec de paiement", "erreur de paiement",
                     "payment error", "expired", "expiree", "echouee", "echoue", "refusee",
                     "refuse", "not attending", "declined"), "cancelled"),
    **dict.fromkeys(("refunded", "remboursee", "rembourse", "remboursement"), "refunded"),
    **dict.fromkeys(("abandoned", "abandonne", "abandonnee", "panier abandonne",
                     "checkout draft", "brouillon", "draft"), "abandoned"),
}


def order_status(text: str) -> str | None:
    """carnet's status of an order for what a shop wrote, or None when not understood.

    >>> order_status("wc-refunded"), order_status("Annulée"), order_status("voided")
    ('refunded', 'cancelled', 'cancelled')
    """
    folded = fold_header(text)
    if folded.startswith("wc "):
        folded = folded[3:]
    return ORDER_STATUSES.get(folded)


def _order_values(record: RowRecord) -> dict[str, Any]:
    """The order's own status, currency and total the row gives; a value not understood
    is noted on the row and left out."""
    order = record.order
    out: dict[str, Any] = {}
    if order.get("order_status"):
        status = order_status(str(order["order_status"]))
        if status is None:
            record.notes.append(
                f"order status '{order['order_status']}' not understood: the order keeps "
                "its status (placed when new)"
            )
        else:
            out["status"] = status
    if order.get("order_currency"):
        currency = currency_code(str(order["order_currency"]))
        if currency is None:
            record.notes.append(
                f"currency '{order['order_currency']}' not understood: the order keeps "
                "the default, EUR"
            )
        else:
            out["currency"] = currency
    if order.get("order_total") is not None:
        out["total_amount"] = Decimal(order["order_total"])
    if order.get("cart_abandoned") is True:
        # An order number on an abandoned cart: the order was never paid for.
        out["status"] = "abandoned"
    return out
