"""JSON and NDJSON reading, streamed with bounded memory and no dependency.

Accepted shapes:

- a top-level array of objects: ``[{...}, {...}]``;
- an array of rows whose first row names the columns, as the Google Sheets
  API gives them: ``[["Nom", "Email"], ["Martin", "p@x.fr"]]`` (cells past the
  names go to ``extra``; an item that is not a row is an error row);
- an array of plain values, one column: ``["a@b.fr", "c@d.fr"]`` (named
  ``email`` when most are e-mail addresses, else after the array's key, else
  ``value``);
- an object holding the array: ``{"count": 2, "contacts": [{...}, ...]}``.
  The array is the one named by ``sheet=`` (a dotted path such as
  ``"data.contacts"`` reaches into nested objects), else the largest array of
  objects (or of rows) at any depth, ``{"meta": {...}, "results": {"customers":
  [...]}}``: the shallowest, then the first, on ties; else the first empty
  array. Finding it reads the document once more; a warning names the array
  read when it is nested or others were passed over. An object holding no
  array of records is refused;
- NDJSON / JSON Lines: one object per line. A line that is not valid JSON, or
  not an object, is yielded as a row with ``error`` set (values all None,
  ``raw`` the line, and ``extra`` too so that the rejected row keeps it): one
  bad line never stops an import. So is an array's item that is not an object.
  A ``.json`` file whose first line is a whole object followed by another
  object is read as NDJSON.

Arrays are parsed item by item with the C ``json`` scanner on a sliding
text buffer (``JSONDecoder.raw_decode``), so only one chunk and one record are
in memory; a record larger than 64 MiB is an error.

Values become text so that every reader yields the same thing:

- nested objects are flattened with dotted keys: ``{"address": {"city":
  "Lyon"}}`` → ``"address.city": "Lyon"`` (an empty object gives None; a key
  that other records give an object and that is null, empty or ``""`` here is no
  column of its own: its object's keys are);
- lists are kept as compact JSON text, ``["vip", "b2b"]`` → ``'["vip","b2b"]'``:
  lossless and unambiguous (a mapper parses it back when it wants a list);
- numbers keep their text as written (``1.50`` stays ``"1.50"``);
- ``true`` / ``false`` → ``"true"`` / ``"false"``; ``null`` → None.

:attr:`Table.headers` is the union of the flattened keys of the first 1,000
records, in order of appearance. A key first seen later is appended to
``headers`` when it is met and listed in ``stats.late_columns``; earlier rows
simply lack it (None).
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import zip_longest
from pathlib import Path
from typing import Any, Literal

from carnet.errors import InputFileError
from carnet.ingest.readers._base import (
    RawRow,
    Start,
    Table,
    TableStats,
    trim_trailing,
    unique_headers,
)
from carnet.ingest.readers.sniff import (
    SAMPLE_SIZE,
    DecodeState,
    TextDecoder,
    detect_encoding,
    iter_lines,
    looks_binary,
    normalise_encoding,
)

__all__ = ["JsonTable", "NdjsonTable", "flatten", "looks_like_ndjson"]

HEADER_SAMPLE = 1000
_MAX_RECORD = 64 << 20
_WS = re.compile(r"[ \t\r\n]*")
_AFTER_ITEM = re.compile(r"[ \t\r\n]*([,\]])[ \t\r\n]*")


class _Number(str):
    """A JSON number kept as its text (so lists can be written back exactly)."""

    __slots__ = ()


_DECODER = json.JSONDecoder(parse_float=_Number, parse_int=_Number, parse_constant=_Number)


def _json_text(value: Any) -> str:
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, _Number):
        return str.__str__(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ",".join(_json_text(v) for v in value) + "]"
    if not isinstance(value, dict):  # numbers from a plain json.loads
        return json.dumps(value)
    items = (f"{json.dumps(k, ensure_ascii=False)}:{_json_text(v)}" for k, v in value.items())
    return "{" + ",".join(items) + "}"


def flatten(record: dict[str, Any], prefix: str = "") -> dict[str, str | None]:
    """Flatten a decoded JSON object into dotted keys and text values.

    Args:
        record: the object (as decoded by this module, numbers as text).
        prefix: prepended to every key (used for recursion).

    Returns:
        Dotted key → text or None (see the module docstring).

    >>> flatten(json.loads('{"a": {"b": 1, "c": [1, "x"]}, "d": null, "e": true}'))
    {'a.b': '1', 'a.c': '[1,"x"]', 'd': None, 'e': 'true'}
    """
    out: dict[str, str | None] = {}
    _flatten_into(record, prefix, out)
    return out


def _flatten_into(record: dict[str, Any], prefix: str, out: dict[str, str | None]) -> None:
    for key, value in record.items():
        name = prefix + key
        kind = type(value)
        if kind is str:
            out[name] = value
        elif kind is _Number:
            out[name] = str.__str__(value)
        elif value is None:
            out[name] = None
        elif isinstance(value, dict):
            if value:
                _flatten_into(value, name + ".", out)
            else:
                out[name] = None
        elif value is True:
            out[name] = "true"
        elif value is False:
            out[name] = "false"
        elif isinstance(value, list):
            out[name] = _json_text(value)
        else:  # str subclasses, or numbers from a plain json.loads
            out[name] = str.__str__(value) if isinstance(value, str) else str(value)


def looks_like_ndjson(text: str) -> bool:
    """Tell whether JSON text is a sequence of one-line objects (NDJSON).

    Args:
        text: the start of the decoded file.

    Returns:
        True when the first line is a complete object and the next non-blank
        line starts another one.

    >>> looks_like_ndjson('{"a": 1}\\n{"a": 2}\\n'), looks_like_ndjson('{"a": [\\n1]}')
    (True, False)
    """
    body = text.lstrip("\ufeff \t\r\n")
    if not body.startswith("{"):
        return False
    first, _, rest = body.partition("\n")
    try:
        value = json.loads(first)
    except ValueError:
        return False
    return isinstance(value, dict) and rest.lstrip(" \t\r\n").startswith("{")


class _TextTable(Table):
    """Shared set-up of the text-based JSON formats: encoding and decoding."""

    def __init__(self, path: Path, size: int, *, encoding: str | None) -> None:
        super().__init__(path)
        with path.open("rb") as fh:
            sample = fh.read(SAMPLE_SIZE)
        self._auto = encoding is None
        if encoding is None:
            self._detected = detect_encoding(sample, at_eof=size <= len(sample))
        else:
            self._detected = normalise_encoding(encoding)
        self.encoding = self._detected
        head = sample[:8192].decode(
            "utf-8" if self._detected.startswith("utf-8") else self._detected, "replace"
        )
        if looks_binary(head):
            raise self._fail(
                "does not look like a JSON file: it contains binary data; choose the "
                "CSV, XLSX or JSON export of your data."
            )

    def _chunks(self, fh: Any, state: DecodeState) -> Iterator[str]:
        decoder = TextDecoder(fh, self._detected, auto=self._auto, path=str(self.path), state=state)
        return decoder.chunks()

    def _finish(self, state: DecodeState) -> None:
        self.encoding = state.encoding
        self.stats.nul_chars = state.nul_chars
        self.stats.fallback_bytes = state.fallback_bytes
        self.stats.switched_at = state.switched_at
        self.stats.warnings.extend(state.warnings)

    def _values(self, record: dict[str, str | None]) -> dict[str, str | None]:
        headers = self.headers
        values: dict[str, str | None] = dict.fromkeys(headers)
        values.update(record)
        if len(values) != len(headers):
            for key in list(values):
                if key in self._empty_objects:
                    if not values[key]:
                        # the null of a key other rows give an object: its keys are the
                        # columns
                        del values[key]
                        continue
                    # a value of its own after all: a column like any late one
                    self._empty_objects.discard(key)
                    self._known.discard(key)
                if key not in self._known:
                    self._known.add(key)
                    headers.append(key)
                    self.stats.late_columns.append(key)
        return values

    def _set_headers(self, records: Iterator[dict[str, str | None] | None]) -> None:
        seen: dict[str, None] = {}
        filled: set[str] = set()
        for record in records:
            if record:
                seen.update(dict.fromkeys(record))
                filled.update(key for key, value in record.items() if value)
        # A key some rows give an object and others null or "" (Shopify's
        # "default_address": null, Mailchimp's "ADDRESS": ""): the object's keys are the
        # columns; the key itself, always empty, would be one more column of its field
        # ("default_address" taken for a second address line).
        parents = {key.rsplit(".", i)[0] for key in seen for i in range(1, key.count(".") + 1)}
        self._empty_objects = {key for key in seen if key in parents and key not in filled}
        self.headers = [key for key in seen if key not in self._empty_objects]
        self.original_headers = list(self.headers)
        self._known = set(self.headers) | self._empty_objects


class NdjsonTable(_TextTable):
    """An NDJSON (JSON Lines) file: one object per line.

    Args:
        path: the file.
        size: its size in bytes.
        encoding: force an encoding, or None to detect it (UTF-8 expected).
    """

    format = "ndjson"

    def __init__(self, path: Path, size: int, *, encoding: str | None) -> None:
        super().__init__(path, size, encoding=encoding)
        self._set_headers(rec for _, _, rec, _ in self._records(limit=HEADER_SAMPLE))
        self.stats = TableStats()

    def _records(
        self, limit: int | None = None, state: DecodeState | None = None
    ) -> Iterator[tuple[int, str, dict[str, str | None] | None, str | None]]:
        """Yield ``(line, text, flattened record or None, error)`` per non-blank line."""
        state = state or DecodeState(encoding=self._detected)
        count = 0
        with self.path.open("rb") as fh:
            for line_no, line in enumerate(iter_lines(self._chunks(fh, state)), 1):
                text = line.rstrip("\r\n")
                if not text.strip():
                    self.stats.blank_lines += 1
                    continue
                try:
                    value = _DECODER.decode(text)
                except ValueError as error:
                    yield line_no, text, None, f"invalid JSON: {error}"
                else:
                    if isinstance(value, dict):
                        yield line_no, text, flatten(value), None
                    else:
                        yield line_no, text, None, "not a JSON object"
                count += 1
                if limit is not None and count >= limit:
                    return

    def _iter_rows(self, start: Start) -> Iterator[RawRow]:
        assert isinstance(start, int)
        state = DecodeState(encoding=self._detected)
        stats = self.stats
        number = 0
        try:
            for line, text, record, error in self._records(state=state):
                number += 1
                if number < start:
                    continue
                stats.rows += 1
                if record is None:
                    stats.row_errors += 1
                    # The line goes to extra too, so that the rejected row keeps it.
                    yield RawRow(
                        number, dict.fromkeys(self.headers), (text,), text, line, error=error
                    )
                else:
                    yield RawRow(number, self._values(record), (), text, line)
        finally:
            self._finish(state)


class JsonTable(_TextTable):
    """A JSON file holding an array of records (see the module docstring).

    Args:
        path: the file.
        size: its size in bytes.
        encoding: force an encoding, or None to detect it (UTF-8 expected).
        path_in_file: dotted path of the array inside a top-level object.

    Raises:
        InputFileError: the JSON is invalid or holds no array of records.
    """

    format = "json"

    def __init__(
        self, path: Path, size: int, *, encoding: str | None, path_in_file: str | None
    ) -> None:
        super().__init__(path, size, encoding=encoding)
        self._parts = path_in_file.split(".") if path_in_file else None
        self._notes: list[str] = []
        if path_in_file is None:
            with self._stream() as stream:
                if stream.peek() == "{":
                    # No path given: the largest array of records at any depth.
                    self._parts, others = stream.survey()
                    if others or len(self._parts) > 1:
                        left = f"; not read: {', '.join(others)}" if others else ""
                        self._notes.append(
                            f"Records read from the array {'.'.join(self._parts)}{left} "
                            "(choose another with --sheet PATH)."
                        )
        #: What the array's items are: objects, rows of cells under a first row of
        #: names (Google Sheets' "values"), or plain values (a list of e-mails).
        self._shape: Literal["objects", "rows", "values"] = "objects"
        with self._stream() as stream:
            self.sheet = stream.find_array(self._parts)
            first = stream.peek()
            sample = itertools.islice(stream.items(), HEADER_SAMPLE)
            if first == "[":
                self._shape = "rows"
                names = next(sample)
                cells = trim_trailing(_cells(names if isinstance(names, list) else [names]))
                self.headers = unique_headers(cells)
                self.original_headers = [cell or "" for cell in cells]
            elif first not in ("{", "]"):
                self._shape = "values"
                column = _value_column(self._parts, list(sample))
                self.headers, self.original_headers = [column], [column]
            else:
                self._set_headers(
                    flatten(item) if isinstance(item, dict) else None for item in sample
                )
        self.stats = TableStats()

    @contextmanager
    def _stream(self, state: DecodeState | None = None) -> Iterator[_JsonStream]:
        state = state or DecodeState(encoding=self._detected)
        with self.path.open("rb") as fh:
            yield _JsonStream(self._chunks(fh, state), self)

    def _iter_rows(self, start: Start) -> Iterator[RawRow]:
        assert isinstance(start, int)
        state = DecodeState(encoding=self._detected)
        stats = self.stats
        headers = self.headers
        shape = self._shape
        number = 0
        try:
            with self._stream(state) as stream:
                stream.find_array(self._parts)
                items = stream.items()
                if shape == "rows":
                    next(items, None)  # the column names
                for item in items:
                    number += 1
                    if number < start:
                        continue
                    stats.rows += 1
                    line = number + 1 if shape == "rows" else number
                    if shape == "objects" and isinstance(item, dict):
                        yield RawRow(number, self._values(flatten(item)), (), None, line)
                    elif shape == "rows" and isinstance(item, list):
                        cells = _cells(item)
                        width = len(headers)
                        extra = tuple(c or "" for c in trim_trailing(cells[width:]))
                        if extra:
                            stats.long_rows += 1
                        elif len(cells) < width:
                            stats.short_rows += 1
                        values = dict(zip_longest(headers, cells[:width]))
                        yield RawRow(number, values, extra, cells, line)
                    elif shape == "values":
                        yield RawRow(number, {headers[0]: _cells([item])[0]}, (), None, line)
                    else:
                        stats.row_errors += 1
                        text = _json_text(item)
                        yield RawRow(
                            number,
                            dict.fromkeys(headers),
                            (text,),  # kept with the rejected row
                            text,
                            line,
                            error="not a JSON object" if shape == "objects" else "not a row",
                        )
        finally:
            stats.warnings.extend(self._notes)
            self._finish(state)


def _cells(items: list[Any]) -> list[str | None]:
    """The cells of a row given as a JSON array, as text (nested values as JSON)."""
    out: list[str | None] = []
    for value in items:
        if value is None:
            out.append(None)
        elif isinstance(value, str):
            out.append(str.__str__(value))
        else:
            out.append(_json_text(value))
    return out


def _value_column(parts: list[str] | None, sample: list[Any]) -> str:
    """Name the one column of an array of plain values.

    Such a list has no column name: ``email`` when most of its values are
    e-mail addresses (a newsletter list), else the array's key, else ``value``.

    >>> _value_column(None, ["a@b.fr", "c@d.fr", 42]), _value_column(["ids"], ["1"])
    ('email', 'ids')
    """
    texts = [text for text in _cells(sample) if text]
    emails = sum(1 for text in texts if "@" in text and " " not in text.strip())
    if emails * 2 > len(texts):
        return "email"
    return parts[-1] if parts else "value"


class _JsonStream:
    """Walk a JSON document held in a sliding buffer of decoded text."""

    def __init__(self, chunks: Iterator[str], table: Table) -> None:
        self._chunks = chunks
        self._table = table
        self._buf = ""
        self._pos = 0
        self._base = 0  # characters dropped before the buffer
        self._eof = False
        self._keys: list[str] = []
        self._lines = 0  # line breaks in the text dropped before the buffer

    def _fill(self) -> bool:
        if self._eof:
            return False
        chunk = next(self._chunks, None)
        if chunk is None:
            self._eof = True
            return False
        self._base += self._pos
        self._lines += self._buf.count("\n", 0, self._pos)
        self._buf = self._buf[self._pos :] + chunk
        self._pos = 0
        return True

    def _peek(self) -> str:
        while True:
            self._pos = _WS.match(self._buf, self._pos).end()  # type: ignore[union-attr]
            if self._pos < len(self._buf):
                return self._buf[self._pos]
            if not self._fill():
                return ""

    def _expect(self, chars: str) -> str:
        char = self._peek()
        if not char or char not in chars:
            found = repr(char) if char else "the end of the file"
            raise self._error(f"expected {' or '.join(repr(c) for c in chars)}, found {found}")
        self._pos += 1
        return char

    def _value(self) -> Any:
        self._peek()
        while True:
            try:
                value, end = _DECODER.raw_decode(self._buf, self._pos)
            except json.JSONDecodeError as error:
                if self._grow():
                    continue
                raise self._error(error.msg, self._base + error.pos) from None
            if end == len(self._buf) and not self._eof and self._grow():
                continue  # a number may go on in the next chunk
            self._pos = end
            return value

    def _grow(self) -> bool:
        if len(self._buf) - self._pos > _MAX_RECORD:
            raise self._error(f"a record is larger than {_MAX_RECORD >> 20} MiB or never ends")
        return self._fill()

    def _error(self, what: str, at: int | None = None) -> InputFileError:
        where = self._base + self._pos if at is None else at
        local = max(0, min(where - self._base, len(self._buf)))
        line = self._lines + self._buf.count("\n", 0, local) + 1
        before = self._buf[:local].rstrip(" \t\r\n")
        if before.endswith(",") and self._buf[local : local + 1] in ("]", "}"):
            what = "a comma after the last item"
        return self._table._fail(
            f"is not valid JSON at line {line} (character {where}: {what}); fix the file or "
            "export it again (NDJSON, one object per line, survives bad records).",
            offset=where,
            line=line,
        )

    def peek(self) -> str:
        """The next non-blank character, or ``""`` at the end of the file."""
        return self._peek()

    def survey(self) -> tuple[list[str], list[str]]:
        """Walk a top-level object and find its array of records.

        The array is the largest one whose items are objects (or rows of cells)
        at any depth, the shallowest and then the first on ties; else the first
        empty array. Reads the whole document, one record at a time.

        Returns:
            The keys leading to the array, and the dotted paths of the other
            arrays of records, which are not read.

        Raises:
            InputFileError: the document holds no array of records.
        """
        found: list[tuple[int, int, int, list[str]]] = []  # (items, -depth, -order, path)
        empty: list[list[str]] = []
        self._survey_object([], found, empty)
        if found:
            best = max(found)
            return best[3], [".".join(item[3]) for item in found if item is not best]
        if empty:
            return empty[0], []
        raise self._table._fail(
            "holds no array of records, only an object (top-level keys: "
            f"{', '.join(self._keys) or 'none'}); export a list of records, or give the "
            "path of the array with --sheet (e.g. data.contacts)."
        )

    def _survey_object(
        self,
        path: list[str],
        found: list[tuple[int, int, int, list[str]]],
        empty: list[list[str]],
    ) -> None:
        self._expect("{")
        if self._peek() == "}":
            self._pos += 1
            return
        while True:
            key = self._value()
            if not isinstance(key, str):
                raise self._error("expected a key")
            if not path:
                self._keys.append(key)
            self._expect(":")
            char = self._peek()
            here = [*path, key]
            if char == "{":
                self._survey_object(here, found, empty)
            elif char == "[":
                self._pos += 1
                inner = self._peek()
                count = sum(1 for _ in self.items())
                if inner in ("{", "["):
                    found.append((count, -len(here), -len(found), here))
                elif inner == "]":
                    empty.append(here)
            else:
                self._value()
            if self._expect(",}") == "}":
                return

    def find_array(self, parts: list[str] | None) -> str | None:
        """Position the stream inside the records array; return its path.

        Args:
            parts: the keys leading to the array inside a top-level object
                (see :meth:`survey`); None for a top-level array.
        """
        path = ".".join(parts) if parts else None
        first = self._peek()
        if first == "[":
            if path:
                raise self._table._fail(
                    f"holds a top-level array, not an object with {path!r}; drop --sheet."
                )
            self._pos += 1
            return None
        if first != "{":
            raise self._table._fail(
                'does not hold a list of records; expected [{...}, ...] or {"contacts": [...]}.'
            )
        # A top-level object was surveyed first (see survey()): its array has a path.
        found = self._find_in_object(parts, prefix="") if parts else None
        if found is None:
            wanted = f"array named {path!r}" if path else "array of records"
            raise self._table._fail(
                f"has no {wanted} (top-level keys: {', '.join(self._keys) or 'none'}); "
                "give the path of the array with --sheet (e.g. data.contacts)."
            )
        return found

    def _find_in_object(self, parts: list[str], prefix: str) -> str | None:
        self._expect("{")
        if self._peek() == "}":
            self._pos += 1
            return None
        while True:
            key = self._value()
            if not isinstance(key, str):
                raise self._error("expected a key")
            if not prefix:
                self._keys.append(key)
            self._expect(":")
            char = self._peek()
            name = prefix + key
            if key == parts[0]:
                if len(parts) == 1 and char == "[":
                    self._pos += 1
                    return name
                if len(parts) > 1 and char == "{":
                    return self._find_in_object(parts[1:], name + ".")
                raise self._table._fail(f"has {name!r}, but it is not an array of records.")
            self._value()  # skip this member
            if self._expect(",}") == "}":
                return None

    def items(self) -> Iterator[Any]:
        """Yield the array's items, the stream being just after ``[``."""
        if self._peek() == "]":
            self._pos += 1
            return
        decode = _DECODER.raw_decode
        after = _AFTER_ITEM.match
        while True:
            # Fast path: an item and its separator both inside the buffer.
            buf, pos = self._buf, self._pos
            try:
                value, end = decode(buf, pos)
            except json.JSONDecodeError:
                value, end = None, -1
            sep = after(buf, end) if end >= 0 else None
            if sep is not None and (sep.end() < len(buf) or self._eof):
                self._pos = sep.end()
                yield value
                if sep.group(1) == "]":
                    return
                continue
            # Slow path: the item or separator runs past the buffer.
            yield self._value()
            if self._expect(",]") == "]":
                return
            self._peek()
