"""Readers: csv-spectrum, encodings, delimiters, ragged rows, XLSX, JSON, errors, streaming."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
import io
import json
import tracemalloc
import zipfile
from pathlib import Path
from typing import Literal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from carnet.errors import InputFileError
from carnet.ingest.readers import ColumnBatch, RawRow, Table, open_table, sniff
from carnet.ingest.readers import json as json_reader
from carnet.ingest.readers.sniff import detect_encoding, sniff_delimiter

DATA = Path(__file__).parent.parent / "data"
SPECTRUM = DATA / "csv-spectrum"
BLNS = json.loads((DATA / "blns" / "blns.json").read_text(encoding="utf-8"))


def values(table: Table) -> list[dict[str, str | None]]:
    return [row.values for row in table.rows()]


def write(path: Path, data: bytes | str, encoding: str = "utf-8") -> Path:
    path.write_bytes(data if isinstance(data, bytes) else data.encode(encoding))
    return path


# -- csv-spectrum ------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(p.stem for p in (SPECTRUM / "csvs").glob("*.csv")), ids=str)
def test_csv_spectrum(name: str) -> None:
    table = open_table(SPECTRUM / "csvs" / f"{name}.csv")
    expected = json.loads((SPECTRUM / "json" / f"{name}.json").read_text(encoding="utf-8"))
    assert values(table) == expected
    assert table.delimiter == ","


# -- encodings ---------------------------------------------------------------------------

FRENCH = "Prénom;Nom;Ville\nÉloïse;Lefèvre;Saint-Étienne\nChloé;Dœuf;Besançon 5 €\n"


@pytest.mark.parametrize(
    ("encoding", "data", "detected"),
    [
        ("utf-8", FRENCH.encode("utf-8"), "utf-8"),
        ("utf-8-sig", FRENCH.encode("utf-8-sig"), "utf-8-sig"),
        ("cp1252", FRENCH.encode("cp1252"), "cp1252"),
        ("utf-16", FRENCH.replace(";", "\t").encode("utf-16"), "utf-16"),
        ("utf-16-le", FRENCH.replace(";", "\t").encode("utf-16-le"), "utf-16-le"),
        # Excel for Mac's "CSV (Macintosh)": é is 0x8E, which cp1252 reads as Ž
        ("mac_roman", FRENCH.encode("mac_roman"), "mac_roman"),
    ],
)
def test_encoding_detected(tmp_path: Path, encoding: str, data: bytes, detected: str) -> None:
    table = open_table(write(tmp_path / "f.csv", data))
    assert table.encoding == detected
    assert table.headers == ["Prénom", "Nom", "Ville"]
    assert values(table)[1] == {"Prénom": "Chloé", "Nom": "Dœuf", "Ville": "Besançon 5 €"}


def test_a_dos_programs_export_is_read_as_code_page_850(tmp_path: Path) -> None:
    """Old accounting and till software writes DOS's code page 850: "é" is 0x82, read
    as "‚" in cp1252 ("H‚lŠne Lef‹vre")."""
    text = "NOM;PRENOM;VILLE\nLEFÈVRE;François;Saint-Étienne\nCÔTÉ;Hélène;Besançon\n"
    table = open_table(write(tmp_path / "f.txt", text.encode("cp850")))
    assert table.encoding == "cp850"
    assert values(table)[1] == {"NOM": "CÔTÉ", "PRENOM": "Hélène", "VILLE": "Besançon"}


@given(st.text("abcdefghijklmnopqrstuvwxyzéèêëàâîïôûùüçÉÈÀÇ ;-'\n0123456789", max_size=80))
def test_windows_french_text_is_never_taken_for_dos(text: str) -> None:
    data = f"Prénom;Nom\n{text}\nÉloïse;Lefèvre".encode("cp1252")
    assert detect_encoding(data, at_eof=True) == "cp1252"


def test_a_fixed_width_text_is_read_by_its_columns(tmp_path: Path) -> None:
    """An old program's printed list: columns aligned by spaces, no delimiter. It was one
    column of whole lines, every row rejected."""
    text = (
        "NOM         PRENOM        ADRESSE               CP     VILLE\r\n"
        "LEFÈVRE     François      3 rue Émile Zola      80000  AMIENS\r\n"
        "\r\n"
        "DE LA TOUR  Jean-Pierre   5, allée des Pins     59000  LILLE\r\n"
    )
    table = open_table(write(tmp_path / "liste.txt", text, "cp1252"))
    assert table.headers == ["NOM", "PRENOM", "ADRESSE", "CP", "VILLE"]
    assert values(table)[1] == {
        "NOM": "DE LA TOUR", "PRENOM": "Jean-Pierre", "ADRESSE": "5, allée des Pins",
        "CP": "59000", "VILLE": "LILLE",
    }
    assert any("fixed-width" in w for w in table.stats.warnings)


_CELL = st.text("abcdefghijklmnopqrstuvwxyzÉé0123456789-'.,;", min_size=1, max_size=12)


@given(st.lists(st.lists(_CELL, min_size=3, max_size=3), min_size=1, max_size=8))
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_fixed_width_rows_read_back_whole(tmp_path: Path, rows: list[list[str]]) -> None:
    header = ["NOM", "PRENOM", "VILLE"]
    width = 15
    lines = ["".join(cell.ljust(width) for cell in row).rstrip() for row in [header, *rows]]
    table = open_table(write(tmp_path / "f.txt", "\n".join(lines) + "\n"))
    assert table.headers == header
    assert [list(v.values()) for v in values(table)] == rows


def test_latin1_reads_as_cp1252_identically(tmp_path: Path) -> None:
    text = "nom;ville\nJosé;Orléans\nNoël;Besançon\n"
    table = open_table(write(tmp_path / "f.csv", text, "latin-1"))
    assert table.encoding == "cp1252"
    assert values(table) == [
        {"nom": "José", "ville": "Orléans"},
        {"nom": "Noël", "ville": "Besançon"},
    ]


def test_iso_8859_15_euro_with_explicit_encoding(tmp_path: Path) -> None:
    path = write(tmp_path / "f.csv", "prix;devise\n5;€\n", "iso-8859-15")
    assert values(open_table(path, encoding="latin-9")) == [{"prix": "5", "devise": "€"}]
    assert values(open_table(path))[0]["devise"] == "¤"  # undecidable without a hint


def test_bytes_undefined_in_cp1252_are_read_as_latin1(tmp_path: Path) -> None:
    path = write(tmp_path / "f.csv", b"a;b\n\xe9\x81;\x8d\x8f\x90\x9d\n")
    table = open_table(path)
    assert table.encoding == "cp1252"
    assert values(table) == [{"a": "é\x81", "b": "\x8d\x8f\x90\x9d"}]


def test_late_cp1252_byte_after_ascii_megabytes(tmp_path: Path) -> None:
    filler = "".join(f"{i};ligne ascii numero {i:07d}\r\n" for i in range(60_000))
    assert len(filler) > 1_200_000 > sniff.SAMPLE_SIZE
    data = ("id;texte\r\n" + filler + "60000;Crème brûlée à 5 €\r\n").encode("cp1252")
    table = open_table(write(tmp_path / "late.csv", data))
    assert table.encoding == "utf-8"  # what the first megabyte says
    rows = list(table.rows())
    assert rows[-1].values == {"id": "60000", "texte": "Crème brûlée à 5 €"}
    assert len(rows) == 60_001
    assert table.encoding == "cp1252"
    assert table.stats.switched_at == data.index(b"\xe8")
    assert any("cp1252" in w for w in table.stats.warnings)


def test_late_cp1252_byte_in_a_utf8_file_is_patched_not_lost(tmp_path: Path) -> None:
    head = "id;texte\nid0;Élodie\n".encode()
    filler = "".join(f"{i};ascii\n" for i in range(150_000)).encode()
    tail = "x;Noël\n".encode("cp1252")
    table = open_table(write(tmp_path / "mixed.csv", head + filler + tail))
    rows = list(table.rows())
    assert rows[0].values["texte"] == "Élodie"
    assert rows[-1].values["texte"] == "Noël"
    assert table.encoding == "utf-8"
    assert table.stats.fallback_bytes == 1
    assert any("mixes" in w for w in table.stats.warnings)


def test_explicit_utf8_on_cp1252_is_a_clear_error(tmp_path: Path) -> None:
    path = write(tmp_path / "f.csv", "nom\nAndré\n", "cp1252")
    with pytest.raises(InputFileError, match=r"not valid UTF-8 at byte 8; pass --encoding cp1252"):
        list(open_table(path, encoding="utf-8").rows())


def test_unknown_encoding(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="Unknown encoding 'klingon'"):
        open_table(write(tmp_path / "f.csv", "a\n1\n"), encoding="klingon")


def test_utf8_sequence_cut_by_chunk_boundary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sniff, "CHUNK_SIZE", 3)
    text = "nom;ville\r\nÉloïse;Saint-Étienne\r\n€uro;日本語\r\n"
    table = open_table(write(tmp_path / "f.csv", text))
    assert values(table) == [
        {"nom": "Éloïse", "ville": "Saint-Étienne"},
        {"nom": "€uro", "ville": "日本語"},
    ]
    assert table.stats.blank_lines == 0  # no CRLF split into two line ends


def test_detect_encoding_helpers() -> None:
    assert detect_encoding(b"caf\xc3", at_eof=False) == "utf-8"  # cut mid-sequence
    assert detect_encoding(b"caf\xc3", at_eof=True) == "cp1252"
    assert detect_encoding(codecs.BOM_UTF16_LE + "a".encode("utf-16-le"), at_eof=True) == "utf-16"


# -- delimiters ---------------------------------------------------------------------------


@pytest.mark.parametrize("delimiter", [";", ",", "\t", "|"])
def test_delimiter_sniffed(tmp_path: Path, delimiter: str) -> None:
    buf = io.StringIO()
    out = csv.writer(buf, delimiter=delimiter)
    out.writerow(["nom", "adresse", "montant"])
    out.writerow(["Dupont", "12, rue X; bât. B | porte 2", "12,50"])
    out.writerow(["Martin", "3 place Y", "7,00"])
    table = open_table(write(tmp_path / "f.csv", buf.getvalue()))
    assert table.delimiter == delimiter
    assert values(table)[0] == {
        "nom": "Dupont",
        "adresse": "12, rue X; bât. B | porte 2",
        "montant": "12,50",
    }


def test_semicolon_wins_over_decimal_commas() -> None:
    text = "nom;montant;taux\nA;12,5;0,2\nB;3;1,25\nC;7,25;0\n"
    assert sniff_delimiter(text, at_eof=True) == ";"


def test_single_column_is_not_split(tmp_path: Path) -> None:
    path = write(tmp_path / "f.csv", "adresse\n12, rue de la Paix\n3, place Bellecour\n")
    table = open_table(path)
    assert table.headers == ["adresse"]
    assert [r.extra for r in table.rows()] == [(), ()]


@pytest.mark.parametrize("delimiter", [";", ",", "\t"])
def test_delimiter_sniffed_below_a_title_line_without_one(tmp_path: Path, delimiter: str) -> None:
    rows = ["Nom", "Prénom", "Email"], ["Martin", "Paul", "paul.martin@orange.fr"], [
        "Durand", "Claire", "claire.durand@free.fr"]
    text = "Export clients du 12/03/2024\n\n" + "".join(delimiter.join(r) + "\n" for r in rows)
    table = open_table(write(tmp_path / "f.csv", text))
    assert table.delimiter == delimiter
    assert table.headers == ["Nom", "Prénom", "Email"]
    assert [r.values["Email"] for r in table.rows()] == [
        "paul.martin@orange.fr", "claire.durand@free.fr"
    ]
    assert any("the header is line 3" in w for w in table.stats.warnings)


def test_a_one_column_list_with_commas_in_its_values_stays_one_column() -> None:
    text = "Adresse\n12, rue de la Paix\n3, place Bellecour\n5, allée des Roses\n"
    assert sniff_delimiter(text, at_eof=True) == ";"
    # Title lines over a table of two columns whose values may hold commas: not split either.
    text = "Liste\nNom, prénom\nMartin, Paul\nDurand, Claire\n"
    assert sniff_delimiter(text, at_eof=True) == ";"


def test_rows_with_more_cells_than_the_header_are_named_in_a_warning(tmp_path: Path) -> None:
    lines = ["Nom;Prénom;Adresse;Code postal;Ville"]
    for i in range(8):
        street = f"Résidence Les Pins; Bât {i}" if i % 2 else f"{i} rue de la Paix"
        lines.append(f"Nom{i};Prénom{i};{street};13100;Aix-en-Provence")
    lines.append("Petit;Marc;5 place Bernard;33000;Bordeaux;;")  # empty cells past: no harm
    table = open_table(write(tmp_path / "f.csv", "\n".join(lines) + "\n"))
    rows = list(table.rows())
    assert rows[1].values["Code postal"] == " Bât 1" and rows[1].extra == ("Aix-en-Provence",)
    assert table.stats.long_rows == 4
    assert table.stats.warnings == [
        "4 rows have more cells than the header (lines 3, 5, 7, 9): a ';' inside a value that "
        "is not quoted shifts the cells after it. Their extra cells are kept (under _extra in "
        "the rows' raw values); check these rows."
    ]
    # The column read warns the same, with the same cells kept.
    batch = next(iter(table.batches_columns()))
    assert batch.extra[2] == ("Aix-en-Provence",)
    assert table.stats.warnings[0].startswith("4 rows have more cells than the header (lines 3,")


UNCLOSED = (
    "Nom;Prénom;Email;Commentaire\n"
    'Martin;Paul;paul.martin@orange.fr;"Très bon client\n'
    "Durand;Claire;claire.durand@free.fr;RAS\n\n"
    "Leroy;Anne;anne.leroy@gmail.com;RAS\n"
    "Petit;Marc;marc.petit@sfr.fr;ok\n"
)


def test_rows_swallowed_by_a_quote_never_closed_are_read_again(tmp_path: Path) -> None:
    table = open_table(write(tmp_path / "f.csv", UNCLOSED))
    rows = list(table.rows())
    assert [(r.number, r.line, r.values["Nom"], r.values["Commentaire"]) for r in rows] == [
        (1, 2, "Martin", "Très bon client"), (2, 3, "Durand", "RAS"),
        (3, 5, "Leroy", "RAS"), (4, 6, "Petit", "ok"),
    ]
    assert table.stats.rows == 4
    assert table.stats.warnings == [
        'Line 2 opens a quote (") that is not closed on that line: the 3 line(s) after it were '
        "read as part of the value of 'Commentaire' of that row; they look like rows of their "
        "own and were read again as rows. Check line 2 (close or remove that quote) and the "
        "rows after it."
    ]
    batch = next(iter(table.batches_columns()))
    assert (batch.numbers, batch.lines) == ([1, 2, 3, 4], [2, 3, 5, 6])
    assert batch.columns["Commentaire"] == ["Très bon client", "RAS", "RAS", "ok"]
    # A resumed read numbers them alike, even starting among them.
    for start in (2, 3, 4):
        assert [(r.number, r.line) for r in table.rows(start=start)] == [
            (r.number, r.line) for r in rows[start - 1 :]
        ]
        assert [b.numbers for b in table.batches_columns(start=start)] == [
            list(range(start, 5))
        ]


def test_a_quote_closed_rows_later_is_reported_and_real_line_breaks_are_not(
    tmp_path: Path,
) -> None:
    text = UNCLOSED.replace("Leroy;Anne;anne.leroy@gmail.com;RAS", 'Leroy;Anne;a@b.fr;"VIP"')
    table = open_table(write(tmp_path / "f.csv", text))
    rows = list(table.rows())
    assert [r.values["Nom"] for r in rows] == ["Martin", "Petit"]
    assert rows[0].values["Commentaire"].startswith("Très bon client\nDurand;Claire;")
    assert table.stats.warnings == [
        'Line 2 opens a quote (") that is not closed on that line: the 2 line(s) after it, '
        "which look like rows of their own, were read as part of the value of 'Commentaire' "
        "of that row. Close or remove that quote on line 2 and import the file again."
    ]
    # An address on several lines, even with a ';', is a value: no warning.
    text = 'Nom;Adresse;Ville\nMartin;"12 rue de la Paix\nBât. B; 2e étage";Paris\n'
    table = open_table(write(tmp_path / "g.csv", text))
    assert [r.values["Adresse"] for r in table.rows()] == ["12 rue de la Paix\nBât. B; 2e étage"]
    assert table.stats.warnings == []


def test_excel_sep_line_and_explicit_delimiter(tmp_path: Path) -> None:
    table = open_table(write(tmp_path / "f.csv", "sep=|\r\na|b;c\r\n1|2;3\r\n"))
    assert table.delimiter == "|"
    rows = list(table.rows())
    assert rows[0].values == {"a": "1", "b;c": "2;3"}
    assert rows[0].line == 3
    forced = open_table(tmp_path / "f.csv", delimiter=";")
    assert forced.headers == ["a|b", "c"]
    with pytest.raises(InputFileError, match="give one character"):
        open_table(tmp_path / "f.csv", delimiter=";;")


# -- shapes: ragged, blank, headers, NUL, line ends --------------------------------------


def test_ragged_rows_and_blank_lines(tmp_path: Path) -> None:
    text = "\n\na;b;c\n1;2;3\n\n;;\n4;5\n6;7;8;9;;\n10;11;12;;\n"
    table = open_table(write(tmp_path / "f.csv", text))
    rows = list(table.rows())
    assert [(r.number, r.line) for r in rows] == [(1, 4), (2, 7), (3, 8), (4, 9)]
    assert rows[1].values == {"a": "4", "b": "5", "c": None}
    assert rows[2].values == {"a": "6", "b": "7", "c": "8"}
    assert rows[2].extra == ("9",)
    assert rows[2].raw == ["6", "7", "8", "9", "", ""]
    assert rows[3].extra == ()  # trailing empty cells are not data
    stats = table.stats
    assert (stats.rows, stats.blank_lines, stats.short_rows, stats.long_rows) == (4, 2, 1, 1)


def test_headers_made_unique_trimmed_and_named(tmp_path: Path) -> None:
    text = '\ufeff Email ;Email;;email;Email (2);"Date de\n  naissance ";;\n1;2;3;4;5;6;;\n'
    table = open_table(write(tmp_path / "f.csv", text, "utf-8-sig"))  # BOM + stray BOM
    assert table.original_headers[0] == "\ufeff Email "
    assert table.original_headers[5] == "Date de\n  naissance "
    assert table.headers == [
        "Email",
        "Email (3)",
        "column_3",
        "email",
        "Email (2)",
        "Date de naissance",
    ]


def test_header_with_quoted_newline(tmp_path: Path) -> None:
    table = open_table(write(tmp_path / "f.csv", 'id;"Date de\nnaissance"\n1;02/03/1990\n'))
    assert table.headers == ["id", "Date de naissance"]
    assert table.original_headers == ["id", "Date de\nnaissance"]
    assert next(iter(table.rows())).line == 3


def test_title_block_above_the_header_is_skipped_and_named(tmp_path: Path) -> None:
    text = (
        "Export clients - Boutique Dupont;;;\nGénéré le 01/12/2026;;;\n;;;\n"
        "Nom;Prénom;Email;Téléphone\nMartin;Anne;anne@free.fr;0612345678\n"
        "Durand;Luc;luc@sfr.fr;0698765432\n"
    )
    table = open_table(write(tmp_path / "f.csv", text))
    assert table.headers == ["Nom", "Prénom", "Email", "Téléphone"]
    rows = list(table.rows())
    assert [(r.number, r.values["Nom"], r.line) for r in rows] == [
        (1, "Martin", 5), (2, "Durand", 6)
    ]
    assert any("Export clients - Boutique Dupont / Généré le 01/12/2026" in w
               for w in table.stats.warnings)
    # Columns, resuming, and a re-read give the same rows.
    assert [b.columns["Nom"] for b in table.batches_columns()] == [["Martin", "Durand"]]
    assert [r.values["Nom"] for r in table.rows(start=2)] == ["Durand"]


_TWO_LINE_HEADER = (
    "Liste clients 2024;;;;;;;\n"
    "Nom;Prénom;Email;Domicile;;;Travail;\n"
    ";;;Adresse;Ville;Tél;Adresse;Tél\n"
    "DURAND;Marie;marie.durand@gmail.com;12 rue des Lilas;Lyon;04 78 12 34 56;"
    "5 place Bellecour;04 72 00 00 00\n"
    "LEROY;Paul;paul.leroy@free.fr;3 rue Sala;Lyon;;;\n"
)
_BOTH_LINES = ["Nom", "Prénom", "Email", "Adresse (Domicile)", "Ville (Domicile)",
               "Tél (Domicile)", "Adresse (Travail)", "Tél (Travail)"]


def test_a_header_on_two_lines_names_every_column(tmp_path: Path) -> None:
    """Names on the first line, group names over the others on the second (a sheet's
    merged cells): the first three columns were nameless and mapped by content only,
    and the work address became the home address's second line."""
    table = open_table(write(tmp_path / "f.csv", _TWO_LINE_HEADER))
    assert table.headers == _BOTH_LINES
    rows = list(table.rows())
    assert [(r.number, r.line, r.values["Nom"]) for r in rows] == [
        (1, 4, "DURAND"), (2, 5, "LEROY")
    ]
    assert [r.values["Nom"] for r in table.rows(start=2)] == ["LEROY"]
    assert any(w.startswith("The header is lines 2 and 3") for w in table.stats.warnings)
    assert any("1 title line(s) above the header skipped: Liste clients 2024" in w
               for w in table.stats.warnings)


