"""carnet.fields.naf."""

from __future__ import annotations

import pytest

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
