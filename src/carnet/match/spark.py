"""Run carnet's matching on Apache Spark, for tens of millions of records.

One machine with DuckDB matches a few million records; beyond that the same
batch runs on a Spark cluster with the **same engine**: a model trained by
:meth:`carnet.match.Matcher.train` (on a sample, on one machine) scores every
candidate pair on Spark with the SQL carnet generates for DuckDB, translated
to Spark SQL. The pairs, their levels and their weights are those
:meth:`~carnet.match.Matcher.predict` gives (tested in local mode against
the DuckDB engine).

What runs where:

* **preparation** -- :func:`carnet.match.records.prepare_records` itself runs
  on each Arrow batch of each partition (``mapInArrow``), so folding,
  phonetic keys, nicknames and canonical e-mails are the Polars code, not a
  copy. What needs every record is done by Spark around it: e-mails and
  phones held by more than ``max_shared_contact_point`` records (placeholders)
  are counted over the whole table and dropped before preparing, and the
  term frequencies are joined in afterwards (names and postcode from the
  model's tables, or counted over the whole table; the primary e-mail's
  counted over the whole table);
* **blocking** -- each rule's block keys are built with DataFrame functions,
  key values held by more than ``max_block_size`` records skipped, as in
  :func:`carnet.match.blocking.block_keys`; the candidate pairs are
  :func:`carnet.match.blocking.candidate_pairs_sql`, unchanged;
* **scoring** -- :func:`carnet.match.scoring.score_sql`, translated by
  :func:`to_spark_sql`: ``list_has_any`` becomes ``arrays_overlap``, DuckDB
  lambdas become Spark lambdas, ``hamming`` and ``damerau_levenshtein(a, b)
  <= 1`` become native Spark expressions, and Jaro-Winkler (which Spark lacks
  before 4.3, and computes differently from DuckDB from 4.3 on) is a Python
  UDF with DuckDB's exact algorithm (:func:`jaro_winkler_similarity`).

Example::

    from pyspark.sql import SparkSession
    from carnet.match import MatchModel
    from carnet.match.spark import predict_spark

    spark = SparkSession.builder.getOrCreate()
    model = MatchModel.from_json(open("model.json").read())
    pairs = predict_spark(spark.read.parquet("s3://bucket/records/"), model)
    pairs.write.parquet("s3://bucket/pairs/")

or from the command line, on a cluster (every executor needs ``carnet`` and
its dependencies, e.g. a packed virtualenv shipped with ``--archives``)::

    spark-submit --master yarn --archives carnet-env.tar.gz#env \\
        --conf spark.pyspark.python=./env/bin/python \\
        "$(python -c 'import carnet.match.spark as m; print(m.__file__)')" \\
        --records s3://bucket/records/ --model model.json --out s3://bucket/pairs/

and on one machine, in local mode: ``python -m carnet.match.spark --master
'local[*]' --records records.parquet --model model.json --out pairs.parquet``.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import sys
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from fractions import Fraction
from functools import partial
from typing import Any, Literal

import polars as pl
import pyarrow as pa  # type: ignore[import-untyped]
from pyspark.errors import AnalysisException
from pyspark.sql import Column, DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql import types as T
from pyspark.sql.window import Window

from carnet.errors import CarnetError
from carnet.match.blocking import BlockingRule, candidate_pairs_sql
from carnet.match.errors import MatchInputError, MatchSettingsError
from carnet.match.model import MatchModel
from carnet.match.records import (
    BASE_COLUMNS,
    NARROW_LISTS,
    TF_COLUMNS,
    contact_list,
    normalise_contact_point,
    normalised_contact_points,
    prepare_records,
)
from carnet.match.scoring import GUARD_COLUMN, PRIOR_COLUMN, probability_to_weight, score_sql

__all__ = [
    "block_keys_spark",
    "damerau_levenshtein",
    "jaro_winkler_similarity",
    "main",
    "predict_spark",
    "prepare_spark",
    "register_functions",
    "to_spark_sql",
]

TermFrequencies = Literal["model", "records"]

_SINGLE_AND_MANY = (("email", "emails"), ("phone", "phones"))
_KEY_SEPARATOR = "\x1f"
_JW_UDF = "carnet_jaro_winkler"
_DL_UDF = "carnet_damerau_levenshtein"


# -- the two string similarities DuckDB has and Spark lacks ------------------


def jaro_winkler_similarity(a: str | None, b: str | None) -> float | None:
    """Jaro-Winkler similarity, exactly as DuckDB's ``jaro_winkler_similarity``.

    Window ``max(len)/2 - 1``, transpositions halved, prefix bonus (up to 4
    characters, scale 0.1) when the Jaro similarity exceeds 0.7; an empty
    string is 0.0 and a missing one None::

        >>> round(jaro_winkler_similarity("martha", "marhta"), 4)
        0.9611
        >>> jaro_winkler_similarity("", "")
        0.0
    """
    if a is None or b is None:
        return None
    if a == b:
        return 1.0 if a else 0.0
    n1, n2 = len(a), len(b)
    if not n1 or not n2:
        return 0.0
    window = max(max(n1, n2) // 2 - 1, 0)
    flags1 = [False] * n1
    flags2 = [False] * n2
    common = 0
    for i, ch in enumerate(a):
        for j in range(max(0, i - window), min(i + window, n2 - 1) + 1):
            if not flags2[j] and b[j] == ch:
                flags1[i] = flags2[j] = True
                common += 1
                break
    if not common:
        return 0.0
    k = transpositions = 0
    for i in range(n1):
        if flags1[i]:
            j = k
            while not flags2[j]:
                j += 1
            k = j + 1
            if a[i] != b[j]:
                transpositions += 1
    m = float(common)
    sim = 0.0  # summed in DuckDB's order, so the rounding is the same
    sim += m / n1
    sim += m / n2
    sim += (m - transpositions // 2) / m
    sim /= 3.0
    if sim > 0.7:
        prefix = 0
        for x, y in zip(a[:4], b[:4], strict=False):
            if x != y:
                break
            prefix += 1
        if prefix:
            sim = _fma(prefix * 0.1, 1.0 - sim, sim)
    return sim


def _fma(a: float, b: float, c: float) -> float:
    """``a * b + c`` rounded once, as DuckDB's build computes the Winkler bonus.

    Rounding twice instead moves a few similarities by one unit in the last
    place, enough to put a name pair at exactly 0.92 on the other side of a
    level's threshold.
    """
    fma = getattr(math, "fma", None)  # Python 3.13+
    if fma is not None:
        return float(fma(a, b, c))
    return float(Fraction(a) * Fraction(b) + Fraction(c))


def damerau_levenshtein(a: str | None, b: str | None) -> int | None:
    """Unrestricted Damerau-Levenshtein distance, as DuckDB's ``damerau_levenshtein``.

    >>> damerau_levenshtein("1980-03-04", "1980-30-04")
    1
    >>> damerau_levenshtein("ca", "abc")
    2
    """
    if a is None or b is None:
        return None
    if a == b:
        return 0
    n1, n2 = len(a), len(b)
    big = n1 + n2
    last_row: dict[str, int] = {}
    score = [[0] * (n2 + 2) for _ in range(n1 + 2)]
    score[0][0] = big
    for i in range(n1 + 1):
        score[i + 1][0] = big
        score[i + 1][1] = i
    for j in range(n2 + 1):
        score[0][j + 1] = big
        score[1][j + 1] = j
    for i in range(1, n1 + 1):
        last_col = 0
        for j in range(1, n2 + 1):
            i1 = last_row.get(b[j - 1], 0)
            j1 = last_col
            cost = 1
            if a[i - 1] == b[j - 1]:
                cost = 0
                last_col = j
            score[i + 1][j + 1] = min(
                score[i][j] + cost,
                score[i + 1][j] + 1,
                score[i][j + 1] + 1,
                score[i1][j1] + (i - i1 - 1) + 1 + (j - j1 - 1),
            )
        last_row[a[i - 1]] = i
    return score[n1 + 1][n2 + 1]


def register_functions(spark: SparkSession) -> None:
    """Register the UDFs the translated SQL calls (``carnet_jaro_winkler`` ...)."""
    # Marked non-deterministic (they are not) so that Spark evaluates them
    # once per pair: otherwise it pushes the match-weight filter below them
    # and computes every comparison twice.
    jw = F.udf(jaro_winkler_similarity, T.DoubleType(), useArrow=True).asNondeterministic()
    dl = F.udf(damerau_levenshtein, T.IntegerType(), useArrow=True).asNondeterministic()
    spark.udf.register(_JW_UDF, jw)
    spark.udf.register(_DL_UDF, dl)


# -- DuckDB SQL -> Spark SQL ----------------------------------------------------

_RENAMES = {
    "list_has_any": "arrays_overlap",
    "list_transform": "transform",
    "list_filter": "filter",
    "list_contains": "array_contains",
    "list_has": "array_contains",
    "list_distinct": "array_distinct",
    "list_extract": "try_element_at",
    "list_value": "array",
    "regexp_matches": "regexp_like",
    "len": "size",
}
_CAST_TYPES = {
    "TINYINT": "TINYINT",
    "SMALLINT": "SMALLINT",
    "INT": "INT",
    "INTEGER": "INT",
    "BIGINT": "BIGINT",
    "DOUBLE": "DOUBLE",
    "FLOAT": "FLOAT",
    "REAL": "FLOAT",
    "BOOLEAN": "BOOLEAN",
    "BOOL": "BOOLEAN",
    "VARCHAR": "STRING",
    "TEXT": "STRING",
    "STRING": "STRING",
    "VARCHAR[]": "ARRAY<STRING>",
}


def _skip_quoted(sql: str, i: int) -> int:
    """Index just past the string literal opening at ``i``."""
    j = i + 1
    while j < len(sql):
        if sql[j] == "'":
            if j + 1 < len(sql) and sql[j + 1] == "'":
                j += 2
                continue
            return j + 1
        j += 1
    raise MatchSettingsError([f"unterminated string literal in the scoring SQL: {sql[i : i + 40]}"])


def _closing_paren(sql: str, open_at: int) -> int:
    depth = 0
    i = open_at
    while i < len(sql):
        ch = sql[i]
        if ch == "'":
            i = _skip_quoted(sql, i)
            continue
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    raise MatchSettingsError([f"unbalanced parentheses in the scoring SQL: {sql[open_at:][:60]}"])


def _split_args(text: str) -> list[str]:
    args: list[str] = []
    depth, start, i = 0, 0, 0
    while i < len(text):
        ch = text[i]
        if ch == "'":
            i = _skip_quoted(text, i)
            continue
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "," and depth == 0:
            args.append(text[start:i].strip())
            start = i + 1
        i += 1
    args.append(text[start:].strip())
    return args


Rewrite = Callable[[list[str], str], tuple[str, int]]


def _rewrite_calls(sql: str, name: str, rewrite: Rewrite) -> str:
    """Replace every call ``name(args)`` by ``rewrite(args, text after the call)``.

    ``rewrite`` returns the replacement and how many characters after the call
    it consumed (to fold ``<= 1`` into the replacement).
    """
    pattern = re.compile(rf"\b{name}\s*\(", re.IGNORECASE)
    out: list[str] = []
    pos = 0
    while (found := pattern.search(sql, pos)) is not None:
        close = _closing_paren(sql, found.end() - 1)
        args = [_rewrite_calls(a, name, rewrite) for a in _split_args(sql[found.end() : close])]
        replacement, consumed = rewrite(args, sql[close + 1 :])
        out += [sql[pos : found.start()], replacement]
        pos = close + 1 + consumed
    out.append(sql[pos:])
    return "".join(out)


def _two_args(name: str, args: list[str]) -> tuple[str, str]:
    if len(args) != 2:
        raise MatchSettingsError([f"{name}() takes two arguments in the scoring SQL, not {args}"])
    return args[0], args[1]


def _transposed(a: str, b: str) -> str:
    """``a`` and ``b`` differ by one swap of adjacent characters (same length)."""
    i = "carnet_i"
    swapped = (
        f"concat(substr({a}, 1, {i} - 1), substr({a}, {i} + 1, 1), "
        f"substr({a}, {i}, 1), substr({a}, {i} + 2))"
    )
    return (
        f"(length({a}) = length({b}) AND length({a}) >= 2 AND "
        f"exists(sequence(1, length({a}) - 1), {i} -> {swapped} = {b}))"
    )


def _damerau(args: list[str], tail: str) -> tuple[str, int]:
    a, b = _two_args("damerau_levenshtein", args)
    bound = re.match(r"\s*<=\s*(\d+)\b", tail)
    if bound is None:
        return f"{_DL_UDF}({a}, {b})", 0
    k = int(bound.group(1))
    if k == 0:
        expr = f"(({a}) = ({b}))"
    elif k == 1:
        # one insertion, deletion, substitution or adjacent swap: native Spark
        expr = f"(levenshtein({a}, {b}) <= 1 OR {_transposed(a, b)})"
    else:
        # Levenshtein <= k is enough and > 2k too far; only the band between
        # reaches the (slow) UDF: it gets NULLs elsewhere.
        band = (
            f"levenshtein({a}, {b}) > {k} AND levenshtein({a}, {b}) <= {2 * k} "
            f"AND abs(length({a}) - length({b})) <= {k}"
        )
        expr = (
            f"(levenshtein({a}, {b}) <= {k} OR "
            f"coalesce({_DL_UDF}(CASE WHEN {band} THEN {a} END, "
            f"CASE WHEN {band} THEN {b} END) <= {k}, false))"
        )
    return expr, bound.end()


def _jaro_winkler(args: list[str], tail: str) -> tuple[str, int]:
    """DuckDB's third argument (a score cutoff, below which it gives 0) is
    dropped: the levels compare the result with that same cutoff, so it only
    saves time."""
    if len(args) == 3:
        args = args[:2]
    a, b = _two_args("jaro_winkler_similarity", args)
    return f"jaro_winkler_similarity({a}, {b})", 0


def _hamming(args: list[str], tail: str) -> tuple[str, int]:
    a, b = _two_args("hamming", args)
    i = "carnet_i"
    return (
        f"(CASE WHEN length({a}) <> length({b}) THEN NULL WHEN length({a}) = 0 THEN 0 "
        f"ELSE size(filter(sequence(1, length({a})), "
        f"{i} -> substr({a}, {i}, 1) <> substr({b}, {i}, 1))) END)",
        0,
    )


def _bool_or(args: list[str], tail: str) -> tuple[str, int]:
    if len(args) != 1:
        raise MatchSettingsError([f"list_bool_or() takes one argument, not {args}"])
    return f"exists({args[0]}, carnet_b -> carnet_b)", 0


def _cast_operand_start(sql: str, end: int) -> int:
    """Where the operand of a ``::`` cast ending at ``end`` starts."""
    j = end
    while j > 0 and sql[j - 1].isspace():
        j -= 1
    if j > 0 and sql[j - 1] == ")":
        depth = 0
        k = j - 1
        while k >= 0:
            if sql[k] == ")":
                depth += 1
            elif sql[k] == "(":
                depth -= 1
                if depth == 0:
                    break
            k -= 1
        while k > 0 and (sql[k - 1].isalnum() or sql[k - 1] in "_."):
            k -= 1  # a function call: take its name too
        return k
    token = re.search(r"(-?\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|[A-Za-z_][\w.]*)$", sql[:j])
    if token is None:
        raise MatchSettingsError([f"cannot read the cast in the scoring SQL: {sql[:end][-60:]}"])
    start = token.start()
    if sql[start] == "-":
        before = sql[:start].rstrip()
        if before and (before[-1].isalnum() or before[-1] in "_)"):
            start += 1  # a binary minus, not the number's sign
    return start


def _rewrite_casts(sql: str) -> str:
    cast = re.compile(r"::\s*([A-Za-z_]\w*(?:\[\])?)")
    while (found := cast.search(sql)) is not None:
        spark_type = _CAST_TYPES.get(found.group(1).upper())
        if spark_type is None:
            raise MatchSettingsError([f"no Spark type for the DuckDB cast ::{found.group(1)}"])
        start = _cast_operand_start(sql, found.start())
        operand = sql[start : found.start()].strip()
        sql = f"{sql[:start]}CAST({operand} AS {spark_type}){sql[found.end() :]}"
    return sql


def to_spark_sql(sql: str, *, native_jaro_winkler: bool = False) -> str:
    """Translate the DuckDB SQL carnet generates into Spark SQL.

    Args:
        sql: a query from :func:`carnet.match.scoring.score_sql` (or a level's
            condition).
        native_jaro_winkler: use Spark's own ``jaro_winkler_similarity``
            (Spark 4.3+) instead of the UDF. It is faster but counts
            repeated letters differently from DuckDB, so a few close names
            change level.

    Returns:
        Spark SQL calling the UDFs of :func:`register_functions`.

    Raises:
        MatchSettingsError: the SQL uses a construct with no translation.

    Example:
        >>> to_spark_sql("(list_has_any(l.emails, r.emails))::TINYINT")
        'CAST((arrays_overlap(l.emails, r.emails)) AS TINYINT)'
    """
    out = _rewrite_calls(sql, "damerau_levenshtein", _damerau)
    out = _rewrite_calls(out, "jaro_winkler_similarity", _jaro_winkler)
    out = _rewrite_calls(out, "hamming", _hamming)
    out = _rewrite_calls(out, "list_bool_or", _bool_or)
    if not native_jaro_winkler:
        out = re.sub(r"\bjaro_winkler_similarity\s*\(", f"{_JW_UDF}(", out, flags=re.I)
    for duck, spark in _RENAMES.items():
        out = re.sub(rf"\b{duck}\s*\(", f"{spark}(", out, flags=re.IGNORECASE)
    out = re.sub(
        r"\blambda\s+(\w+(?:\s*,\s*\w+)*)\s*:(?!:)\s*",
        lambda m: f"({m.group(1)}) -> " if "," in m.group(1) else f"{m.group(1)} -> ",
        out,
    )
    return _rewrite_casts(out)


# -- preparation ----------------------------------------------------------------


def _polars_to_types(dtype: pl.DataType) -> tuple[T.DataType, Any]:
    """The Spark and Arrow types of a prepared column's Polars type."""
    if isinstance(dtype, pl.List):
        inner = dtype.inner if isinstance(dtype.inner, pl.DataType) else dtype.inner()
        inner_spark, inner_arrow = _polars_to_types(inner)
        return T.ArrayType(inner_spark), pa.list_(inner_arrow)
    if dtype.is_integer():
        return T.LongType(), pa.int64()
    if dtype.is_float():
        return T.DoubleType(), pa.float64()
    if dtype == pl.Boolean:
        return T.BooleanType(), pa.bool_()
    if dtype == pl.String:
        return T.StringType(), pa.string()
    raise MatchInputError(f"A prepared column has the type {dtype}, which Spark cannot take.")


