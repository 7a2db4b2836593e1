"""``carnet dedupe``, ``review``, ``merges``, ``unmerge`` and ``export --with-sources``."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from carnet import Carnet
from carnet.cli import app

from .test_workspace import DEMO_FILES, demo_dir  # noqa: F401  (fixture)

runner = CliRunner()


def run(ws: Carnet, *args: str, text: str | None = None) -> tuple[int, str, str]:
    # the workspace's secret, as its user has it: merging contacts whose e-mails are on
    # the suppression list (a demo note's "Ne souhaite plus être contacté") matches it
    env = {"COLUMNS": "160", "CARNET_SECRET_KEY": "test-secret"}
    result = runner.invoke(app, ["--db", ws.url, *args], input=text, env=env)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def filled(carnet: Carnet, demo_dir: Path) -> Carnet:  # noqa: F811
    carnet.import_file(demo_dir / "eshop_customers.csv", id_column="N° client")
    carnet.import_files([demo_dir / name for name in DEMO_FILES])
    return carnet


def test_dedupe_review_merges_unmerge(filled: Carnet, tmp_path: Path) -> None:
    pairs = tmp_path / "paires.csv"
    code, out, _ = run(filled, "dedupe", "--dry-run", "--pairs-out", str(pairs))
    assert code == 0, out
    assert "Dry run: nothing was written." in out and "Top reasons" in out and "Example" in out
    assert pairs.exists()
    code, out, _ = run(filled, "dedupe", "--auto-threshold", "0.99", "--json")
    report = json.loads(out)
    assert code == 0 and report["review"] > 0 and report["merge_ids"]
    code, out, _ = run(filled, "review", "--list", "--json")
    waiting = json.loads(out)
    assert len(waiting) == min(20, report["review"])
    # Reject the first pair, accept the second, quit.
    code, out, _ = run(filled, "review", text="r\na\nq\n")
    assert code == 0, out
    assert "Why" in out and "match weight (sum)" in out
    assert "Accepted 1, rejected 1, skipped 0" in out
    first = waiting[0]["contact_ids"]
    assert f"Kept apart: contacts {first[0]} and {first[1]} will not be proposed again." in out
    code, out, _ = run(filled, "merges", "--json")
    merges = json.loads(out)
    assert merges[0]["reason"].startswith("accepted in review")
    code, out, _ = run(filled, "unmerge", str(merges[0]["id"]))
    assert code == 0 and f"Merge {merges[0]['id']} undone" in out
    code, _, err = run(filled, "unmerge", str(merges[0]["id"]))
    assert code != 0 and "already undone" in err
    for name in ("Dupont SA", "Ets Dupont"):  # a duplicate it would merge
        filled.add_organisation({"name": name, "siren": "732829320"})
    merged_before = len(filled.list_organisation_merges())
    code, out, _ = run(filled, "dedupe", "--auto-threshold", "0.5", "--review-threshold", "0.9")
    assert code != 0
    assert len(filled.list_organisation_merges()) == merged_before


def test_export_with_sources(filled: Carnet, tmp_path: Path) -> None:
    out = tmp_path / "contacts.csv"
    code, _, _ = run(filled, "export", str(out), "--fields", "id,last_name", "--with-sources")
    assert code == 0
    with out.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter=";"))
    assert rows and {"source_rows", "source_ids"} <= set(rows[0])
    assert any("eshop_customers:" in r["source_rows"] for r in rows)
    assert any(r["source_ids"].startswith("eshop_customers:") for r in rows)
    # the default fields: carnet_id, and "id" beside it for the scripts that score by it
    code, _, _ = run(filled, "export", str(out), "--with-sources")
    with out.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle, delimiter=";")
        assert reader.fieldnames is not None and reader.fieldnames[:2] == ["carnet_id", "id"]
        assert all(r["carnet_id"] == r["id"] for r in reader)


def test_organisation_duplicates(filled: Carnet, tmp_path: Path) -> None:
    # The demo CRM gives each company one organisation; a second, typed by hand:
    siret = filled.list_organisations(filters={"siret__isnull": False}, limit=1).items[0].siret
    assert siret is not None
    filled.add_organisation({"name": "Ets test", "siren": siret[:9]})
    pairs = tmp_path / "paires.csv"
    code, out, _ = run(filled, "dedupe", "--dry-run", "--json", "--pairs-out", str(pairs))
    assert code == 0, out
    found = json.loads(out)["organisations"]
    assert found["dry_run"] and found["groups"] > 0 and found["merge_ids"] == []
    assert (tmp_path / "paires.organisations.csv").exists()
    code, out, _ = run(filled, "organisations", "dedupe")
    assert code == 0, out
    assert "Duplicates among" in out and "organisations into" in out
    code, out, _ = run(filled, "organisations", "merges", "--json")
    merges = json.loads(out)
    assert len(merges) == found["groups"] and merges[0]["reason"].startswith("same organisation")
    latest = merges[0]
    code, out, _ = run(filled, "organisations", "unmerge", str(latest["id"]))
    assert code == 0 and f"Organisation merge {latest['id']} undone" in out
    code, out, _ = run(
        filled,
        "organisations",
        "merge",
        str(latest["survivor_id"]),
        *map(str, latest["merged_ids"]),
        "--json",
    )
    assert code == 0, out
    assert json.loads(out)["merged_ids"] == latest["merged_ids"]
    code, _, err = run(filled, "organisations", "unmerge", "999999")
    assert code != 0 and "does not exist" in err
    left, right = (
        filled.add_organisation({"name": "Garage Test"}).id,
        filled.add_organisation({"name": "GARAGE TEST"}).id,
    )
    code, out, _ = run(filled, "organisations", "keep-apart", str(left), str(right))
    assert code == 0 and "kept apart" in out
    code, out, _ = run(filled, "organisations", "dedupe", "--dry-run", "--json")
    assert json.loads(out)["kept_apart"]["kept apart by a person"] == 1
