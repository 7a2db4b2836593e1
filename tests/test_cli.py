"""The command line: output, JSON, exit codes, one-sentence errors."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from carnet import Carnet
from carnet.cli import app

runner = CliRunner()


def run(db_url: str, *args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = runner.invoke(app, ["--db", db_url, *args], env=env)
    return result.exit_code, result.stdout, result.stderr


def test_init_add_show_edit_list_stats(db_url: str) -> None:
    code, out, _ = run(db_url, "init", "--profile", "b2b", "--json")
    assert code == 0 and json.loads(out)["profile"] == "b2b"
    code, out, _ = run(
        db_url,
        "contacts",
        "add",
        "--first-name",
        "jeanne",
        "--last-name",
        "MARTIN",
        "--email",
        "J.Martin@Orange.fr",
        "-s",
        "city=Lyon",
        "-s",
        "postcode=69003",
        "--json",
    )
    assert code == 0, out
    contact = json.loads(out)
    assert contact["first_name"] == "Jeanne"
    assert contact["points"][0]["normalised"] == "j.martin@orange.fr"
    code, out, _ = run(db_url, "contacts", "edit", str(contact["id"]), "-s", "job_title=DRH")
    assert code == 0 and "DRH" in out
    code, out, _ = run(db_url, "contacts", "show", str(contact["id"]), "--history", "--json")
    assert code == 0
    assert [h["field"] for h in json.loads(out)["history"]][-1] == "job_title"
    code, out, _ = run(db_url, "contacts", "list", "-q", "martin", "--json")
    assert code == 0 and json.loads(out)["total"] == 1
    code, out, _ = run(db_url, "contacts", "list", "--where", "city=Lyon")
    assert code == 0 and "Martin" in out
    code, out, _ = run(db_url, "audit", "--json")
    assert code == 0 and {"read"} <= {e["action"] for e in json.loads(out)}
    code, out, _ = run(db_url, "stats", "--json")
    assert code == 0 and json.loads(out)["contacts_total"] == 1
    code, out, _ = run(db_url, "stats")
    assert code == 0 and "Contacts" in out


def test_import_reads_a_file_in_the_format_given(db_url: str, tmp_path: Path) -> None:
    """A CSV named .xlsx: the error says to pass --format csv, and --format csv reads it."""
    path = tmp_path / "export.xlsx"
    path.write_text("Nom;Prénom;Email\nDupont;Jean;jean.dupont@free.fr\n", encoding="utf-8")
    assert run(db_url, "init")[0] == 0
    code, out, err = run(db_url, "import", str(path))
    assert code != 0 and "--format csv" in out + err
    code, out, _ = run(db_url, "import", str(path), "--format", "csv", "--json")
    assert code == 0, out
    assert json.loads(out)[0]["counts"]["inserted"] == 1


def test_import_reads_times_in_the_time_zone_given(db_url: str, tmp_path: Path) -> None:
    path = tmp_path / "inscrits.csv"
    path.write_text("Email;Date d'inscription\nline@orange.mq;12/01/2024 14:32\n", "utf-8")
    assert run(db_url, "init")[0] == 0
    code, out, err = run(db_url, "import", str(path), "--timezone", "Martinique")
    assert code != 0 and "America/Martinique" in out + err
    code, out, _ = run(
        db_url, "import", str(path), "--timezone", "America/Martinique", "--json"
    )
    assert code == 0, out
    assert json.loads(out)[0]["timezone"] == "America/Martinique"
    ws = Carnet(db_url)
    [contact] = ws.search_contacts("line@orange.mq")
    ws.engine.dispose()
    assert contact.first_seen == datetime(2024, 1, 12, 18, 32, tzinfo=UTC)


def test_import_as_a_list_to_suppress(db_url: str, tmp_path: Path) -> None:
    """`--as bounces`: every address on the suppression list, no contact created, the
    invalid one reported; an unknown kind of list is one sentence."""
    path = tmp_path / "bounces.csv"
    path.write_text(
        "Email;Date du bounce\n Jean.Dupont@Free.fr ;02/03/2024\nmarie@;02/03/2024\n"
        "paul.martin@orange.fr;\n",
        encoding="utf-8",
    )
    env = {"CARNET_SECRET_KEY": "cli-test-secret"}
    assert run(db_url, "init", env=env)[0] == 0
    code, out, err = run(db_url, "import", str(path), "--as", "bounces", env=env)
    assert code == 0, out + err
    assert "a list of bounces" in out and "Added to the suppression list: hard bounce 2." in out
    code, out, _ = run(db_url, "import", str(path), "--as", "bounces", "--json", env=env)
    report = json.loads(out)[0]
    assert report["counts"]["suppressed"] == 2 and report["counts"]["rejected"] == 1
    assert report["suppression_list"] == "bounces" and report["suppressions"] == {}
    code, out, _ = run(db_url, "stats", "--json", env=env)
    assert json.loads(out)["contacts_total"] == 0
    code, out, _ = run(db_url, "consent", "summary", "--json", env=env)
    assert json.loads(out)["suppressions"] == {"hard_bounce": 2}
    code, out, err = run(db_url, "import", str(path), "--as", "optouts", env=env)
    assert code != 0 and "not 'optouts'" in err and "Traceback" not in out + err


def test_database_url_from_environment(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'env.db'}"
    result = runner.invoke(app, ["init"], env={"CARNET_DATABASE_URL": url})
    assert result.exit_code == 0
    assert (tmp_path / "env.db").exists()


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["contacts", "show", "42"], 4, "Contact 42 does not exist"),
        (["contacts", "add", "-s", "email=nope"], 5, "Invalid values"),
        (["contacts", "add", "-s", "shoe=1"], 5, "Unknown field 'shoe'"),
        (["contacts", "add", "-s", "nonsense"], 5, "is not FIELD=VALUE"),
        (["contacts", "list", "--sort", "shoe"], 5, "Cannot sort by 'shoe'"),
        (["init", "--profile", "b2x"], 5, "not b2c or b2b"),
    ],
)
def test_errors_are_one_sentence_without_traceback(
    tmp_path: Path, args: list[str], code: int, message: str
) -> None:
    url = f"sqlite:///{tmp_path / 'c.db'}"
    assert runner.invoke(app, ["--db", url, "init"]).exit_code == 0
    result = runner.invoke(app, ["--db", url, *args])
    assert result.exit_code == code
    assert message in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert len(result.stderr.strip().splitlines()) <= 3


def test_uninitialised_database_tells_to_run_init(tmp_path: Path) -> None:
    result = runner.invoke(app, ["--db", f"sqlite:///{tmp_path / 'new.db'}", "stats"])
    assert result.exit_code == 3
    assert "run `carnet init` first" in result.stderr


def test_fields_lists_the_catalog(tmp_path: Path) -> None:
    result = runner.invoke(app, ["fields", "--profile", "b2b", "--json"])
    assert result.exit_code == 0
    names = {f["name"] for f in json.loads(result.stdout)}
    assert {"siret", "job_title", "email"} <= names and "birth_date" not in names


def _commands(group: typer.Typer, prefix: str = "") -> list[tuple[str, object]]:
    found = [
        (prefix + (c.name or c.callback.__name__), c.callback) for c in group.registered_commands
    ]  # type: ignore[union-attr]
    for sub in group.registered_groups:
        assert sub.typer_instance is not None
        found += _commands(sub.typer_instance, f"{prefix}{sub.name} ")
    return found


def test_every_command_has_help_with_an_example() -> None:
    for name, callback in _commands(app):
        doc = getattr(callback, "__doc__", None) or ""
        assert doc.strip(), f"`carnet {name}` has no help"
        assert "Example:" in doc, f"`carnet {name}` help has no Example:"


def test_import_previews_an_old_excel_file_and_refuses_a_protected_one(db_url: str) -> None:
    workbooks = Path(__file__).parent / "data" / "workbooks"  # a preview writes no file
    assert run(db_url, "init")[0] == 0
    code, out, err = run(db_url, "import", "--preview", str(workbooks / "clients.xls"))
    assert code == 0, out + err
    assert "Preview of clients.xls" in out and "(xls)" in out and "Date de naissance" in out
    code, out, err = run(db_url, "import", str(workbooks / "protected.xls"), "--quiet")
    assert code == 6 and "is protected by a password" in err
    assert "Traceback" not in out + err


def test_a_deceased_contact_shows_its_status_and_the_proof(db_url: str, tmp_path: Path) -> None:
    assert run(db_url, "init", "--profile", "b2c")[0] == 0
    path = tmp_path / "clients.csv"
    path.write_text("Nom;Prénom;Email\nDUPONT (DCD);Jean;jean.dupont@orange.fr\n",
                    encoding="utf-8")
    code, out, _ = run(db_url, "import", str(path), "--json")
    assert code == 0 and json.loads(out)[0]["deaths"]["recorded"] == 1
    code, out, _ = run(db_url, "contacts", "show", "1", "--history")
    assert code == 0 and "deceased" in out
    # (the proof read from the JSON: a table wraps it at the terminal's width)
    code, out, _ = run(db_url, "contacts", "show", "1", "--history", "--json")
    shown = json.loads(out)
    assert shown["status"] == "deceased"
    assert {"field": "status", "new_value": "deceased",
            "reason": "death: clients.csv row 1, column 'Nom': 'DUPONT (DCD)'"}.items() <= {
        k: v for h in shown["history"] if h["field"] == "status" for k, v in h.items()
    }.items()
    code, out, _ = run(db_url, "contacts", "list", "--where", "status=deceased", "--json")
    assert code == 0 and json.loads(out)["total"] == 1
    code, out, _ = run(db_url, "stats", "--json")
    assert json.loads(out)["contacts"] == {"deceased": 1}


def test_an_export_warns_of_the_dead_and_can_leave_them_out(db_url: str, tmp_path: Path) -> None:
    assert run(db_url, "init", "--profile", "b2c")[0] == 0
    path = tmp_path / "clients.csv"
    path.write_text("Nom;Prénom;Email;Adresse;CP;Ville\n"
                    "DUPONT (DCD);Jean;jean.dupont@orange.fr;12 rue des Lilas;75011;Paris\n"
                    "MARTIN;Paul;paul.martin@free.fr;3 av. Foch;69003;Lyon\n", encoding="utf-8")
    assert run(db_url, "import", str(path), "--quiet")[0] == 0
    code, out, _ = run(db_url, "export", str(tmp_path / "all.csv"), "--fields",
                       "email,afnor_line1")
    assert code == 0 and "Exported 2 contacts" in out
    assert "1 of them is deceased" in " ".join(out.split())
    code, out, _ = run(db_url, "export", str(tmp_path / "mailing.csv"), "--living-only")
    assert code == 0 and "Exported 1 contacts" in out and "deceased" not in out
    written = (tmp_path / "mailing.csv").read_text(encoding="utf-8-sig")
    assert "paul.martin@free.fr" in written and "jean.dupont" not in written
