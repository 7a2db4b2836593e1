"""Duplicate organisations: evidence, groups, merges, exact undo (both databases)."""

from __future__ import annotations

import csv
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from carnet import Carnet
from carnet.dedupe.organisations import (
    OrganisationPair,
    OrganisationRecord,
    group_pairs,
    pair_organisations,
)
from carnet.errors import InvalidValueError, NotFoundError
from carnet.fields.organisation import name_key
from carnet.store import schema as s

# Valid SIRENs (Luhn) and a SIRET of the first.
SIREN_A = "732829320"
SIRET_A = "73282932000074"
SIREN_B = "552100554"
SIREN_C = "356000000"
T0 = datetime(2024, 1, 15, 9, 0, tzinfo=UTC)


def _org(ws: Carnet, **values: str) -> int:
    return ws.add_organisation(values).id


def _contact(ws: Carnet, organisation_id: int, email: str, postcode: str | None = None) -> int:
    last = "".join(ch for ch in email.split("@")[0] if ch.isalpha())
    values: dict[str, Any] = {"first_name": "Paul", "last_name": last.capitalize()}
    values["email"] = email
    if postcode:
        values.update(address_line1="3 rue Haute", postcode=postcode, city="Lyon")
    contact_id = ws.add_contact(values).id
    with ws.engine.begin() as conn:
        conn.execute(
            s.contacts.update()
            .where(s.contacts.c.id == contact_id)
            .values(organisation_id=organisation_id)
        )
    return contact_id


def _organisation_of(ws: Carnet, contact_id: int) -> int | None:
    with ws.engine.connect() as conn:
        value = conn.execute(
            sa.select(s.contacts.c.organisation_id).where(s.contacts.c.id == contact_id)
        ).scalar()
    return None if value is None else int(value)


def _state(ws: Carnet) -> dict[str, list[tuple[Any, ...]]]:
    o, c, r = s.organisations, s.contacts, s.contact_roles
    with ws.engine.connect() as conn:
        return {
            "organisations": [
                tuple(row)
                for row in conn.execute(
                    sa.select(*[col for col in o.columns if col.name != "updated_at"]).order_by(
                        o.c.id
                    )
                )
            ],
            "links": [
                tuple(row)
                for row in conn.execute(sa.select(c.c.id, c.c.organisation_id).order_by(c.c.id))
            ],
            "roles": [
                tuple(row)
                for row in conn.execute(
                    sa.select(r.c.contact_id, r.c.organisation_id, r.c.role, r.c.title).order_by(
                        r.c.contact_id, r.c.organisation_id, r.c.role
                    )
                )
            ],
        }


def test_same_siren_merges_and_the_contacts_follow(carnet: Carnet) -> None:
    a = _org(carnet, name="Dupont SA", siren=SIREN_A)
    b = _org(carnet, name="Ets Dupont", siret=SIRET_A, naf_code="62.01Z")
    other = _org(carnet, name="Garage Martin", siren=SIREN_B)
    paul = _contact(carnet, b, "paul@dupont.fr")
    report = carnet.find_duplicate_organisations()
    assert report.evidence == {"same SIRET": 1} or report.evidence == {"same SIREN": 1}
    assert report.groups == 1 and report.organisations_merged == 1
    assert report.example is not None and report.example["organisation_ids"] == [a, b]
    survivor = carnet.get_organisation(a)
    # The survivor's own values stay; its blanks are filled from the merged one.
    assert survivor.name == "Dupont SA"
    assert survivor.siret == SIRET_A and survivor.naf_code == "62.01Z"
    assert carnet.get_organisation(b).status == "merged"
    assert _organisation_of(carnet, paul) == a
    assert [o.id for o in carnet.list_organisations().items] == [a, other]
    # Nothing left to do on a second run.
    again = carnet.find_duplicate_organisations()
    assert again.groups == 0 and again.organisations == 2


