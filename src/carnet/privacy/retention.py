"""Retention policies: who is kept, asked again, anonymised or deleted, and when.

Defaults follow the CNIL's guidance on direct marketing (référentiel « gestion
commerciale », 2019; délibération 2016-264):

- **prospects** (no order): 3 years after their last activity, ask again for
  consent (a re-consent request); without an answer within 60 days, **delete**.
- **customers** (at least one order, or ``customer_since``): 3 years after the end
  of the relationship (last order or last activity), ask again; without an answer
  within 60 days, **anonymise** (orders, amounts, postcode area and age band are
  kept for statistics; identity is removed).
- **behavioural events** (page views, opens, clicks): deleted after 25 months.

*Activity* is the latest of: behavioural and reaction events the person made
(not the messages sent to them), orders, and consents granted or confirmed;
when there is none, the date the contact was first seen.

A contact without a usable email (or whose email is suppressed) cannot be asked
again and goes straight to the final action, as does a deceased contact (never
asked anything): their data is kept no longer than a living customer's.

Configure in ``carnet.toml``::

    [carnet.retention]
    prospect_years = 3
    customer_years = 3
    reconsent = true
    grace_days = 60
    prospect_action = "delete"      # or "anonymise"
    customer_action = "anonymise"   # or "delete"
    behavioural_months = 25
    behavioural_events = ["page_view", "email_open", "email_click"]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from carnet.consent import suppression
from carnet.consent._util import as_utc, chunks
from carnet.consent.purposes import ALLOWING
from carnet.errors import ConfigError
from carnet.model import DECEASED, ON_FILE
from carnet.store import schema as s

#: Event types that are things done *to* the person, not activity of theirs.
SYSTEM_EVENTS: frozenset[str] = frozenset(
    {
        "reconsent_request", "email_sent", "sms_sent", "message_sent", "email_bounce",
        "hard_bounce", "soft_bounce", "complaint", "retention", "export", "letter_sent",
    }
)
RECONSENT_EVENT = "reconsent_request"
FINAL_ACTIONS = ("delete", "anonymise")
CUSTOMER_STAGES = frozenset({"customer", "repeat_customer", "lapsed", "former_customer"})


@dataclass(frozen=True)
class RetentionPolicy:
    """The retention rules of a workspace (see the module docstring)."""

    prospect_years: int = 3
    customer_years: int = 3
    reconsent: bool = True
    grace_days: int = 60
    prospect_action: str = "delete"
    customer_action: str = "anonymise"
    behavioural_months: int = 25
    behavioural_events: tuple[str, ...] = ("page_view", "email_open", "email_click")

    @classmethod
    def from_extra(cls, extra: Mapping[str, Any]) -> RetentionPolicy:
        """Read ``extra["retention"]``; every problem is reported at once.

        Raises:
            ConfigError: on unknown keys or bad values.
        """
        table = extra.get("retention") or {}
        if not isinstance(table, Mapping):
            raise ConfigError("[carnet.retention] must be a table.")
        problems: list[str] = []
        values: dict[str, Any] = {}
        known = cls.__dataclass_fields__
        for key, value in table.items():
            if key not in known:
                problems.append(f"unknown retention setting '{key}'")
                continue
            if key in ("prospect_action", "customer_action"):
                if value not in FINAL_ACTIONS:
                    problems.append(f"{key} must be 'delete' or 'anonymise'")
                    continue
                values[key] = value
            elif key == "reconsent":
                values[key] = bool(value)
            elif key == "behavioural_events":
                if isinstance(value, str) or not isinstance(value, Sequence):
                    problems.append("behavioural_events must be a list of event types")
                    continue
                values[key] = tuple(str(v) for v in value)
            else:
                try:
                    number = int(value)
                except (TypeError, ValueError):
                    problems.append(f"{key} must be a whole number")
                    continue
                if number < 0 or (key.endswith("_years") and number < 1):
                    problems.append(f"{key} must be positive")
                    continue
                values[key] = number
        if problems:
            raise ConfigError("Invalid retention policy: " + "; ".join(problems) + ".")
        return cls(**values)

    def period(self, customer: bool) -> int:
        """The inactivity period in years for a customer or a prospect."""
        return self.customer_years if customer else self.prospect_years

    def final_action(self, customer: bool) -> str:
        """What happens at the end for a customer or a prospect."""
        return self.customer_action if customer else self.prospect_action


@dataclass(frozen=True)
class PlanItem:
    """One contact due for an action."""

    contact_id: int
    kind: str
    last_activity: datetime
    due_since: datetime
    action: str
    reason: str

    def to_dict(self) -> dict[str, Any]:
        """A JSON-friendly dictionary."""
        return {
            "contact_id": self.contact_id,
            "kind": self.kind,
            "last_activity": self.last_activity.isoformat(),
            "due_since": self.due_since.isoformat(),
            "action": self.action,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class RetentionPlan:
    """Who is due and what will happen, with counts."""

    at: datetime
    policy: RetentionPolicy
    items: tuple[PlanItem, ...]
    waiting: int = 0
    events_to_delete: int = 0
    contacts_checked: int = 0
    counts: Mapping[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-friendly dictionary."""
        return {
            "at": self.at.isoformat(),
            "policy": {k: (list(v) if isinstance(v, tuple) else v)
                       for k, v in self.policy.__dict__.items()},
            "contacts_checked": self.contacts_checked,
            "counts": dict(self.counts),
            "awaiting_answer": self.waiting,
            "behavioural_events_to_delete": self.events_to_delete,
            "items": [i.to_dict() for i in self.items],
        }


