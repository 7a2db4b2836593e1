"""Duplicate search on a workspace filled through the real import of messy demo files."""

from __future__ import annotations

import csv
import json
from collections import Counter, defaultdict
from pathlib import Path

import pytest
import sqlalchemy as sa

from carnet import Carnet
from carnet.demo import generate
from carnet.store import schema as s

DEMO_FILES = ("old_crm.csv", "survey_answers.csv", "order_lines.csv", "newsletter.csv")


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("demo")
    generate(out, 400, seed=7, workers=1)
    return out


@pytest.fixture
def filled(carnet: Carnet, demo_dir: Path) -> Carnet:
    carnet.import_file(demo_dir / "eshop_customers.csv", id_column="N° client")
    carnet.import_files([demo_dir / name for name in DEMO_FILES])
    return carnet


def _count(ws: Carnet, table: sa.Table, *where: sa.ColumnElement[bool]) -> int:
    with ws.engine.connect() as conn:
        return int(
            conn.execute(sa.select(sa.func.count()).select_from(table).where(*where)).scalar_one()
        )


def _active(ws: Carnet) -> int:
    return _count(ws, s.contacts, s.contacts.c.status == "active")


def test_a_dry_run_writes_nothing_but_the_pairs_file(filled: Carnet, tmp_path: Path) -> None:
    active = _active(filled)
    out = tmp_path / "paires.csv"
    report = filled.find_duplicates(dry_run=True, pairs_out=out)
    assert report.dry_run and report.contacts == active
    assert report.clusters > 0 and report.contacts_merged >= report.clusters
    assert _active(filled) == active
    assert _count(filled, s.merges) == 0 and _count(filled, s.match_pairs) == 0
    with out.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter=";"))
    assert len(rows) == report.merged_pairs + report.review
    assert {r["decision"] for r in rows} <= {"merge", "review"}
    # The explanation's weights add up to the pair's match weight.
    for row in rows:
        weights = [float(part.rsplit(" ", 1)[1]) for part in row["explanation"].split("; ")]
        assert sum(weights) == pytest.approx(float(row["match_weight"]), abs=0.02)
    assert report.example is not None
    example = report.example
    assert sum(e["weight"] for e in example["explanation"]) == pytest.approx(
        example["match_weight"], abs=0.01
    )


def _people_of_contacts(ws: Carnet, demo_dir: Path, out: Path) -> dict[str, list[str]]:
    """Contact id → the true person of each input row folded into it."""
    ws.export_contacts(out, fields=["id"], with_sources=True)
    with (demo_dir / "truth.csv").open(encoding="utf-8") as handle:
        truth = {(r["source"], r["row"]): r["person_id"] for r in csv.DictReader(handle)}
    seen: set[tuple[str, str]] = set()
    people: dict[str, list[str]] = defaultdict(list)
    with out.open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle, delimiter=";"):
            for item in filter(None, row["source_rows"].split("|")):
                source, number = item.split(":")
                # Every imported row is listed once, on the contact it belongs to.
                assert (source, number) not in seen
                seen.add((source, number))
                people[row["id"]].append(truth[(source, number)])
    return people


def test_merges_lose_nothing_and_land_on_the_truth(
    filled: Carnet, demo_dir: Path, tmp_path: Path
) -> None:
    totals = {t.name: _count(filled, t) for t in (s.events, s.orders, s.contact_points)}
    active = _active(filled)
    before = _people_of_contacts(filled, demo_dir, tmp_path / "before.csv")
    guessed = filled.quality_report()["duplicates"]
    report = filled.find_duplicates()
    # The quality report's estimate becomes the pairs left for review: the rest was judged.
    judged = filled.quality_report(lang="en")
    assert not guessed["searched"] and judged["duplicates"]["searched"]
    assert 0 < judged["duplicates"]["estimated_contacts"] <= report.review
    codes = {p["code"]: p["action"] for p in judged["problems"]}
    assert "duplicates" not in codes and "carnet review" in codes["duplicates_to_review"]
    assert report.clusters == len(report.merge_ids) > 0
    assert _active(filled) == active - report.contacts_merged
    assert _count(filled, s.events) == totals["events"]
    assert _count(filled, s.orders) == totals["orders"]
    # Only exact duplicate points are folded.
    assert _count(filled, s.contact_points) <= totals["contact_points"]
    assert filled.review_count() == report.review
    assert filled.verify_consent_ledger().ok
    assert filled.rebuild_consent_state().consistent
    after = _people_of_contacts(filled, demo_dir, tmp_path / "after.csv")
    assert sum(map(len, after.values())) == sum(map(len, before.values()))

    def person(contact_id: int) -> str:
        return Counter(before[str(contact_id)]).most_common(1)[0][0]

    merges = filled.list_merges(limit=10_000)
    right = sum(person(m.survivor_id) == person(other) for m in merges for other in m.merged_ids)
    assert right / report.contacts_merged >= 0.9


