"""Tests of the demo data generator (``carnet.demo.generate``).

One population of 20,000 people is generated once per module; determinism is
checked on smaller runs.
"""

from __future__ import annotations

import csv
import hashlib
import io
import math
import multiprocessing
import re
from collections import Counter, defaultdict
from datetime import date, datetime
from pathlib import Path

import openpyxl
import phonenumbers
import pytest
from stdnum.fr import siret as stdnum_siret
from stdnum.fr import tva as stdnum_tva

from carnet.demo import FAULT_RATES, GenerationReport, generate
from carnet.demo import people as people_module
from carnet.demo.faults import Tally
from carnet.demo.people import SOURCE_COUNTS, SOURCES
from carnet.demo.sources import (
    CRM_HEADER,
    ESHOP_HEADER,
    EVENT_HEADER,
    NEWSLETTER_HEADER,
    ORDER_HEADER,
    SURVEY_HEADER,
)
from carnet.errors import InvalidValueError
from carnet.match.records import canonical_email

PEOPLE = 20_000
DOCS = Path(__file__).resolve().parents[2] / "docs" / "demo-data.md"

# file name -> (encoding, delimiter, header)
CSV_LAYOUTS = {
    "eshop_customers.csv": ("cp1252", ";", ESHOP_HEADER),
    "old_crm.csv": ("utf-8", ",", CRM_HEADER),
    "survey_answers.csv": ("utf-8-sig", ",", SURVEY_HEADER),
    "order_lines.csv": ("utf-8", ";", ORDER_HEADER),
    "newsletter.csv": ("utf-8", ",", NEWSLETTER_HEADER),
}


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> GenerationReport:
    return generate(tmp_path_factory.mktemp("demo"), people=PEOPLE, seed=42)


def read_csv(path: Path) -> tuple[list[str], list[list[str]]]:
    encoding, delimiter, _header = CSV_LAYOUTS[path.name]
    with path.open(encoding=encoding, newline="") as handle:
        rows = list(csv.reader(handle, delimiter=delimiter))
    return rows[0], rows[1:]


def read_xlsx(path: Path) -> list[tuple[object, ...]]:
    workbook = openpyxl.load_workbook(path, read_only=True)
    try:
        assert workbook.sheetnames == ["Registrations"]
        return [tuple(row) for row in workbook.active.iter_rows(values_only=True)]
    finally:
        workbook.close()


def as_dicts(path: Path) -> list[dict[str, str]]:
    header, rows = read_csv(path)
    return [dict(zip(header, row, strict=True)) for row in rows]


@pytest.fixture(scope="module")
def sheet(generated: GenerationReport) -> list[tuple[object, ...]]:
    """The rows of the event sheet, header included."""
    return read_xlsx(generated.out_dir / "event_signups.xlsx")


@pytest.fixture(scope="module")
def truth(generated: GenerationReport) -> dict[str, dict[int, str]]:
    """source -> row number -> person id."""
    table: dict[str, dict[int, str]] = defaultdict(dict)
    with (generated.out_dir / "truth.csv").open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        assert next(reader) == ["source", "row", "person_id"]
        for source, row, person in reader:
            assert int(row) not in table[source], f"{source} row {row} listed twice"
            table[source][int(row)] = person
    return table


# --- files and layouts ----------------------------------------------------------


def test_every_file_exists_and_parses_with_its_layout(
    generated: GenerationReport, sheet: list[tuple[object, ...]]
) -> None:
    out = generated.out_dir
    assert sorted(path.name for path in out.iterdir()) == sorted([*generated.files, "truth.csv"])
    for name, (_encoding, _delimiter, header) in CSV_LAYOUTS.items():
        found, rows = read_csv(out / name)
        assert tuple(found) == header, name
        assert len(rows) == generated.files[name] > 0, name
        assert all(len(row) == len(header) for row in rows), name
    assert sheet[0] == EVENT_HEADER
    assert len(sheet) - 1 == generated.files["event_signups.xlsx"] > 0


def test_report_counts_add_up(generated: GenerationReport) -> None:
    assert generated.people == PEOPLE
    assert generated.seed == 42
    assert generated.truth_rows == generated.rows == sum(generated.files.values())
    assert generated.seconds > 0
    assert set(generated.faults) == set(FAULT_RATES) == set(generated.opportunities)
    assert generated.notes["households"] > PEOPLE // 3
    assert generated.notes["companies"] > 0


