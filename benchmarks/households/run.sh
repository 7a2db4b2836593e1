#!/usr/bin/env bash
# Run carnet on one generated data set (make_data.py): init, the four imports, dedupe,
# exports and review list, then diag.py. Writes everything into RUN_DIR (emptied first).
#
# Usage: bash benchmarks/households/run.sh [DATA_DIR] [RUN_DIR]
#   defaults: $TMPDIR/carnet-bench/households/data and .../run (never inside the repo)
#   CARNET=/path/to/carnet overrides the repo's own .venv/bin/carnet; diag.py runs with the
#   python beside it (PYTHON overrides).
# RUN_DIR/timings.tsv: wall seconds of each import and of the dedupe (what run_all.py sums).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BASE=${TMPDIR:-/tmp}/carnet-bench/households
DATA=${1:-$BASE/data}; RUN=${2:-$BASE/run}
C=${CARNET:-$ROOT/.venv/bin/carnet}
PY=${PYTHON:-$(dirname "$C")/python}; [ -x "$PY" ] || PY=python3
if ! command -v "$C" > /dev/null; then
    echo "no carnet at $C: run 'make install' or set CARNET=/path/to/carnet" >&2
    exit 2
fi
export CARNET_ENCRYPTION_KEY="eval-only-key-not-secret" CARNET_SECRET_KEY="eval-secret"
if [ -d "$RUN" ] && [ -n "$(ls -A "$RUN")" ] && [ ! -e "$RUN/timings.tsv" ]; then
    echo "refusing to empty $RUN: not a previous run directory (no timings.tsv)" >&2
    exit 2
fi
rm -rf "$RUN"; mkdir -p "$RUN"
DATA=$(cd "$DATA" && pwd); cd "$RUN"
DB=sqlite:///ws.db
printf 'step\tseconds\n' > timings.tsv
timed() {  # timed STEP command...: run it, append its wall seconds to timings.tsv
    local step=$1 t0=$EPOCHREALTIME; shift
    "$@" || return  # (set -e does not apply inside a function called before ||)
    awk -v s="$step" -v a="$t0" -v b="$EPOCHREALTIME" \
        'BEGIN { sub(",", ".", a); sub(",", ".", b); printf "%s\t%.3f\n", s, b - a }' \
        >> timings.tsv
}
$C --db $DB init --country FR
EVENT=$(ls "$DATA"/salon_2024.* | head -1)
timed import_shop $C --db $DB import "$DATA/shop_export.csv" --source shop \
    --id-column "Customer ID" --json -q > import_shop.json
timed import_crm $C --db $DB import "$DATA/ancien_crm.csv" --source crm \
    --id-column "Réf client" --json -q > import_crm.json
timed import_event $C --db $DB import "$EVENT" --source event \
    --id-column "Attendee ID" --json -q > import_event.json
timed import_newsletter $C --db $DB import "$DATA/newsletter.csv" --source newsletter \
    --id-column "id" --json -q > import_newsletter.json
$C --db $DB export out_pre.csv --with-sources
# snapshot before dedupe, for diag.py and score.py
"$PY" -c "import sqlite3; sqlite3.connect('ws.db').backup(sqlite3.connect('ws_pre.db'))"
# every candidate pair with its score and explanation (dry run: writes nothing to the workspace)
$C --db $DB dedupe --dry-run --review-threshold 0.000001 --pairs-out pairs_all.csv --json \
    > dedupe_dryrun.json
if [ -x /usr/bin/time ]; then  # GNU time: peak RSS in dedupe.time
    timed dedupe /usr/bin/time -v $C --db $DB dedupe --pairs-out pairs.csv --json \
        > dedupe.json 2> dedupe.time || { cat dedupe.time; exit 1; }
else
    timed dedupe $C --db $DB dedupe --pairs-out pairs.csv --json > dedupe.json
fi
$C --db $DB export out.csv --with-sources
$C --db $DB review --list --json --limit 100000 > review.json
# every pair of pre-dedupe contacts scored by carnet's own model, with its blocking rules
"$PY" "$HERE/diag.py" ws_pre.db diag_pairs.csv --pre-export out_pre.csv --truth "$DATA/truth.csv"
echo "done: $(pwd)"
