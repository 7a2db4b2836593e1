"""carnet.fields.postcodes: formats per country, French repairs, the La Poste table."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from carnet.errors import InputFileError, InvalidComponent, InvalidFormat, InvalidLength
from carnet.fields import postcodes
from carnet.fields.postcodes import PostcodeTable, check_postcode, city_key
from carnet.fields.verdict import Status

DATA = Path(__file__).parents[1] / "data" / "refdata"
CORPUS = Path(__file__).parents[3] / "shared" / "corpora" / "refdata"


@pytest.fixture(scope="module")
def table() -> PostcodeTable:
    return PostcodeTable.from_laposte_csv(DATA / "laposte_excerpt.csv")


@pytest.mark.parametrize(
    ("raw", "country", "normalised"),
    [
        ("75015", "FR", "75015"),
        (" 75 015 ", "FR", "75015"),
        ("F-75015", "FR", "75015"),
        ("FR75015", "FR", "75015"),  # the sign without its hyphen
        ("F 75015", "FR", "75015"),
        ("75015.0", "FR", "75015"),
        ("20000", "FR", "20000"),
        ("97139", "FR", "97139"),
        ("98000", "FR", "98000"),
        ("98000", "MC", "98000"),
        ("1000", "BE", "1000"),
        ("B-1000", "BE", "1000"),
        ("1200", "CH", "1200"),
        ("L-1234", "LU", "1234"),
        ("10115", "DE", "10115"),
        ("28001", "ES", "28001"),
        ("00184", "IT", "00184"),
        ("sw1a1aa", "GB", "SW1A 1AA"),
        ("SW1A 1AA", "GB", "SW1A 1AA"),
        ("M1 1AE", "GB", "M1 1AE"),
        ("1012ab", "NL", "1012 AB"),
        ("1000001", "PT", "1000-001"),
        ("1000-001", "PT", "1000-001"),
        ("00950", "PL", "00-950"),
        ("11455", "SE", "114 55"),
        ("k1a0b1", "CA", "K1A 0B1"),
        ("123456789", "US", "12345-6789"),
        ("D02X285", "IE", "D02 X285"),
        ("97110", "GP", "97110"),
        ("AD500", "AD", "AD500"),
    ],
)
def test_formats(raw: str, country: str, normalised: str) -> None:
    verdict = check_postcode(raw, country=country)
    assert verdict.ok, verdict.reasons
    assert verdict.normalised == normalised
    assert postcodes.normalise(raw, country=country) == normalised


@pytest.mark.parametrize(
    ("raw", "country", "normalised"),
    [("B-1000", "BE", "1000"), ("CH-1200", "CH", "1200"), ("L-1234", "LU", "1234"),
     ("D-10115", "DE", "10115"), ("E-28001", "ES", "28001")],
)
def test_a_foreign_prefix_names_the_country(raw: str, country: str, normalised: str) -> None:
    """Checked with the default country (FR), "B-1000" is Brussels, not 01000."""
    verdict = check_postcode(raw, country="FR")
    assert verdict.ok and verdict.normalised == normalised
    assert "country_from_prefix" in verdict.flags and "repaired" not in verdict.flags
    assert verdict.details["country"] == country
    # a French sign on a French code, or Monaco's, changes nothing
    assert check_postcode("F-75015").flags == frozenset()
    assert "country_from_prefix" not in check_postcode("MC-98000").flags


def test_an_address_takes_the_country_of_its_postcode_prefix() -> None:
    from carnet.contact_points import address_point
    from carnet.fields.catalog import default_catalog
    from carnet.fields.verdict import Verdict

    def parts(**values: str) -> dict[str, Verdict]:
        return {k: Verdict.valid(v, v) for k, v in values.items()}

    field = default_catalog()["postcode"]
    brussels = address_point(
        field, parts(address_line1="Rue Neuve 12", postcode="B-1000", city="Bruxelles"), "FR"
    )
    assert brussels.parts["country"] == "BE" and brussels.parts["postcode"] == "1000"
    assert brussels.verdict.normalised == "RUE NEUVE 12|1000|BRUXELLES|BE"
    # a country column of the file is kept as given
    given = address_point(field, parts(postcode="B-1000", city="Bruxelles", country="BE"), "FR")
    assert given.parts["country"] == "BE"


@pytest.mark.parametrize(
    ("raw", "country", "error"),
    [
        ("00123", "FR", InvalidComponent),
        ("96000", "FR", InvalidComponent),
        ("99000", "FR", InvalidComponent),
        ("750155", "FR", InvalidLength),
        ("123", "FR", InvalidLength),
        ("7501A", "FR", InvalidFormat),
        ("12345", "BE", InvalidLength),
        ("1012 SA", "NL", InvalidFormat),
        ("ABC", "GB", InvalidLength),
        ("SW1A 1A%", "GB", InvalidFormat),
        ("99999", "MC", InvalidFormat),
        ("97110", "MQ", InvalidFormat),
        ("#!", "ZZ", InvalidFormat),
    ],
)
def test_invalid(raw: str, country: str, error: type[Exception]) -> None:
    assert check_postcode(raw, country=country).status is Status.INVALID
    with pytest.raises(error):
        postcodes.validate(raw, country=country)


@pytest.mark.parametrize(
    ("raw", "fixed"), [("1400", "01400"), ("6000", "06000"), ("9100", "09100")]
)
def test_french_leading_zero_is_repaired(raw: str, fixed: str) -> None:
    verdict = check_postcode(raw)
    assert verdict.status is Status.VALID
    assert verdict.normalised == fixed
    assert verdict.flags == {"repaired"}


@pytest.mark.parametrize(("raw", "fixed"), [("75O11", "75011"), ("o1000", "01000"),
                                            ("7501O", "75010")])
def test_the_letter_o_typed_for_a_zero_is_read_as_one(raw: str, fixed: str) -> None:
    verdict = check_postcode(raw)
    assert (verdict.status, verdict.normalised) == (Status.VALID, fixed)
    assert "repaired" in verdict.flags and "The letter O was read as a zero." in verdict.reasons
    # a word stays a word; other letters are no zero
    assert check_postcode(raw.replace("O", "A").replace("o", "a")).status is Status.INVALID


def test_four_digits_are_not_repaired_abroad() -> None:
    assert check_postcode("1400", country="BE").normalised == "1400"
    assert check_postcode("1400", country="DE").status is Status.INVALID


@pytest.mark.parametrize(
    ("raw", "city", "country"),
    [("1050", "Bruxelles", "BE"), ("1204", "GENÈVE", "CH"), ("4000", "Liège", "BE"),
     ("1234", "Luxembourg", "LU"), ("1003", "Lausanne CEDEX", "CH")],
)
def test_four_digits_beside_a_belgian_or_swiss_city_are_not_french(
    raw: str, city: str, country: str
) -> None:
    verdict = check_postcode(raw, city=city)
    assert verdict.ok
    assert verdict.normalised == raw
    assert verdict.details["country"] == country
    assert "country_from_city" in verdict.flags
    # a French city keeps the repair; a five-digit code beside Bruxelles stays French
    assert check_postcode(raw, city="Bourg-en-Bresse").normalised == "0" + raw
    assert check_postcode("75001", city="Bruxelles").details["country"] == "FR"


def test_a_postcode_of_monaco_puts_the_address_in_monaco() -> None:
    verdict = check_postcode("98000", city="Monaco")
    assert (verdict.ok, verdict.normalised, verdict.details["country"]) == (True, "98000", "MC")
    assert "country_from_postcode" in verdict.flags
    assert check_postcode("98000", country="MC").flags.isdisjoint({"country_from_postcode"})


def test_unknown_country_is_accepted_unchecked() -> None:
    verdict = check_postcode("ab 12", country="ZZ")
    assert verdict.ok and verdict.normalised == "AB12" and "unchecked" in verdict.flags


def test_city_written_in_the_postcode_field() -> None:
    verdict = check_postcode("75015 Paris")
    assert verdict.normalised == "75015"
    assert verdict.status is Status.WARNING
    assert "city_in_postcode" in verdict.flags
    assert verdict.details["city"] == "Paris"


@pytest.mark.parametrize(
    ("postcode", "department"),
    [
        ("75015", "75"),
        ("01400", "01"),
        ("20000", "2A"),
        ("20199", "2A"),
        ("20200", "2B"),
        ("20620", "2B"),
        ("97139", "971"),
        ("97411", "974"),
        ("98000", "980"),
        ("SW1A", None),
    ],
)
def test_department(postcode: str, department: str | None) -> None:
    assert postcodes.department(postcode) == department


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Saint-Étienne", "saint etienne"),
        ("ST ETIENNE", "saint etienne"),
        ("St-Étienne Cedex 2", "saint etienne"),
        ("STE FOY LES LYON", "sainte foy les lyon"),
        ("Paris 15e", "paris 15"),
        ("PARIS 15EME", "paris 15"),
        ("Paris 1er", "paris 1"),
        ("LYON 03", "lyon 3"),
        ("L'Abergement-Clémenciat", "l abergement clemenciat"),
        ("PARIS CEDEX 15", "paris"),
        # how staff write an arrondissement, and the official list's "Havre (Le)"
        ("Lyon 3ème arrondissement", "lyon 3"),
        ("PARIS 11E ARRDT", "paris 11"),
        ("Paris 11 ème", "paris 11"),
        ("Paris XIe", "paris 11"),
        ("Marseille XVIème", "marseille 16"),
        ("Havre (Le)", "le havre"),
        ("Rochelle (La)", "la rochelle"),
        ("Paris (75)", "paris"),
        ("Saint-Denis (Réunion)", "saint denis"),
        ("Louis XIV", "louis xiv"),
    ],
)
def test_city_key(name: str, key: str) -> None:
    assert city_key(name) == key


@given(st.text(max_size=40))
@example("0\ufe35)")  # a compatibility bracket: "0()", whose key was "0"
def test_city_key_never_raises_and_is_stable(name: str) -> None:
    key = city_key(name)
    assert key == key.strip() and "  " not in key
    assert city_key(key) == key


def test_table_from_the_excerpt(table: PostcodeTable) -> None:
    assert len(table) > 100
    assert "75015" in table and "99999" not in table
    assert table.cities_for("75015") == ["PARIS"]
    assert table.communes_for("75015") == ["PARIS 15"]
    assert table.city_for("75015") == "PARIS"
    paris = table.postcodes_for("Paris")
    assert "75001" in paris and "75020" in paris and "75116" in paris
    assert table.postcodes_for("Paris 16e") == ["75016", "75116"]
    assert table.postcodes_for("Paris 15") == ["75015"]
    assert table.postcodes_for("Lyon 3e") == ["69003"]
    assert "13001" in table.postcodes_for("Marseille")
    assert table.cities_for("20000") == ["AJACCIO"]
    assert table.cities_for("98000") == ["MONACO"]
    assert table.postcodes_for("Nowhere") == []


@pytest.mark.parametrize(
    ("postcode", "city"),
    [
        ("75015", "Paris"),
        ("75015", "PARIS 15"),
        ("75015", "Paris 15e"),
        ("75015", "paris 15ème"),
        ("75015", "Paris Cedex 15"),
        ("69003", "Lyon"),
        ("69003", "Lyon 3e"),
        ("13001", "Marseille 1er"),
        ("01400", "L'Abergement-Clémenciat"),
        ("20000", "Ajaccio"),
        ("98000", "Monaco"),
    ],
)
def test_city_matches(table: PostcodeTable, postcode: str, city: str) -> None:
    assert table.matches(postcode, city)
    verdict = check_postcode(postcode, city=city, table=table)
    assert verdict.status is Status.VALID, verdict.reasons


@pytest.mark.parametrize(
    ("postcode", "city"),
    [("75015", "Paris 15ème arrondissement"), ("75015", "Paris XVe"), ("69003", "LYON 3E ARRT")],
)
def test_an_arrondissement_written_out_matches_its_postcode(
    table: PostcodeTable, postcode: str, city: str
) -> None:
    # before, "Lyon 3ème arrondissement" was flagged as no city of 69003
    assert check_postcode(postcode, city=city, table=table).status is Status.VALID


@pytest.mark.parametrize(
    ("raw", "fixed"),
    [("2A000", "20000"), ("2a 090", "20090"), ("2B200", "20200"), ("2B600", "20600")],
)
def test_a_corsican_department_typed_in_the_postcode_is_read(raw: str, fixed: str) -> None:
    verdict = check_postcode(raw)
    assert verdict.status is Status.VALID and verdict.normalised == fixed
    assert "repaired" in verdict.flags and "Corsica" in verdict.reasons[0]


@pytest.mark.parametrize("raw", ["2A004", "2B033", "2A200"])
def test_a_corsican_commune_code_is_no_postcode(raw: str) -> None:
    # an INSEE code (2A004 is Ajaccio) or 2A with a 2B postcode: nothing to read it as
    verdict = check_postcode(raw)
    assert verdict.status is Status.INVALID and "Corsica" in verdict.reasons[0]


def test_a_corsican_code_missing_from_the_table_is_not_read(table: PostcodeTable) -> None:
    assert check_postcode("2A000", table=table).normalised == "20000"
    assert check_postcode("2A112", table=table).status is Status.INVALID


def test_city_mismatch_is_a_warning_with_suggestions(table: PostcodeTable) -> None:
    verdict = check_postcode("75015", city="Paris 16e", table=table)
    assert verdict.status is Status.WARNING
    assert verdict.flags == {"city_mismatch"}
    assert verdict.suggestions == ()  # Paris 16e has two codes
    assert verdict.details["expected_city"] == "PARIS"
    verdict = check_postcode("75015", city="Ajaccio", table=table)
    assert verdict.suggestions == ()  # Ajaccio has several codes
    verdict = check_postcode("75015", city="Lyon 3e", table=table)
    assert verdict.suggestions == ("69003",)
    assert "75015 serves PARIS, not Lyon 3e." in verdict.reasons


def test_repaired_code_is_cross_checked(table: PostcodeTable) -> None:
    verdict = check_postcode("1400", city="L ABERGEMENT CLEMENCIAT", table=table)
    assert verdict.normalised == "01400"
    assert verdict.status is Status.VALID
    assert verdict.flags == {"repaired"}


def test_unknown_postcode_with_table(table: PostcodeTable) -> None:
    verdict = check_postcode("75999", table=table)
    assert verdict.status is Status.WARNING
    assert verdict.flags == {"unknown_postcode"}


def test_without_table_no_city_check() -> None:
    assert check_postcode("75015", city="Lyon").status is Status.VALID


def test_rows_and_tuples_build_the_same_table() -> None:
    rows = [
        ("75015", "PARIS 15", "PARIS", "", "75115"),
        postcodes.PostcodeRow("69003", "LYON 03", "LYON"),
    ]
    table = PostcodeTable(rows)
    assert table.rows_for("75015")[0].insee == "75115"
    assert table.postcodes_for("lyon") == ["69003"]


def test_the_2022_layout(tmp_path: Path) -> None:
    path = tmp_path / "laposte_2022.csv"
    path.write_text(
        "Code_commune_INSEE;Nom_commune;Code_postal;Ligne_5;Libellé_d_acheminement;latitude;longitude\n"
        "11145;FLEURY;11560;SAINT PIERRE LA MER;FLEURY D AUDE;43.21;3.17\n"
        "11145;FLEURY;11560;;FLEURY D AUDE;43.21;3.17\n"
        "75115;PARIS 15;75015;;PARIS;48.84;2.29\n",
        encoding="utf-8",
    )
    table = PostcodeTable.from_laposte_csv(path)
    assert table.cities_for("11560") == ["FLEURY D AUDE"]
    assert table.matches("11560", "Saint-Pierre-la-Mer")
    assert table.matches("11560", "Fleury")
    assert table.postcodes_for("Paris 15e") == ["75015"]


def test_bad_files(tmp_path: Path) -> None:
    with pytest.raises(InputFileError):
        PostcodeTable.from_laposte_csv(tmp_path / "missing.csv")
    other = tmp_path / "other.csv"
    other.write_text("a;b;c\n1;2;3\n", encoding="utf-8")
    with pytest.raises(InputFileError, match="not a La Poste postcode table"):
        PostcodeTable.from_laposte_csv(other)


@pytest.mark.skipif(not CORPUS.exists(), reason="shared corpora not present")
def test_full_la_poste_files() -> None:
    for name in ("laposte_hexasmal.csv", "laposte_hexasmal_2022_with_gps.csv"):
        table = PostcodeTable.from_laposte_csv(CORPUS / name)
        assert len(table) > 6000
        assert table.matches("75015", "Paris 15e")
        assert table.matches("42000", "St-Étienne")
        assert table.matches("69003", "Lyon")
        assert table.cities_for("98000") == ["MONACO"]
        assert "20000" in table and "20200" in table
        assert len(table.postcodes_for("Paris")) == 21
        for postcode in ("75015", "01400", "20000", "97139"):
            verdict = check_postcode(postcode, city=table.cities_for(postcode)[0], table=table)
            assert verdict.status is Status.VALID, (name, postcode)


def test_check_many() -> None:
    result = postcodes.check_many(["75015", "75015", "1400", None])
    assert [v.normalised for v in result.values()] == ["75015", "01400", None]
    assert postcodes.format("sw1a1aa", country="GB") == "SW1A 1AA"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("75002 Paris", ("75002", "Paris")),
        ("PARIS (75002)", ("75002", "PARIS")),
        ("Saint-Denis - 93200", ("93200", "Saint-Denis")),
        ("6000 - NICE", ("6000", "NICE")),
        ("75008 PARIS CEDEX 08", ("75008", "PARIS CEDEX 08")),
        ("1000 Bruxelles", ("1000", "Bruxelles")),
        ("B-1000 Bruxelles", ("B-1000", "Bruxelles")),
        ("F-75002 PARIS CEDEX 02", ("F-75002", "PARIS CEDEX 02")),
        ("CH-1204 Genève", ("CH-1204", "Genève")),
        ("Lyon", (None, "Lyon")),
        ("13001", ("13001", None)),
        ("   ", (None, None)),
    ],
)
def test_split_postcode_city(text: str, expected: tuple[str | None, str | None]) -> None:
    assert postcodes.split_postcode_city(text) == expected


@given(st.text(max_size=60))
def test_split_postcode_city_never_raises_and_invents_nothing(text: str) -> None:
    code, city = postcodes.split_postcode_city(text)
    tidy = " ".join(text.split())
    for part in (code, city):
        assert part is None or (part and part in tidy)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12 rue de la Paix 75002 Paris", ("12 rue de la Paix", "75002", "Paris")),
        ("8 rue Basse, 45000 ORLEANS", ("8 rue Basse", "45000", "ORLEANS")),
        ("1 quai Neuf\n45000 Orléans", ("1 quai Neuf", "45000", "Orléans")),
        ("3 rue Pasteur  Lyon  69007 FR", ("3 rue Pasteur", "69007", "Lyon")),
        ("3 rue Pasteur, Lyon, 69007, France", ("3 rue Pasteur", "69007", "Lyon")),
        ("BP 12, 75001 PARIS CEDEX 01", ("BP 12", "75001", "PARIS CEDEX 01")),
        ("12 rue du 8 Mai 1945", None),
        ("12 rue de la Paix 75002", None),
        ("75002 Paris", None),
    ],
)
def test_split_address_line(text: str, expected: tuple[str, str, str] | None) -> None:
    assert postcodes.split_address_line(text) == expected


@given(st.text(max_size=60))
def test_split_address_line_never_raises_and_finds_french_codes(text: str) -> None:
    found = postcodes.split_address_line(text)
    if found is not None:
        street, code, city = found
        assert len(code) == 5 and code.isdigit() and city and street


@pytest.mark.parametrize("raw", ["xxx", "XXXXX", "x", "?????", "**"])
def test_a_postcode_typed_for_unknown_is_empty(raw: str) -> None:
    # before: "The postcode does not have the FR format"
    assert check_postcode(raw).status is Status.EMPTY


@pytest.mark.parametrize(
    ("city", "line"),
    [
        ("Havre (Le)", "Le Havre"),
        ("Rochelle (La)", "La Rochelle"),
        ("Nice (06)", "Nice"),
        ("Ajaccio (2A)", "Ajaccio"),
        ("Marseille 8ème", "MARSEILLE"),
        ("Paris Cedex 11", "Paris Cedex 11"),
        ("Paris", "Paris"),
        ("Saint-Denis (Réunion)", "Saint-Denis (Réunion)"),
    ],
)
def test_city_line(city: str, line: str) -> None:
    assert postcodes.city_line(city) == line


@given(st.text(max_size=30))
def test_city_line_keeps_the_city_s_key(city: str) -> None:
    # what the line writes is the same city to every comparison
    key = city_key(postcodes.city_line(city))
    assert key == city_key(city) or key == city_key(city).rsplit(" ", 1)[0]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # before: None for each (a blank in the code, a Corsican code, an arrondissement)
        ("12 rue X, 75 002 Paris", ("12 rue X", "75002", "Paris")),
        ("1 rue des 3 Frères 13 001 Marseille", ("1 rue des 3 Frères", "13001", "Marseille")),
        ("12 rue X 2A000 Ajaccio", ("12 rue X", "2A000", "Ajaccio")),
        ("12 rue X 69003 Lyon 3ème", ("12 rue X", "69003", "Lyon 3ème")),
        ("12 rue X 75011 Paris 11e arrdt", ("12 rue X", "75011", "Paris 11e arrdt")),
    ],
)
def test_split_address_line_of_messier_cells(
    text: str, expected: tuple[str, str, str]
) -> None:
    assert postcodes.split_address_line(text) == expected


@pytest.mark.parametrize(
    ("raw", "code", "cedex"),
    [
        ("75011 CEDEX", "75011", "CEDEX"),
        ("75700 Cedex 07", "75700", "CEDEX 07"),
        ("CEDEX 9 75700", "75700", "CEDEX 9"),
    ],
)
def test_cedex_beside_the_postcode_is_no_city(raw: str, code: str, cedex: str) -> None:
    # before: "The city CEDEX was written in the postcode field", or invalid
    verdict = check_postcode(raw)
    assert verdict.normalised == code and verdict.details["cedex"] == cedex
    assert "city" not in verdict.details and "cedex" in verdict.flags