def test_eshop_file_really_is_cp1252(generated: GenerationReport) -> None:
    data = (generated.out_dir / "eshop_customers.csv").read_bytes()
    assert "Civilité;Prénom".encode("cp1252") in data
    assert b"\xe9" in data  # é as one cp1252 byte
    assert b"\xc3\xa9" not in data  # ... not as UTF-8
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    assert data.count(b"\r\n") == generated.files["eshop_customers.csv"] + 1
    # Names cp1252 cannot hold (Łukasz, Nguyễn) were replaced, not crashed on.
    assert generated.notes.get("cp1252_replaced", 0) > 0
    assert b"?" in data


def test_survey_has_a_bom_and_a_quoted_header(generated: GenerationReport) -> None:
    data = (generated.out_dir / "survey_answers.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbfHorodateur,")
    assert b'"Sur une \xc3\xa9chelle de 0 \xc3\xa0 10, quelle' in data


# --- truth ----------------------------------------------------------------------


def test_truth_covers_every_data_row_exactly_once(
    generated: GenerationReport, truth: dict[str, dict[int, str]]
) -> None:
    for file_name, rows in generated.files.items():
        source = file_name.rsplit(".", 1)[0]
        assert sorted(truth[source]) == list(range(1, rows + 1)), source
    assert set(truth) == {name.rsplit(".", 1)[0] for name in generated.files}
    people = {person for rows in truth.values() for person in rows.values()}
    assert all(re.fullmatch(r"P\d{7}", person) for person in people)
    # Every person of the population appears somewhere.
    contact_people = {p for source in SOURCES for p in truth[source].values()}
    assert len(contact_people) == PEOPLE


def test_each_person_appears_in_one_to_four_sources_as_documented(
    truth: dict[str, dict[int, str]],
) -> None:
    sources_of: dict[str, set[str]] = defaultdict(set)
    for source in SOURCES:
        for person in truth[source].values():
            sources_of[person].add(source)
    counts = Counter(len(found) for found in sources_of.values())
    assert set(counts) <= {1, 2, 3, 4}
    for count, share in SOURCE_COUNTS.items():
        assert counts[count] / PEOPLE == pytest.approx(share, abs=0.015), count
    # The old CRM is a B2B file; order lines follow e-shop customers.
    assert set(truth["order_lines"].values()) <= set(truth["eshop_customers"].values())


def test_some_people_appear_twice_in_one_source(truth: dict[str, dict[int, str]]) -> None:
    for source in SOURCES:
        repeated = [p for p, n in Counter(truth[source].values()).items() if n > 1]
        assert repeated, source


# --- fault rates ------------------------------------------------------------------


@pytest.mark.parametrize("kind", sorted(FAULT_RATES))
def test_fault_rate_matches_the_documented_constant(generated: GenerationReport, kind: str) -> None:
    rate = FAULT_RATES[kind]
    opportunities = generated.opportunities[kind]
    assert opportunities >= 300, f"too few opportunities for {kind} to measure its rate"
    observed = generated.faults[kind] / opportunities
    tolerance = 5 * math.sqrt(rate * (1 - rate) / opportunities) + 0.001
    assert abs(observed - rate) <= tolerance, (kind, observed, rate, opportunities)
    assert generated.fault_rates()[kind] == observed


def test_docs_mirror_the_fault_rates() -> None:
    text = DOCS.read_text(encoding="utf-8")
    for kind, rate in FAULT_RATES.items():
        row = re.search(rf"^\| `{kind}` \|[^|\n]*\| ([0-9.]+) %", text, re.MULTILINE)
        assert row, f"docs/demo-data.md lacks a table row for `{kind}`"
        assert float(row.group(1)) == pytest.approx(rate * 100), kind


# --- what the faults look like in the files -----------------------------------


