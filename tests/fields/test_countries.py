"""Country names and codes as files write them."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from carnet.fields.catalog import default_catalog
from carnet.fields.countries import country_code
from carnet.fields.values import checker_for
from carnet.fields.verdict import Status

CHECK_COUNTRY = checker_for(default_catalog()["country"], "FR")


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("France", "FR"), ("FRA", "FR"), ("fr", "FR"), ("Belgique", "BE"), ("België", "BE"),
        ("Deutschland", "DE"), ("Allemagne", "DE"), ("Royaume-Uni", "GB"), ("England", "GB"),
        ("Angleterre", "GB"), ("ESPAÑA", "ES"), ("Italia", "IT"), ("Pays-Bas", "NL"),
        ("Hollande", "NL"), ("États-Unis", "US"), ("USA", "US"), ("Suisse", "CH"),
        ("Maroc", "MA"), ("Algérie", "DZ"), ("Côte d'Ivoire", "CI"), ("Sénégal", "SN"),
        # overseas France has its own codes (and phone plans)
        ("Guadeloupe", "GP"), ("Martinique", "MQ"), ("La Réunion", "RE"), ("Mayotte", "YT"),
        ("Guyane française", "GF"), ("Nouvelle-Calédonie", "NC"), ("Polynésie française", "PF"),
        # the name before the comma of ISO's "Iran, Islamic Republic of"
        ("Iran", "IR"),
    ],
)
def test_names_in_the_languages_of_customer_files(written: str, code: str) -> None:
    assert country_code(written) == code
    verdict = CHECK_COUNTRY(written)
    assert (verdict.status, verdict.normalised) == (Status.VALID, code)


@pytest.mark.parametrize(
    ("written", "code"), [("France (métropole)", "FR"), ("Belgique (Wallonie)", "BE")]
)
def test_a_remark_in_brackets_is_read_past(written: str, code: str) -> None:
    verdict = CHECK_COUNTRY(written)  # was invalid
    assert (verdict.status, verdict.normalised) == (Status.VALID, code)


@pytest.mark.parametrize(
    "written", ["Atlantide", "ZZ", "XX", "Corée", "-", "France 2", "Lyon (France)"]
)
def test_unknown_or_ambiguous_names_are_no_country(written: str) -> None:
    # "Corée" is two countries; "ZZ" is no ISO code; "Lyon (France)" is a city
    assert country_code(written) is None
    assert CHECK_COUNTRY(written).status is Status.INVALID


@given(st.text(max_size=30))
def test_any_text_gives_a_code_or_none(text: str) -> None:
    code = country_code(text)
    assert code is None or (len(code) == 2 and code.isupper())


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("RDC", "CD"),
        ("R.D.C.", "CD"),
        ("RD Congo", "CD"),
        ("Congo-Brazzaville", "CG"),
        ("St Pierre et Miquelon", "PM"),
        ("Québec", "CA"),
    ],
)
def test_names_french_files_use_that_no_table_gives(written: str, code: str) -> None:
    # before: "not a known country"
    assert CHECK_COUNTRY(written).normalised == code


@pytest.mark.parametrize(("written", "codes"), [("Congo", ("CG", "CD")), ("Corée", ("KR", "KP"))])
def test_a_name_of_two_countries_says_so(written: str, codes: tuple[str, ...]) -> None:
    verdict = CHECK_COUNTRY(written)
    assert verdict.status is Status.INVALID and verdict.suggestions == codes
    assert "more than one country" in verdict.reasons[0]