def _years_before(at: datetime, years: int) -> datetime:
    try:
        return at.replace(year=at.year - years)
    except ValueError:  # 29 February
        return at.replace(year=at.year - years, day=28)


def _months_before(at: datetime, months: int) -> datetime:
    year, month = divmod(at.month - 1 - months, 12)
    try:
        return at.replace(year=at.year + year, month=month + 1)
    except ValueError:
        return at.replace(year=at.year + year, month=month + 1, day=28)


def make_plan(
    conn: Connection, policy: RetentionPolicy, *, at: datetime, secret: str
) -> RetentionPlan:
    """Work out who is due (read only).

    Args:
        conn: a connection.
        policy: the rules.
        at: the time to plan for (usually now).
        secret: workspace secret (to skip suppressed emails for re-consent).
    """
    c, ev, od, ce = s.contacts, s.events, s.orders, s.consent_events
    last_event = (
        sa.select(ev.c.contact_id, sa.func.max(ev.c.occurred_at).label("t"))
        .where(ev.c.type.not_in(SYSTEM_EVENTS))
        .group_by(ev.c.contact_id)
        .subquery()
    )
    last_order = (
        sa.select(od.c.contact_id, sa.func.max(od.c.ordered_at).label("t"),
                  sa.func.count().label("n"))
        .group_by(od.c.contact_id)
        .subquery()
    )
    last_consent = (
        sa.select(ce.c.contact_id, sa.func.max(ce.c.occurred_at).label("t"))
        .where(ce.c.action.in_(ALLOWING), ce.c.contact_id.is_not(None))
        .group_by(ce.c.contact_id)
        .subquery()
    )
    last_request = (
        sa.select(ev.c.contact_id, sa.func.max(ev.c.occurred_at).label("t"))
        .where(ev.c.type == RECONSENT_EVENT)
        .group_by(ev.c.contact_id)
        .subquery()
    )
    query = (
        sa.select(
            c.c.id, c.c.status, c.c.first_seen, c.c.customer_since, c.c.lifecycle_stage,
            last_event.c.t.label("event_t"), last_order.c.t.label("order_t"),
            last_order.c.n.label("orders"), last_consent.c.t.label("consent_t"),
            last_request.c.t.label("request_t"),
        )
        .select_from(
            c.outerjoin(last_event, last_event.c.contact_id == c.c.id)
            .outerjoin(last_order, last_order.c.contact_id == c.c.id)
            .outerjoin(last_consent, last_consent.c.contact_id == c.c.id)
            .outerjoin(last_request, last_request.c.contact_id == c.c.id)
        )
        .where(c.c.status.in_(ON_FILE))
        .order_by(c.c.id)
    )
    due: list[tuple[int, bool, datetime, datetime, datetime | None]] = []
    deceased: set[int] = set()
    checked = 0
    for r in conn.execute(query.execution_options(yield_per=5000)):
        checked += 1
        customer = bool(r.orders) or r.customer_since is not None or (
            r.lifecycle_stage in CUSTOMER_STAGES
        )
        times = [as_utc(x) for x in (r.event_t, r.order_t, r.consent_t) if x is not None]
        activity = max((x for x in times if x is not None), default=None) or as_utc(r.first_seen)
        assert activity is not None
        limit = _years_before(at, policy.period(customer))
        if activity <= limit:
            due_since = _years_before(activity, -policy.period(customer))
            request = as_utc(r.request_t)
            due.append((int(r.id), customer, activity, due_since,
                        request if request and request > activity else None))
            if r.status == DECEASED:
                deceased.add(int(r.id))
    reachable = _reachable(conn, [d[0] for d in due], secret) if policy.reconsent else set()
    items: list[PlanItem] = []
    waiting = 0
    for cid, customer, activity, due_since, request in due:
        kind = "customer" if customer else "prospect"
        years = policy.period(customer)
        final = policy.final_action(customer)
        inactive = f"no activity since {activity.date().isoformat()} ({years} years or more)"
        if cid in deceased:
            items.append(PlanItem(cid, kind, activity, due_since, final,
                                  f"{inactive}; deceased, never asked again"))
        elif policy.reconsent and request is None and cid in reachable:
            items.append(PlanItem(cid, kind, activity, due_since, "reconsent",
                                  f"{inactive}; ask again for consent"))
        elif policy.reconsent and request is not None:
            deadline = request + timedelta(days=policy.grace_days)
            if deadline > at:
                waiting += 1
                continue
            items.append(PlanItem(cid, kind, activity, deadline, final,
                                  f"{inactive}; no answer to the re-consent request of "
                                  f"{request.date().isoformat()}"))
        else:
            why = "" if not policy.reconsent else "; no usable email to ask again"
            items.append(PlanItem(cid, kind, activity, due_since, final, f"{inactive}{why}"))
    events_to_delete = 0
    if policy.behavioural_months and policy.behavioural_events:
        events_to_delete = int(
            conn.execute(
                sa.select(sa.func.count()).select_from(ev).where(
                    ev.c.type.in_(policy.behavioural_events),
                    ev.c.occurred_at < _months_before(at, policy.behavioural_months),
                )
            ).scalar_one()
        )
    counts: dict[str, int] = {"reconsent": 0, "anonymise": 0, "delete": 0}
    for item in items:
        counts[item.action] = counts.get(item.action, 0) + 1
    return RetentionPlan(at, policy, tuple(items), waiting, events_to_delete, checked, counts)


