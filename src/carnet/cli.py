"""The ``carnet`` command line: a thin shell over :class:`carnet.Carnet`.

Each command opens the workspace, calls one method and renders the result with
Rich (or JSON with ``--json``). Known errors are printed as one sentence with a
non-zero exit code; nothing else is caught, so a real bug shows its traceback.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from carnet.cli_support import JsonOption, console, errors, open_workspace, print_json
from carnet.errors import InvalidValueError
from carnet.model import Contact, Organisation
from carnet.workspace import Carnet

app = typer.Typer(
    name="carnet",
    help="carnet — the customer database that keeps itself clean, complete and lawful.",
    no_args_is_help=True,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
)
contacts_app = typer.Typer(help="List, show, add, edit and delete contacts.", no_args_is_help=True)
orgs_app = typer.Typer(
    help="List, show and add organisations (B2B); find and undo their duplicates.",
    no_args_is_help=True,
)
demo_app = typer.Typer(help="Generate messy demo data to try carnet on.", no_args_is_help=True)
app.add_typer(contacts_app, name="contacts")
app.add_typer(orgs_app, name="organisations")
app.add_typer(demo_app, name="demo")

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        envvar="CARNET_DATABASE_URL",
        help="Database URL (default sqlite:///carnet.db). Example: postgresql://user@host/db",
        show_envvar=True,
    ),
]


@app.callback()
def _root(ctx: typer.Context, db: DbOption = None) -> None:
    """carnet — the customer database that keeps itself clean, complete and lawful.

    Example: carnet --db sqlite:///shop.db init --profile b2c
    """
    ctx.obj = {"db": db}


# Kept for the command modules that still import the private names.
_errors = errors
_open = open_workspace
_print_json = print_json


def _assignments(pairs: list[str] | None) -> dict[str, Any]:
    """Parse FIELD=VALUE pairs; repeated fields (email, phone) become lists."""
    out: dict[str, Any] = {}
    for pair in pairs or []:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise InvalidValueError(f"'{pair}' is not FIELD=VALUE; example: --set city=Lyon")
        key = key.strip()
        if key in out:
            previous = out[key]
            out[key] = [*(previous if isinstance(previous, list) else [previous]), value]
        else:
            out[key] = value
    return out


# -- init, stats, fields ------------------------------------------------------------------


@app.command()
def init(
    ctx: typer.Context,
    profile: Annotated[
        str | None, typer.Option(help="Company profile: b2c or b2b (kept when omitted).")
    ] = None,
    country: Annotated[
        str | None, typer.Option(help="Default country for phones and addresses (ISO code).")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Create the workspace database, or migrate it to this version of carnet.

    Example: carnet init --profile b2b --country FR
    """
    with _errors():
        if profile is not None and profile.lower() not in ("b2c", "b2b"):
            raise InvalidValueError(f"Profile '{profile}' is not b2c or b2b.")
        ws = Carnet.init(ctx.obj.get("db"), profile=profile and profile.lower(), country=country)
        result = ws.last_init
        assert result is not None
        if as_json:
            _print_json(
                {
                    "database": ws.engine.url.render_as_string(hide_password=True),
                    "created": result.created,
                    "revision_before": result.revision_before,
                    "revision": result.revision_after,
                    "profile": result.profile,
                    "country": result.country,
                }
            )
            return
        where = ws.engine.url.render_as_string(hide_password=True)
        if result.created:
            console.print(f"Created carnet workspace in [bold]{where}[/].")
        elif result.revision_before != result.revision_after:
            console.print(
                f"Migrated [bold]{where}[/] from {result.revision_before} to "
                f"{result.revision_after}."
            )
        else:
            console.print(f"Workspace [bold]{where}[/] is up to date.")
        console.print(f"Profile: {result.profile.upper()} · country: {result.country}")


