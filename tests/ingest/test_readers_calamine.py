"""XLS, XLSB and ODS workbooks (python-calamine): read like XLSX, known by their content,
clear errors when protected or damaged, and imported end to end on both databases."""

from __future__ import annotations

import datetime as dt
import shutil
import struct
import zipfile
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from carnet import Carnet
from carnet.errors import InputFileError
from carnet.ingest.readers import Table, open_table

WORKBOOKS = Path(__file__).parent.parent / "data" / "workbooks"
CLIENTS_HEADER = [
    "Civilité", "Prénom", "Nom", "Société", "E-mail", "Téléphone", "Code postal", "Ville",
    "Date de naissance", "N° client", "N° commande", "Date de commande", "Montant TTC",
]


def rows_of(table: Table) -> list[list[str | None]]:
    return [list(row.values.values()) for row in table.rows()]


# -- an OpenDocument spreadsheet written by hand -------------------------------------------

_ODS_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
)


def _ods_cell(value: object) -> str:
    if value is None:
        return "<table:table-cell/>"
    if isinstance(value, bool):
        typed = f'office:value-type="boolean" office:boolean-value="{str(value).lower()}"'
    elif isinstance(value, int | float):
        typed = f'office:value-type="float" office:value="{value!r}"'
    elif isinstance(value, dt.datetime | dt.date):
        typed = f'office:value-type="date" office:date-value="{value.isoformat()}"'
    elif isinstance(value, dt.time):
        typed = f'office:value-type="time" office:time-value="{value:PT%HH%MM%SS}"'
    else:
        paragraphs = "".join(f"<text:p>{escape(p)}</text:p>" for p in str(value).split("\n"))
        return f'<table:table-cell office:value-type="string">{paragraphs}</table:table-cell>'
    return f"<table:table-cell {typed}><text:p>{escape(str(value))}</text:p></table:table-cell>"


def write_ods(path: Path, sheets: dict[str, list[list[object]]], hidden: tuple[str, ...] = ()
              ) -> Path:
    """An .ods as LibreOffice writes it: compact XML, a hidden sheet by its table style."""
    tables = "".join(
        f'<table:table table:name="{escape(name)}" '
        f'table:style-name="{"hidden" if name in hidden else "shown"}">'
        + "".join(
            "<table:table-row>" + ("".join(_ods_cell(v) for v in row) or "<table:table-cell/>")
            + "</table:table-row>"
            for row in rows
        )
        + "</table:table>"
        for name, rows in sheets.items()
    )
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document-content {_ODS_NS} '
        'office:version="1.2"><office:automatic-styles>'
        '<style:style style:name="shown" style:family="table">'
        '<style:table-properties table:display="true"/></style:style>'
        '<style:style style:name="hidden" style:family="table">'
        '<style:table-properties table:display="false"/></style:style>'
        f"</office:automatic-styles><office:body><office:spreadsheet>{tables}"
        "</office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<manifest:manifest xmlns:manifest='
        '"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" manifest:media-type='
        '"application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry '
        'manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>'
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet",
            compress_type=zipfile.ZIP_STORED,
        )
        archive.writestr("META-INF/manifest.xml", manifest)
        archive.writestr("content.xml", content)
    return path


# -- an Excel binary workbook written by hand ---------------------------------------------
# The MS-XLSB records a reader needs, as Excel writes them: a record is its type and
# its size (7-bit groups), then its bytes; strings are UTF-16 with their length first.


def _varint(n: int) -> bytes:
    out = bytearray()
    while True:
        byte, n = n & 0x7F, n >> 7
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def _record(kind: int, payload: bytes = b"") -> bytes:
    return _varint(kind) + _varint(len(payload)) + payload


def _wide(text: str) -> bytes:
    return struct.pack("<I", len(text)) + text.encode("utf-16-le")


def _xlsb_cell(column: int, value: object) -> bytes:
    def head(style: int) -> bytes:  # the column, then the cell format (1: a date)
        return struct.pack("<II", column, style)

    if isinstance(value, bool):
        return _record(0x04, head(0) + bytes([value]))  # BrtCellBool
    if isinstance(value, dt.date):
        moment = value if isinstance(value, dt.datetime) else datetime.combine(value, dt.time())
        serial = (moment - datetime(1899, 12, 30)) / dt.timedelta(days=1)
        return _record(0x05, head(1) + struct.pack("<d", serial))  # BrtCellReal
    if isinstance(value, int | float):
        return _record(0x05, head(0) + struct.pack("<d", float(value)))
    return _record(0x06, head(0) + _wide(str(value)))  # BrtCellSt


