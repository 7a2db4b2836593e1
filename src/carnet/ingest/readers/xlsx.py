"""XLSX reading with openpyxl's streaming (read-only) mode.

One sheet (by name or 0-based index) or every visible sheet (``sheet="*"``).
By default the first visible sheet is read, unless its header names no field
of the catalog while another visible sheet's does (a summary sheet before the
customers); a warning names the sheet read and the others.

In each sheet the header is the first non-empty row (below a title block, if
any: see :func:`~carnet.ingest.readers._base.header_position`); rows of
empty cells are skipped (``stats.blank_lines``). Formulas give their cached
result (what Excel last showed).

Cells become text so that every reader yields the same thing:

- text cells as they are (leading zeros, spaces and all);
- integers, and floats with no fractional part, without ``.0``
  (``612345678.0`` → ``"612345678"``); other floats by ``repr``
  (``12.5`` → ``"12.5"``);
- an integer shown through a digits-only number format keeps what Excel
  shows: ``00000`` makes 1000 ``"01000"`` (French postcodes), and
  ``0# ## ## ## ##`` makes 612345678 ``"06 12 34 56 78"``;
- dates as ISO 8601: ``yyyy-mm-dd`` at midnight, else
  ``yyyy-mm-ddTHH:MM:SS`` (rounded to the second); times ``HH:MM:SS``;
- booleans ``TRUE`` / ``FALSE``; error cells (``#N/A``) as their text;
- an empty cell is None.

With ``sheet="*"``, :attr:`Table.headers` is the union of the sheets' headers
(in order of first appearance), every row has all of them (None where its
sheet lacks the column), ``row.sheet`` names its sheet and row numbers restart
at 1 on each sheet: a row's id is ``(sheet, number)``. Hidden sheets and
sheets without any non-empty row are skipped (a warning says so).

A formula whose result was never saved (a file written by a program and never
opened in Excel) reads as empty: a warning names the first such cells.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.worksheet._read_only import ReadOnlyWorksheet

from carnet.errors import InputFileError
from carnet.ingest.readers._base import (
    HEADER_SEARCH_RECORDS,
    WARNING_LINES,
    RawRow,
    Start,
    Table,
    header_position,
    known_fields,
    long_rows_warning,
    title_text,
    trim_trailing,
    unique_headers,
)

__all__ = ["XlsxTable", "cell_text"]

_DIGIT_FORMAT = re.compile(r"[0#][0# .\-]*")
_MIDNIGHT = dt.time()


@dataclass
class _Sheet:
    name: str
    header_row: int  # Excel row number of the header
    headers: list[str]
    original: list[str]
    note: str | None = None  # the title block skipped above the header, if any


def _fields_named(info: _Sheet | None) -> int:
    """How many columns of a sheet's header name a catalog field (0 for an empty sheet)."""
    return 0 if info is None else known_fields(info.original)


def _format_digits(value: int, pattern: str) -> str | None:
    """Render a non-negative integer through a digits-only Excel format."""
    section = pattern.split(";", 1)[0]
    if not _DIGIT_FORMAT.fullmatch(section) or section.count(".") == 1:
        return None  # "0.00" is a decimal format, not a digit pattern
    digits = str(value)
    out = list(section)
    slots = [i for i, ch in enumerate(section) if ch in "0#"]
    pos = len(digits) - 1
    for slot in reversed(slots):
        if pos >= 0:
            out[slot] = digits[pos]
            pos -= 1
        else:
            out[slot] = "0" if section[slot] == "0" else ""
    if pos >= 0:
        out[slots[0]] = digits[: pos + 1] + out[slots[0]]
    text = "".join(out).strip(" .-")
    return text or None


