"""What every workbook reader shares: the sheet read, its header, its rows, cells as text.

XLSX (:mod:`.xlsx`, openpyxl) and XLS, XLSB and ODS (:mod:`.calamine`) differ
only in how a workbook is opened, how its sheets are listed and how a sheet's
cells come out; everything a person sees is decided here, once.

One sheet (by name or 0-based index) or every visible sheet (``sheet="*"``).
By default the first visible sheet is read, unless its header names no field
of the catalog while another visible sheet's does (a summary sheet before the
customers); a warning names the sheet read and the others.

In each sheet the header is the first non-empty row (below a title block, if
any: see :func:`~carnet.ingest.readers._base.header_position`); rows of
empty cells are skipped (``stats.blank_lines``). Formulas give their cached
result (what the spreadsheet last showed).

A cell merged down over several rows below the header (a company or an event
date typed once for the group of people under it) gives its value to each of
those rows, in its own column: the spreadsheet shows it on every row, and the
file holds it on the first only. A warning says which cells were filled. A
merge across columns fills nothing (the other columns are other fields).

Cells become text so that every reader yields the same thing
(:func:`cell_text`):

- text cells as they are (leading zeros, spaces and all);
- integers, and floats with no fractional part, without ``.0``
  (``612345678.0`` → ``"612345678"``); other floats by ``repr``
  (``12.5`` → ``"12.5"``);
- an integer shown through a digits-only number format keeps what the
  spreadsheet shows, when the reader knows the format (XLSX): ``00000``
  makes 1000 ``"01000"`` (French postcodes), and ``0# ## ## ## ##`` makes
  612345678 ``"06 12 34 56 78"``;
- dates as ISO 8601: ``yyyy-mm-dd`` at midnight, else
  ``yyyy-mm-ddTHH:MM:SS`` (rounded to the second); times ``HH:MM:SS``;
  durations ``H:MM:SS``;
- booleans ``TRUE`` / ``FALSE``;
- an empty cell is None.

With ``sheet="*"``, :attr:`Table.headers` is the union of the sheets' headers
(in order of first appearance), every row has all of them (None where its
sheet lacks the column), ``row.sheet`` names its sheet and row numbers restart
at 1 on each sheet: a row's id is ``(sheet, number)``. Hidden sheets and
sheets without any non-empty row are skipped (a warning says so).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from carnet.errors import InputFileError
from carnet.ingest.readers._base import (
    HEADER_SEARCH_RECORDS,
    WARNING_LINES,
    RawRow,
    Start,
    Table,
    has_no_header,
    header_position,
    known_fields,
    long_rows_warning,
    numbered_columns,
    title_text,
    trim_trailing,
    two_row_header,
    unique_headers,
)

__all__ = ["SheetEntry", "WorkbookTable", "cell_text"]

_DIGIT_FORMAT = re.compile(r"[0#][0# .\-]*")
_MIDNIGHT = dt.time()


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
    """Turn a spreadsheet cell's value into carnet's text form.

    Args:
        value: the cell's value (str, int, float, bool, date, datetime, time,
            timedelta, or None), as openpyxl or python-calamine give it.
        number_format: the cell's Excel number format, used to keep the
            zeros a digits-only format shows (None when the reader does not
            know it).

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


@dataclass(frozen=True)
class MergedRange:
    """A range of merged cells, 1-based and inclusive, as the spreadsheet numbers them."""

    first_row: int
    first_column: int
    last_row: int
    last_column: int

    @property
    def label(self) -> str:
        """The range as Excel writes it (``D4:D6``)."""
        return f"{_column_letters(self.first_column)}{self.first_row}:" + (
            f"{_column_letters(self.last_column)}{self.last_row}"
        )


def _column_letters(column: int) -> str:
    """Excel's letters of a 1-based column number (28 → ``AB``)."""
    letters = ""
    while column > 0:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


class _MergedDown:
    """The cells merged down below a sheet's header, filled in as its rows are read."""

    def __init__(self, ranges: list[MergedRange], header_row: int) -> None:
        self._starting: dict[int, list[MergedRange]] = {}
        for merged in ranges:
            if merged.last_row > merged.first_row and merged.first_row > header_row:
                self._starting.setdefault(merged.first_row, []).append(merged)
        self._open: list[tuple[MergedRange, str]] = []
        self.filled: list[MergedRange] = []
        self.rows = 0  # rows given at least one merged value

    def __bool__(self) -> bool:
        """Whether a merge is still to come or still open (rows to fill)."""
        return bool(self._starting or self._open)

    def fill(self, line: int, cells: list[str | None]) -> list[str | None]:
        """The row at spreadsheet ``line``, with the merged values it shows but lacks."""
        self._open = [(m, v) for m, v in self._open if m.last_row >= line]
        out = cells
        for merged, value in self._open:
            at = merged.first_column - 1
            if at >= len(out) or out[at] in (None, ""):
                if out is cells:
                    out = list(cells)
                    self.rows += 1
                out.extend([None] * (at + 1 - len(out)))
                out[at] = value
        for merged in self._starting.pop(line, ()):
            at = merged.first_column - 1
            top = cells[at] if at < len(cells) else None
            if top:
                self._open.append((merged, top))
                self.filled.append(merged)
        return out

    def warning(self, sheet: str) -> str | None:
        """What was filled, for the import's warnings (None when nothing was)."""
        if not self.rows:
            return None
        shown = ", ".join(m.label for m in self.filled[:WARNING_LINES])
        more = f" and {len(self.filled) - WARNING_LINES} more" if len(self.filled) > (
            WARNING_LINES
        ) else ""
        return (
            f"Sheet {sheet}: {len(self.filled)} cell(s) merged down over several rows "
            f"({shown}{more}); their value was given to the {self.rows} row(s) below "
            "them that the merges cover, as the spreadsheet shows it."
        )