def _input_frame(records: DataFrame, identifier_columns: Sequence[str]) -> DataFrame:
    """The columns preparation reads, as bigint / string / array<string>; checked."""
    fields = {f.name: f.dataType for f in records.schema.fields}
    problems: list[str] = []
    if "record_id" not in fields:
        problems.append("the column 'record_id' is missing")
    elif not isinstance(fields["record_id"], T.IntegralType):
        problems.append(f"'record_id' must be an integer, not {fields['record_id'].simpleString()}")
    for col in identifier_columns:
        if col not in fields:
            problems.append(f"the identifier column '{col}' named in the settings is missing")
    for _, many in _SINGLE_AND_MANY:
        if many in fields and not isinstance(fields[many], T.ArrayType):
            problems.append(f"'{many}' must be a list of strings")
    if problems:
        raise MatchInputError("The records cannot be matched: " + "; ".join(problems) + ".")
    cols: list[Column] = [F.col("record_id").cast("bigint")]
    for name in dict.fromkeys((*BASE_COLUMNS, *identifier_columns)):
        if name in fields:
            cols.append(F.col(name).cast("string"))
    for _, many in _SINGLE_AND_MANY:
        if many in fields:
            cols.append(F.col(many).cast("array<string>"))
    if "emails_unparsed" in fields:
        cols.append(F.col("emails_unparsed").cast("array<string>"))
    return records.select(*cols)


