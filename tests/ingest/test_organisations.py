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


def _siren_of(ws: Carnet, last_name: str) -> str | None:
    c, o = s.contacts, s.organisations
    with ws.engine.connect() as conn:
        value = conn.execute(
            sa.select(o.c.siren)
            .select_from(c.join(o, o.c.id == c.c.organisation_id))
            .where(c.c.last_name == last_name)
        ).scalar()
    return None if value is None else str(value)


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
    # Zoé's row names neither SIREN nor place: either garage may be hers, so she takes
    # neither SIREN (a third organisation, for the duplicate search to weigh).
    assert _organisations(carnet) == [
        ("Garage Durand", SIREN_B),
        ("Garage Durand", SIREN_C),
        ("Garage Durand", None),
    ]
    assert _siren_of(carnet, "Roux") is None
    assert _siren_of(carnet, "Blanc") == SIREN_C


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


SIRET_LYON = "51508491100012"
SIRET_VILLEURBANNE = "58268521000012"


def _crm(tmp_path: Path, rows: str) -> Path:
    path = tmp_path / "crm.csv"
    path.write_text(
        "Prénom;Nom;Email;Raison sociale;SIRET;Adresse;Code postal;Ville\n" + rows,
        encoding="utf-8",
    )
    return path


def _leads(tmp_path: Path, rows: str, name: str = "salon.csv") -> Path:
    path = tmp_path / name
    path.write_text("Prénom;Nom;Email;Société;Code postal;Ville\n" + rows, encoding="utf-8")
    return path


def _organisation_of(ws: Carnet, email: str) -> tuple[int, str | None, str | None] | None:
    c, o, cp = s.contacts, s.organisations, s.contact_points
    with ws.engine.connect() as conn:
        row = conn.execute(
            sa.select(o.c.id, o.c.name, o.c.siren)
            .select_from(
                c.join(o, o.c.id == c.c.organisation_id).join(cp, cp.c.contact_id == c.c.id)
            )
            .where(cp.c.normalised == email)
        ).first()
    return None if row is None else (int(row[0]), row[1], row[2])


def test_a_company_of_the_same_name_in_another_town_is_another_company(
    carnet: Carnet, tmp_path: Path
) -> None:
    """The Boulangerie Martin of Bordeaux is not the one of Lyon: no link, no SIREN."""
    carnet.import_file(
        _crm(
            tmp_path,
            f"Jean;Martin;jean@boulangerie-martin.fr;Boulangerie Martin;{SIRET_LYON};"
            "12 rue Paul Bert;69003;Lyon\n",
        )
    )
    lyon = _organisation_of(carnet, "jean@boulangerie-martin.fr")
    assert lyon is not None and lyon[2] == SIRET_LYON[:9]
    report = carnet.import_file(
        _leads(
            tmp_path,
            "Jean;Martin;jmartin33@gmail.com;Boulangerie Martin;33000;Bordeaux\n"
            "Luc;Petit;luc.petit@gmail.com;BOULANGERIE MARTIN;69003;LYON\n"
            "Marc;Roy;marc.roy@gmail.com;Boulangerie Martin SARL;69003;Lyon 3e\n",
        )
    )
    bordeaux = _organisation_of(carnet, "jmartin33@gmail.com")
    assert bordeaux is not None and bordeaux[0] != lyon[0] and bordeaux[2] is None
    # The Lyon rows join the Lyon bakery, whatever the case, arrondissement or legal form.
    assert _organisation_of(carnet, "luc.petit@gmail.com") == lyon
    assert _organisation_of(carnet, "marc.roy@gmail.com") == lyon
    # The row says why it was not linked.
    with carnet.engine.connect() as conn:
        reasons = list(
            conn.execute(
                sa.select(s.import_rows.c.reason)
                .where(s.import_rows.c.import_id == report.import_id)
                .order_by(s.import_rows.c.row_number)
            ).scalars()
        )
    assert reasons[0] is not None and "not linked" in reasons[0] and "elsewhere" in reasons[0]
    assert reasons[1] is None


