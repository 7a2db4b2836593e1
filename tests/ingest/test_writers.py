"""Writers: formula-injection neutralisation, Excel-friendly CSV, XLSX, JSON, round trips."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Mapping
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from carnet.errors import InvalidValueError
from carnet.ingest.readers import open_table
from carnet.ingest.writers import neutralise_cell, unneutralise_cell, write_table

DATA = Path(__file__).parent.parent / "data"
BLNS: list[str] = json.loads((DATA / "blns" / "blns.json").read_text(encoding="utf-8"))

# -- neutralisation -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ('=HYPERLINK("http://evil","clic")', '\'=HYPERLINK("http://evil","clic")'),
        ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"),
        ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("＝1+1", "'＝1+1"),
        ("-", "'-"),
        ("--1", "'--1"),
        ("-1E2", "'-1E2"),
        ("+", "'+"),
        ("'=1", "''=1"),
        ("''@x", "'''@x"),
        # left alone: phones, signed numbers, ordinary text
        ("+33612345678", "+33612345678"),
        ("+33 6 12 34 56 78", "+33 6 12 34 56 78"),
        ("+33.6.12.34.56.78", "+33.6.12.34.56.78"),
        ("-12,50", "-12,50"),
        ("-0.5", "-0.5"),
        ("Jean-Pierre", "Jean-Pierre"),
        ("l'été", "l'été"),
        ("'abc", "'abc"),
        ("a=b", "a=b"),
        (" =1", " =1"),
        ("", ""),
    ],
)
def test_neutralise_cell(value: str, expected: str) -> None:
    assert neutralise_cell(value) == expected
    assert unneutralise_cell(neutralise_cell(value)) == value


@given(st.text())
def test_neutralise_is_reversible_and_safe(value: str) -> None:
    safe = neutralise_cell(value)
    assert unneutralise_cell(safe) == value
    if safe[:1] in ("=", "@", "\t", "\r"):
        raise AssertionError(f"{safe!r} still starts with a trigger")
    if safe[:1] in ("+", "-"):
        assert all(c.isdigit() or c in " .," for c in safe[1:])


# -- CSV ----------------------------------------------------------------------------------


def test_csv_is_excel_friendly(tmp_path: Path) -> None:
    rows: list[dict[str, object]] = [
        {"Nom": "Lefèvre", "Tél.": "+33612345678", "Note": "=1+1", "Montant": Decimal("12.50")},
        {"Nom": 'Dupont "JP"', "Tél.": None, "Note": "ligne 1\nligne 2", "Montant": 3.0},
    ]
    count = write_table(tmp_path / "out.csv", ["Nom", "Tél.", "Note", "Montant"], rows)
    assert count == 2
    data = (tmp_path / "out.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.decode("utf-8-sig") == (
        "Nom;Tél.;Note;Montant\r\n"
        "Lefèvre;+33612345678;'=1+1;12.50\r\n"
        'Dupont ""JP"";;"ligne 1\nligne 2";3\r\n'
    ).replace('Dupont ""JP""', '"Dupont ""JP"""')


def test_csv_comma_and_plain_flavour(tmp_path: Path) -> None:
    write_table(tmp_path / "a.csv", ["a", "b"], [{"a": "x,y", "b": 1}], delimiter=",", excel=False)
    assert (tmp_path / "a.csv").read_bytes() == b'a,b\n"x,y",1\n'
    write_table(tmp_path / "b.tsv", ["a"], [{"a": "=x"}], delimiter="\t", neutralise=False)
    assert (tmp_path / "b.tsv").read_bytes() == b"\xef\xbb\xbfa\r\n=x\r\n"


def test_values_are_rendered_as_text(tmp_path: Path) -> None:
    row: dict[str, object] = {
        "bool": True,
        "date": dt.date(2024, 3, 1),
        "datetime": dt.datetime(2024, 3, 1, 8, 30),
        "float": 0.1,
        "int": -5,
        "list": ["vip", 2],
        "missing": None,
    }
    write_table(tmp_path / "v.csv", [*row, "absent"], [row], excel=False)
    text = (tmp_path / "v.csv").read_text(encoding="utf-8").splitlines()[1]
    assert text == 'true;2024-03-01;2024-03-01T08:30:00;0.1;-5;"[""vip"", 2]";;'


def test_bad_arguments(tmp_path: Path) -> None:
    with pytest.raises(InvalidValueError, match="delimiter ':'"):
        write_table(tmp_path / "a.csv", ["a"], [], delimiter=":")
    with pytest.raises(InvalidValueError, match=r"carnet writes \.csv"):
        write_table(tmp_path / "a.doc", ["a"], [])
    with pytest.raises(InvalidValueError, match="Cannot write format 'pdf'"):
        write_table(tmp_path / "a.csv", ["a"], [], format="pdf")
    assert write_table(tmp_path / "a.out", ["a"], [{"a": 1}], format="csv") == 1