def _input_facts_batches(batches: Iterator[Any]) -> Iterator[Any]:
    """Per batch: each record id, and each normalised e-mail/phone once per record."""
    schema = pa.schema([("kind", pa.string()), ("value", pa.string())])
    for batch in batches:
        df = pl.from_arrow(batch)
        assert isinstance(df, pl.DataFrame)
        frames = [
            df.select(
                pl.when(pl.col("record_id").is_null())
                .then(pl.lit("null id"))
                .otherwise(pl.lit("id"))
                .alias("kind"),
                pl.col("record_id").cast(pl.String).alias("value"),
            )
        ]
        for single, many in _SINGLE_AND_MANY:
            if single not in df.columns and many not in df.columns:
                continue
            values = normalised_contact_points(df, single)
            frames.append(
                df.select("record_id", values.alias("value"))
                .explode("value")
                .drop_nulls("value")
                .filter(pl.col("value") != "")
                .unique()
                .select(pl.lit(single).alias("kind"), "value")
            )
        yield from pl.concat(frames).to_arrow().cast(schema).to_batches()


def _scan_input(frame: DataFrame, max_shared: int) -> dict[str, list[str]]:
    """One pass over the input: bad record ids, and the placeholder contact points.

    Returns:
        Per kind (``email``, ``phone``), the values held by more than
        ``max_shared`` records.

    Raises:
        MatchInputError: a record id is missing or not unique.
    """
    counts = (
        frame.mapInArrow(_input_facts_batches, "kind string, value string")
        .groupBy("kind", "value")
        .count()
        .where(
            (F.col("kind") == "null id")
            | ((F.col("kind") == "id") & (F.col("count") > 1))
            | (~F.col("kind").isin("id", "null id") & (F.col("count") > max_shared))
        )
    )
    found: dict[str, list[str]] = {}
    for row in counts.select("kind", "value").collect():
        found.setdefault(str(row["kind"]), []).append(str(row["value"]))
    if "null id" in found:
        raise MatchInputError("The records cannot be matched: 'record_id' has empty values.")
    if "id" in found:
        raise MatchInputError(
            "The records cannot be matched: 'record_id' values are not unique "
            f"(e.g. {found['id'][0]})."
        )
    return found