def test_rejected_and_unmerged_pairs_are_not_proposed_again(filled: Carnet) -> None:
    first = filled.find_duplicates(auto_threshold=0.99, review_threshold=0.5)
    assert first.review > 0
    pending = filled.review_queue(limit=1)[0]
    assert filled.decide_pair(pending.pair_id, "reject") is None
    merge = filled.list_merges(limit=1)[0]
    filled.unmerge(merge.id)
    again = filled.find_duplicates(auto_threshold=0.99, review_threshold=0.5)
    assert again.skipped_rejected >= 2
    pairs = {(i.left.id, i.right.id) for i in filled.review_queue(limit=10_000)}
    assert (pending.left.id, pending.right.id) not in pairs
    assert all(
        m.survivor_id != merge.survivor_id
        or m.id == merge.id
        or set(m.merged_ids).isdisjoint(merge.merged_ids)
        for m in filled.list_merges(limit=10_000)
    )


def test_accepting_a_review_pair_merges_it(filled: Carnet) -> None:
    filled.find_duplicates(auto_threshold=0.99, review_threshold=0.5)
    item = filled.review_queue(limit=1)[0]
    merge_id = filled.decide_pair(item.pair_id, "accept")
    assert merge_id is not None
    assert filled.get_contact(item.right.id).merged_into_id == item.left.id
    with pytest.raises(Exception, match="already decided"):
        filled.decide_pair(item.pair_id, "reject")


def test_an_import_matches_its_new_contacts_against_the_file(
    filled: Carnet, tmp_path: Path
) -> None:
    late = tmp_path / "salon.csv"
    # Before any duplicate search there is no model: imports only use exact keys.
    late.write_text("Prénom;Nom;E-mail\nZoé;Quennehen;zoe.q@example.org\n", encoding="utf-8")
    assert filled.import_file(late).duplicates is None
    filled.find_duplicates()
    someone = next(
        c
        for c in filled.list_contacts(limit=200, sort="id").items
        if c.emails and c.first_name and c.last_name and len(c.emails) == 1
    )
    local, domain = (someone.emails[0].normalised or "").split("@")
    # The same person with a typo in the e-mail's domain: no exact key links them.
    typo = f"{local}@{domain[0]}{domain[2]}{domain[1]}{domain[3:]}"
    late.write_text(
        f"Prénom;Nom;E-mail\n{someone.first_name};{someone.last_name};{typo}\n",
        encoding="utf-8",
    )
    report = filled.import_file(late, source="salon-2")
    assert report.counts["inserted"] == 1
    assert report.duplicates == {"contacts_merged": 1, "review": 0}
    merged = filled.get_contact(report_contact(filled, report.import_id))
    assert (merged.status, merged.merged_into_id) == ("merged", someone.id)
    assert typo in {p.normalised for p in filled.get_contact(someone.id).emails}


def report_contact(ws: Carnet, import_id: int | None) -> int:
    with ws.engine.connect() as conn:
        return int(
            conn.execute(
                sa.select(s.import_rows.c.contact_id).where(s.import_rows.c.import_id == import_id)
            ).scalar_one()
        )


def test_a_model_saved_by_an_older_carnet_is_ignored(filled: Carnet, tmp_path: Path) -> None:
    filled.find_duplicates()
    model = filled.match_model()
    assert model is not None
    # an older carnet's phone comparison had one level fewer
    stale = json.loads(model.to_json())
    stale["m"]["phone"] = stale["m"]["phone"][1:]
    stale["u"]["phone"] = stale["u"]["phone"][1:]
    with filled.engine.begin() as conn:
        conn.execute(
            s.settings.update()
            .where(s.settings.c.key == "match_model")
            .values(value={"model": json.dumps(stale)})
        )
    assert filled.match_model() is None
    late = tmp_path / "salon.csv"
    late.write_text("Prénom;Nom;E-mail\nZoé;Quennehen;zoe.q@example.org\n", encoding="utf-8")
    assert filled.import_file(late).duplicates is None
