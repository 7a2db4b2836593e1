"""The input schema of the matcher and its preparation into comparison columns.

Input: one row per record (a Polars DataFrame/LazyFrame or a DuckDB relation).

==============  ========================================================
column          meaning (all nullable strings unless said)
==============  ========================================================
``record_id``   int64, unique, required
``first_name``  as typed (case, accents, hyphens are folded here)
``last_name``
``birth_name``  a married woman's birth name (``Martin`` for Marie Durand née
                Martin), compared with the other record's last name
``birth_date``  ISO ``yyyy-mm-dd``; anything else is treated as missing
``email``       one normalised e-mail, and/or ``emails``: list of e-mails;
                ``emails_unparsed``: e-mails as typed that failed validation
                (one typed without its "@" before a known provider's domain
                is put back together: the *restored* e-mail level)
``phone``       one E.164 phone, and/or ``phones``: list of phones
``postcode``
``city``
``street``      the address line (``12 rue de la Paix``)
``siren``
``source``      which file/system the record came from (``link`` mode pairs
                only records of different sources)
extra ids       any column named by an :class:`IdentifierComparison`
==============  ========================================================

A contact may carry several e-mails and phones (personal and work): the
``emails``/``phones`` lists and the single ``email``/``phone`` columns are
merged; e-mail and phone comparisons agree when ANY value agrees.

Preparation (:func:`prepare_records`) is columnar (Polars expressions; the
phonetic key is computed once per distinct name) and adds the derived columns
the comparisons and blocking keys use: folded names, phonetic keys, nickname
groups (of the last name too, for names swapped on one record), whether each
name is a first name in its own right, canonical e-mails (gmail dots and
``+tags`` removed), e-mail local parts, last 8 phone digits and the mobile
numbers, birth year and day/month-swapped date, folded address, and term
frequencies. The lists among them (a record's e-mails, phones, nickname
groups...) are stored narrow (:data:`NARROW_LISTS`): ``<list>_1`` holds the
first value and ``<list>_many`` the whole list only when there are several;
:func:`list_values` makes the whole list again.

Contact points shared by more than ``max_shared_contact_point`` records (a
default ``noemail@...`` or ``+33100000000``) are placeholders, not evidence:
they are dropped before comparing and blocking.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import polars as pl

from carnet.fields.email import ROLE_ACCOUNTS
from carnet.match.errors import MatchInputError
from carnet.match.nicknames import NICKNAMES, known_first_names
from carnet.match.phonetic import fold_expr, french_phonetic_expr

__all__ = [
    "BASE_COLUMNS",
    "COMMON_EMAIL_DOMAINS",
    "GENERIC_EMAIL_LOCAL_PARTS",
    "MOBILE_PREFIXES",
    "NARROW_LISTS",
    "PLUS_TAG_DOMAINS",
    "PROVIDER_RENAMES",
    "STRING_WORKERS",
    "TF_COLUMNS",
    "canonical_email",
    "canonical_email_expr",
    "is_mobile_expr",
    "list_values",
    "narrow_values",
    "prepare_records",
    "restore_missing_at",
    "term_frequency_tables",
    "to_polars",
]

BASE_COLUMNS: tuple[str, ...] = (
    "first_name",
    "last_name",
    "birth_name",
    "birth_date",
    "email",
    "phone",
    "postcode",
    "city",
    "street",
    "siren",
    "source",
)

#: List columns the comparisons read, stored *narrow*: ``<list>_1`` holds the
#: first value (None when there is none) and ``<list>_many`` the whole list,
#: only for a record with two values or more (None otherwise). Nearly every
#: record holds one e-mail, one phone, one name group: a list per record made
#: each scoring join carry a dozen lists (a third of the cost of scoring a
#: pair) and each comparison read its first element back out of it.
NARROW_LISTS: tuple[str, ...] = (
    "emails",
    "email_users",
    "emails_canon",
    "emails_fixed",
    "email_locals",
    "email_letters",
    "phones",
    "phones8",
    "mobiles",
    "fn_groups",
    "ln_groups",
    "ln_tokens",
)

#: Prepared columns whose value frequencies adjust exact-agreement weights.
TF_COLUMNS: tuple[str, ...] = ("fn", "ln", "postcode")

GMAIL_DOMAINS = ("gmail.com", "googlemail.com")
#: Providers whose addresses accept ``local+tag@``: the tag is dropped.
PLUS_TAG_DOMAINS: tuple[str, ...] = (
    "gmail.com",
    "outlook.com",
    "outlook.fr",
    "hotmail.com",
    "hotmail.fr",
    "live.com",
    "live.fr",
    "msn.com",
    "icloud.com",
    "me.com",
    "mac.com",
    "protonmail.com",
    "proton.me",
    "pm.me",
    "fastmail.com",
    "yahoo.com",
    "yahoo.fr",
    "laposte.net",
)
#: The domains of one French access provider's mailboxes, renamed with the provider's
#: history, -> the provider's domain today: Wanadoo became Orange, Neuf, Club-Internet
#: and Cegetel went to SFR, and their customers' mailboxes kept their names. The same
#: name before the ``@`` at two of one provider's domains is one mailbox, moved
#: (Microsoft's Hotmail, Live and Outlook are not: each domain gives its names apart).
PROVIDER_RENAMES: dict[str, str] = {
    "wanadoo.fr": "orange.fr",
    "orange.fr": "orange.fr",
    "neuf.fr": "sfr.fr",
    "club-internet.fr": "sfr.fr",
    "cegetel.net": "sfr.fr",
    "sfr.fr": "sfr.fr",
}
#: Role addresses whose local part says nothing about a person.
GENERIC_EMAIL_LOCAL_PARTS: tuple[str, ...] = (
    "contact",
    "info",
    "infos",
    "admin",
    "hello",
    "bonjour",
    "noreply",
    "no-reply",
    "test",
    "email",
    "mail",
    "compta",
    "comptabilite",
    "accueil",
    "direction",
    "commercial",
    "sales",
    "support",
    "service",
    "office",
    "secretariat",
    "rh",
    "jobs",
    "factures",
    "facturation",
)


#: Contacts holding one primary e-mail from which it is a shared mailbox (a
#: family's ``famille.dupont@…``) rather than one person's: the import joins a
#: person's rows by e-mail, so three contacts left apart on one address are
#: three people (a couple and their son, twins).
SHARED_MAILBOX_HOLDERS = 3


def _is_role_mailbox(local: pl.Expr) -> pl.Expr:
    """The local part (canonical) is a role mailbox's (``contact``, ``info``, ``accueil``):
    a company's or a team's, which colleagues share (:data:`carnet.fields.email.ROLE_ACCOUNTS`)."""
    name = local.str.split("+").list.first().str.replace_all(r"[._-]", "")
    return name.is_in(list(ROLE_ACCOUNTS))


#: E.164 prefixes of mobile numbers (France, its overseas departments and its
#: neighbours). A mobile is one person's; a landline is the household's.
MOBILE_PREFIXES: tuple[str, ...] = (
    "+336",
    "+337",
    # the overseas departments have codes of their own (06 90 ... is +590 690 ...)
    "+590690",  # Guadeloupe, Saint-Martin, Saint-Barthélemy
    "+590691",
    "+594694",  # Guyane
    "+596696",  # Martinique
    "+596697",
    "+262692",  # La Réunion
    "+262693",
    "+262639",  # Mayotte
    "+50855",  # Saint-Pierre-et-Miquelon
    "+324",  # Belgium
    "+417",  # Switzerland
    "+3526",  # Luxembourg
    "+4915",  # Germany
    "+4916",
    "+4917",
    "+447",  # United Kingdom
    "+346",  # Spain
    "+347",
    "+393",  # Italy
    "+3519",  # Portugal
    "+316",  # Netherlands
)


def is_mobile_expr(expr: pl.Expr) -> pl.Expr:
    """Whether an E.164 phone is a mobile number (:data:`MOBILE_PREFIXES`)."""
    out = pl.lit(False)
    for prefix in MOBILE_PREFIXES:
        out = out | expr.str.starts_with(prefix)
    return out


#: Consumer e-mail providers whose domain marks where a missing "@" goes.
COMMON_EMAIL_DOMAINS: tuple[str, ...] = tuple(
    sorted(
        {
            *PLUS_TAG_DOMAINS,
            "googlemail.com",
            "orange.fr",
            "wanadoo.fr",
            "free.fr",
            "sfr.fr",
            "neuf.fr",
            "bbox.fr",
            "numericable.fr",
            "club-internet.fr",
            "aliceadsl.fr",
            "voila.fr",
            "aol.com",
            "aol.fr",
            "gmx.fr",
            "gmx.com",
            "caramail.com",
            "skynet.be",
            "bluewin.ch",
        },
        key=lambda d: (-len(d), d),
    )
)


_BLANKS = re.compile(r"\s")


def restore_missing_at(value: str | None) -> str | None:
    """An e-mail typed without its "@" (``gerard.laurentorange.fr``) put back together.

    Only before a known provider's domain (:data:`COMMON_EMAIL_DOMAINS`), the
    longest first, and when at least two characters are left for the local
    part (a trailing dot typed instead of the "@" is dropped); anything else
    is None::

        >>> restore_missing_at("Gerard.Laurent orange.fr")
        'gerard.laurent@orange.fr'
        >>> restore_missing_at("marie.dupont.gmail.com")
        'marie.dupont@gmail.com'
        >>> restore_missing_at("gerard.laurentacme.fr") is None
        True

    A plain function, called once per distinct value: such values are few,
    and the Polars expression of the same rule (twenty nested ``when``) cost
    40 ms to plan on every call, even for one value.
    """
    if value is None:
        return None
    text = _BLANKS.sub("", value.lower())
    if "@" in text:
        return None
    for domain in COMMON_EMAIL_DOMAINS:  # the longest first
        if text.endswith(domain):
            local = text[: len(text) - len(domain)].rstrip(".")
            if len(local) >= 2:
                return f"{local}@{domain}"
    return None


def canonical_email(email: str | None) -> str | None:
    """Canonical form of a normalised e-mail address.

    ``googlemail.com`` becomes ``gmail.com``; gmail ignores dots in the local
    part; big providers ignore a ``+tag``::

        >>> canonical_email("jean.dupont+promo@googlemail.com")
        'jeandupont@gmail.com'
        >>> canonical_email("j.dupont+news@outlook.fr")
        'j.dupont@outlook.fr'
        >>> canonical_email("j.dupont+x@example.fr")
        'j.dupont+x@example.fr'
    """
    if email is None or "@" not in email:
        return None
    local, _, domain = email.strip().lower().rpartition("@")
    if domain == "googlemail.com":
        domain = "gmail.com"
    if domain in PLUS_TAG_DOMAINS:
        local = local.split("+", 1)[0]
    if domain == "gmail.com":
        local = local.replace(".", "")
    return f"{local}@{domain}" if local else None


def canonical_email_expr(expr: pl.Expr) -> pl.Expr:
    """The Polars twin of :func:`canonical_email`."""
    email = expr.str.strip_chars().str.to_lowercase()
    local = email.str.extract(r"^(.+)@[^@]+$", 1)
    domain = email.str.extract(r"@([^@]+)$", 1)
    domain = pl.when(domain == "googlemail.com").then(pl.lit("gmail.com")).otherwise(domain)
    local = (
        pl.when(domain.is_in(list(PLUS_TAG_DOMAINS)))
        .then(local.str.replace(r"\+.*$", ""))
        .otherwise(local)
    )
    local = (
        pl.when(domain == "gmail.com")
        .then(local.str.replace_all(".", "", literal=True))
        .otherwise(local)
    )
    return (
        pl.when((local.is_null()) | (local == ""))
        .then(None)
        .otherwise(pl.concat_str([local, pl.lit("@"), domain]))
    )


def _with_canonical_email(frame: pl.DataFrame, col: str, out: str) -> pl.DataFrame:
    """``frame`` with ``out`` = :func:`canonical_email_expr` of ``col``, step by step.

    The same operations as the expression, but each intermediate value is a
    column computed once: the nested ``when`` chains of the expression repeat
    the regular-expression extractions a dozen times per e-mail (Polars does
    not share them in an eager frame), which took a third of the preparation
    of a million records.
    """
    email = pl.col(col).str.strip_chars().str.to_lowercase()
    local, domain = pl.col("_cl"), pl.col("_cd")
    step = frame.with_columns(
        email.str.extract(r"^(.+)@[^@]+$", 1).alias("_cl"),
        email.str.extract(r"@([^@]+)$", 1).alias("_cd"),
    )
    step = step.with_columns(
        pl.when(domain == "googlemail.com").then(pl.lit("gmail.com")).otherwise(domain).alias("_cd")
    )
    step = step.with_columns(
        pl.when(domain.is_in(list(PLUS_TAG_DOMAINS)))
        .then(local.str.replace(r"\+.*$", ""))
        .otherwise(local)
        .alias("_cl")
    )
    step = step.with_columns(
        pl.when(domain == "gmail.com")
        .then(local.str.replace_all(".", "", literal=True))
        .otherwise(local)
        .alias("_cl")
    )
    return step.with_columns(
        pl.when((local.is_null()) | (local == ""))
        .then(None)
        .otherwise(pl.concat_str([local, pl.lit("@"), domain]))
        .alias(out)
    ).drop("_cl", "_cd")


def to_polars(records: Any) -> pl.DataFrame:
    """Accept a Polars DataFrame/LazyFrame or a DuckDB relation."""
    if isinstance(records, pl.DataFrame):
        return records
    if isinstance(records, pl.LazyFrame):
        return records.collect()
    if hasattr(records, "pl"):
        frame = records.pl()
        if isinstance(frame, pl.DataFrame):
            return frame
    raise MatchInputError(
        f"Records must be a Polars DataFrame or a DuckDB relation, not {type(records).__name__}."
    )


def _check_schema(df: pl.DataFrame, identifier_columns: Iterable[str]) -> None:
    problems: list[str] = []
    if "record_id" not in df.columns:
        problems.append("the column 'record_id' is missing")
    else:
        if not df.schema["record_id"].is_integer():
            problems.append(f"'record_id' must be an integer, not {df.schema['record_id']}")
        elif df["record_id"].null_count():
            problems.append("'record_id' has empty values")
        elif df["record_id"].n_unique() != df.height:
            problems.append("'record_id' values are not unique")
    for col in identifier_columns:
        if col not in df.columns:
            problems.append(f"the identifier column '{col}' named in the settings is missing")
    for col in ("emails", "phones"):
        if col in df.columns and not isinstance(df.schema[col], pl.List):
            problems.append(f"'{col}' must be a list of strings")
    if problems:
        raise MatchInputError("The records cannot be matched: " + "; ".join(problems) + ".")


def _string(df: pl.DataFrame, col: str) -> pl.Expr:
    if col in df.columns:
        return pl.col(col).cast(pl.String)
    return pl.lit(None, dtype=pl.String)


#: What follows a folded city name in an address: CEDEX and its number, a district.
_CITY_SUFFIX = r"(?:\s+cedex(?:\s+\d{1,3})?|\s+\d{1,2}\s*(?:e|er|eme|em)?)$"


def _fold_distinct(df: pl.DataFrame, col: str) -> pl.Series:
    """:func:`fold_expr` of a column, computed once per distinct value."""
    if col not in df.columns:
        return pl.Series(col, [None] * df.height, dtype=pl.String)
    values = df.get_column(col).cast(pl.String)
    uniques = values.drop_nulls().unique()
    folded = pl.DataFrame({"v": uniques}).select(fold_expr(pl.col("v"))).to_series()
    return values.replace_strict(uniques, folded, default=None, return_dtype=pl.String)


def contact_list(df: pl.DataFrame, single: str, many: str) -> pl.Expr:
    """A record's e-mails or phones as one list: the ``single`` column and the ``many`` list."""
    parts: list[pl.Expr] = []
    if single in df.columns:
        parts.append(pl.concat_list([pl.col(single).cast(pl.String)]))
    if many in df.columns:
        parts.append(pl.col(many).cast(pl.List(pl.String)).fill_null([]))
    if not parts:
        return pl.lit([], dtype=pl.List(pl.String))
    return pl.concat_list(parts) if len(parts) > 1 else parts[0]