def _drop_placeholders(df: pl.DataFrame, placeholders: dict[str, list[str]]) -> pl.DataFrame:
    """Remove placeholder values from the input lists (single and many merged)."""
    for single, many in _SINGLE_AND_MANY:
        values = placeholders.get(single)
        if not values or (single not in df.columns and many not in df.columns):
            continue
        kept = contact_list(df, single, many).list.eval(
            pl.element().filter(~normalise_contact_point(pl.element(), single).is_in(values))
        )
        df = df.with_columns(kept.alias(many)).drop(single, strict=False)
    return df


def _prepare_batches(
    batches: Iterator[Any],
    *,
    identifier_columns: tuple[str, ...],
    placeholders: dict[str, list[str]],
    columns: tuple[str, ...],
    arrow_schema: Any,
) -> Iterator[Any]:
    """``prepare_records`` on each Arrow batch (placeholders already known)."""
    for batch in batches:
        if batch.num_rows == 0:
            continue
        df = pl.from_arrow(batch)
        assert isinstance(df, pl.DataFrame)
        prepared = prepare_records(
            _drop_placeholders(df, placeholders),
            identifier_columns=identifier_columns,
            tf_tables={},  # joined in by Spark over the whole table
            max_shared_contact_point=sys.maxsize,  # placeholders are gone
        )
        yield from prepared.select(columns).to_arrow().cast(arrow_schema).to_batches()


