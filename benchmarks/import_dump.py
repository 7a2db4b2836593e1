"""Import the demo files and dump everything the workspace stored, to diff two versions.

    python benchmarks/import_dump.py WORKDIR OUT_DIR [--db URL]

Imports the demo generator's files in WORKDIR (``generate.py`` or the import
benchmark's ``--workdir``) into a fresh workspace (OUT_DIR/carnet.db, or the
PostgreSQL database ``--db`` names, whose public schema is dropped first) and
writes:

- OUT_DIR/summary.json: each file's outcome counts, verdict counts, warnings and
  mapping, and whether the consent ledger's hash chain verifies;
- OUT_DIR/tables.txt: every row of every table in key order, with the instants
  the run stamped itself (between its start and end) written ``<now>``, the
  consent proofs' random nonces and the chain's hashes (which depend on both)
  masked, and floats rounded to 5 places (freshness decays while the run goes).

Two versions of carnet that store the same thing give byte-identical files:
``diff -r`` them. A speed change must leave both untouched. Prints one JSON line:
the import's wall and CPU seconds.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).parent))
from demo_files import FILES

#: An instant as SQLite, JSON or ``isoformat`` write it.
_INSTANT = re.compile(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:\+00:00|Z)?")


def fresh_database(out: Path, url: str | None) -> str:
    """The URL of an empty database for the run."""
    if url is None:
        db = out / "carnet.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        return f"sqlite:///{db}"
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()
    return url


def import_all(workdir: Path, out: Path, url: str) -> tuple[list[dict[str, Any]], float, float]:
    """Import every demo file; the reports' summaries, wall and CPU seconds."""
    from carnet import Carnet

    started, cpu = time.perf_counter(), time.process_time()
    ws = Carnet.init(url)
    summary: list[dict[str, Any]] = []
    for name in FILES:
        report = ws.import_file(workdir / name, rejected_dir=out)
        summary.append(
            {
                "file": name,
                "rows": report.rows,
                "counts": report.counts,
                "verdicts": report.verdicts,
                "warnings": report.warnings,
                "swapped_names": report.swapped_names,
                "duplicates": report.duplicates,
                "suppressions": report.suppressions,
                "import_id": report.import_id,
                "mapping": [
                    [c.header, c.field.name if c.field else None, c.attribute, c.how, c.note]
                    for c in report.mapping.columns
                ],
            }
        )
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    summary.append({"ledger_ok": ws.verify_consent_ledger(strict=True).ok})
    return summary, wall, cpu


def dump_tables(url: str, target: Path, start: datetime, end: datetime) -> None:
    """Every table's rows in key order, the run's own instants masked."""

    def mask(match: re.Match[str]) -> str:
        text = match.group(0).replace("T", " ").replace("Z", "").replace("+00:00", "")
        try:
            instant = datetime.fromisoformat(text)
        except ValueError:
            return match.group(0)
        return "<now>" if start <= instant <= end else match.group(0)

    engine = sa.create_engine(url)
    meta = sa.MetaData()
    meta.reflect(engine)
    with target.open("w", encoding="utf-8") as out, engine.connect() as conn:
        for table in sorted(meta.sorted_tables, key=lambda t: t.name):
            columns = list(table.columns)
            out.write(f"== {table.name}\n")
            order = list(table.primary_key.columns) or columns
            for row in conn.execute(sa.select(table).order_by(*order)):
                cells = []
                for column, value in zip(columns, row, strict=True):
                    if table.name == "consent_events" and column.name in ("hash", "prev_hash"):
                        value = "<hash>"
                    if isinstance(value, dict) and "_nonce" in value:
                        value = {**value, "_nonce": "<nonce>"}
                    if isinstance(value, datetime):
                        value = value.replace(tzinfo=None).isoformat(sep=" ")
                    if isinstance(value, float):
                        value = round(value, 5)
                    cells.append(f"{column.name}={value!r}")
                out.write(_INSTANT.sub(mask, " | ".join(cells)) + "\n")
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("workdir", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--db", help="a PostgreSQL URL (default: SQLite in OUT_DIR)")
    args = parser.parse_args()
    os.environ.setdefault("CARNET_ENCRYPTION_KEY", "benchmark-only-key-not-secret")
    os.environ.setdefault("CARNET_SECRET_KEY", "benchmark-secret")
    args.out.mkdir(parents=True, exist_ok=True)
    url = fresh_database(args.out, args.db)
    start = datetime.now(UTC).replace(tzinfo=None)
    summary, wall, cpu = import_all(args.workdir, args.out, url)
    end = datetime.now(UTC).replace(tzinfo=None)
    (args.out / "summary.json").write_text(
        json.dumps(summary, indent=1, sort_keys=True, default=str), "utf-8"
    )
    dump_tables(url, args.out / "tables.txt", start, end)
    print(json.dumps({"seconds": round(wall, 2), "cpu_seconds": round(cpu, 2)}))


if __name__ == "__main__":
    main()