def test_name_and_company_mail_domain_merge_but_a_webmail_does_not(carnet: Carnet) -> None:
    a = _org(carnet, name="Agence Michel")
    b = _org(carnet, name="AGENCE MICHEL SAS", siren=SIREN_A)
    _contact(carnet, a, "paul@agence-michel.fr")
    _contact(carnet, b, "marie@agence-michel.fr")
    c = _org(carnet, name="Cabinet Roger")
    d = _org(carnet, name="CABINET ROGER")
    _contact(carnet, c, "roger1@gmail.com")
    _contact(carnet, d, "roger2@gmail.com")
    report = carnet.find_duplicate_organisations()
    assert report.evidence == {"same name and mail domain": 1, "same name only": 1}
    assert report.groups == 1
    # The registered member's name, written in mixed case where a member does.
    merged = carnet.get_organisation(a)
    assert merged.siren == SIREN_A and merged.name == "Agence Michel"
    assert report.review_count == 1
    assert {report.review[0]["organisation_id_l"], report.review[0]["organisation_id_r"]} == {
        c,
        d,
    }
    assert carnet.get_organisation(c).status == "active"
    assert carnet.get_organisation(d).status == "active"


def test_name_and_a_contact_in_common_merge(carnet: Carnet) -> None:
    """One person on two files, with a personal address: the same company."""
    a = _org(carnet, name="Atelier Blanc")
    b = _org(carnet, name="Atelier Blanc SARL")
    first = _contact(carnet, a, "jeanne.blanc@gmail.com")
    second = _contact(carnet, b, "j.blanc@orange.fr")
    for contact_id in (first, second):
        carnet.update_contact(contact_id, {"mobile": "06 12 34 56 78"})
    report = carnet.find_duplicate_organisations()
    assert report.evidence == {"same name and a contact in common": 1}
    assert report.groups == 1
    (merge,) = carnet.list_organisation_merges()
    # The reason names the evidence, never the person's number.
    assert merge.reason is not None and "contact in common" in merge.reason
    assert "06" not in merge.reason and "+33" not in merge.reason


def test_name_and_postcode_merge_and_contradictions_keep_apart(carnet: Carnet) -> None:
    a = _org(carnet, name="Boulangerie Martin")
    b = _org(carnet, name="boulangerie martin SARL")
    _contact(carnet, a, "a@example.org", postcode="69003")
    _contact(carnet, b, "b@example.net", postcode="69003")
    # Same name, two registration numbers: two companies.
    c = _org(carnet, name="Garage Durand", siren=SIREN_B)
    d = _org(carnet, name="Garage Durand", siren=SIREN_C)
    # Same name, two addresses of their own: two businesses.
    e = _org(carnet, name="Pharmacie du Centre", postcode="69003", city="Lyon")
    f = _org(carnet, name="Pharmacie du Centre", postcode="13001", city="Marseille")
    report = carnet.find_duplicate_organisations()
    assert report.evidence == {"same name and postcode": 1}
    assert report.kept_apart == {"different SIREN": 1, "different postcodes": 1}
    assert carnet.get_organisation(b).merged_into_id == a
    for org_id in (c, d, e, f):
        assert carnet.get_organisation(org_id).status == "active"


def test_a_register_s_name_with_its_article_behind_meets_the_name_as_typed(
    carnet: Carnet,
) -> None:
    # SIRENE writes "ATELIER CREATIF (L')"; the CRM has "L'Atelier Créatif"
    typed = _org(carnet, name="L'Atelier Créatif", postcode="31000")
    registered = _org(carnet, name="ATELIER CREATIF (L')", postcode="31000")
    report = carnet.find_duplicate_organisations()
    assert report.evidence == {"same name and postcode": 1}
    assert carnet.get_organisation(registered).merged_into_id == typed


def test_a_similar_name_in_one_town_waits_for_review(carnet: Carnet) -> None:
    zinc = _org(carnet, name="Restaurant Le Petit Zinc", postcode="75006")
    typed = _org(carnet, name="Le Petit Zinc", postcode="75006")
    elsewhere = _org(carnet, name="Le Petit Zinc", postcode="69002")
    cabinet = _org(carnet, name="Cabinet Médical Dr Martin", postcode="59000")
    cabinet_du = _org(carnet, name="Cabinet medical du Dr. Martin", postcode="59000")
    # their own word is one, what they are is not: two businesses of one family
    _org(carnet, name="Boulangerie Martin", postcode="59000")
    _org(carnet, name="Garage Martin", postcode="59000")
    report = carnet.find_duplicate_organisations()
    assert report.evidence == {"similar name and postcode": 2}
    assert report.groups == 0
    assert {(r["organisation_id_l"], r["organisation_id_r"]) for r in report.review} == {
        (zinc, typed), (cabinet, cabinet_du)
    }
    assert carnet.get_organisation(elsewhere).status == "active"


