"""carnet.fields.email.check_column and the short path for plain addresses say exactly what the
full check says."""

from __future__ import annotations

import csv
import itertools
import json
import string
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from carnet.fields import email

DATA = Path(__file__).parents[1] / "data"
BLNS: list[str] = json.loads((DATA / "blns" / "blns.json").read_text(encoding="utf-8"))
with (DATA / "email" / "isemail_tests.csv").open(encoding="utf-8", newline="") as _handle:
    ISEMAIL: list[str] = [row["address"] for row in csv.DictReader(_handle)]


@contextmanager
def _full_path_only() -> Iterator[None]:
    """check() without its short path for plain addresses: the reference."""
    saved = email._plain
    email._plain = lambda text: None
    try:
        yield
    finally:
        email._plain = saved


@contextmanager
def _columns_from(size: int) -> Iterator[None]:
    """check_distinct's Polars path from ``size`` values on (COLUMN_FROM by default)."""
    saved = email.COLUMN_FROM
    email.COLUMN_FROM = size
    try:
        yield
    finally:
        email.COLUMN_FROM = saved


def _same_as_check(values: Sequence[str | None]) -> None:
    """check_column (short path, cached domain facts) says what the full path says."""
    column = email.check_column(values)
    with _columns_from(1):  # the column path, however short the column
        vectorised = email.check_column(values)
    assert vectorised == column
    assert len(column) == len(values)
    with _full_path_only():
        reference = [email.check(value) for value in values]
    for value, verdict, expected in zip(values, column, reference, strict=True):
        assert verdict == expected, value


TABLE: list[str | None] = [
    "jean.dupont@gmail.com",
    "Jean.Dupont@Gmail.COM",
    "  marie@orange.fr  ",
    " a@b.fr",
    "a@b.fr\r\n",
    "\x1ca@b.fr\x1f",
    "\u00a0a@b.fr",
    "jean .dupont@ gmail.com",
    "mailto:paul@free.fr",
    "E-mail : paul@free.fr",
    "Courriel perso: paul@free.fr",
    "paul@free.fr\"",
    "paul at free dot fr",
    "paul@free point fr",
    "paul@free.fr @",
    "<paul@free.fr> @",
    "Paul Martin <paul@free.fr>",
    "paul@free.fr.",
    "'paul@free.fr'",
    "a@b.fr; c@d.fr",
    "jean@@free.fr",
    "jean.dupontgmail.com",
    "marie.curie@gmial.com",
    "marie@hotmial.fr",
    "x@gmail.fr",
    "x@gmail.con",
    "x@orange.com",
    "contact@yopmail.com",
    "pasdemail@gmail.com",
    "pas.de.mail@free.fr",
    "test@test.com",
    "toto@toto.fr",
    "a@a.fr",
    "x@x.x",
    "jean@jean.fr",
    "test@iana.org",
    "Compta+2024@Entreprise.fr",
    "no-reply@service.fr",
    "serv.ice-client@x.fr",
    "c.o.n.t.a.c.t@x.fr",
    "-contact-@x.fr",
    "_info_+x@x.fr",
    "contact+@x.fr",
    "contact++x@x.fr",
    "con+tact@x.fr",
    "contacts@x.fr",
    "Kontakt@x.fr",
    "\u212aelvin@x.fr",
    "x@mail.yopmail.com",
    "x@gmial.com ",
    "a@b.test",
    "a@b.localhost",
    "a@b--c.fr",
    # a double hyphen is email-validator's business only as a label's third and fourth
    # characters (reserved, or Punycode)
    "jean@voisin--associes.com",
    "jean@ab--cd.fr",
    "jean@x.ab--cd.fr",
    "jean@AB--cd.fr",
    "jean@xn--dupont-associs-fcb.fr",
    "jean@dupontxn--a.fr",
    "jean@xn--a.fr",
    "jean@a---b.fr",
    "jean@a.b--c",
    "jean@abc.xn--p1ai",
    "a@-b.fr",
    "a@b.f1",
    "a@b.1f",
    "a@localhost",
    "a.@b.fr",
    ".a@b.fr",
    "a..b@c.fr",
    "a+b@c.fr",
    "o'connor@c.fr",
    "x" * 64 + "@b.fr",
    "x" * 65 + "@b.fr",
    "a@" + "b" * 63 + ".fr",
    "a@" + "b" * 64 + ".fr",
    "a@" + ".".join(["b" * 60] * 4) + ".fr",
    "test@xn--hxajbheg2az3al.xn--jxalpdlp",
    "Élodie@Société.fr",
    "N/A",
    "-",
    "",
    "   ",
    None,
    "not an email",
    "a@b",
    "a@b.fr\n",
    "a\n@b.fr",
    # invisible characters, stray brackets, accents before the @, cells saying "none"
    "jean.dupont@orange.fr\u200b",
    "\ufeffjean@free.fr",
    "jean\u200c@free.fr",
    "x@orange.fr>",
    "<x@orange.fr",
    "jéan.dupont@orange.fr",
    "néant",
    "pas d'email",
    "0",
    "x",
    "#N/A",
    # JSON lists from API exports, several addresses in a cell
    '["claire.durand@free.fr"]',
    "[]",
    '[{"label":"work","value":"paul.martin@orange.fr","primary":true}]',
    '["a@free.fr","b@orange.fr"]',
    "a@free.fr / b@orange.fr",
    "a@free.fr ou b@orange.fr",
]


