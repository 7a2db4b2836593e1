"""Column checks: one verdict per distinct value, counted per cell; DNS only when configured."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from carnet.fields import email
from carnet.fields.catalog import default_catalog
from carnet.fields.verdict import Verdict
from carnet.ingest import verdicts as verdicts_module
from carnet.ingest.pipeline import _email_dns_timeout
from carnet.ingest.verdicts import ColumnChecker

CATALOG = default_catalog()


@pytest.fixture(autouse=True)
def _fresh_shared_caches(monkeypatch: pytest.MonkeyPatch) -> None:
    """Email and phone verdicts are shared by every checker of the process: start empty."""
    from carnet.ingest import verdicts as verdicts_module

    monkeypatch.setattr(verdicts_module, "_SHARED", {})


def test_columns_of_several_files_check_a_value_once() -> None:
    shop = ColumnChecker(CATALOG["email"], "FR")
    newsletter = ColumnChecker(CATALOG["email"], "FR")
    shop.column(["a@free.fr", "b@free.fr"])
    verdicts = newsletter.column(["A@free.fr", "a@free.fr"])
    assert (shop.checked, newsletter.checked) == (2, 1)
    assert newsletter.summary() == {"valid": 2}
    assert verdicts[1] is shop.column(["a@free.fr"])[0]
    # a DNS check depends on the network, not only on the value: never shared
    with_dns = ColumnChecker(CATALOG["email"], "FR", email_dns_timeout=1.0)
    assert with_dns._cache is not shop._cache


def test_each_distinct_value_is_checked_once_and_every_cell_counted() -> None:
    checker = ColumnChecker(CATALOG["email"], "FR")
    values = ["a@free.fr", "a@free.fr", None, "", "bad@", "a@free.fr"]
    verdicts = checker.column(values)
    assert [v.status.value for v in verdicts] == [
        "valid",
        "valid",
        "empty",
        "empty",
        "invalid",
        "valid",
    ]
    assert verdicts[0] is verdicts[1]
    assert checker.checked == 4
    assert checker.summary() == {"valid": 3, "invalid": 1, "empty": 2}


def test_dns_deliverability_only_when_configured(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[dict[str, Any]] = []

    def spy(raw: str, **options: Any) -> Verdict:
        calls.append(options)
        return Verdict.valid(raw, raw.strip().lower())

    monkeypatch.setattr(email, "check", spy)
    ColumnChecker(CATALOG["email"], "FR", email_dns_timeout=2.0).column(["x@free.fr"])
    assert calls == [{"deliverability": True, "timeout": 2.0}]
    assert _email_dns_timeout({}) is None
    assert _email_dns_timeout({"email_deliverability": True}) == 3.0
    assert _email_dns_timeout({"email_deliverability": True, "email_dns_timeout": 1}) == 1.0


BOUNDS = ("EMAIL_CACHE_LIMIT", "SHARED_CACHE_LIMIT", "CACHE_LIMIT")


@pytest.mark.parametrize(
    ("field", "limit"),
    [("email", "EMAIL_CACHE_LIMIT"), ("phone", "SHARED_CACHE_LIMIT"), ("website", "CACHE_LIMIT")],
)
def test_cache_is_bounded_and_counts_stay_exact(
    monkeypatch: pytest.MonkeyPatch, field: str, limit: str
) -> None:
    """The e-mail and phone caches every file shares have their own, larger bounds
    (the e-mail one the largest); a column's own cache has the small one."""
    from carnet.ingest import verdicts as verdicts_module

    for bound in BOUNDS:
        monkeypatch.setattr(verdicts_module, bound, 5 if bound == limit else 1_000)
    checker = ColumnChecker(CATALOG[field], "FR")
    for batch in range(4):
        values: list[str | None] = [f"user{batch}.{i}@free.fr" for i in range(4)] * 2 + [None]
        if field == "website":
            values = [f"www.user{batch}-{i}.fr" for i in range(4)] * 2 + [None]
        elif field == "phone":
            values = [f"06 12 34 5{batch} 0{i}" for i in range(4)] * 2 + [None]
        verdicts = checker.column(values)
        if field == "email":
            assert [v.normalised for v in verdicts[:4]] == [v.lower() for v in values[:4] if v]
        assert len(checker._cache) <= 5 + len(set(values))
    assert checker.summary() == {"valid": 32, "empty": 4}