def test_a_chain_never_joins_two_sirens() -> None:
    """A ~ B and A ~ C by name, B and C with different SIRENs: A joins one of them only."""
    records = {
        1: OrganisationRecord(1, "Martin Conseil", "martin conseil", None, None, None),
        2: OrganisationRecord(2, "Martin Conseil", "martin conseil", SIREN_B, None, None),
        3: OrganisationRecord(3, "Martin Conseil", "martin conseil", SIREN_C, None, None),
    }
    pairs = [
        OrganisationPair(1, 2, "same name and mail domain"),
        OrganisationPair(1, 3, "same name and mail domain"),
    ]
    groups, used, left_out = group_pairs(pairs, records)
    assert groups == [[1, 2]] and used == pairs[:1] and left_out == pairs[1:]
    found, kept_apart = pair_organisations(records.values())
    assert kept_apart == {"different SIREN": 1}
    assert {p.key for p in found} == {(1, 2), (1, 3)}


def test_two_legal_forms_of_one_name_are_two_companies(carnet: Carnet) -> None:
    """ "Wagner SARL" and "Wagner EURL" stay apart, and "Wagner" joins one of them only."""
    sarl = _org(carnet, name="Wagner SARL")
    eurl = _org(carnet, name="Wagner EURL")
    bare = _org(carnet, name="Wagner")
    for org_id, email in ((sarl, "a@wagner.fr"), (eurl, "b@wagner.fr"), (bare, "c@wagner.fr")):
        _contact(carnet, org_id, email)
    report = carnet.find_duplicate_organisations()
    assert report.kept_apart == {
        "different legal forms": 1,
        "would join two different SIRENs, addresses or legal forms": 1,
    }
    assert report.groups == 1 and report.organisations_merged == 1
    assert carnet.get_organisation(bare).merged_into_id == sarl
    assert carnet.get_organisation(eurl).status == "active"


def test_the_legal_form_held_tells_one_name_apart_as_the_name_s_does(carnet: Carnet) -> None:
    """Two "Wagner" of one town whose forms came from a "Forme juridique" column, not
    from their names: two companies (before: merged as one name and postcode)."""
    sarl = _org(carnet, name="Wagner", legal_form="SARL")
    sas = _org(carnet, name="WAGNER", legal_form="SAS")
    same = _org(carnet, name="Wagner SARL")
    for org_id, email in ((sarl, "a@wagner.fr"), (sas, "b@wagner.fr"), (same, "c@wagner.fr")):
        _contact(carnet, org_id, email, postcode="67000")
    report = carnet.find_duplicate_organisations()
    assert report.organisations_merged == 1
    assert carnet.get_organisation(same).merged_into_id == sarl
    assert carnet.get_organisation(sas).status == "active"


def test_one_siren_outweighs_a_new_legal_form_and_address(carnet: Carnet) -> None:
    """A SARL that became a SAS and moved keeps its SIREN: still one company."""
    old = _org(carnet, name="Dupont SARL", siren=SIREN_A, postcode="69003", city="Lyon")
    new = _org(carnet, name="Dupont SAS", siret=SIRET_A, postcode="69007", city="Lyon")
    report = carnet.find_duplicate_organisations()
    assert report.evidence == {"same SIREN": 1} and report.kept_apart == {}
    assert carnet.get_organisation(new).merged_into_id == old