def test_emails_carry_the_documented_typos(generated: GenerationReport) -> None:
    emails = [row["E-mail"] for row in as_dicts(generated.out_dir / "eshop_customers.csv")]
    domains = Counter(email.rpartition("@")[2].lower() for email in emails if "@" in email)
    assert domains["gmail.com"] > 100
    assert {"gmial.com", "gmail.con", "gmai.com", "hotmial.fr", "yaho.fr", "ornage.fr"} & set(
        domains
    )
    assert any("@" not in email for email in emails)
    assert any(" " in email for email in emails)
    assert any(email != email.lower() for email in emails)


def test_phones_come_in_every_french_format(generated: GenerationReport) -> None:
    phones = [row["Téléphone"] for row in as_dicts(generated.out_dir / "eshop_customers.csv")]
    phones = [phone for phone in phones if phone]
    patterns = {
        "spaced": r"0\d( \d\d){4}",
        "compact": r"0\d{9}",
        "dotted": r"0\d(\.\d\d){4}",
        "intl": r"\+33 \d( \d\d){4}",
        "intl compact": r"\+33\d{9}",
        "trunk": r"\+33 \(0\)\d( \d\d){4}",
        "0033": r"0033\d{9}",
        "lost zero": r"[1-9]( \d\d){4}|[1-9]\d{8}",
        "all zeros": r"00 00 00 00 00",
        "belgian": r"\+32 4\d\d( \d\d){3}|0032\d+|\+324\d{8}",
    }
    for name, pattern in patterns.items():
        assert any(re.fullmatch(pattern, phone) for phone in phones), name
    valid = sum(
        phonenumbers.is_valid_number(phonenumbers.parse(phone, "FR"))
        for phone in phones[:2000]
        if phone.startswith(("0", "+"))
    )
    assert valid > 0.9 * len([p for p in phones[:2000] if p.startswith(("0", "+"))])


def test_postcodes_lose_their_leading_zero_and_cities_mismatch(generated: GenerationReport) -> None:
    rows = [
        row
        for row in as_dicts(generated.out_dir / "eshop_customers.csv")
        if row["Pays"].lower() in ("france", "fr", "")
    ]
    postcodes = [row["Code postal"] for row in rows]
    assert any(re.fullmatch(r"[1-9]\d{3}", postcode) for postcode in postcodes)
    assert all(re.fullmatch(r"\d{4,5}", postcode) for postcode in postcodes)
    assert any(row["Adresse"].isupper() for row in rows)  # "12 R DE LA PAIX"


def test_names_show_case_chaos_swaps_and_nicknames(generated: GenerationReport) -> None:
    rows = as_dicts(generated.out_dir / "eshop_customers.csv")
    firsts = Counter(row["Prénom"] for row in rows)
    assert any(name.isupper() and len(name) > 2 for name in firsts)
    assert any(name.islower() for name in firsts)
    assert {"JB", "Nico", "Cathy", "Fred", "Seb", "Steph"} & set(firsts)
    crm = [row["Nom complet"] for row in as_dicts(generated.out_dir / "old_crm.csv")]
    assert any(re.fullmatch(r"[A-Z' -]+ [A-Z][a-zé-]+", name) for name in crm)  # "DUPONT Jean"
    assert any(name.startswith(("M. ", "Mme ")) for name in crm)


def test_households_share_an_address_but_not_a_person_id(
    generated: GenerationReport, truth: dict[str, dict[int, str]]
) -> None:
    rows = as_dicts(generated.out_dir / "eshop_customers.csv")
    people_at: dict[tuple[str, str], set[str]] = defaultdict(set)
    for number, row in enumerate(rows, start=1):
        people_at[(row["Adresse"], row["Code postal"])].add(truth["eshop_customers"][number])
    households = [people for people in people_at.values() if len(people) > 1]
    assert len(households) > 100
    # Some households share one e-mail address between different people.
    people_of_email: dict[str, set[str]] = defaultdict(set)
    for number, row in enumerate(rows, start=1):
        people_of_email[row["E-mail"].lower()].add(truth["eshop_customers"][number])
    assert any(len(people) > 1 for email, people in people_of_email.items() if email)


