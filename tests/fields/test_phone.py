"""carnet.fields.phone: French writings, types, regions, repairs, unassigned ranges."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from carnet.errors import InvalidComponent, InvalidFormat, InvalidLength
from carnet.fields import phone
from carnet.fields.verdict import Status


@pytest.mark.parametrize(
    "raw",
    [
        "06 12 34 56 78",
        "0612345678",
        "06.12.34.56.78",
        "06-12-34-56-78",
        "06/12/34/56/78",
        "+33 6 12 34 56 78",
        "+33612345678",
        "+33 (0)6 12 34 56 78",
        "+33(0)612345678",
        "0033 6 12 34 56 78",
        "0033612345678",
        "(+33) 6 12 34 56 78",
        " 06 12 34 56 78 ",
        "06\u00a012\u00a034\u00a056\u00a078",
        "0612345678.0",
    ],
)
def test_french_writings(raw: str) -> None:
    verdict = phone.check(raw)
    assert verdict.status is Status.VALID, verdict.reasons
    assert verdict.normalised == "+33612345678"
    assert verdict.details["type"] == "mobile"
    assert verdict.details["region"] == "FR"
    assert "repaired" not in verdict.flags


@pytest.mark.parametrize("raw", ["6 12 34 56 78", "612345678", "1 23 45 67 89"])
def test_lost_leading_zero_is_repaired(raw: str) -> None:
    verdict = phone.check(raw)
    assert verdict.status is Status.VALID
    assert "repaired" in verdict.flags
    assert verdict.normalised == "+33" + raw.replace(" ", "")
    assert verdict.reasons


@pytest.mark.parametrize(
    ("raw", "kind", "sms"),
    [
        ("01 23 45 67 89", "landline", "no"),
        ("04 78 12 34 56", "landline", "no"),
        ("06 12 34 56 78", "mobile", "yes"),
        ("07 81 23 45 67", "mobile", "yes"),
        ("09 51 23 45 67", "voip", "no"),
        ("08 00 12 34 56", "toll_free", "no"),
        ("08 99 12 34 56", "premium", "no"),
        ("08 10 12 34 56", "shared_cost", "no"),
    ],
)
def test_types(raw: str, kind: str, sms: str) -> None:
    verdict = phone.check(raw)
    assert verdict.details["type"] == kind
    assert kind in verdict.flags
    assert verdict.details["sms"] == sms


@pytest.mark.parametrize(
    ("raw", "region", "e164"),
    [
        ("+44 20 7946 0958", "GB", "+442079460958"),
        ("+32 2 555 12 12", "BE", "+3225551212"),
        ("+41 44 668 18 00", "CH", "+41446681800"),
        ("+1 202 555 0143", "US", "+12025550143"),
        ("00 49 30 901820", "DE", "+4930901820"),
        ("+377 93 15 00 00", "MC", "+37793150000"),
    ],
)
def test_foreign_numbers_are_valid_and_flagged(raw: str, region: str, e164: str) -> None:
    verdict = phone.check(raw)
    assert verdict.status is Status.VALID
    assert "foreign" in verdict.flags
    assert verdict.details["region"] == region
    assert verdict.normalised == e164


@pytest.mark.parametrize(
    ("raw", "region", "e164"),
    [
        ("0690 12 34 56", "GP", "+590690123456"),
        ("0692 12 34 56", "RE", "+262692123456"),
        ("0696 12 34 56", "MQ", "+596696123456"),
        ("0694 12 34 56", "GF", "+594694123456"),
        ("06 39 20 44 38", "YT", "+262639204438"),
        ("+262 692 12 34 56", "RE", "+262692123456"),
        # landlines phonenumbers also counts as metropolitan ones: they were +33 596 ...
        ("0596 70 12 34", "MQ", "+596596701234"),
        ("0269 61 23 45", "YT", "+262269612345"),
        ("0263 10 12 34", "RE", "+262263101234"),
        ("05 96 70 12 34", "MQ", "+596596701234"),
        ("0590 81 23 45", "GP", "+590590812345"),
        ("0594 30 12 34", "GF", "+594594301234"),
    ],
)
def test_overseas_numbers_written_the_french_way(raw: str, region: str, e164: str) -> None:
    verdict = phone.check(raw)
    assert verdict.status is Status.VALID
    assert verdict.normalised == e164
    assert verdict.details["region"] == region
    assert "foreign" not in verdict.flags
    # phonenumbers alone calls "06 39 ..." an invalid French number: the verdict says
    # where carnet found it; a number written with its own code needs no such note
    if raw.startswith("+"):
        assert "overseas" not in verdict.flags and not verdict.reasons
    else:
        assert "overseas" in verdict.flags
        assert "written the metropolitan way" in verdict.reasons[0]
    assert phone.check_distinct([raw] * phone.COLUMN_FROM)[0] == verdict


@pytest.mark.parametrize(
    "raw", ["05 56 12 34 56", "02 60 12 34 56", "08 06 12 34 56", "09 47 77 12 34"]
)
def test_metropolitan_numbers_stay_french(raw: str) -> None:
    # an overseas region's metadata also lists some 08 and 09 ranges: only a landline
    # both claim goes overseas
    verdict = phone.check(raw)
    assert verdict.normalised is not None and verdict.normalised.startswith("+33")
    assert verdict.details["region"] == "FR" and "overseas" not in verdict.flags


def test_default_region_other_than_france() -> None:
    verdict = phone.check("02 555 12 12", region="BE")
    assert verdict.normalised == "+3225551212"
    assert "foreign" not in verdict.flags
    assert "foreign" in phone.check("+33 6 12 34 56 78", region="BE").flags


def test_unassigned_range_is_invalid_with_best_effort() -> None:
    verdict = phone.check("07 00 00 00 00")
    assert verdict.status is Status.INVALID
    assert verdict.flags == {"unassigned"}
    assert verdict.normalised == "+33700000000"
    with pytest.raises(InvalidComponent):
        phone.validate("07 00 00 00 00")


@pytest.mark.parametrize(
    "raw", ["06 00 00 00 00", "0611111111", "+33 1 11 11 11 11", "06 06 06 06 06", "600000000"]
)
def test_a_placeholder_in_an_allocated_range_is_no_number(raw: str) -> None:
    """What files hold for "no number": valid to phonenumbers, nobody's line."""
    verdict = phone.check(raw)
    assert verdict.status is Status.INVALID and verdict.flags == {"placeholder"}
    assert "placeholder" in verdict.reasons[0]
    # a number that only starts like one is a number
    assert phone.check("06 00 00 00 01").ok