def test_a_generic_name_shared_by_many_is_not_evidence() -> None:
    records = [OrganisationRecord(i, "Mairie", "mairie", None, None, None) for i in range(1, 61)]
    pairs, kept_apart = pair_organisations(records)
    assert pairs == [] and kept_apart == {"name too common to tell": 60 * 59 // 2}


def test_a_generic_name_alone_is_not_even_proposed() -> None:
    """Two "Mairie" with nothing else in common are two towns' town halls; two "Garage
    Martin" may be one garage (a person looks); two "Mairie" at one postcode are one."""

    def record(i: int, name: str, postcodes: set[str]) -> OrganisationRecord:
        return OrganisationRecord(
            i, name, name_key(name), None, None, None, contact_postcodes=frozenset(postcodes)
        )

    records = [
        record(1, "Mairie", {"69100"}),
        record(2, "MAIRIE", {"69200"}),
        record(3, "Garage Martin", {"37000"}),
        record(4, "Garage Martin", {"49000"}),
        record(5, "Pharmacie de la Gare", {"75010"}),
        record(6, "Pharmacie de la gare", {"75010"}),
    ]
    pairs, kept_apart = pair_organisations(records)
    assert [(p.key, p.evidence) for p in pairs] == [
        ((5, 6), "same name and postcode"),
        ((3, 4), "same name only"),
    ]
    assert kept_apart == {"generic name, nothing else in common": 1}


def test_unmerge_restores_exactly_and_is_not_redone(carnet: Carnet) -> None:
    a = _org(carnet, name="Dupont SA", siren=SIREN_A)
    b = _org(carnet, name="Ets Dupont", siret=SIRET_A, website="https://www.dupont.fr")
    paul = _contact(carnet, a, "paul@dupont.fr")
    marie = _contact(carnet, b, "marie@dupont.fr")
    with carnet.engine.begin() as conn:
        conn.execute(
            s.contact_roles.insert(),
            [
                {
                    "contact_id": marie,
                    "organisation_id": b,
                    "role": "buyer",
                    "title": "Achats",
                    "created_at": T0,
                },
                {
                    "contact_id": paul,
                    "organisation_id": a,
                    "role": "billing",
                    "title": None,
                    "created_at": T0,
                },
                {
                    "contact_id": paul,
                    "organisation_id": b,
                    "role": "billing",
                    "title": "Compta",
                    "created_at": T0,
                },
            ],
        )
    before = _state(carnet)
    report = carnet.find_duplicate_organisations()
    (merge_id,) = report.merge_ids
    assert _organisation_of(carnet, marie) == a
    with carnet.engine.connect() as conn:
        roles = conn.execute(
            sa.select(s.contact_roles.c.contact_id, s.contact_roles.c.role).where(
                s.contact_roles.c.organisation_id == a
            )
        ).all()
    assert sorted(tuple(r) for r in roles) == [(paul, "billing"), (marie, "buyer")]
    merges = carnet.list_organisation_merges()
    assert merges[0].id == merge_id and merges[0].reason is not None
    assert "same SIRET" in merges[0].reason or "same SIREN" in merges[0].reason
    result = carnet.unmerge_organisations(merge_id)
    assert result.restored_ids == (b,) and result.contacts_restored == 1
    assert _state(carnet) == before
    with pytest.raises(InvalidValueError, match="already undone"):
        carnet.unmerge_organisations(merge_id)
    again = carnet.find_duplicate_organisations()
    assert again.groups == 0
    assert again.kept_apart == {"separated by an undone merge": 1}
    h = s.history
    with carnet.engine.connect() as conn:
        written = conn.execute(
            sa.select(h.c.entity, h.c.entity_id, h.c.field, h.c.new_value)
            .where(h.c.source == f"organisation merge {merge_id}")
            .order_by(h.c.id)
        ).all()
    assert ("organisation", b, "merged_into", str(a)) in written
    assert ("contact", marie, "organisation_id", str(a)) in written
    assert ("organisation", a, "unmerge", None) in written


def test_unmerge_keeps_a_field_edited_since(carnet: Carnet) -> None:
    a = _org(carnet, name="Dupont SA", siren=SIREN_A)
    b = _org(carnet, name="Ets Dupont", siret=SIRET_A, naf_code="62.01Z")
    merge_id = carnet.merge_organisations(a, [b]).merge_id
    carnet.update_organisation(a, {"naf_code": "70.22Z"})
    result = carnet.unmerge_organisations(merge_id)
    assert "naf_code" in result.kept_fields
    assert carnet.get_organisation(a).naf_code == "70.22Z"
    assert carnet.get_organisation(a).siret is None
    assert carnet.get_organisation(b).status == "active"


def test_undo_order_is_enforced(carnet: Carnet) -> None:
    a = _org(carnet, name="A")
    b = _org(carnet, name="B")
    c = _org(carnet, name="C")
    first = carnet.merge_organisations(b, [c]).merge_id
    carnet.merge_organisations(a, [b])
    with pytest.raises(InvalidValueError, match="undo organisation merge"):
        carnet.unmerge_organisations(first)
    with pytest.raises(InvalidValueError, match="not active"):
        carnet.merge_organisations(a, [c])


def test_a_merge_whose_organisation_was_deleted_cannot_be_undone(carnet: Carnet) -> None:
    a = _org(carnet, name="Dupont SA", siren=SIREN_A)
    b = _org(carnet, name="Ets Dupont", siret=SIRET_A)
    merge_id = carnet.merge_organisations(a, [b]).merge_id
    carnet.delete_organisation(b)
    with pytest.raises(InvalidValueError, match="was deleted since"):
        carnet.unmerge_organisations(merge_id)
    assert carnet.get_organisation(a).siret == SIRET_A


def test_a_contact_unmerge_follows_its_organisation_merge(carnet: Carnet) -> None:
    """A contact merge undone after its organisation was merged points to the survivor."""
    a = _org(carnet, name="Dupont SA", siren=SIREN_A)
    b = _org(carnet, name="Ets Dupont", siret=SIRET_A)
    paul = _contact(carnet, a, "paul@dupont.fr")
    paul2 = _contact(carnet, b, "paul.b@dupont.fr")
    contact_merge = carnet.merge_contacts(paul, [paul2]).merge_id
    carnet.merge_organisations(a, [b])
    carnet.unmerge(contact_merge)
    assert _organisation_of(carnet, paul2) == a


def test_dry_run_writes_nothing_but_the_pairs(carnet: Carnet, tmp_path: Path) -> None:
    a = _org(carnet, name="Dupont SA", siren=SIREN_A)
    b = _org(carnet, name="Ets Dupont", siret=SIRET_A)
    c = _org(carnet, name="Cabinet Roger")
    d = _org(carnet, name="Cabinet Roger EURL")
    out = tmp_path / "orgs.csv"
    report = carnet.find_duplicate_organisations(dry_run=True, pairs_out=out)
    assert report.groups == 1 and report.merge_ids == [] and report.review_count == 1
    assert all(carnet.get_organisation(i).status == "active" for i in (a, b, c, d))
    with out.open(encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle, delimiter=";"))
    assert sorted(r["decision"] for r in rows) == ["merge", "review"]
    assert carnet.list_organisation_merges() == []


