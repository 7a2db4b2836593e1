"""French test bed: carnet's duplicate detection scored per kind of fault and of trap.

Usage::

    python benchmarks/french_bed.py [--seeds 11,12] [--people 1500] [--workdir DIR]
                                    [--examples FILE]

For each seed, ``french_bed_data.py`` (a generator written apart from carnet's demo
generator and from ``benchmarks/households``) writes four files of one French company:
a shop export (UTF-8 with BOM, ``;``), a newsletter list (Mailchimp-like, ``,``), a
trade-show sheet (one "Nom complet" cell, a company, a work e-mail) and an old CRM dump
(cp1252, capitals, landlines), with ``truth.csv``. Each is imported into a fresh
SQLite workspace through carnet's library facade (the import's exact-key merges
count), then ``find_duplicates`` runs with its default thresholds: its merges are
scored as ``auto``, and ``auto+review`` adds the pairs it queued for review as if a
person accepted every one (the queue's recall, and what it would cost to accept it
blindly). ``import`` scores the import alone.

Scoring is pairwise over input rows, pooled over the seeds: two rows are predicted one
person when they end in one contact. Per kind, the pairs counted are those with at
least one row of a person of that kind (a fault kind such as ``married_name``, or a
trap such as ``twins``), so a false merge of a twin with her sister counts against
``twins`` and a missed maiden name against ``married_name``. Prints one JSON object::

    {"dataset": "french_bed", "seeds": [...], "rows": ..., "seconds": ...,
     "overall": {"import": {...}, "auto": {...}, "auto+review": {...}},
     "kinds": {"married_name": {"rows": ..., "true_pairs": ..., "auto": {...}, ...}, ...}}

``--examples FILE`` writes the missed pairs and false merges (both rows as written) as
JSON lines, for reading. A benchmark, not a test: it never gates CI.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import json
import os
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent))
from french_bed_data import SOURCES, write

from carnet import Carnet
from carnet.store import schema as s

CACHE = Path(os.environ.get("CARNET_BENCH_CACHE", Path(tempfile.gettempdir()) / "carnet-bench"))
Row = tuple[str, int]
FILES = {
    "boutique": "boutique.csv",
    "newsletter": "newsletter.csv",
    "salon": "salon.csv",
    "ancien_crm": "ancien_crm.csv",
}


def owners(ws: Carnet) -> dict[int, int]:
    """Every contact id (merged ones too) -> the active contact it now belongs to."""
    with ws.engine.connect() as conn:
        parent = {
            int(i): (int(m) if m is not None else None)
            for i, m in conn.execute(sa.select(s.contacts.c.id, s.contacts.c.merged_into_id))
        }
    out: dict[int, int] = {}
    for start in parent:
        node = start
        while parent.get(node) is not None:
            node = parent[node]  # type: ignore[assignment]
        out[start] = node
    return out


def clusters(ws: Carnet) -> dict[Row, int]:
    """Each input row -> the active contact holding it."""
    active = sorted(set(owners(ws).values()))
    found = ws.contact_sources(active)
    return {row: cid for cid, src in found.items() for row in src.rows}


def review_pairs(ws: Carnet) -> list[tuple[int, int]]:
    """The pending review pairs, as active contact ids."""
    root = owners(ws)
    mp = s.match_pairs
    with ws.engine.connect() as conn:
        pending = conn.execute(
            sa.select(mp.c.contact_id_l, mp.c.contact_id_r).where(mp.c.status == "pending")
        ).all()
    return [(root[int(a)], root[int(b)]) for a, b in pending if root[int(a)] != root[int(b)]]


def predicted_pairs(
    of_row: dict[Row, int], links: Iterable[tuple[int, int]] = ()
) -> set[frozenset[Row]]:
    """Pairs of rows in one contact, after joining the contacts ``links`` name."""
    up: dict[int, int] = {}

    def find(x: int) -> int:
        while up.get(x, x) != x:
            up[x] = up.get(up[x], up[x])
            x = up[x]
        return x

    for a, b in links:
        ra, rb = find(a), find(b)
        if ra != rb:
            up[ra] = rb
    groups: dict[int, list[Row]] = defaultdict(list)
    for row, cid in of_row.items():
        groups[find(cid)].append(row)
    return {frozenset(p) for g in groups.values() for p in itertools.combinations(sorted(g), 2)}


def figures(tp: int, fp: int, fn: int) -> dict[str, Any]:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "precision": round(p, 4),
        "recall": round(r, 4),
        "f1": round(f, 4),
    }


def run_seed(seed: int, people: int, work: Path) -> dict[str, Any]:
    data = work / f"data_s{seed}"
    write(data, seed, people)
    db = work / f"run_s{seed}.db"
    db.unlink(missing_ok=True)
    ws = Carnet.init(f"sqlite:///{db}", profile="b2c")
    started = time.perf_counter()
    ws.import_files(
        [data / FILES[name] for name in SOURCES], rejected_dir=str(work / f"rejected_s{seed}")
    )
    after_import = clusters(ws)
    report = ws.find_duplicates()
    seconds = time.perf_counter() - started
    after_dedupe = clusters(ws)
    review = review_pairs(ws)
    with open(data / "truth.csv", encoding="utf-8") as f:
        truth = list(csv.DictReader(f))
    texts = {}
    for name in SOURCES:
        with open(
            data / FILES[name], encoding="cp1252" if name == "ancien_crm" else "utf-8-sig"
        ) as f:
            reader = csv.reader(f, delimiter="," if name == "newsletter" else ";")
            next(reader)
            for i, cells in enumerate(reader, 1):
                texts[(name, i)] = " | ".join(c for c in cells if c)
    ws.close()
    tag = f"s{seed}"
    person = {(t["source"], int(t["row"])): f"{tag}:{t['person']}" for t in truth}
    kind = {(t["source"], int(t["row"])): t["kind"] for t in truth}
    group = {(t["source"], int(t["row"])): t["group"] and f"{tag}:{t['group']}" for t in truth}

    def tagged(pairs: set[frozenset[Row]]) -> set[frozenset[tuple[str, Row]]]:
        return {frozenset((tag, r) for r in p) for p in pairs}

    # a row the import rejected belongs to no contact: it stays a row of its own
    return {
        "seed": seed,
        "seconds": seconds,
        "dedupe": report.to_dict(),
        "person": {(tag, r): v for r, v in person.items()},
        "kind": {(tag, r): v for r, v in kind.items()},
        "group": {(tag, r): v for r, v in group.items()},
        "text": {(tag, r): v for r, v in texts.items()},
        "import": tagged(predicted_pairs(after_import)),
        "auto": tagged(predicted_pairs(after_dedupe)),
        "auto+review": tagged(predicted_pairs(after_dedupe, review)),
    }


def score(runs: list[dict[str, Any]], examples: Path | None) -> dict[str, Any]:
    person: dict[Any, str] = {}
    kind: dict[Any, str] = {}
    group: dict[Any, str] = {}
    text: dict[Any, str] = {}
    for run in runs:
        person |= run["person"]
        kind |= run["kind"]
        group |= run["group"]
        text |= run["text"]
    by_person: dict[str, list[Any]] = defaultdict(list)
    for row, p in person.items():
        by_person[p].append(row)
    truth = {frozenset(p) for rows in by_person.values() for p in itertools.combinations(rows, 2)}
    stages = ("import", "auto", "auto+review")
    predicted = {st: set().union(*(run[st] for run in runs)) for st in stages}
    kinds = sorted(set(kind.values()))
    out: dict[str, Any] = {"overall": {}, "kinds": {}}
    for st in stages:
        pred = predicted[st]
        out["overall"][st] = figures(len(pred & truth), len(pred - truth), len(truth - pred))
    for k in kinds:
        rows = {r for r, v in kind.items() if v == k}
        t_k = {p for p in truth if p & rows}
        entry: dict[str, Any] = {"rows": len(rows), "true_pairs": len(t_k)}
        for st in stages:
            p_k = {p for p in predicted[st] if p & rows}
            entry[st] = figures(len(p_k & t_k), len(p_k - t_k), len(t_k - p_k))
        out["kinds"][k] = entry
    if examples is not None:
        with open(examples, "w", encoding="utf-8") as f:
            for st in ("auto", "auto+review"):
                for what, pairs in (
                    ("false", predicted[st] - truth),
                    ("missed", truth - predicted[st]),
                ):
                    if what == "missed" and st == "auto+review":
                        pairs = truth - predicted[st]
                    for p in sorted(pairs, key=lambda q: sorted(map(str, q))):
                        a, b = sorted(p, key=str)
                        same_group = bool(group[a]) and group[a] == group[b]
                        f.write(
                            json.dumps(
                                {
                                    "stage": st,
                                    "what": what,
                                    "kind": kind[a] if not group[b] else kind[b],
                                    "same_trap_group": same_group,
                                    "a": f"{a[0]} {a[1][0]}:{a[1][1]} {text.get(a, '')}",
                                    "b": f"{b[0]} {b[1][0]}:{b[1][1]} {text.get(b, '')}",
                                },
                                ensure_ascii=False,
                            )
                            + "\n"
                        )
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--seeds", default="11,12")
    ap.add_argument("--people", type=int, default=1500)
    ap.add_argument("--workdir", type=Path, default=CACHE / "french_bed")
    ap.add_argument("--examples", type=Path)
    args = ap.parse_args()
    seeds = [int(x) for x in args.seeds.split(",") if x.strip()]
    work = args.workdir.resolve()
    work.mkdir(parents=True, exist_ok=True)
    runs = [run_seed(seed, args.people, work) for seed in seeds]
    result = {
        "dataset": "french_bed",
        "tool": "carnet",
        "seeds": seeds,
        "people": args.people,
        "rows": sum(len(r["person"]) for r in runs),
        "seconds": round(sum(r["seconds"] for r in runs), 1),
        "review_pairs": sum(r["dedupe"]["review"] for r in runs),
        **score(runs, args.examples),
    }
    print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
