"""carnet's matching on Spark (local mode) gives the DuckDB engine's pairs and weights.

One Spark session (``local[2]``) serves the module. Spark needs Java 17+:
without it (or without pyspark) these tests skip on a developer's machine and
fail under CI, so the distributed path is never left untested silently.
"""

from __future__ import annotations

import os
import random
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import polars as pl
import pytest

from carnet.match import (
    Matcher,
    MatchInputError,
    MatchModel,
    MatchSettings,
)
from carnet.match.scoring import probability_to_weight

from .conftest import _population
from .febrl import febrl3_records, febrl_settings

IN_CI = bool(os.environ.get("CI"))

#: One Spark session for the module: keep its tests on one xdist worker
#: (effective with ``--dist loadgroup``).
pytestmark = pytest.mark.xdist_group("spark")

#: Pairs compared down to this probability (far below the review threshold),
#: so thousands of pairs and every level are checked, not only the matches.
THRESHOLD = 0.001
#: Pairs this close to the threshold may fall on either side in one engine.
EDGE = 1e-6


def _unavailable(reason: str) -> None:
    if IN_CI:
        pytest.fail(f"The Spark tests must run in CI: {reason}", pytrace=False)
    pytest.skip(reason)


def _java_problem() -> str | None:
    java = shutil.which("java")
    home = os.environ.get("JAVA_HOME")
    if home and Path(home, "bin", "java").exists():
        java = str(Path(home, "bin", "java"))
    if java is None:
        return (
            "Java is not installed (Spark needs Java 17 or newer: apt-get install openjdk-17-jre)"
        )
    out = subprocess.run([java, "-version"], capture_output=True, text=True, check=False)
    text = (out.stderr + out.stdout).strip()
    found = re.search(r'version "(\d+)', text)
    if found is None or int(found.group(1)) < 17:
        first = text.splitlines()[0] if text else "no version"
        return f"Spark needs Java 17 or newer; {java} says: {first}"
    return None


