"""Fixes: email typos and postcodes applied with history, and undone."""

from __future__ import annotations

from pathlib import Path

import pytest

from carnet import Carnet
from carnet.errors import InvalidValueError, NotFoundError
from carnet.fields.postcodes import PostcodeTable
from carnet.store import schema as s
from tests.conftest import DATA


def test_email_typos_fix_and_undo(ws: Carnet) -> None:
    c = ws.add_contact({"first_name": "Marie", "email": "marie.curie@gmial.com"}, source="t")
    dry = ws.apply_fix("email-typos", dry_run=True)
    assert dry.fix_id is None and dry.applied == 0
    assert [(x.old, x.new) for x in dry.suggestions] == [
        ("marie.curie@gmial.com", "marie.curie@gmail.com")
    ]
    assert ws.get_contact(c.id).email == "marie.curie@gmial.com"
    before = ws.contact_quality(c.id).score
    result = ws.apply_fix("email-typos")
    assert result.fix_id is not None and result.applied == 1
    contact = ws.get_contact(c.id)
    assert [p.normalised for p in contact.points if p.kind == "email"] == ["marie.curie@gmail.com"]
    changes = [(h.old_value, h.new_value) for h in ws.history(c.id) if h.source == "carnet fix"]
    assert changes == [(None, "marie.curie@gmail.com"), ("marie.curie@gmial.com", None)]
    reasons = [h.reason for h in ws.history(c.id) if h.source == "carnet fix"]
    assert reasons[-1] == f"fix {result.fix_id}: email-typos"
    assert ws.contact_quality(c.id).score > before
    assert ws.apply_fix("email-typos").suggestions == []
    runs = ws.fix_runs()
    assert runs[0]["fix_id"] == result.fix_id and not runs[0]["undone"]

    undone = ws.undo_fix(result.fix_id)
    assert undone.contact_ids == [c.id]
    assert [p.normalised for p in ws.get_contact(c.id).points if p.kind == "email"] == [
        "marie.curie@gmial.com"
    ]
    assert ws.contact_quality(c.id).score == before
    assert ws.fix_runs()[0]["undone"]
    with pytest.raises(InvalidValueError, match="already undone"):
        ws.undo_fix(result.fix_id)
    with pytest.raises(NotFoundError, match="carnet fix list"):
        ws.undo_fix(999_999)
    with pytest.raises(InvalidValueError, match="email-typos"):
        ws.apply_fix("names")


def test_postcodes_fix_uses_la_poste_table(ws: Carnet) -> None:
    path = DATA / "refdata" / "laposte_excerpt.csv"
    ws.load_postcodes(path)
    table = PostcodeTable.from_laposte_csv(path)
    rows = [r for codes in (table.rows_for(p) for p in _codes(path)) for r in codes]
    single = sorted({r.label for r in rows if len(table.postcodes_for(r.label)) == 1})
    city, other = single[0], single[1]
    right, wrong = table.postcodes_for(city)[0], table.postcodes_for(other)[0]
    contact = ws.add_contact(
        {
            "first_name": "Zoé",
            "address_line1": "1 place de la Mairie",
            "postcode": wrong,
            "city": city,
        },
        source="t",
        strict=False,
    )
    # The manual path does not cross-check cities; flag the point as an import would.
    with ws.engine.begin() as conn:
        conn.execute(
            s.contact_points.update()
            .where(s.contact_points.c.contact_id == contact.id)
            .values(verdict="warning", flags="city_mismatch")
        )
    found = ws.fix_suggestions("postcodes")
    assert [(x.old, x.new) for x in found] == [(f"{wrong} {city}", f"{right} {city}")]
    result = ws.apply_fix("postcodes")
    assert result.applied == 1
    addresses = [p for p in ws.get_contact(contact.id).points if p.kind == "address"]
    assert [p.postcode for p in addresses] == [right]
    assert result.fix_id is not None
    ws.undo_fix(result.fix_id)
    addresses = [p for p in ws.get_contact(contact.id).points if p.kind == "address"]
    assert [p.postcode for p in addresses] == [wrong]


def _codes(path: Path) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()[1:]
    return sorted({line.split(";")[2] for line in lines if line})


def test_email_typos_fix_puts_back_a_lost_at_sign(ws: Carnet) -> None:
    c = ws.add_contact(
        {"first_name": "Alexandre", "email": "alexandre.rouxhotmail.fr"}, source="t", strict=False
    )
    kept = ws.add_contact({"first_name": "Léa", "email": "pas-un-email"}, source="t", strict=False)
    report = ws.quality_report()
    problems = {p["code"]: p["count"] for p in report["problems"]}
    # counted once, where a fix is offered, not among the invalid ones to ask about
    assert problems["email_typos"] == 1 and problems["invalid_emails"] == 1
    result = ws.apply_fix("email-typos")
    assert [(x.old, x.new) for x in result.suggestions] == [
        ("alexandre.rouxhotmail.fr", "alexandre.roux@hotmail.fr")
    ]
    assert ws.get_contact(c.id).email == "alexandre.roux@hotmail.fr"
    assert [p.raw for p in ws.get_contact(kept.id).points] == ["pas-un-email"]
    ws.undo_fix(result.fix_id or 0)
    assert [p.raw for p in ws.get_contact(c.id).points if p.kind == "email"] == [
        "alexandre.rouxhotmail.fr"
    ]
