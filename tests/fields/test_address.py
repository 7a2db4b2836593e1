"""carnet.fields.address: street lines, AFNOR NF Z10-011 rendering, whole addresses."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from carnet.errors import InvalidFormat, InvalidLength
from carnet.fields import address
from carnet.fields.address import afnor_lines, check_address
from carnet.fields.postcodes import PostcodeTable
from carnet.fields.verdict import Status

DATA = Path(__file__).parents[1] / "data" / "refdata"


@pytest.fixture(scope="module")
def table() -> PostcodeTable:
    return PostcodeTable.from_laposte_csv(DATA / "laposte_excerpt.csv")


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ("12 rue de la Paix", "12 RUE DE LA PAIX"),
        ("12, rue de la Paix", "12 RUE DE LA PAIX"),
        ("12bis rue de la Paix", "12 BIS RUE DE LA PAIX"),
        ("12 B rue Victor Hugo", "12 B RUE VICTOR HUGO"),
        ("3 r. de l'Église", "3 RUE DE L EGLISE"),
        ("5 av. Jean-Jaurès", "5 AVENUE JEAN JAURES"),
        ("5 Av Jean Jaurès", "5 AVENUE JEAN JAURES"),
        ("8 bd Voltaire", "8 BOULEVARD VOLTAIRE"),
        ("8 Bld Voltaire", "8 BOULEVARD VOLTAIRE"),
        ("2 imp. des Lilas", "2 IMPASSE DES LILAS"),
        ("1 pl. St-Pierre", "1 PLACE SAINT PIERRE"),
        ("4 rue du Dr Roux", "4 RUE DU DOCTEUR ROUX"),
        ("N° 5 allée des Roses", "5 ALLEE DES ROSES"),
        ("  12   rue   de   la   Paix  ", "12 RUE DE LA PAIX"),
        ("Lieu-dit Les Grands Champs", "LIEU DIT LES GRANDS CHAMPS"),
        ("BP 123", "BP 123"),
        ("Rue Neuve 5", "RUE NEUVE 5"),
        ("12 rue Ste-Catherine", "12 RUE SAINTE CATHERINE"),
        # "N°" with punctuation or a control character after it (hypothesis found
        # "NO\x080": "NO 0" once, "0" the second time)
        ("NO.12 rue X", "12 RUE X"),
        ("NO\x080", "0"),
    ],
)
def test_normalise(raw: str, normalised: str) -> None:
    assert address.normalise(raw) == normalised
    assert address.normalise(normalised) == normalised


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ("140 boulevard du Maréchal de Lattre de Tassigny", "140 BD DU MAL DE LATTRE DE TASSIGNY"),
        ("12 avenue du Général Charles de Gaulle Sud", "12 AV DU GENERAL CHARLES DE GAULLE SUD"),
        ("12 avenue du Général Charles de Gaulle Nord", "12 AV DU GAL CHARLES DE GAULLE NORD"),
        (
            "Résidence les Pins bâtiment B escalier 3 appart 12",
            "RES LES PINS BAT B ESC 3 APPART 12",
        ),
    ],
)
def test_long_lines_are_abbreviated(raw: str, normalised: str) -> None:
    verdict = address.check(raw)
    assert verdict.normalised == normalised
    assert len(normalised) <= 38
    assert "abbreviated" in verdict.flags
    assert verdict.status is Status.VALID
    assert address.normalise(normalised) == normalised


def test_line_too_long_even_abbreviated() -> None:
    verdict = address.check("12 rue des Très Longues Appellations Municipales Oubliées")
    assert verdict.status is Status.WARNING
    assert "too_long" in verdict.flags


def test_po_box_and_number_details() -> None:
    assert address.check("BP 123").details["kind"] == "po_box"
    assert address.check("CS 70001").flags == {"po_box"}
    assert address.check("12 bis rue X").details["number"] == "12 BIS"


def test_postcode_and_city_inside_the_street_line() -> None:
    verdict = address.check("12 rue de la Paix 75002 Paris")
    assert verdict.normalised == "12 RUE DE LA PAIX"
    assert verdict.status is Status.WARNING
    assert verdict.details["postcode"] == "75002"
    assert verdict.details["city"] == "PARIS"


@pytest.mark.parametrize("raw", ["!!!", "---", "x" * 301])
def test_invalid_lines(raw: str) -> None:
    assert address.check(raw).status is Status.INVALID
    with pytest.raises((InvalidFormat, InvalidLength)):
        address.validate(raw)


def test_afnor_text() -> None:
    assert address.afnor_text("3, rue de l’Église — Bât. «B»") == "3 RUE DE L EGLISE BAT B"
    assert address.afnor_text("Œuvre") == "OEUVRE"


def test_afnor_lines_domestic() -> None:
    lines = afnor_lines(
        civility="Mme",
        first_name="Marie",
        last_name="Durand",
        complement="Appartement 12, 3e étage",
        building="Résidence Les Pins",
        street="12 bis, rue de l'Église",
        locality="Lieu-dit Le Moulin",
        postcode="01400",
        city="L'Abergement-Clémenciat",
    )
    assert lines == [
        "Mme Marie Durand",
        "Appartement 12, 3e étage",
        "Résidence Les Pins",
        "12 BIS RUE DE L EGLISE",
        "LIEU DIT LE MOULIN",
        "01400 L ABERGEMENT CLEMENCIAT",
    ]
    assert all(len(line) <= 38 for line in lines)


def test_afnor_lines_skip_empty_lines_and_cedex() -> None:
    assert afnor_lines(
        name="ACME SA", locality="BP 12", postcode="75015", city="Paris Cedex 15"
    ) == [
        "ACME SA",
        "BP 12",
        "75015 PARIS CEDEX 15",
    ]


def test_afnor_lines_abroad_add_a_country_line() -> None:
    assert afnor_lines(
        last_name="Peeters", street="Rue Neuve 5", postcode="1000", city="Bruxelles", country="BE"
    ) == ["Peeters", "RUE NEUVE 5", "1000 BRUXELLES", "BELGIQUE"]
    assert afnor_lines(
        last_name="Smith",
        street="10 Downing Street",
        postcode="SW1A 2AA",
        city="London",
        country="GB",
    )[-2:] == ["LONDON SW1A 2AA", "ROYAUME UNI"]
    # Monaco and the overseas departments need no country line
    assert afnor_lines(last_name="Grimaldi", postcode="98000", city="Monaco", country="MC") == [
        "Grimaldi",
        "98000 MONACO",
    ]


def test_afnor_lines_seven_lines_abroad_merge_the_complements() -> None:
    lines = afnor_lines(
        last_name="Peeters",
        complement="App 3",
        building="Bloc A",
        street="Rue Neuve 5",
        locality="Quartier Nord",
        postcode="1000",
        city="Bruxelles",
        country="BE",
    )
    assert len(lines) == 6
    assert lines[1] == "App 3 Bloc A"


def test_afnor_lines_long_recipient_uses_an_initial() -> None:
    lines = afnor_lines(
        civility="M.",
        first_name="Jean-Christophe-Marie",
        last_name="de La Rochefoucauld-Montbel",
        postcode="75015",
        city="Paris",
    )
    assert lines[0] == "M. J. de La Rochefoucauld-Montbel"


def test_afnor_lines_refuse_what_cannot_fit() -> None:
    with pytest.raises(InvalidLength, match="38"):
        afnor_lines(
            street="12 rue des Très Longues Appellations Municipales Oubliées",
            postcode="75015",
            city="Paris",
        )


def test_check_address_valid(table: PostcodeTable) -> None:
    verdict = check_address(["Appartement 12", "12 rue de la Paix"], "75002", "Paris", table=table)
    assert verdict.status is Status.VALID
    assert verdict.normalised is not None
    assert verdict.normalised.splitlines() == ["Appartement 12", "12 RUE DE LA PAIX", "75002 PARIS"]


def test_check_address_repairs_and_mismatch(table: PostcodeTable) -> None:
    repaired = check_address("12 av. Victor Hugo", "1400", "L'Abergement-Clémenciat", table=table)
    assert repaired.status is Status.VALID
    assert repaired.flags == {"repaired"}
    mismatch = check_address(["12 rue de la Paix"], "75002", "Lyon 3e", table=table)
    assert mismatch.status is Status.WARNING
    assert "city_mismatch" in mismatch.flags
    assert mismatch.suggestions == ("75002 PARIS", "69003 LYON")


def test_check_address_city_from_table(table: PostcodeTable) -> None:
    verdict = check_address(["12 rue de la Paix"], "75002", None, table=table)
    assert verdict.ok and "city_added" in verdict.flags
    assert verdict.normalised is not None and verdict.normalised.endswith("75002 PARIS")


@pytest.mark.parametrize(
    ("lines", "postcode", "city", "country", "status", "flag"),
    [
        (["12 rue X"], None, "Paris", "FR", Status.INVALID, "no_postcode"),
        (["12 rue X"], "75015", None, "FR", Status.INVALID, "no_city"),
        (["12 rue X"], "00001", "Paris", "FR", Status.INVALID, None),
        ([], "75015", "Paris", "FR", Status.WARNING, "no_street"),
        (["Rue Neuve 5"], "1000", "Bruxelles", "BE", Status.VALID, None),
        (["Main road 1"], None, "Somewhere", "ZZ", Status.WARNING, "no_postcode"),
        ([], None, None, "FR", Status.EMPTY, None),
    ],
)
def test_check_address_cases(
    lines: list[str],
    postcode: str | None,
    city: str | None,
    country: str,
    status: Status,
    flag: str | None,
) -> None:
    verdict = check_address(lines, postcode, city, country)
    assert verdict.status is status, verdict.reasons
    if flag:
        assert flag in verdict.flags


def test_check_many_and_format() -> None:
    result = address.check_many(["12 rue X", "12 rue X", "12, Rue X", None])
    assert len(result) == 3
    assert {v.normalised for v in result.values()} == {"12 RUE X", None}
    assert address.format("12 rue x") == "12 RUE X"


@pytest.mark.parametrize("raw", ["Adresse inconnue", "à compléter", "xxx", "Sans adresse", "NÀ"])
def test_a_line_that_says_there_is_no_street_is_empty(raw: str) -> None:
    # "NÀ" is "NA" once normalised, the "n/a" of files
    assert address.check(raw).status is Status.EMPTY
    assert address.normalise(raw) is None


@pytest.mark.parametrize("raw", ["NPAI", "N.P.A.I.", "pnd"])
def test_a_line_that_says_mail_came_back_is_flagged(raw: str) -> None:
    verdict = address.check(raw)
    assert verdict.status is Status.INVALID and verdict.flags == {"npai"}


@pytest.mark.parametrize(
    ("city", "line"),
    [
        # La Poste routes Paris, Lyon and Marseille by the city's name alone
        ("Lyon 3ème arrondissement", "69003 LYON"),
        ("Lyon 3e", "69003 LYON"),
        ("LYON 03", "69003 LYON"),
        ("Paris XVe", "75015 PARIS"),
        ("Paris 15e (75)", "75015 PARIS"),
        # a CEDEX line is written as given
        ("LYON CEDEX 03", "69003 LYON CEDEX 03"),
    ],
)
def test_the_city_line_of_an_arrondissement_is_its_city(
    table: PostcodeTable, city: str, line: str
) -> None:
    # before: "69003 LYON 3EME ARRONDISSEMENT", "75015 PARIS XVE", "75015 PARIS 15E 75"
    postcode = line.split()[0]
    verdict = check_address(["1 rue X"], postcode, city, table=table)
    assert verdict.ok and verdict.normalised is not None
    assert verdict.normalised.splitlines()[-1] == line


def test_the_official_list_s_article_goes_in_front() -> None:
    verdict = check_address(["1 rue X"], "76600", "Havre (Le)")
    assert verdict.normalised is not None
    assert verdict.normalised.splitlines()[-1] == "76600 LE HAVRE"


@pytest.mark.parametrize("city", ["xxx", "XXXX", "Inconnue", "néant"])
def test_a_placeholder_city_is_no_city(table: PostcodeTable, city: str) -> None:
    # before: "75015 serves PARIS, not xxx" and "75015 XXX" in the block
    verdict = check_address(["1 rue X"], "75015", city, table=table)
    assert verdict.status is Status.VALID and "city_added" in verdict.flags
    assert verdict.normalised is not None and verdict.normalised.splitlines()[-1] == "75015 PARIS"


@pytest.mark.parametrize(
    ("raw", "street", "postcode", "city"),
    [
        # before: kept whole as the street line
        ("BP 45 69003 LYON CEDEX 03", "BP 45", "69003", "LYON CEDEX 03"),
        ("12 rue de la Paix 75002 PARIS CEDEX 02", "12 RUE DE LA PAIX", "75002", "PARIS CEDEX 02"),
        ("12 rue X, 75 002 Paris", "12 RUE X", "75002", "PARIS"),
        ("12 rue du 11 novembre 1918 75011 Paris", "12 RUE DU 11 NOVEMBRE 1918", "75011", "PARIS"),
    ],
)
def test_a_postcode_and_city_in_the_street_line_are_told(
    raw: str, street: str, postcode: str, city: str
) -> None:
    verdict = address.check(raw)
    assert verdict.normalised == street and "contains_city" in verdict.flags
    assert (verdict.details["postcode"], verdict.details["city"]) == (postcode, city)


def test_a_date_in_a_street_name_is_no_postcode() -> None:
    verdict = address.check("12 rue du 8 Mai 1945")
    assert "contains_city" not in verdict.flags


def test_a_cedex_from_the_postcode_cell_goes_on_the_city_line() -> None:
    verdict = check_address(["CS 30001"], "75700 CEDEX 07", "Paris")
    assert verdict.normalised is not None
    assert verdict.normalised.splitlines() == ["CS 30001", "75700 PARIS CEDEX 07"]
    written = check_address(["CS 30001"], "75700 CEDEX 07", "Paris Cedex 07")
    assert written.normalised is not None
    assert written.normalised.splitlines()[-1] == "75700 PARIS CEDEX 07"


@pytest.mark.parametrize(
    ("text", "street"),
    [
        ("12 rue de la Paix", True), ("3 av. Jean Jaurès", True), ("8 bis, bd Voltaire", True),
        ("45 r. Carnot", True), ("3 rond point de l'Europe", True), ("12 lieu dit Le Bourg", True),
        # no number, or no street type after it: a name, a postcode, a building
        ("Lieu-dit Le Bourg", False), ("Rue Neuve 15", False), ("12 Martin", False),
        ("75002", False), ("Résidence du Parc", False), ("", False),
    ],
)
def test_a_numbered_street_line_is_told_by_its_shape(text: str, street: bool) -> None:
    assert address.is_numbered_street(text) is street


@given(st.text(max_size=40))
def test_telling_a_street_line_never_raises(text: str) -> None:
    assert address.is_numbered_street(text) in (True, False)


@pytest.mark.parametrize(
    ("raw", "normalised", "street"),
    [
        # ter and quater shortened to their letter, glued to the number or not
        ("116T pl. de la Liberté", "116 TER PLACE DE LA LIBERTE", True),
        ("31 T crs des Peupliers", "31 TER COURS DES PEUPLIERS", True),
        ("20TER CHEMIN DE LA RÉPUBLIQUE", "20 TER CHEMIN DE LA REPUBLIQUE", True),
        ("4q, bd Voltaire", "4 QUATER BOULEVARD VOLTAIRE", True),
        ("134 T, bld du 8 Mai 1945", "134 TER BOULEVARD DU 8 MAI 1945", True),
        # B is the letter index as often as bis: it stays B
        ("12 B rue Victor Hugo", "12 B RUE VICTOR HUGO", True),
        # no street type after the letter: nothing says it is ter
        ("12 T", "12 T", False),
        ("7 T Les Pins", "7 T LES PINS", False),
        # "Gén." is the general as "Gal" is
        ("172 imp. du Gén. de Gaulle", "172 IMPASSE DU GENERAL DE GAULLE", True),
        ("15 Bd du Gen de Gaulle", "15 BOULEVARD DU GENERAL DE GAULLE", True),
    ],
)
def test_repetition_letters_and_general_are_written_in_full(
    raw: str, normalised: str, street: bool
) -> None:
    assert address.normalise(raw) == normalised
    assert address.is_numbered_street(raw) is street


@given(
    st.integers(min_value=1, max_value=999),
    st.sampled_from([("T", "TER"), ("t", "TER"), ("Q", "QUATER"), ("ter", "TER"), ("bis", "BIS")]),
    st.sampled_from(["", " "]),
    st.sampled_from([" ", ", ", " , "]),
    st.sampled_from([("rue", "RUE"), ("av.", "AVENUE"), ("bd", "BOULEVARD"), ("crs", "COURS"),
                     ("pl.", "PLACE"), ("imp", "IMPASSE"), ("all.", "ALLEE")]),
    st.sampled_from(["de la Paix", "Victor Hugo", "des Écoles", "du 11 Novembre"]),
)
def test_a_repetition_index_however_typed_reads_one_way(
    number: int,
    index: tuple[str, str],
    gap: str,
    after: str,
    street_type: tuple[str, str],
    name: str,
) -> None:
    typed, full = index
    line = f"{number}{gap}{typed}{after}{street_type[0]} {name}"
    expected = f"{number} {full} {street_type[1]} {address.afnor_text(name)}"
    assert address.normalise(line) == expected