def test_a_generic_name_links_only_in_its_own_town(carnet: Carnet, tmp_path: Path) -> None:
    carnet.import_file(
        _crm(
            tmp_path,
            f"Nathalie;Petit;n.petit@mairie-villeurbanne.fr;Mairie;{SIRET_VILLEURBANNE};"
            "Place Lazare Goujon;69100;Villeurbanne\n",
        )
    )
    carnet.import_file(
        _leads(
            tmp_path,
            "Anne;Morel;anne.morel@gmail.com;Mairie;69200;Vénissieux\n"
            "Paul;Girard;paul.girard@gmail.com;MAIRIE;69100;Villeurbanne\n"
            "Léa;Roux;lea.roux@gmail.com;Mairie;;\n"
            "Max;Blanc;max.blanc@gmail.com;Mairie;;\n"
            "Eve;Noir;eve.noir@gmail.com;Mairie;69200;Vénissieux\n",
        )
    )
    villeurbanne = _organisation_of(carnet, "n.petit@mairie-villeurbanne.fr")
    assert villeurbanne is not None
    assert _organisation_of(carnet, "paul.girard@gmail.com") == villeurbanne
    venissieux = _organisation_of(carnet, "anne.morel@gmail.com")
    assert venissieux is not None and venissieux[2] is None
    assert _organisation_of(carnet, "eve.noir@gmail.com") == venissieux
    # No place: which town hall is unknown, so each row has its own, with no SIREN.
    nowhere = {_organisation_of(carnet, e) for e in ("lea.roux@gmail.com", "max.blanc@gmail.com")}
    assert len(nowhere) == 2 and all(org is not None and org[2] is None for org in nowhere)
    assert len({villeurbanne, venissieux, *nowhere}) == 4


def test_a_distinctive_name_links_where_nothing_contradicts_it(
    carnet: Carnet, tmp_path: Path
) -> None:
    carnet.import_file(
        _crm(
            tmp_path,
            f"Marc;Laporte;m.laporte@laporte-ingenierie.fr;SARL Laporte Ingénierie & Fils;"
            f"{SIRET};5 allées Jean Jaurès;31000;Toulouse\n",
        )
    )
    newsletter = tmp_path / "newsletter.csv"
    newsletter.write_text(
        "Email;Prénom;Nom;Entreprise\nmarc.laporte31@gmail.com;Marc;Laporte;"
        "Laporte ingenierie et fils\n",
        encoding="utf-8",
    )
    carnet.import_file(newsletter)
    # spelt another way, with no place: the one company of that name
    found = _organisation_of(carnet, "marc.laporte31@gmail.com")
    assert found is not None and found[2] == SIRET[:9]


def test_no_organisation_for_a_way_of_working(carnet: Carnet, tmp_path: Path) -> None:
    carnet.import_file(
        _leads(
            tmp_path,
            "Sylvie;Garnier;sylvie.garnier@gmail.com;Auto-entrepreneur;13001;Marseille\n"
            "Paul;Garnier;paul.garnier@gmail.com;Auto-entrepreneur;59000;Lille\n"
            "Zoé;Roux;zoe.roux@gmail.com;Retraitée;59000;Lille\n",
        )
    )
    assert _organisations(carnet) == []
    (sylvie,) = carnet.search_contacts("sylvie.garnier")
    assert sylvie.attributes["invalid_values"] == {"organisation_name": "Auto-entrepreneur"}


def test_importing_again_makes_no_organisation_more(carnet: Carnet, tmp_path: Path) -> None:
    """Rows whose organisation cannot be found by name (a generic name, no place) made one
    each the first time; their contacts are linked, so a second import makes none."""
    path = _leads(
        tmp_path,
        "Léa;Roux;lea.roux@gmail.com;Mairie;;\n"
        "Jean;Martin;jmartin33@gmail.com;Boulangerie Martin;33000;Bordeaux\n",
    )
    carnet.import_file(path)
    before = _organisations(carnet)
    assert len(before) == 2
    carnet.import_file(path)
    assert _organisations(carnet) == before


