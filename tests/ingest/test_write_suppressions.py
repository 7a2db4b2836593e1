"""Withdrawals, bounces and declared lists brought in by an import reach the suppression
list, on both databases: what the import records, what a re-import does (nothing), and
what happens to the same address afterwards (refused, counted ``suppressed``)."""

from __future__ import annotations

import csv
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from carnet import Carnet
from carnet.config import Settings
from carnet.errors import InputFileError, InvalidValueError, MappingError
from carnet.ingest.write_suppressions import SuppressionListWriter
from carnet.store import schema as s
from tests.conftest import TEST_KEY
from tests.ingest.conftest import write_csv


def count(ws: Carnet, table: sa.Table) -> int:
    with ws.engine.connect() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())


def the(ws: Carnet, email: str) -> int:
    [contact] = ws.search_contacts(email)
    return contact.id


def import_rows(ws: Carnet, import_id: int | None) -> dict[int, sa.Row[tuple[object, ...]]]:
    r = s.import_rows
    with ws.engine.connect() as conn:
        return {
            row.row_number: row
            for row in conn.execute(sa.select(r).where(r.c.import_id == import_id))
        }


def shop(ws: Carnet, tmp_path: Path, rows: list[list[str]], name: str = "boutique.csv") -> Path:
    """A shop export: e-mail, first name, mobile, consent flags, cp1252 and ';'."""
    path = write_csv(
        tmp_path / name,
        ["E-mail", "Prénom", "Mobile", "Optin newsletter", "Offres commerciales", "Optin SMS"],
        rows,
    )
    ws.import_file(path)
    return path


# -- a column that closes a channel --------------------------------------------------------


def test_a_blacklisted_column_suppresses_like_an_unsubscribe_link(
    carnet: Carnet, tmp_path: Path
) -> None:
    shop(carnet, tmp_path, [
        ["anna.martin@free.fr", "Anna", "06 12 34 56 78", "oui", "oui", "oui"],
        ["bob.petit@sfr.fr", "Bob", "06 22 33 44 55", "oui", "", "oui"],
        ["chloe.roux@orange.fr", "Chloé", "", "oui", "oui", ""],
        ["dan.moreau@gmail.com", "Dan", "", "oui", "", ""],
    ])
    brevo = write_csv(
        tmp_path / "brevo_export.csv",
        ["EMAIL", "PRENOM", "SMS", "BLACKLISTED", "BLACKLISTED_SMS", "Newsletter"],
        [["Anna.Martin@Free.fr", "Anna", "33612345678", "Yes", "No", ""],
         ["bob.petit@sfr.fr", "Bob", "+33622334455", "No", "Yes", ""],
         ["chloe.roux@orange.fr", "Chloé", "", "No", "No", "Non"],
         ["dan.moreau@gmail.com", "Dan", "", "", "", "non"],
         ["eve.blanc@free.fr", "Eve", "", "Yes", "", ""]],
        encoding="utf-8", delimiter=",",
    )
    report = carnet.import_file(brevo)
    anna, bob, chloe, dan = (the(carnet, e) for e in (
        "anna.martin@free.fr", "bob.petit@sfr.fr", "chloe.roux@orange.fr", "dan.moreau@gmail.com"
    ))
    # Anna's e-mail channel is closed: her address goes on the list, as the API does it.
    entry = carnet.is_suppressed("anna.martin@free.fr")
    assert entry is not None and entry.reason == "unsubscribed"
    assert entry.source == f"import {report.import_id}: brevo_export.csv"
    assert not carnet.may_contact(anna, "newsletter", "email")
    assert carnet.may_contact(anna, "offers", "sms")  # her SMS consent stands
    # Bob's SMS channel is closed; no purpose is left by SMS or phone: his mobile goes.
    assert carnet.is_suppressed("06 22 33 44 55") is not None
    assert carnet.is_suppressed("bob.petit@sfr.fr") is None
    assert carnet.may_contact(bob, "newsletter", "email")
    # "Newsletter: non" withdraws one purpose and suppresses nothing, whether another
    # purpose stays allowed (Chloé's offers) or none (Dan).
    assert not carnet.may_contact(chloe, "newsletter", "email")
    assert carnet.may_contact(chloe, "offers", "email")
    assert not carnet.may_contact(dan, "newsletter", "email")
    assert carnet.is_suppressed("chloe.roux@orange.fr") is None
    assert carnet.is_suppressed("dan.moreau@gmail.com") is None
    # Eve, new to the workspace, is a contact whose e-mail is suppressed at once.
    assert report.counts["inserted"] == 1 and carnet.is_suppressed("eve.blanc@free.fr")
    assert report.suppressions == {"unsubscribed": 3}
    [logged] = carnet.audit_entries(action="suppress", entity="import")
    assert logged.entity_id == str(report.import_id) and logged.count == 3
    assert logged.details["reasons"] == {"unsubscribed": 3}
    # Re-importing the file changes nothing: the listed people are the workspace's
    # contacts, whose rows are read again (unchanged), with a note.
    events, entries = count(carnet, s.consent_events), count(carnet, s.suppressions)
    again = carnet.import_file(brevo)
    assert (again.counts["unchanged"], again.counts["suppressed"], again.suppressions) == (5, 0, {})
    assert (count(carnet, s.consent_events), count(carnet, s.suppressions)) == (events, entries)
    since = entry.created_at.date().isoformat()
    assert import_rows(carnet, again.import_id)[1].reason == (
        f"e-mail on the suppression list (unsubscribed) since {since}: never contacted there"
    )
    # A later shop export of Anna's address, written otherwise, is imported into her
    # profile, but her older undated "oui" does not make her contactable again.
    later = write_csv(tmp_path / "boutique_2.csv", ["Email", "Prénom", "Newsletter"],
                      [[" ANNA.MARTIN@free.fr", "Anna", "oui"]])
    assert carnet.import_file(later).counts["suppressed"] == 0
    assert the(carnet, "anna.martin@free.fr") == anna
    decision = carnet.may_contact(anna, "offers", "email")
    assert not decision and "brevo_export.csv" in decision.reason


