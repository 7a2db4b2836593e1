"""Safe export of tables: Excel-friendly CSV, XLSX, JSON and NDJSON.

>>> write_table("contacts.csv", ["Nom", "Tél."], [{"Nom": "Dupont", "Tél.": "+33612345678"}])
... # doctest: +SKIP
1

Files are written to a temporary file beside the target and moved into place
at the end, so a crash never leaves half an export under the final name.

Formula injection (OWASP "CSV injection")
-----------------------------------------
A spreadsheet runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` (and
Excel also one that starts with a tab or a carriage return) as a formula:
``=HYPERLINK(...)`` or a DDE payload in a customer's "first name" would run on
the marketing manager's computer. :func:`neutralise_cell` puts a single quote
``'`` before such a text, which makes the spreadsheet show it as text. Full-
width look-alikes (``＝ ＋ － ＠``) are treated the same way.

**Decision: signed numbers and phone numbers are left alone.** A text made
only of a leading ``+`` or ``-`` followed by digits, spaces, dots and commas
(``+33612345678``, ``+33 6 12 34 56 78``, ``-12,50``) cannot call a function,
reference a cell or reach DDE: the worst a spreadsheet does with it is to show
it as a number. Every E.164 phone carnet exports is such a value, and an
apostrophe in front of each would corrupt the file for every import tool
downstream, for no security gain. Anything else starting with a trigger,
``-1+2``, ``+1E2``, ``-`` alone or ``@mention``, is prefixed, as OWASP advises.

The prefix is reversible: a text that already starts with ``'`` followed by a
trigger gets one more ``'``, so :func:`unneutralise_cell` gives back exactly
the original. Neutralisation applies to text cells of CSV and XLSX; numbers,
dates and booleans cannot carry a formula. JSON and NDJSON are not opened by
spreadsheets and are written as they are.

XLSX cells are always written as *text* cells, never as formulas (even with
``neutralise=False``); characters XML cannot hold (U+0000–U+001F except
tab, LF and CR; U+FFFE, U+FFFF; lone surrogates) are removed from them.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import math
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import IO, Any

from carnet.errors import InvalidValueError

__all__ = [
    "DELIMITERS",
    "WRITE_FORMATS",
    "neutralise_cell",
    "unneutralise_cell",
    "write_table",
]

#: Delimiters ``write_table`` accepts for CSV.
DELIMITERS = (";", ",", "\t", "|")
#: Extension → format written.
WRITE_FORMATS = {
    ".csv": "csv",
    ".tsv": "csv",
    ".txt": "csv",
    ".xlsx": "xlsx",
    ".json": "json",
    ".ndjson": "ndjson",
    ".jsonl": "ndjson",
}

_TRIGGERS = frozenset("=+-@\t\r\uff1d\uff0b\uff0d\uff20")
_SAFE_SIGNED = re.compile(r"[+\-][0-9][0-9 .,]*")
_XLSX_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_XLSX_ERROR_CODES = frozenset(
    ("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA")
)


def _needs_prefix(value: str) -> bool:
    first = value[:1]
    if first in _TRIGGERS:
        return not (first in "+-" and _SAFE_SIGNED.fullmatch(value))
    if first == "'":
        return _needs_prefix(value.lstrip("'"))
    return False


def neutralise_cell(value: str) -> str:
    """Make a text safe to open in a spreadsheet (see the module docstring).

    Args:
        value: the cell's text.

    Returns:
        ``value`` with a leading ``'`` when a spreadsheet would run it as a
        formula, else ``value`` unchanged.

    >>> neutralise_cell("=HYPERLINK(\\"http://x\\")"), neutralise_cell("@SUM(A1)")
    ('\\'=HYPERLINK("http://x")', "'@SUM(A1)")
    >>> neutralise_cell("+33612345678"), neutralise_cell("-12,50"), neutralise_cell("-1+2")
    ('+33612345678', '-12,50', "'-1+2")
    >>> neutralise_cell("'=1"), neutralise_cell("l'été")
    ("''=1", "l'été")
    """
    if value and _needs_prefix(value):
        return "'" + value
    return value


def unneutralise_cell(value: str) -> str:
    """Undo :func:`neutralise_cell` (for reading back carnet's own exports).

    Args:
        value: a cell written by :func:`write_table`.

    Returns:
        The original text.

    >>> unneutralise_cell("'=1"), unneutralise_cell("''=1"), unneutralise_cell("'abc")
    ('=1', "'=1", "'abc")
    """
    if value.startswith("'") and _needs_prefix(value[1:]):
        return value[1:]
    return value


def _text(value: object) -> str:
    """Render a non-text value as text (CSV)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e16:
            return str(int(value))
        return repr(value)
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, Mapping | list | tuple | set | frozenset):
        return json.dumps(_jsonable(value), ensure_ascii=False)
    return str(value)


def _jsonable(value: Any) -> Any:
    """Turn a value into what ``json.dumps`` writes (dates as ISO text...)."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(v) for v in value]
    if isinstance(value, Enum):
        return _jsonable(value.value)
    return _text(value)


def write_table(
    path: str | os.PathLike[str],
    headers: Sequence[str],
    rows: Iterable[Mapping[str, object]],
    *,
    delimiter: str = ";",
    excel: bool = True,
    neutralise: bool = True,
    format: str | None = None,
    sheet: str = "carnet",
) -> int:
    """Write rows to a CSV, XLSX, JSON or NDJSON file, streamed.

    The format comes from the extension (``.csv``/``.tsv``/``.txt``,
    ``.xlsx``, ``.json``, ``.ndjson``/``.jsonl``) unless ``format`` is given.
    Each row is a mapping; only ``headers`` are written, in that order (a
    missing key is an empty cell). Values may be text, numbers, booleans,
    dates, ``Decimal``, enums, lists or dicts (JSON text in CSV/XLSX).

    CSV, ``excel=True`` (default): UTF-8 with a BOM (so Excel shows accents),
    ``;`` (French Excel) unless ``delimiter=","``, CRLF line ends, minimal
    quoting. ``excel=False``: UTF-8 without BOM and LF line ends.

    Args:
        path: the file to (over)write.
        headers: the column names, in order.
        rows: the rows; consumed once, never held in memory all together.
        delimiter: CSV delimiter, one of ``;`` ``,`` tab ``|``.
        excel: CSV flavour (see above); ignored for other formats.
        neutralise: prefix cells that would run as formulas (CSV, XLSX); see
            the module docstring. Turn off only for files no spreadsheet opens.
        format: force ``csv``, ``xlsx``, ``json`` or ``ndjson``.
        sheet: the XLSX worksheet name.

    Returns:
        The number of rows written.

    Raises:
        InvalidValueError: unknown format or extension, or bad delimiter.
        OSError: the file cannot be written (permissions, full disk ...).
    """
    target = Path(path)
    fmt = _format_of(target, format)
    if fmt == "csv" and delimiter not in DELIMITERS:
        raise InvalidValueError(
            f"Cannot write CSV with delimiter {delimiter!r}; use ';', ',', '|' or a tab.",
            delimiter=delimiter,
        )
    headers = list(headers)
    writer: Callable[[Path], int]
    if fmt == "csv":

        def writer(tmp: Path) -> int:
            return _write_csv(tmp, headers, rows, delimiter, excel, neutralise)
    elif fmt == "xlsx":

        def writer(tmp: Path) -> int:
            return _write_xlsx(tmp, headers, rows, neutralise, sheet)
    else:

        def writer(tmp: Path) -> int:
            return _write_json(tmp, headers, rows, ndjson=fmt == "ndjson")

    return _atomic(target, writer)


def _format_of(target: Path, forced: str | None) -> str:
    if forced is not None:
        fmt = forced.lower()
        if fmt not in ("csv", "xlsx", "json", "ndjson"):
            raise InvalidValueError(
                f"Cannot write format {forced!r}; use csv, xlsx, json or ndjson."
            )
        return fmt
    ext = target.suffix.lower()
    if ext not in WRITE_FORMATS:
        raise InvalidValueError(
            f"Cannot write '{target}': carnet writes {', '.join(WRITE_FORMATS)} files; "
            "change the extension or pass format='csv'."
        )
    return WRITE_FORMATS[ext]


def _atomic(target: Path, write: Callable[[Path], int]) -> int:
    directory = target.parent
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    os.close(fd)
    tmp = Path(name)
    try:
        count = write(tmp)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return count


def _write_csv(
    tmp: Path,
    headers: list[str],
    rows: Iterable[Mapping[str, object]],
    delimiter: str,
    excel: bool,
    neutralise: bool,
) -> int:
    encoding = "utf-8-sig" if excel else "utf-8"
    count = 0
    fh: IO[str]
    with tmp.open("w", encoding=encoding, errors="replace", newline="") as fh:
        out = csv.writer(fh, delimiter=delimiter, lineterminator="\r\n" if excel else "\n")
        out.writerow([neutralise_cell(h) if neutralise else h for h in headers])
        for row in rows:
            cells = []
            for header in headers:
                value = row.get(header)
                text = value if isinstance(value, str) else _text(value)
                if neutralise and text and (text[0] in _TRIGGERS or text[0] == "'"):
                    text = neutralise_cell(text)
                cells.append(text)
            out.writerow(cells)
            count += 1
    return count


def _xlsx_value(value: object) -> object:
    """A value openpyxl can store, or text."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int):
        # Excel keeps 15 significant digits: longer integers become text.
        return value if abs(value) < 10**15 else str(value)
    if isinstance(value, float):
        return value if math.isfinite(value) else repr(value)
    if isinstance(value, Decimal):
        return value if value.is_finite() and len(value.as_tuple().digits) <= 15 else str(value)
    if isinstance(value, dt.datetime):
        return value if value.tzinfo is None else value.isoformat(timespec="seconds")
    if isinstance(value, dt.date | dt.time):
        return value
    return _text(value)


def _write_xlsx(
    tmp: Path,
    headers: list[str],
    rows: Iterable[Mapping[str, object]],
    neutralise: bool,
    sheet: str,
) -> int:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=sheet[:31] or "carnet")

    def text_cell(text: str) -> object:
        text = _XLSX_ILLEGAL.sub("", text)
        if neutralise:
            text = neutralise_cell(text)
        if text.startswith("=") or text in _XLSX_ERROR_CODES:
            cell = WriteOnlyCell(ws, value=text)
            cell.data_type = "s"  # text, never a formula or an error value
            return cell
        return text

    ws.append([text_cell(h) for h in headers])
    count = 0
    for row in rows:
        cells: list[object] = []
        for header in headers:
            value = _xlsx_value(row.get(header))
            cells.append(text_cell(value) if isinstance(value, str) else value)
        ws.append(cells)
        count += 1
    wb.save(tmp)
    return count


def _write_json(
    tmp: Path, headers: list[str], rows: Iterable[Mapping[str, object]], *, ndjson: bool
) -> int:
    count = 0
    with tmp.open("w", encoding="utf-8", errors="replace", newline="\n") as fh:
        if not ndjson:
            fh.write("[")
        for row in rows:
            record = {h: _jsonable(row.get(h)) for h in headers}
            text = json.dumps(record, ensure_ascii=False)
            if ndjson:
                fh.write(text + "\n")
            else:
                fh.write(("\n  " if count == 0 else ",\n  ") + text)
            count += 1
        if not ndjson:
            fh.write("\n]\n" if count else "]\n")
    return count
