"""XLS, XLSB and ODS reading with python-calamine (the Rust calamine library).

Excel 97-2003 workbooks (``.xls``: old CRM dumps, accounting exports), Excel
binary workbooks (``.xlsb``) and OpenDocument spreadsheets (``.ods``,
LibreOffice) are read like XLSX: the same sheet choice, header under a title
block, blank rows skipped and cells as text (see :mod:`._workbook`). Dates are
dates: a number shown through a date format (``.xls``, ``.xlsb``) or a cell
typed as a date (``.ods``) reads ``yyyy-mm-dd`` or ``yyyy-mm-ddTHH:MM:SS``.

What calamine does not pass on, unlike the XLSX reader:

- number formats: a postcode 1000 shown as ``01000`` reads ``"1000"``, a
  phone 612345678 shown as ``06 12 34 56 78`` reads ``"612345678"`` (the
  postcode and phone fields put the lost zero back, and say so);
- error cells (``#N/A``, ``#DIV/0!``) read as empty;
- a formula never calculated reads as empty, with no warning naming it;
- merged cells: calamine gives an ``.xls`` sheet's; an ``.ods`` sheet's are read
  from its ``content.xml`` here (the cells' spans); an ``.xlsb`` sheet's are not
  known, so a cell merged down over several rows gives its value to its first
  row alone.

Memory: calamine reads a whole sheet before its first row comes out (an
``.xls`` file is read whole when opened), then rows are turned into text one
at a time; each read (the header, the mapping's sample, the import) reads the
sheet again. An ``.xls`` sheet holds at most 65,536 rows, so that is bounded;
an ``.ods`` or ``.xlsb`` sheet is not. Measured on the demo's event sheet (9
columns), over the process's size before reading: 65,535 rows of ``.xls``
+110 MB; 217,519 rows of ``.xlsb`` +200 MB, of ``.ods`` +270 MB (the same rows
as XLSX, streamed by openpyxl: +40 MB). A sheet of a million rows is better
exported as CSV.

A workbook protected by a password cannot be read: the error says how to save
a copy without one.
"""

from __future__ import annotations

import itertools
import tempfile
import zipfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import ClassVar
from xml.etree.ElementTree import ParseError, iterparse

from python_calamine import (
    CalamineWorkbook,
    PasswordError,
    SheetTypeEnum,
    SheetVisibleEnum,
)

from carnet.errors import InputFileError
from carnet.ingest.readers._base import Format
from carnet.ingest.readers._workbook import MergedRange, SheetEntry, WorkbookTable, cell_text

__all__ = ["CalamineTable", "OdsTable", "XlsTable", "XlsbTable"]

#: Streams of an Office (OLE2) file that tell it is no workbook, by their
#: UTF-16 names in its directory.
_OLE2_STREAMS = {
    "EncryptedPackage".encode("utf-16-le"): None,  # an Office file with a password
    "WordDocument".encode("utf-16-le"): "a Word document (.doc)",
    "PowerPoint Document".encode("utf-16-le"): "a PowerPoint presentation (.ppt)",
}

_PROTECTED = "is protected by a password (it is encrypted), so it cannot be read; "
#: How to save a copy without the password, by the program that wrote the file.
_EXCEL_UNLOCK = (
    "open it in Excel with its password and save a copy without it (File > Info > Protect "
    "Workbook > Encrypt with Password, emptied; a workbook that opens without asking is "
    "encrypted by its protected structure: Review > Protect Workbook), then import that copy."
)
_LIBREOFFICE_UNLOCK = (
    "open it in LibreOffice with its password and save a copy without it (File > Save As, "
    "'Save with password' unticked), then import that copy."
)