def test_the_access_export_shows_the_withdrawal_and_the_entry(
    carnet: Carnet, tmp_path: Path
) -> None:
    signup = write_csv(tmp_path / "inscriptions.csv", ["Email", "Prénom", "Newsletter", "Date"],
                       [["anna.martin@free.fr", "Anna", "oui", "05/01/2024"]])
    carnet.import_file(signup)
    path = write_csv(
        tmp_path / "crm.csv", ["Email", "Prénom", "Opposé aux e-mails", "Date de désinscription"],
        [["anna.martin@free.fr", "Anna", "oui", "02/03/2025"]],
    )
    carnet.import_file(path)
    document = carnet.export_personal_data(the(carnet, "anna.martin@free.fr"))
    assert document["suppressions"] == [{
        "kind": "email", "value": "anna.martin@free.fr", "reason": "unsubscribed",
        "since": "2025-03-02T00:00:00+00:00",
    }]
    withdrawn = [e for e in document["consent_ledger"] if e["action"] == "withdrawn"]
    assert {e["purpose"] for e in withdrawn} == {"newsletter", "offers", "partners", "profiling"}
    assert {(e["proof"]["source_file"], e["proof"]["row"]) for e in withdrawn} == {("crm.csv", 1)}


def test_a_later_confirmed_opt_in_in_the_ledger_keeps_the_channel_open(
    carnet: Carnet, tmp_path: Path
) -> None:
    """The ledger's order of events: an opposition dated before a double opt-in the
    ledger holds is recorded, but the later consent stands and nothing is suppressed."""
    shop(carnet, tmp_path, [["lea.petit@free.fr", "Léa", "", "", "", ""]])
    lea = the(carnet, "lea.petit@free.fr")
    carnet.grant_consent(lea, "newsletter", "email", via="double opt-in link", confirmed=True,
                         occurred_at=datetime(2025, 1, 10, tzinfo=UTC))
    path = write_csv(
        tmp_path / "ancien_crm.csv", ["Email", "Prénom", "Stop email", "Date de désinscription"],
        [["lea.petit@free.fr", "Léa", "oui", "01/06/2024"]],
    )
    report = carnet.import_file(path)
    assert report.suppressions == {}
    assert carnet.is_suppressed("lea.petit@free.fr") is None
    assert carnet.may_contact(lea, "newsletter", "email")
    assert not carnet.may_contact(lea, "offers", "email")  # withdrawn 2024-06-01, as filed