def _long_contact_points(
    ids: pl.Series, values: pl.Series, max_shared: int, placeholders: pl.Series | None = None
) -> pl.DataFrame:
    """(record_id, value) long table, placeholders shared too widely removed.

    ``placeholders``: the values to drop, counted over the whole table when
    the records are prepared in chunks; counted here otherwise.
    """
    long = (
        pl.DataFrame({"record_id": ids, "value": values})
        .explode("value")
        .drop_nulls("value")
        .filter(pl.col("value") != "")
        .unique(maintain_order=True)  # list order is preference: the first is the primary
    )
    if placeholders is not None:
        return long.filter(~pl.col("value").is_in(placeholders.implode()))
    shared = long.group_by("value").agg(pl.len().alias("n"))
    return long.join(shared.filter(pl.col("n") <= max_shared), on="value").select(
        "record_id", "value"
    )


def normalise_contact_point(expr: pl.Expr, kind: str) -> pl.Expr:
    """An e-mail trimmed and in lower case, or a phone reduced to its digits and '+'.

    The value contact points are compared, and placeholders counted, on.
    """
    if kind == "email":
        return expr.str.strip_chars().str.to_lowercase()
    return expr.str.replace_all(r"[^\d+]", "")


def normalised_contact_points(df: pl.DataFrame, kind: str) -> pl.Expr:
    """A record's e-mails (``kind`` "email") or phones ("phone"), normalised, as one list."""
    return contact_list(df, kind, f"{kind}s").list.eval(normalise_contact_point(pl.element(), kind))


