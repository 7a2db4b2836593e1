"""Values real French customer files hold in their name and date columns: a company
where a person's name is expected, a father and his son, a year alone, a birthday
without its year, an age."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from carnet import Carnet
from carnet.store import schema as s


def _people(ws: Carnet) -> dict[str, dict[str, Any]]:
    """Each contact by its first e-mail: names, organisation, dates and attributes."""
    c, o, cp = s.contacts, s.organisations, s.contact_points
    with ws.engine.connect() as conn:
        rows = conn.execute(
            sa.select(
                cp.c.normalised.label("email"),
                c.c.civility,
                c.c.first_name,
                c.c.last_name,
                c.c.birth_date,
                c.c.customer_since,
                c.c.attributes,
                o.c.name.label("organisation"),
            )
            .select_from(
                c.join(cp, cp.c.contact_id == c.c.id).outerjoin(
                    o, o.c.id == c.c.organisation_id
                )
            )
            .where(cp.c.kind == "email")
        ).mappings()
        return {r["email"]: dict(r) for r in rows}


def test_a_company_in_a_name_column_is_the_rows_organisation(
    carnet: Carnet, tmp_path: Path
) -> None:
    """Stripe's customers: "Name" holds a person's name or a company's."""
    path = tmp_path / "stripe_customers.csv"
    path.write_text(
        "id,Email,Name,Created (UTC)\n"
        "cus_P1,contact@atelierbois.fr,Atelier Bois SARL,2023-01-05 10:00\n"
        "cus_P2,jean.dupont@gmail.com,Jean Dupont,2023-02-05 10:00\n"
        "cus_P3,accueil@mairie-vannes.fr,Mairie de Vannes,2023-03-05 10:00\n"
        "cus_P4,amis.rail@orange.fr,Association Les Amis du Rail,2023-03-06 10:00\n"
        "cus_P5,cabinet@durand-associes.fr,Cabinet Durand & Associés,2023-03-07 10:00\n"
        "cus_P6,fournil@wanadoo.fr,Boulangerie Le Fournil,2023-03-08 10:00\n"
        "cus_P7,pierre.sas@free.fr,Pierre Sas,2023-03-09 10:00\n",
        encoding="utf-8",
    )
    report = carnet.import_file(path)
    assert report.counts["inserted"] == 7 and report.counts["rejected"] == 0
    people = _people(carnet)
    for email, company in [
        ("contact@atelierbois.fr", "Atelier Bois SARL"),
        ("accueil@mairie-vannes.fr", "Mairie de Vannes"),
        ("amis.rail@orange.fr", "Association Les Amis du Rail"),
        ("cabinet@durand-associes.fr", "Cabinet Durand & Associés"),
        ("fournil@wanadoo.fr", "Boulangerie Le Fournil"),
    ]:
        # before: first name "Atelier Bois", last name "Sarl"
        person = people[email]
        assert person["organisation"] == company
        assert person["first_name"] is None and person["last_name"] is None
    assert people["jean.dupont@gmail.com"]["last_name"] == "Dupont"
    assert people["jean.dupont@gmail.com"]["organisation"] is None
    # a family name that is also a legal form, written as a name
    pierre = people["pierre.sas@free.fr"]
    assert (pierre["first_name"], pierre["last_name"], pierre["organisation"]) == (
        "Pierre", "Sas", None
    )


def test_a_person_and_a_company_on_one_row_are_both_kept(carnet: Carnet, tmp_path: Path) -> None:
    path = tmp_path / "contacts.csv"
    path.write_text(
        "Prénom;Nom;Email;Client\n"
        "Jean;Dupont;jean@atelierbois.fr;Atelier Bois SARL\n"
        "Marie;SARL Dupont Frères;marie@dupont-freres.fr;\n"
        ";EURL Martin;eurl.martin@gmail.com;\n"
        ";SCI du Parc;sci.parc@orange.fr;\n"
        "Sophie;Cabinet;sophie.cabinet@gmail.com;\n"
        "Paul;Ei;paul.ei@gmail.com;\n"
        "Agence de Lyon;;;\n",
        encoding="cp1252",
    )
    report = carnet.import_file(path)
    assert report.counts["inserted"] == 6
    # "Agence de Lyon" alone on its row is a section's title, as before
    assert report.counts["rejected"] == 1
    people = _people(carnet)
    jean = people["jean@atelierbois.fr"]
    assert (jean["first_name"], jean["last_name"], jean["organisation"]) == (
        "Jean", "Dupont", "Atelier Bois SARL"
    )
    marie = people["marie@dupont-freres.fr"]  # before: last name "Sarl Dupont Frères"
    assert (marie["first_name"], marie["last_name"], marie["organisation"]) == (
        "Marie", None, "SARL Dupont Frères"
    )
    assert people["eurl.martin@gmail.com"]["organisation"] == "EURL Martin"
    assert people["sci.parc@orange.fr"]["organisation"] == "SCI du Parc"
    # real family names stay names
    assert people["sophie.cabinet@gmail.com"]["last_name"] == "Cabinet"
    assert people["sophie.cabinet@gmail.com"]["organisation"] is None
    assert people["paul.ei@gmail.com"]["last_name"] == "Ei"


