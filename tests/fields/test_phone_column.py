"""carnet.fields.phone.check_column and the short path for plain French writings say exactly
what the full check says."""

from __future__ import annotations

import json
import random
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from carnet.fields import phone

BLNS: list[str] = json.loads(
    (Path(__file__).parents[1] / "data" / "blns" / "blns.json").read_text(encoding="utf-8")
)


@contextmanager
def _full_path_only() -> Iterator[None]:
    """check() without its short path for plain French writings: the reference."""
    saved = phone._plain_french
    phone._plain_french = lambda text: None
    try:
        yield
    finally:
        phone._plain_french = saved


@contextmanager
def _columns_from(size: int) -> Iterator[None]:
    """check_distinct's Polars path from ``size`` values on (COLUMN_FROM by default)."""
    saved = phone.COLUMN_FROM
    phone.COLUMN_FROM = size
    try:
        yield
    finally:
        phone.COLUMN_FROM = saved


def _same_as_check(values: Sequence[str | None], region: str = "FR") -> None:
    """check_column (short paths, shared outlines) says what the full path says."""
    column = phone.check_column(values, region=region)
    with _columns_from(1):  # the column path, however short the column
        vectorised = phone.check_column(values, region=region)
    assert vectorised == column
    assert len(column) == len(values)
    with _full_path_only():
        reference = [phone.check(value, region=region) for value in values]
    for value, verdict, expected in zip(values, column, reference, strict=True):
        assert verdict == expected, value


TABLE: list[str | None] = [
    "0612345678 0145678910",
    "01 23 45 67 89 - 06 12 34 56 78",
    "06 12 34 56 78",
    "0612345678",
    "06.12.34.56.78",
    "06-12-34-56-78",
    "06/12/34/56/78",
    "+33 6 12 34 56 78",
    "+33612345678",
    "+33 (0)6 12 34 56 78",
    "+330612345678",
    "0033 6 12 34 56 78",
    "0033612345678",
    "00330612345678",
    "612345678",
    "612345678.0",
    "0612345678.0",
    " 06 12 34 56 78 ",
    "\u00a006\u202f12\u200934 56 78\t",
    "01 23 45 67 89",
    "09 12 34 56 78",
    "08 00 12 34 56",
    "08 36 01 23 45",
    "07 00 00 00 00",
    "00 00 00 00 00",
    "06 00 00 00 00",
    "0611111111",
    "+33 6 06 06 06 06",
    "600000000",
    "0690 12 34 56",
    "0692 12 34 56",
    "0694 12 34 56",
    "0696 12 34 56",
    "0639 01 23 45",
    "0262 12 34 56",
    "0590 27 12 34",
    "0596 70 12 34",
    "0269 61 23 45",
    "+33 596 70 12 34",
    "0709 20 12 34",
    "+44 20 7946 0958",
    "+1 212 555 0123",
    "+262 692 12 34 56",
    "06 12 34 56 78 poste 12",
    "06 12 34 56 78 / 07 12 34 56 78",
    "06 12 34 56 78 06 12 34 56 78",
    "06 12 34 56 78 / 01 23 45 67 89 / 06.12.34.56.78",
    "01 23 45 67 89 (poste 12)",
    "06 12 34 56 78 (ne pas appeler)",
    "Ne pas appeler",
    "Bloctel 06 12 34 56 78",
    "06 12 34 56 78 (pas d'appel avant 18h)",
    "06 12 34 56",
    "06 12 34 56 78 9",
    "++33612345678",
    "3+3612345678",
    "0+612345678",
    "(06) 12 34 56 78",
    "06 12 34 56 7a",
    "12",
    "N/A",
    "-",
    "",
    None,
    # cells saying "none" and Excel errors: empty, the same way in both paths
    "néant",
    "non communiqué",
    "0",
    "x",
    "RAS",
    "#VALUE!",
    '="0612345678"',
    '["06 12 34 56 78"]',
    "[]",
    '[{"label":"mobile","value":"06 12 34 56 78","primary":true},{"value":"01 45 67 89 10"}]',
    "0612345678" + "1" * 10,
]


def test_table() -> None:
    _same_as_check(TABLE)


@pytest.mark.parametrize("region", ["FR", "fr", "BE", "US"])
def test_other_regions(region: str) -> None:
    _same_as_check(TABLE, region=region)


def test_order_duplicates_and_shared_verdicts() -> None:
    values = ["0612345678", None, "06 12 34 56 78", "0612345678", "junk"]
    column = phone.check_column(values)
    assert [v.normalised for v in column] == [
        "+33612345678",
        None,
        "+33612345678",
        "+33612345678",
        None,
    ]
    assert column[0] is column[3]
    assert phone.check_column([]) == []


def test_blns() -> None:
    _same_as_check(BLNS)