def test_without_a_secret_key_a_closed_channel_is_recorded_and_the_key_asked_for(
    db_url: str, tmp_path: Path
) -> None:
    """A first import of a Brevo export on a workspace with no CARNET_SECRET_KEY: the
    opt-out and the bounce are recorded (no campaign reaches them) and the report says
    the suppression list needs the key; imported again with it, the entries are made."""
    settings = Settings(database_url=db_url, encryption_key=TEST_KEY)
    ws = Carnet.init(settings=settings, profile="b2c", actor="test")
    path = write_csv(
        tmp_path / "brevo.csv", ["EMAIL", "PRENOM", "BLACKLISTED", "Date du bounce"],
        [["anna.martin@free.fr", "Anna", "true", ""],
         ["paul.durand@free.fr", "Paul", "false", "02/03/2024"],
         ["lea.petit@free.fr", "Léa", "false", ""]],
    )
    try:
        report = ws.import_file(path)
        assert report.counts["inserted"] == 3 and report.suppressions == {}
        [warning] = [w for w in report.warnings if "CARNET_SECRET_KEY" in w]
        assert warning.startswith("2 contacts closed a channel")
        anna, paul, lea = (ws.search_contacts(n)[0].id for n in ("anna", "paul", "lea"))
        assert {e["action"] for e in ws.consent_history(anna)} == {"withdrawn"}
        assert [p.verdict for p in ws.get_contact(paul).points_of("email")] == ["bounced"]
        assert count(ws, s.suppressions) == 0
    finally:
        ws.close()
    keyed = Carnet(settings=Settings(database_url=db_url, encryption_key=TEST_KEY,
                                     secret_key="test-secret"))
    try:
        again = keyed.import_file(path)
        assert again.suppressions == {"hard_bounce": 1, "unsubscribed": 1}
        assert not [w for w in again.warnings if "CARNET_SECRET_KEY" in w]
        assert keyed.is_suppressed("anna.martin@free.fr") is not None
        assert keyed.is_suppressed("lea.petit@free.fr") is None
        assert not keyed.may_contact(anna, "newsletter", "email").allowed
        assert keyed.may_contact(lea, "newsletter", "email").allowed is False  # never asked
    finally:
        keyed.close()


# -- Mailchimp's audience exports -----------------------------------------------------------

MAILCHIMP = ["Email Address", "First Name", "Last Name", "MEMBER_RATING", "OPTIN_TIME",
             "CONFIRM_TIME"]


def test_mailchimps_cleaned_export_records_hard_bounces(carnet: Carnet, tmp_path: Path) -> None:
    shop(carnet, tmp_path, [["jean.dupont@gmail.com", "Jean", "06 12 34 56 78", "oui", "", "oui"]])
    cleaned = write_csv(
        tmp_path / "cleaned_members_export_4f2a.csv",
        [*MAILCHIMP, "CLEAN_TIME", "CLEAN_CAMPAIGN_TITLE", "CLEAN_CAMPAIGN_ID", "LEID"],
        [["Jean.Dupont@gmail.com", "Jean", "Dupont", "2", "2023-01-04 09:12:00",
          "2023-01-04 09:15:00", "2024-03-02 18:40:11", "Soldes d'hiver", "a1b2c3", "61"],
         ["marie.leroy@wanadoo.fr", "Marie", "Leroy", "1", "2022-05-01 10:00:00", "",
          "2024-02-11 07:00:00", "Soldes d'hiver", "a1b2c3", "62"]],
        encoding="utf-8", delimiter=",",
    )
    report = carnet.import_file(cleaned)
    assert report.mapping.to_json()["CLEAN_TIME"] == "bounced_at"
    assert report.suppressions == {"hard_bounce": 2}
    jean = the(carnet, "jean.dupont@gmail.com")
    [email] = carnet.get_contact(jean).emails
    assert email.verdict == "bounced"
    entry = carnet.is_suppressed("jean.dupont@gmail.com")
    assert entry is not None and entry.reason == "hard_bounce"
    assert entry.created_at == datetime(2024, 3, 2, 18, 40, 11, tzinfo=UTC)
    decision = carnet.may_contact(jean, "newsletter", "email")
    assert not decision
    assert decision.reason == "email address suppressed (hard bounce) since 2024-03-02"
    assert carnet.may_contact(jean, "offers", "sms")  # a bounce blocks the e-mail only
    # a bounce is nobody's withdrawal: the ledger keeps the opt-in as it was
    assert "withdrawn" not in {e["action"] for e in carnet.consent_history(jean)}
    notes = import_rows(carnet, report.import_id)[1].reason
    assert "e-mail hard bounced 2024-03-02: marked bounced, suppressed" in notes
    # again: nothing new; both people are contacts now, their rows read again unchanged
    entries, events = count(carnet, s.suppressions), count(carnet, s.consent_events)
    assert carnet.import_file(cleaned).counts["unchanged"] == 2
    assert (count(carnet, s.suppressions), count(carnet, s.consent_events)) == (entries, events)


