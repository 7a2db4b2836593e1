"""Folding, French phonetic key, nicknames, e-mail canonicalisation."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from carnet.match import NICKNAMES, canonical_email, fold, french_phonetic, name_groups
from carnet.match.nicknames import DIMINUTIVES
from carnet.match.phonetic import fold_expr, french_phonetic_expr
from carnet.match.records import _with_canonical_email, canonical_email_expr


@pytest.mark.parametrize(
    ("raw", "folded"),
    [
        ("  Jean-Baptiste LE GOFF ", "jean baptiste le goff"),
        ("Éloïse", "eloise"),
        ("Œuvre", "oeuvre"),
        ("D'Artagnan", "d artagnan"),
        ("", None),
        ("---", None),
        (None, None),
    ],
)
def test_fold(raw: str | None, folded: str | None) -> None:
    assert fold(raw) == folded


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Lefebvre", "Lefèvre"),
        ("Dupont", "Dupond"),
        ("Philippe", "Filip"),
        ("Catherine", "Katherine"),
        ("Mathieu", "Matthieu"),
        ("Schmitt", "Chmit"),
        ("Rousseau", "Rousso"),
        ("Laurent", "Lorand"),
        ("Thomas", "Tomas"),
    ],
)
def test_phonetic_agrees(a: str, b: str) -> None:
    assert french_phonetic(a) == french_phonetic(b)


@pytest.mark.parametrize(
    ("a", "b"), [("Martin", "Martinez"), ("Dubois", "Dubas"), ("Zerbib", "Martin")]
)
def test_phonetic_disagrees(a: str, b: str) -> None:
    assert french_phonetic(a) != french_phonetic(b)


@settings(deadline=None)  # a Polars call per example: slow on a loaded CI machine
@given(st.lists(st.text(max_size=12), max_size=20))
def test_polars_twins_agree_with_python(values: list[str]) -> None:
    df = pl.DataFrame({"v": values}, schema={"v": pl.String}).with_columns(
        fold_expr(pl.col("v")).alias("f")
    )
    assert df["f"].to_list() == [fold(v) for v in values]
    keyed = df.with_columns(french_phonetic_expr(pl.col("f")).alias("p"))
    expected = [french_phonetic(f) for f in df["f"]]
    assert keyed["p"].to_list() == expected


@pytest.mark.parametrize(
    ("name", "groups"),
    [
        ("Cathy", ("catherine",)),
        ("JB", ("jean baptiste",)),
        ("nico", ("nicolas",)),
        ("Titine", ("christine", "martine")),
        ("Kiki", ("christian", "christine", "christophe")),
        ("Domi", ("dominique",)),
        ("Titi", ("thierry",)),
        ("Fred", ("frederic", "frederique")),
        ("Manu", ("emmanuel", "emmanuelle")),
        ("Seb", ("sebastien",)),
        ("Steph", ("stephane", "stephanie")),
        ("Marcel", ("marcel",)),
        (None, ()),
    ],
)
def test_name_groups(name: str | None, groups: tuple[str, ...]) -> None:
    assert name_groups(name) == groups


def test_nickname_table_is_folded() -> None:
    for short, names in NICKNAMES.items():
        assert fold(short) == short
        assert all(fold(n) == n for n in names)


def test_one_table_of_diminutives() -> None:
    """The field checks read the matcher's table: "Kiki", "Titi" and "Domi" are
    diminutives for both (they once were for the matcher only)."""
    from carnet.fields import name

    assert name.NICKNAMES is DIMINUTIVES
    assert set(NICKNAMES) == set(DIMINUTIVES)
    for short in ("kiki", "titi", "domi", "cricri", "soso"):
        assert name.nickname_of(short)
        assert name_groups(short) == tuple(fold(n) for n in DIMINUTIVES[short])


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("Cathy", "Catherine", True),
        ("Chris", "Christophe", True),
        ("Kiki", "Chris", True),
        # two full names are never one through a diminutive both are given
        ("Christophe", "Christian", False),
        ("Laurent", "Laurence", False),
        ("Michel", "Michèle", False),
    ],
)
def test_first_name_variants_agree_with_name_groups(a: str, b: str, same: bool) -> None:
    """The import's test of one first name (shared variants) and the matcher's
    nickname level (shared name groups) say the same."""
    from carnet.fields.name import first_name_variants

    assert bool(first_name_variants(a) & first_name_variants(b)) is same
    assert bool(set(name_groups(a)) & set(name_groups(b))) is same


@pytest.mark.parametrize(
    ("email", "canonical"),
    [
        ("jean.dupont@gmail.com", "jeandupont@gmail.com"),
        ("Jean.Dupont+promo@googlemail.com", "jeandupont@gmail.com"),
        ("j.dupont+news@outlook.fr", "j.dupont@outlook.fr"),
        ("j.dupont+x@example.fr", "j.dupont+x@example.fr"),
        ("no-at-sign", None),
        (None, None),
    ],
)
def test_canonical_email(email: str | None, canonical: str | None) -> None:
    assert canonical_email(email) == canonical
    if email is not None and "@" in email:
        out = pl.select(canonical_email_expr(pl.lit(email))).item()
        assert out == canonical


_EMAIL_PARTS = st.sampled_from(
    ["", "a", "J.Dupont", "jean..x", "+tag", "x+y", "@", " ", ".", "Ünï", "é"]
)
_DOMAINS = st.sampled_from(
    ["gmail.com", "GoogleMail.com", "outlook.fr", "example.fr", "", "gmail.com@x", "b@gmail.com"]
)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.none(),
            st.text(max_size=12),
            st.builds(
                lambda local, domain, pad: f"{pad}{local}@{domain}{pad}",
                _EMAIL_PARTS,
                _DOMAINS,
                st.sampled_from(["", " "]),
            ),
        ),
        max_size=30,
    )
)
def test_the_column_by_column_canonical_email_is_the_expression(emails: list[str | None]) -> None:
    """The preparation's step-by-step version gives exactly what the expression gives."""
    frame = pl.DataFrame({"value": emails}, schema={"value": pl.String})
    expected = frame.select(canonical_email_expr(pl.col("value")).alias("canon"))["canon"]
    got = _with_canonical_email(frame, "value", "canon")
    assert got.columns == ["value", "canon"]
    assert got["canon"].to_list() == expected.to_list()
