"""The whole-file report: contents, problems, duplicates, obsolescence, snapshots."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from carnet import Carnet
from carnet.directory.base import utcnow


def _seed(ws: Carnet) -> dict[str, int]:
    a = ws.add_contact(
        {"first_name": "Ana", "last_name": "Roy", "email": "ana.roy@gmial.com"}, source="t"
    )
    b = ws.add_contact(
        {
            "first_name": "Anne",
            "last_name": "Roy",
            "email": "anne@orange.fr",
            "phone": "0147200001",
        },
        source="t",
    )
    c = ws.add_contact(
        {
            "first_name": "Hugo",
            "last_name": "Roy",
            "email": "anne@orange.fr",
            "phone": "0147200001",
        },
        source="t",
    )
    d = ws.add_contact({"first_name": "Old", "last_name": "Timer"}, source="t")
    old = utcnow() - timedelta(days=5 * 365)
    with ws.engine.begin() as conn:
        conn.execute(
            sa.text("UPDATE contacts SET last_activity = :t, first_seen = :t WHERE id = :i"),
            {"t": old, "i": d.id},
        )
    return {"a": a.id, "b": b.id, "c": c.id, "d": d.id}


def test_report_contents(ws: Carnet) -> None:
    _seed(ws)
    data = ws.quality_report(lang="en")
    assert data["contacts"] == {"total": 4, "active": 4, "deceased": 0, "scored": 4}
    assert sum(b["count"] for b in data["distribution"]) == 4
    assert [b["from"] for b in data["distribution"]] == list(range(0, 100, 10))
    fields = {f["name"]: f for f in data["fields"]}
    assert fields["first_name"]["fill_rate"] == 1.0
    assert fields["email"]["filled"] == 3
    assert fields["email"]["validity_rate"] == round(2 / 3, 4)
    assert fields["birth_date"]["filled"] == 0 and fields["birth_date"]["validity_rate"] is None
    assert fields["email"]["label"] == "email"
    assert data["reach"]["email"] == {"usable": 2, "reachable": 0}
    assert data["duplicates"]["pairs_by_email"] == 1
    assert data["duplicates"]["pairs_by_phone"] == 1
    assert data["duplicates"]["estimated_contacts"] == 1  # the same contact in both groups
    assert data["obsolete"] == {"years": 3, "count": 1, "share": 0.25}
    problems = {p["code"]: p for p in data["problems"]}
    assert problems["email_typos"]["count"] == 1
    assert problems["email_typos"]["title"] == "1 emails with a likely typo"
    assert "carnet fix email-typos" in problems["email_typos"]["action"]
    assert problems["obsolete"]["title"] == "1 contacts inactive for 3+ years"
    # Old Timer has nothing; Ana only a likely-typo email
    assert problems["unreachable"]["count"] == 2
    assert problems["no_email_consent"]["count"] == 2
    counts = [p["count"] for p in data["problems"]]
    assert counts == sorted(counts, reverse=True)
    assert 0 < data["averages"]["score"] < 100


def test_report_is_french_by_default_and_obsolete_years_configurable(
    ws: Carnet,
) -> None:
    _seed(ws)
    ws.settings = type(ws.settings)(
        **{**ws.settings.__dict__, "extra": {"quality": {"obsolete_years": 10}}}
    )
    data = ws.quality_report()
    assert data["lang"] == "fr"
    assert data["obsolete"]["count"] == 0
    titles = [p["title"] for p in data["problems"]]
    assert "1 e-mails avec une faute de frappe probable" in titles


def test_snapshots_build_a_trend(ws: Carnet) -> None:
    ids = _seed(ws)
    first = ws.quality_report(snapshot=True)
    assert len(first["trend"]) == 1
    ws.update_contact(ids["d"], {"email": "old.timer@free.fr", "birth_date": "1950-01-02"})
    ws.compute_quality([ids["d"]])
    second = ws.quality_report(snapshot=True)
    assert len(second["trend"]) == 2
    assert second["trend"][1]["score"] > second["trend"][0]["score"]
    assert [s["id"] for s in ws.quality_snapshots()] == [t["id"] for t in second["trend"]]


def test_report_on_an_empty_file(ws: Carnet) -> None:
    data = ws.quality_report()
    assert data["contacts"]["active"] == 0
    assert data["averages"]["score"] is None
    assert data["problems"] == []
    html = ws.write_quality_html("empty.html", data)
    assert "Qualité du fichier clients" in html.read_text(encoding="utf-8")


def test_the_deceased_are_counted_apart_and_never_reachable(ws: Carnet) -> None:
    ids = _seed(ws)
    ws.grant_consent(ids["b"], "newsletter", "email")
    assert ws.quality_report(lang="en", recompute=True)["reach"]["email"]["reachable"] == 1
    with ws.engine.begin() as conn:
        conn.execute(
            sa.text("UPDATE contacts SET status = 'deceased' WHERE id = :i"), {"i": ids["b"]}
        )
    data = ws.quality_report(lang="en", recompute=True)
    assert data["contacts"] == {"total": 4, "active": 3, "deceased": 1, "scored": 3}
    assert data["reach"]["email"]["reachable"] == 0
    assert ws.stats()["contacts"] == {"active": 3, "deceased": 1}
