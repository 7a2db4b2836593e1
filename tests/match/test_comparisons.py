"""Comparison levels, table-driven: which level does a pair of values fall in."""

from __future__ import annotations

import re

import duckdb
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from carnet.match import (
    AddressComparison,
    BirthDateComparison,
    Comparison,
    EmailComparison,
    FirstNameComparison,
    IdentifierComparison,
    LastNameComparison,
    PhoneComparison,
    SirenComparison,
)
from carnet.match.comparisons import comparison_from_dict
from carnet.match.records import NARROW_LISTS, prepare_records
from carnet.match.scoring import gamma_sql

from .conftest import frame, record, whole_lists


def level_of(comp: Comparison, left: dict[str, object], right: dict[str, object]) -> str:
    extra = (comp.column,) if isinstance(comp, IdentifierComparison) else ()
    added = [c for c in (*extra, "birth_name") if c in left or c in right]
    plain = [{k: v for k, v in side.items() if k not in added} for side in (left, right)]
    records = frame(record(1, **plain[0]), record(2, **plain[1]))  # type: ignore[arg-type]
    for column in added:
        records = records.with_columns(
            pl.Series(column, [left.get(column), right.get(column)], dtype=pl.String)
        )
    prepared = prepare_records(records, identifier_columns=extra)
    con = duckdb.connect()
    con.register("rec", prepared)
    con.register("pairs", pl.DataFrame({"id_l": [1], "id_r": [2]}))
    gamma = con.sql(gamma_sql((comp,), "pairs", "rec", "rec")).fetchall()[0][2]
    return "missing" if gamma == -1 else comp.levels[gamma].label


