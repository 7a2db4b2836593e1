"""Quality-score benchmark: score N synthetic contacts and print one JSON line.

Usage::

    python benchmarks/quality.py 1000000                      # SQLite in a temp folder
    python benchmarks/quality.py 1000000 --db postgresql://postgres@127.0.0.1/bench
    python benchmarks/quality.py 1000000 --db sqlite:///big.db --reuse

The contacts are written with bulk ``INSERT … SELECT`` statements
(:func:`carnet.quality.synthetic.fill`: emails, phones, addresses, history,
consent and suppressions), not through the import. ``seconds`` times one full
:meth:`compute_quality` (read, compute, write every score) and ``cpu_seconds`` the
CPU time it took in this process (all threads; steadier than ``seconds`` on a busy
machine); ``incremental_1000_seconds`` rescoring 1,000 contacts; ``report_seconds``
the whole-file report. With ``--reuse`` the scores already stored are overwritten.
Prints::

    {"contacts": 1000000, "seconds": ..., "cpu_seconds": ..., "peak_rss_mb": ..., ...}
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import cast

from carnet import Carnet
from carnet.config import Settings
from carnet.quality.facade import QualityMixin
from carnet.quality.synthetic import fill


class _Workspace(Carnet, QualityMixin):
    """The workspace with the quality methods (until Carnet inherits them)."""


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("contacts", type=int, help="how many synthetic contacts")
    parser.add_argument("--db", help="database URL (default: a temporary SQLite file)")
    parser.add_argument(
        "--reuse", action="store_true", help="use the contacts already in --db (no fill)"
    )
    args = parser.parse_args(argv)
    url = args.db or f"sqlite:///{Path(tempfile.mkdtemp()) / 'quality-bench.db'}"
    settings = Settings(database_url=url, secret_key="bench-secret")
    ws = cast(_Workspace, _Workspace.init(settings=settings, profile="b2c", actor="bench"))
    fill_seconds = None
    if not args.reuse:
        started = time.perf_counter()
        fill(ws.engine, args.contacts, secret="bench-secret")
        fill_seconds = round(time.perf_counter() - started, 2)
    started, cpu_started = time.perf_counter(), time.process_time()
    written = ws.compute_quality()
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu_started
    started = time.perf_counter()
    ws.compute_quality(range(1, 1001))
    incremental = time.perf_counter() - started
    started = time.perf_counter()
    report = ws.quality_report(snapshot=False)
    report_seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        json.dumps(
            {
                "contacts": written,
                "seconds": round(seconds, 2),
                # PostgreSQL's own work is not in it.
                "cpu_seconds": round(cpu_seconds, 2),
                "peak_rss_mb": round(peak, 1),
                "database": ws.engine.dialect.name,
                "incremental_1000_seconds": round(incremental, 3),
                "report_seconds": round(report_seconds, 2),
                "fill_seconds": fill_seconds,
                "average_score": report["averages"]["score"],
            }
        )
    )
    sys.stdout.flush()


if __name__ == "__main__":
    main()