def write_xlsb(path: Path, sheets: dict[str, list[list[object]]], hidden: tuple[str, ...] = ()
               ) -> Path:
    bundles, relations = b"", ""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for i, (name, rows) in enumerate(sheets.items(), 1):
            bundles += _record(  # BrtBundleSh: visibility, id, relation, name
                0x9C, struct.pack("<II", name in hidden, i) + _wide(f"rId{i}") + _wide(name)
            )
            relations += f'<Relationship Id="rId{i}" Target="worksheets/sheet{i}.bin"/>'
            cells = b"".join(
                _record(0x00, struct.pack("<I", r) + bytes(13))  # BrtRowHdr
                + b"".join(_xlsb_cell(c, v) for c, v in enumerate(row) if v is not None)
                for r, row in enumerate(rows)
            )
            size = struct.pack("<IIII", 0, max(len(rows) - 1, 0), 0,
                               max((len(r) for r in rows), default=1) - 1)
            archive.writestr(
                f"xl/worksheets/sheet{i}.bin",
                _record(0x81) + _record(0x94, size) + _record(0x91) + cells + _record(0x92)
                + _record(0x82),
            )
        archive.writestr(
            "xl/workbook.bin",
            _record(0x83) + _record(0x8F) + bundles + _record(0x90) + _record(0x9D)
            + _record(0x84),
        )
        archive.writestr(
            "xl/_rels/workbook.bin.rels",
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
            f'openxmlformats.org/package/2006/relationships">{relations}</Relationships>',
        )
        # two cell formats: General, and Excel's built-in date format (14)
        xf = [_record(0x2F, struct.pack("<HH", 0, fmt) + bytes(12)) for fmt in (0, 14)]
        archive.writestr(
            "xl/styles.bin", _record(0x269, struct.pack("<I", 2)) + b"".join(xf) + _record(0x26A)
        )
    return path


# -- reading -------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["xls", "ods"])
def test_a_workbook_reads_like_the_xlsx_it_was_saved_from(fmt: str) -> None:
    """LibreOffice's .xls and .ods of clients.xlsx: same sheet, header, rows, lines, warnings."""
    xlsx = open_table(WORKBOOKS / "clients.xlsx")
    table = open_table(WORKBOOKS / f"clients.{fmt}")
    assert (table.format, table.sheet, table.encoding, table.delimiter) == (
        fmt, "Clients", None, None
    )
    assert table.headers == xlsx.headers == CLIENTS_HEADER
    rows = list(table.rows())
    assert [(r.number, r.line) for r in rows] == [(1, 5), (2, 6), (3, 8), (4, 9)]
    assert rows[0].values == {
        "Civilité": "Mme",
        "Prénom": "Hélène",
        "Nom": "Dupré",
        "Société": "Société Générale",
        "E-mail": "helene.dupre@societegenerale.fr",
        # no number formats here: the zeros the XLSX shows ("06 12 34 56 78", "01000")
        # are for the phone and postcode fields to put back
        "Téléphone": "612345678",
        "Code postal": "1000",
        "Ville": "Bourg-en-Bresse",
        "Date de naissance": "1975-07-14",
        "N° client": "C001",
        "N° commande": "CMD-1001",
        "Date de commande": "2024-02-03T10:15:00",
        "Montant TTC": "129.9",
    }
    expected = rows_of(xlsx)
    expected[0][5:7] = ["612345678", "1000"]
    assert rows_of(table) == expected
    assert rows[3].values["Nom"] is None and rows[3].values["E-mail"] == "pas-un-email"
    assert rows[2].values["Nom"] == "Œillet" and rows[1].values["Société"] == "Œuvre d'Orient"
    assert table.stats.blank_lines == 1 and table.stats.rows == 4
    assert table.stats.warnings == xlsx.stats.warnings
    assert table.stats.warnings[1] == (
        "Sheet Clients: 2 title row(s) above the header skipped: Fichier clients - Association "
        "Les Amis de l'Œuvre / Exporté le 2024-03-12T09:30:00; the header is row 4."
    )


