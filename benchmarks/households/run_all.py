"""Households benchmark: carnet's duplicate detection on messy French customer files.

Usage::

    python benchmarks/households/run_all.py [--seeds 7,8,9] [--people 600] [--workdir DIR]

For each seed, ``make_data.py`` (a generator independent of carnet's demo
generator) writes four customer files of one company for ``--people`` true
persons: a shop export, an old CRM (cp1252, ';'), an event sheet (XLSX) and a
newsletter list, with the usual variations of one person across files (typos,
nicknames, swapped names, maiden names, phone and postcode formats, ...) and
trap pairs that are *not* one person (households sharing an address and a
landline, twins, homonyms, a father and his son of one name, colleagues sharing
a generic e-mail). ``run.sh`` then runs carnet on them as a user would: ``init``,
the four ``import``, ``dedupe`` (defaults), ``export``, ``review --list``, and
``diag.py`` (every pre-dedupe pair scored by carnet's own model, for the
scorer's breakdowns). ``score.py`` scores the final contacts pairwise over the
input rows, pooled over the seeds: two rows are predicted one person when they
end in one contact (the import's own merges count), against the rows of one
true person; it prints the import-only and after-dedupe figures, the breakdown
by variation kind and by trap kind, and examples of missed pairs and false
merges.

Ends with one JSON line::

    {"dataset": "households", "tool": "carnet", "precision": ..., "recall": ...,
     "f1": ..., "seconds": ..., "seeds": [7, 8, 9], "people": 600}

``seconds`` is the wall time of carnet's imports and dedupe summed over the
seeds (not the generator, exports, dry run or diagnostics). Data and runs go to
``--workdir`` (default ``$CARNET_BENCH_CACHE/households``, itself
``$TMPDIR/carnet-bench`` by default): ``data_s7``, ``run_s7``, ... carnet is the
repo's ``.venv/bin/carnet`` unless ``CARNET`` names another; the generator and
diag.py run with the python beside it (openpyxl for the XLSX sheet). One to
three minutes on a 2-core machine, by its load. A benchmark, not a test: it
never gates CI.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
CACHE = Path(os.environ.get("CARNET_BENCH_CACHE", Path(tempfile.gettempdir()) / "carnet-bench"))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--seeds", default="7,8,9", help="comma-separated generator seeds")
    ap.add_argument("--people", type=int, default=600, help="true persons per seed")
    ap.add_argument("--workdir", type=Path, default=CACHE / "households")
    args = ap.parse_args()
    seeds = [int(s) for s in args.seeds.split(",") if s.strip()]

    found = shutil.which(os.environ.get("CARNET", ROOT / ".venv" / "bin" / "carnet"))
    if found is None:
        sys.exit(f"no carnet in {ROOT / '.venv'}: run `make install` or set CARNET=/path/to/carnet")
    carnet = Path(found)
    python = carnet.parent / "python"
    if not python.exists():
        python = Path(sys.executable)
    env = {**os.environ, "CARNET": str(carnet), "PYTHON": str(python)}
    work = args.workdir.resolve()
    work.mkdir(parents=True, exist_ok=True)

    seconds = 0.0
    pairs: list[str] = []
    for seed in seeds:
        data, run = work / f"data_s{seed}", work / f"run_s{seed}"
        print(f"## seed {seed}: generating {args.people} people into {data}", flush=True)
        subprocess.run(
            [
                python,
                HERE / "make_data.py",
                "--seed",
                str(seed),
                "--people",
                str(args.people),
                "--out",
                data,
            ],
            check=True,
        )
        print(f"## seed {seed}: carnet into {run}", flush=True)
        with open(work / f"run_s{seed}.log", "w", encoding="utf-8") as log:
            subprocess.run(["bash", HERE / "run.sh", data, run], check=True, env=env, stdout=log)
        with open(run / "timings.tsv", encoding="utf-8", newline="") as f:
            steps = {r["step"]: float(r["seconds"]) for r in csv.DictReader(f, delimiter="\t")}
        seconds += sum(steps.values())
        print(f"   import+dedupe: {sum(steps.values()):.1f} s", flush=True)
        pairs += [str(run / "out.csv"), str(data / "truth.csv")]

    summary_path = work / "summary.json"
    print(f"\n## pooled score over seeds {', '.join(map(str, seeds))}", flush=True)
    subprocess.run([python, HERE / "score.py", *pairs, "--json", summary_path], check=True)
    dedupe = json.loads(summary_path.read_text(encoding="utf-8"))["dedupe"]
    line = {
        "dataset": "households",
        "tool": "carnet",
        "precision": round(dedupe["precision"], 4),
        "recall": round(dedupe["recall"], 4),
        "f1": round(dedupe["f1"], 4),
        "seconds": round(seconds, 2),
        "seeds": seeds,
        "people": args.people,
    }
    print(json.dumps(line))
    return 0


if __name__ == "__main__":
    sys.exit(main())
