"""Access export: readable JSON and ZIP with FR/EN labels; logged."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from carnet.errors import InvalidValueError, NotFoundError
from carnet.workspace import Carnet


def _person(ws: Carnet) -> int:
    cid = ws.add_contact({"first_name": "Jeanne", "last_name": "Martin",
                          "email": " J.Martin@Orange.fr ", "postcode": "69003", "city": "Lyon",
                          "address_line1": "12 rue Paul Bert"}, source="boutique.csv").id
    ws.update_contact(cid, {"job_title": "Acheteuse"}, reason="phone call")
    ws.record_event(cid, "nps", value=9, properties={"comment": "très bien"})
    ws.record_order(cid, [{"sku": "A1", "quantity": 1, "unit_price": "19.90"}], external_ref="C1")
    ws.grant_consent(cid, "newsletter", "email", via="shop counter")
    return cid


def test_json_export_in_french_and_english(ws: Carnet, tmp_path: Path) -> None:
    cid = _person(ws)
    fr = ws.export_personal_data(cid, lang="fr")
    labels = {p["field"]: p["label"] for p in fr["profile"]}
    assert labels["first_name"] == "Prénom" and labels["job_title"] == "Fonction"
    assert fr["titles"]["contact_points"] == "Coordonnées"
    email = next(p for p in fr["contact_points"] if p["kind"] == "email")
    assert email["raw"] == " J.Martin@Orange.fr " and email["normalised"] == "j.martin@orange.fr"
    assert email["source"] == "boutique.csv" and email["label"] == "E-mail"
    newsletter = next(c for c in fr["consents"] if c["purpose"] == "newsletter")
    assert newsletter["may_contact"] and newsletter["status_label"] == "accordé"
    assert fr["consent_ledger"][0]["proof"]["via"] == "shop counter"
    assert fr["orders"][0]["total"] == "19.90" and fr["events"][0]["type"] == "nps"
    assert any(h["field"] == "job_title" and h["new"] == "Acheteuse" for h in fr["history"])
    en = ws.export_personal_data(cid, lang="en")
    assert {p["field"]: p["label"] for p in en["profile"]}["first_name"] == "First name"
    path = ws.write_personal_data(cid, tmp_path / "jeanne.json", lang="en")
    assert json.loads(path.read_text(encoding="utf-8"))["about"]["contact_id"] == cid
    exports = ws.audit_entries(action="export", entity_id=cid)
    assert len(exports) == 3 and all(e.actor == "test" for e in exports)
    assert "orange" not in json.dumps([e.to_dict() for e in exports])


def test_an_imported_abandoned_cart_is_in_the_export(ws: Carnet, tmp_path: Path) -> None:
    path = tmp_path / "paniers.csv"
    path.write_text(
        "Email;Date;Panier abandonné;Montant panier\nzoe@free.fr;12/03/2024;oui;42,50\n",
        encoding="utf-8",
    )
    ws.import_file(path)
    [contact] = ws.search_contacts("zoe@free.fr")
    [cart] = ws.export_personal_data(contact.id, lang="fr")["carts"]
    assert (cart["status"], str(cart["total"])) == ("abandoned", "42.50")


def test_zip_export(ws: Carnet, tmp_path: Path) -> None:
    cid = _person(ws)
    path = ws.write_personal_data(cid, tmp_path / "jeanne.zip")
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
        assert {"personal-data.json", "README.txt", "profile.csv", "orders.csv"} <= names
        assert "Prénom" in archive.read("profile.csv").decode("utf-8")
        assert "RGPD" in archive.read("README.txt").decode("utf-8")


def test_export_errors(ws: Carnet, tmp_path: Path) -> None:
    with pytest.raises(NotFoundError):
        ws.export_personal_data(999)
    cid = _person(ws)
    with pytest.raises(InvalidValueError, match=r"\.json or \.zip"):
        ws.write_personal_data(cid, tmp_path / "x.pdf")