CASES = [
    (
        LastNameComparison(),
        {"first_name": "Élodie", "last_name": "Perrier", "birth_name": "Chevalier"},
        {"first_name": "ÉLODIE", "last_name": "PERRIER", "birth_name": "CHEVALIER"},
        "last name and birth name exact",
    ),
    (
        LastNameComparison(),
        {"first_name": "Élodie", "last_name": "Perrier", "birth_name": "Chevalier"},
        {"first_name": "Élodie", "last_name": "Perrier", "birth_name": "Martin"},
        "last name exact, other birth names",
    ),
    (  # one birth name mistyped is no other
        LastNameComparison(),
        {"first_name": "Élodie", "last_name": "Perrier", "birth_name": "Chevalier"},
        {"first_name": "Élodie", "last_name": "Perrier", "birth_name": "Chevallier"},
        "last name exact",
    ),
    (  # one record knows no birth name
        LastNameComparison(),
        {"first_name": "Élodie", "last_name": "Perrier", "birth_name": "Chevalier"},
        {"first_name": "Élodie", "last_name": "Perrier"},
        "last name exact",
    ),
    (FirstNameComparison(), {"first_name": "Éloïse"}, {"first_name": "ELOISE"}, "first name exact"),
    (
        FirstNameComparison(),
        {"first_name": "Nicolas", "last_name": "Martin"},
        {"first_name": "Martin", "last_name": "Nicolas"},
        "first name swapped with last name",
    ),
    (
        FirstNameComparison(),
        {"first_name": "Cathy"},
        {"first_name": "Catherine"},
        "first name nickname",
    ),
    (
        FirstNameComparison(),
        {"first_name": "JB"},
        {"first_name": "Jean-Baptiste"},
        "first name nickname",
    ),
    (
        FirstNameComparison(),
        {"first_name": "Seb"},
        {"first_name": "Sébastien"},
        "first name nickname",
    ),
    # a trade-show badge shortens a compound first name to an initial
    (
        FirstNameComparison(),
        {"first_name": "J.-Pierre"},
        {"first_name": "Jean Pierre"},
        "first name nickname",
    ),
    (
        FirstNameComparison(),
        {"first_name": "Jean-Pierre"},
        {"first_name": "J.-P."},
        "first name nickname",
    ),
    (
        FirstNameComparison(),
        {"first_name": "Marie-C."},
        {"first_name": "MARIE CLAIRE"},
        "first name nickname",
    ),
    (
        FirstNameComparison(),
        {"first_name": "J.-Pierre"},
        {"first_name": "Jean-Paul"},
        "first name different",
    ),
    (
        FirstNameComparison(),
        {"first_name": "J.-Pierre"},
        {"first_name": "Pierre"},
        "first name Jaro-Winkler >= 0.88",  # weak: no more than alike
    ),
    (
        FirstNameComparison(),
        {"first_name": "Mathieu"},
        {"first_name": "Matthieu"},
        "first name phonetic",
    ),
    (FirstNameComparison(), {"first_name": "Thiery"}, {"first_name": "Thierry"}, "first name typo"),
    (
        FirstNameComparison(),
        {"first_name": "ISABELE"},
        {"first_name": "Isabelle"},
        "first name typo",
    ),
    (
        FirstNameComparison(),
        {"first_name": "Nathlaie"},
        {"first_name": "Nathalie"},
        "first name typo",
    ),
    # relatives' names: a different ending, or two first names in their own right
    (
        FirstNameComparison(),
        {"first_name": "Louis"},
        {"first_name": "Louise"},
        "first name a relative's (a man's and a woman's form)",
    ),
    (
        FirstNameComparison(),
        {"first_name": "Élise"},
        {"first_name": "Éloïse"},
        "first name Jaro-Winkler >= 0.92",
    ),
    (
        FirstNameComparison(),
        {"first_name": "Jean"},
        {"first_name": "Jeanne"},
        "first name a relative's (a man's and a woman's form)",
    ),
    (
        FirstNameComparison(),
        {"first_name": "Julien"},
        {"first_name": "Julie"},
        "first name a relative's (a man's and a woman's form)",
    ),
    (
        FirstNameComparison(),
        {"first_name": "Nicolas"},
        {"first_name": "Nicloas"},
        "first name typo",
    ),
    (FirstNameComparison(), {"first_name": "Sophiee"}, {"first_name": "Sophie"}, "first name typo"),
    (FirstNameComparison(), {"first_name": "Élodei"}, {"first_name": "Élodie"}, "first name typo"),
    (FirstNameComparison(), {"first_name": "Danil"}, {"first_name": "Daniel"}, "first name typo"),
    (
        FirstNameComparison(),
        {"first_name": "Marin"},
        {"first_name": "Marine"},
        "first name phonetic",
    ),
    (
        FirstNameComparison(),
        {"first_name": "Sophie", "last_name": "Joly"},
        {"first_name": "Joyl", "last_name": "Sophie"},
        "first name swapped with last name",
    ),
    (
        LastNameComparison(),
        {"first_name": "Sophie", "last_name": "Joly"},
        {"first_name": "Sophie", "last_name": "Jolly"},
        "last name phonetic",
    ),
    (
        LastNameComparison(),
        {"first_name": "Sophie", "last_name": "Joly"},
        {"first_name": "Joyl", "last_name": "Sophie"},
        "last name swapped with first name",
    ),
    (FirstNameComparison(), {"first_name": "J"}, {"first_name": "Jean"}, "first name initial"),
    (FirstNameComparison(), {"first_name": "Bob"}, {"first_name": "Robert"}, "first name nickname"),
    (
        FirstNameComparison(),
        {"first_name": "Cam"},
        {"first_name": "Camille"},
        "first name shortened",
    ),
    (
        FirstNameComparison(),
        {"first_name": "Anne-So"},
        {"first_name": "Anne-Sophie"},
        "first name shortened",
    ),
    (
        FirstNameComparison(),
        {"first_name": "Jean-Bapt"},
        {"first_name": "JEAN BAPTISTE"},
        "first name shortened",
    ),
    # a first name in its own right is not a short form: Paul and Pauline may be a couple
    (
        FirstNameComparison(),
        {"first_name": "Paul"},
        {"first_name": "Pauline"},
        "first name a relative's (a man's and a woman's form)",
    ),
    (
        FirstNameComparison(),
        {"first_name": "Jean"},
        {"first_name": "Jean-Pierre"},
        "first name different",
    ),
    (
        FirstNameComparison(),
        {"first_name": "Ca"},
        {"first_name": "Camille"},
        "first name different",
    ),
    (
        FirstNameComparison(),
        {"first_name": "Louis", "last_name": "Guigui"},
        {"first_name": "Guillaume", "last_name": "Louis"},
        "first name in the other's last-name field",
    ),
    (
        FirstNameComparison(),
        {"first_name": "Bernard", "last_name": "Dom", "email": "dominiquebernard04@free.fr"},
        {"first_name": "Dominique", "email": "dominiquebernard04@free.fr"},
        "first name in the other's last-name field",
    ),
    # her husband on the family mailbox: nothing says Julie's names are swapped
    (
        FirstNameComparison(),
        {"first_name": "Julie", "last_name": "Thomas", "email": "famille.thomas@free.fr"},
        {"first_name": "Thomas", "email": "famille.thomas@free.fr"},
        "first name different",
    ),
    (
        LastNameComparison(),
        {"first_name": "Louis", "last_name": "Guigui"},
        {"first_name": "Guillaume", "last_name": "Louis"},
        "last name in the other's first-name field",
    ),
    (
        LastNameComparison(),
        {"first_name": "Julie", "last_name": "Thomas"},
        {"first_name": "Thomas", "last_name": "Dupont"},
        "last name different",
    ),
    # two newsletter rows without a last name: their e-mails say what they share
    (
        LastNameComparison(),
        {"first_name": "Quentin", "email": "quentin.mary@gmail.com"},
        {"first_name": "Quentin", "email": "quentin.mary@gnail.com"},
        "missing",
    ),
    (
        FirstNameComparison(),
        {"first_name": "Nicolas"},
        {"first_name": "Julie"},
        "first name different",
    ),
    (FirstNameComparison(), {"first_name": None}, {"first_name": "Julie"}, "missing"),
    (LastNameComparison(), {"last_name": "Le Gall"}, {"last_name": "LE-GALL"}, "last name exact"),
    (
        LastNameComparison(),
        {"last_name": "Lefebvre"},
        {"last_name": "Lefèvre"},
        "last name phonetic",
    ),
    (
        LastNameComparison(),
        {"last_name": "Martin"},
        {"last_name": "Dupont-Martin"},
        "last name shares a word",
    ),
    (LastNameComparison(), {"last_name": "Dupont"}, {"last_name": "Zerbib"}, "last name different"),
    (
        BirthDateComparison(),
        {"birth_date": "1980-03-04"},
        {"birth_date": "1980-03-04"},
        "birth date exact",
    ),
    (
        BirthDateComparison(),
        {"birth_date": "1980-03-04"},
        {"birth_date": "1980-04-03"},
        "birth date day/month swapped",
    ),
    (
        BirthDateComparison(),
        {"birth_date": "1980-03-04"},
        {"birth_date": "1980-03-14"},
        "birth date one typo",
    ),
    (
        BirthDateComparison(),
        {"birth_date": "1980-03-04"},
        {"birth_date": "1980-11-23"},
        "birth date same year",
    ),
    (
        BirthDateComparison(),
        {"birth_date": "1980-03-04"},
        {"birth_date": "1975-06-30"},
        "birth date different",
    ),
    (BirthDateComparison(), {"birth_date": "04/03/1980"}, {"birth_date": "1980-03-04"}, "missing"),
    (
        EmailComparison(),
        {"email": "jean.dupont@gmail.com"},
        {"email": "jean.dupont@gmail.com"},
        "email exact",
    ),
    # a role mailbox is the company's: as strong a link, but no one person's
    (
        EmailComparison(),
        {"email": "contact@acme.fr"},
        {"email": "Contact@ACME.fr"},
        "email exact, a shared mailbox",
    ),
    (
        EmailComparison(),
        {"email": "jean.dupont+promo@gmail.com"},
        {"email": "jeandupont@googlemail.com"},
        "email canonical",
    ),
    (
        EmailComparison(),
        {"email": "jdupont77@orange.fr"},
        {"email": "jdupont77@free.fr"},
        "email same local part, other domain",
    ),
    # one provider's mailbox renamed with the provider: Wanadoo is Orange, Neuf and
    # Club-Internet are SFR (no digit needed: the mailbox kept its name)
    (
        EmailComparison(),
        {"email": "jerome.guerin@wanadoo.fr"},
        {"email": "jerome.guerin@orange.fr"},
        "email same local part, other domain",
    ),
    (
        EmailComparison(),
        {"email": "carpentierc@club-internet.fr"},
        {"email": "carpentierc@sfr.fr"},
        "email same local part, other domain",
    ),
    (
        EmailComparison(),
        {"email": "jdupont77@wanadoo.fr"},
        {"email": "jdupont77@free.fr"},
        "email same local part, other domain",
    ),
    # two providers, or Microsoft's domains (each gives its names apart): no digit, the
    # name before the "@" is every Serge Bailly's
    (
        EmailComparison(),
        {"email": "serge.bailly@hotmail.fr"},
        {"email": "serge.bailly@outlook.fr"},
        "email different",
    ),
    (
        EmailComparison(),
        {"email": "jerome.guerin@orange.fr"},
        {"email": "jerome.guerin@neuf.fr"},
        "email different",
    ),
    (
        EmailComparison(),
        {"email": "mfernandes@orange.fr"},
        {"email": "mfernandes@ornage.fr"},
        "email domain typo",
    ),
    (
        EmailComparison(),
        {"email": "claire.pinto@gmail.com"},
        {"email": "claire.pinto@gmail.co"},
        "email domain typo",
    ),
    (
        EmailComparison(),
        {"email": "marie.martin12@free.fr"},
        {"email": "marie.martin13@free.fr"},
        "email different",
    ),
    (
        LastNameComparison(),
        {"first_name": "Thomas", "email": "lefevre.thomas1984@aol.com"},
        {"first_name": "Thomas", "last_name": "Lefèvre", "email": "t.lefevre@free.fr"},
        "last name found in the other's e-mail",
    ),
    (
        LastNameComparison(),
        {"first_name": "Sébastien", "email": "salmeida@gmail.com"},
        {"first_name": "Sébastien", "last_name": "Almeida"},
        "last name found in the other's e-mail",
    ),
    (
        LastNameComparison(),
        {"first_name": "Marie", "last_name": "Jourdan", "email": "marie.lemoal@yahoo.fr"},
        {"first_name": "Marie", "last_name": "Le Moal"},
        "last name found in the other's e-mail",
    ),
    (
        LastNameComparison(),
        {"first_name": "Thomas", "email": "tomtom75@free.fr"},
        {"first_name": "Thomas", "last_name": "Lefèvre"},
        "no last name, not in the other's e-mail",
    ),
    (
        LastNameComparison(),
        {"first_name": "Thomas", "email": "thomas.lefevre@free.fr"},
        {"first_name": "Thomas", "last_name": "Lefèvre", "email": "thomas.lefevre@free.fr"},
        "missing",
    ),
    (LastNameComparison(), {"first_name": "Thomas"}, {"last_name": "Lefèvre"}, "missing"),
    (
        FirstNameComparison(),
        {"email": "luc.gaudin@gmail.com"},
        {"first_name": "Luc", "last_name": "Gaudin"},
        "first name found in the other's e-mail",
    ),
    (
        FirstNameComparison(),
        {"email": "contact@gaudin-sarl.fr"},
        {"first_name": "Luc", "last_name": "Gaudin"},
        "missing",
    ),
    (
        EmailComparison(),
        {"email": "philippe.moreau@orange.fr"},
        {"email": "philippe.moreau@acme.fr"},
        "email different",
    ),
    (
        EmailComparison(),
        {"email": "contact@orange.fr"},
        {"email": "contact@free.fr"},
        "email different",
    ),
    (
        EmailComparison(),
        {"email": "jdupont@orange.fr"},
        {"email": "marie.d@free.fr"},
        "email different",
    ),
    (
        PhoneComparison(),
        {"phone": "+33612345678"},
        {"phone": "+33612345678"},
        "phone exact, a mobile",
    ),
    (PhoneComparison(), {"phone": "+33143000000"}, {"phone": "+33143000000"}, "phone exact"),
    # an overseas mobile (06 92 ... in La Réunion) is one person's too; its landline is not
    (
        PhoneComparison(),
        {"phone": "+262692123456"},
        {"phone": "+262692123456"},
        "phone exact, a mobile",
    ),
    (
        PhoneComparison(),
        {"phone": "+590690223344"},
        {"phone": "+590690223344"},
        "phone exact, a mobile",
    ),
    (PhoneComparison(), {"phone": "+262262223344"}, {"phone": "+262262223344"}, "phone exact"),
    (
        PhoneComparison(),
        {"phone": "+33612345678"},
        {"phone": "+33712345678"},
        "phone last 8 digits",
    ),
    (PhoneComparison(), {"phone": "+33612345678"}, {"phone": "+33698765432"}, "phone different"),
    (
        AddressComparison(),
        {"postcode": "75011", "street": "12 rue Oberkampf"},
        {"postcode": "75011", "street": "12, Rue Oberkampf"},
        "address exact",
    ),
    (
        AddressComparison(),
        {"postcode": "75011", "street": "12 rue Oberkampf"},
        {"postcode": "75011", "street": "12 r Oberkampf"},
        "address same postcode, similar street",
    ),
    (
        AddressComparison(),
        {"postcode": "75011", "street": "12 rue Oberkampf"},
        {"postcode": "75011", "street": "3 avenue Parmentier"},
        "address same postcode",
    ),
    (
        AddressComparison(),
        {"postcode": "69003", "city": "Lyon"},
        {"postcode": "69007", "city": "LYON"},
        "address same city",
    ),
    (
        AddressComparison(),
        {"postcode": "75011", "city": "Paris"},
        {"postcode": "59000", "city": "Lille"},
        "address different",
    ),
    (SirenComparison(), {"siren": "732829320"}, {"siren": "732 829 320"}, "SIREN exact"),
    (SirenComparison(), {"siren": "732829320"}, {"siren": "552100554"}, "SIREN different"),
    (
        IdentifierComparison("loyalty_id", max_edits=1),
        {"loyalty_id": "fid-00123"},
        {"loyalty_id": "FID-00123"},
        "loyalty_id exact",
    ),
    (
        IdentifierComparison("loyalty_id", max_edits=1),
        {"loyalty_id": "4314184"},
        {"loyalty_id": "4341184"},
        "loyalty_id one edit",
    ),
    (
        IdentifierComparison("loyalty_id", max_edits=1),
        {"loyalty_id": "FID-00123"},
        {"loyalty_id": "FID-98765"},
        "loyalty_id different",
    ),
]


