"""Tests of the demo generator's parts: XLSX writer, identifiers, communes, faults."""

from __future__ import annotations

import doctest
import hashlib
import importlib
import zipfile
from datetime import datetime
from pathlib import Path
from random import Random

import openpyxl
import phonenumbers
import pytest
from stdnum.fr import siren as stdnum_siren
from stdnum.fr import siret as stdnum_siret
from stdnum.fr import tva as stdnum_tva

from carnet.demo.communes import derive_communes, display_name, load_communes
from carnet.demo.faults import FAULT_RATES, PHONE_FORMATS, Faults, Tally, render_french_phone
from carnet.demo.identifiers import (
    is_luhn_valid,
    new_siren,
    new_siret,
    spoil_check_digit,
    vat_from_siren,
)
from carnet.demo.people import build_population
from carnet.demo.pools import Weighted
from carnet.demo.xlsx import XlsxWriter, excel_serial

LAPOSTE = Path(__file__).resolve().parents[3] / "shared/corpora/refdata/laposte_hexasmal.csv"
MODULES = [
    "carnet.demo.communes",
    "carnet.demo.dates",
    "carnet.demo.faults",
    "carnet.demo.identifiers",
    "carnet.demo.pools",
    "carnet.demo.xlsx",
]


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name))
    assert result.failed == 0


# --- XLSX writer --------------------------------------------------------------------


def write_sheet(path: Path) -> None:
    with XlsxWriter(path, "Inscriptions & co", ncols=4) as sheet:
        sheet.append(["Prénom", "Nombre", "Quand", "Note"])
        sheet.append(["Hélène <&> ", 612345678, datetime(2024, 3, 1, 9, 30), None])
        sheet.append(["", 1.5, "01/03/2024", "tab\there \x01ctrl"])
        sheet.append(["Nguyễn 👍"])


def test_xlsx_round_trips_through_openpyxl(tmp_path: Path) -> None:
    path = tmp_path / "sheet.xlsx"
    write_sheet(path)
    workbook = openpyxl.load_workbook(path)
    sheet = workbook.active
    assert sheet.title == "Inscriptions & co"
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Prénom", "Nombre", "Quand", "Note")
    assert rows[1] == ("Hélène <&> ", 612345678, datetime(2024, 3, 1, 9, 30), None)
    assert rows[2] == (None, 1.5, "01/03/2024", "tab\there ctrl")
    assert rows[3][0] == "Nguyễn 👍"
    assert sheet["C2"].number_format == "dd/mm/yyyy hh:mm"
    assert sheet["A1"].font.b


def test_xlsx_is_byte_identical_across_runs(tmp_path: Path) -> None:
    write_sheet(tmp_path / "a.xlsx")
    write_sheet(tmp_path / "b.xlsx")
    assert (
        hashlib.sha256((tmp_path / "a.xlsx").read_bytes()).digest()
        == hashlib.sha256((tmp_path / "b.xlsx").read_bytes()).digest()
    )


def test_xlsx_refuses_rows_longer_than_the_sheet(tmp_path: Path) -> None:
    with XlsxWriter(tmp_path / "x.xlsx", "S", ncols=1) as sheet, pytest.raises(ValueError):
        sheet.append(["a", "b"])


def test_xlsx_declares_its_size_when_told(tmp_path: Path) -> None:
    path = tmp_path / "sized.xlsx"
    with XlsxWriter(path, "S", ncols=28, rows=3) as sheet:
        sheet.extend([["h"] * 28, ["a"], ["b", 2]])
    sheet_xml = zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml").decode()
    assert '<dimension ref="A1:AB3"/>' in sheet_xml
    read = openpyxl.load_workbook(path, read_only=True).active
    assert (read.max_row, read.max_column) == (3, 28)


def test_xlsx_refuses_another_number_of_rows_than_declared(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="2 rows written, 3 declared"):  # noqa: SIM117
        with XlsxWriter(tmp_path / "x.xlsx", "S", ncols=1, rows=3) as sheet:
            sheet.extend([["a"], ["b"]])


def test_excel_serial_of_the_1900_system() -> None:
    assert excel_serial(datetime(1900, 3, 1)) == 61
    assert excel_serial(datetime(2025, 6, 30, 18)) == 45838.75


# --- identifiers ----------------------------------------------------------------------


def test_generated_identifiers_pass_python_stdnum() -> None:
    rng = Random(5)
    for _ in range(500):
        siren = new_siren(rng)
        siret = new_siret(rng, siren)
        assert stdnum_siren.is_valid(siren)
        assert stdnum_siret.is_valid(siret) and siret.startswith(siren)
        assert stdnum_tva.is_valid(vat_from_siren(siren))
        spoiled = spoil_check_digit(rng, siret)
        assert not is_luhn_valid(spoiled) and not stdnum_siret.is_valid(spoiled)


# --- communes ---------------------------------------------------------------------------


