"""Organisations made by an import: one per company, whatever each row knows of it."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from carnet import Carnet
from carnet.store import schema as s

SIRET = "73282932000074"
SIREN_B = "552100554"
SIREN_C = "356000000"


def _organisations(ws: Carnet) -> list[tuple[str | None, str | None]]:
    o = s.organisations
    with ws.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(sa.select(o.c.name, o.c.siren).order_by(o.c.id))]


def test_rows_of_one_batch_naming_one_company_make_one_organisation(
    carnet: Carnet, tmp_path: Path
) -> None:
    path = tmp_path / "crm.csv"
    path.write_text(
        "Prénom;Nom;Email;Raison sociale;SIRET\n"
        f"Anne;Morel;anne@dupont.fr;Dupont SA;{SIRET}\n"
        "Luc;Petit;luc@dupont.fr;Dupont SA;\n"
        "Zoé;Roux;zoe@dupont.fr;dupont sa;\n",
        encoding="utf-8",
    )
    carnet.import_file(path)
    assert _organisations(carnet) == [("Dupont SA", SIRET[:9])]
    with carnet.engine.connect() as conn:
        linked = conn.execute(
            sa.select(sa.func.count(sa.distinct(s.contacts.c.organisation_id)))
        ).scalar_one()
    assert linked == 1


def test_a_name_shared_by_two_companies_does_not_link_across_sirens(
    carnet: Carnet, tmp_path: Path
) -> None:
    first = tmp_path / "a.csv"
    first.write_text(
        f"Prénom;Nom;Email;Raison sociale;SIREN\nAnne;Morel;anne@a.fr;Garage Durand;{SIREN_B}\n",
        encoding="utf-8",
    )
    second = tmp_path / "b.csv"
    second.write_text(
        "Prénom;Nom;Email;Raison sociale;SIREN\n"
        f"Luc;Petit;luc@b.fr;Garage Durand;{SIREN_C}\n"
        "Zoé;Roux;zoe@c.fr;Garage Durand;\n"
        f"Max;Blanc;max@b.fr;GARAGE DURAND;{SIREN_C}\n",
        encoding="utf-8",
    )
    carnet.import_file(first)
    carnet.import_file(second)
    assert _organisations(carnet) == [("Garage Durand", SIREN_B), ("Garage Durand", SIREN_C)]


def test_a_later_file_fills_what_an_organisation_lacks(carnet: Carnet, tmp_path: Path) -> None:
    """The event sheet knows the name; the CRM brings the SIRET: one organisation, completed."""
    events = tmp_path / "events.csv"
    events.write_text(
        "Prénom;Nom;Email;Société\nAnne;Morel;anne@dupont.fr;Dupont SA\n", encoding="utf-8"
    )
    crm = tmp_path / "crm.csv"
    crm.write_text(
        "Prénom;Nom;Email;Raison sociale;SIRET;Code NAF\n"
        f"Luc;Petit;luc@dupont.fr;DUPONT SA;{SIRET};62.01Z\n",
        encoding="utf-8",
    )
    carnet.import_file(events)
    carnet.import_file(crm)
    (org,) = carnet.list_organisations().items
    assert (org.name, org.siret, org.siren, org.naf_code) == (
        "Dupont SA",
        SIRET,
        SIRET[:9],
        "62.01Z",
    )
    h = s.history
    with carnet.engine.connect() as conn:
        filled = set(
            conn.execute(
                sa.select(h.c.field).where(
                    h.c.entity == "organisation", h.c.entity_id == org.id, h.c.old_value.is_(None)
                )
            ).scalars()
        )
    assert {"siret", "siren", "naf_code"} <= filled
    # A value it holds is never replaced.
    other = tmp_path / "other.csv"
    other.write_text(
        "Prénom;Nom;Email;Raison sociale;SIRET;Code NAF\n"
        f"Zoé;Roux;zoe@dupont.fr;Dupont SA;{SIRET};70.22Z\n",
        encoding="utf-8",
    )
    carnet.import_file(other)
    assert carnet.get_organisation(org.id).naf_code == "62.01Z"


def test_a_siren_in_the_siret_column_still_names_the_organisation(
    carnet: Carnet, tmp_path: Path
) -> None:
    path = tmp_path / "prospects.csv"
    path.write_text(
        "Prénom;Nom;Email;Raison sociale;SIRET\n"
        f"Paul;Lenoir;p.lenoir@acme.fr;ACME S.A.S.;{SIREN_B}00005\n"
        f"Léa;Morin;lea.morin@acme.fr;ACME;{SIREN_B[:3]} {SIREN_B[3:6]} {SIREN_B[6:]}\n"
        "Max;Blanc;max@blanc.fr;Blanc SARL;123456789\n",
        encoding="utf-8",
    )
    report = carnet.import_file(path)
    assert report.counts["inserted"] == 3
    # Léa's SIREN joins Paul's company; a 9-digit number that is no SIREN names nothing
    assert _organisations(carnet) == [("ACME S.A.S.", SIREN_B), ("Blanc SARL", None)]
    lea = carnet.search_contacts("morin")[0]
    assert lea.attributes["invalid_values"] == {"siret": "552 100 554"}