def test_mailchimps_unsubscribed_export_withdraws_the_list_it_was(
    carnet: Carnet, tmp_path: Path
) -> None:
    """UNSUB_TIME dates the withdrawal of the newsletter (Mailchimp's audience); an
    unsubscribe from one audience is no opposition to every e-mail: nothing is suppressed."""
    shop(carnet, tmp_path, [["paul.durand@laposte.net", "Paul", "", "", "oui", ""]])
    path = write_csv(
        tmp_path / "unsubscribed_members_export_4f2a.csv",
        [*MAILCHIMP, "UNSUB_TIME", "UNSUB_CAMPAIGN_TITLE", "UNSUB_REASON"],
        [["paul.durand@laposte.net", "Paul", "Durand", "3", "2022-09-01 08:00:00",
          "2022-09-01 08:03:00", "2024-11-20 21:05:00", "Black Friday",
          "I no longer want to receive these emails"]],
        encoding="utf-8", delimiter=",",
    )
    report = carnet.import_file(path)
    paul = the(carnet, "paul.durand@laposte.net")
    assert [(e["action"], str(e["occurred_at"])) for e in carnet.consent_history(paul)
            if e["purpose"] == "newsletter"] == [
        ("granted", "2022-09-01 08:00:00+00:00"),
        ("confirmed", "2022-09-01 08:03:00+00:00"),
        ("withdrawn", "2024-11-20 21:05:00+00:00"),
    ]
    assert not carnet.may_contact(paul, "newsletter", "email")
    assert carnet.may_contact(paul, "offers", "email")
    assert report.suppressions == {} and carnet.is_suppressed("paul.durand@laposte.net") is None


# -- a list the user says is one ------------------------------------------------------------


def unsubscribes(tmp_path: Path) -> Path:
    """desinscrits.csv as an office exports it: cp1252, ';', French dates, blanks, junk."""
    return write_csv(
        tmp_path / "desinscrits.csv",
        ["Adresse e-mail", "Date de désinscription", "Commentaire"],
        [[" Anna.Martin@Free.FR ", "05/03/2024", "via le lien"],
         ["inconnu.total@gmail.com", "12/01/2024", ""],
         ["pas-une-adresse", "", "saisie à la main"],
         ["", "01/02/2024", "adresse effacée"],
         ["chloe.roux@orange.fr", "", ""],
         ["ANNA.MARTIN@free.fr", "05/03/2024", "doublon"]],
    )


