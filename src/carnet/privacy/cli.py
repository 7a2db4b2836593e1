"""``carnet privacy``, ``carnet retention`` and ``carnet audit``."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from carnet.cli_support import console, errors, open_workspace, print_json
from carnet.errors import InvalidValueError

privacy_app = typer.Typer(
    help="Data-subject rights: access export, erasure, records of processing.",
    no_args_is_help=True,
)
retention_app = typer.Typer(help="Retention policies: plan and apply.", no_args_is_help=True)
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]


@privacy_app.command("export")
def export_command(
    ctx: typer.Context,
    contact_id: Annotated[int, typer.Argument(help="Contact id.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="File to write: .json or .zip.")],
    lang: Annotated[str, typer.Option(help="Labels in fr or en.")] = "fr",
) -> None:
    """Export everything held about a person (access and portability rights), logged.

    Example: carnet privacy export 42 --out jeanne-martin.zip --lang fr
    """
    with errors():
        path = open_workspace(ctx).write_personal_data(contact_id, out, lang=lang)
    console.print(f"Wrote {path}.")


@privacy_app.command("erase")
def erase_command(
    ctx: typer.Context,
    contact_id: Annotated[int, typer.Argument(help="Contact id.")],
    keep_statistics: Annotated[
        bool, typer.Option(help="Anonymise instead of delete (orders stay for statistics).")
    ] = False,
    reason: Annotated[str | None, typer.Option(help="Why (kept in the receipt).")] = None,
    receipt: Annotated[
        Path | None, typer.Option(help="Also write the receipt to this JSON file.")
    ] = None,
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Erase a person everywhere (their emails and phones stay suppressed), with a receipt.

    Example: carnet privacy erase 42 --reason "request by email 2025-03-02" --yes
    """
    with errors():
        ws = open_workspace(ctx)
        ws.get_contact(contact_id)
        if not yes and not typer.confirm(f"Erase contact {contact_id} and all their data?"):
            raise typer.Exit(1)
        result = ws.erase_contact(contact_id, keep_statistics=keep_statistics, reason=reason)
    data = result.to_dict()
    if receipt is not None:
        receipt.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    if as_json:
        print_json(data)
        return
    console.print(f"Erased contact {contact_id} ({result.mode}). Receipt {result.receipt_id}.")
    for key, value in result.counts.items():
        console.print(f"  {key.replace('_', ' ')}: {value}")


@privacy_app.command("register")
def register_command(
    ctx: typer.Context,
    fmt: Annotated[str, typer.Option("--format", help="md or html.")] = "md",
    out: Annotated[Path | None, typer.Option("--out", "-o", help="File to write.")] = None,
) -> None:
    """Generate the records of processing (RGPD art. 30), in French, from the configuration.

    Example: carnet privacy register --format html --out registre.html
    """
    with errors():
        text = open_workspace(ctx).processing_register(fmt=fmt)
    if out is None:
        typer.echo(text)
    else:
        out.write_text(text, encoding="utf-8")
        console.print(f"Wrote {out}.")


def _at(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        raise InvalidValueError(f"'{value}' is not a date such as 2025-03-02.") from None


@retention_app.command("plan")
def plan_command(
    ctx: typer.Context,
    at: Annotated[str | None, typer.Option(help="Plan as of this date (default now).")] = None,
    limit: Annotated[int, typer.Option(help="Contacts to list.")] = 20,
    as_json: JsonOption = False,
) -> None:
    """List who is due for re-consent, anonymisation or deletion, with counts.

    Example: carnet retention plan --limit 50
    """
    with errors():
        plan = open_workspace(ctx).retention_plan(_at(at))
    if as_json:
        print_json(plan.to_dict())
        return
    summary = Table(title=f"Retention plan ({plan.contacts_checked:,} active contacts checked)")
    summary.add_column("what")
    summary.add_column("contacts", justify="right")
    for action in ("reconsent", "anonymise", "delete"):
        summary.add_row(action, f"{plan.counts.get(action, 0):,}")
    summary.add_row("awaiting an answer", f"{plan.waiting:,}")
    summary.add_row("old behavioural events to delete", f"{plan.events_to_delete:,}")
    console.print(summary)
    if plan.items:
        table = Table(title="Due")
        for column in ("contact", "kind", "last activity", "action", "why"):
            table.add_column(column, overflow="fold")
        for item in plan.items[:limit]:
            table.add_row(str(item.contact_id), item.kind, item.last_activity.date().isoformat(),
                          item.action, item.reason)
        console.print(table)


@retention_app.command("apply")
def apply_command(
    ctx: typer.Context,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Only show what would happen.")] = (
        False
    ),
    send_email: Annotated[
        bool, typer.Option(help="Email re-consent requests (needs CARNET_SMTP_*).")
    ] = False,
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Carry out the retention plan (logged); --dry-run changes nothing.

    Example: carnet retention apply --dry-run
    """
    with errors():
        ws = open_workspace(ctx)
        if not dry_run and not yes:
            counts = ws.retention_plan().counts
            if not typer.confirm(f"Apply retention ({counts})?"):
                raise typer.Exit(1)
        result = ws.apply_retention(dry_run=dry_run, send_email=send_email)
    if as_json:
        print_json(result.to_dict())
        return
    if result.dry_run:
        console.print(f"Dry run, nothing changed. Would do: {dict(result.plan.counts)}, and "
                      f"delete {result.plan.events_to_delete:,} old behavioural events.")
    else:
        console.print(f"Done: {dict(result.done)}; {result.emails_sent} email(s) sent.")


def audit_command(
    ctx: typer.Context,
    action: Annotated[str | None, typer.Option(help="read, export, change, erase ...")] = None,
    actor: Annotated[str | None, typer.Option(help="cli:alice, public, api:key-3 ...")] = None,
    contact: Annotated[int | None, typer.Option(help="Only entries about this contact.")] = None,
    since: Annotated[str | None, typer.Option(help="From this date (2025-03-01).")] = None,
    limit: Annotated[int, typer.Option(help="Entries to show.")] = 50,
    as_json: JsonOption = False,
) -> None:
    """Query the audit log: who read, exported, changed or erased personal data.

    Example: carnet audit --action export --since 2025-01-01
    """
    with errors():
        entries = open_workspace(ctx).audit_entries(
            action=action, actor=actor, entity="contact" if contact is not None else None,
            entity_id=contact, since=_at(since), limit=limit,
        )
    if as_json:
        print_json([e.to_dict() for e in entries])
        return
    table = Table(title=f"Audit log ({len(entries)} entries)")
    for column in ("when", "who", "action", "what", "count"):
        table.add_column(column, overflow="fold")
    for e in entries:
        table.add_row(e.at.strftime("%Y-%m-%d %H:%M:%S"), e.actor, e.action,
                      f"{e.entity} {e.entity_id or ''}".strip(), str(e.count))
    console.print(table)


def register(app: typer.Typer) -> None:
    """Add ``privacy``, ``retention`` and ``audit``."""
    app.add_typer(privacy_app, name="privacy")
    app.add_typer(retention_app, name="retention")
    app.command("audit")(audit_command)


__all__ = ["audit_command", "privacy_app", "register", "retention_app"]