def test_an_import_makes_no_organisation_of_particulier(carnet: Carnet, tmp_path: Path) -> None:
    path = tmp_path / "salon.csv"
    path.write_text(
        "Prénom;Nom;Email;Société\n"
        "Paul;Durand;paul.durand@gmail.com;Particulier\n"
        "Anne;Morel;anne@dupont.fr;Dupont & Fils\n"
        "Luc;Petit;luc@dupont.fr;DUPONT ET FILS\n",
        encoding="utf-8",
    )
    carnet.import_file(path)
    with carnet.engine.connect() as conn:
        names = sorted(conn.execute(sa.select(s.organisations.c.name)).scalars())
    # One company spelt two ways (one name key), nothing telling two apart: one already.
    assert names == ["Dupont & Fils"]
    report = carnet.find_duplicate_organisations()
    assert report.evidence == {} and report.groups == 0


def test_a_pair_kept_apart_is_not_proposed_again(carnet: Carnet) -> None:
    a = _org(carnet, name="Wagner")
    b = _org(carnet, name="WAGNER")
    c = _org(carnet, name="Wagner SA", siren=SIREN_A)
    d = _org(carnet, name="Wagner", siret=SIRET_A)
    first = carnet.find_duplicate_organisations(dry_run=True)
    assert first.review_count >= 1 and first.groups == 1
    carnet.keep_organisations_apart(b, a, reason="deux entreprises")
    # Said twice: one decision, the latest reason.
    carnet.keep_organisations_apart(a, b, reason="deux garages")
    with carnet.engine.connect() as conn:
        rows = conn.execute(sa.select(s.organisation_pairs)).mappings().all()
    assert [(r["organisation_id_l"], r["organisation_id_r"], r["reason"]) for r in rows] == [
        (a, b, "deux garages")
    ]
    # c and d merge (same SIREN); a kept apart from b, even through d's name.
    report = carnet.find_duplicate_organisations()
    # The pairs left for review name organisations that remain, never d (merged into c).
    reviewed = {(r["organisation_id_l"], r["organisation_id_r"]) for r in report.review}
    assert reviewed == {(a, c), (b, c)}
    assert report.kept_apart.get("kept apart by a person") == 1
    assert carnet.get_organisation(d).merged_into_id == c
    assert carnet.get_organisation(a).merged_into_id != b
    assert carnet.get_organisation(b).merged_into_id != a
    # The decision follows an organisation into the one it is merged into.
    carnet.merge_organisations(c, [a])
    again = carnet.find_duplicate_organisations(dry_run=True)
    assert again.kept_apart.get("kept apart by a person") == 1
    with pytest.raises(InvalidValueError, match="itself"):
        carnet.keep_organisations_apart(a, a)
    with pytest.raises(NotFoundError):
        carnet.keep_organisations_apart(a, 999_999)
