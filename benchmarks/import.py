"""Import benchmark: carnet's import against a raw baseline and a naive validation loop.

    python benchmarks/import.py N [--workdir DIR] [--seed S]

On the demo generator's files for N people, in one run:

(a) raw baseline: the fastest parse of the same files (csv module / openpyxl
    read-only) plus a bulk insert of the raw strings into SQLite, no checks;
(b) naive loop: email-validator and phonenumbers called row by row on every
    email and phone cell;
(c) ``carnet import`` of every file into a fresh SQLite workspace.

Each part runs in its own subprocess so that its peak RSS is its own; carnet's
verdicts for the agreement are taken by the import's column check in one more
subprocess (kept in the import's, a record of every distinct value would double
its peak RSS at 1,000,000 people). Prints
one JSON object: rows, raw_seconds, carnet_seconds, ratio_vs_raw (c/a),
naive_validation_seconds, carnet_validation_seconds (time carnet spent checking
its email and phone columns), validation_speedup (b / that), verdict_agreement
(share of distinct email/phone values where carnet and the naive loop agree on
valid/invalid *as written* and on the normalised phone), peak_rss_mb (carnet's
import) and the per-part details. "As written": the naive loop judges the text
it is given, so a value carnet had to repair or re-read to use (an address's
blanks or display name, a Mayotte number written 06 39 ...: flags in ``REPAIRS``)
counts as invalid as written on carnet's side too; ``repaired_values`` says how many there were and
``usable_agreement`` gives the agreement on usable/unusable after repairs.
Every time is also given in CPU seconds of its process
(``time.process_time``, all threads: ``*_cpu_seconds`` and the ratios over
them), steadier than wall-clock seconds when other jobs share the cores; the
load averages before and after say how busy the machine was. A benchmark, not
a test: it never gates CI.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
from demo_files import FILES, email_and_phone_cells, read_rows
from memory import peak_rss_mb

#: Flags of a verdict whose text carnet changed or re-read to make it usable: an
#: e-mail's blanks or display name removed; a phone of an overseas region written the
#: metropolitan way ("06 39 ..." is Mayotte's +262 639 ..., which phonenumbers with
#: region FR calls an invalid French number). (A phone that lost its leading 0 is
#: flagged ``repaired`` too, but phonenumbers reads "612345678" as the same French
#: number: valid as written on both sides.)
REPAIRS = frozenset({"trimmed", "cleaned", "spaces_removed", "multiple", "overseas"})


def raw_baseline(workdir: Path) -> dict[str, Any]:
    """(a) parse every file and bulk-insert the raw strings into SQLite."""
    db = workdir / "raw.db"
    db.unlink(missing_ok=True)
    started, cpu = time.perf_counter(), time.process_time()
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA journal_mode=WAL")
    rows = 0
    for name in FILES:
        header, data = read_rows(workdir / name)
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


def naive(workdir: Path) -> dict[str, Any]:
    """(b) email-validator and phonenumbers, called row by row."""
    import phonenumbers
    from email_validator import EmailNotValidError, validate_email

    emails, phones = email_and_phone_cells(workdir)
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
    original = verdicts_module.ColumnChecker.column

    def timed(self: Any, values: Any) -> Any:
        kind = self.field.kind.value
        started, cpu = time.perf_counter(), time.process_time()
        result = original(self, values)
        if kind in spent:
            spent[kind] += time.perf_counter() - started
            spent_cpu[kind] += time.process_time() - cpu
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
    return {
        "rows": rows,
        "seconds": seconds,
        "cpu_seconds": cpu,
        "validation_seconds": spent["email"] + spent["phone"],
        "validation_cpu_seconds": spent_cpu["email"] + spent_cpu["phone"],
        "counts": counts,
        "peak_rss_mb": peak_rss_mb(),
    }


def carnet_verdicts(workdir: Path) -> dict[str, Any]:
    """carnet's verdicts of the naive loop's cells, by the import's own column check.

    Run in a process of its own: kept in the import's process, a record of every
    distinct value (1.85 million at 1,000,000 people) would double its peak RSS.
    """
    from carnet.fields.catalog import default_catalog
    from carnet.ingest.verdicts import ColumnChecker

    catalog = default_catalog()
    emails, phones = email_and_phone_cells(workdir)
    seen: dict[str, dict[str, list[Any]]] = {}
    for kind, cells, header in (("email", emails, "E-mail"), ("phone", phones, "Téléphone")):
        field = catalog.match_header(header)
        assert field is not None and field.kind.value == kind
        checker = ColumnChecker(field, "FR")
        bucket = seen[kind] = {}
        for start in range(0, len(cells), 5_000):
            batch = cells[start : start + 5_000]
            for value, verdict in zip(batch, checker.column(batch), strict=True):
                bucket.setdefault(
                    value,
                    [
                        verdict.ok,
                        verdict.normalised if kind == "phone" else None,
                        bool(verdict.flags & REPAIRS),
                    ],
                )
    (workdir / "carnet_verdicts.json").write_text(json.dumps(seen), "utf-8")
    return {"values": sum(len(b) for b in seen.values())}


def agreement(workdir: Path) -> dict[str, Any]:
    """How often carnet and the naive loop agree, per distinct email and phone value."""
    naive_v = json.loads((workdir / "naive_verdicts.json").read_text("utf-8"))
    carnet_v = json.loads((workdir / "carnet_verdicts.json").read_text("utf-8"))
    same = usable_same = total = repaired = 0
    differences: dict[str, int] = {}
    for kind in ("email", "phone"):
        for value, expected in naive_v[kind].items():
            got = carnet_v[kind].get(value)
            if got is None:
                continue
            total += 1
            usable, normalised, was_repaired = got
            repaired += was_repaired
            as_written = usable and not was_repaired
            # Same validity, and the same E.164 number when both say valid.
            if as_written == expected[0] and (not as_written or normalised == expected[1]):
                same += 1
            else:
                label = f"{kind}: naive {'valid' if expected[0] else 'invalid'}, carnet " + (
                    "valid" if as_written else "repaired" if usable else "invalid"
                )
                differences[label] = differences.get(label, 0) + 1
            usable_same += usable == expected[0] and (not usable or normalised == expected[1])
    return {
        "verdict_agreement": round(same / total, 4) if total else 1.0,
        "usable_agreement": round(usable_same / total, 4) if total else 1.0,
        "repaired_values": repaired,
        "distinct_values_compared": total,
        "verdict_differences": differences,
    }


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
    parser.add_argument("--part", choices=("raw", "naive", "carnet", "verdicts"))
    args = parser.parse_args()
    if args.part:
        parts = {
            "raw": raw_baseline,
            "naive": naive,
            "carnet": carnet_import,
            "verdicts": carnet_verdicts,
        }
        fn = parts[args.part]
        result = fn(args.workdir)
        result.setdefault("peak_rss_mb", peak_rss_mb())
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
    _child("verdicts", workdir)
    agreed = agreement(workdir)
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
                **agreed,
                "peak_rss_mb": round(carnet["peak_rss_mb"], 1),
                "raw_peak_rss_mb": round(raw["peak_rss_mb"], 1),
                "counts": carnet["counts"],
                "generate_seconds": round(generated.seconds, 2),
            }
        )
    )


if __name__ == "__main__":
    main()