def _placeholders(df: pl.DataFrame, max_shared: int) -> dict[str, pl.Series]:
    """E-mails and phones held by more than ``max_shared`` records of the table."""
    out: dict[str, pl.Series] = {}
    for kind in ("email", "phone"):
        long = (
            df.select(pl.col("record_id"), normalised_contact_points(df, kind).alias("value"))
            .explode("value")
            .drop_nulls("value")
            .unique()
        )
        counts = long.group_by("value").agg(pl.len().alias("n"))
        out[kind] = counts.filter(pl.col("n") > max_shared)["value"]
    return out


def term_frequency_tables(prepared: pl.DataFrame) -> dict[str, dict[str, float]]:
    """Relative frequency of each value of the :data:`TF_COLUMNS`."""
    tables: dict[str, dict[str, float]] = {}
    for col in TF_COLUMNS:
        counts = prepared.select(col).drop_nulls().group_by(col).agg(pl.len().alias("n"))
        total = float(counts["n"].sum() or 1)
        tables[col] = dict(zip(counts[col].to_list(), (counts["n"] / total).to_list(), strict=True))
    return tables


def _letters(expr: pl.Expr) -> pl.Expr:
    """Letters only (folded input): ``le moal`` -> ``lemoal``; None when empty."""
    out = expr.str.replace_all(r"[^a-z]", "")
    return pl.when(out == "").then(None).otherwise(out)