def _ole2_stream(path: Path) -> bytes | None:
    """The first of :data:`_OLE2_STREAMS` named in an OLE2 file, if any (read in chunks)."""
    overlap = max(len(name) for name in _OLE2_STREAMS)
    tail = b""
    try:
        with path.open("rb") as fh:
            while chunk := fh.read(1 << 20):
                data = tail + chunk
                for name in _OLE2_STREAMS:
                    if name in data:
                        return name
                tail = data[-overlap:]
    except OSError:
        return None
    return None


def _row_texts(row: Sequence[object], pad: list[str | None]) -> list[str | None]:
    """A calamine row as text: "" (an empty or error cell) is None, trailing ones dropped."""
    cells = pad + [
        (value or None) if isinstance(value, str) else cell_text(value)
        for value in row
    ]
    while cells and cells[-1] is None:
        cells.pop()
    return cells


class CalamineTable(WorkbookTable):
    """A workbook read by python-calamine; build it with ``open_table``.

    Args:
        path: the file.
        sheet: a sheet name, a 0-based index, ``"*"`` for every visible
            sheet, or None for the first visible sheet (see :mod:`._workbook`).

    Raises:
        InputFileError: the workbook is protected by a password, damaged, or
            the sheet does not exist or is empty.
    """

    format: ClassVar[Format]
    #: The format as messages name it.
    label: ClassVar[str]
    #: Extensions calamine recognises the format by; other names are opened
    #: from their bytes, whose format calamine then finds itself.
    extensions: ClassVar[tuple[str, ...]]
    #: How to save a copy without a password, in the program that wrote the format.
    unlock: ClassVar[str] = _EXCEL_UNLOCK

    def _load(self) -> CalamineWorkbook:
        try:
            if self.path.suffix.lower() in self.extensions:
                return CalamineWorkbook.from_path(str(self.path))
            # calamine picks its reader by the extension; guessing, it would hide why a
            # reader failed (a password): the file is opened under a name that says it
            with tempfile.TemporaryDirectory(prefix="carnet-") as folder:
                alias = Path(folder) / f"workbook{self.extensions[0]}"
                try:
                    alias.symlink_to(self.path.resolve())
                except OSError:  # no symbolic links here: calamine reads the bytes
                    with self.path.open("rb") as fh:
                        return CalamineWorkbook.from_filelike(fh)
                return CalamineWorkbook.from_path(str(alias))
        except OSError as error:
            raise self._fail(f"cannot be read ({error.strerror or error}).") from None
        except Exception as error:  # CalamineError and its kinds, on damaged parts
            raise self._corrupt(error) from None

    def _close(self, book: CalamineWorkbook) -> None:
        book.close()

    def _corrupt(self, error: BaseException) -> InputFileError:
        if isinstance(error, PasswordError):
            return self._fail(_PROTECTED + self.unlock)
        if self.format == "xls":  # an OLE2 file: Word, PowerPoint and encrypted XLSX are too
            stream = _ole2_stream(self.path)
            if stream is not None:
                other = _OLE2_STREAMS[stream]
                if other is None:  # an encrypted XLSX (or XLSB)
                    return self._fail(_PROTECTED + _EXCEL_UNLOCK)
                return self._fail(
                    f"is {other}, not a workbook; choose the Excel, LibreOffice or CSV "
                    "export of your data."
                )
        return self._fail(
            f"is not a readable {self.label.removeprefix('an ')} ({type(error).__name__}: "
            f"{error}); it may be damaged: open it in Excel or LibreOffice and save it "
            "again, as .xlsx or CSV UTF-8, then import that."
        )

    def _sheet_list(self, book: CalamineWorkbook) -> list[SheetEntry]:
        return [
            SheetEntry(sheet.name, sheet.visible == SheetVisibleEnum.Visible)
            for sheet in book.sheets_metadata
            if sheet.typ == SheetTypeEnum.WorkSheet
        ]

    def _sheet_rows(
        self, book: CalamineWorkbook, name: str, first: int
    ) -> Iterator[list[str | None]]:
        sheet = book.get_sheet_by_name(name)
        start = sheet.start
        if start is None:  # no cell at all
            return
        # iter_rows starts at the sheet's first row, blank rows included, but at
        # its first column that holds something: the columns before are put back.
        pad: list[str | None] = [None] * start[1]
        for row in itertools.islice(sheet.iter_rows(), first - 1, None):
            yield _row_texts(row, pad)

    def _sheet_merges(self, book: CalamineWorkbook, name: str) -> list[MergedRange]:
        # 0-based ((row, column), (row, column)) pairs; None where the format has
        # none to give (.ods, .xlsb)
        ranges = book.get_sheet_by_name(name).merged_cell_ranges or []
        return [MergedRange(r1 + 1, c1 + 1, r2 + 1, c2 + 1) for (r1, c1), (r2, c2) in ranges]


