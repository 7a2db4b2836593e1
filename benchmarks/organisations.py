"""Duplicate organisations against the demo generator's truth (a script, not a test).

    python benchmarks/organisations.py 20000 [--workdir DIR]

Generates the demo files for N people (kept in the work directory for the
next run), imports the three sources that name companies (shop export, event
sheet, old CRM) into a fresh SQLite workspace, and labels each organisation
with the true company of most of its contacts (from ``truth.csv`` and the
generator's population). It then runs ``find_duplicate_organisations`` and
scores the merges pairwise: two organisations in one group should be one
true company (precision), two of one true company should end in one group
(recall). The pairs left for review ("same name only") are scored apart.

Prints one JSON object with ``organisations_before``, ``organisations_after``,
``true_companies``, ``organisations_mixing_companies`` (made so by the import's
name links, before any merge), ``precision``, ``recall``, ``f1`` (of the merges, over the
organisations the import made), ``review_pairs``, ``review_precision``, ``rows_precision``
and ``rows_recall`` (end to end, over the input rows of B2B persons: two rows of one
company at one organisation after import and merges, two of two companies never), ``seconds``.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

import sqlalchemy as sa

from carnet import Carnet
from carnet.config import Settings
from carnet.demo.faults import Tally
from carnet.demo.generator import generate
from carnet.demo.loading import import_person_files
from carnet.demo.people import build_population
from carnet.store import schema as s

SEED = 42
FILES = ("eshop_customers.csv", "event_signups.xlsx", "old_crm.csv")


def _pairs(counts: Counter[object]) -> int:
    return sum(n * (n - 1) // 2 for n in counts.values())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("people", type=int, nargs="?", default=20_000)
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args()
    workdir = args.workdir or Path(tempfile.gettempdir()) / f"carnet-orgs-{args.people}"
    data = workdir / "data"
    if not (data / "truth.csv").exists():
        generate(data, args.people, SEED)
    db = workdir / "carnet.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    settings = Settings(
        database_url=f"sqlite:///{db}",
        encryption_key=os.environ.get("CARNET_ENCRYPTION_KEY", "benchmark-only-key"),
        secret_key="benchmark",
    )
    ws = Carnet.init(settings=settings, profile="b2b", actor="benchmark")
    import_person_files(ws, data, FILES)

    persons = build_population(args.people, SEED, Tally(), workers=1).persons
    company_of = {p.pid: p.company for p in persons if p.company >= 0}
    rows: dict[tuple[str, int], str] = {}
    with (data / "truth.csv").open(encoding="utf-8") as handle:
        next(handle)
        for line in handle:
            source, row, pid = line.rstrip("\n").split(",")
            rows[(source, int(row))] = pid
    c, ir, im, src = s.contacts, s.import_rows, s.imports, s.sources
    votes: dict[int, Counter[int]] = defaultdict(Counter)
    # Each input row of a B2B person: its true company and its contact's organisation.
    row_orgs: list[tuple[int, int | None]] = []
    with ws.engine.connect() as conn:
        for source, row, org_id in conn.execute(
            sa.select(src.c.name, ir.c.row_number, c.c.organisation_id).select_from(
                ir.join(im, im.c.id == ir.c.import_id)
                .join(src, src.c.id == im.c.source_id)
                .join(c, c.c.id == ir.c.contact_id)
            )
        ):
            company = company_of.get(rows.get((source, int(row)), ""))
            if company is None:
                continue
            row_orgs.append((company, None if org_id is None else int(org_id)))
            if org_id is not None:
                votes[int(org_id)][company] += 1
    label = {org: counter.most_common(1)[0][0] for org, counter in votes.items()}
    # The import links rows by SIRET, SIREN or name (where the places do not contradict
    # it): two companies of one name linked so end in one organisation, which no merge
    # undoes.
    mixing = sum(len(counter) > 1 for counter in votes.values())

    started = time.perf_counter()
    pairs_file = workdir / "organisation_pairs.csv"
    report = ws.find_duplicate_organisations(pairs_out=pairs_file)
    seconds = time.perf_counter() - started

    o = s.organisations
    with ws.engine.connect() as conn:
        into = dict(conn.execute(sa.select(o.c.id, o.c.merged_into_id)).all())
        after = conn.execute(
            sa.select(sa.func.count()).select_from(o).where(o.c.status == "active")
        ).scalar_one()
    ws.close()

    def survivor(org: int) -> int:
        while into.get(org) is not None:
            org = int(into[org])
        return org

    labelled = [org for org in into if org in label]
    true = _pairs(Counter(label[org] for org in labelled))
    predicted = _pairs(Counter(survivor(org) for org in labelled))
    correct = _pairs(Counter((survivor(org), label[org]) for org in labelled))
    precision = correct / predicted if predicted else 1.0
    recall = correct / true if true else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    # Each pair's evidence, scored alone: is it right about the two organisations?
    by_evidence: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    review: list[tuple[int, int]] = []
    with pairs_file.open(encoding="utf-8-sig", newline="") as handle:
        for r in csv.DictReader(handle, delimiter=";"):
            a, b = int(r["organisation_id_l"]), int(r["organisation_id_r"])
            if a not in label or b not in label:
                continue
            if r["decision"] == "review":
                review.append((a, b))
            evidence = r["evidence"].split(" (")[0]
            by_evidence[evidence][0] += label[a] == label[b]
            by_evidence[evidence][1] += 1
    right = sum(label[a] == label[b] for a, b in review)
    # End to end, over the input rows of B2B persons: two rows of one company should end
    # at one organisation (a row with none is alone), two of two companies never.
    final = [
        (company, survivor(org) if org is not None else -1 - i)
        for i, (company, org) in enumerate(row_orgs)
    ]
    rows_true = _pairs(Counter(company for company, _ in final))
    rows_predicted = _pairs(Counter(org for _, org in final))
    rows_correct = _pairs(Counter(final))
    rows_precision = rows_correct / rows_predicted if rows_predicted else 1.0
    rows_recall = rows_correct / rows_true if rows_true else 1.0
    print(
        json.dumps(
            {
                "people": args.people,
                "organisations_before": len(into),
                "organisations_after": int(after),
                "true_companies": len(set(label.values())),
                "organisations_mixing_companies": mixing,
                "precision": round(precision, 4),
                "recall": round(recall, 4),
                "f1": round(f1, 4),
                "evidence": report.evidence,
                "pair_precision_by_evidence": {
                    k: round(right / total, 4) for k, (right, total) in by_evidence.items()
                },
                "kept_apart": report.kept_apart,
                "review_pairs": report.review_count,
                "review_precision": round(right / len(review), 4) if review else None,
                "rows_precision": round(rows_precision, 4),
                "rows_recall": round(rows_recall, 4),
                "seconds": round(seconds, 2),
            }
        )
    )


if __name__ == "__main__":
    main()
