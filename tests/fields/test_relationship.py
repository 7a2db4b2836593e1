"""Company or person, and lifecycle stages, as CRM and invoicing exports write them."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from carnet.fields.catalog import LIFECYCLE_STAGES, default_catalog
from carnet.fields.relationship import check_is_company, check_lifecycle_stage
from carnet.fields.values import check_value

CATALOG = default_catalog()


@pytest.mark.parametrize(
    ("written", "company"),
    [
        ("True", True), ("False", False), ("Oui", True), ("non", False), ("1", True),
        ("Société", True), ("SOCIETE", True), ("Entreprise", True), ("Personne morale", True),
        ("Morale", True), ("Association", True), ("Professionnel", True), ("B2B", True),
        ("Particulier", False), ("Personne physique", False), ("Physique", False),
        ("Contact", False), ("Individual", False), ("Person", False),
    ],
)
def test_company_or_person(written: str, company: bool) -> None:
    verdict = check_value(CATALOG["is_company"], written)
    assert verdict.ok and verdict.normalised == ("true" if company else "false")


@pytest.mark.parametrize(
    ("written", "stage"),
    [
        ("Client", "customer"), ("cliente", "customer"), ("Customer", "customer"),
        ("Prospect", "prospect"), ("Opportunité", "prospect"), ("Opportunity", "prospect"),
        ("Sales Qualified Lead", "prospect"), ("Lead", "lead"), ("Abonné", "lead"),
        ("Subscriber", "lead"), ("Marketing Qualified Lead", "lead"),
        ("marketingqualifiedlead", "lead"), ("Ancien client", "former_customer"),
        ("Ex-client", "former_customer"), ("Client fidèle", "repeat_customer"),
        ("Client inactif", "lapsed"), ("Évangéliste", "customer"),
        ("repeat_customer", "repeat_customer"), ("  PROSPECT ", "prospect"),
    ],
)
def test_lifecycle_stages_in_crm_words(written: str, stage: str) -> None:
    assert check_value(CATALOG["lifecycle_stage"], written).normalised == stage


@pytest.mark.parametrize("written", ["Fournisseur", "Partenaire", "Autre", "Other", "Validé"])
def test_no_stage_is_kept_as_written(written: str) -> None:
    verdict = check_value(CATALOG["lifecycle_stage"], written)
    assert not verdict.ok and verdict.raw == written and verdict.reasons


@given(st.text(max_size=30))
def test_checks_never_raise_and_give_known_values(raw: str) -> None:
    stage = check_lifecycle_stage(raw)
    assert stage.normalised in (*LIFECYCLE_STAGES, None)
    assert stage.ok == (stage.normalised is not None)
    company = check_is_company(raw)
    assert company.normalised in ("true", "false", None)