@pytest.mark.parametrize("fmt", ["xls", "ods"])
def test_sheets_by_name_index_or_all(fmt: str) -> None:
    path = WORKBOOKS / f"clients.{fmt}"
    prospects = [["Élodie", "Martin", "elodie.martin@laposte.net"],
                 ["Noël", "Duval", "noel.duval@sfr.fr"]]
    for choice in ("Prospects", 2, " prospects"):
        table = open_table(path, sheet=choice)
        assert table.sheet == "Prospects" and rows_of(table) == prospects
    # named, a hidden sheet is read
    assert rows_of(open_table(path, sheet="Listes")) == [["M."], ["Mme"]]
    every = open_table(path, sheet="*")
    assert every.sheet == "*" and every.headers == CLIENTS_HEADER  # Prospects' are among them
    keys = [row.key for row in every.rows()]
    assert keys == [("Clients", n) for n in range(1, 5)] + [("Prospects", 1), ("Prospects", 2)]
    assert "Hidden sheets skipped: Listes." in every.stats.warnings
    assert [r.key for r in every.rows(start=("Prospects", 2))] == [("Prospects", 2)]
    with pytest.raises(InputFileError, match=r"has no sheet 'Nope' \(sheets: 'Listes', 'Clients'"):
        open_table(path, sheet="Nope")


def test_a_hidden_first_sheet_and_a_title_block_in_an_ods(tmp_path: Path) -> None:
    path = write_ods(
        tmp_path / "adherents.ods",
        {
            "Codes": [["Civilités"], ["M."]],
            "Adhérents": [
                ["Liste des adhérents 2024"],
                [],
                ["Nom", "Prénom", "Email", "Né le"],
                ["Lefèvre", "Hélène", "helene@free.fr", dt.date(1962, 5, 1)],
            ],
        },
        hidden=("Codes",),
    )
    table = open_table(path)
    assert table.sheet == "Adhérents" and table.headers == ["Nom", "Prénom", "Email", "Né le"]
    assert [(r.line, list(r.values.values())) for r in table.rows()] == [
        (4, ["Lefèvre", "Hélène", "helene@free.fr", "1962-05-01"])
    ]
    assert any("hidden sheets not read: Codes" in w for w in table.stats.warnings)


def test_ods_cells_become_the_text_the_xlsx_reader_gives(tmp_path: Path) -> None:
    path = write_ods(
        tmp_path / "types.ods",
        {"Feuille1": [
            [None, None],  # a blank row and a blank column before the table
            [None, "Nom", "Montant", "Payé", "Heure", "Commande", "Adresse", "Erreur"],
            [None, "Hélène", 12.5, True, dt.time(8, 30), dt.datetime(2024, 3, 1, 8, 30, 15),
             "12 rue Paul Bert\nBât. B", None],
            [None, "Œuvre", 3.0, False, None, dt.datetime(2024, 3, 2), None, None],
            [None, None, 1e-7, None, None, None, None, None, None, "en trop"],
        ]},
    )
    table = open_table(path)
    assert table.headers == ["column_1", "Nom", "Montant", "Payé", "Heure", "Commande",
                             "Adresse", "Erreur"]
    rows = list(table.rows())
    assert [r.line for r in rows] == [3, 4, 5]
    assert rows[0].values == {
        "column_1": None, "Nom": "Hélène", "Montant": "12.5", "Payé": "TRUE", "Heure": "08:30:00",
        "Commande": "2024-03-01T08:30:15", "Adresse": "12 rue Paul Bert\nBât. B", "Erreur": None,
    }
    assert (rows[1].values["Montant"], rows[1].values["Payé"], rows[1].values["Commande"]) == (
        "3", "FALSE", "2024-03-02"
    )
    assert rows[2].values["Montant"] == "1e-07"
    assert rows[2].extra == ("", "en trop") and table.stats.long_rows == 1
    assert rows[0].raw == [None, "Hélène", "12.5", "TRUE", "08:30:00", "2024-03-01T08:30:15",
                           "12 rue Paul Bert\nBât. B"]
    # resuming, and the columns of a batch, read the same rows
    assert [r.number for r in table.rows(start=2)] == [2, 3]
    batch = next(iter(table.batches_columns()))
    assert batch.numbers == [1, 2, 3] and batch.columns["Nom"] == ["Hélène", "Œuvre", None]
    assert batch.extra == {3: ("", "en trop")}


