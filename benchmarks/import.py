"""Import benchmark: carnet's import against a raw baseline and a naive validation loop.

    python benchmarks/import.py N [--workdir DIR] [--seed S]

On the demo generator's files for N people, in one run:

(a) raw baseline: the fastest parse of the same files (csv module / openpyxl
    read-only) plus a bulk insert of the raw strings into SQLite, no checks;
(b) naive loop: email-validator and phonenumbers called row by row on every
    email and phone cell;
(c) ``carnet import`` of every file into a fresh SQLite workspace.

Each part runs in its own subprocess so that its peak RSS is its own. Prints
one JSON object: rows, raw_seconds, carnet_seconds, ratio_vs_raw (c/a),
naive_validation_seconds, carnet_validation_seconds (time carnet spent checking
its email and phone columns), validation_speedup (b / that), verdict_agreement
(share of distinct email/phone values where carnet and the naive loop agree on
valid/invalid and on the normalised phone), peak_rss_mb (carnet's import) and
the per-part details. Every time is also given in CPU seconds of its process
(``time.process_time``, all threads: ``*_cpu_seconds`` and the ratios over
them), steadier than wall-clock seconds when other jobs share the cores; the
load averages before and after say how busy the machine was. A benchmark, not
a test: it never gates CI.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

FILES = (
    "eshop_customers.csv",
    "event_signups.xlsx",
    "old_crm.csv",
    "survey_answers.csv",
    "order_lines.csv",
    "newsletter.csv",
)
ENCODINGS = {"eshop_customers.csv": "cp1252"}
DELIMITERS = {"eshop_customers.csv": ";"}


def _rows(path: Path) -> tuple[list[str], Any]:
    if path.suffix == ".xlsx":
        import openpyxl

        book = openpyxl.load_workbook(path, read_only=True)
        rows = book.worksheets[0].iter_rows(values_only=True)
        header = [str(c) for c in next(rows)]
        return header, ([None if v is None else str(v) for v in row] for row in rows)
    handle = path.open(encoding=ENCODINGS.get(path.name, "utf-8-sig"), newline="")
    sample = handle.read(4096)
    handle.seek(0)
    delimiter = DELIMITERS.get(path.name) or csv.Sniffer().sniff(sample, ";,\t|").delimiter
    reader = csv.reader(handle, delimiter=delimiter)
    return next(reader), reader


def raw_baseline(workdir: Path) -> dict[str, Any]:
    """(a) parse every file and bulk-insert the raw strings into SQLite."""
    db = workdir / "raw.db"
    db.unlink(missing_ok=True)
    started, cpu = time.perf_counter(), time.process_time()
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA journal_mode=WAL")
    rows = 0
    for name in FILES:
        header, data = _rows(workdir / name)
        table = Path(name).stem
        columns = ", ".join(f'"c{i}" TEXT' for i in range(len(header)))
        conn.execute(f'CREATE TABLE "{table}" ({columns})')
        marks = ", ".join("?" * len(header))
        batch: list[list[str | None]] = []
        for row in data:
            batch.append((list(row) + [None] * len(header))[: len(header)])
            if len(batch) == 10_000:
                conn.executemany(f'INSERT INTO "{table}" VALUES ({marks})', batch)
                rows += len(batch)
                batch = []
        conn.executemany(f'INSERT INTO "{table}" VALUES ({marks})', batch)
        rows += len(batch)
        conn.commit()
    conn.close()
    return {
        "rows": rows,
        "seconds": time.perf_counter() - started,
        "cpu_seconds": time.process_time() - cpu,
    }


def _email_and_phone_cells(workdir: Path) -> tuple[list[str], list[str]]:
    from carnet.fields.catalog import Kind, default_catalog

    catalog = default_catalog()
    emails: list[str] = []
    phones: list[str] = []
    for name in FILES:
        header, data = _rows(workdir / name)
        kinds = [catalog.match_header(h) for h in header]
        email_cols = [i for i, f in enumerate(kinds) if f is not None and f.kind is Kind.EMAIL]
        phone_cols = [i for i, f in enumerate(kinds) if f is not None and f.kind is Kind.PHONE]
        for row in data:
            emails.extend(row[i] for i in email_cols if i < len(row) and row[i])
            phones.extend(row[i] for i in phone_cols if i < len(row) and row[i])
    return emails, phones


def naive(workdir: Path) -> dict[str, Any]:
    """(b) email-validator and phonenumbers, called row by row."""
    import phonenumbers
    from email_validator import EmailNotValidError, validate_email

    emails, phones = _email_and_phone_cells(workdir)
    verdicts: dict[str, Any] = {"email": {}, "phone": {}}
    started, cpu = time.perf_counter(), time.process_time()
    for value in emails:
        try:
            validate_email(value, check_deliverability=False)
            verdicts["email"][value] = [True, None]
        except EmailNotValidError:
            verdicts["email"][value] = [False, None]
    for value in phones:
        try:
            number = phonenumbers.parse(value, "FR")
            ok = phonenumbers.is_valid_number(number)
            phonenumbers.number_type(number)
            e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
            verdicts["phone"][value] = [ok, e164 if ok else None]
        except phonenumbers.NumberParseException:
            verdicts["phone"][value] = [False, None]
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    (workdir / "naive_verdicts.json").write_text(json.dumps(verdicts), "utf-8")
    return {"cells": len(emails) + len(phones), "seconds": seconds, "cpu_seconds": cpu}


def carnet_import(workdir: Path) -> dict[str, Any]:
    """(c) carnet import of every file into a fresh SQLite workspace."""
    os.environ.setdefault("CARNET_ENCRYPTION_KEY", "benchmark-only-key-not-secret")
    os.environ.setdefault("CARNET_SECRET_KEY", "benchmark-secret")
    from carnet import Carnet
    from carnet.ingest import verdicts as verdicts_module

    spent: dict[str, float] = {"email": 0.0, "phone": 0.0}
    spent_cpu: dict[str, float] = {"email": 0.0, "phone": 0.0}
    seen: dict[str, dict[str, list[Any]]] = {"email": {}, "phone": {}}
    original = verdicts_module.ColumnChecker.column

    def timed(self: Any, values: Any) -> Any:
        kind = self.field.kind.value
        started, cpu = time.perf_counter(), time.process_time()
        result = original(self, values)
        if kind in spent:
            spent[kind] += time.perf_counter() - started
            spent_cpu[kind] += time.process_time() - cpu
            bucket = seen[kind]
            for value, verdict in zip(values, result, strict=True):
                if value and value not in bucket:
                    bucket[value] = [verdict.ok, verdict.normalised if kind == "phone" else None]
        return result

    verdicts_module.ColumnChecker.column = timed  # type: ignore[method-assign]
    db = workdir / "carnet.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    started, cpu = time.perf_counter(), time.process_time()
    ws = Carnet.init(f"sqlite:///{db}")
    rows = 0
    counts: dict[str, int] = {}
    for name in FILES:
        report = ws.import_file(workdir / name, rejected_dir=workdir)
        rows += report.rows
        for key, value in report.counts.items():
            counts[key] = counts.get(key, 0) + value
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    (workdir / "carnet_verdicts.json").write_text(json.dumps(seen), "utf-8")
    return {
        "rows": rows,
        "seconds": seconds,
        "cpu_seconds": cpu,
        "validation_seconds": spent["email"] + spent["phone"],
        "validation_cpu_seconds": spent_cpu["email"] + spent_cpu["phone"],
        "counts": counts,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def agreement(workdir: Path) -> tuple[float, dict[str, int]]:
    naive_v = json.loads((workdir / "naive_verdicts.json").read_text("utf-8"))
    carnet_v = json.loads((workdir / "carnet_verdicts.json").read_text("utf-8"))
    same = total = 0
    differences: dict[str, int] = {}
    for kind in ("email", "phone"):
        for value, expected in naive_v[kind].items():
            got = carnet_v[kind].get(value)
            if got is None:
                continue
            total += 1
            # Same validity, and the same E.164 number when both say valid.
            if got[0] == expected[0] and (not got[0] or got[1] == expected[1]):
                same += 1
            else:
                label = f"{kind}: naive {'valid' if expected[0] else 'invalid'}, carnet " + (
                    "ok" if got[0] else "invalid"
                )
                differences[label] = differences.get(label, 0) + 1
    return (same / total if total else 1.0), differences


def _child(part: str, workdir: Path) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, __file__, "--part", part, "--workdir", str(workdir), "0"],
        check=True,
        capture_output=True,
        text=True,
    )
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("people", type=int)
    parser.add_argument("--workdir", type=Path)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--part", choices=("raw", "naive", "carnet"))
    args = parser.parse_args()
    if args.part:
        fn = {"raw": raw_baseline, "naive": naive, "carnet": carnet_import}[args.part]
        result = fn(args.workdir)
        result.setdefault("peak_rss_mb", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
        print(json.dumps(result))
        return
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="carnet-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    from carnet.demo import generate

    load_before = os.getloadavg()
    generated = generate(workdir, args.people, args.seed)
    raw = _child("raw", workdir)
    naive_result = _child("naive", workdir)
    carnet = _child("carnet", workdir)
    share, differences = agreement(workdir)
    load_after = os.getloadavg()
    print(
        json.dumps(
            {
                "people": args.people,
                "rows": carnet["rows"],
                "raw_seconds": round(raw["seconds"], 2),
                "carnet_seconds": round(carnet["seconds"], 2),
                "ratio_vs_raw": round(carnet["seconds"] / raw["seconds"], 2),
                "carnet_rows_per_second": round(carnet["rows"] / carnet["seconds"], 1),
                "naive_validation_seconds": round(naive_result["seconds"], 2),
                "carnet_validation_seconds": round(carnet["validation_seconds"], 2),
                "validation_speedup": round(
                    naive_result["seconds"] / max(carnet["validation_seconds"], 1e-9), 1
                ),
                "raw_cpu_seconds": round(raw["cpu_seconds"], 2),
                "carnet_cpu_seconds": round(carnet["cpu_seconds"], 2),
                "ratio_vs_raw_cpu": round(carnet["cpu_seconds"] / raw["cpu_seconds"], 2),
                "naive_validation_cpu_seconds": round(naive_result["cpu_seconds"], 2),
                "carnet_validation_cpu_seconds": round(carnet["validation_cpu_seconds"], 2),
                "validation_speedup_cpu": round(
                    naive_result["cpu_seconds"] / max(carnet["validation_cpu_seconds"], 1e-9), 1
                ),
                "load_average_before_after": [round(load_before[0], 2), round(load_after[0], 2)],
                "verdict_agreement": round(share, 4),
                "verdict_differences": differences,
                "peak_rss_mb": round(carnet["peak_rss_mb"], 1),
                "raw_peak_rss_mb": round(raw["peak_rss_mb"], 1),
                "counts": carnet["counts"],
                "generate_seconds": round(generated.seconds, 2),
            }
        )
    )


if __name__ == "__main__":
    main()
