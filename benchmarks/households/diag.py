#!/usr/bin/env python3
"""Score EVERY pair of contacts of a (pre-dedupe) carnet workspace with carnet's own model.

Read-only use of carnet's library (run with the python of carnet's venv):
  python diag.py RUN/ws_pre.db RUN/diag_pairs.csv [--min-p 1e-9]

It trains the model exactly as `carnet dedupe` does (same default settings,
same seed), scores all pairs (not only the blocked ones) and writes, for each
pair with probability >= --min-p or sharing a blocking key: blocked (True/False),
the blocking rules that generate it, probability, weight, and the explanation.
The workspace file is opened through a temporary copy and never written.
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import tempfile

import polars as pl
import sqlalchemy as sa

from carnet.dedupe.records import store_records
from carnet.match import Matcher, MatchSettings, explain
from carnet.match.engine import _score_in_batches
from carnet.match.scoring import sql_frame


def interesting_pairs(pre_export, truth_path):
    """Pairs of contacts (pre-dedupe) that hold rows of one person or of related persons."""
    csv.field_size_limit(10**9)
    person = {}
    with open(truth_path, encoding="utf-8", newline="") as f:
        for t in csv.DictReader(f):
            person[(t["source"], t["ext_id"])] = int(t["person_id"])
    related = set()
    rel_path = os.path.join(os.path.dirname(os.path.abspath(truth_path)), "relations.csv")
    if os.path.exists(rel_path):
        with open(rel_path, encoding="utf-8") as f:
            for r in csv.DictReader(f):
                x, y = int(r["person_a"]), int(r["person_b"])
                related.add((min(x, y), max(x, y)))
    persons_of = {}
    with open(pre_export, encoding="utf-8-sig", newline="") as f:
        for row in csv.DictReader(f, delimiter=";"):
            ids = [tuple(x.split(":", 1)) for x in (row["source_ids"] or "").split("|") if x]
            persons_of[int(row["id"])] = {person[i] for i in ids if i in person}
    by_person = {}
    for cid, ps in persons_of.items():
        for p in ps:
            by_person.setdefault(p, set()).add(cid)
    out = set()
    for cids in by_person.values():
        cs = sorted(cids)
        out.update((a, b) for i, a in enumerate(cs) for b in cs[i + 1:])
    for x, y in related:
        for a in by_person.get(x, ()):
            for b in by_person.get(y, ()):
                if a != b:
                    out.add((min(a, b), max(a, b)))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("db")
    ap.add_argument("out")
    ap.add_argument("--min-p", type=float, default=1e-3)
    ap.add_argument("--pre-export", help="out_pre.csv: keep also every pair of contacts holding "
                    "rows of one person or of related persons (needs --truth)")
    ap.add_argument("--truth", help="truth.csv (relations.csv beside it)")
    a = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="diag-")
    try:
        db = os.path.join(tmp, "ws.db")
        shutil.copy(a.db, db)
        engine = sa.create_engine(f"sqlite:///{db}")
        with engine.connect() as conn:
            records = store_records(conn)
        settings = MatchSettings()  # the workspace has no carnet.toml: dedupe uses the defaults
        matcher = Matcher(settings)
        model = matcher.train(records)
        prepared = matcher.prepare(records, model)
        con = matcher._connect()
        con.register("rec", sql_frame(prepared.frame, settings.comparisons))
        con.register("keys", prepared.keys)
        # which rules block each pair
        rules = con.sql(
            "SELECT a.record_id AS id_l, b.record_id AS id_r, "
            "string_agg(DISTINCT a.rule, ',') AS rules "
            "FROM keys a JOIN keys b "
            "ON a.rule = b.rule AND a.key = b.key AND a.record_id < b.record_id "
            "GROUP BY 1, 2"
        ).pl()
        ids = records.select("record_id").to_series().to_list()
        con.sql(
            "CREATE TEMP TABLE pairs AS SELECT a.record_id AS id_l, b.record_id AS id_r "
            "FROM rec a JOIN rec b ON a.record_id < b.record_id"
        )
        raw = _score_in_batches(con, model, prepared.frame, -1e9)
        scored = matcher._finish(raw, model)
        con.close()
        rule_names = {str(i): r.name for i, r in enumerate(settings.prediction_rules)}
        scored = scored.join(
            rules.rename({"id_l": "record_id_l", "id_r": "record_id_r"}),
            on=["record_id_l", "record_id_r"],
            how="left",
        )
        wanted = interesting_pairs(a.pre_export, a.truth) if a.pre_export and a.truth else set()
        wanted_df = pl.DataFrame(
            sorted(wanted) or None,
            schema={"record_id_l": pl.Int64, "record_id_r": pl.Int64},
            orient="row",
        ).with_columns(pl.lit(True).alias("wanted"))
        scored = scored.join(wanted_df, on=["record_id_l", "record_id_r"], how="left")
        keep = scored.filter((pl.col("probability") >= a.min_p) | pl.col("rules").is_not_null()
                             | pl.col("wanted").is_not_null())
        with open(a.out, "w", encoding="utf-8", newline="") as f:
            w = csv.writer(f)
            w.writerow(["contact_id_l", "contact_id_r", "blocked", "blocking_rules", "probability",
                        "match_weight", "explanation"])
            for row in keep.iter_rows(named=True):
                expl = "; ".join(f"{c}: {lvl} {wt:+.2f}" for c, lvl, wt in explain(row, model))
                blocking = (rule_names.get(x, x) for x in (row["rules"] or "").split(",") if x)
                w.writerow(
                    [
                        row["record_id_l"],
                        row["record_id_r"],
                        row["rules"] is not None,
                        ",".join(sorted(blocking)),
                        f"{row['probability']:.6g}",
                        f"{row['match_weight']:.3f}",
                        expl,
                    ]
                )
        print(f"records {len(ids)}, all pairs {scored.height}, blocked "
              f"{scored.filter(pl.col('rules').is_not_null()).height}, written {keep.height}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
