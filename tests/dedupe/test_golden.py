"""The golden record's names: one way round, whatever way each member was typed."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import assume, given
from hypothesis import strategies as st

from carnet.dedupe.golden import DEFAULT_RULES, Member, golden_values
from carnet.fields.name import fold


def _member(first: str, last: str, day: int, *, survivor: bool = False) -> Member:
    when = datetime(2025, 1, day, tzinfo=UTC)
    row = {"first_name": first, "last_name": last, "updated_at": when}
    return Member(row, {"first_name": when, "last_name": when}, {}, survivor)


def _names(members: list[Member]) -> tuple[str, str]:
    out = golden_values(members, DEFAULT_RULES)
    return out["first_name"], out["last_name"]


def test_a_member_typed_with_its_names_swapped_does_not_make_thomas_thomas() -> None:
    """The shop's André Thomas, the CRM's, and the event sheet's "THOMAS / Andre"
    (its first-name column holds the last name) were merged as "Thomas Thomas": the
    longest first name, the most frequent last name. The sheet's row is now read the
    way the two others write it."""
    members = [
        _member("André", "Thomas", 1, survivor=True),
        _member("Thomas", "Andre", 2),
        _member("André", "Thomas", 3),
    ]
    assert _names(members) == ("André", "Thomas")
    # one against one: the way whose first name is a first name wins
    marie = [_member("Dupont", "Marie", 1, survivor=True), _member("Marie", "Dupont", 2)]
    assert _names(marie) == ("Marie", "Dupont")


def test_members_written_one_way_keep_the_column_rules() -> None:
    # no swap: the fullest first name and the most frequent last name, as before
    members = [
        _member("J.", "Martin", 1, survivor=True),
        _member("Jean-Pierre", "Martin", 2),
        _member("Jean-Pierre", "Martin", 3),
    ]
    assert _names(members) == ("Jean-Pierre", "Martin")
    # a person whose first name is his last name is no swap
    assert _names([_member("Martin", "Martin", 1), _member("Martin", "Martin", 2)]) == (
        "Martin",
        "Martin",
    )


PEOPLE = st.sampled_from(
    [("André", "Thomas"), ("Marie", "Dupont"), ("Anne-Sophie", "Leroy"), ("Luc", "Vincent")]
)


@given(PEOPLE, st.lists(st.tuples(st.booleans(), st.booleans()), min_size=2, max_size=6))
def test_the_golden_names_are_the_persons_either_way_round(
    person: tuple[str, str], rows: list[tuple[bool, bool]]
) -> None:
    """One person's records, some typed with the names swapped (not all), some with the
    first name as an initial: the golden names are the person's, one way round, never
    one word as both names."""
    assume(not all(swapped for swapped, _initial in rows))  # then no record says which way
    first, last = person
    members = []
    for i, (swapped, initial) in enumerate(rows):
        given_name = f"{first[0]}." if initial else first
        names = (last, given_name) if swapped else (given_name, last)
        members.append(_member(*names, i + 1, survivor=i == 0))
    golden = tuple(fold(n) for n in _names(members))
    wanted = (fold(first), fold(last))
    if all(initial for _swapped, initial in rows):
        wanted = (fold(f"{first[0]}."), fold(last))
    assert golden in (wanted, wanted[::-1])
    # the way most members write it wins when they are not tied
    straight = sum(not swapped for swapped, _initial in rows)
    if 2 * straight > len(rows) and not any(initial for _swapped, initial in rows):
        assert golden == wanted