def test_table() -> None:
    _same_as_check(TABLE)


def test_order_duplicates_and_shared_verdicts() -> None:
    values = ["a@b.fr", None, "A@B.FR", "a@b.fr", "junk", None]
    column = email.check_column(values)
    assert [v.normalised for v in column] == [
        "a@b.fr",
        None,
        "a@b.fr",
        "a@b.fr",
        None,
        None,
    ]
    assert column[0] is column[3]


def test_empty_column() -> None:
    assert email.check_column([]) == []
    assert email.check_column([None, ""]) == [email.check(None), email.check("")]


def test_trimmed_typo_role_keep_the_reason_order() -> None:
    verdict = email.check_column([" contact@gmial.com "])[0]
    assert verdict == email.check(" contact@gmial.com ")
    assert sorted(verdict.flags) == ["role", "trimmed", "typo"]
    assert verdict.reasons[0] == "Blanks around the address were removed."


def test_blns() -> None:
    _same_as_check([*BLNS, *(f"{s}@gmail.com" for s in BLNS), *(f"a@{s}.fr" for s in BLNS)])


def test_isemail_vectors() -> None:
    _same_as_check(ISEMAIL)


def test_deliverability_falls_back_to_check(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(email, "_deliverable", lambda address, timeout: None)
    values = ["a@b.fr", "x@gmial.com", None]
    assert email.check_column(values, deliverability=True) == [
        email.check(v, deliverability=True) for v in values
    ]


LOCALS = st.sampled_from(
    ["jean.dupont", "Marie", "contact", "compta+x", "no-reply", "a_b", "o'neil", "x", "Info"]
)
DOMAINS = st.sampled_from(
    [
        "gmail.com",
        "GMAIL.COM",
        "gmial.com",
        "hotmial.fr",
        "gmail.fr",
        "orange.fr",
        "ornage.fr",
        "yopmail.com",
        "mail.yopmail.com",
        "entreprise.fr",
        "boulangerie-meyer.com",
        "free.frr",
        "laposte.net",
        "b.test",
        "x.onion",
    ]
)
WRAPS = st.sampled_from(["{}", " {}", "{} ", "\t{}\n", "{}.", "<{}>", "mailto:{}", "{};x@y.fr"])


@st.composite
def addresses(draw: st.DrawFn) -> str | None:
    kind = draw(st.integers(0, 4))
    if kind == 0:
        return None
    if kind == 1:
        return draw(st.text(max_size=30))
    if kind == 2:
        return draw(st.text(alphabet="aB.@ -_+'x\t", max_size=20))
    address = f"{draw(LOCALS)}@{draw(DOMAINS)}"
    if kind == 3:
        address = address.replace(".", draw(st.sampled_from([".", " .", "", ".."])), 1)
    return draw(WRAPS).format(address)


@settings(max_examples=300, deadline=None)
@given(st.lists(addresses(), max_size=40))
def test_generated_columns(values: list[str | None]) -> None:
    _same_as_check(values)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40))