def _prepared_schema(
    input_columns: Sequence[str], identifier_columns: tuple[str, ...]
) -> tuple[tuple[str, ...], T.StructType, Any]:
    """The prepared columns and their Spark and Arrow schemas (from an empty frame)."""
    types: dict[str, pl.DataType] = {}
    for name in input_columns:
        if name == "record_id":
            types[name] = pl.Int64()
        elif name in ("emails", "phones", "emails_unparsed"):
            types[name] = pl.List(pl.String)
        else:
            types[name] = pl.String()
    empty = prepare_records(
        pl.DataFrame(schema=types), identifier_columns=identifier_columns, tf_tables={}
    )
    columns = tuple(empty.columns)
    spark_fields, arrow_fields = [], []
    for name, dtype in empty.schema.items():
        spark_type, arrow_type = _polars_to_types(dtype)
        spark_fields.append(T.StructField(name, spark_type, True))
        arrow_fields.append(pa.field(name, arrow_type))
    return columns, T.StructType(spark_fields), pa.schema(arrow_fields)


def _tf_frame(spark: SparkSession, col: str, table: dict[str, float]) -> DataFrame:
    schema = T.StructType(
        [T.StructField(col, T.StringType()), T.StructField(f"tf_{col}", T.DoubleType())]
    )
    return spark.createDataFrame([(k, float(v)) for k, v in table.items()], schema)