def _email_name_keys(emails: pl.DataFrame, people: pl.DataFrame) -> pl.DataFrame:
    """What the e-mail local parts say about the name, per record.

    Newsletter lists and survey exports often hold an e-mail and at most a
    first name: the local part (``thomas.lefevre``, ``lefevre.thomas``,
    ``tlefevre``, ``thomas.lefevre1984``) is then the only trace of the last
    name. Two columns come out of it:

    * ``email_letters`` -- each personal local part, letters only
      (``thomaslefevre``), so that a name can be looked for in it;
    * ``name_pairs`` -- ``first|last`` name guesses: the record's own folded
      names (and its first and birth names: a maiden name elsewhere), the
      two words of a ``word.word`` local part in both orders, and, when the
      first name is known, what is left of the local part once the
      first name (or its initial) is taken off its start or end. Blocking on
      them pairs a record without a last name with the named records whose
      e-mail or name spells the same person.

    Role addresses (``contact@``, ``info@``) say nothing about a person and are
    left out.
    """
    local = emails.select("record_id", "local").drop_nulls("local")
    local = local.filter(~pl.col("local").is_in(list(GENERIC_EMAIL_LOCAL_PARTS)))
    local = local.join(
        people.select(
            "record_id",
            _letters(pl.col("fn")).alias("fk"),
            _letters(pl.col("ln")).alias("lk"),
        ),
        on="record_id",
        how="left",
    ).with_columns(
        pl.col("local").str.extract_all(r"[a-z]+").alias("words"),
        pl.col("local").str.replace_all(r"[^a-z]", "").alias("letters"),
    )
    words = pl.col("words").list.eval(pl.element().filter(pl.element().str.len_chars() >= 2))
    letters, fk = pl.col("letters"), pl.col("fk")
    rest_after = letters.str.slice(fk.str.len_chars())
    rest_before = letters.str.slice(0, letters.str.len_chars() - fk.str.len_chars())
    guesses = local.select(
        "record_id",
        pl.when(letters.str.len_chars() >= 4).then(letters).alias("letters"),
        pl.when(words.list.len() == 2)
        .then(pl.concat_str([words.list.get(0), pl.lit("|"), words.list.get(1)]))
        .alias("g0"),
        pl.when(words.list.len() == 2)
        .then(pl.concat_str([words.list.get(1), pl.lit("|"), words.list.get(0)]))
        .alias("g1"),
        pl.when(letters.str.starts_with(fk) & (rest_after.str.len_chars() >= 3))
        .then(pl.concat_str([fk, pl.lit("|"), rest_after]))
        .alias("g2"),
        pl.when(letters.str.ends_with(fk) & (rest_before.str.len_chars() >= 3))
        .then(pl.concat_str([fk, pl.lit("|"), rest_before]))
        .alias("g3"),
        pl.when(
            (letters.str.slice(0, 1) == fk.str.slice(0, 1))
            & ~letters.str.starts_with(fk)
            & (letters.str.len_chars() >= 5)
        )
        .then(pl.concat_str([fk, pl.lit("|"), letters.str.slice(1)]))
        .alias("g4"),
    )
    own = people.select(
        "record_id",
        pl.concat_str([_letters(pl.col("fn")), pl.lit("|"), _letters(pl.col("ln"))]).alias("g"),
    )
    # a married woman is also her first name and birth name (the maiden record's pair)
    born = people.select(
        "record_id",
        pl.concat_str([_letters(pl.col("fn")), pl.lit("|"), _letters(pl.col("bn"))]).alias("g"),
    )
    pairs = (
        pl.concat(
            [
                own,
                born,
                *(guesses.select("record_id", pl.col(f"g{i}").alias("g")) for i in range(5)),
            ]
        )
        .drop_nulls("g")
        # sorted first, so the lists need no sort per group (half the time)
        .sort("record_id", "g")
        .unique(maintain_order=True)
        .group_by("record_id", maintain_order=True)
        .agg(pl.col("g").alias("name_pairs"))
    )
    letters_lists = (
        guesses.drop_nulls("letters")
        .group_by("record_id", maintain_order=True)
        .agg(pl.col("letters").unique(maintain_order=True).alias("email_letters"))
    )
    return pairs.join(letters_lists, on="record_id", how="full", coalesce=True)