def test_a_workbook_header_on_two_rows_names_every_column(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for line in _TWO_LINE_HEADER.splitlines():
        sheet.append([cell or None for cell in line.split(";")])
    sheet.merge_cells("D2:F2")
    book.save(tmp_path / "f.xlsx")
    table = open_table(tmp_path / "f.xlsx")
    assert table.headers == _BOTH_LINES
    assert [r.values["Adresse (Travail)"] for r in table.rows()] == ["5 place Bellecour", None]


def test_a_title_over_a_header_is_no_second_header_line(tmp_path: Path) -> None:
    text = ";;;Généré le 12/03/2024\nNom;Prénom;Email\nMartin;Anne;anne@free.fr\n"
    table = open_table(write(tmp_path / "f.csv", text))
    assert table.headers == ["Nom", "Prénom", "Email"]


def test_one_column_files_and_stray_wide_rows_keep_the_first_record_as_header(
    tmp_path: Path,
) -> None:
    text = "email\nanne@free.fr\nluc@sfr.fr;note\nzoe@orange.fr\nbob@gmail.com\n"
    table = open_table(write(tmp_path / "f.csv", text), delimiter=";")
    assert table.headers == ["email"]
    assert [r.values["email"] for r in table.rows()] == [
        "anne@free.fr", "luc@sfr.fr", "zoe@orange.fr", "bob@gmail.com"
    ]
    # A header with one named column over rows of two cells is still the header.
    table = open_table(write(tmp_path / "g.csv", "email;\nanne@free.fr;note\nluc@sfr.fr;x\n"))
    assert table.headers == ["email"]
    assert [(r.values["email"], r.extra) for r in table.rows()] == [
        ("anne@free.fr", ("note",)), ("luc@sfr.fr", ("x",))
    ]
    table = open_table(write(tmp_path / "h.csv", "Nom;\nMartin;06 12 34 56 78\nDurand;0698\n"))
    assert table.headers == ["Nom"]


def test_a_file_with_no_header_row_keeps_its_first_row_as_data(tmp_path: Path) -> None:
    """An export written without its column names: its first person was taken for the
    header (lost, and every column named after their values)."""
    text = (
        "Dupont;Jean;jean.dupont@gmail.com;0612345678\n"
        "Martin;Sophie;sophie.martin@free.fr;0698765432\n"
        "Leroy;Paul;paul.leroy@orange.fr;\n"
    )
    table = open_table(write(tmp_path / "f.csv", text))
    assert table.headers == ["column_1", "column_2", "column_3", "column_4"]
    rows = list(table.rows())
    assert [(r.number, r.line, r.values["column_1"]) for r in rows] == [
        (1, 1, "Dupont"), (2, 2, "Martin"), (3, 3, "Leroy")
    ]
    assert [b.columns["column_3"] for b in table.batches_columns()] == [
        ["jean.dupont@gmail.com", "sophie.martin@free.fr", "paul.leroy@orange.fr"]
    ]
    assert [r.values["column_1"] for r in table.rows(start=2)] == ["Martin", "Leroy"]
    [warning] = [w for w in table.stats.warnings if w.startswith("No header row")]
    assert "line 1 is data (Dupont; Jean; jean.dupont@gmail.com; 0612345678)" in warning
    # a one-column list of e-mails keeps its first address
    table = open_table(write(tmp_path / "g.csv", "anne@free.fr\nluc@sfr.fr\nzoe@orange.fr\n"))
    assert [r.values["column_1"] for r in table.rows()] == [
        "anne@free.fr", "luc@sfr.fr", "zoe@orange.fr"
    ]
    # a header naming no field above such rows is still a header
    table = open_table(write(tmp_path / "h.csv", "Qui;Où;Contact\nMartin;Lyon;a@b.fr\n"))
    assert table.headers == ["Qui", "Où", "Contact"]


def test_an_xlsx_sheet_with_no_header_row(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(["Dupont", "Jean", "jean.dupont@gmail.com", 612345678, dt.datetime(1970, 3, 12)])
    ws.append(["Martin", "Sophie", "sophie.martin@free.fr", 698765432, dt.datetime(1985, 3, 5)])
    wb.save(tmp_path / "clients.xlsx")
    table = open_table(tmp_path / "clients.xlsx")
    assert table.headers == [f"column_{i}" for i in range(1, 6)]
    assert [(r.line, r.values["column_1"]) for r in table.rows()] == [(1, "Dupont"), (2, "Martin")]
    assert any(w.startswith("No header row: sheet Sheet, row 1, is data (Dupont; Jean")
               for w in table.stats.warnings)


def test_xlsx_title_rows_above_the_header(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(["Liste des inscrits - Salon 2026"])
    ws.append([])
    ws.append(["Nom", "Email"])
    ws.append(["Martin", "anne@free.fr"])
    ws.append(["Durand", "luc@sfr.fr"])
    wb.save(tmp_path / "salon.xlsx")
    table = open_table(tmp_path / "salon.xlsx")
    assert table.headers == ["Nom", "Email"]
    assert values(table) == [
        {"Nom": "Martin", "Email": "anne@free.fr"}, {"Nom": "Durand", "Email": "luc@sfr.fr"}
    ]
    assert [r.line for r in table.rows()] == [4, 5]
    assert any("Liste des inscrits - Salon 2026" in w for w in table.stats.warnings)


CLIENTS_HEADER = ["Nom", "Prénom", "Email", "Téléphone", "Code postal", "Ville"]
CLIENTS = [
    ["Martin", "Paul", "paul.martin@orange.fr", "06 12 34 56 78", "69003", "Lyon"],
    ["Durand", "Claire", "claire.durand@free.fr", "06 12 34 56 79", "13001", "Marseille"],
]


@pytest.mark.parametrize(
    ("above", "header", "rows", "header_row"),
    [
        # a title, an export date in the next cell, a blank row
        ([["Liste des clients"], ["Date d'export :", dt.datetime(2024, 3, 12)], []],
         CLIENTS_HEADER, CLIENTS, 4),
        # a title and a date on one row
        ([["Export clients", "12/03/2024"]], CLIENTS_HEADER, CLIENTS, 2),
        # group names over merged cells (merged below)
        ([["Identité", None, None, "Coordonnées", None, None]], CLIENTS_HEADER, CLIENTS, 2),
        # numbered columns, whose digits made the header look like values
        ([["Fichier prospects salon 2024"], []],
         ["Nom", "Prénom", "Adresse 1", "Adresse 2", "CP", "Ville", "Tél 1", "Tél 2",
          "Email 1", "Email 2"],
         [["Martin", "Paul", "12 rue de la Paix", "Bât B", "75002", "Paris",
           "06 12 34 56 78", "01 45 67 89 10", "paul.martin@orange.fr", None]], 3),
        # a newsletter list: most rows hold only an e-mail
        ([["Inscrits newsletter - export du 12/03/2024"]],
         ["Email", "Nom", "Prénom", "Date d'inscription"],
         [["paul.martin@orange.fr", "Martin", "Paul", "2024-01-02"],
          ["claire.durand@free.fr"], ["anne.leroy@gmail.com"], ["marc.petit@sfr.fr"]], 2),
    ],
    ids=["title-and-date-rows", "title-and-date-cells", "merged-groups", "numbered-columns",
         "sparse-newsletter"],
)
def test_xlsx_header_under_a_title_block_is_the_row_naming_fields(
    tmp_path: Path, above: list[list[object]], header: list[str], rows: list[list[object]],
    header_row: int,
) -> None:
    wb = Workbook()
    ws = wb.active
    for cells in above:
        ws.append(cells)
    if above[0][0] == "Identité":
        ws.merge_cells("A1:C1")
        ws.merge_cells("D1:F1")
    ws.append(header)
    for cells in rows:
        ws.append(cells)
    wb.save(tmp_path / "export.xlsx")
    table = open_table(tmp_path / "export.xlsx")
    assert table.headers == header
    read = list(table.rows())
    assert [r.values[header[0]] for r in read] == [cells[0] for cells in rows]
    assert read[0].line == header_row + 1
    assert any(f"the header is row {header_row}." in w for w in table.stats.warnings)


def test_csv_header_under_a_title_with_a_date_cell(tmp_path: Path) -> None:
    text = (
        "Export du;12/03/2024\nNom;Prénom;Email;Téléphone\n"
        "Martin;Paul;paul.martin@orange.fr;0612345678\n"
        "Durand;Claire;claire.durand@free.fr;0612345679\n"
    )
    table = open_table(write(tmp_path / "f.csv", text))
    assert table.headers == ["Nom", "Prénom", "Email", "Téléphone"]
    assert [(r.values["Nom"], r.line) for r in table.rows()] == [("Martin", 3), ("Durand", 4)]
    assert table.stats.warnings == [
        "1 title line(s) above the header skipped: Export du 12/03/2024; the header is line 2."
    ]


def test_unknown_headers_keep_the_first_row_and_data_naming_fields_is_no_header(
    tmp_path: Path,
) -> None:
    # Nothing names a field: the first row stays the header, as before.
    table = open_table(write(tmp_path / "f.csv", "Code;Statut\nC1;Date\nC2;Ville\n"))
    assert table.headers == ["Code", "Statut"]
    assert len(list(table.rows())) == 2
    # A data row holding two field names among many cells is no header.
    text = "a;b;c;d;e;f;g\n1;2;3;4;5;6;7\nx;Ville;Date;q;r;s;t\n8;9;10;11;12;13;14\n"
    table = open_table(write(tmp_path / "g.csv", text))
    assert table.headers == ["a", "b", "c", "d", "e", "f", "g"]


def test_only_a_header_gives_no_rows(tmp_path: Path) -> None:
    table = open_table(write(tmp_path / "f.csv", "nom;prenom\r\n"))
    assert table.headers == ["nom", "prenom"]
    assert list(table.batches()) == []
    assert list(table.batches_columns()) == []


def test_nul_bytes_are_removed_and_counted(tmp_path: Path) -> None:
    table = open_table(write(tmp_path / "f.csv", b"a;b\n1\x00;x\x00y\n\x00\x00\n"))
    assert values(table) == [{"a": "1", "b": "xy"}]
    assert table.stats.nul_chars == 4
    assert table.stats.blank_lines == 1


@pytest.mark.parametrize("eol", ["\r", "\n", "\r\n"], ids=["CR", "LF", "CRLF"])
def test_line_endings(tmp_path: Path, eol: str) -> None:
    text = eol.join(["a;b", "1;2", '"x' + eol + 'y";3', "4;5"]) + eol
    rows = list(open_table(write(tmp_path / "f.csv", text)).rows())
    assert [r.values for r in rows] == [
        {"a": "1", "b": "2"},
        {"a": "x" + eol + "y", "b": "3"},
        {"a": "4", "b": "5"},
    ]
    assert [r.line for r in rows] == [2, 3, 5]


def test_unicode_separators_do_not_break_lines(tmp_path: Path) -> None:
    odd = "x\u2028y\x0bz\x0c\x1c\x1d\x1e\x85w"
    table = open_table(write(tmp_path / "f.csv", f"a;b\n{odd};2\n"))
    assert values(table) == [{"a": odd, "b": "2"}]


def test_unclosed_quote_is_reported(tmp_path: Path) -> None:
    body = 'a;b\n1;"never closed\n' + "x;y\n" * 40_000
    with pytest.raises(InputFileError, match=r"quote \(\"\) is probably never closed"):
        list(open_table(write(tmp_path / "f.csv", body)).rows())


# -- streaming, resuming, columns ---------------------------------------------------------


def _big_csv(path: Path, rows: int) -> Path:
    with path.open("w", encoding="cp1252", newline="") as fh:
        fh.write("id;prénom;nom;email;ville\r\n")
        for i in range(rows):
            fh.write(f"{i};Éloïse;Lefèvre;eloise{i}@exemple.fr;Saint-Étienne\r\n")
    return path


def test_batches_stream_with_bounded_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Memory is bounded by a chunk and a batch: with 64 KiB chunks and 200-row
    # batches the peak stays tiny, while holding all the rows costs megabytes.
    monkeypatch.setattr(sniff, "CHUNK_SIZE", 1 << 16)
    table = open_table(_big_csv(tmp_path / "big.csv", 15_000))
    tracemalloc.start()
    try:
        count = sum(len(batch) for batch in table.batches(size=200))
        _, streamed_peak = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        columns = sum(len(batch) for batch in table.batches_columns(size=200))
        _, columns_peak = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        everything = [row for batch in table.batches(size=15_000) for row in batch]
        _, full_peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == columns == len(everything) == 15_000
    assert streamed_peak < 2_000_000
    assert columns_peak < 2_000_000
    assert streamed_peak * 8 < full_peak


def test_batches_are_lazy(tmp_path: Path) -> None:
    table = open_table(_big_csv(tmp_path / "big.csv", 30_000))
    first = next(iter(table.batches(size=10)))
    assert [r.number for r in first] == list(range(1, 11))


def test_resume_from_a_row(tmp_path: Path) -> None:
    table = open_table(write(tmp_path / "f.csv", "a\n1\n\n2\n3\n4\n5\n"))
    rows = [r for b in table.batches(2, start=3) for r in b]
    assert [(r.number, r.values["a"], r.line) for r in rows] == [
        (3, "3", 5),
        (4, "4", 6),
        (5, "5", 7),
    ]
    assert table.stats.rows == 3
    table.skip_to(5)
    assert [r.values["a"] for r in table.rows()] == ["5"]
    assert [b.numbers for b in table.batches_columns(start=4)] == [[4, 5]]
    assert list(table.rows(start=99)) == []
    with pytest.raises(ValueError, match="start at 1"):
        table.skip_to(0)


def test_columns_match_rows(tmp_path: Path) -> None:
    text = "a;b;c\n1;2;3\n4\n\n5;6;7;8\n9;10;11\n"
    table = open_table(write(tmp_path / "f.csv", text))
    rows = list(table.rows())
    batches = list(table.batches_columns(size=2))
    assert all(isinstance(b, ColumnBatch) for b in batches)
    assert [len(b) for b in batches] == [2, 2]
    numbers = [n for b in batches for n in b.numbers]
    assert numbers == [r.number for r in rows]
    assert [line for b in batches for line in b.lines] == [r.line for r in rows]
    for header in table.headers:
        assert [v for b in batches for v in b.columns[header]] == [r.values[header] for r in rows]
    assert batches[1].extra == {3: ("8",)}
    assert table.stats.short_rows == 1 and table.stats.long_rows == 1


def test_fingerprint_is_sha256_of_the_bytes(tmp_path: Path) -> None:
    path = write(tmp_path / "f.csv", "a;b\n1;2\n")
    assert open_table(path).fingerprint == hashlib.sha256(path.read_bytes()).hexdigest()


def test_raw_row_key_and_repr() -> None:
    row = RawRow(3, {"a": "1"}, ("x",), ["1", "x"], 4)
    assert row.key == 3
    assert "extra=['x']" in repr(row)
    assert RawRow(1, {}, (), None, 2, sheet="S").key == ("S", 1)


# -- errors -------------------------------------------------------------------------------

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
OLE2_HEAD = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600  # an Office file's start, no more


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("empty.csv", b"", "is empty"),
        ("image.csv", PNG, "is a PNG image, not a customer file"),
        ("noise.csv", bytes(range(256)) * 64, "contains binary data"),
        ("old.xls", OLE2_HEAD, r"not a readable Excel 97-2003 workbook \(\.xls\).*damaged"),
        ("old.csv", OLE2_HEAD, r"not a readable Excel 97-2003 workbook \(\.xls\).*damaged"),
        ("sheet.ods", b"a;b\n", r"not a valid OpenDocument spreadsheet.*pass --format csv"),
        ("sheet.fods", b"<?xml", "is a flat OpenDocument spreadsheet.*save it as .xlsx, .ods"),
        ("contacts.docx2", b"a;b\n", r"extension '\.docx2'.*--format csv"),
        ("noext", b"a;b\n", "no extension"),
        ("blank.csv", b"\r\n\r\n;;\r\n", "no header row"),
        ("broken.xlsx", b"PK\x03\x04 this is not a real zip", "not a valid XLSX workbook"),
        ("text.xlsx", b"nom;prenom\nDupont;Jean\n", "pass --format csv"),
        ("web.xls", b"<html><body><table><tr><td>Nom</td></tr></table>", "HTML table"),
        ("broken.json", b'[{"a": 1}, {"a": ', "not valid JSON"),
        ("scalar.json", b"42", "does not hold a list of records"),
    ],
)
def test_unreadable_files(tmp_path: Path, name: str, data: bytes, message: str) -> None:
    path = write(tmp_path / name, data)
    with pytest.raises(InputFileError, match=message) as info:
        open_table(path)
    assert str(path) in str(info.value)


def test_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="does not exist; check the path"):
        open_table(tmp_path / "nope.csv")
    with pytest.raises(InputFileError, match="is a folder, not a file"):
        open_table(tmp_path)


