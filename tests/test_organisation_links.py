"""carnet.organisation_links: when a company name alone links to an organisation."""

from __future__ import annotations

import doctest

import pytest
import sqlalchemy as sa
from hypothesis import given
from hypothesis import strategies as st

from carnet import Carnet, organisation_links
from carnet.organisation_links import (
    Candidate,
    Place,
    choose_by_name,
    company_domain,
    place,
    places_agree,
)
from carnet.store import schema as s

LYON_3 = Place("FR", "69003", "lyon")
LYON_7 = Place("FR", "69007", "lyon")
BORDEAUX = Place("FR", "33000", "bordeaux")
LYON_NO_POSTCODE = Place("FR", None, "lyon")


@pytest.mark.parametrize(
    ("postcode", "city", "country", "expected"),
    [
        ("69003", "Lyon", "FR", LYON_3),
        (" 69 003 ", "LYON 03", "fr", LYON_3),
        ("75015", "Paris 15e", "FR", Place("FR", "75015", "paris")),
        ("75008", "PARIS CEDEX 08", None, Place(None, "75008", "paris")),
        (None, "Saint-Étienne", "FR", Place("FR", None, "saint etienne")),
        ("42000", "ST ETIENNE", "FR", Place("FR", "42000", "saint etienne")),
        (None, None, "FR", None),
        ("", "  ", "FR", None),
    ],
)
def test_the_place_of_an_address(
    postcode: str | None, city: str | None, country: str | None, expected: Place | None
) -> None:
    assert place(postcode, city, country) == expected


@given(st.one_of(st.none(), st.text()), st.one_of(st.none(), st.text()), st.text(max_size=3))
def test_any_address_gives_a_place_or_none(
    postcode: str | None, city: str | None, country: str
) -> None:
    found = place(postcode, city, country)
    if found is not None:
        assert found.postcode or found.city
        # a place read again from itself is the same place
        assert place(found.postcode, found.city, found.country) == found


@pytest.mark.parametrize(
    ("a", "b", "generic", "agree"),
    [
        ([LYON_3], [LYON_3], True, True),
        ([LYON_3], [BORDEAUX], False, False),
        # one city, two postcodes: one company of a distinctive name, two of a generic one
        ([LYON_3], [LYON_7], False, True),
        ([LYON_3], [LYON_7], True, False),
        # a postcode missing: the city decides
        ([LYON_NO_POSTCODE], [LYON_7], True, True),
        ([BORDEAUX, LYON_3], [LYON_3], True, True),
        ([Place("BE", "1000", "bruxelles")], [Place("FR", "1000", "bruxelles")], False, False),
        ([Place(None, "69003", None)], [LYON_3], True, True),
        ([], [LYON_3], False, False),
    ],
)
def test_places_agree(a: list[Place], b: list[Place], generic: bool, agree: bool) -> None:
    assert places_agree(a, b, generic=generic) is agree
    assert places_agree(b, a, generic=generic) is agree


def _org(
    org_id: int,
    *places: Place,
    siren: str | None = None,
    form: str | None = None,
    domains: tuple[str, ...] = (),
) -> Candidate:
    return Candidate(org_id, siren, form, set(places), set(domains))


def _choose(
    candidates: list[Candidate],
    places: list[Place],
    *,
    siren: str | None = None,
    form: str | None = None,
    generic: bool = False,
    domains: tuple[str, ...] = (),
) -> tuple[int | None, str | None]:
    chosen, why = choose_by_name(
        candidates, places, domains=domains, siren=siren, form=form, generic=generic
    )
    return (chosen.id if chosen else None), why


def test_the_one_in_the_rows_place_is_chosen() -> None:
    bordeaux, lyon = _org(1, BORDEAUX, siren="515084911"), _org(2, LYON_3, siren="636568891")
    assert _choose([bordeaux, lyon], [LYON_3]) == (2, None)
    assert _choose([bordeaux, lyon], [Place("FR", "13001", "marseille")]) == (None, "elsewhere")


def test_a_generic_name_needs_the_same_place() -> None:
    villeurbanne = _org(1, Place("FR", "69100", "villeurbanne"))
    assert _choose([villeurbanne], [Place("FR", "69100", "villeurbanne")], generic=True)[0] == 1
    assert _choose([villeurbanne], [Place("FR", "69200", "venissieux")], generic=True)[0] is None
    # no place on either side: every town has a Mairie
    assert _choose([_org(2)], [Place("FR", "69200", "venissieux")], generic=True)[0] is None
    assert _choose([villeurbanne], [], generic=True) == (
        None,
        "a generic name, and the row gives no place",
    )