def _name_groups_frame() -> pl.DataFrame:
    # initials typed apart ("J.-P.", folded "j p") are the diminutive "jp"
    table = dict(NICKNAMES)
    table.update({" ".join(k): v for k, v in NICKNAMES.items() if len(k) == 2})
    return pl.DataFrame(
        {"fn": list(table), "fn_groups": [list(v) for v in table.values()]},
        schema={"fn": pl.String, "fn_groups": pl.List(pl.String)},
    )


def abbreviated_name_pattern(folded: str | None) -> str | None:
    """A regular expression of the compound first names a name with an initial stands for.

    ``J.-Pierre``, ``Jean-P.`` and ``J.-P.`` (folded ``j pierre``, ``jean p``, ``j p``) are
    Jean-Pierre written short; None for a name without an initial among two words or more.

    >>> abbreviated_name_pattern("j pierre"), abbreviated_name_pattern("jean pierre")
    ('^j[a-z]* pierre$', None)
    """
    if not folded:
        return None
    words = folded.split()
    if len(words) < 2 or not any(len(w) == 1 for w in words):
        return None
    parts = [re.escape(w) + "[a-z]*" if len(w) == 1 else re.escape(w) for w in words]
    return "^" + " ".join(parts) + "$"


def _phonetic(df: pl.DataFrame, col: str, out: str) -> pl.DataFrame:
    uniques = df.select(pl.col(col).unique()).drop_nulls()
    keyed = uniques.with_columns(french_phonetic_expr(pl.col(col)).alias(out))
    return df.join(keyed, on=col, how="left")