def test_format_can_be_forced(tmp_path: Path) -> None:
    path = write(tmp_path / "export.dat", "a;b\n1;2\n")
    table = open_table(path, format="csv")
    assert table.format == "csv"
    assert values(table) == [{"a": "1", "b": "2"}]
    with pytest.raises(InputFileError, match="Unknown format 'parquet'"):
        open_table(path, format="parquet")
    ndjson = write(tmp_path / "lines.txt", '{"a": 1}\n')
    assert open_table(ndjson, format="jsonl").format == "ndjson"


def test_a_text_table_named_xls_is_read_as_text(tmp_path: Path) -> None:
    """Some tools write a tab-separated file and name it .xls."""
    path = write(tmp_path / "export.xls", "Nom\tPrénom\nDupont\tJean\n".encode("cp1252"))
    table = open_table(path)
    assert (table.format, table.delimiter) == ("csv", "\t")
    assert values(table) == [{"Nom": "Dupont", "Prénom": "Jean"}]


def test_xlsx_saved_as_csv_is_read_as_xlsx(tmp_path: Path) -> None:
    wb = Workbook()
    wb.active.append(["nom"])
    wb.active.append(["Dupont"])
    wb.save(tmp_path / "export.csv")
    table = open_table(tmp_path / "export.csv")
    assert table.format == "xlsx"
    assert values(table) == [{"nom": "Dupont"}]
    with pytest.raises(InputFileError, match="pass --format xlsx"):
        open_table(tmp_path / "export.csv", format="csv")