def test_an_xlsb_reads_like_the_same_xlsx(tmp_path: Path) -> None:
    sheets: dict[str, list[list[object]]] = {
        "Listes": [["Civilités"], ["M."]],
        "Clients": [
            ["Export clients - Société Générale"],
            [],
            ["Nom", "Prénom", "Email", "Date de naissance", "Tél", "Montant", "Payé", "Commande"],
            ["Œillet", "Zoé", "zoe@free.fr", dt.date(1990, 11, 5), 612345678, 12.5, True,
             dt.datetime(2024, 3, 1, 8, 30)],
            [],
            ["Lefèvre", "Hélène", None, None, None, -3.0, False, None],
        ],
    }
    path = write_xlsb(tmp_path / "clients.xlsb", sheets, hidden=("Listes",))
    book = Workbook()
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
        sheet.sheet_state = "hidden" if name == "Listes" else "visible"
    del book["Sheet"]
    book.active = 1
    book.save(tmp_path / "clients.xlsx")
    xlsx, table = open_table(tmp_path / "clients.xlsx"), open_table(path)
    assert (table.format, table.sheet) == ("xlsb", "Clients")
    assert table.headers == xlsx.headers
    rows = list(table.rows())
    assert [(r.line, r.values) for r in rows] == [(r.line, r.values) for r in xlsx.rows()]
    assert rows[0].values["Date de naissance"] == "1990-11-05"
    assert rows[0].values["Commande"] == "2024-03-01T08:30:00"
    assert table.stats.warnings == xlsx.stats.warnings and table.stats.blank_lines == 1
    # known by its content under another name, or named .xlsb and damaged
    renamed = shutil.copy(path, tmp_path / "clients.xlsx")
    assert open_table(renamed).format == "xlsb"
    (tmp_path / "cut.xlsb").write_bytes(path.read_bytes()[:200])
    with pytest.raises(InputFileError, match=r"not a readable Excel binary workbook \(\.xlsb\)"):
        open_table(tmp_path / "cut.xlsb")


_WORD = st.text(
    alphabet=st.sampled_from("abcdefghijklmnopqrstuvwxyzéèêëàçôîœÉÈŒ0123456789-'@."),
    min_size=1, max_size=12,
)
_CELLS = st.one_of(
    st.none(),
    st.lists(_WORD, min_size=1, max_size=3).map(" ".join),
    st.integers(min_value=-(10**12), max_value=10**12),
    # Excel keeps 15 significant digits (openpyxl writes no more)
    st.floats(min_value=-1e9, max_value=1e9, allow_nan=False).map(lambda x: float(f"{x:.15g}")),
    st.booleans(),
    st.dates(min_value=dt.date(1901, 1, 1), max_value=dt.date(2099, 12, 31)),
    st.datetimes(min_value=dt.datetime(1901, 1, 1), max_value=dt.datetime(2099, 12, 31)).map(
        lambda d: d.replace(microsecond=0)
    ),
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=st.lists(st.lists(_CELLS, min_size=1, max_size=5), min_size=1, max_size=8))
def test_property_an_ods_reads_as_the_same_xlsx(tmp_path: Path, rows: list[list[object]]) -> None:
    """Whatever the cells, an .ods and an .xlsx holding them read the same."""
    header = ["Nom", "Prénom", "Email", "Montant", "Date"]
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    book.save(tmp_path / "t.xlsx")
    write_ods(tmp_path / "t.ods", {"Sheet": [header, *rows]})
    xlsx, ods = open_table(tmp_path / "t.xlsx"), open_table(tmp_path / "t.ods")
    assert ods.headers == xlsx.headers
    read = list(ods.rows())
    assert [(r.number, r.line, r.values, r.extra) for r in read] == [
        (r.number, r.line, r.values, r.extra) for r in xlsx.rows()
    ]
    # blank rows are those before the last row holding something (the sheet ends there)
    last = max((i for i, row in enumerate(rows) if any(c is not None for c in row)), default=-1)
    assert ods.stats.blank_lines == sum(
        1 for row in rows[: max(last, 0)] if all(c is None for c in row)
    )


