"""The suppression list: keyed hashes, batched lookups, lifting by a confirmed opt-in."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from carnet.consent import suppression
from carnet.errors import ConfigError, InvalidValueError
from carnet.store import schema as s
from carnet.workspace import Carnet

T0 = datetime(2025, 3, 2, 10, 0, tzinfo=UTC)


def test_values_are_stored_as_keyed_hashes_only(ws: Carnet) -> None:
    with ws.engine.begin() as conn:
        assert suppression.suppress(conn, "email", "a@orange.fr", "unsubscribed", "k1")
        assert not suppression.suppress(conn, "email", " A@Orange.fr ", "complaint", "k1")
        rows = conn.execute(sa.select(s.suppressions)).mappings().all()
    assert len(rows) == 1 and rows[0]["reason"] == "unsubscribed"
    assert "orange" not in str(dict(rows[0]))
    assert rows[0]["key_hash"] == suppression.key_hash("email", "a@orange.fr", "k1")
    assert suppression.key_hash("email", "a@orange.fr", "k2") != rows[0]["key_hash"]


def test_batched_lookup(ws: Carnet) -> None:
    values = [f"person{i}@free.fr" for i in range(1200)]
    with ws.engine.begin() as conn:
        assert suppression.suppress_many(conn, "email", values[::3], "hard_bounce", "k") == 400
        found = suppression.suppressed_values(conn, "email", values, "k")
        phones = suppression.suppressed_values(conn, "phone", values, "k")
    assert found == set(values[::3]) and phones == set()


def test_lift_only_for_reopt_in_reasons(ws: Carnet) -> None:
    with ws.engine.begin() as conn:
        suppression.suppress(conn, "email", "a@free.fr", "unsubscribed", "k")
        suppression.suppress(conn, "email", "b@free.fr", "complaint", "k")
        assert suppression.lift(conn, "email", "a@free.fr", "k") is not None
        assert suppression.lift(conn, "email", "b@free.fr", "k") is None
        assert suppression.suppressed_values(conn, "email", ["a@free.fr", "b@free.fr"], "k") == {
            "b@free.fr"
        }


def test_errors(ws: Carnet) -> None:
    with ws.engine.begin() as conn:
        with pytest.raises(InvalidValueError, match="reason 'bored'"):
            suppression.suppress(conn, "email", "a@free.fr", "bored", "k")
        with pytest.raises(InvalidValueError, match="kind 'fax'"):
            suppression.suppress(conn, "fax", "123", "manual", "k")
        with pytest.raises(ConfigError, match="CARNET_SECRET_KEY"):
            suppression.suppress(conn, "email", "a@free.fr", "manual", "")
    with pytest.raises(InvalidValueError, match="not a usable"):
        ws.suppress("not an address at all", kind="email")


def test_workspace_normalises_raw_values(ws: Carnet) -> None:
    assert ws.suppress(" JP.Dupont@Gmail.com ", reason="unsubscribed")
    assert ws.is_suppressed("jp.dupont@gmail.com") is not None
    assert ws.suppress("06 12 34 56 78")
    assert ws.is_suppressed("+33 6 12 34 56 78") is not None
    assert ws.is_suppressed("07 00 00 00 00") is None


def test_entries_are_dated_when_they_took_effect(ws: Carnet) -> None:
    march = datetime(2024, 3, 5, 9, 30, tzinfo=UTC)
    with ws.engine.begin() as conn:
        new = suppression.suppress_dated(
            conn, "email",
            {"a@orange.fr": march, "A@Orange.fr": datetime(2024, 1, 2, tzinfo=UTC),
             "b@orange.fr": datetime(2099, 1, 1, tzinfo=UTC), "c@orange.fr": None},
            "unsubscribed", "k", "import 3: desinscrits.csv",
        )
        assert new == {"a@orange.fr", "A@Orange.fr", "b@orange.fr", "c@orange.fr"}
        assert suppression.suppress_dated(conn, "email", {"a@orange.fr": None}, "complaint",
                                          "k") == set()
        found = suppression.suppression_records(
            conn, "email", ["a@orange.fr", "b@orange.fr", "c@orange.fr"], "k"
        )
    # the same address twice: its earliest date; a date to come: now (else the entry
    # would block nothing until then); an entry keeps its first reason
    assert found["a@orange.fr"].created_at == datetime(2024, 1, 2, tzinfo=UTC)
    assert found["a@orange.fr"].reason == "unsubscribed"
    assert found["b@orange.fr"].created_at <= datetime.now(UTC)
    assert found["c@orange.fr"].source == "import 3: desinscrits.csv"


def test_a_withdrawal_suppresses_once_nothing_is_left_on_the_channel(ws: Carnet) -> None:
    cid = ws.add_contact({"first_name": "Jeanne", "email": "jeanne.martin@orange.fr",
                          "mobile": "06 12 34 56 78"}).id
    ws.grant_consent(cid, "newsletter", "email", occurred_at=T0)
    ws.grant_consent(cid, "offers", "email", occurred_at=T0)
    ws.grant_consent(cid, "offers", "phone", occurred_at=T0)
    ws.withdraw_consent(cid, "newsletter", "email")
    assert ws.is_suppressed("jeanne.martin@orange.fr") is None  # offers by e-mail stand
    ws.withdraw_consent(cid, "offers", "email")
    assert ws.is_suppressed("jeanne.martin@orange.fr") is not None
    # SMS closed, calls still allowed: a suppressed phone would block both
    ws.withdraw_consent(cid, None, "sms")
    assert ws.is_suppressed("06 12 34 56 78") is None


def test_only_a_confirmed_opt_in_after_a_withdrawal_keeps_the_channel_open(ws: Carnet) -> None:
    """A withdrawal recorded late (a letter received in March, typed in June) suppresses
    as it would have on its day: a plain grant since would not have lifted the entry,
    a confirmed double opt-in would have."""
    a = ws.add_contact({"first_name": "Anne", "email": "anne@orange.fr"}).id
    b = ws.add_contact({"first_name": "Bruno", "email": "bruno@orange.fr"}).id
    ws.grant_consent(a, "newsletter", "email", occurred_at=T0 + timedelta(days=30))
    ws.grant_consent(b, "newsletter", "email", occurred_at=T0 + timedelta(days=30),
                     confirmed=True)
    for cid in (a, b):
        ws.withdraw_consent(cid, None, "email", occurred_at=T0)
    anne = ws.is_suppressed("anne@orange.fr")
    assert anne is not None and anne.created_at == T0
    assert ws.is_suppressed("bruno@orange.fr") is None
    assert ws.may_contact(b, "newsletter", "email")


def test_a_complaint_is_no_bounce(ws: Carnet) -> None:
    cid = ws.add_contact({"first_name": "Jeanne", "email": "jeanne.martin@orange.fr"}).id
    assert ws.record_bounce("jeanne.martin@orange.fr", complaint=True)
    assert ws.get_contact(cid).emails[0].verdict != "bounced"
    other = ws.add_contact({"first_name": "Paul", "email": "paul@orange.fr"}).id
    assert ws.record_bounce("paul@orange.fr")
    assert ws.get_contact(other).emails[0].verdict == "bounced"