def test_write_is_atomic(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    target.write_text("previous export", encoding="utf-8")

    def rows() -> Iterator[Mapping[str, object]]:
        yield {"a": "1"}
        raise RuntimeError("database went away")

    with pytest.raises(RuntimeError):
        write_table(target, ["a"], rows())
    assert target.read_text(encoding="utf-8") == "previous export"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]


# -- XLSX ---------------------------------------------------------------------------------


def test_xlsx_never_writes_formulas(tmp_path: Path) -> None:
    rows = [
        {"a": "=1+1", "b": "#N/A", "c": 5, "d": dt.date(2024, 1, 2)},
        {"a": "x\x01y\x1bz", "b": 10**16, "c": 2.5, "d": "+33612345678"},
    ]
    for neutralise in (True, False):
        path = tmp_path / f"n{neutralise}.xlsx"
        assert write_table(path, ["a", "b", "c", "d"], rows, neutralise=neutralise) == 2
        ws = load_workbook(path).worksheets[0]
        assert ws.title == "carnet"
        assert ws["A2"].data_type == "s"
        assert ws["A2"].value == ("'=1+1" if neutralise else "=1+1")
        assert (ws["B2"].data_type, ws["B2"].value) == ("s", "#N/A")
        assert ws["C2"].value == 5
        assert ws["D2"].is_date
        assert ws["A3"].value == "xyz"
        assert ws["B3"].value == str(10**16)
        assert ws["D3"].value == "+33612345678"


def test_xlsx_reads_back(tmp_path: Path) -> None:
    rows = [{"nom": "Zoé", "cp": "01000", "né": dt.date(1990, 5, 17), "n": 3}]
    write_table(tmp_path / "r.xlsx", ["nom", "cp", "né", "n"], rows, sheet="Contacts")
    table = open_table(tmp_path / "r.xlsx")
    assert table.sheet == "Contacts"
    assert [r.values for r in table.rows()] == [
        {"nom": "Zoé", "cp": "01000", "né": "1990-05-17", "n": "3"}
    ]


# -- JSON ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["out.json", "out.ndjson"])
def test_json_formats(tmp_path: Path, name: str) -> None:
    rows: list[dict[str, object]] = [
        {"nom": "Élodie", "n": 1, "x": float("nan"), "d": dt.date(2024, 1, 2), "t": ["a"]},
        {"nom": "=1", "n": None, "x": 1.5, "d": None, "t": {"k": Decimal("1.10")}},
    ]
    assert write_table(tmp_path / name, ["nom", "n", "x", "d", "t"], rows) == 2
    text = (tmp_path / name).read_text(encoding="utf-8")
    assert "Élodie" in text  # ensure_ascii=False
    if name.endswith(".ndjson"):
        records = [json.loads(line) for line in text.splitlines()]
    else:
        records = json.loads(text)
    assert records == [
        {"nom": "Élodie", "n": 1, "x": None, "d": "2024-01-02", "t": ["a"]},
        {"nom": "=1", "n": None, "x": 1.5, "d": None, "t": {"k": "1.10"}},
    ]
    write_table(tmp_path / "empty.json", ["a"], [])
    assert json.loads((tmp_path / "empty.json").read_text(encoding="utf-8")) == []


# -- round trips of naughty strings -------------------------------------------------------


def _blns_rows() -> list[Mapping[str, object]]:
    return [{"id": i, "naughty": text} for i, text in enumerate(BLNS)]


@pytest.mark.parametrize(
    ("name", "options"),
    [
        ("blns.csv", {}),
        ("blns_comma.csv", {"delimiter": ","}),
        ("blns_plain.csv", {"excel": False}),
        ("blns.json", {}),
        ("blns.ndjson", {}),
    ],
)
def test_blns_round_trip(tmp_path: Path, name: str, options: dict[str, object]) -> None:
    path = tmp_path / name
    write_table(path, ["id", "naughty"], _blns_rows(), **options)  # type: ignore[arg-type]
    table = open_table(path)
    got = [r.values for r in table.rows()]
    assert [int(r["id"] or -1) for r in got] == list(range(len(BLNS)))
    back = [unneutralise_cell(r["naughty"] or "") for r in got]
    if table.format == "csv":
        assert back == BLNS
    else:
        assert [r["naughty"] or "" for r in got] == BLNS  # JSON is not neutralised


def test_blns_round_trip_xlsx(tmp_path: Path) -> None:
    from carnet.ingest.writers import _XLSX_ILLEGAL

    path = tmp_path / "blns.xlsx"
    write_table(path, ["id", "naughty"], _blns_rows())
    got = {int(r.values["id"] or -1): r.values["naughty"] for r in open_table(path).rows()}
    for i, text in enumerate(BLNS):
        expected = _XLSX_ILLEGAL.sub("", text)
        assert unneutralise_cell(got.get(i) or "") == expected, (i, text)
