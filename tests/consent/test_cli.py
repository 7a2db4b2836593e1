"""The consent, privacy, retention, audit and serve commands."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
import sqlalchemy as sa
import typer
from typer.main import get_command
from typer.testing import CliRunner

from carnet.cli import app as main_app
from carnet.consent.cli import register
from carnet.store import schema as s

runner = CliRunner()
OURS = ("consent", "privacy", "retention")


def _app() -> typer.Typer:
    names = {g.name for g in main_app.registered_groups}
    if "consent" not in names:  # until carnet/cli.py calls register(app) itself
        register(main_app)
    return main_app


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'c.db'}"
    monkeypatch.setenv("CARNET_SECRET_KEY", "cli-secret")
    assert runner.invoke(_app(), ["--db", url, "init"]).exit_code == 0
    return url


def run(db: str, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(_app(), ["--db", db, *args])
    return result.exit_code, result.stdout, result.stderr


def _contact(db: str) -> int:
    code, out, _ = run(db, "contacts", "add", "--first-name", "Jeanne", "--last-name", "Martin",
                       "--email", "jeanne.martin@orange.fr", "--phone", "06 12 34 56 78",
                       "--json")
    assert code == 0, out
    return int(json.loads(out)["id"])


def test_every_command_has_help_with_an_example() -> None:
    command = get_command(_app())
    ctx = typer.Context(command)
    checked = 0
    for name in (*OURS, "audit", "serve"):
        sub = command.get_command(ctx, name)  # type: ignore[attr-defined]
        assert sub is not None, name
        leaves = [sub] if not hasattr(sub, "commands") else list(sub.commands.values())
        for leaf in leaves:
            assert leaf.help and "Example: carnet" in leaf.help, f"{name} {leaf.name}"
            checked += 1
    assert checked >= 14


def test_consent_commands(db: str) -> None:
    cid = _contact(db)
    code, out, _ = run(db, "consent", "grant", str(cid), "-p", "offers", "-c", "sms",
                       "--via", "shop counter")
    assert code == 0 and "May contact: yes" in out
    code, out, _ = run(db, "consent", "show", str(cid), "--json")
    data = json.loads(out)
    sms = next(c for c in data["consents"] if c["purpose"] == "offers" and c["channel"] == "sms")
    assert sms["may_contact"] and "shop counter" in sms["reason"]
    code, out, _ = run(db, "consent", "show", str(cid), "--history")
    assert code == 0 and "granted" in out
    code, out, _ = run(db, "consent", "withdraw", str(cid), "-c", "sms")
    assert code == 0 and "withdrawal" in out
    code, out, _ = run(db, "consent", "verify")
    assert code == 0 and "Ledger intact" in out
    code, out, _ = run(db, "consent", "rebuild", "--json")
    assert code == 0 and json.loads(out)["consistent"]
    code, out, _ = run(db, "consent", "purposes")
    assert code == 0 and "sms_alerts" in out
    code, out, _ = run(db, "consent", "suppress", "x@example.org", "--reason", "complaint")
    assert code == 0 and "Suppressed" in out
    code, out, _ = run(db, "consent", "link", str(cid))
    assert code == 0 and "/preferences/" in out
    code, _, err = run(db, "consent", "grant", str(cid), "-p", "horoscope")
    assert code == 5 and "Purpose 'horoscope'" in err and "Traceback" not in err


def test_verify_fails_on_tampering(db: str) -> None:
    cid = _contact(db)
    run(db, "consent", "grant", str(cid), "-p", "newsletter")
    engine = sa.create_engine(db)
    with engine.begin() as conn:
        conn.execute(s.consent_events.update().values(action="confirmed"))
    engine.dispose()
    code, _, err = run(db, "consent", "verify")
    assert code == 9 and "Event 1" in err


def test_privacy_retention_and_audit_commands(db: str, tmp_path: Path) -> None:
    cid = _contact(db)
    code, out, _ = run(db, "privacy", "export", str(cid), "--out", str(tmp_path / "j.zip"))
    assert code == 0 and zipfile.is_zipfile(tmp_path / "j.zip")
    code, out, _ = run(db, "privacy", "register", "--format", "html", "--out",
                       str(tmp_path / "r.html"))
    assert code == 0 and "Registre" in (tmp_path / "r.html").read_text(encoding="utf-8")
    code, out, _ = run(db, "privacy", "register")
    assert code == 0 and out.startswith("# Registre")
    code, out, _ = run(db, "retention", "plan")
    assert code == 0 and "reconsent" in out
    code, out, _ = run(db, "retention", "plan", "--at", "2031-01-01", "--json")
    assert code == 0 and json.loads(out)["counts"]["reconsent"] == 1
    code, out, _ = run(db, "retention", "apply", "--dry-run")
    assert code == 0 and "Dry run" in out
    code, out, _ = run(db, "retention", "apply", "--yes", "--json")
    assert code == 0 and not json.loads(out)["dry_run"]
    code, out, _ = run(db, "privacy", "erase", str(cid), "--yes", "--receipt",
                       str(tmp_path / "receipt.json"), "--json")
    assert code == 0 and json.loads(out)["mode"] == "delete"
    assert json.loads((tmp_path / "receipt.json").read_text())["contact_id"] == cid
    code, out, _ = run(db, "audit", "--json")
    actions = [e["action"] for e in json.loads(out)]
    assert "erase" in actions and "export" in actions
    code, out, _ = run(db, "audit", "--contact", str(cid))
    assert code == 0 and "erase" in out
    code, _, err = run(db, "privacy", "erase", str(cid), "--yes")
    assert code == 4 and "does not exist" in err
    code, _, err = run(db, "retention", "plan", "--at", "someday")
    assert code == 5 and "not a date" in err


def test_missing_secret_is_one_sentence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'n.db'}"
    monkeypatch.delenv("CARNET_SECRET_KEY", raising=False)
    runner.invoke(_app(), ["--db", url, "init"])
    code, _, err = run(url, "retention", "plan")
    assert code == 2 and "CARNET_SECRET_KEY" in err