def test_zip_that_is_not_a_workbook(tmp_path: Path) -> None:
    with zipfile.ZipFile(tmp_path / "f.xlsx", "w") as zf:
        zf.writestr("hello.txt", "hi")
    with pytest.raises(InputFileError, match=r"not a valid XLSX workbook.*save it again"):
        open_table(tmp_path / "f.xlsx")


# -- XLSX ---------------------------------------------------------------------------------


@pytest.fixture
def workbook(tmp_path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "Clients"
    ws.append([])
    ws.append(["Nom", "Code postal", "Tél", "Né le", "Montant", "Réf", "Nom", None, None])
    ws.append(["Dupont", 1000, 612345678, dt.datetime(1980, 1, 2), 12.5, "00042", "bis"])
    ws["B3"].number_format = "00000"
    ws["C3"].number_format = "0# ## ## ## ##"
    ws.append([None] * 6)
    ws.append(["Martin", "69003", 33612345678.0, dt.datetime(2020, 5, 6, 7, 8, 9), 3.0, True])
    ws.append(["Petit", None, None, dt.date(1999, 12, 31), -1.25, "x", None, None, "en trop"])
    ws.append([])
    ws.append([None, None])
    prospects = wb.create_sheet("Prospects")
    prospects.append(["Nom", "Ville"])
    prospects.append(["Zoé", "Lyon"])
    prospects.append(["Léo", "Nantes"])
    hidden = wb.create_sheet("Listes")
    hidden.append(["valeurs"])
    hidden.append(["a"])
    hidden.sheet_state = "hidden"
    wb.create_sheet("Vide")
    path = tmp_path / "clients.xlsx"
    wb.save(path)
    return path


def test_xlsx_first_sheet(workbook: Path) -> None:
    table = open_table(workbook)
    assert (table.format, table.sheet, table.encoding, table.delimiter) == (
        "xlsx",
        "Clients",
        None,
        None,
    )
    assert table.headers == ["Nom", "Code postal", "Tél", "Né le", "Montant", "Réf", "Nom (2)"]
    rows = list(table.rows())
    assert [(r.number, r.line) for r in rows] == [(1, 3), (2, 5), (3, 6)]
    assert rows[0].values == {
        "Nom": "Dupont",
        "Code postal": "01000",
        "Tél": "06 12 34 56 78",
        "Né le": "1980-01-02",
        "Montant": "12.5",
        "Réf": "00042",
        "Nom (2)": "bis",
    }
    assert rows[1].values["Tél"] == "33612345678"
    assert rows[1].values["Né le"] == "2020-05-06T07:08:09"
    assert rows[1].values["Montant"] == "3"
    assert rows[1].values["Réf"] == "TRUE"
    assert rows[1].values["Nom (2)"] is None
    assert rows[2].values["Né le"] == "1999-12-31"
    assert rows[2].values["Montant"] == "-1.25"
    assert rows[2].extra == ("", "en trop")  # positions kept
    assert table.stats.blank_lines == 3
    # the sheet read and the others are named, the hidden one as such
    assert table.stats.warnings == [
        "Only the sheet Clients is imported; the workbook also has Prospects, Vide; hidden "
        "sheets not read: Listes. Import one with --sheet NAME, or every visible sheet with "
        "--sheet '*'.",
        "1 row has more cells than the header (row 6): cells stand in columns with no name in "
        "the header. Their extra cells are kept (under _extra in the rows' raw values); check "
        "these rows.",
    ]


def test_xlsx_a_hidden_first_sheet_is_not_the_default(tmp_path: Path) -> None:
    wb = Workbook()
    lists = wb.active
    lists.title = "Listes"
    lists.append(["Civilités"])
    lists.append(["M."])
    lists.append(["Mme"])
    lists.sheet_state = "hidden"
    clients = wb.create_sheet("Clients")
    clients.append(["Nom", "Email"])
    clients.append(["Martin", "paul.martin@orange.fr"])
    wb.active = 1
    wb.save(tmp_path / "f.xlsx")
    table = open_table(tmp_path / "f.xlsx")
    assert table.sheet == "Clients"
    assert values(table) == [{"Nom": "Martin", "Email": "paul.martin@orange.fr"}]
    assert table.stats.warnings == [
        "Only the sheet Clients is imported; hidden sheets not read: Listes. Import one with "
        "--sheet NAME, or every visible sheet with --sheet '*'."
    ]
    # Named, a hidden sheet is still read.
    assert open_table(tmp_path / "f.xlsx", sheet="Listes").headers == ["Civilités"]


def test_xlsx_a_summary_sheet_before_the_customers_is_passed_over(tmp_path: Path) -> None:
    wb = Workbook()
    summary = wb.active
    summary.title = "Synthèse"
    summary.append(["Nombre de clients", 2])
    summary.append(["Dont newsletter", 1])
    summary.append(["CA total", 1234.5])
    clients = wb.create_sheet("Clients")
    clients.append(CLIENTS_HEADER)
    for cells in CLIENTS:
        clients.append(cells)
    notes = wb.create_sheet("Notes")
    notes.append(["À rappeler en janvier"])
    wb.save(tmp_path / "f.xlsx")
    table = open_table(tmp_path / "f.xlsx")
    assert table.sheet == "Clients"
    assert [r.values["Nom"] for r in table.rows()] == ["Martin", "Durand"]
    assert table.stats.warnings == [
        "Only the sheet Clients is imported (its columns name customer fields, those of "
        "Synthèse do not); the workbook also has Synthèse, Notes. Import one with --sheet "
        "NAME, or every visible sheet with --sheet '*'."
    ]
    # A first sheet with columns of its own is kept: nothing names fields elsewhere either.
    wb = Workbook()
    wb.active.append(["Code", "Statut"])
    wb.active.append(["C1", "actif"])
    wb.create_sheet("Autre").append(["x", "y"])
    wb.save(tmp_path / "g.xlsx")
    assert open_table(tmp_path / "g.xlsx").headers == ["Code", "Statut"]


def test_xlsx_formulas_without_a_saved_result_are_named(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(["Nom", "Prénom", "Email", "Nom complet"])
    ws.append(["Martin", "Paul", '=LOWER("Paul.Martin@Orange.fr")', '=B2&" "&A2'])
    ws.append(["Durand", "Claire", "claire.durand@free.fr", '=B3&" "&A3'])
    wb.save(tmp_path / "script.xlsx")
    table = open_table(tmp_path / "script.xlsx")
    assert [r.values["Nom complet"] for r in table.rows()] == [None, None]
    assert table.stats.warnings == [
        "Sheet Sheet: 3 formula cell(s) have no saved result (C2, D2, D3): the file was "
        "written by a program and never calculated, so they are read as empty; open it in "
        "Excel or LibreOffice, save it, and import it again."
    ]
    # Saved by Excel, the same formulas carry their result: read, no warning.
    with zipfile.ZipFile(tmp_path / "script.xlsx") as source, zipfile.ZipFile(
        tmp_path / "saved.xlsx", "w"
    ) as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"<v />", b"<v>7</v>").replace(b"<v/>", b"<v>7</v>")
            target.writestr(item, data)
    table = open_table(tmp_path / "saved.xlsx")
    assert [r.values["Nom complet"] for r in table.rows()] == ["7", "7"]
    assert table.stats.warnings == []


def test_the_formula_scan_gives_way_when_it_cannot_look() -> None:
    """The scan uses a private openpyxl method; were it gone, no warning, and no failure."""
    from carnet.ingest.readers.xlsx import _formulas_without_result

    assert _formulas_without_result(object()) is None


@pytest.mark.parametrize("choice", ["Prospects", 1, "prospects "])
def test_xlsx_sheet_by_name_or_index(workbook: Path, choice: str | int) -> None:
    table = open_table(workbook, sheet=choice)
    assert table.sheet == "Prospects"
    assert values(table) == [{"Nom": "Zoé", "Ville": "Lyon"}, {"Nom": "Léo", "Ville": "Nantes"}]


def test_xlsx_all_sheets(workbook: Path) -> None:
    table = open_table(workbook, sheet="*")
    assert table.sheet == "*"
    assert table.headers[-1] == "Ville"
    rows = list(table.rows())
    assert [r.key for r in rows] == [
        ("Clients", 1),
        ("Clients", 2),
        ("Clients", 3),
        ("Prospects", 1),
        ("Prospects", 2),
    ]
    assert rows[3].values["Ville"] == "Lyon" and rows[3].values["Tél"] is None
    assert any("Listes" in w for w in table.stats.warnings)
    assert any("Vide" in w for w in table.stats.warnings)
    resumed = list(table.rows(start=("Prospects", 2)))
    assert [r.key for r in resumed] == [("Prospects", 2)]
    batch = next(iter(table.batches_columns()))
    assert batch.sheets == ["Clients"] * 3 + ["Prospects"] * 2
    with pytest.raises(ValueError, match="sheet"):
        list(table.rows(start=3))


def test_xlsx_sheet_errors(workbook: Path) -> None:
    with pytest.raises(InputFileError, match=r"has no sheet 'Nope' \(sheets: 'Clients'"):
        open_table(workbook, sheet="Nope")
    with pytest.raises(InputFileError, match="has no sheet number 9"):
        open_table(workbook, sheet=9)
    with pytest.raises(InputFileError, match="empty sheet 'Vide'"):
        open_table(workbook, sheet="Vide")


# -- JSON and NDJSON ----------------------------------------------------------------------


def test_json_array_and_nested(tmp_path: Path) -> None:
    doc = [
        {"nom": "Dupont", "adresse": {"ville": "Lyon", "cp": "69003"}, "tags": ["vip", 2]},
        {"nom": "Martin", "optin": False, "score": 1.50, "adresse": {}},
        {"nom": None, "extra": {"a": {"b": "deep"}}},
    ]
    path = write(tmp_path / "f.json", json.dumps(doc, ensure_ascii=False).replace("1.5", "1.50"))
    table = open_table(path)
    assert (table.format, table.sheet) == ("json", None)
    # the empty {} of "adresse" in the second record is no column beside its keys
    assert table.headers == ["nom", "adresse.ville", "adresse.cp", "tags", "optin", "score",
                             "extra.a.b"]  # fmt: skip
    rows = values(table)
    assert rows[0]["adresse.ville"] == "Lyon"
    assert rows[0]["tags"] == '["vip",2]'
    assert rows[1]["optin"] == "false"
    assert rows[1]["score"] == "1.50"
    assert rows[1]["adresse.ville"] is None and "adresse" not in rows[1]
    assert rows[2]["extra.a.b"] == "deep"


def test_json_object_with_records_member(tmp_path: Path) -> None:
    doc = {"version": 2, "fields": ["nom"], "contacts": [{"nom": "A"}, 7, {"nom": "B"}], "n": 2}
    table = open_table(write(tmp_path / "f.json", json.dumps(doc)))
    assert table.sheet == "contacts"
    rows = list(table.rows())
    assert [r.values for r in rows] == [{"nom": "A"}, {"nom": None}, {"nom": "B"}]
    assert rows[1].error == "not a JSON object" and rows[1].raw == "7"
    assert rows[1].extra == ("7",)
    assert table.stats.row_errors == 1


def test_json_path_given_with_sheet(tmp_path: Path) -> None:
    doc = {"data": {"meta": {}, "people": [{"x": "1"}]}, "other": [{"y": "2"}]}
    path = write(tmp_path / "f.json", json.dumps(doc))
    assert values(open_table(path, sheet="data.people")) == [{"x": "1"}]
    assert values(open_table(path)) == [{"y": "2"}]
    with pytest.raises(InputFileError, match=r"has no array named 'nope'"):
        open_table(path, sheet="nope")


def test_json_object_without_records(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="top-level keys: a, b"):
        open_table(write(tmp_path / "f.json", '{"a": 1, "b": [1, 2]}'))
    empty = open_table(write(tmp_path / "g.json", '{"a": 1, "contacts": []}'))
    assert (empty.sheet, list(empty.rows())) == ("contacts", [])


def test_json_rows_of_cells_under_a_row_of_names(tmp_path: Path) -> None:
    doc = [["Nom", "Prénom", "Email"], ["Martin", "Paul", "p.martin@orange.fr"],
           ["Durand", None, "c.durand@free.fr", "en trop"], ["Leroy"], {"nom": "x"}]
    table = open_table(write(tmp_path / "f.json", json.dumps(doc)))
    assert table.headers == ["Nom", "Prénom", "Email"]
    rows = list(table.rows())
    assert [r.values for r in rows[:3]] == [
        {"Nom": "Martin", "Prénom": "Paul", "Email": "p.martin@orange.fr"},
        {"Nom": "Durand", "Prénom": None, "Email": "c.durand@free.fr"},
        {"Nom": "Leroy", "Prénom": None, "Email": None},
    ]
    assert rows[1].extra == ("en trop",)
    assert [r.line for r in rows] == [2, 3, 4, 5]  # the names are item 1
    assert (rows[3].error, rows[3].raw) == ("not a row", '{"nom":"x"}')
    # Google Sheets' API wraps them in an object: found by the survey.
    wrapped = {"range": "Clients!A1:C2", "majorDimension": "ROWS", "values": doc[:2]}
    table = open_table(write(tmp_path / "g.json", json.dumps(wrapped)))
    assert table.sheet == "values"
    assert [r.values["Nom"] for r in table.rows()] == ["Martin"]


@pytest.mark.parametrize(
    ("doc", "column", "expected"),
    [
        (["a@b.fr", "c@d.fr"], "email", ["a@b.fr", "c@d.fr"]),
        ([101, "C102", None, True], "value", ["101", "C102", None, "true"]),
        ({"exported": "2024-03-12", "ids": ["a b", "c"]}, None, None),
    ],
)
def test_json_array_of_plain_values_is_one_column(
    tmp_path: Path, doc: object, column: str | None, expected: list[str | None] | None
) -> None:
    path = write(tmp_path / "f.json", json.dumps(doc))
    if column is None:  # nested plain values are no records
        with pytest.raises(InputFileError, match="holds no array of records, only an object"):
            open_table(path)
        return
    table = open_table(path)
    assert table.headers == [column]
    assert [r.values[column] for r in table.rows()] == expected
    assert all(r.error is None for r in table.rows())


def test_json_records_nested_deep_are_found_and_named(tmp_path: Path) -> None:
    doc = {
        "meta": {"count": 3, "links": [{"rel": "next", "href": "?page=2"}]},
        "results": {"customers": [
            {"nom": "Martin", "commandes": [{"ref": "C1"}, {"ref": "C2"}, {"ref": "C3"}]},
            {"nom": "Durand"}, {"nom": "Leroy"},
        ]},
    }
    table = open_table(write(tmp_path / "f.json", json.dumps(doc)))
    assert table.sheet == "results.customers"
    assert [r.values["nom"] for r in table.rows()] == ["Martin", "Durand", "Leroy"]
    assert table.stats.warnings == [
        "Records read from the array results.customers; not read: meta.links "
        "(choose another with --sheet PATH)."
    ]


def test_json_errors_say_where_and_read_well(tmp_path: Path) -> None:
    text = '[{"nom": "Martin"},\n {"nom": "Durand"},\n]\n'
    with pytest.raises(InputFileError, match=r"at line 3 .*a comma after the last item") as info:
        open_table(write(tmp_path / "f.json", text))
    assert info.value.context["line"] == 3
    with pytest.raises(InputFileError, match=r"holds no array of records, only an object "
                       r"\(top-level keys: nom, email\)"):
        open_table(write(tmp_path / "g.json", '{"nom": "Martin", "email": "p@x.fr"}'))
    with pytest.raises(InputFileError, match=r"has no array named 'data.people' \(top-level"):
        open_table(write(tmp_path / "h.json", '{"data": {"x": []}}'), sheet="data.people")


def test_json_streams_across_chunks_and_late_keys(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sniff, "CHUNK_SIZE", 5)
    monkeypatch.setattr(json_reader, "HEADER_SAMPLE", 2)
    doc = [{"n": 12345678, "s": "é" * 7}, {"n": 1.25e3}, {"n": 3, "late": {"k": "v"}}]
    table = open_table(write(tmp_path / "f.json", json.dumps(doc, ensure_ascii=False)))
    assert table.headers == ["n", "s"]
    rows = values(table)
    assert rows == [
        {"n": "12345678", "s": "é" * 7},
        {"n": "1250.0", "s": None},
        {"n": "3", "s": None, "late.k": "v"},
    ]
    assert table.headers == ["n", "s", "late.k"]
    assert table.stats.late_columns == ["late.k"]
    batch = next(iter(table.batches_columns()))
    assert batch.columns["late.k"] == [None, None, "v"]


def test_a_key_null_where_other_rows_give_an_object_is_no_column(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Shopify's "default_address": null beside an address object was a column of its
    own, which the mapping took for a second address line; Mailchimp's empty
    "ADDRESS": "" likewise. A string there after all is a column like any late key."""
    text = (
        '{"email": "a@x.fr", "default_address": {"zip": "44000"}, "sms": null}\n'
        '{"email": "b@x.fr", "default_address": null, "sms": null}\n'
        '{"email": "c@x.fr", "default_address": ""}\n'
    )
    table = open_table(write(tmp_path / "customers.ndjson", text))
    assert table.headers == ["email", "default_address.zip", "sms"]
    rows = values(table)
    assert rows[1] == {"email": "b@x.fr", "default_address.zip": None, "sms": None}
    assert rows[2] == {"email": "c@x.fr", "default_address.zip": None, "sms": None}
    monkeypatch.setattr(json_reader, "HEADER_SAMPLE", 3)
    late = text + '{"email": "d@x.fr", "default_address": "2 quai de la Fosse, Nantes"}\n'
    table = open_table(write(tmp_path / "more.ndjson", late))
    assert values(table)[3]["default_address"] == "2 quai de la Fosse, Nantes"
    assert table.stats.late_columns == ["default_address"]


def test_ndjson_with_bad_lines(tmp_path: Path) -> None:
    text = '{"a": 1, "b": {"c": "x"}}\n\n{"a": "2"\n[1, 2]\n{"a": 3, "d": true}\r\n'
    table = open_table(write(tmp_path / "f.ndjson", text))
    assert table.format == "ndjson"
    assert table.headers == ["a", "b.c", "d"]
    rows = list(table.rows())
    assert [(r.number, r.line) for r in rows] == [(1, 1), (2, 3), (3, 4), (4, 5)]
    assert rows[1].error is not None and rows[1].error.startswith("invalid JSON")
    assert rows[1].raw == '{"a": "2"'
    assert rows[2].error == "not a JSON object"
    # The text of an unreadable record is kept beside it, as an extra cell.
    assert [r.extra for r in rows] == [(), ('{"a": "2"',), ("[1, 2]",), ()]
    assert rows[3].values == {"a": "3", "b.c": None, "d": "true"}
    assert (table.stats.row_errors, table.stats.blank_lines) == (2, 1)
    batch = next(iter(table.batches_columns()))
    assert batch.errors.keys() == {2, 3}


def test_json_extension_holding_ndjson(tmp_path: Path) -> None:
    table = open_table(write(tmp_path / "f.json", '{"a": 1}\n{"a": 2}\n'))
    assert table.format == "ndjson"
    assert values(table) == [{"a": "1"}, {"a": "2"}]


# -- naughty strings ----------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
@pytest.mark.parametrize("delimiter", [";", ","])
def test_blns_round_trip(tmp_path: Path, encoding: str, delimiter: str) -> None:
    strings = BLNS
    if encoding == "cp1252":
        strings = [s for s in BLNS if _encodable(s, "cp1252")]
        assert len(strings) > 150
    path = tmp_path / "blns.csv"
    with path.open("w", encoding=encoding, newline="") as fh:
        out = csv.writer(fh, delimiter=delimiter)
        out.writerow(["id", "naughty", "copie"])
        for i, text in enumerate(strings):
            out.writerow([i, text, text])
    table = open_table(path)
    assert table.delimiter == delimiter
    assert table.encoding == encoding
    got = values(table)
    assert [r["naughty"] for r in got] == strings
    assert [r["copie"] for r in got] == strings


def _encodable(text: str, encoding: str) -> bool:
    try:
        text.encode(encoding)
    except UnicodeEncodeError:
        return False
    return True


# -- property: anything the csv module writes reads back ----------------------------------
#
# Decidable by construction: cells use ASCII letters, digits, space, quote, CR/LF,
# the chosen delimiter (written quoted) and French letters whose cp1252 bytes are
# all >= 0xC0. They exclude the other candidate delimiters (else a consistent
# unquoted ',' could honestly look like the delimiter) and the cp1252 bytes
# 0x80-0xBF (€, œ, ...): after a letter byte they can form valid UTF-8 ("é€€"),
# which makes cp1252 and UTF-8 indistinguishable; explicit tests cover them.
# Rows have at least one non-empty cell (blank records are skipped by design).

_LETTERS = "abcXYZ019 éèêëàâçùûôîïÉÈÀÇ"
Quoting = Literal[0, 1, 2, 3]


@st.composite
def tables(draw: st.DrawFn) -> tuple[list[str], list[list[str]], str, str, Quoting]:
    delimiter = draw(st.sampled_from([";", ",", "\t", "|"]))
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "latin-1"]))
    width = draw(st.integers(1, 5))
    headers = draw(
        st.lists(
            st.text("abcdefgh", min_size=1, max_size=6), min_size=width, max_size=width, unique=True
        )
    )
    cell = st.text(st.sampled_from([*_LETTERS, '"', "\n", "\r", delimiter]), max_size=12)
    row = st.lists(cell, min_size=width, max_size=width).filter(any)
    rows = draw(st.lists(row, max_size=15))
    quoting: Quoting = draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]))
    return headers, rows, delimiter, encoding, quoting


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=tables(), chunk=st.sampled_from([1, 2, 3, 7, 1 << 20]))
def test_property_csv_round_trip(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    data: tuple[list[str], list[list[str]], str, str, Quoting],
    chunk: int,
) -> None:
    headers, rows, delimiter, encoding, quoting = data
    monkeypatch.setattr(sniff, "CHUNK_SIZE", chunk)
    buf = io.StringIO()
    out = csv.writer(buf, delimiter=delimiter, quoting=quoting)
    out.writerow(headers)
    out.writerows(rows)
    path = write(tmp_path / "p.csv", buf.getvalue(), encoding)
    table = open_table(path)
    assert table.headers == headers
    assert [[r.values[h] for h in headers] for r in table.rows()] == rows
    columns = [
        c for b in table.batches_columns(size=4) for c in zip(*b.columns.values(), strict=True)
    ]
    assert [list(c) for c in columns] == rows


def test_xlsx_without_dimension_is_not_scanned_for_its_size(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A sheet with no <dimension> is read to its last row, without openpyxl's extra pass."""
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet
    from openpyxl.worksheet._reader import WorkSheetParser

    from carnet.demo.xlsx import XlsxWriter

    path = tmp_path / "export.xlsx"
    with XlsxWriter(path, "Export", ncols=2) as sheet:  # no rows=: no <dimension>
        sheet.append(["Nom", "Email"])
        sheet.extend([f"Martin{i}", f"m{i}@example.fr"] for i in range(250))

    def no_scan(self: WorkSheetParser) -> None:
        raise AssertionError("the whole sheet was parsed for its dimension")

    size_scan = ReadOnlyWorksheet._get_size
    monkeypatch.setattr(WorkSheetParser, "parse_dimensions", no_scan)
    table = open_table(path)
    rows = [row for batch in table.batches(size=100) for row in batch]
    assert len(rows) == 250 and list(rows[-1].values.values()) == ["Martin249", "m249@example.fr"]
    # Other code using openpyxl in the process still gets its sizes.
    assert ReadOnlyWorksheet._get_size is size_scan
