"""Merges and unmerges on the store: golden record, nothing lost, exact undo (both databases)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
import sqlalchemy as sa

from carnet import Carnet
from carnet.errors import InvalidValueError, NotFoundError
from carnet.store import schema as s

from .helpers import contact_state

T0 = datetime(2023, 1, 10, 9, 0, tzinfo=UTC)
T1 = datetime(2024, 6, 1, 9, 0, tzinfo=UTC)


def _add_role(ws: Carnet, contact_id: int, organisation_id: int, role: str) -> None:
    with ws.engine.begin() as conn:
        conn.execute(
            s.contact_roles.insert().values(
                contact_id=contact_id, organisation_id=organisation_id, role=role, created_at=T0
            )
        )


@pytest.fixture
def twins(carnet: Carnet) -> tuple[int, int, int]:
    """Three records of Jean-Pierre Martin, each with its own points, activity and consent."""
    a = carnet.add_contact(
        {
            "first_name": "J.",
            "last_name": "Martin",
            "email": "jp.martin@gmail.com",
            "phone": "01 42 68 53 00",
            "address_line1": "12 rue de la Paix",
            "postcode": "75002",
            "city": "Paris",
            "interests": ["vélo"],
        },
        source="shop",
    ).id
    b = carnet.add_contact(
        {
            "first_name": "Jean-Pierre",
            "last_name": "Martin",
            "email": "JP.Martin@gmail.com",
            "mobile": "06 12 34 56 78",
            "birth_date": "1975-03-14",
            "job_title": "Acheteur",
            "organisation_name": "Boulangerie Martin",
            "interests": ["randonnée", "vélo"],
        },
        source="crm",
    ).id
    c = carnet.add_contact(
        {
            "first_name": "Jean-Pierre",
            "last_name": "MARTIN",
            "email": "jeanpierre.martin@orange.fr",
            "birth_date": "1975-03-14",
        },
        source="event",
    ).id
    carnet.record_event(b, "email_open", occurred_at=T0)
    carnet.record_event(c, "event_registration", occurred_at=T1, properties={"event": "Salon"})
    carnet.record_order(b, [{"sku": "A1", "quantity": 2, "unit_price": "9.90"}], ordered_at=T0)
    carnet.grant_consent(a, "newsletter", "email", occurred_at=T0)
    carnet.withdraw_consent(c, "newsletter", "email", occurred_at=T1)
    carnet.grant_consent(b, "offers", "sms", occurred_at=T0)
    org = carnet.get_contact(b).organisation_id
    assert org is not None
    _add_role(carnet, b, org, "buyer")
    return a, b, c


def test_merge_builds_the_golden_record_and_keeps_everything(
    carnet: Carnet, twins: tuple[int, int, int]
) -> None:
    a, b, c = twins
    result = carnet.merge_contacts(a, [b, c], reason="same person")
    survivor = carnet.get_contact(a)
    # The fullest first name, the birth date most agree on, the only job title.
    assert survivor.first_name == "Jean-Pierre"
    assert survivor.last_name == "Martin"
    assert str(survivor.birth_date) == "1975-03-14"
    assert survivor.job_title == "Acheteur"
    assert survivor.organisation_id == carnet.get_contact(b).organisation_id
    assert set(survivor.interests) == {"vélo", "randonnée"}
    # The same address twice is kept once; every other point moved.
    emails = sorted(p.normalised for p in survivor.emails)
    assert emails == ["jeanpierre.martin@orange.fr", "jp.martin@gmail.com"]
    assert {p.kind for p in survivor.points} == {"email", "phone", "address"}
    assert len(survivor.phones) == 2
    assert result.points_deduplicated == 1
    # Activity and roles follow the survivor.
    assert {e["type"] for e in carnet.list_events(a)} == {"email_open", "event_registration"}
    assert len(carnet.list_orders(a)) == 1
    with carnet.engine.connect() as conn:
        roles = conn.execute(sa.select(s.contact_roles.c.contact_id)).scalars().all()
    assert roles == [a]
    # The merged records stay, pointing at the survivor.
    for merged in (b, c):
        row = carnet.get_contact(merged)
        assert (row.status, row.merged_into_id) == ("merged", a)
    # Consent: the latest expression per purpose and channel wins; the ledger still verifies.
    assert not carnet.may_contact(a, "newsletter", "email").allowed
    assert carnet.may_contact(a, "offers", "sms").allowed
    assert carnet.verify_consent_ledger().ok
    assert carnet.rebuild_consent_state().consistent
    history = [h.field for h in carnet.history(a)]
    assert "merge" in history and "first_name" in history
    assert [m.id for m in carnet.list_merges()] == [result.merge_id]


def test_unmerge_restores_the_contacts_exactly(carnet: Carnet, twins: tuple[int, int, int]) -> None:
    a, b, c = twins
    before = contact_state(carnet, [a, b, c])
    merge = carnet.merge_contacts(a, [b, c])
    assert contact_state(carnet, [a, b, c]) != before
    undone = carnet.unmerge(merge.merge_id)
    assert undone.kept_fields == ()
    assert contact_state(carnet, [a, b, c]) == before
    assert carnet.may_contact(a, "newsletter", "email").allowed
    assert not carnet.may_contact(a, "offers", "sms").allowed
    assert carnet.verify_consent_ledger().ok
    assert carnet.rebuild_consent_state().consistent
    with pytest.raises(InvalidValueError, match="already undone"):
        carnet.unmerge(merge.merge_id)


def test_an_edit_after_the_merge_survives_the_unmerge(
    carnet: Carnet, twins: tuple[int, int, int]
) -> None:
    a, b, _c = twins
    merge = carnet.merge_contacts(a, [b])
    carnet.update_contact(a, {"job_title": "Directeur achats"}, source="manual")
    undone = carnet.unmerge(merge.merge_id)
    assert undone.kept_fields == ("job_title",)
    assert carnet.get_contact(a).job_title == "Directeur achats"
    assert carnet.get_contact(a).first_name == "J."


def test_nested_merges_undo_in_order(carnet: Carnet, twins: tuple[int, int, int]) -> None:
    a, b, c = twins
    before = contact_state(carnet, [a, b, c])
    first = carnet.merge_contacts(b, [c])
    second = carnet.merge_contacts(a, [b])
    with pytest.raises(InvalidValueError, match=f"undo merge {second.merge_id} first"):
        carnet.unmerge(first.merge_id)
    carnet.unmerge(second.merge_id)
    carnet.unmerge(first.merge_id)
    assert contact_state(carnet, [a, b, c]) == before


def test_merge_refuses_what_makes_no_sense(carnet: Carnet, twins: tuple[int, int, int]) -> None:
    a, b, _c = twins
    with pytest.raises(InvalidValueError, match="into itself"):
        carnet.merge_contacts(a, [a])
    with pytest.raises(NotFoundError):
        carnet.merge_contacts(a, [99_999])
    carnet.merge_contacts(a, [b])
    with pytest.raises(InvalidValueError, match=f"merged into {a}"):
        carnet.merge_contacts(b, [a])
    with pytest.raises(NotFoundError):
        carnet.unmerge(12_345)


def test_survivorship_rules_come_from_the_config(
    carnet: Carnet, twins: tuple[int, int, int]
) -> None:
    a, b, _c = twins
    extra: dict[str, Any] = {**carnet.settings.extra, "survivorship": {"first_name": "survivor"}}
    object.__setattr__(carnet.settings, "extra", extra)
    carnet.merge_contacts(a, [b])
    assert carnet.get_contact(a).first_name == "J."


def test_an_older_merge_waits_for_a_later_one_that_builds_on_it(
    carnet: Carnet, twins: tuple[int, int, int]
) -> None:
    a, _b, c = twins
    d = carnet.add_contact(
        {"last_name": "Martin", "email": "jeanpierre.martin@orange.fr"}, source="newsletter"
    ).id
    before = contact_state(carnet, [a, c, d])
    first = carnet.merge_contacts(a, [c])
    # d's copy of the orange.fr address is dropped: the one c brought holds it.
    second = carnet.merge_contacts(a, [d])
    with pytest.raises(InvalidValueError, match=f"undo merge {second.merge_id} first"):
        carnet.unmerge(first.merge_id)
    carnet.unmerge(second.merge_id)
    carnet.unmerge(first.merge_id)
    assert contact_state(carnet, [a, c, d]) == before


def test_an_independent_later_merge_does_not_block_an_undo(
    carnet: Carnet, twins: tuple[int, int, int]
) -> None:
    a, b, _c = twins
    e = carnet.add_contact(
        {"last_name": "Martin", "mobile": "07 81 22 33 44"}, source="newsletter"
    ).id
    first = carnet.merge_contacts(a, [b])
    carnet.merge_contacts(a, [e])
    carnet.unmerge(first.merge_id)
    assert carnet.get_contact(b).status == "active"
    assert carnet.get_contact(e).merged_into_id == a
    assert "+33781223344" in {p.normalised for p in carnet.get_contact(a).phones}


def _mark_deceased(ws: Carnet, contact_id: int) -> None:
    with ws.engine.begin() as conn:
        conn.execute(
            s.contacts.update().where(s.contacts.c.id == contact_id).values(status="deceased")
        )


def test_a_death_is_not_undone_by_a_livelier_duplicate(
    carnet: Carnet, twins: tuple[int, int, int]
) -> None:
    a, _b, c = twins
    _mark_deceased(carnet, c)
    before = contact_state(carnet, [a, c])
    merge = carnet.merge_contacts(a, [c])
    assert "status" in merge.changed_fields
    assert carnet.get_contact(a).status == "deceased"
    status = next(e for e in carnet.history(a) if e.field == "status")
    assert (status.old_value, status.new_value) == ("active", "deceased")
    assert not carnet.may_contact(a, "newsletter", "email").allowed
    # unmerge gives each side its own status back
    carnet.unmerge(merge.merge_id)
    assert contact_state(carnet, [a, c]) == before
    assert (carnet.get_contact(a).status, carnet.get_contact(c).status) == ("active", "deceased")


def test_a_deceased_survivor_stays_deceased(carnet: Carnet, twins: tuple[int, int, int]) -> None:
    a, b, _c = twins
    _mark_deceased(carnet, a)
    merge = carnet.merge_contacts(a, [b])
    assert "status" not in merge.changed_fields
    assert carnet.get_contact(a).status == "deceased"
    assert carnet.get_contact(b).status == "merged"
