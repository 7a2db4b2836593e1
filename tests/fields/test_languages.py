"""carnet.fields.languages and the language field's check: names, codes and locales as
customer files and CRM exports write them."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from carnet.fields.catalog import default_catalog
from carnet.fields.languages import language_code
from carnet.fields.values import checker_for
from carnet.fields.verdict import Status


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("Français", "fr"), ("FRANCAIS", "fr"), ("fr", "fr"), ("FR", "fr"), ("fra", "fr"),
        ("fr_FR", "fr"), ("fr-BE", "fr"), ("Fr-fr", "fr"), ("Francais (Belgique)", "fr"),
        ("French / Français", "fr"),  # Odoo: the English name and the language's own
        ("English (US)", "en"), ("Anglais", "en"), ("anglais britannique", "en"),
        ("Deutsch", "de"), ("Allemand", "de"), ("German / Deutsch", "de"),
        ("Italiano", "it"), ("Español", "es"), ("Castillan", "es"), ("pt-BR", "pt"),
        ("Portugais", "pt"), ("Néerlandais", "nl"), ("Flamand", "nl"), ("nl_BE", "nl"),
        ("Polonais", "pl"), ("Arabe", "ar"), ("Russe", "ru"), ("Vietnamien", "vi"),
        ("Chinese (Simplified)", "zh"), ("zh-Hans-CN", "zh"), ("Breton", "br"),
    ],
)
def test_languages_as_files_write_them(written: str, code: str) -> None:
    assert language_code(written) == code
    verdict = checker_for(default_catalog()["language"], "FR")(written)
    assert (verdict.ok, verdict.normalised) == (True, code)


@pytest.mark.parametrize("written", ["Klingon", "French / Deutsch", "xx_YY", "Oui", "12"])
def test_what_names_no_language_is_invalid_with_what_to_give(written: str) -> None:
    assert language_code(written) is None
    verdict = checker_for(default_catalog()["language"], "FR")(written)
    assert not verdict.ok
    assert verdict.reasons == (
        "not a language carnet knows: give its name (Français, English, Deutsch), its "
        "ISO 639-1 code (fr) or a locale (fr_FR)",
    )


@given(st.text(max_size=40))
def test_property_never_raises_and_a_code_reads_as_itself(text: str) -> None:
    code = language_code(text)
    if code is not None:
        assert len(code) == 2 and language_code(code) == code
        check = checker_for(default_catalog()["language"], "FR")
        assert check(code).normalised == code  # idempotent through the field's check


@pytest.mark.parametrize(
    ("written", "codes"),
    [
        ("Français, Anglais", "fr, en"),
        ("FR/EN", "fr, en"),
        ("français et anglais", "fr, en"),
        ("Anglais; Allemand; Français", "en, de, fr"),
    ],
)
def test_several_languages_keep_the_first_with_a_warning(written: str, codes: str) -> None:
    # before: "not a language carnet knows"
    verdict = checker_for(default_catalog()["language"], "FR")(written)
    assert verdict.status is Status.WARNING and verdict.flags == {"multiple"}
    assert verdict.normalised == codes.split(", ")[0] and f"({codes})" in verdict.reasons[0]


@pytest.mark.parametrize(("written", "code"), [("fre", "fr"), ("ger", "de"), ("dut", "nl")])
def test_the_bibliographic_codes_of_older_systems(written: str, code: str) -> None:
    assert language_code(written) == code


def test_one_language_written_twice_is_one() -> None:
    verdict = checker_for(default_catalog()["language"], "FR")("fr, FR")
    assert verdict.status is Status.VALID and verdict.normalised == "fr"