@dataclass(frozen=True)
class SheetEntry:
    """A worksheet as the workbook lists it (chart sheets and macros are not listed)."""

    name: str
    visible: bool


@dataclass
class _Sheet:
    name: str
    header_row: int  # the spreadsheet's row number of the header (from 1)
    headers: list[str]
    original: list[str]
    note: str | None = None  # the title block skipped above the header, if any


def _fields_named(info: _Sheet | None) -> int:
    """How many columns of a sheet's header name a catalog field (0 for an empty sheet)."""
    return 0 if info is None else known_fields(info.original)


class WorkbookTable(Table):
    """A workbook of sheets; a reader says how to open it and how its cells come out.

    Subclasses give :meth:`_load`, :meth:`_close`, :meth:`_sheet_list`,
    :meth:`_sheet_rows` and :meth:`_corrupt`, and may add notes on a sheet
    (:meth:`_sheet_notes`).

    Args:
        path: the file.
        sheet: a sheet name, a 0-based index, ``"*"`` for every visible
            sheet, or None for the first visible sheet (see the module docstring).

    Raises:
        InputFileError: the workbook is corrupt, the sheet does not exist or
            is empty.
    """

    def __init__(self, path: Path, *, sheet: str | int | None) -> None:
        super().__init__(path)
        book = self._load()
        headers: dict[str, _Sheet | None] = {}  # each sheet's header, read once

        def header(entry: SheetEntry) -> _Sheet | None:
            if entry.name not in headers:
                headers[entry.name] = self._read_header(book, entry.name)
            return headers[entry.name]

        try:
            sheets = self._sheet_list(book)
            names = [entry.name for entry in sheets]
            if sheet == "*":
                chosen = [entry for entry in sheets if entry.visible]
                hidden = [entry.name for entry in sheets if not entry.visible]
                if hidden:
                    self.stats.warnings.append(f"Hidden sheets skipped: {', '.join(hidden)}.")
            elif sheet is None:
                chosen = [self._default_sheet(sheets, header)]
            else:
                chosen = [self._pick(sheets, names, sheet)]
            self._sheets: list[_Sheet] = []
            for entry in chosen:
                info = header(entry)
                if info is not None:
                    self._sheets.append(info)
                    if info.note:
                        self.stats.warnings.append(info.note)
                    self.stats.warnings.extend(self._sheet_notes(book, entry.name))
                elif sheet != "*":
                    raise self._fail(
                        f"has an empty sheet {entry.name!r}; choose another sheet with "
                        f"--sheet (sheets: {', '.join(names)})."
                    )
                else:
                    self.stats.warnings.append(f"Empty sheet skipped: {entry.name}.")
        except InputFileError:
            raise
        except Exception as error:  # the libraries raise many kinds on damaged parts
            raise self._corrupt(error) from None
        finally:
            self._close(book)
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

    # -- what a reader gives ----------------------------------------------------------------

    def _load(self) -> Any:  # pragma: no cover - abstract
        """Open the workbook (an ``InputFileError`` when it cannot be)."""
        raise NotImplementedError

    def _close(self, book: Any) -> None:  # pragma: no cover - abstract
        """Close what :meth:`_load` opened."""
        raise NotImplementedError

    def _sheet_list(self, book: Any) -> list[SheetEntry]:  # pragma: no cover - abstract
        """The worksheets in workbook order."""
        raise NotImplementedError

    def _sheet_rows(
        self, book: Any, name: str, first: int
    ) -> Iterator[list[str | None]]:  # pragma: no cover - abstract
        """A sheet's rows as text (:func:`cell_text`), from row ``first`` (1-based) on.

        Every row is yielded, blank ones too (as an empty list or a list of
        None), so that the n-th row yielded is the sheet's row ``first + n``;
        cells start at column A.
        """
        raise NotImplementedError

    def _sheet_notes(self, book: Any, name: str) -> list[str]:
        """Warnings on a sheet read, beyond the title block (none by default)."""
        return []

    def _sheet_merges(self, book: Any, name: str) -> list[MergedRange]:
        """The sheet's merged cell ranges (none when the reader cannot tell)."""
        return []

    def _corrupt(self, error: BaseException) -> InputFileError:  # pragma: no cover - abstract
        """The error for a workbook the library could not read."""
        raise NotImplementedError

    # -- shared ---------------------------------------------------------------------------

    def _default_sheet(self, sheets: list[SheetEntry], header: Any) -> SheetEntry:
        """The sheet read when none is named, and a warning naming the others.

        The first visible sheet (a hidden one holds lookups or old data), unless
        its header names no catalog field while another visible sheet's does: a
        summary sheet ("Synthèse") placed before the customers is passed over.
        """
        if not sheets:
            raise self._fail("has no worksheet; export the data again.")
        visible = [entry for entry in sheets if entry.visible]
        hidden = [entry.name for entry in sheets if not entry.visible]
        if not visible:
            visible, hidden = sheets, []  # all hidden: read the first anyway
        chosen, why = visible[0], ""
        if len(visible) > 1 and _fields_named(header(chosen)) == 0:
            named = [(_fields_named(header(entry)), -i) for i, entry in enumerate(visible)]
            best = max(named)
            if best[0] >= 2:
                chosen = visible[-best[1]]
                why = f" (its columns name customer fields, those of {visible[0].name} do not)"
        others = [entry.name for entry in visible if entry is not chosen]
        if others or hidden:
            listing = []
            if others:
                listing.append(f"the workbook also has {', '.join(others)}")
            if hidden:
                listing.append(f"hidden sheets not read: {', '.join(hidden)}")
            self.stats.warnings.append(
                f"Only the sheet {chosen.name} is imported{why}; {'; '.join(listing)}. Import "
                "one with --sheet NAME, or every visible sheet with --sheet '*'."
            )
        return chosen

    def _pick(self, sheets: list[SheetEntry], names: list[str], sheet: str | int) -> SheetEntry:
        listing = ", ".join(repr(n) for n in names)
        if isinstance(sheet, int):
            if 0 <= sheet < len(sheets):
                return sheets[sheet]
            raise self._fail(
                f"has no sheet number {sheet} (0-based; it has {len(sheets)}: {listing}); "
                "choose one with --sheet."
            )
        for entry in sheets:
            if entry.name == sheet:
                return entry
        folded = sheet.strip().casefold()
        for entry in sheets:
            if entry.name.strip().casefold() == folded:
                return entry
        raise self._fail(f"has no sheet {sheet!r} (sheets: {listing}); choose one with --sheet.")

    def _read_header(self, book: Any, name: str) -> _Sheet | None:
        found: list[tuple[int, list[str | None]]] = []
        for index, row in enumerate(self._sheet_rows(book, name, 1), 1):
            cells = trim_trailing(row)
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
                f"Sheet {name}: {at} title row(s) above the header skipped: {titles}; "
                f"the header is row {found[at][0]}."
            )
        index, cells = found[at]
        records = [cells for _, cells in found[at:]]
        above = found[at - 1] if at else None
        if above is not None and above[0] == index - 1 and (
            both := two_row_header(above[1], cells)
        ):
            # column names on two rows: some on the row above, under group names others
            cells = list(both)
            note = (
                f"Sheet {name}: the header is rows {index - 1} and {index} (column names "
                f"on both, group names above): {', '.join(c for c in both if c)}."
                + ("" if at == 1 else f" {at - 1} title row(s) above it skipped.")
            )
        if has_no_header(records):
            # its first row is data: read from that row on, under numbered columns
            headers, headless = numbered_columns(records, f"sheet {name}, row {index},")
            return _Sheet(name, index - 1, headers, [], f"{note} {headless}" if note else headless)
        original = [cell or "" for cell in cells]
        return _Sheet(name, index, unique_headers(cells), original, note)

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
        book = self._load()
        blank = rows = short = long = 0
        long_rows: list[int | str] = []  # where the first of them are
        try:
            for k, info in enumerate(sheets):
                begin = first if k == 0 else 1
                headers = info.headers
                width = len(headers)
                number = 0
                line = info.header_row
                merged = _MergedDown(self._sheet_merges(book, info.name), info.header_row)
                for cells in self._sheet_rows(book, info.name, info.header_row + 1):
                    line += 1
                    if not any(cell not in (None, "") for cell in cells):
                        blank += 1
                        continue
                    if merged:
                        cells = merged.fill(line, cells)
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
                filled = merged.warning(info.name)
                if filled:
                    stats.warnings.append(filled)
        except InputFileError:
            raise
        except Exception as error:
            raise self._corrupt(error) from None
        finally:
            self._close(book)
            stats.rows = rows
            stats.blank_lines = blank
            stats.short_rows = short
            stats.long_rows = long
            if long:
                why = "cells stand in columns with no name in the header."
                stats.warnings.append(long_rows_warning(long, long_rows, "row", why))
