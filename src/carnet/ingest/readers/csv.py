"""CSV reading: any encoding, any usual delimiter, ragged rows, streamed.

Dialect: fields separated by the sniffed (or given) delimiter, quoted with
``"`` and ``""`` inside quotes for a quote (RFC 4180, as Excel writes them);
quoted fields may hold delimiters and line breaks; lines end in CRLF, LF or CR
(even mixed). Parsing is done by Python's C ``csv`` module, fed lines by
:func:`~carnet.ingest.readers.sniff.iter_lines` from chunks decoded by
:class:`~carnet.ingest.readers.sniff.TextDecoder`, so memory stays bounded.

Choices made here (see :class:`~carnet.ingest.readers.RawRow`):

- the header is the first non-blank record, or the first one below a title
  block (records of one cell above a table, see
  :func:`~carnet.ingest.readers._base.header_position`; the titles skipped are
  named in a warning); its cells are trimmed (BOM, surrounding and repeated
  whitespace), trailing empty cells dropped, empty ones named ``column_N`` and
  repeats renamed ``Name (2)``;
- a blank record (empty line, or only empty cells such as ``;;;``) is skipped,
  counted in ``stats.blank_lines`` and gets no row number;
- an empty field is ``""`` (CSV cannot tell empty from missing), a field
  missing from a short row is None, cells past the header go to ``extra``;
- NUL characters are removed (and counted in ``stats.nul_chars``);
- a first line ``sep=;`` (Excel's hint) sets the delimiter and is skipped;
- rows with cells past the header are named in a warning (an unquoted ``;``
  inside an address shifts the cells after it);
- a quote left open (``;"Très bon client`` and no closing quote) swallows the
  lines after it into one value: when those lines look like rows (the header's
  number of delimiters), a warning names the line where the quote opened and,
  if the value is the record's last and holds no other quote, it is cut at its
  first line break and the lines after it are read again as rows (see
  :meth:`CsvTable._check_quotes`).
"""

from __future__ import annotations

import _csv
import csv
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from itertools import zip_longest
from pathlib import Path

from carnet.ingest.readers._base import (
    HEADER_SEARCH_RECORDS,
    WARNING_LINES,
    ColumnBatch,
    RawRow,
    Start,
    Table,
    TableStats,
    gc_paused,
    has_no_header,
    header_position,
    long_rows_warning,
    numbered_columns,
    title_text,
    trim_trailing,
    two_row_header,
    unique_headers,
)
from carnet.ingest.readers.sniff import (
    SAMPLE_SIZE,
    DecodeState,
    TextDecoder,
    detect_encoding,
    fixed_width_cuts,
    iter_lines,
    looks_binary,
    normalise_encoding,
    sniff_delimiter,
)

__all__ = ["CsvTable"]

_SEP_LINE = re.compile(r"sep=(.)\r?\n?$", re.IGNORECASE)
_SNIFF_CHARS = 1 << 16


