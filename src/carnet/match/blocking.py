"""Blocking: which pairs of records are compared at all.

A :class:`BlockingRule` names prepared key columns; two records form a
candidate pair when they agree on all of them (``emails``/``phones``: on any
element). The candidate pairs are the union of every rule's pairs, each pair
once, so their number grows about linearly with the records when blocks stay
small.

**Giant blocks.** A key value held by more than ``max_block_size`` records (a
shared generic e-mail, a default phone, "Martin" born in 1960 in a huge file)
would produce a quadratic number of pairs. Such values are skipped for that
rule only; the other rules still find the true pairs among those records. The
skipped values are reported in :attr:`BlockingStats.skipped_keys`.

**Swapped names.** ``unordered=True`` makes a two-column key order-free, so
(Martin, Nicolas) and (Nicolas, Martin) fall in one block.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import duckdb
import polars as pl

from carnet.match.records import NARROW_LISTS, STRING_WORKERS, narrow_values

__all__ = [
    "KEY_INPUTS",
    "BlockingRule",
    "BlockingStats",
    "block_keys",
    "candidate_pairs_sql",
    "default_blocking_rules",
    "default_deterministic_rules",
    "default_training_rules",
    "packable_ids",
]

#: Which input column each prepared key column comes from.
KEY_INPUTS: dict[str, str] = {
    "fn": "first_name",
    "fn_ph": "first_name",
    "fn_initial": "first_name",
    "ln": "last_name",
    "ln_ph": "last_name",
    "dob": "birth_date",
    "dob_year": "birth_date",
    "emails": "email",
    "emails_canon": "email",
    "email1_local": "email",
    "phones": "phone",
    "postcode": "postcode",
    "city": "city",
    "street": "street",
    "siren": "siren",
    "email_letters": "email",
    "name_pairs": "last_name",
}

_LIST_KEYS = frozenset(
    {
        "emails",
        "emails_canon",
        "email_locals",
        "phones",
        "phones8",
        "mobiles",
        "email_letters",
        "name_pairs",
    }
)


@dataclass(frozen=True)
class BlockingRule:
    """Records agreeing on every key column form candidate pairs.

    Attributes:
        keys: prepared key columns (``ln_ph``, ``dob_year``, ``emails``...;
            identifier columns are ``id_<column>``).
        max_block_size: key values shared by more records are skipped.
        unordered: for two keys, compare them as an unordered pair.
    """

    keys: tuple[str, ...]
    max_block_size: int = 1000
    unordered: bool = False

    @property
    def name(self) -> str:
        """A readable name: ``ln_ph+dob_year``."""
        sep = "~" if self.unordered else "+"
        return sep.join(self.keys)

    @property
    def inputs(self) -> frozenset[str]:
        """Input columns the rule forces to agree."""
        return frozenset(KEY_INPUTS.get(k, k.removeprefix("id_")) for k in self.keys)

    def problems(self, available: Sequence[str]) -> list[str]:
        """What is wrong with the rule, given the prepared columns."""
        out: list[str] = []
        if not self.keys:
            out.append("a blocking rule has no key")
        for k in self.keys:
            if k not in available:
                out.append(f"blocking key '{k}' is not a prepared column")
        if self.unordered and len(self.keys) != 2:
            out.append(f"unordered blocking rule '{self.name}' needs exactly two keys")
        if self.max_block_size < 2:
            out.append(f"blocking rule '{self.name}' has max_block_size < 2")
        return out

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "keys": list(self.keys),
            "max_block_size": self.max_block_size,
            "unordered": self.unordered,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> BlockingRule:
        """Inverse of :meth:`to_dict`."""
        return cls(
            tuple(data["keys"]), int(data["max_block_size"]), bool(data.get("unordered", False))
        )


@dataclass
class BlockingStats:
    """What blocking did: pairs per rule and the giant key values skipped."""

    pairs: int = 0
    skipped_keys: dict[str, int] = field(default_factory=dict)


def default_blocking_rules() -> tuple[BlockingRule, ...]:
    """Blocking rules for French person records (union of their pairs).

    * any e-mail (canonical form) — capped at 50 records per address;
    * any phone — capped at 50;
    * the primary e-mail's local part (a typo in the domain) — capped at 50;
    * any e-mail's local part, letters only (``j.torres`` ~ ``jtorres``) —
      capped at 15;
    * a first|last name pair, the record's own or read in its e-mail
      (``lefevre.thomas@…`` without a last name ~ Thomas Lefèvre) — capped
      at 20;
    * last-name phonetic key + birth date (first names too far apart for
      the name rules: ``Bob`` ~ ``Robert``, a first name typed for another);
    * last-name phonetic key + first-name initial + birth year (a typo or a
      day/month swap in the birth date);
    * first-name phonetic key + postcode;
    * first name (folded) + birth date (a married name and a move);
    * birth date + postcode (a first name typed beyond recognition);
    * first- and last-name phonetic keys in either order (swapped names) —
      capped at 20;
    * SIREN + first-name initial.

    Name keys are capped lower than the others: a pair whose only common
    trait is a frequent name ("Nicolas Martin", held by hundreds in a
    million records) never reaches the match threshold on the name alone,
    and its other evidence (e-mail, phone, address, birth date) is blocked by
    the other rules; comparing every pair of such a block would make the
    number of pairs grow with the square of the file (at 1.8 million records
    the name pairs capped at 100 gave 36 million candidate pairs; capped at
    25, the same F1 on 100,000 people). At 1.14 million contacts (the
    generator's million people through the import), the phonetic names in
    either order capped at 50 gave 4.7 million pairs, 3 million of them
    found by no other rule and 102 of those above the match threshold; with
    the three name caps at 20, 15 and 20 instead of 50, 20 and 25, 8.8
    million candidate pairs instead of 12.4 million, recall 0.8391 instead
    of 0.8396, precision 0.9786 instead of 0.9784. The last-name phonetic
    key was then paired with the birth year alone: 2.73 million of those 8.8
    million pairs, 2.72 million of them found by no other rule and none
    above the match threshold. With the two rules on it instead, 6.3 million
    candidate pairs, the same precision and recall.
    """
    return (
        BlockingRule(("emails_canon",), max_block_size=50),
        BlockingRule(("phones",), max_block_size=50),
        BlockingRule(("email1_local",), max_block_size=50),
        BlockingRule(("email_letters",), max_block_size=15),
        BlockingRule(("name_pairs",), max_block_size=20),
        BlockingRule(("ln_ph", "dob")),
        BlockingRule(("ln_ph", "fn_initial", "dob_year")),
        BlockingRule(("fn_ph", "postcode")),
        BlockingRule(("fn", "dob")),
        BlockingRule(("dob", "postcode")),
        BlockingRule(("fn_ph", "ln_ph"), max_block_size=20, unordered=True),
        BlockingRule(("siren", "fn_initial")),
    )


def default_training_rules() -> tuple[BlockingRule, ...]:
    """Rules whose pairs train the m-probabilities by EM (one session each).

    Blocking on the birth date estimates every other comparison; blocking on
    the names' phonetic keys estimates the birth date (and the others again).
    """
    return (
        BlockingRule(("dob",), max_block_size=500),
        BlockingRule(("fn_ph", "ln_ph"), max_block_size=500),
    )


def default_deterministic_rules() -> tuple[BlockingRule, ...]:
    """Near-certain rules used to estimate the share of matching pairs.

    Same first name, last name and birth date; or a shared e-mail and the same
    first name.
    """
    return (
        BlockingRule(("fn", "ln", "dob"), max_block_size=50),
        BlockingRule(("emails", "fn"), max_block_size=50),
    )


def _rule_keys(
    prepared: pl.DataFrame, index: int, rule: BlockingRule, *, with_source: bool
) -> tuple[pl.DataFrame, int]:
    """One rule's ``(rule, key, record_id[, source])`` rows, giant blocks dropped,
    and how many key values were giant."""
    cols = list(rule.keys)
    frame = _key_values(prepared, cols)
    lists = [c for c in cols if c in _LIST_KEYS or isinstance(prepared.schema.get(c), pl.List)]
    for col in lists:
        if isinstance(frame.schema[col], pl.List):
            frame = frame.explode(col)
    frame = frame.drop_nulls(cols)
    parts = [pl.col(c).cast(pl.String) for c in cols]
    if rule.unordered:
        a, b = parts
        key = (
            pl.when(a <= b)
            .then(pl.concat_str([a, b], separator="\x1f"))
            .otherwise(pl.concat_str([b, a], separator="\x1f"))
        )
    else:
        key = pl.concat_str(parts, separator="\x1f")
    frame = frame.select(
        pl.lit(index, dtype=pl.Int16).alias("rule"),
        key.hash(seed=7).alias("key"),
        "record_id",
        *(["source"] if with_source else []),
    )
    if lists:
        # only list keys give a record the same key twice (record ids
        # are unique): the other rules skip this pass over their keys
        frame = frame.unique(["key", "record_id"])
    sizes = frame.group_by("key").agg(pl.len().alias("n"))
    giant = sizes.filter(pl.col("n") > rule.max_block_size)
    if giant.height:
        frame = frame.join(giant.select("key"), on="key", how="anti")
    return frame, giant.height


def block_keys(
    prepared: pl.DataFrame, rules: Sequence[BlockingRule], *, with_source: bool = True
) -> tuple[pl.DataFrame, dict[str, int]]:
    """The ``(rule, key, record_id, source)`` table of every rule's block keys.

    Giant key values (more than ``max_block_size`` records) are dropped.
    Without ``with_source`` (deduplication: the source is never compared) the
    ``source`` column is left out, which saves memory on millions of keys.

    Returns:
        The keys table and, per rule name, the number of key values skipped.
    """
    # the rules side by side: each is mostly one-column string work, which
    # Polars runs on one thread
    with ThreadPoolExecutor(max_workers=STRING_WORKERS) as pool:
        built = list(
            pool.map(
                lambda item: _rule_keys(prepared, item[0], item[1], with_source=with_source),
                enumerate(rules),
            )
        )
    frames = [frame for frame, _ in built]
    skipped = {rule.name: giants for rule, (_, giants) in zip(rules, built, strict=True)}
    if not frames:
        schema: dict[str, Any] = {"rule": pl.Int16, "key": pl.UInt64, "record_id": pl.Int64}
        if with_source:
            schema["source"] = pl.String
        return pl.DataFrame(schema=schema), skipped
    return pl.concat(frames), skipped


def _is_narrow(prepared: pl.DataFrame, column: str) -> bool:
    """``column`` is stored as ``<column>_1`` and ``<column>_many``."""
    return column in NARROW_LISTS and column not in prepared.columns


def _key_values(prepared: pl.DataFrame, cols: list[str]) -> pl.DataFrame:
    """``record_id``, ``source`` and the key columns, a narrow list's values one
    per row (:func:`carnet.match.records.narrow_values`)."""
    narrow = [c for c in cols if _is_narrow(prepared, c)]
    frame = prepared.select(
        "record_id",
        "source",
        *(pl.col(c) for c in cols if c not in narrow),
        *(pl.col(f"{c}_1") for c in narrow),
        *(pl.col(f"{c}_many") for c in narrow),
    )
    for c in narrow:
        rest = [x for x in frame.columns if x not in (f"{c}_1", f"{c}_many")]
        frame = narrow_values(frame, c, rest)
    return frame.select("record_id", "source", *cols)


#: Record ids below this bound fit twice in one BIGINT (see :func:`packable_ids`).
_PACK_BOUND = 2**31


def packable_ids(*keys: pl.DataFrame) -> bool:
    """Whether every ``record_id`` of the key tables lies in ``[0, 2**31)``.

    Then :func:`candidate_pairs_sql` can deduplicate a pair as one BIGINT.
    """
    for table in keys:
        if table.height == 0:
            continue
        ids = table.get_column("record_id")
        low, high = ids.min(), ids.max()
        if not (isinstance(low, int) and isinstance(high, int)):
            return False
        if low < 0 or high >= _PACK_BOUND:
            return False
    return True


def candidate_pairs_sql(
    left_keys: str, right_keys: str, *, link_only: bool, same_table: bool, packed: bool = False
) -> str:
    """SQL selecting distinct ``(id_l, id_r)`` pairs sharing a block key.

    Args:
        left_keys: the left key table (``rule, key, record_id[, source]``).
        right_keys: the right key table.
        link_only: pair only records of different sources.
        same_table: both sides are one table: each pair once, ``id_l < id_r``.
        packed: the record ids are known to lie in ``[0, 2**31)``
            (:func:`packable_ids`): a pair is deduplicated as the one BIGINT
            ``id_l << 32 | id_r``, which DuckDB groups faster than two
            columns (at 1.8 million records, 23.4 million joined rows to 16.2
            million pairs: 5.9 -> 4.6 CPU s). The same pairs either way.
    """
    conds = ["a.rule = b.rule", "a.key = b.key"]
    if same_table:
        conds.append("a.record_id < b.record_id")
    else:
        conds.append("a.record_id <> b.record_id")
    if link_only:
        conds.append("a.source IS DISTINCT FROM b.source")
    join = f"FROM {left_keys} a JOIN {right_keys} b ON {' AND '.join(conds)}"
    if packed:
        return (
            f"SELECT (k >> 32) AS id_l, (k & 4294967295) AS id_r FROM "
            f"(SELECT (a.record_id << 32) | b.record_id AS k {join} GROUP BY k)"
        )
    return f"SELECT DISTINCT a.record_id AS id_l, b.record_id AS id_r {join}"


def count_pairs(con: duckdb.DuckDBPyConnection, table: str) -> int:
    """Number of rows of a DuckDB table."""
    rows = con.sql(f"SELECT count(*) FROM {table}").fetchall()
    return int(rows[0][0]) if rows else 0
