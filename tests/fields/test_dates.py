"""carnet.fields.dates: the writings of dates, birth-date plausibility, pivots."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from carnet.errors import InvalidComponent, InvalidFormat
from carnet.fields import dates
from carnet.fields.verdict import Status

TODAY = date(2025, 6, 1)


@pytest.mark.parametrize(
    "raw",
    [
        "03/01/1980",
        "3/1/1980",
        "03-01-1980",
        "03.01.1980",
        "03 / 01 / 1980",
        "1980-01-03",
        "1980/01/03",
        "1980-01-03T00:00:00",
        "1980-01-03T14:30:00Z",
        "1980-01-03 14:30:00+01:00",
        "03/01/1980 14:30",
        "19800103",
        "03011980",
        "3 janvier 1980",
        "03 JANVIER 1980",
        "3 janv. 1980",
        "jeudi 3 janvier 1980",
        "3 Jan 1980",
        "3rd January 1980",
        "January 3, 1980",
        "Jan. 3 1980",
        "29223",
        "29223.0",
        "29223.5",
        date(1980, 1, 3),
        datetime(1980, 1, 3, 12, 0),
        29223,
        29223.0,
    ],
)
def test_writings_of_the_same_day(raw: object) -> None:
    assert dates.parse_date(raw, today=TODAY) == date(1980, 1, 3)
    verdict = dates.check(raw, today=TODAY)
    assert verdict.ok
    assert verdict.normalised == "1980-01-03"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1er février 1980", date(1980, 2, 1)),
        ("1er fevrier 1980", date(1980, 2, 1)),
        ("15 août 2001", date(2001, 8, 15)),
        ("15 aout 2001", date(2001, 8, 15)),
        ("25 déc. 1999", date(1999, 12, 25)),
        ("7 sept 1977", date(1977, 9, 7)),
        ("mardi 3 juin 2025", date(2025, 6, 3)),
        # "Mar" is March before a day and a year, not a Tuesday ("mar.")
        ("Mar 5, 2024", date(2024, 3, 5)),
        ("mar. 5 mars 2024", date(2024, 3, 5)),
        ("44927", date(2023, 1, 1)),
        # Excel's day 1 is 1 January 1900 (it was read a day early), and its days before
        # the 29 February 1900 it counts are one ahead of the calendar
        ("1", date(1900, 1, 1)),
        ("59", date(1900, 2, 28)),
        ("61", date(1900, 3, 1)),
        ("15 06 1980", date(1980, 6, 15)),
        ("né le 15/06/1980", date(1980, 6, 15)),
        ("Née le 3 mars 1975", date(1975, 3, 3)),
    ],
)
def test_parse_date(raw: str, expected: date) -> None:
    assert dates.parse_date(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "31/02/1980",
        "00/01/1980",
        "32/01/1980",
        "13/13/1980",
        "janv. 1980",
        "1980",
        "hello",
        "0",
        "80001",
        "-3",
        "1.5e3",
        "3 foo 1980",
        "",
        None,
    ],
)
def test_unparseable(raw: str | None) -> None:
    assert dates.parse_date(raw) is None


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("31/02/1980", "There is no day 31 in 1980-02."),
        ("13/13/1980", "There is no month 13."),
        ("janv. 1980", "The day is missing (only a month and year)."),
        ("1980", "Only a year was given; the day and month are missing."),
        ("hello", "This is not a date (expected dd/mm/yyyy)."),
        # Mailchimp's "Birthday" merge field, a French "14/03": no year to store
        ("03/14", "Only a day and month were given (a birthday?); the year is missing."),
        ("14-03", "Only a day and month were given (a birthday?); the year is missing."),
    ],
)
def test_reasons(raw: str, reason: str) -> None:
    verdict = dates.check(raw)
    assert verdict.status is Status.INVALID
    assert verdict.reasons == (reason,)


@pytest.mark.parametrize("raw", ["00/00/0000", "0000-00-00", "", "  ", None, "n/a"])
def test_empty(raw: str | None) -> None:
    assert dates.check(raw).status is Status.EMPTY


@pytest.mark.parametrize(
    ("raw", "birth", "generic"),
    [
        ("03/01/80", "1980-01-03", "1980-01-03"),
        ("03/01/05", "2005-01-03", "2005-01-03"),
        ("03/01/25", "2025-01-03", "2025-01-03"),
        ("03/01/26", "1926-01-03", "2026-01-03"),
        ("03/01/45", "1945-01-03", "2045-01-03"),
        ("03/01/46", "1946-01-03", "1946-01-03"),
        ("030180", "1980-01-03", "1980-01-03"),
    ],
)
def test_two_digit_year_pivot(raw: str, birth: str, generic: str) -> None:
    born = dates.check(raw, kind="birth_date", today=TODAY)
    assert born.details.get("age") is not None or born.status is Status.INVALID
    assert (born.normalised or "") == birth or "implausible" in born.flags
    assert dates.check(raw, today=TODAY).normalised == generic
    assert "two_digit_year" in dates.check(raw, today=TODAY).flags


def test_birth_date_plausibility() -> None:
    future = dates.check("02/06/2025", kind="birth_date", today=TODAY)
    assert future.status is Status.INVALID
    assert future.flags == {"implausible"}
    too_old = dates.check("02/01/1900", kind="birth_date", today=TODAY)
    assert too_old.status is Status.INVALID and "implausible" in too_old.flags
    ok = dates.check("01/06/1906", kind="birth_date", today=TODAY)
    assert ok.status is Status.VALID and ok.details["age"] == "119"
    minor = dates.check("01/06/2015", kind="birth_date", today=TODAY)
    assert minor.status is Status.WARNING and minor.flags == {"minor"}
    assert minor.details["age"] == "10"
    # an ordinary date may be in the future
    assert dates.check("02/06/2030", today=TODAY).status is Status.VALID


def test_ambiguity_only_flagged_when_month_first_is_asked() -> None:
    assert dates.check("03/04/1980").flags == frozenset()
    assert dates.check("03/04/1980").normalised == "1980-04-03"
    month_first = dates.check("03/04/1980", dayfirst=False)
    assert month_first.normalised == "1980-03-04"
    assert month_first.status is Status.WARNING and month_first.flags == {"ambiguous"}
    assert dates.check("03/03/1980", dayfirst=False).flags == frozenset()
    assert dates.check("03/25/1980", dayfirst=False).status is Status.VALID


def test_month_first_when_day_first_is_impossible() -> None:
    verdict = dates.check("12/25/1980")
    assert verdict.normalised == "1980-12-25"
    assert verdict.status is Status.WARNING
    assert verdict.flags == {"day_month_swapped"}


def test_flags_for_serials_and_times() -> None:
    assert dates.check("44927").flags == {"excel_serial"}
    assert dates.check("44927.75").flags == {"excel_serial", "time_dropped"}
    assert dates.check("1980-01-03 10:00").flags == {"time_dropped"}
    assert dates.check("1980-01-03 00:00").flags == frozenset()


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("05/01/2024 14:02:11", "2024-01-05T14:02:11"),
        ("05/01/2024 14h02", "2024-01-05T14:02:00"),
        ("05/01/2024 à 14h02", "2024-01-05T14:02:00"),
        ("le 05/01/2024 à 14:02", "2024-01-05T14:02:00"),
        ("Le vendredi 5 janvier 2024", "2024-01-05"),
        ("2024-01-05 10:00", "2024-01-05T10:00:00"),
        ("2023-02-01T10:00:00+01:00", "2023-02-01T10:00:00+01:00"),
        ("2023-02-01T10:00:00.5-0500", "2023-02-01T10:00:00.500000-05:00"),
        ("2023-02-01T10:00:00Z", "2023-02-01T10:00:00+00:00"),
        ("2023-02-01 10:00 UTC", "2023-02-01T10:00:00+00:00"),
        # Google Forms' download ("Horodateur") and US tools: a 12-hour clock, "UTC+2"
        ("2024/05/02 10:11:12 PM UTC+2", "2024-05-02T22:11:12+02:00"),
        ("2024/05/02 8:51:37 AM GMT+2", "2024-05-02T08:51:37+02:00"),
        ("2024/05/02 12:05:00 AM GMT", "2024-05-02T00:05:00+00:00"),
        ("2024/05/02 12:05:00 PM", "2024-05-02T12:05:00"),
        ("02/05/2024 10:11 UTC-05:30", "2024-05-02T10:11:00-05:30"),
        ("02/05/2024 10:11 gmt +0530", "2024-05-02T10:11:00+05:30"),
        # a date in words with its time: a letter's "le 5 mars 2024 à 10h30", RFC 2822
        # (an e-mail tool's export), a US tool's "March 5th, 2024 10:30 AM"
        ("le 5 mars 2024 à 10h30", "2024-03-05T10:30:00"),
        ("05 mars 2024 14:32", "2024-03-05T14:32:00"),
        ("Tue, 05 Mar 2024 10:00:00 +0100", "2024-03-05T10:00:00+01:00"),
        ("March 5th, 2024 10:30 AM", "2024-03-05T10:30:00"),
        # a round hour the French way, with no minutes
        ("07/03/2024 à 18h", "2024-03-07T18:00:00"),
        ("jeudi 7 mars 2024 à 9h", "2024-03-07T09:00:00"),
        ("44927.75", "2023-01-01T18:00:00"),
        ("03/01/1980", "1980-01-03"),
        (datetime(2024, 1, 5, 10, 30), "2024-01-05T10:30:00"),
        (datetime(2024, 1, 5, 10, 30, tzinfo=UTC), "2024-01-05T10:30:00+00:00"),
    ],
)
def test_moments_keep_their_time_of_day(raw: object, expected: str) -> None:
    verdict = dates.check(raw, kind="datetime")
    assert verdict.normalised == expected
    assert verdict.status is Status.VALID and "time_dropped" not in verdict.flags
    # A date field still drops the time.
    assert dates.check(raw).normalised == expected[:10]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # a time without an offset is the zone's, winter and summer
        ("05/01/2024 14:02:11", "2024-01-05T14:02:11+01:00"),
        ("05/07/2024 14:02", "2024-07-05T14:02:00+02:00"),
        (datetime(2024, 7, 5, 14, 2), "2024-07-05T14:02:00+02:00"),  # an Excel cell
        ("45478.5", "2024-07-05T12:00:00+02:00"),  # an Excel serial
        # the hour read twice on the autumn change is its first (summer) pass
        ("27/10/2024 02:30", "2024-10-27T02:30:00+02:00"),
        # a written offset wins; a date stays a date
        ("2024-07-05T14:02:00Z", "2024-07-05T14:02:00+00:00"),
        ("05/07/2024 14:02 UTC+4", "2024-07-05T14:02:00+04:00"),
        ("05/07/2024", "2024-07-05"),
    ],
)
def test_a_moment_without_an_offset_is_a_time_in_the_zone(raw: object, expected: str) -> None:
    verdict = dates.check(raw, kind="datetime", zone="Europe/Paris")
    assert verdict.normalised == expected and verdict.status is Status.VALID
    assert dates.check(expected, kind="datetime", zone="Europe/Paris").normalised == expected


def test_moments_in_an_overseas_zone() -> None:
    def moment(zone: str) -> str | None:
        return dates.check("05/07/2024 14:02", kind="datetime", zone=zone).normalised

    assert moment("America/Martinique") == "2024-07-05T14:02:00-04:00"
    assert moment("Asia/Kolkata") == "2024-07-05T14:02:00+05:30"


def test_an_impossible_time_keeps_the_date_with_a_warning() -> None:
    verdict = dates.check("05/01/2024 25:70", kind="datetime")
    assert verdict.normalised == "2024-01-05" and verdict.status is Status.WARNING
    assert "not a time of day" in verdict.reasons[0]


@settings(max_examples=300)
@given(
    # from 2 January 1900: midnight of the 1st is software's "no date"
    st.datetimes(min_value=datetime(1900, 1, 2), max_value=datetime(2100, 1, 1)),
    st.sampled_from(["%d/%m/%Y %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S.%f", "%d.%m.%Y"]),
    st.sampled_from(["", "Z", "+01:00", "-0530", " UTC+2", " GMT-05:30"]),
)
def test_moments_are_read_back_as_written_and_normalising_is_idempotent(
    moment: datetime, layout: str, offset: str
) -> None:
    text = moment.strftime(layout) + (offset if "%H" in layout else "")
    verdict = dates.check(text, kind="datetime")
    assert verdict.ok
    assert verdict.normalised is not None
    again = dates.check(verdict.normalised, kind="datetime")
    assert again.normalised == verdict.normalised
    if "%H" in layout:
        read = datetime.fromisoformat(verdict.normalised)
        assert read.replace(tzinfo=None) == moment.replace(
            second=moment.second if "%S" in layout else 0,
            microsecond=moment.microsecond if "%f" in layout else 0,
        )


def test_validate_format_normalise_and_check_many() -> None:
    assert dates.validate("03/01/1980") == "1980-01-03"
    with pytest.raises(InvalidFormat):
        dates.validate("hello")
    with pytest.raises(InvalidComponent):
        dates.validate("31/02/1980")
    with pytest.raises(InvalidComponent):
        dates.validate("01/01/2999", kind="birth_date", today=TODAY)
    assert dates.format("1980-01-03") == "03/01/1980"
    assert dates.format("garbage") == "garbage"
    assert dates.normalise("3 janvier 1980") == "1980-01-03"
    result = dates.check_many(["03/01/80", "03/01/80", None], kind="birth_date", today=TODAY)
    assert len(result) == 2
    assert result["03/01/80"].normalised == "1980-01-03"


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ("12-mars-85", "1985-03-12"),
        ("12-mars-1985", "1985-03-12"),
        ("12-janv.-85", "1985-01-12"),
        ("12-févr.-85", "1985-02-12"),
        ("1-déc.-1999", "1999-12-01"),
        ("3-Jan-1980", "1980-01-03"),
    ],
)
def test_day_month_year_with_dashes_as_french_excel_writes_them(raw: str, normalised: str) -> None:
    verdict = dates.check(raw, kind="birth_date", today=date(2025, 6, 1))
    assert (verdict.status, verdict.normalised) == (Status.VALID, normalised)


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ("1985-03-11T23:00:00.000Z", "1985-03-12"),  # winter: Paris is UTC+1
        ("2001-07-14T22:00:00.000Z", "2001-07-15"),  # summer: UTC+2
        ("1985-03-11T22:00:00Z", "1985-03-11"),  # 23:00 in Paris: still the 11th
        ("1985-03-11T10:00:00+01:00", "1985-03-11"),
        ("1985-03-11", "1985-03-11"),
    ],
)
def test_a_date_written_as_an_instant_is_its_day_in_the_workspace_zone(
    raw: str, normalised: str
) -> None:
    verdict = dates.check(raw, kind="birth_date", zone="Europe/Paris", today=date(2025, 6, 1))
    assert (verdict.status, verdict.normalised) == (Status.VALID, normalised)
    # without a zone the instant's UTC day is kept, as before
    assert dates.check(raw, kind="birth_date", today=date(2025, 6, 1)).normalised == raw[:10]


def test_the_import_reads_a_birth_date_instant_in_the_country_zone() -> None:
    from carnet.fields.catalog import default_catalog
    from carnet.fields.values import check_value

    field = default_catalog()["birth_date"]
    assert check_value(field, "1985-03-11T23:00:00.000Z").normalised == "1985-03-12"
    # a moment keeps its instant
    moment = check_value(default_catalog()["signup_date"], "1985-03-11T23:00:00.000Z")
    assert moment.normalised == "1985-03-11T23:00:00+00:00"


@pytest.mark.parametrize(
    "raw", ["01/01/1900", "1900-01-01 00:00:00", "31/12/9999", "30/12/1899", "01/01/1753"]
)
@pytest.mark.parametrize("kind", ["date", "birth_date", "datetime"])
def test_a_placeholder_date_is_refused_as_such(raw: str, kind: str) -> None:
    # software's "no date": before, 01/01/1900 was an implausible age of 125, and an
    # order of 31/12/9999 a date
    verdict = dates.check(raw, kind=kind, today=TODAY)
    assert verdict.status is Status.INVALID and verdict.flags == {"placeholder"}
    assert verdict.normalised is None and "no date" in verdict.reasons[0]


@pytest.mark.parametrize(
    "raw", ["99/99/9999", "jj/mm/aaaa", "JJ/MM/AAAA", "dd/mm/yyyy", "xx/xx/xxxx",
            "0/0/00"]  # Outlook's empty birthday
)
def test_an_unfilled_mask_is_empty(raw: str) -> None:
    assert dates.check(raw, kind="birth_date", today=TODAY).status is Status.EMPTY


def test_excel_day_60_never_was() -> None:
    verdict = dates.check("60")
    assert verdict.status is Status.INVALID and "29/02/1900" in verdict.reasons[0]


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("12/1980", "only a month and year"),
        ("03.1985", "only a month and year"),
        ("1985-03", "only a month and year"),
        ("45 ans", "an age (45)"),
        ("45", "an age?"),
    ],
)
def test_what_a_birth_date_lacks_is_said(raw: str, reason: str) -> None:
    # before: "This is not a date" for the first and the age, and "03.1985" read as
    # Excel's 3 January 1900
    verdict = dates.check(raw, kind="birth_date", today=TODAY)
    assert verdict.status is Status.INVALID and verdict.normalised is None
    assert reason in verdict.reasons[0]


@given(
    st.integers(1, 31), st.integers(1, 12), st.integers(1900, 2024), st.sampled_from([" ", "  "])
)
def test_a_date_spaced_by_blanks_reads_as_with_slashes(
    day: int, month: int, year: int, blank_run: str
) -> None:
    spaced = blank_run.join((f"{day:02d}", f"{month:02d}", str(year)))
    assert dates.check(spaced, today=TODAY) == dates.check(
        f"{day:02d}/{month:02d}/{year}", today=TODAY
    )._replace(raw=spaced)


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("00/00/1980", "Only the year 1980 was given"),
        ("1980-00-00", "Only the year 1980 was given"),
        ("00/03/1985", "only a month and year"),
        ("1985-03-00", "only a month and year"),
        ("00/13/1980", "There is no month 13."),
    ],
)
def test_a_date_of_zeros_says_what_it_gives(raw: str, reason: str) -> None:
    # before: "There is no month 0." and "There is no day 0 in 1985-03."
    verdict = dates.check(raw, kind="birth_date", today=TODAY)
    assert verdict.status is Status.INVALID and reason in verdict.reasons[0]


@pytest.mark.parametrize("raw", ["15/O6/1980", "15/06/198O", "1980-O6-15", "15 O6 1980"])
def test_the_letter_o_typed_for_a_zero_is_read_as_one(raw: str) -> None:
    # before: "This is not a date (expected dd/mm/yyyy)."
    verdict = dates.check(raw, kind="birth_date", today=TODAY)
    assert verdict.normalised == "1980-06-15" and "repaired" in verdict.flags
    assert "letter O" in verdict.reasons[0]


@given(st.dates(min_value=date(1901, 1, 1), max_value=date(2024, 12, 31)))
def test_a_date_with_its_zeros_typed_as_o_reads_the_same(day: date) -> None:
    written = day.strftime("%d/%m/%Y")
    typo = written.replace("0", "O")
    assert dates.check(typo, today=TODAY).normalised == dates.check(written, today=TODAY).normalised


@pytest.mark.parametrize(
    ("cells", "evidence"),
    [
        (["02/03/2025", "12/31/2024", "01/15/2025 10:30"], "12/31/2024"),
        # one date written day first is proof of the French order: nothing changes
        (["12/31/2024", "31/12/2024"], None),
        (["02/03/2025", "05/06/1990"], None),  # nothing but ambiguous dates
        (["2024-12-31", "31 décembre 2024", "45234", None, 1234], None),
        (["1/13/85", "3/4/85"], "1/13/85"),
        (["12/32/2024", "02/31/2024"], None),  # no such days: no proof of anything
    ],
)
def test_a_file_s_dates_are_month_first_only_with_proof(
    cells: list[object], evidence: str | None
) -> None:
    assert dates.written_month_first(cells) == evidence


@given(st.lists(st.one_of(st.none(), st.text(), st.integers())))
def test_the_order_of_any_cells_is_read_without_error(cells: list[object]) -> None:
    evidence = dates.written_month_first(cells)
    if evidence is not None:
        # the evidence reads month first, and then is a date
        assert dates.check(evidence, dayfirst=False).ok


@pytest.mark.parametrize(
    ("raw", "normalised", "precision"),
    [
        ("2015", "2015-01-01", "year"),  # "Client depuis : 2015"
        (2015, "2015-01-01", "year"),  # an XLSX number, not Excel's 1905
        ("2015.0", "2015-01-01", "year"),
        ("03/2018", "2018-03-01", "month"),
        ("2018-03", "2018-03-01", "month"),
        ("mars 2018", "2018-03-01", "month"),
        ("Sept. 2019", "2019-09-01", "month"),
        # French Excel's "mmm-aa" format as a CSV holds it (was: not a date)
        ("janv-15", "2015-01-01", "month"),
        ("déc.-99", "1999-12-01", "month"),
        ("mars-2019", "2019-03-01", "month"),
        ("juin-25", "2025-06-01", "month"),  # a two-digit year is never after today's
    ],
)
def test_a_customers_start_may_be_a_year_or_a_month(
    raw: object, normalised: str, precision: str
) -> None:
    verdict = dates.check(raw, kind="since", today=TODAY)
    # before: invalid, "Only a year was given; the day and month are missing."
    assert (verdict.status, verdict.normalised) == (Status.WARNING, normalised)
    assert verdict.flags == {f"{precision}_only"}
    assert verdict.details["precision"] == precision
    assert "only" in verdict.reasons[0]


def test_a_start_in_full_or_in_the_future_is_read_as_a_date() -> None:
    assert dates.check("14/02/2011", kind="since", today=TODAY).normalised == "2011-02-14"
    assert dates.check("2031", kind="since", today=TODAY).status is Status.INVALID
    # "15-janv" is Excel's day and month, not a month and year
    assert dates.check("15-janv", kind="since", today=TODAY).status is Status.INVALID
    # any other date still wants its day
    assert dates.check("2015", today=TODAY).status is Status.INVALID


@pytest.mark.parametrize(
    ("raw", "birthday"),
    [
        ("12/05", "--05-12"),
        ("12.05", "--05-12"),
        ("12 mai", "--05-12"),
        ("12-mai", "--05-12"),
        ("12 MAI", "--05-12"),
        ("1er mai", "--05-01"),
        ("May 12", "--05-12"),
        ("29/02", "--02-29"),  # born in a leap year
        ("lundi 12 mai", "--05-12"),
        ("12/13", "--12-13"),  # month first, as a full date would be read
        # ISO 8601 without a year: vCard's and Google Contacts' birthday of unknown year
        ("--04-22", "--04-22"),
        ("--0422", "--04-22"),
    ],
)
def test_a_birthday_without_its_year_is_kept_as_a_birthday(raw: str, birthday: str) -> None:
    assert dates.birthday(raw) == birthday
    verdict = dates.check(raw, kind="birth_date", today=TODAY)
    assert verdict.status is Status.INVALID and verdict.flags == {"no_year"}
    assert verdict.details["birthday"] == birthday
    assert "birthday" in verdict.reasons[0]


@pytest.mark.parametrize(
    "raw", ["31/04", "13/13", "00/05", "12/05/1980", "mai", "12", "", "--13-01", "--02-30"]
)
def test_no_birthday_is_made_of_what_is_not_one(raw: str) -> None:
    assert dates.birthday(raw) is None


@pytest.mark.parametrize(
    ("raw", "age", "born"),
    [("42", "42", "1982 or 1983"), ("42 ans", "42", "1982 or 1983"), (42.0, "42", "1982 or 1983"),
     ("68 ANS", "68", "1956 or 1957")],
)
def test_an_age_is_an_age_on_a_day(raw: object, age: str, born: str) -> None:
    verdict = dates.check_age(raw, today=TODAY)
    assert (verdict.status, verdict.normalised) == (Status.VALID, age)
    assert verdict.details == {"born": born, "on": "2025-06-01"}


@pytest.mark.parametrize("raw", ["25-34", "150", "0", "quarante", "-3"])
def test_what_is_no_age_is_refused(raw: str) -> None:
    assert dates.check_age(raw, today=TODAY).status is Status.INVALID


def test_a_child_s_age_is_a_warning() -> None:
    verdict = dates.check_age("12", today=TODAY)
    assert verdict.status is Status.WARNING and verdict.flags == {"minor"}


@given(st.text(max_size=30))
def test_partial_dates_never_raise_and_are_idempotent(text: str) -> None:
    found = dates.birthday(text)
    assert found is None or dates.birthday(f"{found[5:7]}/{found[2:4]}") == found
    since = dates.check(text, kind="since", today=TODAY)
    if since.ok and since.normalised:
        again = dates.check(since.normalised, kind="since", today=TODAY)
        assert again.normalised == since.normalised
    age = dates.check_age(text, today=TODAY)
    if age.ok and age.normalised:
        assert dates.check_age(age.normalised, today=TODAY).normalised == age.normalised


@given(st.integers(min_value=1800, max_value=2024), st.integers(min_value=1, max_value=12))
def test_every_month_and_year_is_its_first_day(year: int, month: int) -> None:
    verdict = dates.check(f"{month:02d}/{year}", kind="since", today=TODAY)
    assert verdict.normalised == f"{year:04d}-{month:02d}-01"
    assert dates.check(str(year), kind="since", today=TODAY).normalised == f"{year:04d}-01-01"