@pytest.mark.parametrize(("comp", "left", "right", "expected"), CASES)
def test_level(
    comp: Comparison, left: dict[str, object], right: dict[str, object], expected: str
) -> None:
    assert level_of(comp, left, right) == expected


def test_several_emails_any_agrees() -> None:
    records = frame(record(1), record(2)).with_columns(
        pl.Series("emails", [["perso@free.fr", "j.dupont@acme.fr"], ["j.dupont@acme.fr"]])
    )
    prepared = prepare_records(records)
    con = duckdb.connect()
    con.register("rec", prepared)
    con.register("pairs", pl.DataFrame({"id_l": [1], "id_r": [2]}))
    assert con.sql(gamma_sql((EmailComparison(),), "pairs", "rec", "rec")).fetchall()[0][2] == 0


def test_a_shared_mailbox_is_no_one_persons_email() -> None:
    """Marie Leroy gave her own e-mail and the company's contact@; Marie Lambert, her
    colleague, the contact@ alone. Three Dupont contacts of one family hold
    famille.dupont@: a family's mailbox. Marie Leroy's own e-mail is hers."""
    emails = [
        ["m.leroy@acme.fr", "contact@acme.fr"],
        ["contact@acme.fr"],
        ["contact@acme.fr", "m.leroy@acme.fr"],
        ["famille.dupont@free.fr"],
        ["famille.dupont@free.fr"],
        ["famille.dupont@free.fr", "jean.dupont.52@free.fr"],
        ["jean.dupont.52@free.fr"],
    ]
    records = frame(*(record(i) for i in range(1, 8))).with_columns(pl.Series("emails", emails))
    prepared = prepare_records(records)
    con = duckdb.connect()
    con.register("rec", prepared)
    pairs = [(1, 2), (1, 3), (4, 5), (4, 6), (6, 7)]
    con.register("pairs", pl.DataFrame(pairs, schema=["id_l", "id_r"], orient="row"))
    comp = EmailComparison()
    rows = con.sql(gamma_sql((comp,), "pairs", "rec", "rec") + " ORDER BY 1, 2").fetchall()
    assert [comp.levels[g].label for _l, _r, g in rows] == [
        "email exact, a shared mailbox",
        "email exact",
        "email exact, a shared mailbox",
        "email exact, a shared mailbox",
        "email exact",
    ]


