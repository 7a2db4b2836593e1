"""The consent ledger: hash chain, tamper detection, materialised state, batches."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from hypothesis import given
from hypothesis import strategies as st

from carnet.consent import ledger
from carnet.consent._util import canonical_json, plain_json
from carnet.consent.ledger import ConsentEventIn, append_events
from carnet.errors import InvalidValueError, NotFoundError
from carnet.store import schema as s
from carnet.workspace import Carnet

T0 = datetime(2024, 1, 10, 9, 30, tzinfo=UTC)


def _event(contact_id: int | None, action: str = "granted", purpose: str = "newsletter",
           channel: str = "email", at: datetime = T0, **proof: object) -> ConsentEventIn:
    return ConsentEventIn(contact_id, purpose, channel, action, "consent", at,
                          {"via": "import", **proof})


def _letters(i: int) -> str:
    out = ""
    while True:
        i, r = divmod(i, 26)
        out += chr(97 + r)
        if not i:
            return out


def _contacts(ws: Carnet, n: int) -> list[int]:
    return [ws.add_contact({"last_name": f"Personne-{_letters(i)}"}).id for i in range(n)]


def test_append_chains_and_verifies(ws: Carnet) -> None:
    a, b = _contacts(ws, 2)
    with ws.engine.begin() as conn:
        ids = append_events(conn, [_event(a), _event(b, "withdrawn"), _event(None)])
    assert ids == sorted(ids) and len(ids) == 3
    with ws.engine.connect() as conn:
        rows = conn.execute(sa.select(s.consent_events).order_by(s.consent_events.c.id)).all()
    assert rows[0].prev_hash is None
    assert rows[1].prev_hash == rows[0].hash and rows[2].prev_hash == rows[1].hash
    report = ws.verify_consent_ledger()
    assert report.ok and report.events == 3 and report.head == rows[2].hash


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"action": "confirmed"}, "does not match its hash"),
        ({"purpose": "offers"}, "does not match its hash"),
        ({"occurred_at": T0 - timedelta(days=400)}, "does not match its hash"),
        ({"proof": {"via": "forged", "_contact": 1, "_nonce": "00"}}, "does not match its hash"),
        ({"legal_basis": "legitimate_interest"}, "does not match its hash"),
    ],
)
def test_tampering_with_an_event_is_found(
    ws: Carnet, change: dict[str, object], message: str
) -> None:
    (a,) = _contacts(ws, 1)
    with ws.engine.begin() as conn:
        ids = append_events(conn, [_event(a, "withdrawn"), _event(a, "withdrawn"),
                                   _event(a, "withdrawn")])
        if "proof" in change:
            change = {"proof": {**change["proof"], "_contact": a}}  # type: ignore[dict-item]
        conn.execute(s.consent_events.update().where(s.consent_events.c.id == ids[1])
                     .values(**change))
    report = ws.verify_consent_ledger()
    assert not report.ok
    assert report.first_bad_id == ids[1]
    assert message in report.problems[0]


def test_moving_consent_to_another_person_is_found(ws: Carnet) -> None:
    a, b = _contacts(ws, 2)
    with ws.engine.begin() as conn:
        (event_id,) = append_events(conn, [_event(a)])
        conn.execute(s.consent_events.update().where(s.consent_events.c.id == event_id)
                     .values(contact_id=b))
    report = ws.verify_consent_ledger()
    assert not report.ok and f"moved from contact {a} to contact {b}" in report.problems[0]


def test_deleting_or_inserting_an_event_is_found(ws: Carnet) -> None:
    (a,) = _contacts(ws, 1)
    with ws.engine.begin() as conn:
        ids = append_events(conn, [_event(a), _event(a, "withdrawn"), _event(a)])
        conn.execute(s.consent_events.delete().where(s.consent_events.c.id == ids[1]))
    report = ws.verify_consent_ledger()
    assert not report.ok and report.first_bad_id == ids[2]
    assert "removed or inserted" in report.problems[0]


def test_verify_strict_raises(ws: Carnet) -> None:
    (a,) = _contacts(ws, 1)
    with ws.engine.begin() as conn:
        (event_id,) = append_events(conn, [_event(a)])
        conn.execute(s.consent_events.update().where(s.consent_events.c.id == event_id)
                     .values(action="confirmed"))
    from carnet.consent.errors import LedgerIntegrityError

    with pytest.raises(LedgerIntegrityError, match="does not verify"):
        ws.verify_consent_ledger(strict=True)


def test_redaction_keeps_the_chain_valid_and_removes_personal_bits(ws: Carnet) -> None:
    (a,) = _contacts(ws, 1)
    with ws.engine.begin() as conn:
        append_events(conn, [_event(a, ip="192.0.2.44", user_agent="Firefox/128",
                                    source_file="salon.csv", row=7)])
        assert ledger.redact_proofs(conn, [a]) == 1
        assert ledger.redact_proofs(conn, [a]) == 0
        proof = conn.execute(sa.select(s.consent_events.c.proof)).scalar_one()
    assert "ip" not in proof and "user_agent" not in proof and "_nonce" not in proof
    assert proof["source_file"] == "salon.csv" and proof["row"] == 7
    report = ws.verify_consent_ledger()
    assert report.ok and report.redacted == 1


def test_state_follows_occurrence_time_not_insertion_order(ws: Carnet) -> None:
    (a,) = _contacts(ws, 1)
    with ws.engine.begin() as conn:
        append_events(conn, [_event(a, "withdrawn", at=T0)])
        # An older opt-in imported later does not override the newer withdrawal.
        append_events(conn, [_event(a, "granted", at=T0 - timedelta(days=30))])
        state = ledger.read_state(conn, [a])
    assert state[(a, "newsletter", "email")].status == "withdrawn"
    assert not ws.may_contact(a, "newsletter", "email")
    with ws.engine.begin() as conn:
        append_events(conn, [_event(a, "granted", at=T0 + timedelta(seconds=1))])
    assert ws.may_contact(a, "newsletter", "email")


def test_materialised_state_equals_the_ledger_and_rebuild_repairs_it(ws: Carnet) -> None:
    ids = _contacts(ws, 5)
    events = [
        _event(cid, action, purpose, channel, T0 + timedelta(hours=h))
        for h, (cid, action, purpose, channel) in enumerate(
            (cid, action, purpose, channel)
            for cid in ids
            for action in ("granted", "withdrawn", "confirmed")
            for purpose, channel in (("newsletter", "email"), ("offers", "sms"))
        )
    ]
    with ws.engine.begin() as conn:
        append_events(conn, events[::2])
        append_events(conn, events[1::2])
        assert ledger.read_state(conn) == ledger.compute_state(conn)
        conn.execute(s.consent_state.delete().where(s.consent_state.c.contact_id == ids[0]))
        conn.execute(s.consent_state.update().where(s.consent_state.c.contact_id == ids[1])
                     .values(status="granted"))
    report = ws.rebuild_consent_state()
    assert report.added == 2 and report.changed >= 1 and not report.consistent
    with ws.engine.connect() as conn:
        assert ledger.read_state(conn) == ledger.compute_state(conn)
    assert ws.rebuild_consent_state().consistent


def test_bad_events_are_refused(ws: Carnet) -> None:
    (a,) = _contacts(ws, 1)
    with ws.engine.begin() as conn:
        with pytest.raises(InvalidValueError, match="channel 'fax'"):
            append_events(conn, [_event(a, channel="fax")])
        with pytest.raises(InvalidValueError, match="action 'maybe'"):
            append_events(conn, [_event(a, action="maybe")])
        with pytest.raises(InvalidValueError, match="reserved"):
            append_events(conn, [_event(a, _contact=99)])
        with pytest.raises(NotFoundError, match="Contact 999999"):
            append_events(conn, [_event(999_999)])
    with pytest.raises(InvalidValueError, match="Purpose 'astrology'"):
        ws.record_consent([_event(a, purpose="astrology")])


def test_wordings_are_stored_once_and_referenced_by_hash(ws: Carnet) -> None:
    h1, text = ws.consent_wording("newsletter", "fr")
    h2, _ = ws.consent_wording("newsletter", "fr")
    h3, text_en = ws.consent_wording("newsletter", "en")
    assert h1 == h2 != h3 and "lettre d'information" in text and "newsletter" in text_en
    with ws.engine.connect() as conn:
        assert ledger.get_wording(conn, h1)["text"] == text  # type: ignore[index]
        assert conn.execute(sa.select(sa.func.count()).select_from(s.consent_wordings)
                            ).scalar_one() == 2


def test_twenty_thousand_events_in_one_call(ws: Carnet) -> None:
    ids = _contacts(ws, 50)
    events = [
        _event(ids[i % 50], ("granted", "withdrawn")[i % 3 == 0], at=T0 + timedelta(minutes=i),
               source_file="big.csv", row=i)
        for i in range(20_000)
    ]
    started = time.perf_counter()
    with ws.engine.begin() as conn:
        new = append_events(conn, events)
    assert len(new) == 20_000
    assert time.perf_counter() - started < 30
    with ws.engine.connect() as conn:
        assert ledger.read_state(conn) == ledger.compute_state(conn)
    assert ws.verify_consent_ledger().ok


def test_concurrent_appenders_keep_one_linear_chain(ws: Carnet) -> None:
    ids = _contacts(ws, 4)
    failures: list[BaseException] = []

    def work(cid: int) -> None:
        try:
            for i in range(10):
                with ws.engine.begin() as conn:
                    append_events(conn, [_event(cid, at=T0 + timedelta(seconds=i))] * 3)
        except BaseException as exc:  # pragma: no cover - reported below
            failures.append(exc)

    threads = [threading.Thread(target=work, args=(cid,)) for cid in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures
    report = ws.verify_consent_ledger()
    assert report.ok and report.events == 4 * 10 * 3


_JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text()
    | st.datetimes(timezones=st.just(UTC)) | st.decimals(allow_nan=False),
    lambda inner: st.lists(inner, max_size=3)
    | st.dictionaries(st.text(max_size=3), inner, max_size=3)
    | st.dictionaries(st.integers(), inner, max_size=3),
    max_leaves=6,
)


@given(st.dictionaries(st.text(max_size=8), _JSON_VALUES, max_size=6))
def test_a_proof_is_stored_and_digested_as_plain_json_says(proof: dict[str, Any]) -> None:
    """The shortcut for flat proofs stores and digests what the general path does."""
    stored, subject = ledger._stored_proof(proof)
    expected = plain_json(proof)
    assert canonical_json(stored) == canonical_json(expected)
    assert list(stored) == list(expected)
    assert subject == ledger.subject_digest(expected)