@pytest.mark.parametrize(
    ("raw", "error"),
    [
        ("06 12", InvalidLength),
        ("12", InvalidLength),
        ("1" * 20, InvalidLength),
        ("06 12 34 56 7A", InvalidFormat),
        ("call me", InvalidFormat),
        ("+999 1234 5678", InvalidComponent),
        ("", InvalidFormat),
    ],
)
def test_invalid(raw: str, error: type[Exception]) -> None:
    assert not phone.check(raw).ok
    with pytest.raises(error):
        phone.validate(raw)


@pytest.mark.parametrize(
    ("raw", "extension"),
    [("01 23 45 67 89 poste 12", "12"), ("01 23 45 67 89 ext. 405", "405"), ("0123456789 x7", "7")],
)
def test_extension(raw: str, extension: str) -> None:
    verdict = phone.check(raw)
    assert verdict.normalised == "+33123456789"
    assert verdict.details["extension"] == extension
    assert "extension" in verdict.flags


@pytest.mark.parametrize(
    ("raw", "e164"),
    [
        ("Tél. : 06 12 34 56 78", "+33612345678"),
        ("tel: 0612345678", "+33612345678"),
        ("06 12 34 56 78 (perso)", "+33612345678"),
        ("Portable 06 12 34 56 78", "+33612345678"),
        ("Mobile: +32 470 12 34 56", "+32470123456"),
        ("01 42 68 53 00 (bureau) poste 12", "+33142685300"),
    ],
)
def test_words_around_the_number_are_removed(raw: str, e164: str) -> None:
    verdict = phone.check(raw)
    assert verdict.ok and verdict.normalised == e164
    assert "cleaned" in verdict.flags
    assert "Words around the number were removed." in verdict.reasons


def test_two_labelled_numbers_in_one_cell_are_both_kept() -> None:
    verdict = phone.check("Mob: 0612345678 Fixe: 0123456789")
    assert verdict.normalised == "+33612345678" and verdict.details["others"] == "0123456789"