#: Threads for Polars work that is mostly string operations on one column,
#: which Polars runs on one thread: chunks prepared at once by
#: :func:`prepare_records` (each holds its own intermediate frames: memory
#: grows with this) and blocking rules keyed at once.
STRING_WORKERS = 2


def _narrow(frame: pl.DataFrame) -> pl.DataFrame:
    """Each :data:`NARROW_LISTS` column as ``<list>_1`` and ``<list>_many``."""
    present = [c for c in NARROW_LISTS if c in frame.columns]
    return frame.with_columns(
        *(pl.col(c).list.first().alias(f"{c}_1") for c in present),
        *(pl.when(pl.col(c).list.len() > 1).then(pl.col(c)).alias(f"{c}_many") for c in present),
    ).drop(present)


def list_values(column: str) -> pl.Expr:
    """Every value of a narrow list column (:data:`NARROW_LISTS`) as one list.

    ``[]`` for a record without any, so that ``explode`` gives no row
    once nulls are dropped.
    """
    many = pl.col(f"{column}_many")
    one = pl.concat_list([pl.col(f"{column}_1")]).list.drop_nulls()
    return pl.when(many.is_not_null()).then(many).otherwise(one).alias(column)


_Frame = TypeVar("_Frame", pl.DataFrame, pl.LazyFrame)


def narrow_values(frame: _Frame, column: str, keep: Sequence[str] = ()) -> _Frame:
    """``keep`` and a narrow list's values one per row (as ``column``).

    Each record's first value, then the others of the few records holding
    several: rebuilding every record's list to explode it cost more than
    the rest of the blocking. A record without a value gives a null row.
    """
    many = pl.col(f"{column}_many")
    first = frame.select(*keep, pl.col(f"{column}_1").alias(column))
    others = (
        frame.filter(many.is_not_null())
        .select(*keep, many.list.slice(1).alias(column))
        .explode(column)
    )
    return pl.concat([first, others])


def prepare_records(
    records: Any,
    *,
    identifier_columns: Iterable[str] = (),
    tf_tables: Mapping[str, Mapping[str, float]] | None = None,
    max_shared_contact_point: int = 50,
    email_counts: pl.DataFrame | None = None,
    chunk_rows: int = 200_000,
) -> pl.DataFrame:
    """Check the records and add every derived column the matcher compares.

    Args:
        records: the records table (see the module docstring).
        identifier_columns: extra identifier columns to keep (``loyalty_id``).
        tf_tables: term frequencies from a trained model; computed from these
            records when None.
        max_shared_contact_point: an e-mail or phone held by more records is a
            placeholder and ignored.
        email_counts: ``(email1, n)`` counts of primary e-mails in an existing
            table, so the e-mail term frequency of a new batch is measured
            against it.
        chunk_rows: larger tables are prepared in chunks of this many rows.

    Returns:
        The prepared frame, one row per record.

    Raises:
        MatchInputError: a required column is missing or ``record_id`` is bad.
    """
    df = to_polars(records)
    ids_cols = tuple(identifier_columns)
    _check_schema(df, ids_cols)
    if df.height > chunk_rows:
        # Chunks bound the memory of the intermediate frames (a million
        # records would need several GB at once); what needs every record
        # (placeholders, frequencies) is counted over the whole table.
        placeholders = _placeholders(df, max_shared_contact_point)
        chunks = [df.slice(start, chunk_rows) for start in range(0, df.height, chunk_rows)]
        # Two chunks at a time: most steps are string work on one column, which
        # Polars runs on one thread, so one chunk alone left a core idle (1.14
        # million records: 10.5 -> 7.7 s on two cores, the same frame).
        with ThreadPoolExecutor(max_workers=STRING_WORKERS) as pool:
            parts = list(
                pool.map(
                    lambda chunk: _prepare_core(
                        chunk, ids_cols, max_shared_contact_point, placeholders
                    ),
                    chunks,
                )
            )
        del chunks
        base = pl.concat(parts, rechunk=True)
        del parts
    else:
        base = _prepare_core(df, ids_cols, max_shared_contact_point, None)
    return _add_frequencies(base, df.height, tf_tables, email_counts)