def test_a_name_and_its_company_in_one_cell_are_both_kept(carnet: Carnet, tmp_path: Path) -> None:
    """A trade show's sign-up sheet: "Nom complet" holds the person and the company."""
    path = tmp_path / "salon.csv"
    path.write_text(
        "Nom complet;Email\n"
        "Jean Dupont - Atelier Bois SARL;jean@atelierbois.fr\n"
        "Paul GIRARD (Mairie de Vannes);p.girard@vannes.fr\n"
        "Mairie de Vannes / Anne Morel;a.morel@vannes.fr\n"
        "Luc Petit - Directeur;luc@petit.fr\n"
        "Dupont - Martin SARL;contact@dupont-martin.fr\n",
        encoding="utf-8",
    )
    carnet.import_file(path)
    people = _people(carnet)
    found = {
        email: (p["first_name"], p["last_name"], p["organisation"]) for email, p in people.items()
    }
    assert found == {
        # before: an organisation-less Jean Dupont (the company dropped as a remark)
        "jean@atelierbois.fr": ("Jean", "Dupont", "Atelier Bois SARL"),
        "p.girard@vannes.fr": ("Paul", "Girard", "Mairie de Vannes"),
        # before: first name "Mairie", last name "de Vannes"
        "a.morel@vannes.fr": ("Anne", "Morel", "Mairie de Vannes"),
        "luc@petit.fr": ("Luc", "Petit", None),  # a job title: a remark, as before
        "contact@dupont-martin.fr": (None, None, "Dupont - Martin SARL"),
    }


def test_a_father_and_his_son_keep_their_suffix_apart(carnet: Carnet, tmp_path: Path) -> None:
    path = tmp_path / "clients.csv"
    path.write_text(
        "Civilité;Prénom;Nom;Email\n"
        "M.;Gérard;FLEURY fils;gerard.fleury@free.fr\n"
        "M.;Gérard;FLEURY père;gerard.fleury.pere@free.fr\n",
        encoding="utf-8",
    )
    carnet.import_file(path)
    stripe = tmp_path / "stripe.csv"
    stripe.write_text(
        "id,Email,Name\n"
        "cus_1,g.fleury@orange.fr,Gérard FLEURY fils\n"
        "cus_2,jmartin@gmail.com,Jean MARTIN Jr.\n",
        encoding="utf-8",
    )
    carnet.import_file(stripe)
    people = _people(carnet)
    for email, suffix in [
        ("gerard.fleury@free.fr", "fils"),
        ("gerard.fleury.pere@free.fr", "père"),
        ("g.fleury@orange.fr", "fils"),  # before: first name "Gérard Fils"
        ("jmartin@gmail.com", "Jr"),
    ]:
        person = people[email]
        assert person["last_name"] in ("Fleury", "Martin")
        assert person["first_name"] in ("Gérard", "Jean")
        assert person["attributes"]["name_suffix"] == suffix


def test_partial_dates_and_ages_are_kept_with_what_they_say(
    carnet: Carnet, tmp_path: Path
) -> None:
    path = tmp_path / "fidelite.csv"
    path.write_text(
        "Civilité;Prénom;Nom;Email;Client depuis;Date de naissance;Âge;Année de naissance\n"
        "M.;Gérard;FLEURY;gerard.fleury@free.fr;2015;12/05;42;\n"
        "Mme;Anne;Morel;anne.morel@gmail.com;03/2018;12 mai;;1980\n"
        "M.;Luc;Petit;luc.petit@orange.fr;mars 2012;12-mai;68 ans;\n"
        "Mme;Zoé;Roux;zoe.roux@free.fr;14/02/2011;1er mai 1990;25-34;\n"
        "M.;Max;Blanc;max.blanc@free.fr;2031;31/04;150;\n",
        encoding="utf-8",
    )
    report = carnet.import_file(path)
    assert report.counts["inserted"] == 5
    assert report.verdicts["customer_since"] == {"valid": 1, "warning": 3, "invalid": 1}
    people = _people(carnet)
    gerard = people["gerard.fleury@free.fr"]
    # before: customer_since None, invalid_values {"customer_since": "2015", "birth_date":
    # "12/05"}, attribute age "42" (text)
    assert gerard["customer_since"] == date(2015, 1, 1)
    assert gerard["birth_date"] is None
    attributes = gerard["attributes"]
    assert attributes["customer_since_precision"] == "year"
    assert attributes["birthday"] == "--05-12"
    assert attributes["age"] == 42 and attributes["age_on"] == date.today().isoformat()
    assert "invalid_values" not in attributes
    anne = people["anne.morel@gmail.com"]  # her birthday and her birth year: her birth date
    assert anne["birth_date"] == date(1980, 5, 12) and "birthday" not in anne["attributes"]
    assert anne["customer_since"] == date(2018, 3, 1)
    assert anne["attributes"]["customer_since_precision"] == "month"
    luc = people["luc.petit@orange.fr"]
    assert luc["attributes"]["age"] == 68 and luc["attributes"]["birthday"] == "--05-12"
    zoe = people["zoe.roux@free.fr"]
    assert zoe["customer_since"] == date(2011, 2, 14) and zoe["birth_date"] == date(1990, 5, 1)
    assert "customer_since_precision" not in zoe["attributes"]
    assert zoe["attributes"]["invalid_values"] == {"age": "25-34"}  # a band: kept raw
    max_ = people["max.blanc@free.fr"]
    assert max_["customer_since"] is None
    assert max_["attributes"]["invalid_values"] == {
        "customer_since": "2031", "birth_date": "31/04", "age": "150"
    }


