"""``carnet consent``, ``carnet serve`` (and, through :func:`register`, the privacy commands).

The lead's ``carnet/cli.py`` adds them with one line::

    from carnet.consent.cli import register
    register(app)
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from rich.table import Table

from carnet.cli_support import (
    JsonOption,
    console,
    err_console,
    errors,
    open_workspace,
    print_json,
)
from carnet.errors import InvalidValueError
from carnet.workspace import Carnet

consent_app = typer.Typer(
    help="Consent ledger: show, grant, withdraw, verify, suppress.", no_args_is_help=True
)


@consent_app.command("purposes")
def purposes_command(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """List the configured consent purposes, their channels and wording.

    Example: carnet consent purposes --json
    """
    with errors():
        purposes = open_workspace(ctx).consent_purposes
    if as_json:
        print_json([p.__dict__ for p in purposes])
        return
    table = Table(title="Consent purposes")
    for column in ("name", "label", "channels", "legal basis", "wording (fr)"):
        table.add_column(column, overflow="fold")
    for p in purposes:
        table.add_row(p.name, p.label_fr, ", ".join(p.channels), p.legal_basis, p.wording_fr)
    console.print(table)


@consent_app.command("summary")
def summary_command(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """Show the consent state of the whole file: who may be contacted, for what, how.

    Example: carnet consent summary --json
    """
    with errors():
        data = open_workspace(ctx).consent_summary()
    if as_json:
        print_json(data)
        return
    table = Table(title=f"Consent of {data['active_contacts']:,} active contacts")
    for column in ("purpose", "channel", "status", "contacts"):
        table.add_column(column, justify="right" if column == "contacts" else "left")
    for row in data["states"]:
        table.add_row(row["purpose"], row["channel"], row["status"], f"{row['contacts']:,}")
    table.add_row("—", "—", "no consent recorded", f"{data['without_consent']:,}")
    console.print(table)
    if data["suppressions"]:
        console.print("Suppression list: " + ", ".join(
            f"{reason} {count:,}" for reason, count in data["suppressions"].items()))


@consent_app.command("show")
def show_command(
    ctx: typer.Context,
    contact_id: Annotated[int, typer.Argument(help="Contact id.")],
    history: Annotated[bool, typer.Option(help="Also list the ledger events.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Show a contact's consent per purpose and channel, with the decision and its reason.

    Example: carnet consent show 42 --history
    """
    with errors():
        ws = open_workspace(ctx)
        lines = ws.consent_overview(contact_id)
        events = ws.consent_history(contact_id) if history else []
        ws.audit("read", "contact", contact_id, details={"what": "consent"})
    if as_json:
        print_json({
            "contact_id": contact_id,
            "consents": [
                {"purpose": x.purpose, "channel": x.channel, "status": x.status,
                 "since": x.since, "may_contact": x.decision.allowed, "reason": x.decision.reason}
                for x in lines
            ],
            "events": events,
        })
        return
    table = Table(title=f"Consent of contact {contact_id}")
    for column in ("purpose", "channel", "status", "may contact", "reason"):
        table.add_column(column, overflow="fold")
    for x in lines:
        table.add_row(x.purpose, x.channel, x.status or "—",
                      "[green]yes[/]" if x.decision.allowed else "[red]no[/]", x.decision.reason)
    console.print(table)
    if history:
        ledger_table = Table(title="Ledger")
        for column in ("id", "event"):
            ledger_table.add_column(column, overflow="fold")
        for e in events:
            ledger_table.add_row(str(e["id"]), f"{e['purpose']}/{e['channel']}: {e['description']}")
        console.print(ledger_table)


PurposeOption = Annotated[str, typer.Option("--purpose", "-p", help="Purpose name.")]
ChannelOption = Annotated[str, typer.Option("--channel", "-c", help="email, sms, phone or post.")]


@consent_app.command("grant")
def grant_command(
    ctx: typer.Context,
    contact_id: Annotated[int, typer.Argument(help="Contact id.")],
    purpose: PurposeOption,
    channel: ChannelOption = "email",
    via: Annotated[str, typer.Option(help="How consent was given (kept as proof).")] = "operator",
    basis: Annotated[str, typer.Option(help="consent, contract or legitimate_interest.")] = (
        "consent"
    ),
    note: Annotated[str | None, typer.Option(help="Free note kept in the proof.")] = None,
) -> None:
    """Record a consent given to an operator (phone call, shop counter, paper form).

    Example: carnet consent grant 42 -p offers -c sms --via "shop counter, paper form 2025-03"
    """
    with errors():
        ws = open_workspace(ctx)
        event_id = ws.grant_consent(contact_id, purpose, channel, legal_basis=basis, via=via,
                                    proof={"note": note} if note else None)
        decision = ws.may_contact(contact_id, purpose, channel)
    console.print(f"Recorded event {event_id}. May contact: "
                  f"{'yes' if decision.allowed else 'no'} — {decision.reason}")


