"""Readers of customer files: CSV, workbooks (XLSX, XLS, XLSB, ODS), JSON and NDJSON, in batches.

>>> from carnet.ingest.readers import open_table
>>> table = open_table("contacts.csv")  # doctest: +SKIP
>>> table.format, table.encoding, table.delimiter, table.headers  # doctest: +SKIP
('csv', 'cp1252', ';', ['Nom', 'Prénom', 'Email', 'Email (2)'])
>>> for batch in table.batches(size=10_000):  # doctest: +SKIP
...     for row in batch:
...         row.number, row.values, row.extra, row.line

Every reader yields the same thing: :class:`RawRow` objects whose values are
text (or None when missing) keyed by de-duplicated headers, numbered from 1
among the data rows; or, for columnar validation, :class:`ColumnBatch`
objects from ``Table.batches_columns()``. How each format becomes text is
documented in :mod:`.csv`, :mod:`._workbook` (every workbook), :mod:`.xlsx`,
:mod:`.calamine` (XLS, XLSB, ODS) and :mod:`.json`; how encodings, delimiters
and a workbook's kind are guessed in :mod:`.sniff`.

Resuming an interrupted import: ``table.batches(start=n)`` (or
``table.skip_to(n)`` before reading) parses the rows before ``n`` without
building them. ``table.fingerprint`` (SHA-256 of the bytes) tells whether the
file is still the same one.
"""

from carnet.ingest.readers._base import ColumnBatch, Format, RawRow, Start, Table, TableStats
from carnet.ingest.readers._open import EXTENSIONS, FORMATS, open_table
from carnet.ingest.readers.calamine import OdsTable, XlsbTable, XlsTable
from carnet.ingest.readers.csv import CsvTable
from carnet.ingest.readers.json import JsonTable, NdjsonTable
from carnet.ingest.readers.xlsx import XlsxTable

__all__ = [
    "EXTENSIONS",
    "FORMATS",
    "ColumnBatch",
    "CsvTable",
    "Format",
    "JsonTable",
    "NdjsonTable",
    "OdsTable",
    "RawRow",
    "Start",
    "Table",
    "TableStats",
    "XlsTable",
    "XlsbTable",
    "XlsxTable",
    "open_table",
]
