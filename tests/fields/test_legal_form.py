"""carnet.fields.legal_form."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from carnet.errors import InvalidComponent, InvalidFormat
from carnet.fields import legal_form
from carnet.fields.catalog import default_catalog
from carnet.fields.organisation import LEGAL_FORMS
from carnet.fields.values import check_value
from carnet.fields.verdict import Status


@pytest.mark.parametrize(
    ("raw", "form"),
    [
        # as accounting packages and registers export the "Forme juridique" column
        ("SARL", "SARL"),
        ("S.A.R.L.", "SARL"),
        ("sarl", "SARL"),
        ("S.A.S.U.", "SASU"),
        ("Société à responsabilité limitée (SARL)", "SARL"),
        ("SARL - Société à responsabilité limitée", "SARL"),
        ("Société par actions simplifiée", "SAS"),
        ("Société par actions simplifiée unipersonnelle (SASU)", "SASU"),
        ("SAS unipersonnelle", "SASU"),
        ("SARL unipersonnelle", "EURL"),
        ("Société civile immobilière", "SCI"),
        ("SA à conseil d'administration", "SA"),
        ("Entrepreneur individuel", "EI"),
        ("Auto-entrepreneur", "EI"),
        ("Micro-entreprise", "EI"),
        ("E.I.", "EI"),
        ("Association loi 1901", "Association"),
        ("Commune et commune nouvelle", "Commune"),
        ("SARL au capital de 10 000 €", "SARL"),
        ("GmbH", "GmbH"),
        ("Limited", "Ltd"),
        # INSEE catégories juridiques
        ("5499", "SARL"),
        ("5710", "SAS"),
        ("5720", "SASU"),
        ("1000", "EI"),
        ("9220", "Association"),
    ],
)
def test_a_legal_form_is_read(raw: str, form: str) -> None:
    verdict = legal_form.check(raw)
    assert verdict.status is Status.VALID and verdict.normalised == form


@pytest.mark.parametrize("raw", ["Boulangerie", "Dupont", "Client", "9999", "Artisan"])
def test_what_is_no_legal_form_is_refused(raw: str) -> None:
    assert legal_form.check(raw).status is Status.INVALID
    with pytest.raises(InvalidComponent if raw.isdigit() else InvalidFormat):
        legal_form.validate(raw)


def test_the_catalog_field_uses_the_check() -> None:
    field = default_catalog()["legal_form"]
    assert check_value(field, "S.A.S.").normalised == "SAS"
    assert check_value(field, "").status is Status.EMPTY


def test_every_form_a_name_carries_has_its_registered_writing() -> None:
    # the import fills the organisation's legal form from "Dupont SARL": every word
    # carnet.fields.organisation reads as a form must have one
    assert [w for w in sorted(LEGAL_FORMS) if legal_form.canonical(w) is None] == []


_ABBREVIATIONS = [f for f in legal_form.FORMS if " " not in f and f != "Association"]


@given(
    st.sampled_from(_ABBREVIATIONS),
    st.sampled_from([str.upper, str.lower, str.title, lambda s: s]),
    st.booleans(),
    st.sampled_from(["", " au capital de 1 000 €", ", capital : 5000 euros", " RCS Lyon 123"]),
)
def test_every_form_reads_back_however_written(
    form: str, case: object, dotted: bool, mention: str
) -> None:
    written = case(form.rstrip("."))  # type: ignore[operator]
    if dotted and form.isupper():
        written = ".".join(written) + "."
    verdict = legal_form.check(written + mention)
    assert verdict.normalised == form
    assert legal_form.check(verdict.normalised).normalised == form
