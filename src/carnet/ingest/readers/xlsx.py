"""XLSX reading with openpyxl's streaming (read-only) mode.

The sheet read, its header, its rows and how cells become text are the same
for every workbook: see :mod:`._workbook`. What is XLSX's own:

- a digits-only number format is applied to integers (``00000`` makes 1000
  ``"01000"``, ``0# ## ## ## ##`` makes 612345678 ``"06 12 34 56 78"``);
- error cells (``#N/A``) read as their text;
- a formula whose result was never saved (a file written by a program and
  never opened in Excel) reads as empty: a warning names the first such cells;
- merged cells are read from the sheet's ``<mergeCells>``, which openpyxl's
  streaming mode does not give (it comes after the cells: the sheet's XML is
  scanned, not parsed, for it).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from openpyxl import load_workbook
from openpyxl.worksheet._read_only import ReadOnlyWorksheet

from carnet.errors import InputFileError
from carnet.ingest.readers._workbook import MergedRange, SheetEntry, WorkbookTable, cell_text

__all__ = ["XlsxTable", "cell_text"]


@contextmanager
def _no_size_scan() -> Iterator[None]:
    """Open read-only sheets without openpyxl's look for their ``<dimension>``.

    When a sheet has none (files from many exporters), openpyxl parses the
    whole sheet for it on every open, keeping an element per row until the end:
    about 1 GB for a million rows, for a size this reader never uses (it resets
    the dimensions and reads to the last row). Only this module's loads skip it.
    """
    original = ReadOnlyWorksheet._get_size
    ReadOnlyWorksheet._get_size = _unknown_size
    try:
        yield
    finally:
        ReadOnlyWorksheet._get_size = original


def _unknown_size(_sheet: ReadOnlyWorksheet) -> None:
    """The size stays unknown: rows are read to the end of the sheet."""


#: Bytes of a sheet's XML looked at for formulas without a saved result.
FORMULA_SCAN_BYTES = 4 << 20
#: A cell holding a formula and no saved result: ``<f>...</f><v/>`` or no ``<v>``.
_UNSAVED_FORMULA = re.compile(
    rb'<c r="([A-Z]{1,3}[0-9]+)"[^>]*>\s*<f\b[^>]*(?:/>|>[^<]*</f>)'
    rb"\s*(?:<v\s*/>|<v>\s*</v>)?\s*</c>"
)


#: A merged range of a sheet's ``<mergeCells>``, with or without a namespace prefix.
_MERGE_CELL = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]{1,3})([0-9]+):([A-Z]{1,3})([0-9]+)"')
#: Bytes kept from one read to the next, so that no element is cut between two reads.
_OVERLAP = 256


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def _merged_ranges(ws: Any) -> list[MergedRange]:
    """The sheet's merged ranges, scanned from its XML in chunks (bounded memory)."""
    found: list[MergedRange] = []
    tail = b""
    with ws._get_source() as source:
        while chunk := source.read(1 << 20):
            data = tail + chunk
            end = 0
            if b"mergeCell" in data:
                for match in _MERGE_CELL.finditer(data):
                    a, r1, b, r2 = match.groups()
                    found.append(
                        MergedRange(int(r1), _column_number(a), int(r2), _column_number(b))
                    )
                    end = match.end()
            tail = data[max(end, len(data) - _OVERLAP) :]
    return found


def _formulas_without_result(ws: Any) -> str | None:
    """The warning on formula cells whose result was never saved, if the sheet has some.

    Reading gives what Excel last computed; a file written by a program (a
    script, an ERP) and never opened in Excel has formulas and no results, so
    those cells read as empty. Only the start of the sheet is looked at: such
    files put their formulas on every row.
    """
    try:
        # openpyxl's own handle on the sheet's XML (a private method: a warning is not
        # worth an import that fails when a later openpyxl renames it)
        with ws._get_source() as source:
            head = source.read(FORMULA_SCAN_BYTES)
    except (AttributeError, OSError, KeyError):
        return None
    cells = [m.decode() for m in _UNSAVED_FORMULA.findall(head)]
    if not cells:
        return None
    shown = ", ".join(cells[:5]) + (", …" if len(cells) > 5 else "")
    count = f"at least {len(cells)}" if len(head) == FORMULA_SCAN_BYTES else str(len(cells))
    return (
        f"Sheet {ws.title}: {count} formula cell(s) have no saved result ({shown}): the file "
        "was written by a program and never calculated, so they are read as empty; open it "
        "in Excel or LibreOffice, save it, and import it again."
    )


def _row_texts(row: Sequence[Any]) -> list[str | None]:
    out: list[str | None] = []
    for cell in row:
        value = cell.value
        if value is None:
            out.append(None)
        elif type(value) is str:
            out.append(value)
        else:
            out.append(cell_text(value, cell.number_format if cell.data_type == "n" else None))
    return out


class XlsxTable(WorkbookTable):
    """An XLSX workbook; build it with ``open_table`` (see :class:`WorkbookTable`).

    Args:
        path: the file.
        sheet: a sheet name, a 0-based index, ``"*"`` for every visible
            sheet, or None for the first visible sheet (see :mod:`._workbook`).

    Raises:
        InputFileError: the workbook is corrupt, the sheet does not exist or
            is empty.
    """

    format = "xlsx"

    def _load(self) -> Any:
        # A file object, not the path: openpyxl refuses names not ending in .xlsx
        # (an XLSX saved as "export.csv" is still read). _close() closes it.
        try:
            fh = self.path.open("rb")
        except OSError as error:
            raise self._fail(f"cannot be opened ({error.strerror or error}).") from None
        try:
            with _no_size_scan():
                wb = load_workbook(fh, read_only=True, data_only=True)
        except OSError as error:
            fh.close()
            raise self._fail(f"cannot be read ({error.strerror or error}).") from None
        except Exception as error:  # BadZipFile, KeyError, XML errors ... on damaged parts
            fh.close()
            raise self._corrupt(error) from None
        wb._carnet_file = fh
        return wb

    def _close(self, book: Any) -> None:
        book.close()
        book._carnet_file.close()

    def _corrupt(self, error: BaseException) -> InputFileError:
        return self._fail(
            f"is not a valid XLSX workbook ({type(error).__name__}: {error}); open it in "
            "Excel or LibreOffice and save it again as .xlsx, or export it as CSV."
        )

    def _sheet_list(self, book: Any) -> list[SheetEntry]:
        return [
            SheetEntry(ws.title, getattr(ws, "sheet_state", "visible") == "visible")
            for ws in book.worksheets
        ]

    def _sheet_rows(self, book: Any, name: str, first: int) -> Iterator[list[str | None]]:
        ws = book[name]
        ws.reset_dimensions()  # a wrong <dimension> must not cut rows short
        for row in ws.iter_rows(min_row=first):
            yield _row_texts(row)

    def _sheet_notes(self, book: Any, name: str) -> list[str]:
        unsaved = _formulas_without_result(book[name])
        return [] if unsaved is None else [unsaved]

    def _sheet_merges(self, book: Any, name: str) -> list[MergedRange]:
        return _merged_ranges(book[name])