# -- known by content -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "name", "fmt"),
    [
        ("clients.xls", "export.csv", "xls"),
        ("clients.xls", "export", "xls"),
        ("clients.ods", "export.xlsx", "ods"),
        ("clients.ods", "export.xls", "ods"),
        ("clients.xlsx", "export.ods", "xlsx"),
    ],
)
def test_a_workbook_is_known_by_its_content_whatever_its_name(
    tmp_path: Path, source: str, name: str, fmt: str
) -> None:
    path = shutil.copy(WORKBOOKS / source, tmp_path / name)
    table = open_table(path)
    assert table.format == fmt
    assert [r.values["Prénom"] for r in table.rows()] == ["Hélène", "François", "Zoé", None]
    # a workbook format given is the content's own anyway; a text format is an error
    assert open_table(path, format="xlsx").format == fmt
    with pytest.raises(InputFileError, match=f"not CSV; pass --format {fmt}"):
        open_table(path, format="csv")


@pytest.mark.parametrize("fmt", ["xls", "XLSB", "ods"])
def test_the_workbook_formats_are_named_by_format(tmp_path: Path, fmt: str) -> None:
    """--format xls on a text file says it is text; unknown formats list the new ones."""
    path = tmp_path / "export.dat"
    path.write_text("Nom;Prénom\nDupont;Jean\n", encoding="utf-8")
    with pytest.raises(InputFileError, match=r"is not a valid .*\(not .*\); it looks like a text"):
        open_table(path, format=fmt)
    with pytest.raises(InputFileError, match="use csv, xlsx, xls, xlsb, ods, json or ndjson"):
        open_table(path, format="numbers")


# -- errors --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "how"),
    [
        ("protected.xls", "Excel with its password and save a copy without it (File > Info"),
        ("protected.ods", "LibreOffice with its password and save a copy without it"),
        ("protected.xlsx", "Excel with its password and save a copy without it (File > Info"),
    ],
)
def test_a_workbook_protected_by_a_password_says_how_to_save_it_without(
    tmp_path: Path, name: str, how: str
) -> None:
    for path in (WORKBOOKS / name, shutil.copy(WORKBOOKS / name, tmp_path / "renamed.csv")):
        with pytest.raises(InputFileError, match="is protected by a password") as info:
            open_table(path)
        assert str(path) in str(info.value) and how in str(info.value)


def _truncated(tmp_path: Path, source: str, size: int) -> Path:
    path = tmp_path / source
    path.write_bytes((WORKBOOKS / source).read_bytes()[:size])
    return path


def test_damaged_workbooks_and_other_office_files_are_named(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match=r"is not a readable Excel 97-2003 workbook \(\.xls\) "
                       r"\(.*\); it may be damaged: open it in Excel or LibreOffice"):
        open_table(_truncated(tmp_path, "clients.xls", 4096))
    with pytest.raises(InputFileError, match=r"not a readable OpenDocument spreadsheet"):
        open_table(_truncated(tmp_path, "clients.ods", 3000))
    # a Word document: an OLE2 file whose stream is "WordDocument", not "Workbook"
    data = bytearray((WORKBOOKS / "clients.xls").read_bytes())
    at = data.index("Workbook".encode("utf-16-le") + b"\x00\x00")
    name = "WordDocument".encode("utf-16-le") + b"\x00\x00"
    data[at : at + len(name)] = name
    data[at + 64 : at + 66] = len(name).to_bytes(2, "little")
    (tmp_path / "lettre.xls").write_bytes(bytes(data))
    with pytest.raises(InputFileError, match=r"is a Word document \(\.doc\), not a workbook"):
        open_table(tmp_path / "lettre.xls")
    with pytest.raises(InputFileError, match="has an empty sheet 'Vide'"):
        open_table(write_ods(tmp_path / "v.ods", {"Vide": [], "Autre": [["a"]]}), sheet="Vide")


# -- end to end, on both databases ---------------------------------------------------------


def copied(tmp_path: Path, name: str) -> Path:
    """A fixture copied where the import may write its rejected rows beside it."""
    return Path(shutil.copy(WORKBOOKS / name, tmp_path / name))


