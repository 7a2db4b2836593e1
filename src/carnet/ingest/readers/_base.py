"""What every reader returns: a :class:`Table` of :class:`RawRow` batches."""

from __future__ import annotations

import gc
import hashlib
import itertools
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import ClassVar, Literal, TypeVar

from carnet.errors import InputFileError
from carnet.fields.catalog import default_catalog

Format = Literal["csv", "xlsx", "xls", "xlsb", "ods", "json", "ndjson"]
#: Where to start reading: a 1-based row number, or ``(sheet, number)`` when
#: all the sheets of a workbook are read.
Start = int | tuple[str, int]

_SPACES = re.compile(r"\s+")
_T = TypeVar("_T")


class RawRow:
    """One data row of an input file, every value as text.

    Attributes:
        number: 1-based index among the data rows of its sheet (the header
            row and skipped blank rows are not counted). This is the row id
            used by truth files, import outcomes and rejected-rows files;
            with ``sheet="*"`` the id is the pair ``(sheet, number)`` and
            numbering restarts at 1 on every sheet.
        values: header (de-duplicated) → text, or None when the cell is
            missing (short row, empty workbook cell, JSON null or absent key).
        extra: cells beyond the header's width (ragged rows), trailing empty
            cells trimmed; never dropped. Empty tuple for most rows. For a
            record that could not be read (``error`` set), its text, so that
            the rejected row keeps it.
        raw: the record as read: the list of cells for CSV (strings) and
            workbooks (text or None), the line for NDJSON, None for the objects of
            a JSON array (the JSON text for an item that is not an object).
        line: where the record starts, 1-based, as a person would look for
            it: the physical line of a CSV/NDJSON file, the row number of a
            workbook's sheet, the item's index (from 1) in a JSON array.
        sheet: the worksheet's name when all sheets are read (``sheet="*"``),
            else None (``Table.sheet`` names the one sheet read).
        error: why the record could not be read (a bad NDJSON line, a JSON
            item that is not an object); ``values`` are then all None.
    """

    __slots__ = ("error", "extra", "line", "number", "raw", "sheet", "values")

    def __init__(
        self,
        number: int,
        values: dict[str, str | None],
        extra: tuple[str, ...],
        raw: list[str] | list[str | None] | str | None,
        line: int,
        sheet: str | None = None,
        error: str | None = None,
    ) -> None:
        self.number = number
        self.values = values
        self.extra = extra
        self.raw = raw
        self.line = line
        self.sheet = sheet
        self.error = error

    @property
    def key(self) -> Start:
        """The row's id: ``number``, or ``(sheet, number)`` for multi-sheet reads."""
        return self.number if self.sheet is None else (self.sheet, self.number)

    def __repr__(self) -> str:
        where = f"{self.sheet!r}, " if self.sheet is not None else ""
        err = f", error={self.error!r}" if self.error else ""
        extra = f", extra={list(self.extra)!r}" if self.extra else ""
        return f"RawRow({where}{self.number}, {self.values!r}{extra}{err})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, RawRow):
            return NotImplemented
        return all(getattr(self, name) == getattr(other, name) for name in self.__slots__)

    __hash__ = None  # type: ignore[assignment]


@dataclass(slots=True)
class ColumnBatch:
    """A batch of rows as columns, for columnar validation.

    Attributes:
        numbers: the rows' numbers (see :attr:`RawRow.number`), in order.
        lines: where each row starts in the file (see :attr:`RawRow.line`).
        columns: header → one value per row (same order as ``numbers``).
        extra: row number → its cells beyond the header width, only for the
            rows that have some.
        errors: row number → why it could not be read, for bad records only.
        sheets: the sheet of each row when several sheets are read, else None.
        tails: row number → how many empty cells it has beyond the header width, for
            the CSV rows that have only empty ones there (not in ``extra``): a
            delimiter inside an unquoted value shifts a row whose last column is
            empty into one such cell.
    """

    numbers: list[int]
    lines: list[int]
    columns: dict[str, list[str | None]]
    extra: dict[int, tuple[str, ...]] = field(default_factory=dict)
    errors: dict[int, str] = field(default_factory=dict)
    sheets: list[str] | None = None
    tails: dict[int, int] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.numbers)