WRITINGS = (
    "0{n}",
    "0{a} {b} {c} {d} {e}",
    "0{a}.{b}.{c}.{d}.{e}",
    "0{a}-{b}-{c}-{d}-{e}",
    "+33{n}",
    "+33 {a} {b} {c} {d} {e}",
    "+33 (0){a} {b} {c} {d} {e}",
    "0033{n}",
    "0033 {a} {b} {c} {d} {e}",
    "{n}",
    " {n}.0",
    "+44{n}",
    "+1 {n}",
    "0{n} ext. 12",
)


def _write(writing: str, national: str) -> str:
    parts = {"a": national[0], "b": national[1:3], "c": national[3:5], "d": national[5:7]}
    return writing.format(n=national, e=national[7:], **parts)


@settings(max_examples=400, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.none(),
            st.text(alphabet="0123456789 +().-/", max_size=20),
            st.builds(
                _write,
                st.sampled_from(WRITINGS),
                st.from_regex(re.compile(r"[1-9][0-9]{8}"), fullmatch=True),
            ),
        ),
        max_size=30,
    )
)
def test_generated_columns(values: list[str | None]) -> None:
    _same_as_check(values)


def test_every_decided_prefix_agrees_with_check() -> None:
    """Each decided prefix, with random completions, classifies as check does."""
    rng = random.Random(20240601)
    decided = phone._decided_prefixes()
    values = [
        p + "".join(rng.choice("0123456789") for _ in range(9 - len(p)))
        for p in sorted(decided)
        for _ in range(4)
    ]
    _same_as_check([f"0{v}" for v in values])


def test_every_five_digit_prefix_is_decided() -> None:
    """The proof reaches every nine-digit national number within five digits."""
    decided = phone._decided_prefixes()
    assert all(len(p) <= 5 for p in decided)
    for number in range(10_000, 100_000):
        prefix = str(number)
        assert sum(prefix[:k] in decided for k in range(1, 6)) == 1, prefix


def test_every_four_digit_prefix_agrees_with_check() -> None:
    rng = random.Random(7)
    values = [f"0{p}{rng.randrange(100_000):05d}" for p in range(1000, 10_000)]
    _same_as_check(values)


@pytest.mark.parametrize(
    "pattern",
    [
        r"6(?:[0-24-8]\d|3[0-8]|9[589])\d{6}",
        r"2631[0-6]\d{4}|26(?:2\d|30|88)\d{5}",
        r"(?:[13]\d|2[0-57-9])\d{7}|9\d{2,8}",
        r"80[0-5]\d{6}|8(?:1[01]|[2-9])?\d{6,7}",
    ],
)
def test_decision_proof_is_sound(pattern: str) -> None:
    """Brute force on six-digit numbers: a decided prefix means all or none match."""
    every = re.compile(phone._widen(pattern, "X", every_atom=False))
    some = re.compile(phone._widen(pattern, "Y", every_atom=True))
    plain = re.compile(pattern)
    for prefix in map(str, range(100, 1000)):
        matches = {bool(plain.fullmatch(f"{prefix}{s:03d}")) for s in range(1000)}
        if every.fullmatch(prefix + "XXX"):
            assert matches == {True}, prefix
        if not some.fullmatch(prefix + "YYY"):
            assert matches == {False}, prefix


@pytest.mark.parametrize("pattern", [r"[^1]\d", r"\w{3}", r"1.3", r"(a)"])
def test_decision_proof_refuses_other_syntax(pattern: str) -> None:
    with pytest.raises(ValueError):
        phone._widen(pattern, "X", every_atom=True)


def test_decided_prefix_facts_equal_the_exact_resolution() -> None:
    """check() resolves a French number once per decided prefix: same facts as phonenumbers."""
    rng = random.Random(99)
    for prefix in sorted(phone._decided_prefixes()):
        for _ in range(3):
            national = prefix + "".join(rng.choice("0123456789") for _ in range(9 - len(prefix)))
            assert phone._resolve(33, national, "FR") == phone._resolve_exact(33, national, "FR")
    assert phone._resolve(33, "612345678", "BE") == phone._resolve_exact(33, "612345678", "BE")


def test_simple_writings_skip_the_one_by_one_check(monkeypatch: pytest.MonkeyPatch) -> None:
    """The column path really serves French writings: only the others reach check()."""
    values = [f"06 12 34 {i // 100:02d} {i % 100:02d}" for i in range(100)]
    values += [f"+33 7 81 23 {i:02d} 45" for i in range(50)] + [
        f"6123456{i:02d}" for i in range(50)
    ]
    values += ["+44 20 7946 0958", "06 12 34 56 78 poste 12"]
    expected = [phone.check(v) for v in values]
    seen: list[str | None] = []
    check = phone.check

    def counting(value: str | None, *, region: str = "FR") -> phone.Verdict:
        seen.append(value)
        return check(value, region=region)

    monkeypatch.setattr(phone, "check", counting)
    monkeypatch.setattr(phone, "COLUMN_FROM", 1)  # the column path, however short
    assert phone.check_distinct(values) == expected
    assert seen == ["+44 20 7946 0958", "06 12 34 56 78 poste 12"]