def _levels(records: pl.DataFrame, *comps: Comparison) -> list[str]:
    prepared = prepare_records(records)
    con = duckdb.connect()
    con.register("rec", prepared)
    con.register("pairs", pl.DataFrame({"id_l": [1], "id_r": [2]}))
    row = con.sql(gamma_sql(comps, "pairs", "rec", "rec")).fetchall()[0][2:]
    return ["missing" if g == -1 else c.levels[g].label for c, g in zip(comps, row, strict=True)]


def test_an_email_typed_without_its_at_is_put_back() -> None:
    # the survey row's e-mail failed validation; the matcher still reads it
    records = frame(
        record(1, first_name="Gérard", last_name="Laurent", email="gerard.laurent@orange.fr"),
        record(2, first_name="Gérard"),
    ).with_columns(
        pl.Series("emails_unparsed", [[], ["Gerard.Laurent orange.fr"]], dtype=pl.List(pl.String))
    )
    assert _levels(records, EmailComparison(), LastNameComparison()) == [
        "email exact once its missing @ is put back",
        "missing",  # the (restored) e-mail is shared: it already counts
    ]
    # no known provider's domain to tell where the "@" went: not evidence
    unknown = records.with_columns(
        pl.Series("emails_unparsed", [[], ["gerard.laurentacme.fr"]], dtype=pl.List(pl.String))
    )
    assert _levels(unknown, EmailComparison()) == ["missing"]
    prepared = prepare_records(records)
    assert prepared["emails_1"].to_list() == ["gerard.laurent@orange.fr", None]
    assert prepared["emails_fixed_1"].to_list() == [None, "gerard.laurent@orange.fr"]