@consent_app.command("withdraw")
def withdraw_command(
    ctx: typer.Context,
    contact_id: Annotated[int, typer.Argument(help="Contact id.")],
    purpose: Annotated[
        str | None, typer.Option("--purpose", "-p", help="Purpose (all when omitted).")
    ] = None,
    channel: ChannelOption = "email",
    via: Annotated[str, typer.Option(help="How the person asked (kept as proof).")] = "operator",
) -> None:
    """Record a withdrawal; with no purpose left on the channel, the address is suppressed.

    Example: carnet consent withdraw 42 -c email --via "phone call"
    """
    with errors():
        ids = open_workspace(ctx).withdraw_consent(contact_id, purpose, channel, via=via)
    console.print(f"Recorded {len(ids)} withdrawal(s).")


@consent_app.command("verify")
def verify_command(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """Check the consent ledger's hash chain; exits with code 9 when it was altered.

    Example: carnet consent verify
    """
    with errors():
        report = open_workspace(ctx).verify_consent_ledger()
    if as_json:
        print_json(report.__dict__)
    elif report.ok:
        console.print(
            f"[green]Ledger intact[/]: {report.events:,} events, {report.redacted:,} redacted "
            f"by erasure. Head: {report.head or '—'}"
        )
    else:
        for problem in report.problems:
            err_console.print(f"[bold red]Broken:[/] {problem}", highlight=False)
    if not report.ok:
        raise typer.Exit(9)


@consent_app.command("rebuild")
def rebuild_command(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """Recompute the current consent state from the ledger and fix any difference.

    Example: carnet consent rebuild
    """
    with errors():
        report = open_workspace(ctx).rebuild_consent_state()
    if as_json:
        print_json(report.__dict__ | {"consistent": report.consistent})
        return
    console.print(f"{report.rows:,} state rows; added {report.added}, changed {report.changed}, "
                  f"removed {report.removed}.")
    for line in report.differences:
        console.print(f"  {line}")


@consent_app.command("suppress")
def suppress_command(
    ctx: typer.Context,
    value: Annotated[str, typer.Argument(help="Email or phone, as typed.")],
    reason: Annotated[str, typer.Option(help="unsubscribed, complaint, hard_bounce, manual.")] = (
        "manual"
    ),
) -> None:
    """Put an email or phone on the suppression list (kept as a keyed hash).

    Example: carnet consent suppress jean.dupont@gmail.com --reason complaint
    """
    with errors():
        added = open_workspace(ctx).suppress(value, reason=reason, source="cli")
    console.print("Suppressed." if added else "Already suppressed.")


@consent_app.command("link")
def link_command(
    ctx: typer.Context,
    contact_id: Annotated[int, typer.Argument(help="Contact id.")],
    action: Annotated[str, typer.Option(help="preferences or unsubscribe.")] = "preferences",
) -> None:
    """Print a signed preference-centre or unsubscribe link for a contact.

    Example: carnet consent link 42 --action preferences
    """
    with errors():
        if action not in ("preferences", "unsubscribe"):
            raise InvalidValueError("--action must be preferences or unsubscribe.")
        ws = open_workspace(ctx)
        ws.get_contact(contact_id)
        url = ws.link_url(contact_id, action)
    sys.stdout.write(url + "\n")


def serve(
    ctx: typer.Context,
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
) -> None:
    """Serve the public pages (sign-up, confirmation, unsubscribe, preferences).

    Example: carnet serve --host 0.0.0.0 --port 8080
    """
    with errors():
        import uvicorn

        from carnet.web.public import create_app

        app = create_app(Carnet(ctx.obj.get("db") if ctx.obj else None, actor="public"))
    uvicorn.run(app, host=host, port=port, proxy_headers=True)


def register(app: typer.Typer) -> None:
    """Add ``consent``, ``serve``, ``privacy``, ``retention`` and ``audit`` to the CLI."""
    from carnet.privacy.cli import register as register_privacy

    app.add_typer(consent_app, name="consent")
    app.command("serve")(serve)
    register_privacy(app)


__all__ = ["consent_app", "errors", "open_workspace", "print_json", "register", "serve"]