class XlsTable(CalamineTable):
    """An Excel 97-2003 workbook (``.xls``); see :class:`CalamineTable`."""

    format = "xls"
    label = "an Excel 97-2003 workbook (.xls)"
    extensions = (".xls", ".xla")


class XlsbTable(CalamineTable):
    """An Excel binary workbook (``.xlsb``); see :class:`CalamineTable`."""

    format = "xlsb"
    label = "an Excel binary workbook (.xlsb)"
    extensions = (".xlsb",)


class OdsTable(CalamineTable):
    """An OpenDocument spreadsheet (``.ods``, LibreOffice); see :class:`CalamineTable`."""

    format = "ods"
    label = "an OpenDocument spreadsheet (.ods)"
    extensions = (".ods",)
    unlock = _LIBREOFFICE_UNLOCK

    def _sheet_merges(self, book: CalamineWorkbook, name: str) -> list[MergedRange]:
        # calamine gives none for .ods: LibreOffice's sign-up sheets merge a company
        # or a day down over its people as often as Excel's do
        return _ods_merges(self.path, name)


_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_SHEET, _ROW, _CELL = f"{_TABLE}table", f"{_TABLE}table-row", f"{_TABLE}table-cell"
_COVERED = f"{_TABLE}covered-table-cell"


def _ods_merges(path: Path, sheet: str) -> list[MergedRange]:
    """The merged ranges of one ``.ods`` sheet, from the cells' spans in ``content.xml``.

    Streamed (rows are cleared once read), counting repeated rows and cells as
    LibreOffice writes them (``number-rows-repeated``, ``number-columns-repeated``).
    A file that cannot be scanned has none: its rows are still read, unfilled.
    """
    found: list[MergedRange] = []
    try:
        with zipfile.ZipFile(path) as archive, archive.open("content.xml") as content:
            inside, depth, row, next_row, column = False, 0, 0, 1, 1
            for event, element in iterparse(content, events=("start", "end")):
                tag = element.tag
                if event == "end":
                    if tag == _ROW:
                        element.clear()
                    elif tag == _SHEET:
                        depth -= 1
                        if inside and depth == 0:
                            break
                    continue
                if tag == _SHEET:
                    depth += 1
                    if depth == 1:  # a sheet, not a table inside a cell
                        inside = element.get(f"{_TABLE}name") == sheet
                elif not inside or depth != 1:
                    continue
                elif tag == _ROW:
                    row = next_row
                    next_row = row + int(element.get(f"{_TABLE}number-rows-repeated", "1"))
                    column = 1
                elif tag in (_CELL, _COVERED):
                    down = int(element.get(f"{_TABLE}number-rows-spanned", "1"))
                    across = int(element.get(f"{_TABLE}number-columns-spanned", "1"))
                    if tag == _CELL and (down > 1 or across > 1):
                        found.append(MergedRange(row, column, row + down - 1, column + across - 1))
                    column += int(element.get(f"{_TABLE}number-columns-repeated", "1"))
    except (OSError, KeyError, ValueError, ParseError, zipfile.BadZipFile):
        return []
    return found