@pytest.mark.parametrize("comp", [c for c, *_ in CASES])
def test_round_trip_and_docstring(comp: Comparison) -> None:
    assert comparison_from_dict(comp.to_dict()) == comp
    doc = type(comp).__doc__ or ""
    assert "Levels:" in doc


#: The domain-typo level as it was written before its prefilter: the reference.
_TYPO_LAMBDAS = (
    "list_bool_or(list_transform(l.emails, lambda a: "
    "list_bool_or(list_transform(r.emails, lambda b: "
    "CASE WHEN split_part(a, '@', 1) <> split_part(b, '@', 1) THEN false "
    "WHEN abs(length(a) - length(b)) > 1 THEN false "
    "ELSE damerau_levenshtein(split_part(a, '@', 2), split_part(b, '@', 2)) <= 1 "
    "END))))"
)


def test_domain_typo_prefilter_agrees_with_the_lambdas() -> None:
    # every pair of records holding 0 to 3 e-mails among near variants: the
    # prefiltered level (one e-mail each, or several) holds exactly when the
    # lambdas over both lists say so
    variants = [
        "marie.dupont@orange.fr",
        "marie.dupont@ornage.fr",
        "marie.dupont@orange.com",
        "marie.dupont@orange.f",
        "marie.dupon@orange.fr",
        "jb@free.fr",
        "jb@fre.fr",
        "jb@fr.ee",
        "jb2@free.fr",
        "@free.fr",
        "@fre.fr",
        "noat",
        "noat@",
    ]
    lists: list[list[str] | None] = [None, *([v] for v in variants)]
    lists += [
        ["jb@free.fr", "marie.dupont@orange.fr"],
        ["marie.dupont@ornage.fr", "jb2@free.fr"],
        ["jb@gmail.com", "jb@fre.fr"],
        ["x@y.fr", "z@w.fr", "marie.dupont@orange.f"],
    ]
    records = pl.DataFrame(
        {"record_id": list(range(len(lists))), "emails": lists},
        schema={"record_id": pl.Int64, "emails": pl.List(pl.String)},
    )
    prepared = whole_lists(prepare_records(records))
    typo = next(lvl for lvl in EmailComparison().levels if lvl.label == "email domain typo")
    con = duckdb.connect()
    con.register("rec", prepared)
    rows = con.sql(
        f"SELECT l.record_id, r.record_id, coalesce({typo.sql}, false), "
        f"coalesce({_TYPO_LAMBDAS}, false) FROM rec l, rec r WHERE l.record_id <> r.record_id"
    ).fetchall()
    assert len(rows) == len(lists) * (len(lists) - 1)
    assert sum(1 for *_, new, _ in rows if new) > 10
    assert [(a, b) for a, b, new, old in rows if new != old] == []