def test_a_distinctive_name_links_where_nothing_contradicts_it() -> None:
    # the organisation has no place yet, or the row has none and one company bears the name
    assert _choose([_org(1)], [LYON_3]) == (1, None)
    assert _choose([_org(1, BORDEAUX)], []) == (1, None)
    assert _choose([_org(1, BORDEAUX), _org(2, LYON_3)], []) == (
        None,
        "borne by several, and the row gives no place",
    )
    # a placed one is preferred to one with no place
    assert _choose([_org(1), _org(2, LYON_3)], [LYON_3]) == (2, None)


def test_two_companies_of_that_name_in_one_place_are_not_told_apart_by_it() -> None:
    twins = [_org(1, LYON_3, siren="515084911"), _org(2, LYON_3, siren="636568891")]
    assert _choose(twins, [LYON_3]) == (None, "borne by several companies there")
    # one company written twice (no SIREN on the second) is one
    assert _choose([_org(1, LYON_3, siren="515084911"), _org(2, LYON_3)], [LYON_3])[0] == 1


def test_another_siren_or_legal_form_is_another_company() -> None:
    sarl = _org(1, LYON_3, siren="515084911", form="sarl")
    assert _choose([sarl], [LYON_3], siren="636568891") == (
        None,
        "another SIREN, legal form or mail domain",
    )
    assert _choose([sarl], [LYON_3], form="eurl")[0] is None
    assert _choose([sarl], [LYON_3], form="sarl", siren="515084911")[0] == 1
    assert _choose([], [LYON_3]) == (None, None)


def test_a_company_mail_domain_tells_which_company() -> None:
    """The same domain links wherever the row is (a branch); another domain is another
    company, even with no place to compare."""
    lille = _org(1, Place("FR", "59000", "lille"), domains=("optique-moreau.fr",))
    roubaix = Place("FR", "59100", "roubaix")
    assert _choose([lille], [roubaix], domains=("optique-moreau.fr",)) == (1, None)
    assert _choose([lille], [], domains=("optique-martin.fr",))[0] is None
    mairies = [
        _org(1, domains=("ville-villeurbanne.fr",)),
        _org(2, domains=("venissieux.fr",)),
    ]
    assert _choose(mairies, [], domains=("venissieux.fr",), generic=True) == (2, None)
    # an organisation whose contacts write from no company domain contradicts nothing
    assert _choose([_org(3)], [], domains=("laporte-ingenierie.fr",)) == (3, None)


@pytest.mark.parametrize(
    ("email", "domain"),
    [
        ("j.martin@Boulangerie-Martin.fr", "boulangerie-martin.fr"),
        ("jean@gmail.com", None),
        ("jean@orange.fr", None),
        ("jean@yopmail.com", None),
        ("not an e-mail", None),
        (None, None),
    ],
)
def test_company_domain(email: str | None, domain: str | None) -> None:
    assert company_domain(email) == domain


def test_the_examples_run() -> None:
    failures, tried = doctest.testmod(organisation_links)
    assert tried > 0 and failures == 0


def test_an_organisations_evidence_is_its_own_and_its_active_contacts(carnet: Carnet) -> None:
    """Its website's domain, and the places and company mail domains of its active
    contacts' addresses and e-mails; not those of a contact archived since."""
    siret = {"organisation_name": "Boulangerie Martin", "siret": "51508491100012"}
    jean = carnet.add_contact(
        {"first_name": "Jean", "email": "jean@boulangerie-martin.fr", "address_line1":
         "12 rue Paul Bert", "postcode": "69003", "city": "Lyon", **siret}
    )
    gone = carnet.add_contact(
        {"first_name": "Luc", "email": "luc@ancien-fournil.fr", "postcode": "33000",
         "city": "Bordeaux", **siret}
    )
    alone = carnet.add_organisation({"name": "Fournil Roux", "website": "www.fournil-roux.fr"})
    assert jean.organisation_id == gone.organisation_id is not None
    with carnet.engine.begin() as conn:
        conn.execute(
            sa.update(s.contacts).where(s.contacts.c.id == gone.id).values(status="archived")
        )
        found = organisation_links.organisation_evidence(
            conn, [jean.organisation_id, alone.id, 999_999]
        )
    assert set(found) == {jean.organisation_id, alone.id}
    assert found[jean.organisation_id].places == {LYON_3}
    assert found[jean.organisation_id].domains == {"boulangerie-martin.fr"}
    assert found[alone.id].domains == {"fournil-roux.fr"} and not found[alone.id].places
