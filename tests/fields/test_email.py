"""carnet.fields.email: normalisation, typos, disposable and role accounts, isemail vectors."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import email_validator
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from carnet.errors import InvalidComponent, InvalidFormat, InvalidLength
from carnet.fields import email
from carnet.fields.verdict import Status

DATA = Path(__file__).parents[1] / "data" / "email"


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ("jean.dupont@gmail.com", "jean.dupont@gmail.com"),
        ("Jean.Dupont@Gmail.COM", "jean.dupont@gmail.com"),
        ("  marie@orange.fr  ", "marie@orange.fr"),
        ("jean .dupont@ gmail.com", "jean.dupont@gmail.com"),
        ("mailto:paul@free.fr", "paul@free.fr"),
        ("Paul Martin <paul@free.fr>", "paul@free.fr"),
        ("paul@free.fr.", "paul@free.fr"),
        ("'paul@free.fr'", "paul@free.fr"),
        ("test@xn--hxajbheg2az3al.xn--jxalpdlp", "test@παράδειγμα.δοκιμή"),
        ("Élodie@Société.fr", "élodie@société.fr"),
        ("a+promo@laposte.net", "a+promo@laposte.net"),
    ],
)
def test_normalise(raw: str, normalised: str) -> None:
    assert email.normalise(raw) == normalised
    assert email.check(raw).normalised == normalised


@pytest.mark.parametrize(
    ("raw", "flag"),
    [
        (" a@b.fr", "trimmed"),
        ("a@b.fr\r\n", "trimmed"),
        ("jean dupont@b.fr", "spaces_removed"),
        ("mailto:a@b.fr", "cleaned"),
        ("jean@free.fr (pro)", "cleaned"),
        ("(perso) jean@free.fr", "cleaned"),
        ("a@b.fr; c@d.fr", "multiple"),
        ("a@b.fr et c@d.fr", "multiple"),
        ("a@b.fr ou c@d.fr", "multiple"),
    ],
)
def test_repairs_are_warnings(raw: str, flag: str) -> None:
    verdict = email.check(raw)
    assert verdict.status is Status.WARNING
    assert flag in verdict.flags
    assert verdict.reasons


def test_multiple_addresses_keep_the_first_and_suggest_the_others() -> None:
    verdict = email.check("a@b.fr, c@d.fr")
    assert verdict.normalised == "a@b.fr"
    assert verdict.suggestions == ("c@d.fr",)


@pytest.mark.parametrize(
    ("raw", "suggestion"),
    [
        ("marie@gmial.com", "marie@gmail.com"),
        ("marie@gmail.con", "marie@gmail.com"),
        ("marie@gmail.fr", "marie@gmail.com"),
        ("marie@gmail.cm", "marie@gmail.com"),
        ("marie@gnail.com", "marie@gmail.com"),
        ("marie@hotmial.fr", "marie@hotmail.fr"),
        ("marie@hotmail.frr", "marie@hotmail.fr"),
        ("marie@hotmail.con", "marie@hotmail.com"),
        ("marie@yaho.fr", "marie@yahoo.fr"),
        ("marie@yahooo.fr", "marie@yahoo.fr"),
        ("marie@outlok.fr", "marie@outlook.fr"),
        ("marie@wanadoo.fe", "marie@wanadoo.fr"),
        ("marie@wanado.fr", "marie@wanadoo.fr"),
        ("marie@ornage.fr", "marie@orange.fr"),
        ("marie@oange.fr", "marie@orange.fr"),  # the r left out
        ("marie@ornge.fr", "marie@orange.fr"),
        ("marie@lapost.net", "marie@laposte.net"),
        ("marie@laposte.nte", "marie@laposte.net"),
        ("marie@icloud.fr", "marie@icloud.com"),
        ("marie@icoud.com", "marie@icloud.com"),
        ("marie@fre.fr", "marie@free.fr"),
    ],
)
def test_typo_is_a_warning_with_the_corrected_address(raw: str, suggestion: str) -> None:
    verdict = email.check(raw)
    assert verdict.status is Status.WARNING
    assert "typo" in verdict.flags
    assert verdict.suggestions[0] == suggestion
    assert "typo" in verdict.reasons[0]


@pytest.mark.parametrize(
    "raw",
    [
        "a@gmail.com",
        "a@hotmail.fr",
        "a@hotmail.com",
        "a@yahoo.fr",
        "a@orange.fr",
        "a@orange.com",
        "a@laposte.net",
        "a@laposte.fr",
        "a@free.fr",
        "a@sfr.fr",
        "a@gmx.fr",
        "a@gmf.fr",
        "a@email.com",
        "a@grange.fr",
        "a@edf.fr",
        "a@sncf.fr",
        "a@ymail.com",
        "a@me.com",
    ],
)
def test_real_domains_are_not_typos(raw: str) -> None:
    verdict = email.check(raw)
    assert "typo" not in verdict.flags
    assert verdict.status is Status.VALID


@pytest.mark.parametrize(
    ("raw", "suggestion"),
    [
        ("jean.dupontgmail.com", "jean.dupont@gmail.com"),
        ("jean.dupont.gmail.com", "jean.dupont@gmail.com"),
        ("jean.dupont at gmail.com", "jean.dupont@gmail.com"),
        ("jean.dupont(at)orange.fr", "jean.dupont@orange.fr"),
        ("jean.dupont [arobase] free.fr", "jean.dupont@free.fr"),
    ],
)
def test_missing_at_is_invalid_with_a_suggestion(raw: str, suggestion: str) -> None:
    verdict = email.check(raw)
    assert verdict.status is Status.INVALID
    assert "missing_at" in verdict.flags
    assert verdict.suggestions == (suggestion,)


@pytest.mark.parametrize(
    ("raw", "suggestion"),
    [
        ("jean@gmail", "jean@gmail.com"),
        ("jean@gmailcom", "jean@gmail.com"),
        ("jean@@free.fr", "jean@free.fr"),
        # a comma or semicolon typed for a dot, a doubled or stray dot
        ("jean@free,fr", "jean@free.fr"),
        ("jean.dupont@gmail;com", "jean.dupont@gmail.com"),
        ("jean.dupont@gmial,com", "jean.dupont@gmail.com"),
        ("jean,dupont@free.fr", "jean.dupont@free.fr"),
        ("jean..dupont@gmail.com", "jean.dupont@gmail.com"),
        ("jean.dupont.@orange.fr", "jean.dupont@orange.fr"),
        (".jean@laposte.net", "jean@laposte.net"),
        ("jean..dupont@gmail..con", "jean.dupont@gmail.com"),
    ],
)
def test_invalid_addresses_get_suggestions(raw: str, suggestion: str) -> None:
    verdict = email.check(raw)
    assert verdict.status is Status.INVALID
    assert verdict.suggestions == (suggestion,)


def test_missing_at_without_known_domain_has_no_suggestion() -> None:
    verdict = email.check("jean.dupont")
    assert verdict.status is Status.INVALID
    assert verdict.suggestions == ()


@pytest.mark.parametrize(
    "raw",
    [
        "x@yopmail.com",
        "x@yopmail.fr",
        "x@mailinator.com",
        "x@jetable.org",
        "x@guerrillamail.com",
        "x@10minutemail.com",
        "x@trashmail.com",
        "x@sub.yopmail.com",
    ],
)
def test_disposable_domains(raw: str) -> None:
    verdict = email.check(raw)
    assert verdict.status is Status.WARNING
    assert verdict.flags == {"disposable"}


def test_disposable_list_is_large_and_has_a_source_note() -> None:
    assert len(email._disposable_domains()) > 300
    assert not email.is_disposable_domain("gmail.com")
    path = Path(email.__file__).parent / "data" / "disposable_domains.txt"
    assert "SOURCE" in path.read_text(encoding="utf-8")[:500]


@pytest.mark.parametrize(
    "local",
    [
        "contact",
        "info",
        "admin",
        "noreply",
        "no-reply",
        "commercial",
        "compta",
        "rh",
        "direction",
        "accueil",
        "support",
        "sales",
        "ventes",
        "no_reply",
        "service.client",
        "info+x",
    ],
)
def test_role_accounts(local: str) -> None:
    verdict = email.check(f"{local}@entreprise.fr")
    assert verdict.status is Status.WARNING
    assert "role" in verdict.flags


def test_personal_address_is_not_a_role() -> None:
    assert email.check("jean.contact@entreprise.fr").status is Status.VALID


@pytest.mark.parametrize(
    ("raw", "error"),
    [
        ("no at sign", InvalidFormat),
        ("a@b@c.fr", InvalidFormat),
        ("a" * 65 + "@b.fr", InvalidLength),
        ("a@b", InvalidComponent),
        ("a@-b.fr", InvalidComponent),
        ("", InvalidFormat),
    ],
)
def test_validate_raises_the_right_error(raw: str, error: type[Exception]) -> None:
    with pytest.raises(error) as info:
        email.validate(raw)
    assert str(info.value)


def test_validate_returns_warnings_normalised() -> None:
    assert email.validate("Marie@Gmial.com") == "marie@gmial.com"


def test_format_and_check_many() -> None:
    assert email.format("A@B.FR") == "a@b.fr"
    result = email.check_many(["a@b.fr", "a@b.fr", "A@B.FR", None])
    assert list(result) == ["a@b.fr", "A@B.FR", None]


@pytest.mark.parametrize(
    "raw",
    ["pasdemail@gmail.com", "pas.de.mail@free.fr", "noemail@orange.fr", "aucun@aucun.fr",
     "test@test.com", "TOTO@TOTO.FR", "xxx@xxx.fr", "a@a.fr", "x@x.x", "sans-mail@laposte.net",
     # a form's example, copied into a file (a template's hint row): were valid
     "exemple@domaine.fr", "jean.dupont@domaine.fr", "votre.email@gmail.com",
     "prenom.nom@orange.fr", "nom@mondomaine.fr"],
)
def test_a_placeholder_for_no_address_is_invalid(raw: str) -> None:
    verdict = email.check(raw)
    assert verdict.status is Status.INVALID and verdict.flags == {"placeholder"}
    assert "placeholder" in verdict.reasons[0]
    # the column path (Polars, for batches) says the same
    [again] = email.check_column([raw] * 500)[:1]
    assert again.status is Status.INVALID and again.flags == {"placeholder"}


@pytest.mark.parametrize(
    "raw", ["test@iana.org", "jean@jean.fr", "toto.dupont@free.fr", "a@a.b.c.d", "na@free.fr",
            "contact@domaine-martin.fr", "jean@exemple-travaux.fr", "jean@exemple.fr",
            "paul@example.org"]
)
def test_words_that_only_look_like_placeholders_are_addresses(raw: str) -> None:
    assert email.check(raw).ok


# --- the is_email test vectors ------------------------------------------------------------

#: Rows labelled valid that carnet refuses on purpose, with the reason.
ISEMAIL_EXCEPTIONS = {
    # A domain without a dot (a bare TLD) is valid per RFC 5321 but email-validator
    # refuses it and no customer mailbox lives on a TLD.
    "test@io": "dotless domain",
    # Valid syntax, but the textbook placeholder a form gets when someone has no address
    # (or will not give it): a customer file must not mail it nor join people on it.
    "test@test.com": "placeholder",
}
#: carnet accepts "ordinary" addresses: these categories labelled valid must be ok.
ORDINARY = {"ISEMAIL_VALID_CATEGORY", "ISEMAIL_DNSWARN"}


def _isemail_rows() -> list[dict[str, str]]:
    with (DATA / "isemail_tests.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _category(row: dict[str, str]) -> str:
    return row["source_note"].split("category=")[1].split(";")[0]


ROWS = _isemail_rows()


def test_isemail_corpus_is_complete() -> None:
    assert len(ROWS) == 164
    assert sum(r["expected_valid"] == "true" for r in ROWS) == 38


@pytest.mark.parametrize(
    "row",
    [r for r in ROWS if r["expected_valid"] == "true" and _category(r) in ORDINARY],
    ids=lambda r: r["source_note"].split(";")[0][-7:],
)
def test_isemail_ordinary_valid_addresses_are_accepted(row: dict[str, str]) -> None:
    verdict = email.check(row["address"])
    if row["address"] in ISEMAIL_EXCEPTIONS:
        assert verdict.status is Status.INVALID
    else:
        assert verdict.ok, (row, verdict.reasons)


@pytest.mark.parametrize(
    "row",
    [r for r in ROWS if r["expected_valid"] == "false"],
    ids=lambda r: r["source_note"].split(";")[0][-7:],
)
def test_isemail_invalid_addresses_are_never_valid(row: dict[str, str]) -> None:
    verdict = email.check(row["address"])
    assert verdict.status is not Status.VALID, (row, verdict)


def test_isemail_rfc5321_only_addresses_are_refused() -> None:
    # quoted local parts and IP literals: valid per RFC 5321, not "ordinary"
    refused = [r for r in ROWS if _category(r) == "ISEMAIL_RFC5321"]
    assert refused
    assert all(not email.check(r["address"]).ok for r in refused)


# --- deliverability is opt-in -------------------------------------------------------------


def _guard(monkeypatch: pytest.MonkeyPatch, *, undeliverable: bool) -> list[bool]:
    calls: list[bool] = []
    real = email_validator.validate_email

    def fake(address: str, **options: Any) -> Any:
        calls.append(bool(options.get("check_deliverability")))
        if options.get("check_deliverability"):
            if undeliverable:
                raise email_validator.EmailUndeliverableError(
                    "The domain name does not accept email."
                )
            return real(address, check_deliverability=False)
        return real(address, **options)

    monkeypatch.setattr(email_validator, "validate_email", fake)
    return calls


def test_no_dns_query_unless_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _guard(monkeypatch, undeliverable=True)
    for raw in ["é@x.fr", "a@b.fr", "bad@", "x@gmial.com"]:
        email.check(raw)
        email.normalise(raw)
    email.check_many(["é@y.fr", "z@w.fr"])
    assert True not in calls


def test_deliverability_opt_in(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _guard(monkeypatch, undeliverable=True)
    verdict = email.check("a@no-mx.example.fr", deliverability=True, timeout=1)
    assert calls == [True]
    assert verdict.status is Status.INVALID
    assert "undeliverable" in verdict.flags
    assert verdict.normalised == "a@no-mx.example.fr"


# --- the fast path agrees with email-validator ----------------------------------------------

ASCII_ADDRESS = st.from_regex(
    r"[a-z0-9!#$%&'*+/=?^_`{|}~.-]{1,70}@[a-z0-9.-]{1,30}\.[a-z0-9-]{1,8}", fullmatch=True
)


@settings(max_examples=200, deadline=None)
@given(ASCII_ADDRESS)
def test_fast_path_agrees_with_email_validator(address: str) -> None:
    ours = email._syntax(address)
    try:
        valid = email_validator.validate_email(address, check_deliverability=False, strict=True)
    except email_validator.EmailNotValidError:
        assert isinstance(ours, str)
    else:
        assert not isinstance(ours, str)
        assert ours[0] == valid.normalized.lower()


@given(st.text(alphabet="abcé.,;@ (at)-_gmail", max_size=30))
def test_every_suggestion_is_a_valid_address(raw: str) -> None:
    """A suggestion is offered to be accepted as is: it must pass the check itself."""
    for suggestion in email.check(raw).suggestions:
        assert email.check(suggestion).ok, (raw, suggestion)


@pytest.mark.parametrize(
    "raw",
    [
        "jean.dupont@orange.fr\u200b",
        "\ufeffjean.dupont@orange.fr",
        "jean.dupont\u200c@orange.fr",
        "jean.dupont@orange.fr\u2060 ",
        "jean.dupont@orange\u200d.fr",
    ],
)
def test_invisible_characters_are_removed(raw: str) -> None:
    verdict = email.check(raw)
    assert (verdict.status, verdict.normalised) == (Status.WARNING, "jean.dupont@orange.fr")
    assert "cleaned" in verdict.flags
    assert any("Invisible" in reason for reason in verdict.reasons)


@pytest.mark.parametrize("raw", ["x@orange.fr>", "<x@orange.fr", " <x@orange.fr", "x@orange.fr >"])
def test_a_stray_angle_bracket_is_removed(raw: str) -> None:
    verdict = email.check(raw)
    assert (verdict.status, verdict.normalised) == (Status.WARNING, "x@orange.fr")
    assert "cleaned" in verdict.flags


def test_an_accented_local_part_is_usable_but_flagged_with_the_plain_address() -> None:
    verdict = email.check("jéan.dupont@orange.fr")
    assert (verdict.status, verdict.normalised) == (Status.WARNING, "jéan.dupont@orange.fr")
    assert verdict.flags == {"non_ascii_local"}
    assert verdict.suggestions == ("jean.dupont@orange.fr",)
    # an accented domain is an IDN, common and fine: no flag
    assert "non_ascii_local" not in email.check("jean@société.fr").flags


@pytest.mark.parametrize("raw", ["néant", "pas d'email", "Pas d’e-mail", "0", "x", "/", "aucun"])
def test_a_cell_saying_there_is_no_address_is_empty(raw: str) -> None:
    assert email.check(raw).status is Status.EMPTY


@pytest.mark.parametrize(
    ("raw", "normalised", "others"),
    [
        ('["claire.durand@free.fr"]', "claire.durand@free.fr", None),
        ('[{"label":"work","value":"paul.martin@orange.fr","primary":true}]',
         "paul.martin@orange.fr", None),
        ('[{"value":"b@orange.fr"},{"value":"a@free.fr","primary":true}]', "a@free.fr",
         "b@orange.fr"),
        ('["a@free.fr","b@orange.fr"]', "a@free.fr", "b@orange.fr"),
        ("a@free.fr; b@orange.fr", "a@free.fr", "b@orange.fr"),
        ("a@free.fr / b@orange.fr", "a@free.fr", "b@orange.fr"),
        ("a@free.fr ou b@orange.fr", "a@free.fr", "b@orange.fr"),
        ("a@free.fr ::: b@orange.fr", "a@free.fr", "b@orange.fr"),  # Google Contacts
    ],
)
def test_lists_and_several_addresses_give_every_address(
    raw: str, normalised: str, others: str | None
) -> None:
    verdict = email.check(raw)
    assert verdict.ok and verdict.normalised == normalised
    assert verdict.details.get("others") == others


@pytest.mark.parametrize("raw", ["[]", '[{"label":"","value":"","primary":true}]'])
def test_an_empty_list_is_empty(raw: str) -> None:
    assert email.check(raw).status is Status.EMPTY


@pytest.mark.parametrize(
    "raw",
    [
        "e-mail: jean@free.fr",
        "Email : jean@free.fr",
        "Mail: jean@free.fr",
        "Courriel : jean@free.fr",
        "Email perso: jean@free.fr",
        "mél: jean@free.fr",
        "Adresse mail : jean@free.fr",
        'jean@free.fr"',
        "jean@free.fr'",
    ],
)
def test_a_label_or_a_stray_quote_around_the_address_is_removed(raw: str) -> None:
    # before: invalid ("invalid characters before the @-sign: ':'" or after it: '"')
    verdict = email.check(raw)
    assert verdict.status is Status.WARNING and verdict.normalised == "jean@free.fr"
    assert verdict.flags == {"cleaned"}


def test_a_colon_inside_the_part_before_the_at_is_no_label() -> None:
    assert email.check("jean:dupont@free.fr").status is Status.INVALID


@pytest.mark.parametrize(
    "raw",
    [
        "jean at free dot fr",
        "jean (at) free (dot) fr",
        "jean [at] free [dot] fr",
        "jean@free point fr",
    ],
)
def test_a_dot_written_as_a_word_is_suggested(raw: str) -> None:
    # before: no suggestion
    verdict = email.check(raw)
    assert verdict.status is Status.INVALID and verdict.suggestions == ("jean@free.fr",)


@given(ASCII_ADDRESS, st.sampled_from(["E-mail : ", "Email: ", "Courriel : ", "mél:"]))
def test_a_labelled_address_reads_as_the_address(address: str, label: str) -> None:
    alone = email.check(address)
    labelled = email.check(label + address)
    assert labelled.normalised == alone.normalised
    if alone.ok:
        assert "cleaned" in labelled.flags


@pytest.mark.parametrize("raw", ["jean@free.fr @", "@ jean@free.fr", "jean@free.fr; @"])
def test_a_lone_at_sign_is_no_second_address(raw: str) -> None:
    # before: flagged "multiple", with "@" kept as the other address
    verdict = email.check(raw)
    assert verdict.normalised == "jean@free.fr" and verdict.flags == {"cleaned"}
    assert "others" not in verdict.details