def test_a_company_mail_domain_tells_namesakes_apart(carnet: Carnet, tmp_path: Path) -> None:
    """An event sheet gives only the name and a work e-mail: the domain says which Camus."""
    sheet = tmp_path / "evenement.csv"
    sheet.write_text(
        "Prénom;Nom;Email;Société\n"
        "Anne;Morel;anne.morel@camus-batiment.fr;Camus\n"
        "Luc;Petit;luc.petit@camus-conseil.fr;Camus\n"
        "Zoé;Roux;zoe.roux@camus-batiment.fr;CAMUS\n"
        "Max;Blanc;max.blanc@gmail.com;Camus\n",
        encoding="utf-8",
    )
    carnet.import_file(sheet)
    anne = _organisation_of(carnet, "anne.morel@camus-batiment.fr")
    luc = _organisation_of(carnet, "luc.petit@camus-conseil.fr")
    assert anne is not None and luc is not None and anne != luc
    assert _organisation_of(carnet, "zoe.roux@camus-batiment.fr") == anne
    # a personal mailbox says nothing, and two companies bear the name: neither
    assert _organisation_of(carnet, "max.blanc@gmail.com") not in (anne, luc, None)


def test_a_visitor_who_wrote_her_own_name_as_the_company_is_a_person(
    carnet: Carnet, tmp_path: Path
) -> None:
    """A trade-show list's "Société" of a private visitor holds her own name, with no
    name of a person on the row: it made an organisation "Chevallier Céline" and a
    contact with no name. Her e-mail bearing both names tells it is her."""
    path = tmp_path / "salon.csv"
    path.write_text(
        "Société;Contact;Email;Ville\n"
        "Chevallier Céline;;celine.chevallier@hotmail.fr;Roubaix\n"
        "Paul Girard;;pgirard@orange.fr;Lille\n"
        "Boulangerie Roux;;contact@boulangerie-roux.fr;Arras\n"
        "Garage Thomas;;garage.thomas@orange.fr;Lens\n"
        "Maison Martin;;contact@maison-martin.fr;Lens\n",
        encoding="utf-8",
    )
    carnet.import_file(path)
    assert [name for name, _ in _organisations(carnet)] == [
        "Boulangerie Roux", "Garage Thomas", "Maison Martin"
    ]
    c = s.contacts
    with carnet.engine.connect() as conn:
        people = conn.execute(
            sa.select(c.c.first_name, c.c.last_name, c.c.organisation_id).order_by(c.c.id)
        ).all()
    assert [tuple(p) for p in people[:2]] == [("Céline", "Chevallier", None),
                                              ("Paul", "Girard", None)]


def test_an_accounting_accounts_name_that_is_the_customers_own_makes_no_company(
    carnet: Carnet, tmp_path: Path
) -> None:
    """EBP's and Sage's "Intitulé" names a company's account, or a private customer's
    by their own name: that one is the person, not an organisation. A sole trader's
    SIRET beside his name keeps his business."""
    path = tmp_path / "ebp.csv"
    path.write_text(
        "Code client;Intitulé;Nom;Prénom;E-mail;SIRET\n"
        "CL01;SARL BOULANGERIE MARTIN;MARTIN;Jean;jean@boulangerie.fr;\n"
        "CL02;BERNARD Nathalie;BERNARD;Nathalie;n.bernard@wanadoo.fr;\n"
        "CL03;Mme LEFÈVRE Anne-Sophie;;;as.lefevre@orange.fr;\n"
        f"CL04;Paul ROUX;ROUX;Paul;paul@roux-plomberie.fr;{SIRET}\n",
        encoding="utf-8",
    )
    carnet.import_file(path)
    assert _organisations(carnet) == [("SARL BOULANGERIE MARTIN", None), ("Paul ROUX", SIRET[:9])]
    c = s.contacts
    with carnet.engine.connect() as conn:
        people = conn.execute(
            sa.select(c.c.civility, c.c.first_name, c.c.last_name, c.c.organisation_id)
            .order_by(c.c.id)
        ).all()
    assert [tuple(p)[:3] for p in people[1:3]] == [
        (None, "Nathalie", "Bernard"), ("Mme", "Anne-Sophie", "Lefèvre")
    ]
    assert people[1].organisation_id is None and people[2].organisation_id is None