def test_homonyms_are_different_people(
    generated: GenerationReport, truth: dict[str, dict[int, str]]
) -> None:
    rows = as_dicts(generated.out_dir / "eshop_customers.csv")
    people_named: dict[tuple[str, str], set[str]] = defaultdict(set)
    for number, row in enumerate(rows, start=1):
        key = (row["Prénom"].lower(), row["Nom"].lower())
        people_named[key].add(truth["eshop_customers"][number])
    homonyms = {name: people for name, people in people_named.items() if len(people) > 1}
    assert len(homonyms) > 50
    assert any(first == "nicolas" or last == "martin" for first, last in homonyms)


def test_a_person_is_spelt_differently_across_sources(
    generated: GenerationReport, truth: dict[str, dict[int, str]]
) -> None:
    eshop = as_dicts(generated.out_dir / "eshop_customers.csv")
    crm = as_dicts(generated.out_dir / "old_crm.csv")
    eshop_email: dict[str, set[str]] = defaultdict(set)
    for number, row in enumerate(eshop, start=1):
        eshop_email[truth["eshop_customers"][number]].add(row["E-mail"])
    crm_email: dict[str, set[str]] = defaultdict(set)
    for number, row in enumerate(crm, start=1):
        crm_email[truth["old_crm"][number]].add(row["E-mail"])
    both = set(eshop_email) & set(crm_email)
    assert len(both) > 50
    # The same person, a personal address in the shop and a work one in the CRM.
    assert sum(1 for person in both if not eshop_email[person] & crm_email[person]) > 25


# --- B2B identifiers, dates, consent, orders -----------------------------------------


def test_crm_sirets_and_vat_numbers(generated: GenerationReport) -> None:
    rows = as_dicts(generated.out_dir / "old_crm.csv")
    sirets = [row["SIRET"].replace(" ", "") for row in rows if row["SIRET"]]
    bad = [siret for siret in sirets if not stdnum_siret.is_valid(siret)]
    assert 0 < len(bad) < 0.08 * len(sirets)
    for row in rows:
        siret, vat = row["SIRET"].replace(" ", ""), row["N° TVA intracom."].replace(" ", "")
        if vat:
            assert stdnum_tva.is_valid(vat), vat
            if stdnum_siret.is_valid(siret):
                assert vat[4:] == siret[:9]
    assert any(re.fullmatch(r"\d\d\.\d\d[A-Z]", row["Code NAF"]) for row in rows)
    assert any(re.fullmatch(r"\d{4}[A-Z]", row["Code NAF"]) for row in rows)


def test_crm_has_contacts_inactive_for_more_than_three_years(generated: GenerationReport) -> None:
    rows = as_dicts(generated.out_dir / "old_crm.csv")
    last = [date.fromisoformat(row["Dernier contact"]) for row in rows]
    old = [day for day in last if day < date(2022, 6, 30)]
    assert 0.25 < len(old) / len(last) < 0.45
    assert any("\n" in row["Notes"] for row in rows)


def test_newsletter_has_consent_proof_and_opt_outs(generated: GenerationReport) -> None:
    rows = as_dicts(generated.out_dir / "newsletter.csv")
    assert any(row["unsubscribed_at"] for row in rows)
    confirmed = [row for row in rows if row["double_opt_in"] == "true"]
    assert confirmed and all(row["confirmed_at"] >= row["opt_in_at"] for row in confirmed)
    assert all(not row["confirmed_at"] for row in rows if row["double_opt_in"] == "false")
    assert {"formulaire site v3", "salon Lyon 2023"} <= {row["source"] for row in rows}
    assert any(":" in row["ip_address"] for row in rows)
    assert any(row["ip_address"].count(".") == 3 for row in rows)


def test_event_sheet_mixes_real_dates_and_text(sheet: list[tuple[object, ...]]) -> None:
    rows = sheet[1:]
    registered = [row[7] for row in rows]
    assert any(isinstance(value, datetime) for value in registered)
    assert any(isinstance(value, str) for value in registered)
    assert any(isinstance(row[3], int) for row in rows)  # a mobile Excel turned into a number


