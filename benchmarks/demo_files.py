"""The demo generator's files as plain rows, shared by the benchmark scripts."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

FILES = (
    "eshop_customers.csv",
    "event_signups.xlsx",
    "old_crm.csv",
    "survey_answers.csv",
    "order_lines.csv",
    "newsletter.csv",
)
ENCODINGS = {"eshop_customers.csv": "cp1252"}


def read_rows(path: Path) -> tuple[list[str], Iterator[list[str | None]]]:
    """Header and rows of one demo file, read the fastest plain way (no checks)."""
    if path.suffix == ".xlsx":
        import openpyxl

        book = openpyxl.load_workbook(path, read_only=True)
        rows = book.worksheets[0].iter_rows(values_only=True)
        header = [str(c) for c in next(rows)]
        return header, ([None if v is None else str(v) for v in row] for row in rows)
    handle = path.open(encoding=ENCODINGS.get(path.name, "utf-8-sig"), newline="")
    sample = handle.read(4096)
    handle.seek(0)
    reader = csv.reader(handle, delimiter=csv.Sniffer().sniff(sample, ";,\t|").delimiter)
    return next(reader), reader


def email_and_phone_cells(workdir: Path) -> tuple[list[str], list[str]]:
    """Every non-empty email and phone cell of the demo files, in file order."""
    from carnet.fields.catalog import Kind, default_catalog

    catalog = default_catalog()
    emails: list[str] = []
    phones: list[str] = []
    for name in FILES:
        if not (workdir / name).exists():
            continue
        header, rows = read_rows(workdir / name)
        kinds = [catalog.match_header(h) for h in header]
        email_cols = [i for i, f in enumerate(kinds) if f is not None and f.kind is Kind.EMAIL]
        phone_cols = [i for i, f in enumerate(kinds) if f is not None and f.kind is Kind.PHONE]
        for row in rows:
            emails.extend(v for i in email_cols if i < len(row) and (v := row[i]))
            phones.extend(v for i in phone_cols if i < len(row) and (v := row[i]))
    return emails, phones