@pytest.mark.parametrize("fmt", ["xls", "ods"])
def test_an_old_excel_or_libreoffice_customer_file_imports_end_to_end(
    carnet: Carnet, tmp_path: Path, fmt: str
) -> None:
    report = carnet.import_file(copied(tmp_path, f"clients.{fmt}"), id_column="N° client")
    assert report.format == fmt and report.rows == 4
    assert sum(report.counts.values()) == report.rows
    assert report.counts["inserted"] == 3 and report.counts["rejected"] == 1
    helene = carnet.search_contacts("hélène")[0]
    assert (helene.first_name, helene.last_name) == ("Hélène", "Dupré")
    assert helene.birth_date == dt.date(1975, 7, 14)
    assert helene.phone == "+33612345678" and helene.phones[0].raw == "612345678"
    assert "repaired" in helene.phones[0].flags
    assert helene.addresses[0].postcode == "01000"  # the number 1000, its zero put back
    assert (helene.addresses[0].city or "").upper() == "BOURG-EN-BRESSE"
    [order] = carnet.list_orders(helene.id)
    assert order.external_ref == "CMD-1001" and order.total_amount == Decimal("129.90")
    # 10:15 in the sheet is Paris time: 09:15 UTC
    assert order.ordered_at.astimezone(UTC) == datetime(2024, 2, 3, 9, 15, tzinfo=UTC)
    zoe = carnet.search_contacts("zoe.oeillet@free.fr")[0]
    assert (zoe.last_name, zoe.birth_date) == ("Œillet", dt.date(1990, 11, 5))
    assert zoe.phone == "+33781234567" and zoe.addresses[0].postcode == "69003"
    assert [o.ordered_at.date() for o in carnet.list_orders(zoe.id)] == [dt.date(2024, 3, 1)]
    # the same customers in the other format change nothing
    other = "ods" if fmt == "xls" else "xls"
    again = carnet.import_file(copied(tmp_path, f"clients.{other}"), id_column="N° client")
    assert again.counts["unchanged"] == 3 and again.counts["rejected"] == 1


def test_every_sheet_of_an_ods_is_its_own_source_and_a_preview_writes_nothing(
    carnet: Carnet, tmp_path: Path
) -> None:
    path = copied(tmp_path, "clients.ods")
    preview = carnet.preview_import(path, id_column="N° client")
    assert preview.preview and preview.format == "ods"
    assert preview.counts["inserted"] == 3 and preview.counts["rejected"] == 1
    assert carnet.search_contacts("hélène") == []
    reports = carnet.import_files([path], sheet="*")
    assert [r.source for r in reports] == ["clients:Clients", "clients:Prospects"]
    assert [r.counts["inserted"] for r in reports] == [3, 2]
    assert carnet.search_contacts("noel.duval@sfr.fr")[0].first_name == "Noël"


# -- merged cells ------------------------------------------------------------------------

SIGNED_UP = [  # (company, first name, day) of each person, as the sheet shows them
    ("ACME SARL", "Jean", "2024-05-22"),
    ("ACME SARL", "Marie", "2024-05-22"),
    ("ACME SARL", "Paul", "2024-05-22"),
    ("Boulangerie Martin", "Luc", "2024-05-23"),
    ("Boulangerie Martin", "Léa", "2024-05-23"),
    ("Indépendant", "Zoé", "2024-05-23"),
]


@pytest.mark.parametrize("fmt", ["xlsx", "xls", "ods"])
def test_a_cell_merged_down_gives_its_value_to_every_row_it_covers(fmt: str) -> None:
    table = open_table(WORKBOOKS / f"merged.{fmt}")
    rows = list(table.rows())
    assert [(r.values["Société"], r.values["Prénom"], r.values["Date"]) for r in rows] == (
        SIGNED_UP
    )
    # a merge across columns fills nothing: Zoé's phone stays empty
    assert rows[-1].values["Téléphone"] is None
    assert [r.line for r in rows] == [4, 5, 6, 7, 8, 10]  # the blank row 9 stays blank
    assert table.stats.warnings[-1] == (
        "Sheet Inscrits: 4 cell(s) merged down over several rows (A4:A6, F4:F6, A7:A8, "
        "F7:F8); their value was given to the 3 row(s) below them that the merges cover, "
        "as the spreadsheet shows it."
    )


def _ods_sheet(rows: list[str]) -> str:
    return f'<table:table table:name="Inscrits">{"".join(rows)}</table:table>'


def _write_ods_content(path: Path, tables: str) -> Path:
    """An .ods whose sheets' XML is given as written (spans and repeats included)."""
    write_ods(path, {"Inscrits": [["x"]]})
    with zipfile.ZipFile(path) as archive:
        manifest = archive.read("META-INF/manifest.xml")
        content = archive.read("content.xml").decode()
    start, end = content.index("<table:table "), content.index("</office:spreadsheet>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet",
            compress_type=zipfile.ZIP_STORED,
        )
        archive.writestr("META-INF/manifest.xml", manifest)
        archive.writestr("content.xml", content[:start] + tables + content[end:])
    return path


