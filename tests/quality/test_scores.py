"""Per-contact scores against hand-computed examples, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from carnet import Carnet
from carnet.consent import suppression
from carnet.consent.ledger import ConsentEventIn, append_events
from carnet.directory.base import utcnow
from carnet.quality.tables import quality_scores

B2C_TOTAL = 27.0  # sum of the B2C completeness weights in the catalog


def _row(ws: Carnet, contact_id: int) -> dict[str, object]:
    with ws.engine.connect() as conn:
        row = (
            conn.execute(sa.select(quality_scores).where(quality_scores.c.contact_id == contact_id))
            .mappings()
            .one()
        )
    return dict(row)


def test_hand_computed_complete_valid_fresh(ws: Carnet) -> None:
    c = ws.add_contact(
        {
            "first_name": "Jeanne",
            "last_name": "Martin",
            "email": "jeanne.martin@orange.fr",
            "mobile": "06 12 34 56 78",
        },
        source="test",
    )
    now = utcnow() + timedelta(days=1200)
    assert ws.compute_quality([c.id], now=now) == 1
    row = _row(ws, c.id)
    # first 3 + last 3 + email 4 + phone 2 (a mobile is a phone) + mobile 2
    completeness = 14 / B2C_TOTAL
    freshness = (
        4 * 0.5 ** (1200 / 1095)
        + 3 * 0.5 ** (1200 / (50 * 365))
        + 3 * 0.5 ** (1200 / (20 * 365))
        + 2 * 0.5 ** (1200 / (4 * 365))
        + 2 * 0.5 ** (1200 / (4 * 365))
    ) / 14
    assert row["completeness"] == pytest.approx(completeness)
    assert row["validity"] == pytest.approx(1.0)
    assert row["freshness"] == pytest.approx(freshness, rel=1e-4)
    assert not row["reachable_email"] and not row["reachable_sms"] and not row["reachable_post"]
    assert row["score"] == round(100 * completeness * (0.4 + 0.3 + 0.2 * freshness))
    explanation = row["explanation"]
    assert isinstance(explanation, dict)
    assert explanation["missing"] == [
        "birth_date",
        "address_line1",
        "postcode",
        "city",
        "pcs",
        "interests",
        "civility",
        "gender",
        "language",
        "country",
        "equipment",
        "customer_since",
        "loyalty_id",
    ]
    assert explanation["invalid"] == []
    # Only the email is older than its half-life (3 years); it dates from today.
    assert explanation["stale"] == [["email", utcnow().date().isoformat()]]
    quality = ws.contact_quality(c.id, lang="en")
    assert quality.text.startswith("missing: birth date, address, postcode, city, socio")
    assert quality.text.endswith("email unverified since " + str(utcnow().year))
    assert ws.contact_quality(c.id).text.startswith("manque : date de naissance, adresse")


def test_warnings_and_invalid_values_count_as_present_but_not_valid(ws: Carnet) -> None:
    c = ws.add_contact(
        {
            "first_name": "Paul",
            "email": "paul.durand@gmial.com",  # likely typo: a warning
            "birth_date": "31/02/1980",  # impossible: kept aside as an invalid value
            "postcode": "75015",
            "city": "Paris",
            "address_line1": "3 rue de Vaugirard",
        },
        source="test",
        strict=False,
    )
    now = utcnow()
    ws.compute_quality([c.id], now=now)
    row = _row(ws, c.id)
    # present: first 3, email 4, birth 2, line1 2, postcode 2, city 1.5, country 0.5 = 15
    assert row["completeness"] == pytest.approx(15 / B2C_TOTAL)
    # valid: all but the email (4) and the birth date (2)
    assert row["validity"] == pytest.approx(9 / 15)
    assert row["freshness"] == pytest.approx(1.0, abs=1e-4)
    explanation = row["explanation"]
    assert isinstance(explanation, dict)
    assert explanation["invalid"] == ["email", "birth_date"]
    assert "birth_date" not in explanation["missing"]
    assert ws.contact_quality(c.id, lang="en").text.split("; ")[1] == "invalid: email, birth date"


def test_empty_contact_scores_zero(ws: Carnet) -> None:
    c = ws.add_contact({"civility": "Mme"}, source="test")
    ws.compute_quality([c.id])
    row = _row(ws, c.id)
    assert row["completeness"] == pytest.approx(0.5 / B2C_TOTAL)
    assert row["score"] == round(100 * (0.5 / B2C_TOTAL) * 0.9)


def _grant(ws: Carnet, contact_id: int, purpose: str, channel: str) -> None:
    with ws.engine.begin() as conn:
        append_events(
            conn,
            [
                ConsentEventIn(
                    contact_id=contact_id,
                    purpose=purpose,
                    channel=channel,
                    action="granted",
                    legal_basis="consent",
                    occurred_at=utcnow(),
                    proof={"via": "test"},
                )
            ],
        )


def test_reachability_needs_a_usable_point_consent_and_no_suppression(
    ws: Carnet,
) -> None:
    a = ws.add_contact(
        {"first_name": "Ana", "email": "ana@orange.fr", "mobile": "0612345678"}, source="t"
    )
    b = ws.add_contact({"first_name": "Bob", "email": "bob@gmial.com"}, source="t")
    _grant(ws, a.id, "newsletter", "email")
    _grant(ws, a.id, "sms_alerts", "sms")
    _grant(ws, b.id, "newsletter", "email")  # consent, but a likely typo: not usable
    ws.compute_quality()
    ra, rb = _row(ws, a.id), _row(ws, b.id)
    assert ra["reachable_email"] and ra["reachable_sms"] and not ra["reachable_post"]
    assert not rb["reachable_email"]
    score_before = ra["score"]
    with ws.engine.begin() as conn:
        suppression.suppress(conn, "email", "ana@orange.fr", "unsubscribed", "test-secret")
    ws.compute_quality([a.id])
    ra = _row(ws, a.id)
    assert not ra["reachable_email"] and ra["reachable_sms"]
    assert ra["score"] == score_before  # still reachable by SMS
    with ws.engine.begin() as conn:
        suppression.suppress(conn, "phone", "+33612345678", "complaint", "test-secret")
    ws.compute_quality([a.id])
    ra = _row(ws, a.id)
    assert not ra["reachable_email"] and not ra["reachable_sms"]
    assert ra["score"] == int(score_before) - 10  # type: ignore[call-overload]


def test_archived_contacts_are_not_reachable(ws: Carnet) -> None:
    a = ws.add_contact({"first_name": "Ana", "email": "ana@orange.fr"}, source="t")
    _grant(ws, a.id, "newsletter", "email")
    with ws.engine.begin() as conn:
        conn.execute(sa.text("UPDATE contacts SET status = 'archived' WHERE id = :i"), {"i": a.id})
    ws.compute_quality()
    assert not _row(ws, a.id)["reachable_email"]


def test_incremental_equals_full(ws: Carnet) -> None:
    from carnet.quality.synthetic import fill

    fill(ws.engine, 400, secret="test-secret", start=1)
    extra = ws.add_contact(
        {"first_name": "Léa", "last_name": "Petit", "email": "lea@free.fr", "city": "Lyon"},
        source="t",
    )
    now = utcnow()
    assert ws.compute_quality(now=now) == 401
    with ws.engine.connect() as conn:
        full = {r.contact_id: tuple(r) for r in conn.execute(sa.select(quality_scores))}
        conn.rollback()
    with ws.engine.begin() as conn:
        conn.execute(quality_scores.delete())
    ids = sorted(full)
    ws.compute_quality(ids[::2], now=now)
    ws.compute_quality(ids[1::2], now=now)
    with ws.engine.connect() as conn:
        incremental = {r.contact_id: tuple(r) for r in conn.execute(sa.select(quality_scores))}
    assert incremental.keys() == full.keys()
    for key, row in full.items():
        assert incremental[key][:4] == pytest.approx(row[:4]), key
        assert incremental[key][4:] == row[4:], key
    # An edit, rescored incrementally, gives what a full recompute gives.
    ws.update_contact(extra.id, {"birth_date": "1990-05-17", "mobile": "0699887766"})
    ws.compute_quality([extra.id], now=now)
    edited = _row(ws, extra.id)
    ws.compute_quality(now=now)
    assert _row(ws, extra.id) == edited
    assert edited["completeness"] > full[extra.id][1]


def test_deleting_a_contact_deletes_its_score(ws: Carnet) -> None:
    c = ws.add_contact({"first_name": "Eve"}, source="t")
    ws.compute_quality()
    ws.delete_contact(c.id)
    with ws.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(quality_scores)).scalar() == 0


def test_a_failed_full_scoring_leaves_the_scores_and_their_index(
    ws: Carnet, monkeypatch: pytest.MonkeyPatch
) -> None:
    from carnet.quality import scores
    from carnet.quality.synthetic import fill

    fill(ws.engine, 300, secret="test-secret")
    ws.compute_quality()
    with ws.engine.connect() as conn:
        before = conn.execute(sa.select(quality_scores)).all()

    def disk_full(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(scores, "_write", disk_full)
    with pytest.raises(OSError, match="disk full"):
        ws.compute_quality(now=utcnow() + timedelta(days=400))
    with ws.engine.connect() as conn:
        assert conn.execute(sa.select(quality_scores)).all() == before
    indexes = {ix["name"] for ix in sa.inspect(ws.engine).get_indexes("quality_scores")}
    assert "ix_quality_scores_score" in indexes