def test_column_gives_every_cell_the_verdict_of_its_check() -> None:
    from carnet.fields import email, phone

    values: list[str | None] = [
        "a@free.fr",
        " B@Orange.FR",
        "x",
        None,
        "c@gmial.com",
        "06 12 34 56 78",
        "a@free.fr",
    ]
    checks = {"email": email.check, "phone": phone.check}
    for field, check in checks.items():
        verdicts = ColumnChecker(CATALOG[field], "FR").column(values)
        assert verdicts == [check(v) for v in values]


@pytest.mark.parametrize("field", ["email", "phone", "last_name", "postcode"])
def test_a_few_odd_values_among_plain_ones_get_their_own_verdicts(field: str) -> None:
    """Text markers and double-decoded accents are found in a batch of plain values."""
    plain = [f"user{i}@free.fr" if field == "email" else f"06 12 34 {i // 100:02d} {i % 100:02d}"
             for i in range(300)]
    odd = ["'+33612345678", "'75006", "hÃ©lene@free.fr", "FranÃ§ois", "'t Hooft", "'", "é"]
    batch = [*plain[:150], *odd, None, "", *plain[150:]]
    alone = []
    for value in batch:
        verdicts_module._SHARED.clear()  # each value checked on its own, no cache
        alone.append(ColumnChecker(CATALOG[field], "FR").column([value])[0])
    verdicts_module._SHARED.clear()
    assert ColumnChecker(CATALOG[field], "FR").column(batch) == alone


@pytest.mark.parametrize(
    ("field", "cell", "normalised"),
    [
        ("first_name", "FranÃ§ois", "François"),
        ("last_name", "LEFÃˆVRE", "Lefèvre"),
        ("city", "OrlÃ©ans", "Orléans"),
        ("address_line1", "12 rue de lâ€™Ã‰glise", "12 rue de l’Église"),
        ("email", "hÃ©lene@free.fr", "hélene@free.fr"),
        # Î is the bytes Windows-1252 reads as "ÃŽ", which ftfy leaves as they are
        ("city", "NÃŽMES", "NÎMES"),
        ("address_line1", "3 RUE DE L'ÃŽLE", "3 RUE DE L'ÎLE"),
    ],
)
def test_accents_decoded_with_the_wrong_encoding_are_repaired(
    field: str, cell: str, normalised: str
) -> None:
    """UTF-8 read as Windows-1252 and saved again: the text meant is checked."""
    [verdict] = ColumnChecker(CATALOG[field], "FR").column([cell])
    assert verdict.ok and verdict.normalised == normalised
    assert "encoding" in verdict.flags
    assert any("Accents repaired" in r and cell in r for r in verdict.reasons)


@pytest.mark.parametrize("cell", ["João", "SÃO PAULO", "Ãlvaro", "Besançon"])
def test_text_that_only_looks_double_decoded_is_left_alone(cell: str) -> None:
    [verdict] = ColumnChecker(CATALOG["city"], "FR").column([cell])
    assert "encoding" not in verdict.flags


@given(st.one_of(st.text(max_size=20), st.text(alphabet="ÃÂâÅÄ©¨§‰™€\x80 éa", max_size=12)))
def test_repairing_never_raises_and_repairs_once(text: str) -> None:
    from carnet.ingest.verdicts import repaired_encoding

    fixed = repaired_encoding(text)
    if fixed is not None:
        assert fixed != text
        assert repaired_encoding(fixed) is None


_WORD = st.text(alphabet="ABCDEFGHIJKLMNOPRSTUVZÀÂÇÉÈÊËÎÏÔÙÛÜàâçéèêëîïôùûü", min_size=2,
                max_size=10)


@given(st.lists(_WORD, min_size=1, max_size=3).map(" ".join))
@example("àÂ AA")  # ftfy read its garbled form as "à\xa0AA"
def test_any_french_text_decoded_with_the_wrong_encoding_is_given_back(text: str) -> None:
    """A city, a name, a street of French words: garbled, it is read back as it was."""
    from carnet.ingest.verdicts import repaired_encoding

    if _cp1252(text) and not text.isascii():
        assert repaired_encoding(text.encode("utf-8").decode("cp1252")) == text


def _cp1252(text: str) -> bool:
    """Whether the UTF-8 bytes of ``text`` all read as Windows-1252 (5 bytes have no
    character there: such a file could not have been saved so)."""
    try:
        text.encode("utf-8").decode("cp1252")
    except UnicodeDecodeError:
        return False
    return True