def test_a_father_and_his_son_on_one_line_stay_two_people(carnet: Carnet, tmp_path: Path) -> None:
    """One landline, one name: the suffix tells the father from the son, in one file and
    across two (before this, 'fils' and 'père' made two first names, which kept them
    apart by chance)."""
    both = tmp_path / "annuaire.csv"
    both.write_text(
        "Nom complet;Téléphone;Code postal;Ville\n"
        "Gérard FLEURY fils;02 40 12 34 56;44000;Nantes\n"
        "Gérard FLEURY père;02 40 12 34 56;44000;Nantes\n",
        encoding="utf-8",
    )
    assert carnet.import_file(both).counts["inserted"] == 2
    later = tmp_path / "relance.csv"
    later.write_text(
        "Civilité;Prénom;Nom;Téléphone\n"
        "M.;Gérard;FLEURY Sr;02 40 12 34 56\n"  # the father, in another writing
        "M.;Gérard;FLEURY Jr;02 40 12 34 56\n",
        encoding="utf-8",
    )
    report = carnet.import_file(later)
    assert report.counts["inserted"] == 0
    with carnet.engine.connect() as conn:
        suffixes = sorted(
            attributes["name_suffix"]
            for (attributes,) in conn.execute(sa.select(s.contacts.c.attributes))
        )
    # each row joined its own man: the first file's suffixes stay, and each contact
    # holds one row of the second file
    assert suffixes == ["fils", "père"]
    with carnet.engine.connect() as conn:
        e, src = s.external_ids, s.sources
        holders = conn.execute(
            sa.select(sa.func.count(sa.distinct(e.c.contact_id)))
            .select_from(e.join(src, src.c.id == e.c.source_id))
            .where(src.c.name == report.source)
        ).scalar_one()
    assert holders == 2


def test_an_old_crm_s_agreement_column_records_the_offers_consent(
    carnet: Carnet, tmp_path: Path
) -> None:
    """An old CRM in capitals: "ACCORD_COM" O / N / "ACCEPTÉ LE ..." is the customer's
    agreement to commercial offers by e-mail; a 12T is a 12 ter."""
    path = tmp_path / "vieux_crm.csv"
    path.write_text(
        "CODE_CLIENT;NOM;PRENOM;ADR1;CP;VILLE;EMAIL;ACCORD_COM\n"
        "C000101;LEROUX;HELENE;12T CRS DU PORT;1000;BOURG EN BRESSE;"
        "HELENE.LEROUX@ORANGE.FR;O\n"
        "C000102;MOREL;ERIC;4 IMP. DU GEN. DE GAULLE;35400;ST MALO;ERIC.MOREL@FREE.FR;N\n"
        "C000103;BLANC;CLEMENCE;8 Q BD VOLTAIRE;75011;PARIS;CLEMENCE.BLANC@GMAIL.COM;"
        "ACCEPTÉ LE 11/04/2018\n",
        encoding="cp1252",
    )
    report = carnet.import_file(path)
    assert report.counts["inserted"] == 3
    c, cp = s.contacts, s.contact_points
    with carnet.engine.connect() as conn:
        by_email = dict(
            conn.execute(
                sa.select(cp.c.normalised, c.c.id)
                .select_from(c.join(cp, cp.c.contact_id == c.c.id))
                .where(cp.c.kind == "email")
            ).all()
        )
        streets = dict(
            conn.execute(
                sa.select(cp.c.contact_id, cp.c.normalised).where(cp.c.kind == "address")
            ).all()
        )
    helene, eric, clemence = (
        by_email[e]
        for e in ("helene.leroux@orange.fr", "eric.morel@free.fr", "clemence.blanc@gmail.com")
    )
    assert carnet.may_contact(helene, "offers", "email").allowed
    assert carnet.may_contact(clemence, "offers", "email").allowed
    assert not carnet.may_contact(eric, "offers", "email").allowed
    assert streets[helene].startswith("12 TER COURS DU PORT|01000|")
    assert streets[eric].startswith("4 IMPASSE DU GENERAL DE GAULLE|35400|")
    assert streets[clemence].startswith("8 QUATER BOULEVARD VOLTAIRE|75011|")