class CsvTable(Table):
    """A CSV (or TSV / delimited text) file; build it with ``open_table``.

    Args:
        path: the file.
        size: its size in bytes.
        encoding: force an encoding (strict), or None to detect it.
        delimiter: force a one-character delimiter, or None to sniff it.

    Raises:
        InputFileError: the file is binary, undecodable, or has no header.
    """

    format = "csv"

    def __init__(
        self, path: Path, size: int, *, encoding: str | None, delimiter: str | None
    ) -> None:
        super().__init__(path)
        with path.open("rb") as fh:
            sample = fh.read(SAMPLE_SIZE)
        at_eof = size <= len(sample)
        self._auto = encoding is None
        detected = (
            detect_encoding(sample, at_eof=at_eof)
            if encoding is None
            else normalise_encoding(encoding)
        )
        self._detected = detected
        self.encoding = detected
        head = _decode_sample(sample[: _SNIFF_CHARS * 2], detected)
        if looks_binary(head[:8192]):
            raise self._fail(
                "does not look like a text (CSV) file: it contains binary data; "
                "choose the CSV, XLSX or JSON export of your data."
            )
        self._skip_lines = 0
        self.fixed_width: list[int] | None = None
        #: The file's line count (after a ``sep=`` line) and whether its last line
        #: ends with a quote; counted when a quote may have been left open.
        self._file_end: tuple[int, bool] | None = None
        first_line = head.split("\n", 1)[0]
        match = _SEP_LINE.match(first_line)
        if delimiter is not None:
            if len(delimiter) != 1 or delimiter in '"\r\n':
                raise self._fail(
                    f"cannot be read with delimiter {delimiter!r}; give one character "
                    "such as ';', ',', '|' or '\\t'."
                )
            self.delimiter = delimiter
            if match:
                self._skip_lines = 1
        elif match:
            self.delimiter = match.group(1)
            self._skip_lines = 1
        else:
            text = head[:_SNIFF_CHARS]
            whole = at_eof and len(head) <= _SNIFF_CHARS
            #: Where each column begins in a fixed-width text (no delimiter), else None.
            self.fixed_width = fixed_width_cuts(text, at_eof=whole)
            if self.fixed_width is None:
                self.delimiter = sniff_delimiter(text, at_eof=whole)
        with self._reader() as (reader, _):
            records: list[list[str]] = []
            starts: list[int] = []  # the line each record starts on
            prev = 0
            try:
                for record in reader:
                    if any(record):
                        records.append(record)
                        starts.append(prev + self._skip_lines + 1)
                    prev = reader.line_num
                    if len(records) >= HEADER_SEARCH_RECORDS:
                        break
            except csv.Error as error:
                raise self._csv_error(error, reader.line_num) from None
        if not records:
            raise self._fail(
                "has no header row (it holds only blank lines); export it again "
                "with its column names on the first line."
            )
        #: Non-blank records above the header (a title block), skipped on every read.
        self._title_records = header_position(records)
        self.title = title_text(records[: self._title_records]) or None
        self._header_line = starts[self._title_records]
        header = records[self._title_records]
        #: Whether the file has no header row: its first record is data (the columns
        #: are then numbered, see has_no_header).
        self.headerless = has_no_header(records[self._title_records :])
        self._headerless_note = ""
        #: What the import says of a header written on two lines, if it is one.
        self.two_lines: str | None = None
        if self.headerless:
            self.headers, self._headerless_note = numbered_columns(
                records[self._title_records :], f"line {self._header_line}"
            )
        else:
            cells = trim_trailing(header)
            at = self._title_records
            both = two_row_header(records[at - 1], cells) if at else None
            if both is not None and starts[at - 1] == starts[at] - 1:
                # column names on two lines: some on the line above, under group names
                # the others (a spreadsheet's merged cells saved as CSV)
                cells = both
                self._title_records -= 1
                self.title = title_text(records[: self._title_records]) or None
                self.two_lines = (
                    f"The header is lines {starts[at - 1]} and {starts[at]} (column names on "
                    f"both, group names above): {', '.join(c for c in both if c)}."
                )
            self.original_headers = [str(cell) for cell in cells]
            self.headers = unique_headers(cells)

    @contextmanager
    def _reader(self) -> Iterator[tuple[_csv.Reader, DecodeState]]:
        state = DecodeState(encoding=self._detected)
        with self.path.open("rb") as fh:
            decoder = TextDecoder(
                fh, self._detected, auto=self._auto, path=str(self.path), state=state
            )
            lines = iter_lines(decoder.chunks())
            for _ in range(self._skip_lines):
                next(lines, None)
            if self.fixed_width is not None:
                yield _FixedWidthReader(lines, self.fixed_width), state  # type: ignore[misc]
                return
            assert self.delimiter is not None
            yield (
                csv.reader(lines, delimiter=self.delimiter, quotechar='"', doublequote=True),
                state,
            )

    def _check_quotes(
        self, fields: list[str], line: int, read_to: int, swallowed: list[str]
    ) -> list[tuple[int, list[str]]]:
        """Find the rows a quote left open swallowed, and read them again.

        Such a record has ``"Très bon client`` with no closing quote, so every
        following line up to the next quote (or the end of the file) was read as
        part of that value. A value that really spans lines (an address) does
        not hold lines with a delimiter between each of the header's cells.

        When the quote was surely never closed (the record's last value, holding
        no other quote, runs to the end of the file, whose last line does not end
        with a quote), that value is cut at its first line break (in ``fields``)
        and the lines after it are returned as rows, ``(line, cells)``, so that
        none is lost; otherwise only the warning (added to ``swallowed``) tells.

        Args:
            fields: the record's cells.
            line: the line the record starts on.
            read_to: the reader's ``line_num`` after the record.
            swallowed: where the warning goes.
        """
        seps = len(self.headers) - 1
        delimiter = self.delimiter or ";"
        if not seps:
            return []
        for index, value in enumerate(fields):
            if "\n" not in value and "\r" not in value:
                continue
            lines = value.splitlines()
            inner = [text for text in lines[1:] if text.strip()]
            rows = sum(1 for text in inner if text.count(delimiter) == seps)
            if not rows or rows * 2 < len(inner):
                continue
            where = f"the value of '{self.headers[index]}'" if index <= seps else "an extra cell"
            opened = f'Line {line} opens a quote (") that is not closed on that line'
            if index == len(fields) - 1 and '"' not in value and self._open_at_end(read_to):
                fields[index] = lines[0]
                again = [
                    (line + k, cells)
                    for k, cells in enumerate(csv.reader(lines[1:], delimiter=delimiter), 1)
                    if any(cells)
                ]
                swallowed.append(
                    f"{opened}: the {len(inner)} line(s) after it were read as part of {where} "
                    "of that row; they look like rows of their own and were read again as "
                    f"rows. Check line {line} (close or remove that quote) and the rows after it."
                )
                return again
            swallowed.append(
                f"{opened}: the {len(inner)} line(s) after it, which look like rows of their "
                f"own, were read as part of {where} of that row. Close or remove that quote "
                f"on line {line} and import the file again."
            )
            return []
        return []

    def _open_at_end(self, read_to: int) -> bool:
        """Whether a record read up to line ``read_to`` ran to the end of the file in a quote.

        It did when it reaches the file's last line and that line does not end
        with the quote that would have closed its last value. The file's lines
        are counted once (only files with such a record get here).
        """
        if self._file_end is None:
            state = DecodeState(encoding=self._detected)
            total, last = 0, ""
            with self.path.open("rb") as fh:
                decoder = TextDecoder(
                    fh, self._detected, auto=self._auto, path=str(self.path), state=state
                )
                for text in iter_lines(decoder.chunks()):
                    total += 1
                    last = text
            self._file_end = (total - self._skip_lines, last.rstrip("\r\n").endswith('"'))
        lines, closed = self._file_end
        return read_to == lines and not closed

    def _again(self, number: int, line: int, cells: list[str]) -> RawRow:
        """A row read again after a quote left open had swallowed it."""
        width = len(self.headers)
        values = dict(zip_longest(self.headers, cells[:width]))
        return RawRow(number, values, tuple(trim_trailing(cells[width:])), cells, line)

    def _finish(
        self, state: DecodeState, stats: TableStats, long_lines: list[int], swallowed: list[str]
    ) -> None:
        stats.warnings.extend(swallowed)
        if stats.long_rows:
            why = (
                f"a {self.delimiter!r} inside a value that is not quoted shifts the cells "
                "after it."
            )
            stats.warnings.append(long_rows_warning(stats.long_rows, long_lines, "line", why))
        if self.fixed_width is not None:
            stats.warnings.append(
                f"No delimiter: the file's {len(self.headers)} columns were read where "
                "its header's names begin (a fixed-width text); check the preview."
            )
        if self.headerless:
            stats.warnings.append(self._headerless_note)
        if self.title:
            stats.warnings.append(
                f"{self._title_records} title line(s) above the header skipped: {self.title}; "
                f"the header is line {self._header_line}."
            )
        if self.two_lines:
            stats.warnings.append(self.two_lines)
        self.encoding = state.encoding
        stats.nul_chars = state.nul_chars
        stats.fallback_bytes = state.fallback_bytes
        stats.switched_at = state.switched_at
        stats.warnings.extend(state.warnings)

    def _scan(
        self, reader: _csv.Reader, start: int
    ) -> tuple[int, int, list[tuple[int, list[str]]]]:
        """Skip the header and the data rows before ``start``.

        Rows a quote left open had swallowed count as rows (see
        :meth:`_check_quotes`), so that a resumed read numbers them alike.

        Returns:
            ``(rows skipped, blank records skipped, swallowed rows from start on)``.
        """
        # the title block, then the header (none in a file of data rows only)
        to_skip = self._title_records + (not self.headerless) + (self.two_lines is not None)
        for header in reader if to_skip else ():
            if any(header):
                to_skip -= 1
                if not to_skip:
                    break
        number = blank = 0
        if start > 1:
            prev = reader.line_num
            for fields in reader:
                again: list[tuple[int, list[str]]] = []
                if reader.line_num - prev > 1:
                    again = self._check_quotes(
                        fields, prev + self._skip_lines + 1, reader.line_num, []
                    )
                prev = reader.line_num
                if any(fields):
                    number += 1
                    if number + len(again) >= start - 1:
                        skipped = max(0, start - 1 - number)
                        return number + skipped, blank, again[skipped:]
                else:
                    blank += 1
        return number, blank, []

    def _iter_rows(self, start: Start) -> Iterator[RawRow]:
        for batch in self._batches(10_000, start):
            yield from batch

    def _batches(self, size: int, start: Start) -> Iterator[list[RawRow]]:
        # The hot loop of every import: keep per-row work to parsing, one dict
        # and one RawRow; rare shapes (blank, short, long) leave the fast path.
        assert isinstance(start, int)
        stats = self.stats
        headers = self.headers
        width = len(headers)
        offset = self._skip_lines + 1
        short = long = 0
        long_lines: list[int] = []
        swallowed: list[str] = []  # warnings on quotes never closed
        with self._reader() as (reader, state):
            try:
                number, blank, pending = self._scan(reader, start)
                first = number
                if pending:  # a resumed read starting among swallowed rows
                    yield [self._again(number + k, *row) for k, row in enumerate(pending, 1)]
                    number += len(pending)
                    pending = []
                prev = reader.line_num
                while True:
                    out: list[RawRow] = []
                    append = out.append
                    with gc_paused():
                        for fields in reader:
                            line = prev + offset
                            if reader.line_num - prev > 1:  # a value holds line breaks
                                pending += self._check_quotes(
                                    fields, line, reader.line_num, swallowed
                                )
                            prev = reader.line_num
                            n = len(fields)
                            if n == width and (fields[0] or any(fields)):
                                number += 1
                                append(
                                    RawRow(
                                        number,
                                        dict(zip(headers, fields, strict=True)),
                                        (),
                                        fields,
                                        line,
                                    )
                                )
                            elif not any(fields):
                                blank += 1
                                continue
                            elif n < width:
                                number += 1
                                short += 1
                                values = dict(zip_longest(headers, fields))
                                append(RawRow(number, values, (), fields, line))
                            else:
                                number += 1
                                extra = tuple(trim_trailing(fields[width:]))
                                if extra:
                                    long += 1
                                    if len(long_lines) < WARNING_LINES:
                                        long_lines.append(line)
                                values = dict(zip(headers, fields, strict=False))
                                append(RawRow(number, values, extra, fields, line))
                            while pending:  # rows a quote left open had swallowed
                                number += 1
                                again = self._again(number, *pending.pop(0))
                                short += len(again.raw or ()) < width
                                long += bool(again.extra)
                                append(again)
                            if len(out) >= size:
                                break
                    if not out:
                        break
                    yield out
            except csv.Error as error:
                raise self._csv_error(error, reader.line_num + offset - 1) from None
            finally:
                stats.rows = number - first
                stats.blank_lines = blank
                stats.short_rows = short
                stats.long_rows = long
                self._finish(state, stats, long_lines, swallowed)

    def _column_batches(self, size: int, start: Start) -> Iterator[ColumnBatch]:
        # Like _batches, but no dict nor RawRow per row: cells are transposed
        # into columns once per batch (in C).
        assert isinstance(start, int)
        stats = self.stats
        headers = self.headers
        width = len(headers)
        offset = self._skip_lines + 1
        pad: list[str | None] = [None] * width
        short = long = 0
        long_lines: list[int] = []
        swallowed: list[str] = []  # warnings on quotes never closed
        with self._reader() as (reader, state):
            try:
                number, blank, pending = self._scan(reader, start)
                first = number
                if pending:  # a resumed read starting among swallowed rows
                    rows = [self._again(number + k, *row) for k, row in enumerate(pending, 1)]
                    yield self._to_columns(rows)
                    number += len(pending)
                    pending = []
                prev = reader.line_num
                while True:
                    numbers: list[int] = []
                    lines: list[int] = []
                    cells: list[Sequence[str | None]] = []
                    extra: dict[int, tuple[str, ...]] = {}
                    tails: dict[int, int] = {}
                    with gc_paused():
                        for fields in reader:
                            line = prev + offset
                            if reader.line_num - prev > 1:  # a value holds line breaks
                                pending += self._check_quotes(
                                    fields, line, reader.line_num, swallowed
                                )
                            prev = reader.line_num
                            n = len(fields)
                            if n == width and (fields[0] or any(fields)):
                                cells.append(fields)
                            elif not any(fields):
                                blank += 1
                                continue
                            elif n < width:
                                short += 1
                                cells.append(fields + pad[n:])
                            else:
                                more = tuple(trim_trailing(fields[width:]))
                                if more:
                                    long += 1
                                    extra[number + 1] = more
                                    if len(long_lines) < WARNING_LINES:
                                        long_lines.append(line)
                                else:
                                    tails[number + 1] = n - width
                                cells.append(fields[:width])
                            number += 1
                            numbers.append(number)
                            lines.append(line)
                            while pending:  # rows a quote left open had swallowed
                                again_line, again = pending.pop(0)
                                number += 1
                                more = tuple(trim_trailing(again[width:]))
                                if more:
                                    long += 1
                                    extra[number] = more
                                short += len(again) < width
                                cells.append((again + pad)[:width])
                                numbers.append(number)
                                lines.append(again_line)
                            if len(numbers) >= size:
                                break
                        if not numbers:
                            break
                        columns = dict(
                            zip(headers, map(list, zip(*cells, strict=True)), strict=True)
                        )
                    yield ColumnBatch(
                        numbers=numbers, lines=lines, columns=columns, extra=extra, tails=tails
                    )
            except csv.Error as error:
                raise self._csv_error(error, reader.line_num + offset - 1) from None
            finally:
                stats.rows = number - first
                stats.blank_lines = blank
                stats.short_rows = short
                stats.long_rows = long
                self._finish(state, stats, long_lines, swallowed)

    def _csv_error(self, error: csv.Error, line: int) -> Exception:
        message = str(error)
        if "field larger than field limit" in message:
            return self._fail(
                f"has a value longer than {csv.field_size_limit()} characters ending "
                f'near line {line}: a quote (") is probably never closed; fix the '
                "quotes on that line and try again.",
                line=line,
            )
        return self._fail(f"cannot be parsed as CSV near line {line} ({message}); fix that line.")