@dataclass
class TableStats:
    """What a full read found, updated as rows are read (reset on each read).

    Attributes:
        rows: data rows yielded (including rows with an ``error``).
        blank_lines: blank records skipped (empty lines, rows of empty
            cells); they get no row number.
        short_rows: rows with fewer cells than the header (padded with None).
        long_rows: rows with cells beyond the header (kept in ``extra``).
        row_errors: records that could not be read (bad NDJSON lines ...).
        nul_chars: NUL characters removed from a text file.
        fallback_bytes: bytes decoded as cp1252 inside a UTF-8 file.
        switched_at: byte offset where a UTF-8 guess turned to cp1252.
        late_columns: JSON keys first seen after the header sample.
        warnings: human-readable notes (encoding switches, skipped sheets ...).
    """

    rows: int = 0
    blank_lines: int = 0
    short_rows: int = 0
    long_rows: int = 0
    row_errors: int = 0
    nul_chars: int = 0
    fallback_bytes: int = 0
    switched_at: int | None = None
    late_columns: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a batch is built.

    Building a batch allocates tens of thousands of containers (lists, dicts,
    rows) that form no reference cycle, yet each few hundred allocations
    trigger a collection that walks them: pausing it makes reading about
    1.5 times faster. Only carnet's parsing code runs while it is paused (never
    the caller's), and it is resumed before each batch is handed over.
    """
    enabled = gc.isenabled()
    if enabled:
        gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def clean_header(cell: object) -> str:
    """Tidy one header cell: BOM removed, whitespace trimmed and collapsed.

    >>> clean_header("\\ufeff  Date de\\nnaissance ")
    'Date de naissance'
    """
    text = "" if cell is None else str(cell)
    return _SPACES.sub(" ", text.replace("\ufeff", "")).strip()


def unique_headers(cells: Sequence[object]) -> list[str]:
    """Turn a header row into unique, non-empty names.

    Empty cells are named ``column_N`` (N is the 1-based position); repeats
    get `` (2)``, `` (3)``... in order of appearance, never colliding with a
    name already present.

    Args:
        cells: the header row's cells, trailing empty cells already removed.

    Returns:
        One name per cell, all distinct.

    >>> unique_headers(["Email", "", "Email", "email", "Email (2)"])
    ['Email', 'column_2', 'Email (3)', 'email', 'Email (2)']
    """
    names = [clean_header(cell) or f"column_{i}" for i, cell in enumerate(cells, 1)]
    taken = set(names)
    seen: set[str] = set()
    out: list[str] = []
    for name in names:
        if name in seen:
            n = 2
            while f"{name} ({n})" in taken:
                n += 1
            new = f"{name} ({n})"
            taken.add(new)
            out.append(new)
        else:
            seen.add(name)
            out.append(name)
    return out


#: Non-blank records looked at to find the header below a title block.
HEADER_SEARCH_RECORDS = 30
#: Of those, the first ones whose cells are compared with the field catalog.
HEADER_CATALOG_RECORDS = 20

#: "Tél 1", "Email (2)": a column numbered after a field's name.
_NUMBER_SUFFIX = re.compile(r"\s*(?:\(\d{1,2}\)|\d{1,2})$")


def _filled(cells: Sequence[object]) -> int:
    return sum(1 for cell in cells if cell is not None and str(cell).strip())


def known_fields(cells: Sequence[object]) -> int:
    """How many cells of a record name a field of the catalog, as a header would.

    A trailing number ("Tél 1", "Email 2") is looked through. Only the built-in
    catalog is read: the reader does not know the workspace's custom fields.

    >>> known_fields(["Nom", "Prénom", "Tél 1", "Email 2", "Couleur préférée"])
    4
    >>> known_fields(["Export clients", "12/03/2024"]), known_fields(["Martin", "a@b.fr"])
    (0, 0)
    """
    catalog = default_catalog()
    count = 0
    for cell in cells:
        text = clean_header(cell)
        if not text or "@" in text or len(text) > 60:
            continue
        if catalog.header_match(text) is not None:
            count += 1
        elif (bare := _NUMBER_SUFFIX.sub("", text)) != text and bare:
            count += catalog.header_match(bare) is not None
    return count


def header_position(records: Sequence[Sequence[object]]) -> int:
    """Which of a file's first non-blank records is its header: 0 unless titles stand above.

    Office exports often put a title block above the table ("Export clients",
    "Date d'export : 12/03/2024", a row of group names over merged cells). The
    header is the record among the first :data:`HEADER_CATALOG_RECORDS` whose
    cells name the most catalog fields ("Nom", "Tél 1", "Code postal"),
    provided that it names two or more, more than the first record does, and
    that they make a third of its cells at least (a data row that happens to
    hold a field's name is no header).

    When no record names fields (files with their own column names), the header
    is the first record with two filled cells or more, provided that it comes
    within the records looked at, that it reads like column names (no e-mail,
    mostly no digits) and that most records after it have two or more cells too
    (a table); otherwise the first record is the header, as before, so a
    one-column file, a header with one named column or a stray wide row never
    makes rows disappear.

    >>> header_position([["Liste des clients"], ["Date d'export :", "12/03/2024"],
    ...                  ["Nom", "Prénom", "Email"], ["Martin", "Paul", "p@x.fr"]])
    2
    >>> header_position([["Inscrits - export du 12/03"], ["Email", "Nom", "Prénom"],
    ...                  ["a@b.fr", "Martin", "Paul"], ["c@d.fr"], ["e@f.fr"]])
    1
    >>> header_position([["Export clients"], ["Généré le 01/12"], ["Code", "Statut"],
    ...                  ["C1", "actif"], ["C2", "inactif"]])
    2
    >>> header_position([["email"], ["a@b.fr"], ["x", "y"], ["c@d.fr"], ["e@f.fr"]])
    0
    >>> header_position([["email", ""], ["a@b.fr", "x"], ["c@d.fr", "y"]])
    0
    """
    by_catalog = [known_fields(cells) for cells in records[:HEADER_CATALOG_RECORDS]]
    if by_catalog:
        best = max(range(len(by_catalog)), key=lambda i: (by_catalog[i], -i))
        named = by_catalog[best]
        if named >= 2 and named > by_catalog[0] and named * 3 >= _filled(records[best]):
            return best
    counts = [_filled(cells) for cells in records]
    first_wide = next((i for i, n in enumerate(counts) if n >= 2), None)
    if not first_wide:  # None, or the first record is already wide
        return 0
    after = counts[first_wide + 1 :]
    wide = sum(1 for n in after if n >= 2)
    if not after or wide * 2 <= len(after):
        return 0
    return first_wide if _looks_like_header(records[first_wide]) else 0


#: A cell no header holds: an e-mail address, a phone number, a date.
_DATA_CELL = re.compile(
    r"[^@\s]+@[^@\s]+\.[a-z]{2,}"
    r"|(?:\+|00)?\d[\d .()/-]{7,18}\d"
    r"|\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})|\d{4}-\d{2}-\d{2}(?:[ T][\d:.]+)?",
    re.IGNORECASE,
)
#: How many records under the first one :func:`has_no_header` compares with it.
_DATA_ROWS_COMPARED = 20


def _is_data_cell(cell: object) -> bool:
    if isinstance(cell, date):  # a workbook's date or datetime
        return True
    if isinstance(cell, int | float) and not isinstance(cell, bool):
        return abs(cell) >= 1e7  # a phone number a workbook holds as a number
    return isinstance(cell, str) and _DATA_CELL.fullmatch(cell.strip()) is not None


def has_no_header(records: Sequence[Sequence[object]]) -> bool:
    """Whether a file's first record is data, not a header: it names no catalog
    field, it holds an e-mail address, or two phones or dates, and the records
    under it hold such values in the same columns (an export written without its
    column names, or whose first line was deleted).

    >>> has_no_header([["Dupont", "Jean", "j.dupont@free.fr"], ["Martin", "Léa", "l@x.fr"]])
    True
    >>> has_no_header([["Nom", "Prénom", "Email"], ["Martin", "Léa", "l@x.fr"]])
    False
    >>> has_no_header([["a@b.fr"], ["c@d.fr"], ["e@f.fr"]])
    True
    >>> has_no_header([["Export du 12/03/2024", "01/12/2024"], ["Martin", "Léa"]])
    False
    """
    if len(records) < 2 or known_fields(records[0]):
        return False
    first = records[0]
    columns = [i for i, cell in enumerate(first) if _is_data_cell(cell)]
    emails = [i for i in columns if "@" in str(first[i])]
    if not emails and len(columns) < 2:
        return False
    below = records[1 : 1 + _DATA_ROWS_COMPARED]
    alike = sum(1 for row in below for i in columns if i < len(row) and _is_data_cell(row[i]))
    return alike * 2 >= len(columns) * len(below)


def numbered_columns(records: Sequence[Sequence[object]], where: str) -> tuple[list[str], str]:
    """A file with no header row (see :func:`has_no_header`): its columns' names,
    ``column_1`` … as wide as its widest record (as :func:`unique_headers` names an empty
    header cell), and what the import says of it, ``where`` naming its first row.

    >>> numbered_columns([["Dupont", "a@b.fr", ""], ["Martin", "c@d.fr", "x"]], "line 1")[0]
    ['column_1', 'column_2', 'column_3']
    """
    width = max(len(trim_trailing(record)) for record in records)
    shown = "; ".join(str(c) for c in records[0] if c not in (None, ""))
    if len(shown) > 80:
        shown = shown[:77] + "…"
    return [f"column_{i}" for i in range(1, width + 1)], (
        f"No header row: {where} is data ({shown}), so it is imported as a row. The "
        f"columns are named column_1 to column_{width} and mapped by their content; "
        "map the others with a mapping file (--mapping), e.g. \"column_1\" = \"last_name\"."
    )


def _looks_like_header(cells: Sequence[object]) -> bool:
    """Column names, not values: no e-mail, and most cells without digits.

    A file whose real header has one named column ("email;") over rows of two
    cells must keep that header: its first row ("a@b.fr;x") is not one.
    """
    texts = [str(c).strip() for c in cells if c is not None and str(c).strip()]
    if any("@" in text for text in texts):
        return False
    with_digits = sum(1 for text in texts if any(ch.isdigit() for ch in text))
    return with_digits * 2 < len(texts)


def two_row_header(upper: Sequence[object], lower: Sequence[object]) -> list[str] | None:
    """The header of a table whose column names stand on two rows, or None.

    A spreadsheet filled by hand often names some columns on its first row and,
    under a group name merged over several cells ("Domicile", "Travail"), the
    others on its second row: the header found is the second row, and the
    columns named only above it would be nameless. Each column takes the name
    under it, followed by its group in brackets ("Adresse (Domicile)", which the
    mapping reads as one of the person's addresses), or the name above it when
    there is none under it. None when the row above names no column the header
    row leaves unnamed, or names no more of the catalog's fields: a title above
    the table ("Généré le 12/03/2024") is no part of the header.

    >>> two_row_header(["Nom", "Email", "Domicile", "", "Travail"],
    ...                ["", "", "Adresse", "Tél", "Adresse"])
    ['Nom', 'Email', 'Adresse (Domicile)', 'Tél (Domicile)', 'Adresse (Travail)']
    >>> two_row_header(["Identité", "", "Adresse"], ["Nom", "Prénom", "Ville"]) is None
    True
    >>> two_row_header(["", "", "", "Généré le 12/03"], ["Nom", "Prénom", "Email"]) is None
    True
    """
    width = max(len(upper), len(lower))
    above = [clean_header(upper[i]) if i < len(upper) else "" for i in range(width)]
    under = [clean_header(lower[i]) if i < len(lower) else "" for i in range(width)]
    if not any(a and not u for a, u in zip(above, under, strict=True)):
        return None
    out: list[str] = []
    group = ""
    for a, u in zip(above, under, strict=True):
        if not u:
            out.append(a)
            group = ""  # a name alone above its column is no group's
            continue
        if a:
            group = a  # a group name stands over its first column (merged cells)
        out.append(f"{u} ({group})" if group else u)
    return out if known_fields(out) > known_fields(under) else None


def title_text(records: Sequence[Sequence[object]]) -> str:
    """The title rows skipped above a header, for the warning that names them."""
    return " / ".join(
        " ".join(str(c).strip() for c in cells if c is not None and str(c).strip())
        for cells in records
    )


#: Line numbers a warning names before "…".
WARNING_LINES = 5


def long_rows_warning(count: int, lines: Sequence[int | str], where: str, why: str) -> str:
    """The warning on rows with more cells than the header, naming the first few.

    >>> long_rows_warning(7, [3, 9], "line", "a ';' inside an unquoted value?")
    "7 rows have more cells than the header (lines 3, 9, …): a ';' inside an unquoted value? \
Their extra cells are kept (under _extra in the rows' raw values); check these rows."
    """
    shown = ", ".join(str(n) for n in lines[:WARNING_LINES])
    more = ", …" if count > len(lines[:WARNING_LINES]) else ""
    rows = "1 row has" if count == 1 else f"{count} rows have"
    places = where if count == 1 else f"{where}s"
    return (
        f"{rows} more cells than the header ({places} {shown}{more}): {why} Their extra "
        "cells are kept (under _extra in the rows' raw values); check these rows."
    )


def trim_trailing(cells: Sequence[_T]) -> list[_T]:
    """Drop trailing empty cells (None or '') of a row."""
    end = len(cells)
    while end and (cells[end - 1] is None or cells[end - 1] == ""):
        end -= 1
    return list(cells[:end])


class Table:
    """An input file opened for reading; built by :func:`open_table`.

    Reading is lazy and repeatable: every call to :meth:`batches`,
    :meth:`batches_columns` or :meth:`rows` opens the file again and streams
    it with bounded memory; :attr:`stats` describes the last read started
    (complete once it has ended).

    Attributes:
        path: the file.
        format: ``"csv"``, ``"xlsx"``, ``"xls"``, ``"xlsb"``, ``"ods"``, ``"json"``
            or ``"ndjson"``.
        encoding: the text encoding (None for workbooks). May change during a read
            from ``utf-8`` to ``cp1252`` (see :mod:`.sniff`).
        delimiter: the CSV delimiter (None for other formats).
        headers: the column names, de-duplicated; rows' ``values`` use them.
        original_headers: the header cells exactly as in the file.
        sheet: the worksheet read (``"*"`` for all), or the JSON array path.
        stats: counts and warnings of the last read (see :class:`TableStats`).
    """

    format: ClassVar[Format]

    def __init__(self, path: Path) -> None:
        self.path = path
        self.encoding: str | None = None
        self.delimiter: str | None = None
        self.headers: list[str] = []
        self.original_headers: list[str] = []
        self.sheet: str | None = None
        self.stats = TableStats()
        self._start: Start = 1

    def __repr__(self) -> str:
        return (
            f"<{type(self).__name__} {str(self.path)!r} format={self.format} "
            f"encoding={self.encoding} delimiter={self.delimiter!r} "
            f"columns={len(self.headers)}>"
        )

    @cached_property
    def fingerprint(self) -> str:
        """SHA-256 of the file's bytes (hex), read in 1 MiB chunks.

        Used to recognise a file already imported and to resume an import.
        """
        digest = hashlib.sha256()
        with self.path.open("rb") as fh:
            while chunk := fh.read(1 << 20):
                digest.update(chunk)
        return digest.hexdigest()

    def skip_to(self, row_number: Start) -> None:
        """Make the next read start at ``row_number`` (resuming an import).

        Rows before it are parsed but not turned into objects. An explicit
        ``start=`` given to a read wins over this.

        Args:
            row_number: a 1-based row number, or ``(sheet, number)`` when
                reading all the sheets of a workbook.

        Raises:
            ValueError: the number is below 1, or its form does not suit the table.
        """
        self._start = self._check_start(row_number)

    def rows(self, *, start: Start | None = None) -> Iterator[RawRow]:
        """Yield the data rows one by one.

        Args:
            start: first row to yield (default: 1, or what :meth:`skip_to` set).

        Yields:
            :class:`RawRow` objects in file order.

        Raises:
            InputFileError: the file cannot be read or decoded.
        """
        for batch in self.batches(start=start):
            yield from batch

    def batches(self, size: int = 10_000, *, start: Start | None = None) -> Iterator[list[RawRow]]:
        """Read the data rows in lists of at most ``size``.

        Arguments are checked at once; the file is opened at the first
        ``next()`` and closed when the iterator ends or is closed. Memory is
        bounded by one batch plus a 1 MiB chunk, whatever the file's size.

        Args:
            size: rows per batch.
            start: first row to yield (default: 1, or what :meth:`skip_to` set).

        Returns:
            An iterator of non-empty lists of :class:`RawRow`, in file order.

        Raises:
            InputFileError: the file cannot be read or decoded.
            ValueError: ``size`` or ``start`` is not valid.
        """
        if size < 1:
            raise ValueError("size must be at least 1")
        first = self._check_start(self._start if start is None else start)
        self.stats = TableStats()
        return self._batches(size, first)

    def batches_columns(
        self, size: int = 10_000, *, start: Start | None = None
    ) -> Iterator[ColumnBatch]:
        """Read the data rows as columns, in batches of at most ``size`` rows.

        Every column of :attr:`headers` is present in every batch (for JSON,
        keys first seen later in the file are added from the batch they
        appear in on; see :attr:`TableStats.late_columns`).

        CSV builds no per-row object at all on this path (the fastest read).

        Args:
            size: rows per batch.
            start: first row to yield (default: 1, or what :meth:`skip_to` set).

        Returns:
            An iterator of non-empty :class:`ColumnBatch` objects.

        Raises:
            InputFileError: the file cannot be read or decoded.
            ValueError: ``size`` or ``start`` is not valid.
        """
        if size < 1:
            raise ValueError("size must be at least 1")
        first = self._check_start(self._start if start is None else start)
        self.stats = TableStats()
        return self._column_batches(size, first)

    def _batches(self, size: int, start: Start) -> Iterator[list[RawRow]]:
        it = self._iter_rows(start)
        while True:
            with gc_paused():
                batch = list(itertools.islice(it, size))
            if not batch:
                return
            yield batch

    def _column_batches(self, size: int, start: Start) -> Iterator[ColumnBatch]:
        for batch in self._batches(size, start):
            yield self._to_columns(batch)

    def _to_columns(self, batch: list[RawRow]) -> ColumnBatch:
        headers = self.headers
        multi = self.sheet == "*"
        out = ColumnBatch(
            numbers=[row.number for row in batch],
            lines=[row.line for row in batch],
            columns={h: [row.values.get(h) for row in batch] for h in headers},
            sheets=[row.sheet or "" for row in batch] if multi else None,
        )
        for row in batch:
            if row.extra:
                out.extra[row.number] = row.extra
            if row.error is not None:
                out.errors[row.number] = row.error
        return out

    def _check_start(self, start: Start) -> Start:
        if isinstance(start, tuple):
            if self.sheet != "*":
                raise ValueError("start=(sheet, number) is only for sheet='*'; give a row number")
            if start[1] < 1:
                raise ValueError("row numbers start at 1")
            return start
        if start < 1:
            raise ValueError("row numbers start at 1")
        if self.sheet == "*" and start != 1:
            raise ValueError("with sheet='*' give start=(sheet, number)")
        return start

    def _iter_rows(self, start: Start) -> Iterator[RawRow]:  # pragma: no cover - abstract
        raise NotImplementedError

    def _fail(self, what: str, **context: object) -> InputFileError:
        return InputFileError(f"File '{self.path}' {what}", path=str(self.path), **context)