@pytest.mark.parametrize(
    "raw",
    ["06 12 34 56 78 (portable de sa fille)", "06 12 34 56 78 chez sa mère",
     "Tél du voisin 01 23 45 67 89", "0612345678 (de son mari)"],
)
def test_a_number_written_as_someone_else_s_is_kept_and_flagged(raw: str) -> None:
    verdict = phone.check(raw)
    assert verdict.status is Status.WARNING and "someone_else" in verdict.flags
    assert verdict.normalised is not None and "someone else's" in verdict.reasons[0]


@pytest.mark.parametrize("raw", ["06 12 34 56 78 (perso)", "06 12 34 56 78 (Mme)",
                                 "0612345678 (portable de Marie)"])
def test_a_number_with_its_own_words_is_the_person_s(raw: str) -> None:
    assert "someone_else" not in phone.check(raw).flags


def test_words_alone_are_not_a_number() -> None:
    assert not phone.check("fax").ok
    assert not phone.check("portable (perso)").ok


@pytest.mark.parametrize(
    "raw",
    [
        "06 12 34 56 78 / 01 23 45 67 89",
        "0612345678 ou 0123456789",
        "0612345678;0123456789",
        # two French numbers one after the other, with no word between them
        "0612345678 0123456789",
        "06 12 34 56 78 - 01 23 45 67 89",
    ],
)
def test_several_numbers_keep_the_first(raw: str) -> None:
    verdict = phone.check(raw)
    assert verdict.status is Status.WARNING
    assert verdict.normalised == "+33612345678"
    assert "multiple" in verdict.flags
    assert phone.check(verdict.details["others"]).normalised == "+33123456789"


def test_twenty_digits_are_two_numbers_only_when_each_is_one() -> None:
    assert not phone.check("06 12 34 56 78 90 12 34 56 78").ok
    assert "multiple" not in phone.check("00 12 34 56 78 06 12 34 56 78").flags


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("+33612345678", "06 12 34 56 78"),
        ("+33123456789", "01 23 45 67 89"),
        ("+442079460958", "+44 20 7946 0958"),
        ("not a number", "not a number"),
    ],
)
def test_format(value: str, shown: str) -> None:
    assert phone.format(value) == shown


def test_check_many_computes_each_number_once() -> None:
    values = ["0612345678", "06 12 34 56 78", "0612345678", None, "junk"] * 100
    result = phone.check_many(values)
    assert len(result) == 4
    assert result["junk"].status is Status.INVALID
    assert result[None].status is Status.EMPTY


def test_a_phone_excel_wrote_in_scientific_notation() -> None:
    lost = phone.check("6,12346E+08")
    assert lost.status is Status.INVALID and "scientific_notation" in lost.flags
    assert "last digits are lost" in lost.reasons[0]
    # every digit still there: read (a French mobile that lost its 0 as a number)
    assert phone.check("6.12345678E+08").normalised == "+33612345678"
    assert phone.check("3.3612345678E+10").normalised == "+33612345678"


@pytest.mark.parametrize(
    "cell",
    ["06 12 34 56 78 - M. Dupont", "Dupont : 06 12 34 56 78", "06 12 34 56 78 (après 18h)",
     "+33 6 12 34 56 78 chez sa mère"],
)
def test_one_number_among_words_is_read(cell: str) -> None:
    verdict = phone.check(cell)
    assert verdict.normalised == "+33612345678" and "cleaned" in verdict.flags


def test_a_letter_glued_to_the_digits_is_no_word_around_them() -> None:
    assert phone.check("06 12 34 56 7A").status is Status.INVALID
    # two numbers among words: which one is meant is not said
    assert phone.check("Tel 06 12 34 56 78 ou 01 45 67 89 10 le soir").status is Status.INVALID


@pytest.mark.parametrize(
    ("raw", "e164"),
    [("o6 12 34 56 78", "+33612345678"), ("O1 45 67 89 1O", "+33145678910"),
     ("Tél : o6.12.34.56.78", "+33612345678")],
)
def test_the_letter_o_typed_for_a_zero_is_read_as_one(raw: str, e164: str) -> None:
    verdict = phone.check(raw)
    assert (verdict.status, verdict.normalised) == (Status.VALID, e164)
    assert "repaired" in verdict.flags and "The letter O was read as a zero." in verdict.reasons
    # other letters among the digits are no zero
    assert phone.check(raw.replace("o", "a").replace("O", "A")).status is Status.INVALID


@pytest.mark.parametrize("raw", ["néant", "non communiqué", "0", "x", "/", "RAS", "pas de tél"])
def test_a_cell_saying_there_is_no_number_is_empty(raw: str) -> None:
    assert phone.check(raw).status is Status.EMPTY