def _with_term_frequencies(
    prepared: DataFrame, model: MatchModel, source: TermFrequencies
) -> DataFrame:
    spark = prepared.sparkSession
    # The number of records, as a one-row frame joined in (no job now).
    total = prepared.agg(F.count(F.lit(1)).cast("double").alias("carnet_n"))
    out = prepared.crossJoin(total)
    n = F.greatest(F.col("carnet_n"), F.lit(1.0))
    for col in TF_COLUMNS:
        tf = f"tf_{col}"
        out = out.drop(tf)
        if source == "records":
            counts = out.where(F.col(col).isNotNull()).groupBy(col).count()
            total = counts.agg(F.sum("count").alias("total"))
            table = counts.crossJoin(total).select(col, (F.col("count") / F.col("total")).alias(tf))
            out = out.join(table, on=col, how="left")
        else:
            values = model.tf_tables.get(col, {})
            if values:
                floor = F.lit(min(values.values()))
                out = out.join(F.broadcast(_tf_frame(spark, col, values)), on=col, how="left")
                out = out.withColumn(tf, F.coalesce(F.col(tf), floor))
            else:
                out = out.withColumn(tf, F.lit(1.0) / n)
    # The primary e-mail: how many records hold it, over the whole table.
    emails = (
        out.where(F.col("email1").isNotNull())
        .groupBy("email1")
        .agg(F.count(F.lit(1)).alias("email_n_all"))
    )
    out = (
        out.join(emails, on="email1", how="left")
        .withColumn("email_n", F.col("email_n_all"))
        .withColumn("tf_email", F.coalesce(F.col("email_n_all"), F.lit(1)) / n)
        .drop("email_n_all")
    )
    return out.select(*prepared.columns)


def prepare_spark(
    records: DataFrame,
    model: MatchModel,
    *,
    term_frequencies: TermFrequencies = "model",
    checkpoint: bool = True,
) -> DataFrame:
    """Prepare records on Spark: the columns :func:`prepare_records` adds.

    Args:
        records: the records (the input schema of :mod:`carnet.match.records`).
        model: the trained model (settings and term-frequency tables).
        term_frequencies: ``"model"`` reads the name and postcode frequencies
            from the model, as :meth:`Matcher.predict` does; ``"records"``
            counts them over these records (better when the model was trained
            on a sample of them).

    Returns:
        One row per record (lazy; one job runs now: the record-id check and the
        placeholder count).

    Raises:
        MatchInputError: a column is missing or ``record_id`` is bad.
    """
    settings = model.settings
    ids = settings.identifier_columns
    frame = _input_frame(records, ids)
    placeholders = _scan_input(frame, settings.max_shared_contact_point)
    columns, spark_schema, arrow_schema = _prepared_schema(frame.columns, ids)
    prepared = frame.mapInArrow(
        partial(
            _prepare_batches,
            identifier_columns=ids,
            placeholders=placeholders,
            columns=columns,
            arrow_schema=arrow_schema,
        ),
        spark_schema,
    )
    if checkpoint:
        # the term frequencies read the prepared rows three times: prepare once
        prepared = prepared.localCheckpoint(eager=True)
    return _with_term_frequencies(prepared, model, term_frequencies)


