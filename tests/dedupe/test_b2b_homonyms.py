"""Three B2B files with companies of one name in several towns (both databases).

Before the import weighed places, a trade-show lead of the Bordeaux
"Boulangerie Martin" was linked to the Lyon one, took its SIREN, and the
duplicate search merged the two Jean Martins; so did the town-hall clerks of
three towns, all linked to one "Mairie". See :mod:`b2b_files` for the traps.
"""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from carnet import Carnet
from carnet.store import schema as s
from tests.dedupe import b2b_files as b2b


def _organisation_of(ws: Carnet, email: str) -> tuple[str | None, str | None] | None:
    """The name and SIREN of the organisation of the contact holding ``email``."""
    c, o, cp = s.contacts, s.organisations, s.contact_points
    with ws.engine.connect() as conn:
        row = conn.execute(
            sa.select(o.c.name, o.c.siren)
            .select_from(
                cp.join(c, c.c.id == cp.c.contact_id).join(o, o.c.id == c.c.organisation_id)
            )
            .where(cp.c.normalised == email)
        ).first()
    return None if row is None else (row[0], row[1])


def test_homonym_companies_elsewhere_lend_no_siren(carnet: Carnet, tmp_path: Path) -> None:
    b2b.import_files(carnet, tmp_path)
    # other towns, or no town and a generic name: not the CRM's company, no SIREN
    for email in (
        "jmartin33@gmail.com",  # Boulangerie Martin, Bordeaux
        "michel.bernard49@gmail.com",  # Garage du Centre, Angers
        "philippe.dupont35@gmail.com",  # SARL Dupont, Rennes
        "nathalie.petit69@gmail.com",  # Mairie, Vénissieux
        "isabelle.laurent75@gmail.com",  # Pharmacie de la Gare, Paris 15e
        "natpetit@laposte.net",  # Mairie, no place
    ):
        found = _organisation_of(carnet, email)
        assert found is not None and found[1] is None, email
    # the same company, in its place: its SIREN
    assert _organisation_of(carnet, "jean.martin.69@gmail.com") == (
        "Boulangerie Martin",
        b2b.MARTIN_LYON[:9],
    )
    assert _organisation_of(carnet, "nath.petit@free.fr") == ("Mairie", b2b.MAIRIE_VILLEURBANNE[:9])
    assert _organisation_of(carnet, "antoine.roux38@gmail.com") == (
        "SARL Dupont & Fils",
        b2b.DUPONT_FILS[:9],
    )
    # a chain's second shop joins the company of its SIREN
    assert _organisation_of(carnet, "luc.moreau@optique-moreau.fr") == (
        "Optique Moreau",
        b2b.MOREAU_LILLE[:9],
    )
    assert _organisation_of(carnet, "marc.laporte31@gmail.com") == (
        "Laporte Ingénierie",
        b2b.LAPORTE[:9],
    )
    # the self-employed and the retired name no company
    for email in ("sylvie.garnier@gmail.com", "paul.garnier59@gmail.com"):
        assert _organisation_of(carnet, email) is None
    with carnet.engine.connect() as conn:
        mairies = conn.execute(
            sa.select(sa.func.count()).where(s.organisations.c.name.in_(("Mairie", "MAIRIE")))
        ).scalar_one()
    assert mairies == 3


def test_the_duplicate_search_merges_the_people_and_no_homonym(
    carnet: Carnet, tmp_path: Path
) -> None:
    ids = b2b.import_files(carnet, tmp_path)
    organisations = carnet.find_duplicate_organisations()
    # the import already made one organisation of each company in its place
    assert organisations.groups == 0
    carnet.find_duplicates()
    found = b2b.figures(carnet, ids)
    # no two people merged; the show's leads of the CRM's people (the Lyon baker, the
    # Villeurbanne clerk, the Dupont & Fils foreman ...) merged on the company they share
    assert found["false"] == []
    assert found["missed"] == []