def _reachable(conn: Connection, ids: list[int], secret: str) -> set[int]:
    """Contacts with a usable, unsuppressed email (who can be asked again)."""
    cp = s.contact_points
    emails: dict[str, set[int]] = {}
    for batch in chunks(ids):
        for r in conn.execute(
            sa.select(cp.c.contact_id, cp.c.normalised).where(
                cp.c.contact_id.in_(batch), cp.c.kind == "email",
                cp.c.verdict.in_(("valid", "warning")), cp.c.normalised.is_not(None),
            )
        ):
            emails.setdefault(r.normalised, set()).add(int(r.contact_id))
    blocked = suppression.suppressed_values(conn, "email", list(emails), secret)
    return {cid for value, owners in emails.items() if value not in blocked for cid in owners}


def delete_old_behaviour(conn: Connection, policy: RetentionPolicy, at: datetime) -> int:
    """Delete behavioural events older than the policy allows; returns how many."""
    if not policy.behavioural_months or not policy.behavioural_events:
        return 0
    ev = s.events
    result = conn.execute(
        ev.delete().where(
            ev.c.type.in_(policy.behavioural_events),
            ev.c.occurred_at < _months_before(at, policy.behavioural_months),
        )
    )
    return max(result.rowcount, 0)


__all__ = [
    "FINAL_ACTIONS",
    "RECONSENT_EVENT",
    "SYSTEM_EVENTS",
    "PlanItem",
    "RetentionPlan",
    "RetentionPolicy",
    "delete_old_behaviour",
    "make_plan",
]