class _FixedWidthReader:
    """A fixed-width text read as ``csv.reader`` reads a delimited one: each line cut
    where a column begins (the last column runs to the line's end), spaces around
    each cell dropped, a blank line an empty record."""

    def __init__(self, lines: Iterator[str], cuts: list[int]) -> None:
        self._lines = lines
        self._spans = list(zip(cuts, [*cuts[1:], None], strict=True))
        self.line_num = 0

    def __iter__(self) -> _FixedWidthReader:
        return self

    def __next__(self) -> list[str]:
        line = next(self._lines).rstrip("\r\n")
        self.line_num += 1
        if not line.strip():
            return []
        return [line[start:end].strip() for start, end in self._spans]


def _decode_sample(sample: bytes, encoding: str) -> str:
    """Decode the start of a file leniently (for sniffing only)."""
    if encoding in ("utf-8", "utf-8-sig"):
        if encoding == "utf-8-sig":
            sample = sample[3:]
        text, _ = _utf8_lenient(sample)
        return text
    if encoding == "cp1252":
        return sample.decode("cp1252", "carnet.latin1")
    return sample.decode(encoding, "replace")


def _utf8_lenient(sample: bytes) -> tuple[str, int]:
    try:
        return sample.decode("utf-8"), len(sample)
    except UnicodeDecodeError:
        # Cut mid-sequence or a late cp1252 byte: good enough for sniffing.
        return sample.decode("utf-8", "replace"), len(sample)