def test_an_unsubscribe_list_suppresses_every_address_in_it(
    carnet: Carnet, tmp_path: Path
) -> None:
    shop(carnet, tmp_path, [
        ["anna.martin@free.fr", "Anna", "06 12 34 56 78", "oui", "oui", "oui"],
        ["chloe.roux@orange.fr", "Chloé", "", "oui", "", ""],
    ])
    anna, chloe = the(carnet, "anna.martin@free.fr"), the(carnet, "chloe.roux@orange.fr")
    contacts = count(carnet, s.contacts)
    path = unsubscribes(tmp_path)
    report = carnet.import_file(path, suppression_list="unsubscribes")
    assert report.counts == {"inserted": 0, "updated": 0, "unchanged": 0, "merged": 0,
                             "suppressed": 4, "rejected": 2}
    assert report.suppressions == {"unsubscribed": 3}
    assert count(carnet, s.contacts) == contacts  # the unknown address made no contact
    # every address is on the list, dated by the row
    unknown = carnet.is_suppressed("Inconnu.Total@gmail.com")
    assert unknown is not None and unknown.reason == "unsubscribed"
    assert unknown.created_at == datetime(2024, 1, 12, tzinfo=UTC)
    entry = carnet.is_suppressed("anna.martin@free.fr")
    assert entry is not None and entry.created_at == datetime(2024, 3, 5, tzinfo=UTC)
    # Anna's e-mail consents are withdrawn on the row's date, with the file and row as
    # proof; her SMS consent stands. The shop's undated "oui", recorded on the day of its
    # import, after her unsubscribe, does not keep her e-mail open: only a confirmed
    # double opt-in would have lifted the unsubscribe.
    withdrawn = [e for e in carnet.consent_history(anna) if e["action"] == "withdrawn"]
    assert {(e["purpose"], e["channel"]) for e in withdrawn} == {
        ("newsletter", "email"), ("offers", "email"), ("partners", "email"),
        ("profiling", "email"),
    }
    assert {(str(e["occurred_at"]), e["proof"]["source_file"], e["proof"]["row"])
            for e in withdrawn} == {("2024-03-05 00:00:00+00:00", "desinscrits.csv", 1)}
    assert {e["description"] for e in withdrawn} == {
        "withdrawn 2024-03-05 via unsubscribe list (file desinscrits.csv, row 1) by test"
    }
    decision = carnet.may_contact(anna, "newsletter", "email")
    assert not decision
    assert decision.reason == "email address suppressed (unsubscribed) since 2024-03-05"
    assert carnet.may_contact(anna, "offers", "sms")
    # Chloé's undated row is dated at the import
    assert not carnet.may_contact(chloe, "newsletter", "email")
    rows = import_rows(carnet, report.import_id)
    assert rows[5].reason.endswith("no date in the row: dated at the import")
    # each row accounted for, the invalid ones with the reason, and no address kept in
    # clear for the person who is not a contact
    assert [rows[n].outcome for n in range(1, 7)] == [
        "suppressed", "suppressed", "rejected", "rejected", "suppressed", "suppressed"
    ]
    assert (rows[1].contact_id, rows[2].contact_id) == (anna, None)
    assert rows[2].raw is None and "inconnu" not in (rows[2].reason or "")
    assert rows[1].raw["Adresse e-mail"] == " Anna.Martin@Free.FR "
    assert rows[2].reason == "e-mail added to the suppression list (unsubscribed since 2024-01-12)"
    assert rows[3].reason.startswith("no usable e-mail or phone to suppress: e-mail not valid")
    assert rows[4].reason == "no usable e-mail or phone to suppress"
    assert rows[3].raw is None  # the rejected file holds it, to mend
    assert report.rejected_file is not None
    with report.rejected_file.open(encoding="utf-8-sig", newline="") as handle:
        rejected = list(csv.DictReader(handle, delimiter=";"))
    assert [r["Adresse e-mail"] for r in rejected] == ["pas-une-adresse", ""]
    # the audit log says who added how many entries, and why
    [logged] = carnet.audit_entries(action="suppress", entity="import")
    assert logged.details == {"reasons": {"unsubscribed": 3}, "file": "desinscrits.csv",
                              "list": "unsubscribes"}
    # the access export shows it
    document = carnet.export_personal_data(anna)
    assert [(x["reason"], x["since"]) for x in document["suppressions"]] == [
        ("unsubscribed", "2024-03-05T00:00:00+00:00")
    ]
    assert {(i["file"], i["row"], i["outcome"]) for i in document["imports"]} >= {
        (str(path), 1, "suppressed"), (str(path), 6, "suppressed")
    }


def test_an_unsubscribe_list_imported_again_changes_nothing(
    carnet: Carnet, tmp_path: Path
) -> None:
    shop(carnet, tmp_path, [["anna.martin@free.fr", "Anna", "", "oui", "", ""]])
    path = unsubscribes(tmp_path)
    carnet.import_file(path, suppression_list="unsubscribes")
    before = {t.name: count(carnet, t) for t in (s.contacts, s.consent_events, s.suppressions)}
    again = carnet.import_file(path, suppression_list="unsubscribes")
    assert again.counts["suppressed"] == 4 and again.suppressions == {}
    assert {t.name: count(carnet, t) for t in (s.contacts, s.consent_events, s.suppressions)} == (
        before
    )
    assert import_rows(carnet, again.import_id)[2].reason == (
        "e-mail already on the suppression list (unsubscribed since 2024-01-12)"
    )
    # a newsletter export of the unknown address later: a prospect who asked not to be
    # written to, not imported, no contact made
    newsletter = write_csv(tmp_path / "newsletter.csv", ["Email", "Prénom", "Newsletter"],
                           [["INCONNU.TOTAL@GMAIL.COM", "Inès", "oui"]])
    report = carnet.import_file(newsletter)
    assert report.counts["suppressed"] == 1
    assert import_rows(carnet, report.import_id)[1].reason == (
        "a new prospect whose e-mail is on the suppression list (unsubscribed) and who "
        "brings no order: not imported"
    )
    assert count(carnet, s.contacts) == before["contacts"]
    # her order, later: she is a customer, kept with her order, never e-mailed
    orders = write_csv(tmp_path / "commandes.csv", ["Email", "Prénom", "Nom", "N° commande"],
                       [["INCONNU.TOTAL@GMAIL.COM", "Inès", "Connu", "A-1001"]])
    report = carnet.import_file(orders)
    assert report.counts["inserted"] == 1
    ines = the(carnet, "inconnu.total@gmail.com")
    assert [o.external_ref for o in carnet.list_orders(ines)] == ["A-1001"]
    assert not carnet.may_contact(ines, "newsletter", "email")


