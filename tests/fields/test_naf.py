"""carnet.fields.naf."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from carnet.errors import InvalidComponent, InvalidFormat
from carnet.fields import naf
from carnet.fields.verdict import Status


@pytest.mark.parametrize(
    "raw", ["62.01Z", "6201Z", "62 01 Z", "6201z", "62-01Z", "62.01.Z", " 62.01 Z "]
)
def test_writings(raw: str) -> None:
    verdict = naf.check(raw)
    assert verdict.status is Status.VALID
    assert verdict.normalised == "62.01Z"
    assert verdict.details == {"label": "Programmation informatique", "section": "J"}


def test_the_whole_list_is_shipped() -> None:
    codes = naf.codes()
    assert len(codes) == 732
    assert all(len(code) == 6 and code[2] == "." for code in codes)
    assert (
        naf.label(
            "01.11Z",
        )
        is not None
    )
    assert naf.label("47.11F") == "Hypermarchés"
    assert naf.label("99.99Z") is None


@pytest.mark.parametrize(
    ("raw", "error"),
    [
        ("62.01A", InvalidComponent),
        ("99.99Z", InvalidComponent),
        ("721Z", InvalidComponent),
        ("62O1Z", InvalidFormat),
        ("6201", InvalidFormat),
    ],
)
def test_invalid(raw: str, error: type[Exception]) -> None:
    assert naf.check(raw).status is Status.INVALID
    with pytest.raises(error):
        naf.validate(raw)


def test_unknown_code_suggests_siblings() -> None:
    assert "62.01Z" in naf.check("62.01A").suggestions
    assert "before 2008" in naf.check("721Z").reasons[0]


def test_format_and_check_many() -> None:
    assert naf.format("6201z") == "62.01Z"
    assert len(naf.check_many(["6201Z", "62.01Z", "6201Z"])) == 2


@pytest.mark.parametrize(
    "raw",
    [
        "NAF 62.01Z",
        "APE 6201Z",
        "Code APE : 62.01Z",
        "APE/NAF: 6201Z",
        "N° APE 6201Z",
        "NAF rev. 2 : 62.01Z",
        "62,01Z",
        "62.01Z - Programmation informatique",
        "6201Z Programmation informatique",
    ],
)
def test_a_code_named_or_labelled_is_read(raw: str) -> None:
    # before: "A NAF code is written NN.NNL" for each
    verdict = naf.check(raw)
    assert verdict.status is Status.VALID and verdict.normalised == "62.01Z"


@pytest.mark.parametrize(
    ("raw", "suggestions"),
    [("6201", ("62.01Z",)), ("47.11", tuple(f"47.11{c}" for c in "ABCDEF"))],
)
def test_a_code_without_its_letter_suggests_its_subclasses(
    raw: str, suggestions: tuple[str, ...]
) -> None:
    verdict = naf.check(raw)
    assert verdict.status is Status.INVALID and verdict.suggestions == suggestions
    assert "letter" in verdict.reasons[0]


@given(st.sampled_from(sorted(naf.codes())), st.sampled_from(["", "NAF ", "Code APE : "]))
def test_every_code_reads_back_with_or_without_its_name(code: str, name: str) -> None:
    compact = code.replace(".", "")
    assert naf.check(name + compact).normalised == code
    assert naf.check(f"{name}{code} - {naf.label(code)}").normalised == code


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        # the activity as registers and accounting packages print it: label, then code
        ("Culture de la vigne (0121Z)", "01.21Z"),
        ("Boulangerie et boulangerie-pâtisserie (1071C)", "10.71C"),
        ("Travaux d'installation d'eau et de gaz en tous locaux (43.22A)", "43.22A"),
        ("Programmation informatique - 62.01Z", "62.01Z"),
        ("Coiffure : 9602 A", "96.02A"),
        ("Hôtels et hébergement similaire [APE 5510Z]", "55.10Z"),
    ],
)
def test_a_code_after_its_label(raw: str, code: str) -> None:
    # before: "A NAF code is written NN.NNL, e.g. 62.01Z."
    assert naf.check(raw).normalised == code


@pytest.mark.parametrize(
    "raw", ["Programmation informatique", "Transports (2019)", "Hôtels (55.10Z) et autres"]
)
def test_a_label_without_a_code_alone_in_brackets_is_no_code(raw: str) -> None:
    assert naf.check(raw).status is Status.INVALID


@given(st.sampled_from(sorted(naf.codes())), st.sampled_from(["({c})", "- {c}", ": {c}"]))
def test_every_code_reads_back_after_its_label(code: str, shape: str) -> None:
    compact = code.replace(".", "")
    assert naf.check(f"{naf.label(code)} {shape.format(c=compact)}").normalised == code
    assert naf.check(f"{naf.label(code)} {shape.format(c=code)}").normalised == code
