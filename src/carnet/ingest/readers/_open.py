"""``open_table``: check a path, pick the reader, say clearly what is wrong."""

from __future__ import annotations

import os
from pathlib import Path

from carnet.errors import InputFileError
from carnet.ingest.readers._base import Format, Table
from carnet.ingest.readers.calamine import CalamineTable, OdsTable, XlsbTable, XlsTable
from carnet.ingest.readers.csv import CsvTable
from carnet.ingest.readers.json import JsonTable, NdjsonTable, looks_like_ndjson
from carnet.ingest.readers.sniff import binary_kind, looks_binary, zip_workbook
from carnet.ingest.readers.xlsx import XlsxTable

__all__ = ["EXTENSIONS", "FORMATS", "open_table"]

#: The formats ``open_table`` reads.
FORMATS: tuple[Format, ...] = ("csv", "xlsx", "xls", "xlsb", "ods", "json", "ndjson")
#: File extension → format.
EXTENSIONS: dict[str, Format] = {
    ".csv": "csv",
    ".tsv": "csv",
    ".tab": "csv",
    ".txt": "csv",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".xls": "xls",
    ".xlsb": "xlsb",
    ".ods": "ods",
    ".json": "json",
    ".ndjson": "ndjson",
    ".jsonl": "ndjson",
}
_ALIASES: dict[str, Format] = {"tsv": "csv", "txt": "csv", "jsonl": "ndjson", "xlsm": "xlsx"}
#: The workbooks, as messages name them; calamine reads all but XLSX (openpyxl's).
_WORKBOOKS: dict[Format, str] = {
    "xlsx": "an XLSX workbook",
    "xls": "an Excel 97-2003 workbook (.xls)",
    "xlsb": "an Excel binary workbook (.xlsb)",
    "ods": "an OpenDocument spreadsheet (.ods)",
}
_CALAMINE: dict[Format, type[CalamineTable]] = {"xls": XlsTable, "xlsb": XlsbTable, "ods": OdsTable}
_OTHER_OFFICE = {
    ".fods": "a flat OpenDocument spreadsheet (.fods)",
    ".numbers": "an Apple Numbers document",
}


def open_table(
    path: str | os.PathLike[str],
    *,
    encoding: str | None = None,
    delimiter: str | None = None,
    sheet: str | int | None = None,
    format: str | None = None,
) -> Table:
    """Open a customer file for streaming: CSV, a workbook (XLSX, XLS, XLSB, ODS), JSON or NDJSON.

    Only the start of the file is read here (to sniff encoding, delimiter and
    header); rows are read by ``Table.batches()``, ``Table.batches_columns()``
    or ``Table.rows()``.

    Args:
        path: the file.
        encoding: force the text encoding (``"cp1252"``, ``"latin-1"``...);
            by default it is detected (CSV, JSON, NDJSON).
        delimiter: force the CSV delimiter; by default it is sniffed.
        sheet: workbooks: a sheet name, a 0-based index, or ``"*"`` for every
            visible sheet (default: the first visible one, see :mod:`._workbook`).
            JSON: the dotted path of the records array inside a top-level object. Ignored for CSV.
        format: force the format (``csv``, ``xlsx``, ``xls``, ``xlsb``,
            ``ods``, ``json``, ``ndjson``) when the extension is missing or
            misleading. A workbook is known by its content: a ZIP or Office
            file is read as the workbook it holds, whatever its name or this.

    Returns:
        A :class:`Table` (``CsvTable``, ``XlsxTable``, ``XlsTable``,
        ``XlsbTable``, ``OdsTable``, ``JsonTable`` or ``NdjsonTable``).

    Raises:
        InputFileError: the file is missing, a folder, empty, unreadable,
            binary, of an unsupported kind, corrupt, protected by a password,
            or cannot be decoded.

    Example:
        >>> table = open_table("contacts.csv")  # doctest: +SKIP
        >>> for batch in table.batches(10_000):  # doctest: +SKIP
        ...     for row in batch:
        ...         print(row.number, row.values["Email"])
    """
    p = Path(path)
    name = str(path)
    if not p.exists():
        raise InputFileError(
            f"File '{name}' does not exist; check the path and the current folder.", path=name
        )
    if p.is_dir():
        raise InputFileError(
            f"'{name}' is a folder, not a file; give the path of a CSV, Excel, ODS or JSON "
            "file.",
            path=name,
        )
    try:
        size = p.stat().st_size
        with p.open("rb") as fh:
            head = fh.read(1 << 16)
    except PermissionError:
        raise InputFileError(
            f"File '{name}' cannot be read (permission denied); check its permissions "
            "or copy it somewhere you can read it.",
            path=name,
        ) from None
    except OSError as error:
        raise InputFileError(
            f"File '{name}' cannot be read ({error.strerror or error}).", path=name
        ) from None
    if size == 0:
        raise InputFileError(
            f"File '{name}' is empty (0 bytes); export the data again or choose another file.",
            path=name,
        )
    fmt = _choose_format(p, name, head, format)
    if fmt == "csv":
        return CsvTable(p, size, encoding=encoding, delimiter=delimiter)
    if fmt == "xlsx":
        return XlsxTable(p, sheet=sheet)
    if fmt in _CALAMINE:
        return _CALAMINE[fmt](p, sheet=sheet)
    if fmt == "ndjson":
        return NdjsonTable(p, size, encoding=encoding)
    path_in_file = sheet if isinstance(sheet, str) and sheet != "*" else None
    if path_in_file is None and format is None and _head_is_ndjson(head):
        return NdjsonTable(p, size, encoding=encoding)
    return JsonTable(p, size, encoding=encoding, path_in_file=path_in_file)