def _reference_sql(sql: str) -> str:
    """A level's SQL as written before its shortcuts: plain ``list_has_any`` and
    lambdas over whole lists (:func:`whole_lists`), no first values."""
    from carnet.match import comparisons as c

    out = sql.replace(c._DOMAIN_TYPO, _TYPO_LAMBDAS)
    for side, other in (("l", "r"), ("r", "l")):
        for key in ("fn_key", "ln_key"):
            out = out.replace(
                c._in_email(side, other, key),
                f"(length({other}.{key}) >= 3 AND list_bool_or(list_transform("
                f"{side}.email_letters, lambda x: contains(x, {other}.{key}))))",
            )
        for a_col in ("fn_groups", "ln_groups"):
            for b_col in ("fn_groups", "ln_groups"):
                a, b = f"{side}.{a_col}", f"{other}.{b_col}"
                out = out.replace(c._shares(a, b), f"list_has_any({a}, {b})")
    for col in NARROW_LISTS:
        out = out.replace(c._shares(f"l.{col}", f"r.{col}"), f"list_has_any(l.{col}, r.{col})")
        for side in ("l", "r"):
            out = out.replace(c._values(f"{side}.{col}"), f"{side}.{col}")
            out = out.replace(f"{side}.{col}_1 IS ", f"{side}.{col} IS ")
    return out