def _prepare_core(
    df: pl.DataFrame,
    ids_cols: tuple[str, ...],
    max_shared_contact_point: int,
    placeholders: dict[str, pl.Series] | None,
) -> pl.DataFrame:
    """Every derived column but the frequencies, for one frame (or chunk)."""
    base = df.select(
        pl.col("record_id").cast(pl.Int64),
        _fold_distinct(df, "first_name").alias("fn"),
        _fold_distinct(df, "last_name").alias("ln"),
        _fold_distinct(df, "birth_name").alias("bn"),
        _string(df, "birth_date").str.strip_chars().alias("dob_raw"),
        contact_list(df, "email", "emails").alias("emails_raw"),
        contact_list(df, "email_unparsed", "emails_unparsed").alias("unparsed_raw"),
        contact_list(df, "phone", "phones").alias("phones_raw"),
        _string(df, "postcode").str.replace_all(r"\s", "").str.to_uppercase().alias("postcode"),
        # "PARIS CEDEX 08", "Paris 11e", "Lyon 3ème": the city, without the sorting office
        # or the district (the postcode says those)
        _fold_distinct(df, "city").str.replace(_CITY_SUFFIX, "").alias("city"),
        _fold_distinct(df, "street").alias("street"),
        _string(df, "siren").str.replace_all(r"\D", "").alias("siren"),
        _string(df, "source").alias("source"),
        *[_string(df, c).str.strip_chars().str.to_uppercase().alias(f"id_{c}") for c in ids_cols],
    )
    base = base.with_columns(
        pl.when(pl.col("postcode") == "")
        .then(None)
        .otherwise(pl.col("postcode"))
        .alias("postcode"),
        pl.when(pl.col("siren") == "").then(None).otherwise(pl.col("siren")).alias("siren"),
        pl.when(pl.col("dob_raw").str.contains(r"^\d{4}-\d{2}-\d{2}$"))
        .then(pl.col("dob_raw"))
        .otherwise(None)
        .alias("dob"),
    ).drop("dob_raw")
    base = base.with_columns(
        pl.col("dob").str.slice(0, 4).alias("dob_year"),
        pl.when(
            (pl.col("dob").str.slice(8, 2).cast(pl.Int32, strict=False) <= 12)
            & (pl.col("dob").str.slice(8, 2) != pl.col("dob").str.slice(5, 2))
        )
        .then(
            pl.concat_str(
                [
                    pl.col("dob").str.slice(0, 5),
                    pl.col("dob").str.slice(8, 2),
                    pl.lit("-"),
                    pl.col("dob").str.slice(5, 2),
                ]
            )
        )
        .otherwise(None)
        .alias("dob_swap"),
        pl.col("fn").str.slice(0, 1).alias("fn_initial"),
        _letters(pl.col("fn")).alias("fn_key"),
        _letters(pl.col("ln")).alias("ln_key"),
        pl.col("ln")
        .str.split(" ")
        .list.eval(pl.element().filter(pl.element().str.len_chars() >= 3))
        .alias("ln_tokens"),
        pl.col("street").str.extract(r"^(\d+)", 1).alias("street_number"),
    )
    # Names: phonetic keys once per distinct value; nickname groups by lookup
    # (of the last name too: a record with swapped names holds its first name
    # there); whether the name is a first name in its own right.
    base = _phonetic(base, "fn", "fn_ph")
    base = _phonetic(base, "ln", "ln_ph")
    first_names = base["fn"].drop_nulls().unique()
    base = base.with_columns(
        pl.col("fn")
        .replace_strict(
            first_names,
            pl.Series(
                [abbreviated_name_pattern(v) for v in first_names.to_list()], dtype=pl.String
            ),
            default=None,
            return_dtype=pl.String,
        )
        .alias("fn_abbrev")
    )
    known = pl.Series(sorted(known_first_names()), dtype=pl.String).implode()
    for col in ("fn", "ln"):
        groups = _name_groups_frame().rename({"fn": col, "fn_groups": f"{col}_groups"})
        base = base.join(groups, on=col, how="left").with_columns(
            pl.when(pl.col(f"{col}_groups").is_null() & pl.col(col).is_not_null())
            .then(pl.concat_list([pl.col(col)]))
            .otherwise(pl.col(f"{col}_groups"))
            .alias(f"{col}_groups"),
            pl.col(col).is_in(known).alias(f"{col}_known"),
        )
    # E-mails: long table, placeholders dropped, canonical forms and local parts;
    # e-mails typed without their "@" put back in (flagged ``restored``).
    emails = _long_contact_points(
        base["record_id"],
        base["emails_raw"].list.eval(normalise_contact_point(pl.element(), "email")),
        max_shared_contact_point,
        None if placeholders is None else placeholders["email"],
    ).with_columns(pl.lit(False).alias("restored"))
    unparsed = (
        pl.DataFrame({"record_id": base["record_id"], "value": base["unparsed_raw"]})
        .explode("value")
        .drop_nulls("value")
    )
    as_typed = unparsed["value"].unique()
    fixed = pl.Series([restore_missing_at(v) for v in as_typed.to_list()], dtype=pl.String)
    restored = (
        unparsed.with_columns(
            pl.col("value").replace_strict(as_typed, fixed, return_dtype=pl.String)
        )
        .drop_nulls("value")
        .unique(maintain_order=True)
        .with_columns(pl.lit(True).alias("restored"))
    )
    if restored.height:
        emails = pl.concat([emails, restored])
    emails = _with_canonical_email(emails, "value", "canon")
    emails = emails.with_columns(
        pl.col("canon").str.extract(r"^(.+)@", 1).alias("local"),
    )
    provider = (
        pl.col("canon")
        .str.extract(r"@([^@]+)$", 1)
        .replace_strict(PROVIDER_RENAMES, default=None, return_dtype=pl.String)
    )
    emails = emails.with_columns(
        pl.concat_str([pl.col("local"), pl.lit("@"), provider]).alias("renamed")
    )
    names = _email_name_keys(
        emails.select(
            "record_id", pl.col("value").str.extract(r"^([^+@]+)[^@]*@", 1).alias("local")
        ),
        base.select("record_id", "fn", "ln", "bn"),
    )
    typed = ~pl.col("restored")
    # a local part that may name its person: typed as such, long enough, not "contact"
    personal_local = (
        typed
        & pl.col("local").is_not_null()
        & (pl.col("local").str.len_chars() >= 4)
        & ~pl.col("local").is_in(list(GENERIC_EMAIL_LOCAL_PARTS))
    )
    email_lists = (
        emails.group_by("record_id", maintain_order=True)
        .agg(
            pl.col("value").filter(typed).alias("emails"),
            # what precedes the first "@" of each of them (DuckDB's
            # split_part(e, '@', 1)): the domain-typo level compares e-mails
            # only when these meet, which most pairs' do not
            pl.col("value")
            .filter(typed)
            .str.splitn("@", 2)
            .struct.field("field_0")
            .unique(maintain_order=True)
            .alias("email_users"),
            pl.col("canon").drop_nulls().unique(maintain_order=True).alias("emails_canon"),
            pl.col("canon")
            .filter(pl.col("restored"))
            .drop_nulls()
            .unique(maintain_order=True)
            .alias("emails_fixed"),
            # a local part with a digit at any domain; any local part at one
            # provider's renamed domains, with the provider's domain today
            pl.col("local")
            .filter(personal_local & pl.col("local").str.contains(r"\d"))
            .append(pl.col("renamed").filter(personal_local))
            .drop_nulls()
            .unique(maintain_order=True)
            .alias("email_locals"),
            pl.col("local").filter(personal_local).first().alias("email1_local"),
            pl.col("canon").filter(typed).drop_nulls().first().alias("email1"),
            pl.col("canon")
            .filter(typed & _is_role_mailbox(pl.col("local")))
            .drop_nulls()
            .unique(maintain_order=True)
            .alias("emails_shared"),
        )
        .with_columns(
            # a record with no e-mail as typed, only a restored one, has none
            pl.when(pl.col(c).list.len() > 0).then(pl.col(c)).alias(c)
            for c in ("emails", "email_users", "emails_fixed", "emails_shared")
        )
    )
    phones = _long_contact_points(
        base["record_id"],
        base["phones_raw"].list.eval(normalise_contact_point(pl.element(), "phone")),
        max_shared_contact_point,
        None if placeholders is None else placeholders["phone"],
    )
    phone_lists = phones.group_by("record_id", maintain_order=True).agg(
        pl.col("value").alias("phones"),
        pl.col("value").str.slice(-8).unique(maintain_order=True).alias("phones8"),
        pl.col("value").filter(is_mobile_expr(pl.col("value"))).alias("mobiles"),
    )
    base = (
        base.drop("emails_raw", "unparsed_raw", "phones_raw")
        .join(email_lists, on="record_id", how="left")
        .join(phone_lists, on="record_id", how="left")
        .join(names, on="record_id", how="left")
    )
    return _narrow(base)