def _choose_format(p: Path, name: str, head: bytes, forced: str | None) -> Format:
    kind = binary_kind(head[:16])
    if kind is not None and kind not in ("zip", "ole2"):
        raise InputFileError(
            f"File '{name}' is {kind}, not a customer file; choose the CSV, Excel or "
            "JSON export of your data.",
            path=name,
        )
    fmt = _forced_format(name, forced)
    if kind is not None:
        # A workbook is what its bytes say, whatever its name: an .xls renamed .csv, an
        # .ods saved as .xlsx. An OLE2 file that holds no workbook (encrypted XLSX, a
        # Word .doc) is told apart by the reader, which names it.
        named = EXTENSIONS.get(p.suffix.lower())
        found: Format = (
            "xls" if kind == "ole2"
            # a damaged archive whose members cannot be listed is what its name says
            else zip_workbook(p, head) or (named if named in ("xlsb", "ods") else "xlsx")
        )
        if fmt is not None and fmt not in _WORKBOOKS:
            described = (
                "a ZIP archive (an XLSX workbook?)" if kind == "zip" and found == "xlsx"
                else _WORKBOOKS[found]
            )
            raise InputFileError(
                f"File '{name}' is {described}, not {fmt.upper()}; pass --format {found}"
                f"{' or unzip it first' if kind == 'zip' else ''}.",
                path=name,
            )
        return found
    ext = p.suffix.lower()
    if fmt is None:
        if ext == ".xls" and not looks_binary(head.decode("cp1252", "replace")):
            # Some tools write a text table and name it .xls: a TSV or CSV is read as one;
            # an HTML table is not read
            if b"<table" in head.lower() or b"<html" in head.lower():
                raise InputFileError(
                    f"File '{name}' is a web page (an HTML table) named .xls; open it in "
                    "Excel and save it as .xlsx or as CSV UTF-8, then import that.",
                    path=name,
                )
            return "csv"
        if ext in _OTHER_OFFICE:
            raise InputFileError(
                f"File '{name}' is {_OTHER_OFFICE[ext]}, which carnet does not read; save "
                "it as .xlsx, .ods or CSV UTF-8 and import that.",
                path=name,
            )
        if ext not in EXTENSIONS:
            shown = f"extension '{ext}'" if ext else "no extension"
            raise InputFileError(
                f"File '{name}' has {shown}; carnet reads "
                f"{', '.join(EXTENSIONS)} files: rename it or pass --format csv "
                "(format='csv'; also xlsx, xls, xlsb, ods, json, ndjson).",
                path=name,
            )
        fmt = EXTENSIONS[ext]
    if fmt in _WORKBOOKS:
        # Named or forced a workbook, the file is neither a ZIP nor an Office file.
        container = "an Excel 97-2003 file" if fmt == "xls" else "a ZIP archive"
        hint = (
            "it looks like a text (CSV) file: pass --format csv"
            if not looks_binary(head.decode("utf-8", "replace"))
            else "open it in Excel or LibreOffice and save it again as .xlsx"
        )
        what = "XLSX workbook" if fmt == "xlsx" else _WORKBOOKS[fmt].removeprefix("an ")
        raise InputFileError(
            f"File '{name}' is not a valid {what} (not {container}); {hint}.", path=name
        )
    return fmt


def _forced_format(name: str, forced: str | None) -> Format | None:
    if forced is None:
        return None
    fmt = _ALIASES.get(forced.lower(), forced.lower())
    if fmt not in FORMATS:
        raise InputFileError(
            f"Unknown format {forced!r} for '{name}'; use "
            f"{', '.join(FORMATS[:-1])} or {FORMATS[-1]}.",
            path=name,
        )
    return fmt


def _head_is_ndjson(head: bytes) -> bool:
    return looks_like_ndjson(head.decode("utf-8", "replace"))