def test_shortcuts_give_the_levels_of_the_plain_sql(population: pl.DataFrame) -> None:
    # every comparison, every pair of a mixed population (one or several
    # e-mails and phones, nicknames, compound and missing names): the levels
    # with the list shortcuts are those of plain list_has_any and lambdas
    extra = pl.DataFrame(
        {
            "record_id": [9001, 9002, 9003, 9004, 9005, 9006, 9007, 9008, 9009],
            "first_name": [
                "Cathy",
                "Catherine",
                None,
                "JB",
                "Jean-Baptiste",
                "Louis",
                "Dominique",
                "Bernard",
                None,
            ],
            "last_name": [
                "Martin-Dupont",
                "Martin",
                "Dupont",
                None,
                "Moreau",
                "Guigui",
                None,
                "Dom",
                None,
            ],
            "emails": [
                ["c.martin@orange.fr", "cathy.md@gmail.com"],
                ["c.martin@ornage.fr"],
                ["cathy.md@gmail.co", "dupont77@free.fr"],
                ["jb.moreau@free.fr", "jb@fre.fr", "x@y.fr"],
                ["jb@free.fr"],
                None,
                ["dominiquebernard04@free.fr", "dom.b@gmail.com"],
                ["bernard.dom@orange.fr"],
                ["louis.guigui@free.fr", "cathy.martin@free.fr"],
            ],
            "phones": [
                ["+33612345678", "+33143000000"],
                ["+33712345678"],
                ["+33143000000"],
                None,
                ["+33612345678"],
                ["+33698765432", "+33143000001"],
                None,
                ["+33143000001"],
                None,
            ],
        },
        schema={
            "record_id": pl.Int64,
            "first_name": pl.String,
            "last_name": pl.String,
            "emails": pl.List(pl.String),
            "phones": pl.List(pl.String),
        },
    )
    base = population.head(150)
    records = pl.concat([base, extra], how="diagonal_relaxed")
    prepared = whole_lists(prepare_records(records))
    con = duckdb.connect()
    con.register("rec", prepared)
    comps = [
        FirstNameComparison(),
        LastNameComparison(),
        EmailComparison(),
        PhoneComparison(),
        AddressComparison(),
    ]
    changed = 0
    for comp in comps:
        new = comp.gamma_sql()
        old = _reference_sql(new)
        changed += old != new
        assert not re.search(r"\.\w+_(1|many)\b", old), old  # every shortcut undone
        rows = con.sql(
            f"SELECT l.record_id, r.record_id, ({new})::TINYINT, ({old})::TINYINT "
            "FROM rec l, rec r WHERE l.record_id < r.record_id"
        ).fetchall()
        assert len(rows) == records.height * (records.height - 1) // 2
        assert [(a, b, n, o) for a, b, n, o in rows if n != o] == [], comp.name
        assert len({n for *_, n, _ in rows}) > 2, comp.name
    assert changed == 4  # the address comparison has no list


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.tuples(st.text("abcdeéè -'", max_size=12), st.text("abcdeéè -'", max_size=12)),
        min_size=1,
        max_size=50,
    )
)
def test_jaro_winkler_with_a_cutoff_is_the_same_test(pairs: list[tuple[str, str]]) -> None:
    # the name and street levels pass their threshold as DuckDB's score cutoff
    con = duckdb.connect()
    con.register("p", pl.DataFrame(pairs, schema=["a", "b"], orient="row"))
    for t in (0.88, 0.92):
        rows = con.sql(
            f"SELECT jaro_winkler_similarity(a, b, {t}) >= {t}, "
            f"jaro_winkler_similarity(a, b) >= {t} FROM p"
        ).fetchall()
        assert [x for x, _ in rows] == [y for _, y in rows]