def _text(value: str, spans: str = "") -> str:
    return (
        f'<table:table-cell office:value-type="string"{spans}>'
        f"<text:p>{value}</text:p></table:table-cell>"
    )


def test_ods_merges_count_repeated_rows_and_cells(tmp_path: Path) -> None:
    """LibreOffice writes runs of blank rows and cells once, with a repeat count: a merge
    below them is where the sheet shows it."""
    other = '<table:table table:name="Autre"><table:table-row>' + _text(
        "ailleurs", ' table:number-rows-spanned="2"'
    ) + "</table:table-row></table:table>"
    inscrits = _ods_sheet([
        '<table:table-row table:number-rows-repeated="2"><table:table-cell/></table:table-row>',
        "<table:table-row>" + _text("Société") + _text("Prénom") + _text("E-mail")
        + "</table:table-row>",
        "<table:table-row>" + _text("ACME", ' table:number-rows-spanned="2"') + _text("Jean")
        + _text("jean@acme.fr") + "</table:table-row>",
        "<table:table-row><table:covered-table-cell/>" + _text("Marie") + _text("marie@acme.fr")
        + "</table:table-row>",
        '<table:table-row><table:table-cell table:number-columns-repeated="2"/>'
        + _text("zoe@free.fr") + "</table:table-row>",
    ])
    path = _write_ods_content(tmp_path / "inscrits.ods", other + inscrits)
    table = open_table(path, sheet="Inscrits")
    rows = list(table.rows())
    assert [(r.line, r.values["Société"], r.values["Prénom"]) for r in rows] == [
        (4, "ACME", "Jean"), (5, "ACME", "Marie"), (6, None, None)
    ]
    assert "A4:A5" in table.stats.warnings[-1]


def test_an_ods_that_cannot_be_scanned_for_merges_is_read_unfilled(tmp_path: Path) -> None:
    from carnet.ingest.readers.calamine import _ods_merges

    assert _ods_merges(tmp_path / "absent.ods", "Inscrits") == []
    (tmp_path / "broken.ods").write_bytes(b"PK not a zip")
    assert _ods_merges(tmp_path / "broken.ods", "Inscrits") == []
    assert _ods_merges(WORKBOOKS / "merged.ods", "no such sheet") == []


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    spans=st.lists(st.integers(min_value=1, max_value=3), min_size=1, max_size=6),
    blank_before=st.integers(min_value=0, max_value=4),
)
def test_property_ods_merges_are_found_where_they_are(
    tmp_path: Path, spans: list[int], blank_before: int
) -> None:
    """Blocks of rows merged down in column B below some blank rows: each block found."""
    rows = []
    if blank_before:
        rows.append(
            f'<table:table-row table:number-rows-repeated="{blank_before}">'
            "<table:table-cell/></table:table-row>"
        )
    expected = []
    line = blank_before + 1
    for k, down in enumerate(spans):
        for i in range(down):
            company = (
                _text(f"Société {k}", f' table:number-rows-spanned="{down}"') if i == 0
                else "<table:covered-table-cell/>"
            )
            rows.append(f"<table:table-row>{_text(f'p{k}.{i}')}{company}</table:table-row>")
        if down > 1:
            expected.append((line, 2, line + down - 1, 2))
        line += down
    from carnet.ingest.readers.calamine import _ods_merges

    path = _write_ods_content(tmp_path / "p.ods", _ods_sheet(rows))
    found = _ods_merges(path, "Inscrits")
    assert [(m.first_row, m.first_column, m.last_row, m.last_column) for m in found] == expected


def test_a_merged_sign_up_sheet_links_everyone_to_their_company(
    carnet: Carnet, tmp_path: Path
) -> None:
    report = carnet.import_file(copied(tmp_path, "merged.xlsx"))
    assert report.counts["inserted"] == 6
    marie = carnet.search_contacts("marie.durand@acme.fr")[0]
    lea = carnet.search_contacts("lea@boulangerie-martin.fr")[0]
    assert marie.organisation_name == "ACME SARL"
    assert lea.organisation_name == "Boulangerie Martin"
    assert marie.organisation_id == carnet.search_contacts("jean.dupont@acme.fr")[0].organisation_id
    assert any("merged down" in w for w in report.warnings)
