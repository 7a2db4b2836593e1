"""The records of processing, and the audit log."""

from __future__ import annotations

from carnet.workspace import Carnet


def test_register_in_markdown_and_html(ws: Carnet) -> None:
    text = ws.processing_register()
    assert text.startswith("# Registre des activités de traitement")
    for expected in ("Lettre d'information", "Alertes SMS", "consentement", "Identité et",
                     "3 ans", "25 mois", "E-mail", "IBAN *(chiffré)*", "Mesures de sécurité"):
        assert expected in text, expected
    html = ws.processing_register(fmt="html")
    assert html.startswith("<!doctype html>") and '<html lang="fr">' in html
    assert "<table>" in html and "<h2>" in html and "http" not in html.split("<body>")[1]


def test_audit_is_append_only_and_queryable(ws: Carnet) -> None:
    cid = ws.add_contact({"last_name": "Martin", "email": "m@example.org"}).id
    ws.audit("read", "contact", cid, details={"what": "profile"})
    ws.export_personal_data(cid)
    ws.erase_contact(cid)
    actions = [e.action for e in ws.audit_entries()]
    assert actions[:3] == ["erase", "export", "read"]
    assert [e.action for e in ws.audit_entries(action="export")] == ["export"]
    assert ws.audit_entries(actor="nobody") == []
    assert len(ws.audit_entries(entity="contact", entity_id=cid)) >= 3