def test_an_unsubscribe_older_than_a_confirmed_opt_in_is_recorded_not_suppressed(
    carnet: Carnet, tmp_path: Path
) -> None:
    shop(carnet, tmp_path, [["anna.martin@free.fr", "Anna", "", "", "", ""]])
    anna = the(carnet, "anna.martin@free.fr")
    carnet.grant_consent(anna, "newsletter", "email", via="double opt-in link", confirmed=True,
                         occurred_at=datetime(2024, 6, 1, tzinfo=UTC))
    path = write_csv(tmp_path / "desinscrits.csv", ["Email", "Date"],
                     [["anna.martin@free.fr", "05/03/2024"]])
    report = carnet.import_file(path, suppression_list="unsubscribes")
    assert report.counts["unchanged"] == 1 and report.suppressions == {}
    assert import_rows(carnet, report.import_id)[1].reason.startswith(
        "e-mail not suppressed: its holder confirmed a double opt-in after 2024-03-05"
    )
    assert carnet.may_contact(anna, "newsletter", "email")
    assert "withdrawn" in {e["action"] for e in carnet.consent_history(anna)}


def test_a_double_opt_in_confirmed_after_the_unsubscribe_lifts_it(
    carnet: Carnet, tmp_path: Path
) -> None:
    """The other order: the opposition first, then Mailchimp's subscribed export. A
    double opt-in confirmed after the unsubscribe lifts it, as carnet's own confirmation
    link does; one confirmed before, or a later plain "oui", does not."""
    crm = write_csv(
        tmp_path / "crm.csv", ["Email", "Prénom", "Stop email", "Date de désinscription"],
        [["lea.petit@free.fr", "Léa", "oui", "05/03/2024"],
         ["marc.blanc@free.fr", "Marc", "oui", "05/03/2024"],
         ["nina.vert@free.fr", "Nina", "oui", "05/03/2024"]],
    )
    carnet.import_file(crm)
    subscribed = write_csv(
        tmp_path / "subscribed_members_export.csv", MAILCHIMP,
        [["lea.petit@free.fr", "Léa", "Petit", "4", "2024-09-01 10:00:00", "2024-09-01 10:05:00"],
         ["marc.blanc@free.fr", "Marc", "Blanc", "4", "2023-09-01 10:00:00",
          "2023-09-01 10:05:00"]],
        encoding="utf-8", delimiter=",",
    )
    report = carnet.import_file(subscribed)
    # both rows are read into their contacts; Marc's e-mail stays listed
    assert (report.counts["merged"], report.counts["suppressed"]) == (2, 0)
    lea = the(carnet, "lea.petit@free.fr")
    assert carnet.is_suppressed("lea.petit@free.fr") is None
    assert carnet.may_contact(lea, "newsletter", "email")
    assert "double opt-in confirmed 2024-09-01, after the unsubscribe of 2024-03-05" in (
        import_rows(carnet, report.import_id)[1].reason
    )
    assert carnet.is_suppressed("marc.blanc@free.fr") is not None
    [logged] = carnet.audit_entries(action="suppress", entity="import",
                                    entity_id=report.import_id)
    assert logged.details["lifted"] == "unsubscribed" and logged.count == 1
    plain = write_csv(tmp_path / "formulaire.csv", ["Email", "Prénom", "Newsletter", "Date optin"],
                      [["nina.vert@free.fr", "Nina", "oui", "01/10/2024"]])
    assert carnet.import_file(plain).counts["suppressed"] == 0
    assert carnet.is_suppressed("nina.vert@free.fr") is not None
    assert not carnet.may_contact(the(carnet, "nina.vert@free.fr"), "newsletter", "email")