# -- blocking and scoring -------------------------------------------------------


def block_keys_spark(prepared: DataFrame, rules: Sequence[BlockingRule]) -> DataFrame:
    """``(rule, key, record_id, source)`` of every rule, giant blocks dropped.

    The Spark twin of :func:`carnet.match.blocking.block_keys` (the key is a
    64-bit hash of the key values, as there).
    """
    types = {f.name: f.dataType for f in prepared.schema.fields}
    frames: list[DataFrame] = []
    for index, rule in enumerate(rules):
        cols = list(rule.keys)
        frame = prepared.select(
            "record_id",
            "source",
            *(
                # a narrow list (see carnet.match.records.NARROW_LISTS) whole again
                F.coalesce(F.col(f"{c}_many"), F.array(F.col(f"{c}_1"))).alias(c)
                if c in NARROW_LISTS and c not in types
                else F.col(c)
                for c in cols
            ),
        )
        for col in cols:
            if isinstance(frame.schema[col].dataType, T.ArrayType):
                frame = frame.withColumn(col, F.explode(col))
        frame = frame.dropna(subset=cols)
        parts = [F.col(c).cast("string") for c in cols]
        if rule.unordered:
            a, b = parts
            key = F.when(a <= b, F.concat_ws(_KEY_SEPARATOR, a, b)).otherwise(
                F.concat_ws(_KEY_SEPARATOR, b, a)
            )
        else:
            key = F.concat_ws(_KEY_SEPARATOR, *parts)
        frames.append(
            frame.select(
                F.lit(index).cast("smallint").alias("rule"),
                F.xxhash64(key).alias("key"),
                "record_id",
                "source",
            )
        )
    if not frames:
        raise MatchSettingsError(["at least one blocking rule is needed"])
    keys = frames[0]
    for frame in frames[1:]:
        keys = keys.unionByName(frame)
    # One shuffle for every rule: each (rule, key, record) once, then the
    # block sizes; a key held by more records than its rule allows is skipped.
    limit = F.lit(rules[0].max_block_size)
    for index, rule in enumerate(rules):
        limit = F.when(F.col("rule") == index, F.lit(rule.max_block_size)).otherwise(limit)
    sizes = Window.partitionBy("rule", "key")
    return (
        keys.dropDuplicates(["rule", "key", "record_id"])
        .withColumn("block_size", F.count(F.lit(1)).over(sizes))
        .where(F.col("block_size") <= limit)
        .select("rule", "key", "record_id", "source")
    )


def _min_weight(model: MatchModel, threshold: float | None) -> float:
    p = model.settings.review_threshold if threshold is None else threshold
    if not 0.0 < p < 1.0:
        raise MatchInputError(f"A probability threshold must be in (0, 1), not {p}.")
    return probability_to_weight(p)


def _finish(raw: DataFrame, model: MatchModel) -> DataFrame:
    """Output columns of :meth:`Matcher.predict`: labels instead of level indexes."""
    cols: list[Column] = [
        F.col("id_l").alias("record_id_l"),
        F.col("id_r").alias("record_id_r"),
        F.col("match_weight"),
        (F.lit(1.0) / (F.lit(1.0) + F.exp(-F.col("match_weight") * F.lit(math.log(2.0))))).alias(
            "probability"
        ),
    ]
    for comp in model.settings.comparisons:
        g = F.col(f"g_{comp.name}")
        label = F.when(g == -1, F.lit(f"{comp.name.replace('_', ' ')} missing"))
        for i, text in enumerate(comp.labels):
            label = label.when(g == i, F.lit(text))
        cols.append(label.alias(f"{comp.name}_level"))
        cols.append(F.col(f"w_{comp.name}").alias(f"{comp.name}_weight"))
    cols += [F.col(GUARD_COLUMN), F.col(PRIOR_COLUMN)]
    return raw.select(*cols)


def _view(frame: DataFrame, prefix: str) -> str:
    name = f"carnet_{prefix}_{uuid.uuid4().hex[:12]}"
    frame.createOrReplaceTempView(name)
    return name


