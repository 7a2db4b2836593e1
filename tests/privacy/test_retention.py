"""Retention: the plan (who, what, counts) and its application, logged."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from carnet.config import Settings
from carnet.errors import ConfigError
from carnet.privacy.retention import RetentionPolicy
from carnet.workspace import Carnet

NOW = datetime.now(UTC)
YEAR = timedelta(days=365)


def test_cnil_defaults() -> None:
    policy = RetentionPolicy.from_extra({})
    assert (policy.prospect_years, policy.customer_years) == (3, 3)
    assert (policy.prospect_action, policy.customer_action) == ("delete", "anonymise")
    assert policy.reconsent and policy.grace_days == 60 and policy.behavioural_months == 25


def test_configuration_problems_are_collected() -> None:
    with pytest.raises(ConfigError) as caught:
        RetentionPolicy.from_extra({"retention": {"prospect_years": 0, "customer_action": "burn",
                                                  "colour": "red"}})
    message = str(caught.value)
    assert "prospect_years must be positive" in message and "customer_action" in message
    assert "unknown retention setting 'colour'" in message
    custom = RetentionPolicy.from_extra({"retention": {"prospect_years": 2, "reconsent": False}})
    assert custom.prospect_years == 2 and not custom.reconsent


def test_plan_then_apply(ws: Carnet) -> None:
    active = ws.add_contact({"last_name": "Actif", "email": "actif@example.org"}).id
    ws.record_event(active, "email_click", occurred_at=NOW + 3 * YEAR)
    prospect = ws.add_contact({"last_name": "Ancien", "email": "ancien@example.org"}).id
    no_email = ws.add_contact({"last_name": "Papier"}).id
    customer = ws.add_contact({"last_name": "Moreau", "email": "client@example.org"}).id
    ws.record_order(customer, [{"sku": "A", "quantity": 1, "unit_price": "10"}],
                    ordered_at=NOW + 1 * YEAR)
    at = NOW + 3 * YEAR + timedelta(days=30)
    plan = ws.retention_plan(at)
    actions = {i.contact_id: i.action for i in plan.items}
    assert actions == {prospect: "reconsent", no_email: "delete"}
    assert plan.counts == {"reconsent": 1, "anonymise": 0, "delete": 1}
    assert "ask again" in next(i.reason for i in plan.items if i.contact_id == prospect)
    assert "no usable email" in next(i.reason for i in plan.items if i.contact_id == no_email)

    dry = ws.apply_retention(dry_run=True, at=at)
    assert dry.dry_run and not dry.done and ws.get_contact(no_email)

    done = ws.apply_retention(at=at)
    assert done.done["reconsent"] == 1 and done.done["delete"] == 1
    assert ws.count_contacts(filters={"id": no_email}) == 0
    waiting = ws.retention_plan(at + timedelta(days=10))
    assert waiting.waiting == 1 and prospect not in {i.contact_id for i in waiting.items}
    # The re-consent request is not activity of the person.
    final = ws.retention_plan(at + timedelta(days=61))
    assert {i.contact_id: i.action for i in final.items} == {prospect: "delete"}
    # A consent given in answer keeps them.
    ws.grant_consent(prospect, "newsletter", "email", via="re-consent",
                     occurred_at=at + timedelta(days=5))
    assert ws.retention_plan(at + timedelta(days=61)).items == ()
    # The customer's clock starts at the last order.
    later = ws.retention_plan(NOW + 4 * YEAR + timedelta(days=10))
    assert next(i for i in later.items if i.contact_id == customer).kind == "customer"
    assert any(e.action == "retention" for e in ws.audit_entries())


def test_old_behavioural_events_are_counted_and_deleted(ws: Carnet) -> None:
    cid = ws.add_contact({"last_name": "Lecteur", "email": "lecteur@example.org"}).id
    ws.record_event(cid, "email_open", occurred_at=NOW - 30 * timedelta(days=30))
    ws.record_event(cid, "email_open", occurred_at=NOW - timedelta(days=10))
    ws.record_event(cid, "nps", occurred_at=NOW - 30 * timedelta(days=30), value=9)
    assert ws.retention_plan().events_to_delete == 1
    assert ws.apply_retention().done["behavioural_events"] == 1
    assert [e["type"] for e in ws.list_events(cid)] == ["nps", "email_open"]


def test_policy_from_settings(carnet: object) -> None:
    settings = Settings(database_url="sqlite://", secret_key="k",
                        extra={"retention": {"customer_action": "delete"}})
    assert RetentionPolicy.from_extra(settings.extra).customer_action == "delete"


def test_a_deceased_contact_is_retired_never_asked_again(ws: Carnet) -> None:
    gone = ws.add_contact({"last_name": "Défunt", "email": "defunt@example.org"}).id
    alive = ws.add_contact({"last_name": "Vivant", "email": "vivant@example.org"}).id
    with ws.engine.begin() as conn:
        conn.execute(sa.text("UPDATE contacts SET status = 'deceased' WHERE id = :i"), {"i": gone})
    # kept while the period runs: nothing is erased because the person died
    assert ws.retention_plan(NOW + YEAR).items == ()
    plan = ws.retention_plan(NOW + 3 * YEAR + timedelta(days=30))
    actions = {i.contact_id: i.action for i in plan.items}
    assert actions == {alive: "reconsent", gone: "delete"}
    assert "deceased, never asked again" in next(
        i.reason for i in plan.items if i.contact_id == gone
    )