@app.command()
def stats(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """Show what the workspace holds: contacts, contact points and their verdicts, orders.

    Example: carnet stats --json
    """
    with _errors():
        data = _open(ctx).stats()
    if as_json:
        _print_json(data)
        return
    table = Table(title=f"carnet — {data['database']}", show_header=False)
    table.add_column("what")
    table.add_column("count", justify="right")
    table.add_row("Profile / country", f"{data['profile'].upper()} / {data['country']}")
    table.add_row("Contacts", f"{data['contacts_total']:,}")
    for status, count in sorted(data["contacts"].items()):
        table.add_row(f"  {status}", f"{count:,}")
    for kind, count in data["contacts_with_valid"].items():
        table.add_row(f"Contacts with a usable {kind}", f"{count:,}")
    for kind, verdicts in sorted(data["contact_points"].items()):
        detail = ", ".join(f"{v} {n:,}" for v, n in sorted(verdicts.items()))
        table.add_row(f"{kind.capitalize()} points", detail)
    for key in (
        "organisations",
        "events",
        "orders",
        "products",
        "consent_events",
        "imports",
        "sources",
        "history_entries",
    ):
        table.add_row(key.replace("_", " ").capitalize(), f"{data[key]:,}")
    console.print(table)


@app.command("fields")
def fields_command(
    ctx: typer.Context,
    profile: Annotated[str | None, typer.Option(help="Only fields wanted by b2c or b2b.")] = None,
    lang: Annotated[str, typer.Option(help="Label language: fr or en.")] = "fr",
    as_json: JsonOption = False,
) -> None:
    """List the field catalog: kinds, categories, labels, weights and header synonyms.

    Example: carnet fields --profile b2b --lang en
    """
    with _errors():
        from carnet.config import Settings
        from carnet.fields.catalog import Profile, default_catalog

        catalog = default_catalog().with_custom(Settings.load().custom_fields)
        fields = list(catalog.values())
        if profile:
            try:
                wanted = Profile(profile.lower())
            except ValueError:
                raise InvalidValueError(f"Profile '{profile}' is not b2c or b2b.") from None
            fields = [f for f in fields if wanted in f.profiles]
    if as_json:
        _print_json(
            [
                {
                    "name": f.name,
                    "kind": f.kind.value,
                    "category": f.category.value,
                    "label_fr": f.label_fr,
                    "label_en": f.label_en,
                    "synonyms": list(f.synonyms),
                    "weight": f.weight,
                    "half_life_days": f.half_life_days,
                    "sensitivity": f.sensitivity.value,
                    "profiles": sorted(p.value for p in f.profiles),
                    "storage": f.storage.value,
                    "many": f.many,
                    "custom": f.custom,
                }
                for f in fields
            ]
        )
        return
    table = Table(title="Field catalog")
    for column in ("field", "label", "kind", "category", "weight", "half-life", "profiles"):
        table.add_column(column)
    for f in fields:
        table.add_row(
            f.name + (" *" if f.custom else ""),
            f.label(lang),
            f.kind.value,
            f.category.value,
            f"{f.weight:g}",
            f"{f.half_life_days // 365} y" if f.half_life_days else "—",
            ", ".join(sorted(p.value.upper() for p in f.profiles)),
        )
    console.print(table)


# -- contacts -----------------------------------------------------------------------------


def _contact_row(c: Contact) -> list[str]:
    address = c.addresses[0] if c.addresses else None
    return [
        str(c.id),
        c.name or "—",
        c.email or "—",
        c.phone or "—",
        " ".join(p for p in (address.postcode, address.city) if p) if address else "—",
        c.organisation_name or "",
        c.status,
    ]


@contacts_app.command("list")
def contacts_list(
    ctx: typer.Context,
    search: Annotated[
        str | None, typer.Option("--search", "-q", help="Text in name, email, phone, city.")
    ] = None,
    where: Annotated[
        list[str] | None,
        typer.Option("--where", "-w", help="Filter FIELD[__op]=VALUE, e.g. postcode=75015."),
    ] = None,
    sort: Annotated[str, typer.Option(help="Sort column, '-' for descending.")] = "id",
    limit: Annotated[int, typer.Option(help="Page size.")] = 20,
    offset: Annotated[int, typer.Option(help="Contacts to skip.")] = 0,
    as_json: JsonOption = False,
) -> None:
    """List contacts, with search, filters, sorting and paging.

    Example: carnet contacts list -q dupont --where last_activity__lt=2023-01-01 --sort -id
    """
    with _errors():
        ws = _open(ctx)
        page = ws.list_contacts(
            filters=_assignments(where), search=search, sort=sort, limit=limit, offset=offset
        )
        ws.audit("read", "contacts", None, count=len(page.items), details={"listing": True})
    if as_json:
        _print_json(
            {
                "total": page.total,
                "limit": page.limit,
                "offset": page.offset,
                "items": [c.to_dict() for c in page.items],
            }
        )
        return
    table = Table(
        title=f"Contacts {page.offset + 1}–{page.offset + len(page.items)} of {page.total:,}"
    )
    for column in ("id", "name", "email", "phone", "place", "organisation", "status"):
        table.add_column(column, overflow="fold")
    for c in page.items:
        table.add_row(*_contact_row(c))
    console.print(table)
    if page.has_more:
        console.print(f"[dim]More: --offset {page.offset + page.limit}[/]")


def _show_contact(c: Contact) -> None:
    table = Table(title=f"Contact {c.id} — {c.name or 'no name'}", show_header=False)
    table.add_column("field", style="bold")
    table.add_column("value", overflow="fold")
    for label, value in (
        ("Civility", c.civility),
        ("First name", c.first_name),
        ("Last name", c.last_name),
        ("Birth date", c.birth_date),
        ("Gender", c.gender),
        ("Language", c.language),
        ("Job title", c.job_title),
        ("PCS", c.pcs),
        ("Organisation", c.organisation_name),
        ("Lifecycle stage", c.lifecycle_stage),
        ("Customer since", c.customer_since),
        ("Loyalty id", c.loyalty_id),
        ("IBAN", "stored (encrypted)" if c.has_iban else None),
        ("Interests", ", ".join(c.interests) or None),
        ("Status", c.status),
        ("Last activity", c.last_activity),
    ):
        if value is not None:
            table.add_row(label, str(value))
    for key, value in c.attributes.items():
        table.add_row(key, str(value))
    for p in c.points:
        verdict = p.verdict + (f" ({', '.join(p.flags)})" if p.flags else "")
        label = p.kind + (" ★" if p.is_primary else "") + (f" [{p.subtype}]" if p.subtype else "")
        raw = f"  [dim]raw: {p.raw}[/]" if p.raw and p.raw != p.display else ""
        table.add_row(label, f"{p.display} — {verdict}{raw}")
    console.print(table)


@contacts_app.command("show")
def contacts_show(
    ctx: typer.Context,
    contact_id: Annotated[int, typer.Argument(help="Contact id.")],
    history: Annotated[bool, typer.Option(help="Also show the change history.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Show one contact with every email, phone and address and their verdicts.

    Example: carnet contacts show 42 --history
    """
    with _errors():
        ws = _open(ctx)
        contact = ws.get_contact(contact_id)
        changes = ws.history(contact_id) if history else []
        ws.audit("read", "contact", contact_id, details={"history": history})
    if as_json:
        data = contact.to_dict()
        if history:
            data["history"] = [
                {**h.__dict__, "changed_at": h.changed_at.isoformat()} for h in changes
            ]
        _print_json(data)
        return
    _show_contact(contact)
    if history:
        table = Table(title="History")
        # "why" shows the proof of a change: a death's file, row, column and cell
        for column in ("when", "field", "old", "new", "source", "by", "why"):
            table.add_column(column, overflow="fold")
        for h in changes:
            table.add_row(
                h.changed_at.strftime("%Y-%m-%d %H:%M"),
                h.field,
                h.old_value or "",
                h.new_value or "",
                h.source,
                h.actor or "",
                h.reason or "",
            )
        console.print(table)


SetOption = Annotated[
    list[str] | None,
    typer.Option("--set", "-s", help="FIELD=VALUE (repeat; `carnet fields` lists fields)."),
]


@contacts_app.command("add")
def contacts_add(
    ctx: typer.Context,
    first_name: Annotated[str | None, typer.Option(help="First name.")] = None,
    last_name: Annotated[str | None, typer.Option(help="Last name.")] = None,
    email: Annotated[list[str] | None, typer.Option(help="Email (repeatable).")] = None,
    phone: Annotated[list[str] | None, typer.Option(help="Phone (repeatable).")] = None,
    values: SetOption = None,
    source: Annotated[str, typer.Option(help="Where the data comes from.")] = "manual",
    as_json: JsonOption = False,
) -> None:
    """Add a contact; values are checked and normalised, invalid ones refused.

    Example: carnet contacts add --first-name Jeanne --last-name Martin --email j.martin@orange.fr
    -s city=Lyon -s postcode=69003
    """
    with _errors():
        data = _assignments(values)
        for key, value in (("first_name", first_name), ("last_name", last_name)):
            if value is not None:
                data[key] = value
        if email:
            data["email"] = email
        if phone:
            data["phone"] = phone
        if not data:
            raise InvalidValueError("Nothing to add; give at least a name or an email.")
        contact = _open(ctx).add_contact(data, source=source)
    if as_json:
        _print_json(contact.to_dict())
        return
    console.print(f"Added contact [bold]{contact.id}[/].")
    _show_contact(contact)


@contacts_app.command("edit")
def contacts_edit(
    ctx: typer.Context,
    contact_id: Annotated[int, typer.Argument(help="Contact id.")],
    values: SetOption = None,
    reason: Annotated[str | None, typer.Option(help="Why, kept in the history.")] = None,
    source: Annotated[str, typer.Option(help="Where the data comes from.")] = "manual",
    as_json: JsonOption = False,
) -> None:
    """Change fields of a contact; every change goes to the history.

    A new email or phone becomes the primary one; an empty value clears a field.

    Example: carnet contacts edit 42 -s job_title="Directrice achats" --reason "call 12/03"
    """
    with _errors():
        changes = _assignments(values)
        if not changes:
            raise InvalidValueError("Nothing to change; use --set FIELD=VALUE.")
        contact = _open(ctx).update_contact(contact_id, changes, source=source, reason=reason)
    if as_json:
        _print_json(contact.to_dict())
        return
    console.print(f"Updated contact [bold]{contact.id}[/].")
    _show_contact(contact)


@contacts_app.command("delete")
def contacts_delete(
    ctx: typer.Context,
    contact_id: Annotated[int, typer.Argument(help="Contact id.")],
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
) -> None:
    """Delete a contact with its contact points, events and orders.

    Example: carnet contacts delete 42 --yes
    """
    with _errors():
        ws = _open(ctx)
        contact = ws.get_contact(contact_id)
        if not yes and not typer.confirm(f"Delete contact {contact.id} ({contact.name})?"):
            raise typer.Exit(1)
        ws.delete_contact(contact_id)
    console.print(f"Deleted contact {contact_id}.")


# -- organisations ------------------------------------------------------------------------


def _org_row(o: Organisation) -> list[str]:
    return [str(o.id), o.name or "—", o.siren or "", o.siret or "", o.naf_code or "", o.city or ""]


@orgs_app.command("list")
def orgs_list(
    ctx: typer.Context,
    search: Annotated[str | None, typer.Option("--search", "-q", help="Name, SIREN...")] = None,
    limit: Annotated[int, typer.Option(help="Page size.")] = 20,
    offset: Annotated[int, typer.Option(help="Organisations to skip.")] = 0,
    as_json: JsonOption = False,
) -> None:
    """List organisations.

    Example: carnet organisations list -q dupont
    """
    with _errors():
        page = _open(ctx).list_organisations(search=search, limit=limit, offset=offset)
    if as_json:
        _print_json({"total": page.total, "items": [o.to_dict() for o in page.items]})
        return
    table = Table(title=f"Organisations ({page.total:,})")
    for column in ("id", "name", "SIREN", "SIRET", "NAF", "city"):
        table.add_column(column)
    for o in page.items:
        table.add_row(*_org_row(o))
    console.print(table)


@orgs_app.command("show")
def orgs_show(
    ctx: typer.Context,
    organisation_id: Annotated[int, typer.Argument(help="Organisation id.")],
    as_json: JsonOption = False,
) -> None:
    """Show an organisation and its contacts.

    Example: carnet organisations show 3
    """
    with _errors():
        ws = _open(ctx)
        org = ws.get_organisation(organisation_id)
        people = ws.organisation_contacts(organisation_id)
    if as_json:
        _print_json({**org.to_dict(), "contacts": [c.id for c in people]})
        return
    table = Table(title=f"Organisation {org.id} — {org.name}", show_header=False)
    table.add_column("field", style="bold")
    table.add_column("value")
    for key, value in org.to_dict().items():
        if value not in (None, {}, "") and key not in ("id", "name"):
            table.add_row(key, str(value))
    table.add_row("contacts", ", ".join(f"{c.id} {c.name}" for c in people) or "—")
    console.print(table)


@orgs_app.command("add")
def orgs_add(
    ctx: typer.Context,
    values: SetOption = None,
    as_json: JsonOption = False,
) -> None:
    """Add an organisation (name, siren, siret, vat_number, naf_code, sector, size_band ...).

    Example: carnet organisations add -s name="Dupont SA" -s siret=73282932000074
    """
    with _errors():
        data = _assignments(values)
        if not data:
            raise InvalidValueError("Nothing to add; use --set name=... at least.")
        org = _open(ctx).add_organisation(data)
    if as_json:
        _print_json(org.to_dict())
        return
    console.print(f"Added organisation [bold]{org.id}[/] {org.name}.")


# -- demo ---------------------------------------------------------------------------------


@demo_app.command("generate")
def demo_generate(
    out_dir: Annotated[Path, typer.Argument(help="Folder to write the files into.")],
    people: Annotated[int, typer.Option(help="How many true persons.")] = 5000,
    seed: Annotated[int, typer.Option(help="Random seed (same seed, same files).")] = 42,
    as_json: JsonOption = False,
) -> None:
    """Write a realistic, messy multi-source customer data set, with its truth file.

    Example: carnet demo generate --people 5000 --seed 1 demo-data
    """
    with _errors():
        if people < 1:
            raise InvalidValueError("--people must be at least 1.")
        from carnet.demo import generate

        out_dir.mkdir(parents=True, exist_ok=True)
        report = generate(out_dir, people, seed)
    if as_json:
        _print_json(
            {
                "out_dir": str(report.out_dir),
                "people": report.people,
                "seed": report.seed,
                "files": report.files,
                "truth_rows": report.truth_rows,
                "seconds": round(report.seconds, 2),
            }
        )
        return
    table = Table(title=f"{people:,} people (seed {seed}) in {out_dir}")
    table.add_column("file")
    table.add_column("rows", justify="right")
    for name, rows in report.files.items():
        table.add_row(name, f"{rows:,}")
    table.add_row("truth.csv", f"{report.truth_rows:,}")
    console.print(table)
    console.print(f"[dim]{report.seconds:.1f} s[/]")


def _register_extensions() -> None:
    from carnet.consent.cli import register as register_consent
    from carnet.dedupe.cli import register as register_dedupe
    from carnet.ingest.cli import register as register_ingest
    from carnet.quality.cli import register as register_quality

    register_ingest(app)
    register_quality(app)
    register_consent(app)
    register_dedupe(app, orgs_app)


_register_extensions()


def main() -> None:
    """Entry point of the ``carnet`` console script."""
    app()


if __name__ == "__main__":
    main()