def predict_spark(
    records: DataFrame,
    model: MatchModel,
    threshold: float | None = None,
    *,
    term_frequencies: TermFrequencies = "model",
    native_jaro_winkler: bool = False,
    checkpoint: bool = True,
) -> DataFrame:
    """Score the candidate pairs of one table on Spark, as :meth:`Matcher.predict` does.

    Args:
        records: the records (a Spark DataFrame with the matcher's input
            schema; ``emails``/``phones`` as ``array<string>``).
        model: a model trained by :meth:`Matcher.train` (e.g. on a sample).
        threshold: keep pairs with at least this match probability (default:
            the settings' ``review_threshold``).
        term_frequencies: see :func:`prepare_spark`.
        native_jaro_winkler: see :func:`to_spark_sql`.
        checkpoint: materialise the prepared records (local checkpoints),
            since blocking and both sides of every pair read them.

    Returns:
        A lazy Spark DataFrame, one row per pair (``record_id_l <
        record_id_r``): ``match_weight``, ``probability``, per comparison
        ``<name>_level`` (label) and ``<name>_weight``, then
        ``household_guard_weight`` and ``prior_weight``. The weights of a row
        add up to its match weight.

    Raises:
        MatchInputError: the records do not follow the input schema.
        MatchSettingsError: the scoring SQL has no Spark translation.
    """
    settings = model.settings
    spark = records.sparkSession
    min_weight = _min_weight(model, threshold)
    prepared = prepare_spark(
        records, model, term_frequencies=term_frequencies, checkpoint=checkpoint
    )
    if checkpoint:
        prepared = prepared.localCheckpoint(eager=True)
    keys = _view(block_keys_spark(prepared, settings.prediction_rules), "keys")
    rec = _view(prepared, "records")
    link_only = settings.link_type == "link"
    pairs = _view(
        spark.sql(candidate_pairs_sql(keys, keys, link_only=link_only, same_table=True)), "pairs"
    )
    register_functions(spark)
    sql = to_spark_sql(
        score_sql(model, pairs, rec, rec, min_weight), native_jaro_winkler=native_jaro_winkler
    )
    try:
        raw = spark.sql(sql)
    except AnalysisException as exc:
        raise MatchSettingsError(
            [
                "the scoring SQL does not run on Spark; carnet.match.spark.to_spark_sql "
                f"needs a translation for it: {str(exc).splitlines()[0]}"
            ]
        ) from exc
    return _finish(raw, model)


# -- command line (spark-submit) ------------------------------------------------


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="carnet.match.spark",
        description="Score candidate pairs on Spark with a trained carnet match model.",
        epilog=(
            "Example: spark-submit --master yarn carnet/match/spark.py "
            "--records s3://b/records/ --model model.json --out s3://b/pairs/"
        ),
    )
    parser.add_argument("--records", required=True, help="records table (Parquet, or --format)")
    parser.add_argument("--format", default="parquet", help="records format: parquet, orc, json")
    parser.add_argument("--model", required=True, help="model JSON from MatchModel.to_json()")
    parser.add_argument("--out", required=True, help="where to write the pairs (Parquet)")
    parser.add_argument("--threshold", type=float, default=None, help="minimum match probability")
    parser.add_argument(
        "--term-frequencies",
        choices=("model", "records"),
        default="model",
        help="name/postcode frequencies from the model or counted over the records",
    )
    parser.add_argument("--master", default=None, help="Spark master when not set by spark-submit")
    return parser


def _read_text(spark: SparkSession, path: str) -> str:
    if os.path.exists(path):
        with open(path, encoding="utf-8") as handle:
            return handle.read()
    row = spark.read.text(path, wholetext=True).first()
    return str(row[0]) if row else ""


def main(argv: Sequence[str] | None = None, spark: SparkSession | None = None) -> int:
    """Score the pairs of a records table on Spark and write them as Parquet.

    Prints one JSON line: records, pairs, seconds. Returns the exit code.

    Args:
        argv: command-line arguments (default: ``sys.argv[1:]``).
        spark: a running session (default: one is started and stopped).
    """
    args = _parser().parse_args(argv)
    own = spark is None
    if spark is None:
        builder = SparkSession.builder.appName("carnet-match")
        if args.master:
            builder = builder.master(args.master)
            if args.master.startswith("local"):
                # workers run this interpreter, which has carnet installed
                os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        spark = builder.getOrCreate()
    started = time.perf_counter()
    try:
        model = MatchModel.from_json(_read_text(spark, args.model))
        records = spark.read.format(args.format).load(args.records)
        pairs = predict_spark(
            records, model, args.threshold, term_frequencies=args.term_frequencies
        )
        pairs.write.mode("overwrite").parquet(args.out)
        written = spark.read.parquet(args.out).count()
        summary = {
            "records": records.count(),
            "pairs": written,
            "seconds": round(time.perf_counter() - started, 1),
            "out": args.out,
        }
        print(json.dumps(summary))
        return 0
    except CarnetError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 1
    finally:
        if own:
            spark.stop()


if __name__ == "__main__":
    # Import by name, so the functions shipped to executors are found in the
    # installed module rather than pickled from __main__.
    from carnet.match.spark import main as _main

    raise SystemExit(_main())