def test_a_bounce_list_marks_the_addresses_bounced(carnet: Carnet, tmp_path: Path) -> None:
    shop(carnet, tmp_path, [["jean.dupont@gmail.com", "Jean", "06 12 34 56 78", "oui", "", "oui"]])
    jean = the(carnet, "jean.dupont@gmail.com")
    path = write_csv(tmp_path / "bounces.csv", ["email", "date"],
                     [["Jean.Dupont@Gmail.com", "2024-02-01"], ["x@y", "2024-02-01"],
                      ["disparu@club-internet.fr", "01/02/2024"]],
                     encoding="utf-8", delimiter=",")
    events = count(carnet, s.consent_events)
    report = carnet.import_file(path, suppression_list="bounces")
    assert (report.counts["suppressed"], report.counts["rejected"]) == (2, 1)
    assert report.suppressions == {"hard_bounce": 2}
    assert carnet.get_contact(jean).emails[0].verdict == "bounced"
    assert count(carnet, s.consent_events) == events  # a bounce is nobody's withdrawal
    assert "marked bounced for contact" in import_rows(carnet, report.import_id)[1].reason
    assert not carnet.may_contact(jean, "newsletter", "email")
    assert carnet.may_contact(jean, "offers", "sms")
    entry = carnet.is_suppressed("disparu@club-internet.fr")
    assert entry is not None and entry.reason == "hard_bounce"
    assert entry.created_at == datetime(2024, 2, 1, tzinfo=UTC)


def test_a_complaint_list_blocks_the_person_everywhere(carnet: Carnet, tmp_path: Path) -> None:
    shop(carnet, tmp_path, [["anna.martin@free.fr", "Anna", "06 12 34 56 78", "oui", "", "oui"]])
    anna = the(carnet, "anna.martin@free.fr")
    path = write_csv(tmp_path / "plaintes.csv", ["E-mail", "Date"],
                     [["anna.martin@free.fr", "15/04/2024 08:30"]])
    report = carnet.import_file(path, suppression_list="complaints")
    assert report.suppressions == {"complaint": 1}
    assert carnet.get_contact(anna).emails[0].verdict != "bounced"  # it was delivered
    assert {e["proof"]["via"] for e in carnet.consent_history(anna)
            if e["action"] == "withdrawn"} == {"complaint list"}
    assert not carnet.may_contact(anna, "newsletter", "email")
    assert "(complaint)" in carnet.may_contact(anna, "offers", "sms").reason


def test_a_stop_sms_list_of_phone_numbers(carnet: Carnet, tmp_path: Path) -> None:
    shop(carnet, tmp_path, [["anna.martin@free.fr", "Anna", "06 12 34 56 78", "oui", "", "oui"]])
    anna = the(carnet, "anna.martin@free.fr")
    path = write_csv(tmp_path / "stop_sms.csv", ["Mobile", "Date STOP"],
                     [["+33 6 12 34 56 78", ""], ["07 99 88 77 66", ""], ["12", ""],
                      ["06 45 67 89 01", ""]])
    report = carnet.import_file(path, suppression_list="unsubscribes")
    assert (report.counts["suppressed"], report.counts["rejected"]) == (3, 1)
    assert {(e["channel"], e["proof"]["field"]) for e in carnet.consent_history(anna)
            if e["action"] == "withdrawn"} == {("sms", "optout_sms"), ("phone", "optout_phone")}
    assert not carnet.may_contact(anna, "offers", "sms")
    assert carnet.may_contact(anna, "newsletter", "email")
    assert carnet.is_suppressed("07 99 88 77 66") is not None


def test_a_list_dated_in_the_future_is_dated_at_the_import(
    carnet: Carnet, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "desinscrits.csv", ["Email", "Date de désinscription"],
                     [["anna.martin@free.fr", "05/03/2099"]])
    report = carnet.import_file(path, suppression_list="unsubscribes")
    entry = carnet.is_suppressed("anna.martin@free.fr")
    assert entry is not None and entry.created_at <= datetime.now(UTC)
    assert "its date 2099-03-05 is yet to come: dated at the import" in (
        import_rows(carnet, report.import_id)[1].reason
    )


def test_what_a_list_needs(carnet: Carnet, tmp_path: Path) -> None:
    # one address alone: no header, and nothing to tell it from one
    alone = tmp_path / "seule.csv"
    alone.write_text("jean.dupont@gmail.com\n", encoding="utf-8")
    with pytest.raises(InputFileError, match="no header row"):
        carnet.import_file(alone, suppression_list="bounces")
    names = write_csv(tmp_path / "noms.csv", ["Nom", "Prénom"], [["Dupont", "Jean"]])
    with pytest.raises(MappingError, match="no e-mail or phone column"):
        carnet.import_file(names, suppression_list="unsubscribes")
    with pytest.raises(InvalidValueError, match="not 'optouts'"):
        carnet.import_file(names, suppression_list="optouts")
    assert count(carnet, s.imports) == 0