def test_any_text(value: str) -> None:
    _same_as_check([value, f"{value}@gmail.com", f"a@{value}"])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet="abxn-.1", min_size=1, max_size=14), max_size=20))
def test_hyphenated_domains(domains: list[str]) -> None:
    """Double hyphens anywhere in a domain, Punycode-like or not: the short path agrees
    with email-validator."""
    _same_as_check([*(f"jean@{d}" for d in domains), *(f"jean@{d}.fr" for d in domains)])


def test_one_edit_is_distance_at_most_one() -> None:
    words = ["".join(w) for n in range(5) for w in itertools.product("abc", repeat=n)]
    for a, b in itertools.product(words, repeat=2):
        assert email._one_edit(a, b) == (email._distance(a, b, 1) <= 1), (a, b)


def test_one_edit_keeps_the_first_or_the_last_letter() -> None:
    """What suggest_domain's short cut relies on: words of three letters or more one
    edit apart have the same first letter or the same last letter."""
    words = ["".join(w) for n in range(3, 6) for w in itertools.product("abc", repeat=n)]
    for a, b in itertools.product(words, repeat=2):
        if email._one_edit(a, b):
            assert a[0] == b[0] or a[-1] == b[-1], (a, b)


ASCII = string.ascii_letters + string.digits + "_!#$%&'*+-/=?^`{|}~.@\\\"() ,;:<>[]\t"


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet=ASCII, max_size=30), max_size=40), DOMAINS)
def test_ascii_columns(locals_: list[str], domain: str) -> None:
    """Every ASCII character the plain shape allows or refuses, in the local part."""
    _same_as_check([*(f"{local}@{domain}" for local in locals_), *locals_])


def test_plain_addresses_skip_the_one_by_one_check(monkeypatch: pytest.MonkeyPatch) -> None:
    """The column path really serves plain addresses: only the others reach check()."""
    values = [f"client.{i}@orange.fr" for i in range(200)] + ["contact@x.fr", "a@gmial.com"]
    expected = [email.check(v) for v in values]
    seen: list[str | None] = []
    check = email.check

    def counting(value: str | None) -> email.Verdict:
        seen.append(value)
        return check(value)

    monkeypatch.setattr(email, "check", counting)
    monkeypatch.setattr(email, "COLUMN_FROM", 1)  # the column path, however short
    assert email.check_distinct(values) == expected
    assert seen == ["contact@x.fr", "a@gmial.com"]


def test_a_lower_case_address_is_its_own_normalised_text(monkeypatch: pytest.MonkeyPatch) -> None:
    """The column path keeps one string for a plain address already in lower case (an
    import remembers every address's verdict: no copy of each), and still lower-cases
    the others."""
    values = [f"client.{i}@orange.fr" for i in range(50)]
    values += ["Jean.DUPONT@Orange.fr", "marie@ORANGE.FR", "  paul@free.fr", None, ""]
    monkeypatch.setattr(email, "COLUMN_FROM", 1)  # the column path, however short
    verdicts = email.check_distinct(values)
    assert verdicts == [email.check(v) for v in values]
    assert all(v.normalised is raw for v, raw in zip(verdicts[:50], values, strict=False))
    assert [v.normalised for v in verdicts[50:53]] == [
        "jean.dupont@orange.fr",
        "marie@orange.fr",
        "paul@free.fr",
    ]