def _add_frequencies(
    base: pl.DataFrame,
    n: int,
    tf_tables: Mapping[str, Mapping[str, float]] | None,
    email_counts: pl.DataFrame | None,
) -> pl.DataFrame:
    """Term frequencies of names and postcode; counts of the primary e-mail."""
    # Term frequencies: names and postcode from the model's tables (or these
    # records); the primary e-mail from its count among the records.
    tables = tf_tables if tf_tables is not None else term_frequency_tables(base)
    for col in TF_COLUMNS:
        table = tables.get(col, {})
        floor = min(table.values()) if table else 1.0 / max(n, 1)
        tf_frame = pl.DataFrame(
            {col: list(table), f"tf_{col}": list(table.values())},
            schema={col: pl.String, f"tf_{col}": pl.Float64},
        )
        base = base.join(tf_frame, on=col, how="left").with_columns(
            pl.col(f"tf_{col}").fill_null(floor)
        )
    counts = base.group_by("email1").agg(pl.len().alias("email_n")).drop_nulls()
    total = float(n)
    if email_counts is not None:
        counts = (
            pl.concat([counts, email_counts.select("email1", "email_n")])
            .group_by("email1")
            .agg(pl.col("email_n").sum())
        )
        total += float(email_counts["email_n"].sum() or 0)
    base = base.join(counts, on="email1", how="left").with_columns(
        (pl.col("email_n").fill_null(1) / max(total, 1.0)).alias("tf_email")
    )
    # A primary e-mail held by several contacts the import kept apart (other first
    # names, other birth dates) is a family's mailbox: shared, like a role mailbox.
    family = pl.col("email_n") >= SHARED_MAILBOX_HOLDERS
    shared = pl.col("emails_shared")
    base = base.with_columns(
        pl.when(family & shared.is_null())
        .then(pl.concat_list([pl.col("email1")]))
        .when(family & ~shared.list.contains(pl.col("email1")))
        .then(shared.list.concat(pl.concat_list([pl.col("email1")])))
        .otherwise(shared)
        .alias("emails_shared")
    )
    # records given in id order keep it through the joins: no sort needed
    return base if base.get_column("record_id").is_sorted() else base.sort("record_id")
