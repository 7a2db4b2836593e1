"""Erasure and anonymisation leave no personal value anywhere in the database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from carnet.consent.ledger import ConsentEventIn
from carnet.errors import NotFoundError
from carnet.store import schema as s
from carnet.workspace import Carnet

EMAIL = "Zephyrine.Quillebeuf@Laposte.net"
TWIN_EMAIL = "z.quillebeuf@orange.fr"
PHONE = "06 98 76 54 32"
IP = "198.51.100.23"
NEEDLES = [EMAIL, EMAIL.lower(), TWIN_EMAIL, PHONE, "+33698765432", "Zéphyrine", "Quillebeuf",
           "Lilas", IP, "Firefox/128.0-zq"]


def _person(ws: Carnet) -> int:
    """A contact with values in every table that can hold them."""
    cid = ws.add_contact({
        "civility": "Mme", "first_name": "Zéphyrine", "last_name": "Quillebeuf",
        "email": EMAIL, "mobile": PHONE, "birth_date": "14/07/1975",
        "address_line1": "3 rue des Lilas", "postcode": "69003", "city": "Lyon",
        "external_id": "CRM-77",
    }, source="salon-2024.csv").id
    ws.update_contact(cid, {"job_title": "Fleuriste", "last_name": "Quillebeuf-Martin"},
                      reason="call with Zéphyrine")
    ws.update_contact(cid, {"last_name": "Quillebeuf"})
    ws.record_event(cid, "survey_answer", properties={"email": EMAIL, "ip": IP, "answer": "oui"})
    ws.record_event(cid, "page_view", properties={"user_agent": "Firefox/128.0-zq"})
    ws.record_order(cid, [{"sku": "ROSE-1", "quantity": 2, "unit_price": "12.50"}],
                    external_ref="CMD-Quillebeuf-1")
    ws.record_consent([
        ConsentEventIn(cid, "newsletter", "email", "requested", "consent", datetime.now(UTC),
                       {"via": "sign-up form", "email": EMAIL, "ip": IP,
                        "user_agent": "Firefox/128.0-zq"}),
        ConsentEventIn(cid, "newsletter", "email", "confirmed", "consent", datetime.now(UTC),
                       {"via": "double opt-in link", "ip": IP}),
        ConsentEventIn(cid, "offers", "sms", "granted", "consent", datetime.now(UTC),
                       {"via": "import", "source_file": "salon-2024.csv", "row": 2}),
    ])
    twin = ws.add_contact({"first_name": "Zephyrine", "last_name": "Quillebeuf",
                           "email": TWIN_EMAIL}).id
    now = datetime.now(UTC)
    with ws.engine.begin() as conn:
        source_id = conn.execute(sa.select(s.sources.c.id)).scalars().first()
        result = conn.execute(s.imports.insert().values(
            source_id=source_id, file_name="salon-2024.csv", fingerprint="f" * 64, mapping={},
            options={}, status="completed", counts={}, started_at=now,
        ))
        import_id = result.inserted_primary_key[0]  # type: ignore[index]
        conn.execute(s.import_rows.insert(), [
            {"import_id": import_id, "row_number": 2, "outcome": "inserted", "contact_id": cid,
             "reason": None, "raw": {"Nom": "QUILLEBEUF", "Prénom": "Zéphyrine", "Mail": EMAIL}},
            {"import_id": import_id, "row_number": 3, "outcome": "rejected", "contact_id": None,
             "reason": f"duplicate of {EMAIL.upper()}", "raw": {"Mail": EMAIL.upper(),
                                                                "Tel": PHONE}},
            {"import_id": import_id, "row_number": 4, "outcome": "inserted", "contact_id": None,
             "reason": None, "raw": {"Nom": "Martin", "Mail": "jeanne@exemple.fr"}},
        ])
        conn.execute(s.match_pairs.insert().values(
            contact_id_l=cid, contact_id_r=twin, match_weight=9.1, probability=0.99,
            explanation=[{"level": "name", "left": "Zéphyrine Quillebeuf"}], status="accepted",
            created_at=now,
        ))
        conn.execute(s.merges.insert().values(
            survivor_id=cid, merged_ids=[twin], snapshot={"contacts": [{"email": TWIN_EMAIL}]},
            reason="same person", decided_by="test", created_at=now,
        ))
        conn.execute(s.contacts.update().where(s.contacts.c.id == twin)
                     .values(status="merged", merged_into_id=cid))
    return cid


@pytest.fixture
def bystander(ws: Carnet) -> int:
    cid = ws.add_contact({"first_name": "Jeanne", "last_name": "Martin",
                          "email": "jeanne.martin@orange.fr"}).id
    ws.grant_consent(cid, "newsletter", "email")
    return cid


def test_erasure_leaves_nothing_but_suppression_hashes(ws: Carnet, bystander: int) -> None:
    cid = _person(ws)
    assert ws.find_personal_values(NEEDLES)  # the scan does find them before
    receipt = ws.erase_contact(cid, reason="request by letter")
    assert receipt.mode == "delete" and len(receipt.contact_ids) == 2
    assert receipt.counts["contacts"] == 2 and receipt.counts["consent_events_redacted"] >= 3
    assert ws.find_personal_values(NEEDLES) == []
    with pytest.raises(NotFoundError):
        ws.get_contact(cid)
    # What must survive: the suppression list, the bystander, a verifiable ledger, the receipt.
    assert ws.is_suppressed(EMAIL) is not None and ws.is_suppressed(TWIN_EMAIL) is not None
    assert ws.is_suppressed(PHONE) is not None
    assert ws.may_contact(bystander, "newsletter", "email")
    assert ws.get_contact(bystander).email == "jeanne.martin@orange.fr"
    report = ws.verify_consent_ledger()
    assert report.ok and report.redacted >= 3
    (entry,) = ws.audit_entries(action="erase")
    assert entry.details["receipt_id"] == receipt.receipt_id
    with ws.engine.connect() as conn:
        raw = conn.execute(sa.select(s.import_rows.c.raw).where(s.import_rows.c.row_number == 4)
                           ).scalar_one()
    assert raw == {"Nom": "Martin", "Mail": "jeanne@exemple.fr"}


def test_anonymisation_keeps_statistics_only(ws: Carnet, bystander: int) -> None:
    cid = _person(ws)
    receipt = ws.erase_contact(cid, keep_statistics=True)
    assert receipt.mode == "anonymise"
    assert ws.find_personal_values(NEEDLES) == []
    contact = ws.get_contact(cid)
    assert contact.status == "anonymised" and contact.name == "" and contact.points == ()
    assert contact.attributes["postcode_area"] == "69"
    assert contact.attributes["age_band"] in {"45-54", "55-64"}
    (order,) = ws.list_orders(cid)
    assert order.total_amount == Decimal("25.00") and order.external_ref is None
    assert [e["type"] for e in ws.list_events(cid)] == ["survey_answer", "page_view"]
    assert all(e["properties"] == {} for e in ws.list_events(cid))
    assert not ws.may_contact(cid, "newsletter", "email")
    assert ws.verify_consent_ledger().ok


def test_erasing_an_unknown_contact(ws: Carnet) -> None:
    with pytest.raises(NotFoundError, match="Contact 424242"):
        ws.erase_contact(424242)


def test_retention_deletion_and_anonymisation_leave_nothing(ws: Carnet) -> None:
    cid = _person(ws)
    later = datetime.now(UTC) + timedelta(days=4 * 365)
    result = ws.apply_retention(at=later)
    assert result.done["reconsent"] == 1  # first, ask again
    assert ws.find_personal_values(NEEDLES)
    result = ws.apply_retention(at=later + timedelta(days=61))
    assert result.done["anonymise"] == 1  # a customer: statistics stay
    assert ws.find_personal_values(NEEDLES) == []
    assert ws.get_contact(cid).status == "anonymised"
    assert ws.is_suppressed(EMAIL) is not None
    assert ws.verify_consent_ledger().ok
