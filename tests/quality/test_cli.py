"""The quality and fix commands: output, JSON, HTML, exit codes, help examples."""

from __future__ import annotations

import json
from pathlib import Path
from typing import cast

import typer
from typer.testing import CliRunner

from carnet import Carnet
from carnet import cli as main_cli
from carnet.config import Settings
from carnet.quality.cli import fix_app, register

runner = CliRunner()


def _app() -> typer.Typer:
    """The main CLI's root plus the quality commands (until cli.py registers them)."""
    app = typer.Typer(no_args_is_help=True)
    app.callback()(main_cli._root)
    register(app)
    return app


def run(db_url: str, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(_app(), ["--db", db_url, *args], env={"CARNET_SECRET_KEY": "k"})
    return result.exit_code, result.stdout, result.stderr


def test_quality_json_html_and_fixes(settings: Settings, tmp_path: Path) -> None:
    ws = cast(Carnet, Carnet.init(settings=settings, profile="b2c", actor="test"))
    c = ws.add_contact({"first_name": "Lou", "email": "lou@gmial.com"}, source="t")
    ws.close()
    url = settings.database_url
    code, out, _ = run(url, "quality", "--json", "--lang", "en")
    assert code == 0, out
    data = json.loads(out)
    assert data["contacts"]["active"] == 1
    assert data["problems"][0]["code"] in {"email_typos", "unreachable", "no_email_consent"}
    code, out, _ = run(url, "quality", "--html", str(tmp_path / "q.html"))
    assert code == 0 and "Qualité du fichier" in out
    assert (tmp_path / "q.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    code, out, _ = run(url, "fix", "email-typos", "--dry-run")
    assert code == 0 and "lou@gmail.com" in out and "Dry run" in out
    code, out, _ = run(url, "fix", "email-typos", "--json")
    assert code == 0
    fix = json.loads(out)
    assert fix["applied"] == 1 and fix["suggestions"][0]["contact_id"] == c.id
    code, out, _ = run(url, "fix", "list", "--json")
    assert code == 0 and json.loads(out)[0]["fix_id"] == fix["fix_id"]
    code, out, _ = run(url, "fix", "undo", str(fix["fix_id"]))
    assert code == 0 and "Undid fix" in out
    code, _, err = run(url, "fix", "undo", str(fix["fix_id"]))
    assert code != 0 and "already undone" in err
    code, _, err = run(url, "quality", "--lang", "de")
    assert code != 0 and "not fr or en" in err


def test_every_command_has_help_with_an_example() -> None:
    commands = [c.callback for c in fix_app.registered_commands]
    from carnet.quality.cli import quality_command

    for callback in [quality_command, *commands]:
        assert callback is not None and callback.__doc__
        assert "Example: carnet " in callback.__doc__, callback.__name__


def test_quality_shows_the_deceased_apart(settings: Settings) -> None:
    ws = cast(Carnet, Carnet.init(settings=settings, profile="b2c", actor="test"))
    ws.add_contact({"first_name": "Lou", "last_name": "Roux", "email": "lou@orange.fr"})
    ws.add_contact({"first_name": "Jean", "last_name": "Roux", "deceased": "Oui"})
    ws.close()
    code, out, _ = run(settings.database_url, "quality")
    assert code == 0, out
    assert "Contacts actifs" in out and "Décédés (conservés, jamais contactés)" in out
    code, out, _ = run(settings.database_url, "quality", "--json")
    assert json.loads(out)["contacts"]["deceased"] == 1