def test_shipped_communes_are_real_weighted_pairs() -> None:
    communes = load_communes()
    assert 3000 < len(communes) < 5000
    assert all(len(c.postcode) == 5 and c.postcode[:2].isdigit() for c in communes)
    assert all(c.city and c.weight > 0 for c in communes)
    by_name = {c.city: c for c in communes}
    assert by_name["Saint-Étienne"].postcode.startswith("42")
    assert sum(1 for c in communes if c.postcode.startswith("0")) > 100
    paris = sum(c.weight for c in communes if c.city == "Paris")
    assert paris > 20 * max(c.weight for c in communes if c.postcode.startswith("01"))


@pytest.mark.skipif(not LAPOSTE.exists(), reason="La Poste corpus not available")
def test_communes_file_is_what_the_derivation_gives(tmp_path: Path) -> None:
    out = tmp_path / "communes.csv"
    derive_communes(LAPOSTE, out)
    shipped = Path(importlib.import_module("carnet.demo").__file__ or "").parent / "data"
    assert out.read_bytes() == (shipped / "communes.csv").read_bytes()


@pytest.mark.parametrize(
    ("upper", "written"),
    [
        ("ST ETIENNE", "Saint-Étienne"),
        ("LE HAVRE", "Le Havre"),
        ("L ABERGEMENT CLEMENCIAT", "L'Abergement-Clemenciat"),
        ("CHALONS EN CHAMPAGNE", "Châlons-en-Champagne"),
        ("STE FOY LES LYON", "Sainte-Foy-les-Lyon"),
    ],
)
def test_display_name(upper: str, written: str) -> None:
    assert display_name(upper) == written


# --- faults and pools ---------------------------------------------------------------------


def test_weighted_pool_follows_its_weights() -> None:
    pool = Weighted([("a", 1.0), ("b", 3.0), ("never", 0.0)])
    rng = Random(3)
    draws = [pool.pick(rng) for _ in range(20_000)]
    assert set(draws) == {"a", "b"}
    assert draws.count("b") / len(draws) == pytest.approx(0.75, abs=0.02)
    with pytest.raises(ValueError):
        Weighted([("x", 0.0)])


def test_every_phone_format_is_a_valid_french_number() -> None:
    assert sum(PHONE_FORMATS.values()) == pytest.approx(1.0)
    for style in PHONE_FORMATS:
        for national in ("0612345678", "0140123456", "0978123456"):
            text = render_french_phone(national, style)
            assert phonenumbers.is_valid_number(phonenumbers.parse(text, "FR")), text


def test_injected_phone_faults_are_invalid_and_counted() -> None:
    tally = Tally()
    faults = Faults(Random(1), tally, [("75001", "Paris"), ("13001", "Marseille")])
    seen: dict[str, list[str]] = {"invalid": [], "lost zero": [], "clean": []}
    for _ in range(20_000):
        invalid, lost = tally.hits["phone_invalid"], tally.hits["phone_lost_zero"]
        text = faults.phone("0612345678")
        if tally.hits["phone_invalid"] > invalid:
            seen["invalid"].append(text)
        elif tally.hits["phone_lost_zero"] > lost:
            seen["lost zero"].append(text)
        else:
            seen["clean"].append(text)
    assert tally.opportunities["phone_invalid"] == 20_000
    assert all(
        not phonenumbers.is_valid_number(phonenumbers.parse(text, "FR")) for text in seen["invalid"]
    )
    assert {text for text in seen["lost zero"]} == {"6 12 34 56 78", "612345678"}
    assert all(
        phonenumbers.format_number(phonenumbers.parse(text, "FR"), 0) == "+33612345678"
        for text in seen["clean"]
    )


def test_population_truths() -> None:
    """Households share address and landline; homonyms live apart; ids are unique."""
    tally = Tally()
    population = build_population(5_000, 11, tally)
    persons = population.persons
    assert [p.pid for p in persons] == [f"P{i:07d}" for i in range(1, 5_001)]
    members: dict[int, list[int]] = {}
    for index, person in enumerate(persons):
        members.setdefault(person.household, []).append(index)
    couples = [group for group in members.values() if len(group) > 1]
    for group in couples:
        assert len({id(persons[i].address) for i in group}) == 1
        assert len({persons[i].landline for i in group}) == 1
    names: dict[tuple[str, str], set[int]] = {}
    for person in persons:
        names.setdefault((person.first_name, person.last_name), set()).add(person.household)
    assert any(len(households) > 1 for households in names.values())
    households_of_email: dict[str, set[int]] = {}
    for person in persons:
        households_of_email.setdefault(person.email, set()).add(person.household)
    # Only members of one household share an e-mail address, and some do.
    assert all(len(households) == 1 for households in households_of_email.values())
    assert len(households_of_email) < len(persons)
    assert sum(1 for p in persons if p.maiden_name) > 500
    assert tally.hits["homonym"] > 0
    assert set(tally.opportunities) == set(FAULT_RATES)