def test_a_list_with_no_header_row_suppresses_every_address(
    carnet: Carnet, tmp_path: Path
) -> None:
    """Its first address was refused as a header (the import stopped, asking for one)."""
    headerless = tmp_path / "liste.csv"
    headerless.write_text("jean.dupont@gmail.com\nmarie.leroy@wanadoo.fr\n", encoding="utf-8")
    report = carnet.import_file(headerless, suppression_list="bounces")
    assert report.rows == 2 and report.counts["suppressed"] == 2
    assert any(w.startswith("No header row: line 1 is data") for w in report.warnings)


def test_a_preview_of_a_list_writes_nothing(carnet: Carnet, tmp_path: Path) -> None:
    report = carnet.preview_import(unsubscribes(tmp_path), suppression_list="unsubscribes")
    assert report.counts["suppressed"] == 4 and report.suppressions == {"unsubscribed": 3}
    assert count(carnet, s.suppressions) == 0


def test_an_interrupted_list_resumes_as_a_list(
    carnet: Carnet, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A list stopped after its first batch resumes where it stopped when imported again
    as a list; imported as customers, the same file is another run, not its sequel."""
    path = unsubscribes(tmp_path)
    original = SuppressionListWriter.write
    calls = []

    def stop_at_the_second_batch(self: SuppressionListWriter, records: Any) -> Any:
        calls.append(len(records))
        if len(calls) == 2:
            raise RuntimeError("power cut")
        return original(self, records)

    monkeypatch.setattr(SuppressionListWriter, "write", stop_at_the_second_batch)
    with pytest.raises(RuntimeError):
        carnet.import_file(path, suppression_list="unsubscribes", batch_size=2)
    monkeypatch.setattr(SuppressionListWriter, "write", original)
    customers = carnet.import_file(path, batch_size=2)
    assert customers.resumed_from == 0 and customers.counts["inserted"] >= 1
    resumed = carnet.import_file(path, suppression_list="unsubscribes", batch_size=2)
    assert resumed.resumed_from == 2 and resumed.import_id != customers.import_id
    assert sum(resumed.counts.values()) == 6


def test_a_listed_customer_keeps_coming_in_but_an_erased_person_does_not(
    carnet: Carnet, tmp_path: Path
) -> None:
    """The list closes channels, not the customer file: the shop's next export still
    brings the orders of a customer who unsubscribed or complained; an erased person
    never comes back."""
    shop(carnet, tmp_path, [
        ["anna.martin@free.fr", "Anna", "06 12 34 56 78", "oui", "oui", "oui"],
        ["bob.petit@sfr.fr", "Bob", "06 22 33 44 55", "oui", "", "oui"],
        ["chloe.roux@orange.fr", "Chloé", "", "oui", "", ""],
    ])
    anna, bob, chloe = (the(carnet, e) for e in (
        "anna.martin@free.fr", "bob.petit@sfr.fr", "chloe.roux@orange.fr"
    ))
    carnet.withdraw_consent(anna, None, "email", via="unsubscribe link")
    carnet.suppress("bob.petit@sfr.fr", reason="complaint", source="postmaster")
    carnet.erase_contact(chloe, reason="request by e-mail")
    orders = write_csv(
        tmp_path / "commandes_mars.csv",
        ["N° commande", "Date", "Email", "Prénom", "Total TTC"],
        [["C-2001", "02/03/2025", "Anna.Martin@free.fr", "Anna", "49,90 €"],
         ["C-2002", "03/03/2025", "bob.petit@sfr.fr", "Bob", "12,00 €"],
         ["C-2003", "04/03/2025", "chloe.roux@orange.fr", "Chloé", "80,00 €"]],
    )
    report = carnet.import_file(orders)
    assert (report.counts["merged"], report.counts["suppressed"]) == (2, 1)
    assert [o.external_ref for o in carnet.list_orders(anna)] == ["C-2001"]
    assert [o.external_ref for o in carnet.list_orders(bob)] == ["C-2002"]
    rows = import_rows(carnet, report.import_id)
    assert rows[1].reason.startswith("e-mail on the suppression list (unsubscribed) since ")
    assert rows[2].reason.startswith("e-mail on the suppression list (complaint) since ")
    assert rows[3].reason == (
        "on the suppression list (erased): the person was removed from the workspace and "
        "is not imported again"
    )
    assert carnet.search_contacts("chloe.roux@orange.fr") == []
    # nothing the orders said reopens a channel
    assert not carnet.may_contact(anna, "newsletter", "email")
    assert not carnet.may_contact(bob, "offers", "sms")  # a complaint blocks every channel