def cell_text(value: object, number_format: str | None = None) -> str | None:
    """Turn an openpyxl cell value into carnet's text form.

    Args:
        value: the cell's value (str, int, float, bool, date, datetime, time,
            timedelta, or None).
        number_format: the cell's Excel number format, used to keep the
            zeros a digits-only format shows.

    Returns:
        The text (see the module docstring), or None for an empty cell.

    >>> cell_text(612345678.0), cell_text(12.5), cell_text("00123")
    ('612345678', '12.5', '00123')
    >>> cell_text(1000, "00000"), cell_text(612345678, "0# ## ## ## ##")
    ('01000', '06 12 34 56 78')
    >>> cell_text(dt.datetime(2024, 3, 1)), cell_text(dt.datetime(2024, 3, 1, 8, 30))
    ('2024-03-01', '2024-03-01T08:30:00')
    """
    if value is None:
        return None
    kind = type(value)
    if kind is str:
        return value  # type: ignore[return-value]
    if kind is bool:
        return "TRUE" if value else "FALSE"
    if kind is float:
        number = float(value)  # type: ignore[arg-type]
        if number.is_integer() and abs(number) < 1e16:
            value, kind = int(number), int
        else:
            return repr(number)
    if kind is int:
        integer = int(value)  # type: ignore[call-overload]
        if number_format and number_format != "General" and integer >= 0:
            shown = _format_digits(integer, number_format)
            if shown is not None:
                return shown
        return str(integer)
    if isinstance(value, dt.datetime):
        if value.microsecond:
            value = value.replace(microsecond=0) + dt.timedelta(
                seconds=1 if value.microsecond >= 500_000 else 0
            )
        if value.time() == _MIDNIGHT and value.tzinfo is None:
            return value.date().isoformat()
        return value.isoformat(timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.replace(microsecond=0).isoformat()
    if isinstance(value, dt.timedelta):
        seconds = round(value.total_seconds())
        sign = "-" if seconds < 0 else ""
        hours, rest = divmod(abs(seconds), 3600)
        return f"{sign}{hours}:{rest // 60:02d}:{rest % 60:02d}"
    return str(value)


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


class XlsxTable(Table):
    """An XLSX workbook; build it with ``open_table``.

    Args:
        path: the file.
        sheet: a sheet name, a 0-based index, ``"*"`` for every visible
            sheet, or None for the first visible sheet (see the module docstring).

    Raises:
        InputFileError: the workbook is corrupt, the sheet does not exist or
            is empty.
    """

    format = "xlsx"

    def __init__(self, path: Path, *, sheet: str | int | None) -> None:
        super().__init__(path)
        wb = self._load()
        try:
            sheets = list(wb.worksheets)
            names = [ws.title for ws in sheets]
            if sheet == "*":
                chosen = [ws for ws in sheets if getattr(ws, "sheet_state", "visible") == "visible"]
                hidden = [ws.title for ws in sheets if ws not in chosen]
                if hidden:
                    self.stats.warnings.append(f"Hidden sheets skipped: {', '.join(hidden)}.")
            elif sheet is None:
                chosen = [self._default_sheet(sheets)]
            else:
                chosen = [self._pick(sheets, names, sheet)]
            self._sheets: list[_Sheet] = []
            for ws in chosen:
                info = self._read_header(ws)
                if info is not None:
                    self._sheets.append(info)
                    if info.note:
                        self.stats.warnings.append(info.note)
                    if (unsaved := _formulas_without_result(ws)) is not None:
                        self.stats.warnings.append(unsaved)
                elif sheet != "*":
                    raise self._fail(
                        f"has an empty sheet {ws.title!r}; choose another sheet with "
                        f"--sheet (sheets: {', '.join(names)})."
                    )
                else:
                    self.stats.warnings.append(f"Empty sheet skipped: {ws.title}.")
        except InputFileError:
            raise
        except Exception as error:  # openpyxl raises many kinds on damaged parts
            raise self._corrupt(error) from None
        finally:
            self._close(wb)
        if not self._sheets:
            raise self._fail("has no data in any sheet; check that you chose the right workbook.")
        self._header_warnings = list(self.stats.warnings)
        if sheet == "*":
            self.sheet = "*"
            seen: dict[str, str] = {}
            for info in self._sheets:
                for name, original in zip(info.headers, info.original, strict=True):
                    seen.setdefault(name, original)
            self.headers = list(seen)
            self.original_headers = list(seen.values())
        else:
            info = self._sheets[0]
            self.sheet = info.name
            self.headers = info.headers
            self.original_headers = info.original

    @property
    def sheet_headers(self) -> dict[str, list[str]]:
        """Each sheet read and its own de-duplicated headers."""
        return {info.name: info.headers for info in self._sheets}

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

    @staticmethod
    def _close(wb: Any) -> None:
        wb.close()
        wb._carnet_file.close()

    def _corrupt(self, error: BaseException) -> InputFileError:
        return self._fail(
            f"is not a valid XLSX workbook ({type(error).__name__}: {error}); open it in "
            "Excel or LibreOffice and save it again as .xlsx, or export it as CSV."
        )

    def _default_sheet(self, sheets: list[Any]) -> Any:
        """The sheet read when none is named, and a warning naming the others.

        The first visible sheet (a hidden one holds lookups or old data), unless
        its header names no catalog field while another visible sheet's does: a
        summary sheet ("Synthèse") placed before the customers is passed over.
        """
        if not sheets:
            raise self._fail("has no worksheet; export the data again.")
        visible = [ws for ws in sheets if getattr(ws, "sheet_state", "visible") == "visible"]
        hidden = [ws.title for ws in sheets if ws not in visible]
        if not visible:
            visible, hidden = sheets, []  # all hidden: read the first anyway
        chosen, why = visible[0], ""
        if len(visible) > 1 and _fields_named(self._read_header(chosen)) == 0:
            named = [(_fields_named(self._read_header(ws)), -i) for i, ws in enumerate(visible)]
            best = max(named)
            if best[0] >= 2:
                chosen = visible[-best[1]]
                why = f" (its columns name customer fields, those of {visible[0].title} do not)"
        others = [ws.title for ws in visible if ws is not chosen]
        if others or hidden:
            listing = []
            if others:
                listing.append(f"the workbook also has {', '.join(others)}")
            if hidden:
                listing.append(f"hidden sheets not read: {', '.join(hidden)}")
            self.stats.warnings.append(
                f"Only the sheet {chosen.title} is imported{why}; {'; '.join(listing)}. Import "
                "one with --sheet NAME, or every visible sheet with --sheet '*'."
            )
        return chosen

    def _pick(self, sheets: list[Any], names: list[str], sheet: str | int | None) -> Any:
        listing = ", ".join(repr(n) for n in names)
        if sheet is None:
            return self._default_sheet(sheets)
        if isinstance(sheet, int):
            if 0 <= sheet < len(sheets):
                return sheets[sheet]
            raise self._fail(
                f"has no sheet number {sheet} (0-based; it has {len(sheets)}: {listing}); "
                "choose one with --sheet."
            )
        for ws in sheets:
            if ws.title == sheet:
                return ws
        folded = sheet.strip().casefold()
        for ws in sheets:
            if ws.title.strip().casefold() == folded:
                return ws
        raise self._fail(f"has no sheet {sheet!r} (sheets: {listing}); choose one with --sheet.")

    def _read_header(self, ws: Any) -> _Sheet | None:
        ws.reset_dimensions()  # a wrong <dimension> must not cut rows short
        found: list[tuple[int, list[str | None]]] = []
        for index, row in enumerate(ws.iter_rows(), 1):
            cells = trim_trailing(_row_texts(row))
            if any(cell not in (None, "") for cell in cells):
                found.append((index, cells))
                if len(found) >= HEADER_SEARCH_RECORDS:
                    break
        if not found:
            return None
        # A title block above the table (see header_position) is skipped, and named.
        at = header_position([cells for _, cells in found])
        note = None
        if at:
            titles = title_text([cells for _, cells in found[:at]])
            note = (
                f"Sheet {ws.title}: {at} title row(s) above the header skipped: {titles}; "
                f"the header is row {found[at][0]}."
            )
        index, cells = found[at]
        original = [cell or "" for cell in cells]
        return _Sheet(ws.title, index, unique_headers(cells), original, note)

    def _iter_rows(self, start: Start) -> Iterator[RawRow]:
        stats = self.stats
        stats.warnings.extend(self._header_warnings)
        multi = self.sheet == "*"
        union = self.headers
        sheets = self._sheets
        if isinstance(start, tuple):
            names = [info.name for info in sheets]
            if start[0] not in names:
                raise ValueError(f"no sheet {start[0]!r} among {names}")
            sheets = sheets[names.index(start[0]) :]
            first = start[1]
        else:
            first = start
        wb = self._load()
        blank = rows = short = long = 0
        long_rows: list[int | str] = []  # where the first of them are
        try:
            for k, info in enumerate(sheets):
                begin = first if k == 0 else 1
                headers = info.headers
                width = len(headers)
                ws = wb[info.name]
                ws.reset_dimensions()
                number = 0
                line = info.header_row
                for row in ws.iter_rows(min_row=info.header_row + 1):
                    line += 1
                    cells = _row_texts(row)
                    if not any(cell not in (None, "") for cell in cells):
                        blank += 1
                        continue
                    number += 1
                    if number < begin:
                        continue
                    extra: tuple[str, ...] = ()
                    n = len(cells)
                    if n < width:
                        short += 1
                        cells_in = cells + [None] * (width - n)
                    else:
                        cells_in = cells
                        if n > width:
                            extra = tuple(c or "" for c in trim_trailing(cells[width:]))
                            if extra:
                                long += 1
                                if len(long_rows) < WARNING_LINES:
                                    long_rows.append(f"{info.name}!{line}" if multi else line)
                    if multi:
                        values = dict.fromkeys(union)
                        values.update(zip(headers, cells_in, strict=False))
                        rows += 1
                        yield RawRow(number, values, extra, cells, line, info.name)
                    else:
                        rows += 1
                        yield RawRow(
                            number, dict(zip(headers, cells_in, strict=False)), extra, cells, line
                        )
        except InputFileError:
            raise
        except Exception as error:
            raise self._corrupt(error) from None
        finally:
            self._close(wb)
            stats.rows = rows
            stats.blank_lines = blank
            stats.short_rows = short
            stats.long_rows = long
            if long:
                why = "cells stand in columns with no name in the header."
                stats.warnings.append(long_rows_warning(long, long_rows, "row", why))
