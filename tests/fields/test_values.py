"""Checks of the simple kinds (carnet.fields.values): yes/no values of consent flags."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from carnet.fields.catalog import default_catalog
from carnet.fields.values import checker_for
from carnet.fields.verdict import Status

CHECK_FLAG = checker_for(default_catalog()["optin_newsletter"], "FR")
CHECK_GENDER = checker_for(default_catalog()["gender"], "FR")


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("Oui", "true"), ("non", "false"), ("X", "true"), ("1", "true"), ("0", "false"),
        ("Abonnée", "true"), ("abonné(e)", "true"), ("Inscrite", "true"), ("Accepté", "true"),
        ("subscribed", "true"), ("✓", "true"), (" ✔ ", "true"), ("☑", "true"),
        ("Désabonné", "false"), ("désinscrite", "false"), ("Non inscrit", "false"),
        ("Non-abonnée", "false"), ("Refusé", "false"), ("unsubscribed", "false"),
        ("✗", "false"), ("☐", "false"), ("not_subscribed", "false"),
    ],
)
def test_yes_no_values(raw: str, value: str) -> None:
    verdict = CHECK_FLAG(raw)
    assert (verdict.status, verdict.normalised) == (Status.VALID, value)


@pytest.mark.parametrize("raw", ["pending", "cleaned", "-", "peut-être", "?", "abonnement"])
def test_an_unknown_word_is_never_read_as_a_consent(raw: str) -> None:
    verdict = CHECK_FLAG(raw)
    assert verdict.status is Status.INVALID and verdict.normalised is None


@given(st.text(max_size=20))
def test_a_flag_check_never_raises(raw: str) -> None:
    verdict = CHECK_FLAG(raw)
    assert verdict.normalised in (None, "true", "false")


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        # a ticked form box exports its own label; an answer in words opens with it
        ("J'accepte de recevoir la newsletter", "true"),
        ("Oui, je souhaite recevoir vos offres", "true"),
        ("I agree to receive marketing emails", "true"),
        ("yes please", "true"),
        ("Non merci", "false"),
        ("No thanks", "false"),
        ("Je ne souhaite pas recevoir d'offres", "false"),
        ("Non, je n'accepte pas", "false"),
    ],
)
def test_a_flag_answered_in_words(raw: str, value: str) -> None:
    assert (CHECK_FLAG(raw).status, CHECK_FLAG(raw).normalised) == (Status.VALID, value)
    assert CHECK_FLAG("Peut-être").status is Status.INVALID


CHECK_NPAI = checker_for(default_catalog()["npai"], "FR")


@pytest.mark.parametrize(
    ("raw", "value"),
    [("X", "true"), ("oui", "true"), ("NPAI", "true"), ("P.N.D.", "true"),
     ("12/03/2024", "true"), ("non", "false"), ("0", "false")],
)
def test_an_npai_cell_says_whether_mail_came_back(raw: str, value: str) -> None:
    verdict = CHECK_NPAI(raw)
    assert (verdict.status, verdict.normalised) == (Status.VALID, value)


def test_an_npai_date_is_kept() -> None:
    assert CHECK_NPAI("12/03/2024").details["date"] == "2024-03-12"
    assert CHECK_NPAI("peut-être").status is Status.INVALID


@pytest.mark.parametrize(
    ("raw", "value"),
    [("F", "female"), ("Homme", "male"), ("Mme", "female"), ("X", "other"),
     # INSEE's sex code (the first digit of a social security number)
     ("1", "male"), ("2", "female")],
)
def test_gender_values(raw: str, value: str) -> None:
    assert CHECK_GENDER(raw).normalised == value


@pytest.mark.parametrize("raw", ["NC", "N.C.", "Non communiqué", "?", "Ne se prononce pas"])
def test_a_gender_not_given_is_no_value_rather_than_an_invalid_one(raw: str) -> None:
    assert CHECK_GENDER(raw).status is Status.EMPTY
