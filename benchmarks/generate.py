"""Benchmark the demo data generator: ``python benchmarks/generate.py N [SEED]``.

Generates the demo files for N people into a temporary directory and prints
one JSON line:

- ``people``, ``rows`` (data rows of the six files), ``output_mb``;
- ``seconds``: wall clock of ``carnet.demo.generate``;
- ``cpu_seconds``: CPU time of this process and its worker processes;
- ``critical_path_cpu_seconds``: per step, the CPU time of the busiest
  process, summed — what ``seconds`` would be on an otherwise idle machine,
  a fairer figure when other jobs share the cores;
- ``peak_rss_mb`` (this process) and ``worker_peak_rss_mb`` (the largest
  worker; the workers are forked, so part of their memory is shared);
- ``timings``: the report's per-step figures.
"""

from __future__ import annotations

import json
import resource
import sys
import tempfile
from pathlib import Path

from carnet.demo import generate


def main(argv: list[str]) -> int:
    """Run the benchmark; return the exit code."""
    if not argv or not argv[0].replace("_", "").isdigit():
        print("usage: python benchmarks/generate.py N [SEED]", file=sys.stderr)
        return 2
    people = int(argv[0])
    seed = int(argv[1]) if len(argv) > 1 else 42
    with tempfile.TemporaryDirectory(prefix="carnet-demo-") as tmp:
        report = generate(Path(tmp), people=people, seed=seed)
        size = sum(path.stat().st_size for path in Path(tmp).iterdir())
    own = resource.getrusage(resource.RUSAGE_SELF)
    workers = resource.getrusage(resource.RUSAGE_CHILDREN)
    timings = report.timings
    steps = [key for key in timings if not key.endswith("cpu")]
    critical = sum(max(timings[f"{step}_cpu"], timings[f"{step}_workers_cpu"]) for step in steps)
    print(
        json.dumps(
            {
                "people": people,
                "seconds": round(report.seconds, 2),
                "rows": report.rows,
                "peak_rss_mb": round(own.ru_maxrss / 1024, 1),
                "worker_peak_rss_mb": round(workers.ru_maxrss / 1024, 1),
                "cpu_seconds": round(
                    own.ru_utime + own.ru_stime + workers.ru_utime + workers.ru_stime, 2
                ),
                "critical_path_cpu_seconds": round(critical, 2),
                "output_mb": round(size / 2**20, 1),
                "timings": timings,
                "files": report.files,
            }
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
