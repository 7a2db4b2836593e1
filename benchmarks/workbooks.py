"""Workbook reading benchmark: openpyxl (carnet's XLSX reader) against python-calamine.

    python benchmarks/workbooks.py N [--workdir DIR] [--seed S]

On the demo generator's ``event_signups.xlsx`` for N people, each part in its
own subprocess so that its peak RSS is its own:

(a) ``openpyxl``: carnet's XLSX reader (openpyxl's read-only mode, streamed)
    reading every row as text, the way an import reads it;
(b) ``calamine``: the same file through carnet's calamine reader (the one
    ``.xls``, ``.xlsb`` and ``.ods`` use), every row as text;
(c) ``openpyxl_bare`` and (d) ``calamine_bare``: the libraries alone, values
    only, no conversion to text.

Checks that (a) and (b) give the same rows, apart from the cells a
digits-only number format shows with zeros (``00000``) that calamine does not
see (``differing_cells``). Prints one JSON object: rows, the seconds, CPU
seconds and peak RSS of each part (timed once the modules are imported), and
``speedup`` (a / b, wall clock and CPU). A benchmark, not a test: it never
gates CI.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
from memory import peak_rss_mb

PARTS = ("openpyxl", "calamine", "openpyxl_bare", "calamine_bare")


def _part(name: str, path: Path) -> dict[str, Any]:
    """Read ``path`` one way; the rows' digest lets the parent compare (a) and (b).

    The clock starts once the modules are imported and the field catalog (which
    the header search reads) is built: what is timed is opening and reading.
    """
    from openpyxl import load_workbook
    from python_calamine import CalamineWorkbook

    from carnet.fields.catalog import default_catalog
    from carnet.ingest.readers import XlsxTable
    from carnet.ingest.readers.calamine import CalamineTable

    class CalamineXlsx(CalamineTable):
        format = "xlsx"
        label = "an XLSX workbook"
        extensions = (".xlsx",)

    default_catalog()
    wall, cpu = time.perf_counter(), time.process_time()
    digests: list[str] = []
    rows = 0
    if name in ("openpyxl", "calamine"):
        reader = XlsxTable if name == "openpyxl" else CalamineXlsx
        table = reader(path, sheet=None)
        for batch in table.batches():
            rows += len(batch)
            digests.extend(
                hashlib.blake2b(repr(list(r.values.values())).encode(), digest_size=8).hexdigest()
                for r in batch
            )
    elif name == "openpyxl_bare":
        book = load_workbook(path, read_only=True, data_only=True)
        for _ in book.worksheets[0].iter_rows(values_only=True):
            rows += 1
        book.close()
        rows -= 1  # the header
    else:
        calamine_book = CalamineWorkbook.from_path(str(path))
        for _ in calamine_book.get_sheet_by_index(0).iter_rows():
            rows += 1
        calamine_book.close()
        rows -= 1
    return {
        "rows": rows,
        "seconds": round(time.perf_counter() - wall, 3),
        "cpu_seconds": round(time.process_time() - cpu, 3),
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "digests": digests,
    }


def run(n: int, seed: int, workdir: Path) -> dict[str, Any]:
    path = workdir / "event_signups.xlsx"
    if not path.exists():
        from carnet.demo import generate

        generate(workdir, people=n, seed=seed)
    parts: dict[str, dict[str, Any]] = {}
    for name in PARTS:
        out = subprocess.run(
            [sys.executable, __file__, "--part", name, "--file", str(path)],
            check=True, capture_output=True, text=True,
        ).stdout
        parts[name] = json.loads(out)
    a, b = parts["openpyxl"].pop("digests"), parts["calamine"].pop("digests")
    for name in ("openpyxl_bare", "calamine_bare"):
        parts[name].pop("digests")
    return {
        "people": n,
        "file": path.name,
        "file_mb": round(path.stat().st_size / 1e6, 2),
        "rows": parts["openpyxl"]["rows"],
        "same_row_count": len(a) == len(b),
        "differing_rows": sum(1 for x, y in zip(a, b, strict=False) if x != y),
        "speedup": round(parts["openpyxl"]["seconds"] / parts["calamine"]["seconds"], 2),
        "cpu_speedup": round(
            parts["openpyxl"]["cpu_seconds"] / parts["calamine"]["cpu_seconds"], 2
        ),
        "bare_speedup": round(
            parts["openpyxl_bare"]["seconds"] / parts["calamine_bare"]["seconds"], 2
        ),
        **{name: part for name, part in parts.items()},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, nargs="?", default=100_000, help="people generated")
    parser.add_argument("--workdir", type=Path, default=Path("bench-workbooks"))
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--part", choices=PARTS, help=argparse.SUPPRESS)
    parser.add_argument("--file", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.part:
        print(json.dumps(_part(args.part, args.file)))
        return
    args.workdir.mkdir(parents=True, exist_ok=True)
    print(json.dumps(run(args.n, args.seed, args.workdir)))


if __name__ == "__main__":
    main()
