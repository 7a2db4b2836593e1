#!/usr/bin/env python3
"""Pairwise scoring of a carnet export against truth.csv (stdlib only).

Usage:
  python score.py RUN/out.csv DATA/truth.csv [RUN2/out.csv DATA2/truth.csv ...]
                  [--examples 15] [--list fn|fp] [--json summary.json]

Several (out, truth) pairs are pooled (e.g. several seeds). Reads beside out.csv, when present:
  out_pre.csv     export after import, before dedupe (import-stage score; pre-dedupe contact ids)
  review.json     `carnet review --list --json` (pairs neither merged nor kept apart)
  diag_pairs.csv  contact pairs scored by carnet's own model with blocking info (diag.py)
  pairs_all.csv   `dedupe --dry-run --review-threshold 1e-6 --pairs-out` (fallback explanations)
  ws_pre.db       the pre-dedupe workspace (read-only: import name-swap decisions)
and beside truth.csv: relations.csv (trap kinds of person pairs).

Two source rows are "predicted same" when they end in the same contact. A row
missing from the export (rejected) is its own singleton.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import json
import os
import sqlite3
import sys
from collections import Counter, defaultdict

csv.field_size_limit(10**9)


def read_export(path):
    """(source, ext_id) -> contact id."""
    where = {}
    with open(path, encoding="utf-8-sig", newline="") as f:
        sample = f.read(4096)
        f.seek(0)
        delim = ";" if sample.count(";") > sample.count(",") else ","
        for row in csv.DictReader(f, delimiter=delim):
            cid = int(row["id"])
            for item in filter(None, (row.get("source_ids") or "").split("|")):
                src, _, ext = item.partition(":")
                where[(src, ext)] = cid
    return where


def prf(tp, fp, fn):
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


class UF:
    def __init__(self):
        self.p = {}

    def find(self, x):
        self.p.setdefault(x, x)
        while self.p[x] != x:
            self.p[x] = self.p[self.p[x]]
            x = self.p[x]
        return x

    def union(self, a, b):
        a, b = self.find(a), self.find(b)
        if a != b:
            self.p[max(a, b)] = min(a, b)


def canon_email(e):
    e = (e or "").strip().lower()
    if "@" not in e:
        return e
    loc, dom = e.split("@", 1)
    loc = loc.split("+")[0]
    if dom in ("gmail.com", "googlemail.com"):
        loc = loc.replace(".", "")
    return loc + "@" + dom


class Run:
    """One (export, truth) pair; every id is namespaced by the run index k."""

    def __init__(self, k, out, truth_path):
        self.k = k
        run_dir = os.path.dirname(os.path.abspath(out))
        data_dir = os.path.dirname(os.path.abspath(truth_path))
        self.truth = []
        with open(truth_path, encoding="utf-8", newline="") as f:
            for t in csv.DictReader(f):
                t["V"] = set(filter(None, t["variations"].split("|")))
                t["C"] = set(filter(None, t["context"].split("|")))
                t["pid"] = (k, int(t["person_id"]))
                t["run"] = k
                self.truth.append(t)
        self.rel = {}
        rel_path = os.path.join(data_dir, "relations.csv")
        if os.path.exists(rel_path):
            with open(rel_path, encoding="utf-8") as f:
                for r in csv.DictReader(f):
                    x, y = int(r["person_a"]), int(r["person_b"])
                    self.rel[((k, min(x, y)), (k, max(x, y)))] = r["relation"]
        where = read_export(out)
        pre_path = os.path.join(run_dir, "out_pre.csv")
        pre_where = (
            read_export(pre_path)
            if os.path.exists(pre_path) and os.path.abspath(pre_path) != os.path.abspath(out)
            else None
        )

        def cl(mapping, t, i):
            c = mapping.get((t["source"], t["ext_id"]))
            return (k, "c", c) if c is not None else (k, "missing", i)

        for i, t in enumerate(self.truth):
            t["post"] = cl(where, t, i)
            t["pre"] = cl(pre_where, t, i) if pre_where else None
        self.has_pre = pre_where is not None
        self.review = set()
        rv = os.path.join(run_dir, "review.json")
        if os.path.exists(rv):
            try:
                with open(rv, encoding="utf-8") as f:
                    items = json.load(f)
            except json.JSONDecodeError:
                items = []
            if isinstance(items, dict):
                items = items.get("pairs") or items.get("items") or []
            for it in items:
                x, y = it["contact_ids"]
                self.review.add(((k, "c", min(x, y)), (k, "c", max(x, y))))
        self.diag = {}
        dp = os.path.join(run_dir, "diag_pairs.csv")
        if os.path.exists(dp):
            with open(dp, encoding="utf-8", newline="") as f:
                for r in csv.DictReader(f):
                    self.diag[(int(r["contact_id_l"]), int(r["contact_id_r"]))] = r
        self.pairs_all = {}
        pa = os.path.join(run_dir, "pairs_all.csv")
        if os.path.exists(pa):
            with open(pa, encoding="utf-8-sig", newline="") as f:
                for r in csv.DictReader(f, delimiter=";"):
                    x, y = int(r["contact_id_l"]), int(r["contact_id_r"])
                    self.pairs_all[(min(x, y), max(x, y))] = r
        # import-time "first and last names swapped back" decisions vs truth
        self.swaps = []
        db = os.path.join(run_dir, "ws_pre.db")
        if os.path.exists(db):
            con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
            by_row = {(t["source"], int(t["row_number"])): t for t in self.truth}
            for src, rown, reason in con.execute(
                "SELECT s.name, r.row_number, r.reason FROM import_rows r JOIN imports i ON "
                "i.id = r.import_id "
                "JOIN sources s ON s.id = i.source_id WHERE r.reason LIKE '%swapped back%'"
            ):
                t = by_row.get((src, int(rown)))
                if t is not None:
                    self.swaps.append((t, "name_swapped" in t["V"], reason))
            con.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("files", nargs="+", help="OUT.csv TRUTH.csv [OUT2.csv TRUTH2.csv ...]")
    ap.add_argument("--examples", type=int, default=15)
    ap.add_argument("--json", help="write the summary numbers here")
    ap.add_argument(
        "--list", choices=["fn", "fp"], help="print every missed (fn) or false (fp) pair"
    )
    a = ap.parse_args()
    if len(a.files) % 2:
        ap.error("give OUT.csv TRUTH.csv pairs")
    runs = [Run(k, a.files[2 * k], a.files[2 * k + 1]) for k in range(len(a.files) // 2)]
    truth = [t for r in runs for t in r.truth]
    n = len(truth)
    rel = {kk: v for r in runs for kk, v in r.rel.items()}
    review_pairs = set().union(*(r.review for r in runs))
    has_pre = all(r.has_pre for r in runs)
    post = [t["post"] for t in truth]
    pre = [t["pre"] for t in truth] if has_pre else None

    by_person, by_post = defaultdict(list), defaultdict(list)
    for i, t in enumerate(truth):
        by_person[t["pid"]].append(i)
        by_post[post[i]].append(i)

    def pairs_of(groups):
        out = set()
        for members in groups.values():
            out.update(itertools.combinations(sorted(members), 2))
        return out

    true_pairs = pairs_of(by_person)
    pred_pairs = pairs_of(by_post)
    tp = len(true_pairs & pred_pairs)
    fp_set = pred_pairs - true_pairs
    fn_set = true_pairs - pred_pairs
    P, R, F = prf(tp, len(fp_set), len(fn_set))

    def in_review(i, j):
        x, y = sorted([post[i], post[j]])
        return (x, y) in review_pairs

    uf = UF()
    for c in post:
        uf.find(c)
    for x, y in review_pairs:
        uf.union(x, y)
    by_rev = defaultdict(list)
    for i in range(n):
        by_rev[uf.find(post[i])].append(i)
    rev_pred = pairs_of(by_rev)
    Pr, Rr, Fr = prf(
        len(true_pairs & rev_pred), len(rev_pred - true_pairs), len(true_pairs - rev_pred)
    )

    missing = sum(1 for c in post if c[1] == "missing")
    print(
        f"runs: {len(runs)}  rows in truth: {n}  persons: {len(by_person)}  rows missing from "
        f"export: {missing}"
    )
    print(
        f"true pairs: {len(true_pairs)}  predicted pairs: {len(pred_pairs)}  review pairs: "
        f"{len(review_pairs)}"
    )
    summary = {}
    if pre:
        by_pre = defaultdict(list)
        for i in range(n):
            by_pre[pre[i]].append(i)
        pre_pairs = pairs_of(by_pre)
        p0, r0, f0 = prf(
            len(true_pairs & pre_pairs), len(pre_pairs - true_pairs), len(true_pairs - pre_pairs)
        )
        print(
            f"after import only  : P={p0:.4f} R={r0:.4f} F1={f0:.4f}  "
            f"(TP {len(true_pairs & pre_pairs)}, FP {len(pre_pairs - true_pairs)}, FN "
            f"{len(true_pairs - pre_pairs)})"
        )
        summary["import"] = {"precision": p0, "recall": r0, "f1": f0}
    print(
        f"after dedupe       : P={P:.4f} R={R:.4f} F1={F:.4f}  (TP {tp}, FP {len(fp_set)}, FN "
        f"{len(fn_set)})"
    )
    print(f"if review accepted : P={Pr:.4f} R={Rr:.4f} F1={Fr:.4f}")
    true_rev = sum(1 for (x, y) in review_pairs
                   if {truth[i]["pid"] for i in by_post[x]} & {truth[j]["pid"] for j in by_post[y]})
    print(
        f"review queue: {len(review_pairs)} pairs, {true_rev} of them true duplicates; "
        "missed row pairs waiting in review: "
        f"{sum(1 for p in fn_set if in_review(*p))}/{len(fn_set)}"
    )
    summary["dedupe"] = {
        "precision": P,
        "recall": R,
        "f1": F,
        "tp": tp,
        "fp": len(fp_set),
        "fn": len(fn_set),
    }
    summary["review_accepted"] = {"precision": Pr, "recall": Rr, "f1": Fr}

    swaps = [s for r in runs for s in r.swaps]
    if swaps:
        wrong = [s for s in swaps if not s[1]]
        print(
            f"import 'first and last names swapped back': {len(swaps)} rows, "
            f"{len(swaps) - len(wrong)} right, "
            f"{len(wrong)} WRONG (names were in the right columns): "
            + "; ".join(
                f"{t['file']} {t['ext_id']} [{','.join(sorted(t['V'])) or '-'}]"
                for t, _, _ in wrong
            )
        )
    for t, right, _ in swaps:
        if not right:
            t["C"].add("wrongly_swapped_at_import")
    missed_true_swaps = sum(
        1
        for t in truth
        if "name_swapped" in t["V"]
        and t["source"] != "newsletter"
        and not any(s[0] is t for s in swaps)
    )
    if swaps:
        print(f"rows with truly swapped names not swapped back: {missed_true_swaps}")

    # ------------------------------------------------------------ FN breakdown
    def ctx_tags(i, j):
        ti, tj = truth[i], truth[j]
        tags = set()
        if "newsletter" in (ti["source"], tj["source"]):
            tags.add("ctx:newsletter_row")
            if canon_email(ti["shown_email"]) != canon_email(tj["shown_email"]):
                tags.add("ctx:newsletter_row_email_differs(hopeless)")
        if ("work" in ti["C"]) != ("work" in tj["C"]):
            tags.add("ctx:work_vs_personal_row")
        elif "work" in ti["C"]:
            tags.add("ctx:both_work_rows")
        if ("family_email" in ti["C"]) != ("family_email" in tj["C"]):
            tags.add("ctx:family_email_vs_personal")
        if ti["source"] == tj["source"]:
            tags.add("ctx:same_file")
        if "wrongly_swapped_at_import" in ti["C"] | tj["C"]:
            tags.add("ctx:a_row_wrongly_swapped_at_import")
        if "generic_email" in ti["C"] or "generic_email" in tj["C"]:
            tags.add("ctx:generic_company_email")
        return tags

    def evidence(i, j):
        ti, tj = truth[i], truth[j]
        ev = []
        ei, ej = canon_email(ti["shown_email"]), canon_email(tj["shown_email"])
        if ei and ei == ej:
            ev.append("email")
        pi = set(filter(None, ti["shown_phones"].split("|")))
        pj = set(filter(None, tj["shown_phones"].split("|")))
        if pi & pj:
            ev.append("phone")
        if ti["shown_birth"] and ti["shown_birth"] == tj["shown_birth"]:
            ev.append("birth")
        if ti["shown_postcode"] and ti["shown_postcode"] == tj["shown_postcode"]:
            ev.append("postcode")
        return "+".join(ev) or "none"

    def hopeless(i, j):
        return "ctx:newsletter_row_email_differs(hopeless)" in ctx_tags(i, j)

    def kind_table(title, select):
        tot, miss, sole_t, sole_m, rev = (Counter() for _ in range(5))
        for (i, j) in true_pairs:
            if not select(i, j):
                continue
            V = truth[i]["V"] | truth[j]["V"]
            keys = V or {"(no variation)"}
            missed = (i, j) in fn_set
            for k in keys | ctx_tags(i, j):
                tot[k] += 1
                if missed:
                    miss[k] += 1
                    rev[k] += in_review(i, j)
            if len(keys) == 1:
                (k,) = keys
                sole_t[k] += 1
                sole_m[k] += missed
        print(f"\n## {title}")
        print(
            f"{'kind':44s} {'pairs':>5s} {'missed':>6s} {'miss%':>6s} {'inRev':>5s} "
            f"{'sole':>5s} {'soleMiss':>8s}"
        )
        order = sorted(
            tot, key=lambda k: (k.startswith("ctx:"), -miss[k] / max(tot[k], 1), -tot[k], k)
        )
        for k in order:
            print(f"{k:44s} {tot[k]:5d} {miss[k]:6d} {100 * miss[k] / tot[k]:5.0f}% "
                  f"{rev[k]:5d} {sole_t[k]:5d} {sole_m[k]:8d}")
        return sole_m

    print(
        "\npairs = true row pairs carrying the kind (union of both rows' variations); sole = "
        "pairs whose only"
    )
    print("variation is this kind; inRev = missed pairs waiting in the review queue")
    kind_sole_miss = kind_table(
        "Missed pairs by variation kind: pairs of two full rows (shop / CRM / event)",
        lambda i, j: "newsletter" not in (truth[i]["source"], truth[j]["source"]))
    kind_sole_miss.update(
        kind_table(
            "Missed pairs by variation kind: a newsletter row (e-mail + first name only) with "
            "the same canonical e-mail",
            lambda i, j: (
                "newsletter" in (truth[i]["source"], truth[j]["source"]) and not hopeless(i, j)
            ),
        )
    )
    hl = [(i, j) for (i, j) in true_pairs if hopeless(i, j)]
    print(
        f"\n(newsletter pairs whose e-mails differ, unmatchable by design: {len(hl)}, missed "
        f"{sum(p in fn_set for p in hl)})"
    )

    ev_total, ev_miss = Counter(), Counter()
    for (i, j) in true_pairs:
        e = evidence(i, j)
        ev_total[e] += 1
        if (i, j) in fn_set:
            ev_miss[e] += 1
    print(
        "\n## True pairs by the exact evidence both rows show (canonical e-mail, a phone, "
        "birth date, postcode)"
    )
    print(f"{'shared':32s} {'pairs':>5s} {'missed':>6s}")
    for e in sorted(ev_total, key=lambda e: (-ev_miss[e], -ev_total[e])):
        print(f"{e:32s} {ev_total[e]:5d} {ev_miss[e]:6d}")

    # ---------------------------------------------------- where carnet lost them
    def diag_row(i, j):
        if not pre:
            return None
        ci, cj = pre[i], pre[j]
        if ci[1] != "c" or cj[1] != "c" or ci == cj:
            return None
        run = runs[truth[i]["run"]]
        key = (min(ci[2], cj[2]), max(ci[2], cj[2]))
        return run.diag.get(key) or run.pairs_all.get(key)

    stage = Counter()
    for (i, j) in fn_set:
        d = diag_row(i, j)
        if hopeless(i, j):
            stage["hopeless (newsletter row, other e-mail)"] += 1
        elif d is None:
            stage["no score (not in diag_pairs)"] += 1
        else:
            p = float(d["probability"])
            blocked = d.get("blocked", "True") == "True"
            guard = "household_guard" in d["explanation"]
            band = "p<0.01" if p < 0.01 else ("0.01<=p<0.5" if p < 0.5 else "0.5<=p<0.9")
            stage[
                f"{'blocked' if blocked else 'NOT blocked'}, "
                f"{band}{', household guard acted' if guard else ''}"
            ] += 1
    print("\n## Missed pairs by what carnet's model made of them (pre-dedupe contacts, diag.py)")
    for s_, c in stage.most_common():
        print(f"  {c:4d}  {s_}")

    # ------------------------------------------------------------ FP breakdown
    def relation(i, j):
        x, y = sorted([truth[i]["pid"], truth[j]["pid"]])
        return rel.get((x, y), "unrelated")

    fp_rel, fp_stage, fp_persons = Counter(), Counter(), defaultdict(set)
    for (i, j) in fp_set:
        r = relation(i, j)
        fp_rel[r] += 1
        st = "import" if pre and pre[i] == pre[j] else "dedupe"
        fp_stage[(r, st)] += 1
        fp_persons[r].add(tuple(sorted([truth[i]["pid"], truth[j]["pid"]])))
    rel_total, rel_rev, rel_persons = Counter(), Counter(), defaultdict(set)
    by_pid = defaultdict(list)
    for i, t in enumerate(truth):
        by_pid[t["pid"]].append(i)
    for (x, y), r in rel.items():
        rel_persons[r].add((x, y))
        for i in by_pid.get(x, ()):
            for j in by_pid.get(y, ()):
                rel_total[r] += 1
                if in_review(i, j):
                    rel_rev[r] += 1
    print("\n## False merges (false positives) by trap kind")
    print(
        "rowpairs = row pairs of related persons; persons = person pairs wrongly merged / "
        "person pairs of that kind with rows in the files"
    )
    print(
        f"{'relation':40s} {'rowpairs':>8s} {'merged':>6s} {'atImport':>8s} {'atDedupe':>8s} "
        f"{'persons':>9s} {'inRev':>5s}"
    )
    for r in sorted(set(rel_total) | set(fp_rel), key=lambda r: (-fp_rel[r], r)):
        seen_p = sum(1 for (x, y) in rel_persons[r] if by_pid.get(x) and by_pid.get(y))
        print(f"{r:40s} {rel_total.get(r, 0):8d} {fp_rel[r]:6d} {fp_stage[(r, 'import')]:8d} "
              f"{fp_stage[(r, 'dedupe')]:8d} {len(fp_persons[r]):4d}/{seen_p:<4d} {rel_rev[r]:5d}")

    # --------------------------------------------------------------- examples
    def explain(i, j):
        if not pre:
            return "(no out_pre.csv)"
        ci, cj = pre[i], pre[j]
        if ci[1] != "c" or cj[1] != "c":
            return "(row not in the export)"
        if ci == cj:
            return "(joined at import by an exact key)"
        d = diag_row(i, j)
        if d is None:
            return "(no score: not a candidate pair, p below the files' cut)"
        if "blocked" in d:
            blocked = "yes (" + d["blocking_rules"] + ")" if d["blocked"] == "True" else "NO"
            return (
                f"p={float(d['probability']):.4f} w={float(d['match_weight']):.2f} "
                f"blocked={blocked}\n"
                f"      {d['explanation']}"
            )
        return f"p={float(d['probability']):.4f} " + d["explanation"]

    def show(i, j, why):
        print(f"\n- {why}")
        for t in (truth[i], truth[j]):
            row = json.loads(t["row"])
            row = {k: v for k, v in row.items() if v not in ("", "None") and k not in (
                "Accepts Marketing", "Total Spent", "Province", "Date création", "Ticket", "optin",
                "date_inscription", "Address2", "Country")}
            tags = ",".join(sorted(t["V"])) or "-"
            print(
                f"    [{t['file']} {t['ext_id']} person {t['pid'][1]} var={tags}] "
                f"{json.dumps(row, ensure_ascii=False)}"
            )
        print("    carnet: " + explain(i, j))

    if a.list:
        chosen = fn_set if a.list == "fn" else fp_set
        for (i, j) in sorted(chosen):
            label = ",".join(sorted(truth[i]["V"] | truth[j]["V"])) or "(no variation)"
            if a.list == "fp":
                label = relation(i, j)
            show(
                i,
                j,
                f"{a.list.upper()} [{label}] shared: {evidence(i, j)}; "
                f"{', '.join(sorted(ctx_tags(i, j)))}",
            )
        return 0

    print("\n## Examples (missed: one per sole kind, then false merges: one per trap kind)")
    shown = 0
    fn_sorted = sorted(fn_set, key=lambda p: (len(truth[p[0]]["V"] | truth[p[1]]["V"]), p))
    for k in sorted(kind_sole_miss, key=lambda k: -kind_sole_miss[k]):
        if shown >= a.examples:
            break
        for (i, j) in fn_sorted:
            V = truth[i]["V"] | truth[j]["V"]
            if (V or {"(no variation)"}) == {k} and not hopeless(i, j):
                show(i, j, f"MISSED ({k}; shared: {evidence(i, j)})")
                shown += 1
                break
    seen_rel = set()
    for (i, j) in sorted(fp_set):
        r = relation(i, j)
        if r not in seen_rel:
            show(
                i, j, f"FALSE MERGE ({r}; at {'import' if pre and pre[i] == pre[j] else 'dedupe'})"
            )
            seen_rel.add(r)
    if a.json:
        with open(a.json, "w") as f:
            json.dump(summary, f, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