@pytest.fixture(scope="module")
def spark(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A local Spark session (2 cores, small memory), for the whole module."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        _unavailable("pyspark is not installed (pip install -e '.[dev]')")
    problem = _java_problem()
    if problem:
        _unavailable(problem)
    previous = os.environ.get("PYSPARK_PYTHON")
    os.environ["PYSPARK_PYTHON"] = sys.executable  # workers import carnet
    tmp = tmp_path_factory.mktemp("spark")
    session = (
        SparkSession.builder.master("local[2]")
        .appName("carnet-test")
        .config("spark.driver.memory", "1g")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.default.parallelism", "2")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.warehouse.dir", str(tmp / "warehouse"))
        .config("spark.local.dir", str(tmp / "local"))
        .config("spark.driver.extraJavaOptions", f"-Dderby.system.home={tmp}")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    try:
        yield session
    finally:
        session.stop()
        if previous is None:
            os.environ.pop("PYSPARK_PYTHON", None)
        else:
            os.environ["PYSPARK_PYTHON"] = previous


def _contacts() -> pl.DataFrame:
    """The synthetic population with e-mail and phone lists and placeholders.

    Records without a single e-mail get theirs in the ``emails`` list; some
    records hold several phones; one e-mail and one phone are held by more
    than 50 records each (placeholders, ignored by both engines). No record
    has two e-mails: which one is primary depends on a Polars join's row
    order in ``prepare_records`` (see docs/matching.md, Scaling out).
    """
    pop = _population(n=400, seed=11)
    rng = random.Random(3)
    emails: list[list[str] | None] = []
    phones: list[list[str] | None] = []
    for i, row in enumerate(pop.iter_rows(named=True)):
        if row["email"] is None:
            pro = f"{row['first_name']}.{row['last_name']}{i % 5}@societe.fr".lower()
            emails.append(["noemail@example.com"] if i % 3 == 0 else [pro])
        else:
            emails.append(None)
        if i % 10 == 0:
            phones.append(["+33100000000"])
        elif i % 4 == 1:
            phones.append([f"+3378{rng.randint(0, 9_999_999):07d}", "+33 6 12 34 56 78"])
        else:
            phones.append(None)
    return pop.with_columns(
        pl.Series("emails", emails, dtype=pl.List(pl.String)),
        pl.Series("phones", phones, dtype=pl.List(pl.String)),
        pl.when(pl.col("record_id") % 8 == 0)
        .then(pl.lit("NoEmail@Example.com "))
        .otherwise(pl.col("email"))
        .alias("email"),
    )


def _to_spark(spark: Any, frame: pl.DataFrame) -> Any:
    return spark.createDataFrame(frame.to_arrow())


def _collect(frame: Any) -> pl.DataFrame:
    out = pl.from_arrow(frame.toArrow())
    assert isinstance(out, pl.DataFrame)
    return out


def _agree(duck: pl.DataFrame, sparked: pl.DataFrame, model: MatchModel) -> None:
    """Same pairs (away from the threshold), same levels, same weights."""
    limit = probability_to_weight(THRESHOLD)
    edge = pl.col("match_weight").is_between(limit - EDGE, limit + EDGE)
    keys = ["record_id_l", "record_id_r"]
    only_duck = duck.join(sparked, on=keys, how="anti").filter(~edge)
    only_spark = sparked.join(duck, on=keys, how="anti").filter(~edge)
    assert only_duck.height == 0, only_duck.head(5)
    assert only_spark.height == 0, only_spark.head(5)
    both = duck.join(sparked, on=keys, suffix="_spark")
    assert both.height >= 0.99 * duck.height
    for col in ["match_weight", "probability", "household_guard_weight", "prior_weight"]:
        diff = (both[col] - both[f"{col}_spark"]).abs().max()
        assert diff is None or float(diff) <= 1e-9, (col, diff)  # type: ignore[arg-type]
    for comp in model.settings.comparisons:
        level = f"{comp.name}_level"
        differ = both.filter(pl.col(level).cast(pl.String) != pl.col(f"{level}_spark"))
        assert differ.height == 0, differ.select(*keys, level, f"{level}_spark").head(5)
        diff = (both[f"{comp.name}_weight"] - both[f"{comp.name}_weight_spark"]).abs().max()
        assert diff is None or float(diff) <= 1e-9, (comp.name, diff)  # type: ignore[arg-type]


def test_febrl3_on_spark_agrees_with_duckdb(spark: Any, tmp_path: Path) -> None:
    """FEBRL3 through the spark-submit entry point: the DuckDB engine's pairs."""
    from carnet.match.spark import main

    records = febrl3_records().drop("person")
    matcher = Matcher(febrl_settings())
    model = matcher.train(records)
    records.write_parquet(tmp_path / "records.parquet")
    (tmp_path / "model.json").write_text(model.to_json(), encoding="utf-8")
    out = tmp_path / "pairs"
    argv = ["--records", str(tmp_path / "records.parquet"), "--model", str(tmp_path / "model.json")]
    code = main([*argv, "--out", str(out), "--threshold", str(THRESHOLD)], spark=spark)
    assert code == 0
    sparked = pl.read_parquet(out / "*.parquet")
    duck = matcher.predict(records, model, threshold=THRESHOLD)
    assert duck.height > 5000
    _agree(duck, sparked, model)
    matches = sparked.filter(pl.col("probability") >= 0.9)
    assert matches.height == duck.filter(pl.col("probability") >= 0.9).height > 4000


def test_contacts_with_lists_and_placeholders_agree_with_duckdb(spark: Any) -> None:
    from carnet.match.spark import predict_spark

    records = _contacts()
    matcher = Matcher(MatchSettings(u_sample_pairs=100_000))
    model = matcher.train(records)
    duck = matcher.predict(records, model, threshold=THRESHOLD)
    sparked = _collect(predict_spark(_to_spark(spark, records), model, THRESHOLD))
    assert duck.height > 100
    _agree(duck, sparked, model)
    # the placeholder e-mail and phone never make two records agree
    noemail = records.filter(
        pl.col("emails").list.contains("noemail@example.com")
        | (pl.col("email").str.strip_chars().str.to_lowercase() == "noemail@example.com")
    )["record_id"]
    assert noemail.len() > 50
    shared = sparked.filter(
        pl.col("record_id_l").is_in(noemail.implode())
        & pl.col("record_id_r").is_in(noemail.implode())
        & (pl.col("email_level") == "email exact")
    )
    assert shared.height == 0


def test_bad_record_ids_are_refused(spark: Any) -> None:
    from carnet.match.spark import predict_spark

    records = _contacts().head(20)
    model = Matcher(MatchSettings(u_sample_pairs=1000)).train(records)
    twice = pl.concat([records, records.head(1)])
    with pytest.raises(MatchInputError, match="not unique"):
        predict_spark(_to_spark(spark, twice), model)


# -- no Spark needed: the translation and the UDFs ------------------------------


def _random_pairs(n: int, seed: int) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    alphabet = "abcdehilnort -"
    pairs = []
    for _ in range(n):
        a = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
        b = list(a)
        for _ in range(rng.randint(0, 3)):
            op = rng.random()
            pos = rng.randrange(len(b) + 1)
            if op < 0.3 and b:
                b[min(pos, len(b) - 1)] = rng.choice(alphabet)
            elif op < 0.5:
                b.insert(pos, rng.choice(alphabet))
            elif op < 0.7 and b:
                del b[min(pos, len(b) - 1)]
            elif pos + 1 < len(b):
                b[pos], b[pos + 1] = b[pos + 1], b[pos]
        pairs.append((a, "".join(b) if rng.random() < 0.8 else "".join(reversed(b))))
    return pairs


def test_udfs_equal_duckdb_functions() -> None:
    from carnet.match.spark import damerau_levenshtein, jaro_winkler_similarity

    pairs = _random_pairs(5000, seed=5)
    con = duckdb.connect()
    rows = con.execute(
        "SELECT jaro_winkler_similarity(a, b), damerau_levenshtein(a, b) "
        "FROM (SELECT unnest($1) AS a, unnest($2) AS b)",
        [[a for a, _ in pairs], [b for _, b in pairs]],
    ).fetchall()
    for (a, b), (jw, dl) in zip(pairs, rows, strict=True):
        # exactly: a pair at 0.92 must stay on the same side of the threshold
        assert jaro_winkler_similarity(a, b) == jw, (a, b)
        assert damerau_levenshtein(a, b) == dl, (a, b)
    assert jaro_winkler_similarity(None, "a") is None
    assert damerau_levenshtein("a", None) is None


@pytest.mark.parametrize(
    ("duck", "spark"),
    [
        ("(x = 1)::TINYINT", "CAST((x = 1) AS TINYINT)"),
        ("-13.5::DOUBLE AS p", "CAST(-13.5 AS DOUBLE) AS p"),
        ("a -2::INT", "a -CAST(2 AS INT)"),
        ("greatest(a, b)::DOUBLE", "CAST(greatest(a, b) AS DOUBLE)"),
        ("list_has_any(l.e, r.e)", "arrays_overlap(l.e, r.e)"),
        (
            "list_bool_or(list_transform(l.x, lambda v: contains(v, r.k)))",
            "exists(transform(l.x, v -> contains(v, r.k)), carnet_b -> carnet_b)",
        ),
        ("jaro_winkler_similarity(l.fn, r.fn) >= 0.9", "carnet_jaro_winkler(l.fn, r.fn) >= 0.9"),
        (
            "jaro_winkler_similarity(l.fn, r.fn, 0.92) >= 0.92",
            "carnet_jaro_winkler(l.fn, r.fn) >= 0.92",
        ),
        ("list_value(l.x_1)", "array(l.x_1)"),
        ("damerau_levenshtein(a, b) <= 0", "((a) = (b))"),
    ],
)
def test_translation(duck: str, spark: str) -> None:
    from carnet.match.spark import to_spark_sql

    assert to_spark_sql(duck) == spark


def test_edit_distances_on_spark_equal_duckdb(spark: Any) -> None:
    """The native Spark forms of ``hamming`` and ``damerau_levenshtein <= k``."""
    from carnet.match.spark import register_functions, to_spark_sql

    pairs = [(a, b) for a, b in _random_pairs(3000, seed=9) if a and b]
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE t AS SELECT unnest($1) AS a, unnest($2) AS b",
        [[a for a, _ in pairs], [b for _, b in pairs]],
    )
    exprs = [
        "damerau_levenshtein(a, b) <= 1",
        "damerau_levenshtein(a, b) <= 2",
        "CASE WHEN length(a) = length(b) THEN hamming(a, b) END",
    ]
    select = ", ".join(f"{e} AS e{i}" for i, e in enumerate(exprs))
    want = con.sql(f"SELECT a, b, {select} FROM t").pl()
    register_functions(spark)
    frame = spark.createDataFrame(want.select("a", "b").to_arrow())
    got = pl.from_arrow(
        frame.selectExpr(
            "a", "b", *(f"{to_spark_sql(e)} AS e{i}" for i, e in enumerate(exprs))
        ).toArrow()
    )
    assert isinstance(got, pl.DataFrame)
    joined = want.join(got, on=["a", "b"], suffix="_spark").unique()
    assert joined.height == want.unique().height
    for i in range(len(exprs)):
        differ = joined.filter(pl.col(f"e{i}").ne_missing(pl.col(f"e{i}_spark")))
        assert differ.height == 0, (exprs[i], differ.head(5))
