"""may_contact: one rule, with its reason."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from carnet.consent.ledger import ConsentEventIn
from carnet.consent.rules import describe_event
from carnet.errors import InvalidValueError
from carnet.store import schema as s
from carnet.workspace import Carnet

T0 = datetime(2025, 3, 2, 10, 0, tzinfo=UTC)


def _add(ws: Carnet, email: str = "jeanne.martin@orange.fr", **more: str) -> int:
    return ws.add_contact({"first_name": "Jeanne", "last_name": "Martin", "email": email,
                           **more}).id


def test_no_event_means_no(ws: Carnet) -> None:
    cid = _add(ws)
    decision = ws.may_contact(cid, "newsletter", "email")
    assert not decision and decision.reason == "no consent recorded for newsletter by email"


def test_withdrawal_reason_names_the_link_and_campaign(ws: Carnet) -> None:
    cid = _add(ws)
    ws.grant_consent(cid, "offers", "email", via="sign-up form", occurred_at=T0 - timedelta(days=9))
    ws.withdraw_consent(cid, "offers", "email", via="unsubscribe link",
                        proof={"campaign_id": 12}, occurred_at=T0)
    decision = ws.may_contact(cid, "offers", "email")
    assert not decision.allowed
    assert decision.reason.startswith("withdrawn 2025-03-02 via unsubscribe link in campaign 12")
    assert decision.status == "withdrawn"


def test_requested_is_not_enough_confirmed_is(ws: Carnet) -> None:
    cid = _add(ws)
    ws.record_consent([ConsentEventIn(cid, "newsletter", "email", "requested", "consent", T0,
                                      {"via": "sign-up form", "form": "footer"})])
    decision = ws.may_contact(cid, "newsletter", "email")
    assert not decision and "awaiting double opt-in" in decision.reason
    ws.record_consent([ConsentEventIn(cid, "newsletter", "email", "confirmed", "consent",
                                      T0 + timedelta(minutes=5), {"via": "double opt-in link"})])
    decision = ws.may_contact(cid, "newsletter", "email")
    assert decision and decision.reason.startswith("confirmed 2025-03-02 via double opt-in link")


def test_purpose_and_channel_are_independent(ws: Carnet) -> None:
    cid = _add(ws, phone="06 12 34 56 78")
    ws.grant_consent(cid, "offers", "sms")
    assert ws.may_contact(cid, "offers", "sms")
    assert not ws.may_contact(cid, "offers", "email")
    assert not ws.may_contact(cid, "newsletter", "email")


def test_asking_about_the_past(ws: Carnet) -> None:
    cid = _add(ws)
    ws.grant_consent(cid, "newsletter", "email", occurred_at=T0)
    ws.withdraw_consent(cid, "newsletter", "email", occurred_at=T0 + timedelta(days=10))
    assert not ws.may_contact(cid, "newsletter", "email")
    assert ws.may_contact(cid, "newsletter", "email", at=T0 + timedelta(days=1))
    assert not ws.may_contact(cid, "newsletter", "email", at=T0 - timedelta(days=1))


def test_suppressed_email_says_no_whatever_the_ledger(ws: Carnet) -> None:
    cid = _add(ws, phone="06 12 34 56 78")
    for purpose, channel in (("newsletter", "email"), ("offers", "sms"), ("offers", "post")):
        ws.grant_consent(cid, purpose, channel)
    ws.record_bounce("jeanne.martin@orange.fr")
    decision = ws.may_contact(cid, "newsletter", "email")
    assert not decision and "email address suppressed (hard bounce)" in decision.reason
    # A bounce blocks the email only; a complaint blocks the person everywhere.
    assert ws.may_contact(cid, "offers", "sms")
    ws.record_bounce("jeanne.martin@orange.fr", complaint=True)  # already suppressed: stays
    ws.suppress("06 12 34 56 78", reason="complaint")
    assert not ws.may_contact(cid, "offers", "post")
    assert "phone number suppressed (complaint)" in ws.may_contact(cid, "offers", "sms").reason


def test_inactive_contacts_are_never_contacted(ws: Carnet) -> None:
    a, b = _add(ws), _add(ws, "autre@orange.fr")
    for cid in (a, b):
        ws.grant_consent(cid, "newsletter", "email")
    with ws.engine.begin() as conn:
        conn.execute(s.contacts.update().where(s.contacts.c.id == a)
                     .values(status="merged", merged_into_id=b))
    assert ws.may_contact(a, "newsletter", "email").reason == (
        f"contact merged into {b}; ask about that one"
    )
    assert ws.may_contact(b, "newsletter", "email")
    assert ws.may_contact(999_999, "newsletter", "email").reason == "contact 999999 does not exist"


def test_many_at_once_matches_one_by_one(ws: Carnet) -> None:
    ids = [_add(ws, f"p{i}@orange.fr") for i in range(6)]
    for cid in ids[::2]:
        ws.grant_consent(cid, "newsletter", "email")
    many = ws.may_contact_many(ids, "newsletter", "email")
    assert {cid: d.allowed for cid, d in many.items()} == {
        cid: ws.may_contact(cid, "newsletter", "email").allowed for cid in ids
    }
    assert [cid for cid, d in many.items() if d] == ids[::2]


def test_unknown_purpose_or_channel(ws: Carnet) -> None:
    cid = _add(ws)
    with pytest.raises(InvalidValueError, match="Purpose 'horoscope'"):
        ws.may_contact(cid, "horoscope", "email")
    with pytest.raises(InvalidValueError, match="Channel 'fax'"):
        ws.may_contact(cid, "newsletter", "fax")


def test_legitimate_interest_is_described() -> None:
    text = describe_event("granted", "legitimate_interest", T0, {"via": "order", "operator": "x"})
    assert text == "granted 2025-03-02 on legitimate interest via order by x"


def test_erased_then_reimported_address_stays_blocked(ws: Carnet) -> None:
    cid = _add(ws)
    ws.grant_consent(cid, "newsletter", "email")
    ws.erase_contact(cid)
    again = _add(ws)  # same email comes back through an import
    ws.grant_consent(again, "newsletter", "email", via="import")
    decision = ws.may_contact(again, "newsletter", "email")
    assert not decision and "suppressed (erased)" in decision.reason
    with ws.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(s.suppressions)
                            ).scalar_one() == 1


@pytest.mark.parametrize(
    ("purpose", "channel"),
    [("newsletter", "email"), ("offers", "email"), ("offers", "sms"), ("offers", "phone"),
     ("offers", "post"), ("partners", "email")],
)
def test_a_deceased_contact_is_never_contacted(ws: Carnet, purpose: str, channel: str) -> None:
    cid = _add(ws, phone="06 12 34 56 78")
    ws.grant_consent(cid, purpose, channel, occurred_at=T0)
    assert ws.may_contact(cid, purpose, channel).allowed
    with ws.engine.begin() as conn:
        conn.execute(s.contacts.update().where(s.contacts.c.id == cid).values(status="deceased"))
    decision = ws.may_contact(cid, purpose, channel)
    assert not decision.allowed
    assert decision.reason == (
        "contact is deceased: never contacted, on any channel, for any purpose"
    )