def test_the_legal_form_is_kept_on_the_organisation(carnet: Carnet, tmp_path: Path) -> None:
    """Before: an accounting export's "Forme juridique" was a custom attribute of the
    contact, and "SARL DUPONT & FILS" in a CRM export lost its form when the
    organisation was found by its SIRET under the name "DUPONT & FILS"."""
    compta = tmp_path / "clients.csv"
    compta.write_text(
        "Raison sociale;Forme juridique;SIRET;E-mail\n"
        f"DUPONT & FILS;S.A.R.L.;{SIRET};compta@dupont-fils.fr\n"
        "Garage Leroy;5710;55210055400013;contact@garage-leroy.fr\n",
        encoding="cp1252",
    )
    crm = tmp_path / "crm.csv"
    crm.write_text(
        "Prénom,Nom,Email,Société,SIRET\n"
        f"Anne,Morel,anne.morel@dupont-fils.fr,SAS DUPONT & FILS,{SIRET}\n"
        "Paul,Roux,paul@atelier-roux.fr,Atelier Roux SASU,\n"
        "Luc,Faure,luc@martin-bois.fr,Martin Bois,\n"
    )
    carnet.import_file(compta)
    carnet.import_file(crm)
    forms = {o.name: o.legal_form for o in carnet.list_organisations(limit=20).items}
    # the accounting file's form is kept: a second file's differing one fills no blank
    assert forms == {
        "DUPONT & FILS": "SARL",
        "Garage Leroy": "SAS",
        "Atelier Roux SASU": "SASU",
        "Martin Bois": None,
    }
    c = s.contacts
    with carnet.engine.connect() as conn:
        attributes = conn.execute(sa.select(c.c.attributes)).scalars().all()
    assert not any("forme_juridique" in (a or {}) for a in attributes)


def test_a_name_s_legal_form_completes_the_organisation_found(
    carnet: Carnet, tmp_path: Path
) -> None:
    path = tmp_path / "salon.csv"
    path.write_text(
        "Prénom;Nom;Email;Société;SIRET\n"
        f"Anne;Morel;anne@dupont-fils.fr;Dupont & Fils;{SIRET}\n"
        f"Marc;Petit;marc@dupont-fils.fr;DUPONT & FILS SARL;{SIRET}\n"
    )
    carnet.import_file(path)
    [org] = carnet.list_organisations(limit=20).items
    assert (org.name, org.legal_form) == ("Dupont & Fils", "SARL")


def test_homonyms_of_another_legal_form_stay_apart(carnet: Carnet, tmp_path: Path) -> None:
    """Two "Wagner" of one town: the "Forme juridique" column tells them apart as the
    form inside a name ("Wagner SARL") did."""
    first = tmp_path / "compta.csv"
    first.write_text(
        "Raison sociale;Forme juridique;Adresse;CP;Ville;E-mail\n"
        "Wagner;SARL;3 rue Pasteur;67000;Strasbourg;compta@wagner-elec.fr\n"
    )
    second = tmp_path / "salon.csv"
    second.write_text(
        "Société;Forme juridique;Nom;Prénom;Adresse;CP;Ville\n"
        "Wagner;SAS;Klein;Eva;8 quai des Bateliers;67000;Strasbourg\n"
        "Wagner;SARL;Weber;Jean;3 rue Pasteur;67000;Strasbourg\n"
    )
    carnet.import_file(first)
    carnet.import_file(second)
    forms = sorted(o.legal_form or "" for o in carnet.list_organisations(limit=20).items)
    assert forms == ["SARL", "SAS"]


def test_a_siren_typed_in_the_vat_column_names_the_organisation(
    carnet: Carnet, tmp_path: Path
) -> None:
    """Before: "303 265 045" under "N° TVA intracom" was refused and the company kept no
    identifier; now the SIREN is the organisation's (the VAT number is not made up)."""
    path = tmp_path / "clients.csv"
    path.write_text(
        "Raison sociale;N° TVA intracom;E-mail\n"
        "Boulangerie Martin;303 265 045;contact@boulangerie-martin.fr\n"
        "Garage Leroy;FR552100554;contact@garage-leroy.fr\n",
        encoding="cp1252",
    )
    carnet.import_file(path)
    found = {
        o.name: (o.siren, o.vat_number) for o in carnet.list_organisations(limit=20).items
    }
    assert found == {
        "Boulangerie Martin": ("303265045", None),
        "Garage Leroy": ("552100554", None),
    }