def test_an_excel_error_is_empty_and_flagged() -> None:
    verdict = phone.check("#VALUE!")
    assert (verdict.status, verdict.flags) == (Status.EMPTY, {"spreadsheet_error"})


def test_a_json_list_gives_every_number() -> None:
    verdict = phone.check(
        '[{"label":"work","value":"01 45 67 89 10"},'
        '{"label":"mobile","value":"06 12 34 56 78","primary":true}]'
    )
    assert (verdict.normalised, verdict.details["others"]) == ("+33612345678", "01 45 67 89 10")
    assert phone.check('["06 12 34 56 78"]').normalised == "+33612345678"
    assert phone.check("[]").status is Status.EMPTY


@pytest.mark.parametrize("raw", ["06 12 34 56 7", "01 23 45 67", "0612345 67"])
def test_a_french_number_that_lost_a_digit_is_too_short(raw: str) -> None:
    """It was "the right length but in no allocated range", with a made-up E.164 form."""
    verdict = phone.check(raw)
    assert verdict.status is Status.INVALID and verdict.normalised is None
    assert verdict.reasons == ("The number is too short: a French number has ten digits.",)
    assert phone.check_distinct([raw] * phone.COLUMN_FROM)[0] == verdict


@pytest.mark.parametrize("raw", ["00 00 00 00 00", "0000000000", "99 99 99 99 99", "9999999999"])
def test_one_digit_over_and_over_is_a_placeholder(raw: str) -> None:
    # before: "This is not a valid phone number.", with no flag
    verdict = phone.check(raw)
    assert verdict.status is Status.INVALID and verdict.flags == {"placeholder"}
    assert phone.check_distinct([raw] * phone.COLUMN_FROM)[0] == verdict


@pytest.mark.parametrize(
    ("raw", "others"),
    [
        ("06 12 34 56 78 06 12 34 56 78", None),
        ("06 12 34 56 78 / 06.12.34.56.78", None),
        ("06 12 34 56 78 / 01 23 45 67 89 / 06 12 34 56 78", "01 23 45 67 89"),
        # Google Contacts' export joins a contact's numbers with " ::: "
        ("06 12 34 56 78 ::: 01 23 45 67 89", "01 23 45 67 89"),
    ],
)
def test_a_number_written_twice_is_one_number(raw: str, others: str | None) -> None:
    # before: the first two were "too long", the third kept the mobile twice
    verdict = phone.check(raw)
    assert verdict.normalised == "+33612345678"
    assert verdict.details.get("others") == others


def test_an_extension_in_brackets_is_kept() -> None:
    # before: "(poste 12)" was removed as words around the number, and the extension lost
    verdict = phone.check("01 23 45 67 89 (poste 12)")
    assert verdict.details["extension"] == "12" and "extension" in verdict.flags


@pytest.mark.parametrize(
    "note",
    ["(ne pas appeler)", "- NE PLUS APPELER", "Bloctel", "(pas d'appels)", "ne pas démarcher"],
)
def test_a_note_not_to_call_is_kept_in_the_verdict(note: str) -> None:
    # before: the note was dropped as "words around the number"; it is an opposition
    for raw in (f"06 12 34 56 78 {note}", f"{note} 06 12 34 56 78"):
        verdict = phone.check(raw)
        assert verdict.status is Status.WARNING and verdict.normalised == "+33612345678"
        assert "do_not_call" in verdict.flags and "not to call" in verdict.reasons[0]
    alone = phone.check(note)
    assert alone.status is Status.EMPTY and alone.flags == {"do_not_call"}


@pytest.mark.parametrize(
    "raw", ["06 12 34 56 78 (pas d'appel avant 18h)", "06 12 34 56 78 perso"]
)
def test_a_note_of_when_or_what_is_no_refusal(raw: str) -> None:
    assert "do_not_call" not in phone.check(raw).flags


@given(
    st.from_regex(r"0[67][0-9]{8}", fullmatch=True),
    st.sampled_from(["(ne pas appeler)", "BLOCTEL"]),
)
def test_a_refusal_beside_a_number_reads_the_same_number(number: str, note: str) -> None:
    plain = phone.check(number)
    noted = phone.check(f"{number} {note}")
    assert noted.normalised == plain.normalised
    if plain.ok:
        assert "do_not_call" in noted.flags