def test_order_lines_follow_eshop_customers(
    generated: GenerationReport, truth: dict[str, dict[int, str]]
) -> None:
    eshop = as_dicts(generated.out_dir / "eshop_customers.csv")
    person_of_number = {
        row["N° client"]: truth["eshop_customers"][number] for number, row in enumerate(eshop, 1)
    }
    lines = as_dicts(generated.out_dir / "order_lines.csv")
    orders: dict[str, int] = Counter(line["order_id"] for line in lines)
    assert max(orders.values()) > 1
    buyers = set()
    for number, line in enumerate(lines, start=1):
        if line["customer_number"]:
            assert person_of_number[line["customer_number"]] == truth["order_lines"][number]
            buyers.add(line["customer_number"])
        else:
            assert line["email"]  # a guest order
        quantity = int(line["quantity"])
        unit = float(line["unit_price"].replace(",", "."))
        total = float(line["line_total"].replace(",", "."))
        assert total == pytest.approx(unit * quantity)
    assert len(buyers) < len(person_of_number)  # some customers never ordered
    assert any("," in line["unit_price"] for line in lines)
    assert any(row["Client depuis"] == "" for row in eshop)


# --- determinism and arguments ------------------------------------------------------


def digest(directory: Path) -> dict[str, str]:
    return {
        path.name: hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(directory.iterdir())
    }


def test_same_seed_gives_byte_identical_files(tmp_path: Path) -> None:
    first = generate(tmp_path / "a", people=2_000, seed=7)
    second = generate(tmp_path / "b", people=2_000, seed=7)
    assert digest(tmp_path / "a") == digest(tmp_path / "b")
    assert first.faults == second.faults and first.files == second.files
    generate(tmp_path / "c", people=2_000, seed=8)
    assert (
        digest(tmp_path / "c")["eshop_customers.csv"]
        != digest(tmp_path / "a")["eshop_customers.csv"]
    )


@pytest.mark.skipif(
    "fork" not in multiprocessing.get_all_start_methods(), reason="parallel writing needs fork"
)
def test_parallel_processes_give_the_same_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(people_module, "POPULATION_CHUNK", 700)  # several chunks to share
    sequential = generate(tmp_path / "one", people=3_000, seed=3, workers=1)
    parallel = generate(tmp_path / "two", people=3_000, seed=3, workers=2)
    assert digest(tmp_path / "one") == digest(tmp_path / "two")
    assert sequential.faults == parallel.faults
    assert sequential.opportunities == parallel.opportunities
    assert parallel.timings["write_workers_cpu"] >= 0


def test_chunks_keep_emails_and_phones_unique(monkeypatch: pytest.MonkeyPatch) -> None:
    """Chunks are drawn independently; values drawn twice are redrawn. E-mails count as
    the mailboxes they reach: jean.dupont@gmail.com in one chunk and jeandupont@gmail.com
    in another would be one Gmail mailbox for two people (5 such pairs here before)."""
    monkeypatch.setattr(people_module, "POPULATION_CHUNK", 500)
    population = people_module.build_population(4_000, 5, Tally())
    assert [p.pid for p in population.persons] == [f"P{i:07d}" for i in range(1, 4_001)]
    households_of: dict[str, set[int]] = defaultdict(set)
    for person in population.persons:
        for value in (person.email, person.old_email, person.work_email):
            if value:
                households_of[canonical_email(value) or value].add(person.household)
        for value in (person.mobile, person.old_mobile, person.landline):
            if value:
                households_of[value].add(person.household)
    assert all(len(households) == 1 for households in households_of.values())
    assert population.households == len({p.household for p in population.persons})


def test_tiny_population(tmp_path: Path) -> None:
    report = generate(tmp_path, people=1, seed=1)
    assert report.truth_rows >= 1
    with (tmp_path / "truth.csv").open(encoding="utf-8") as handle:
        assert {line.rstrip("\n").split(",")[2] for line in list(handle)[1:]} == {"P0000001"}


@pytest.mark.parametrize("people", [0, -5, 1.5, True, "10"])
def test_bad_population_size_is_refused(tmp_path: Path, people: object) -> None:
    with pytest.raises(InvalidValueError, match="at least 1"):
        generate(tmp_path, people=people, seed=1)  # type: ignore[arg-type]


def test_csv_files_survive_a_strict_round_trip(generated: GenerationReport) -> None:
    """Quoted fields (notes with newlines and quotes) come back as written."""
    header, rows = read_csv(generated.out_dir / "old_crm.csv")
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows([header, *rows])
    assert buffer.getvalue() == (generated.out_dir / "old_crm.csv").read_bytes().decode("utf-8")
