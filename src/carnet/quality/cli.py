"""``carnet quality`` and ``carnet fix``: the report in the terminal, JSON or HTML, and fixes.

Registered on the main app by :func:`register`; each command opens the
workspace, calls one method and renders the result.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from carnet.cli_support import JsonOption, console, errors, open_workspace, print_json
from carnet.errors import InvalidValueError
from carnet.quality.fixes import KINDS
from carnet.quality.scores import CHANNELS
from carnet.quality.text import CHANNEL_LABELS, format_count, format_share, lang_index

fix_app = typer.Typer(
    help="Apply the corrections the quality report suggests; every change can be undone.",
    no_args_is_help=True,
)

LangOption = Annotated[str, typer.Option("--lang", help="Language of the report: fr or en.")]


def _check_lang(lang: str) -> str:
    if lang not in ("fr", "en"):
        raise InvalidValueError(f"Language '{lang}' is not fr or en.", field="lang")
    return lang


def quality_command(
    ctx: typer.Context,
    as_json: JsonOption = False,
    html: Annotated[
        Path | None, typer.Option("--html", help="Also write the report as one HTML file.")
    ] = None,
    lang: LangOption = "fr",
    recompute: Annotated[
        bool, typer.Option("--recompute", help="Recompute every score first.")
    ] = False,
    snapshot: Annotated[
        bool,
        typer.Option("--snapshot/--no-snapshot", help="Keep this report's figures for the trend."),
    ] = True,
) -> None:
    """Show the quality of the customer file: scores, fill rates, problems and fixes.

    Example: carnet quality --html rapport-qualite.html --lang fr
    """
    with errors():
        _check_lang(lang)
        ws = open_workspace(ctx)
        data = ws.quality_report(lang=lang, recompute=recompute, snapshot=snapshot)
        if html is not None:
            ws.write_quality_html(html, data)
    if as_json:
        print_json(data)
        return
    _render(data, lang)
    if html is not None:
        console.print(f"[dim]HTML: {html}[/]")


def _render(data: dict[str, Any], lang: str) -> None:
    i = lang_index(lang)
    words = {
        "title": ("Qualité du fichier", "File quality"),
        "score": ("Score moyen", "Average score"),
        "completeness": ("Complétude", "Completeness"),
        "validity": ("Validité", "Validity"),
        "freshness": ("Fraîcheur", "Freshness"),
        "active": ("Contacts actifs", "Active contacts"),
        "deceased": ("Décédés (conservés, jamais contactés)", "Deceased (kept, never contacted)"),
        "obsolete": ("Inactifs depuis {} ans", "Inactive for {} years"),
        "duplicates": ("Doublons probables", "Likely duplicates"),
        "reach": ("Joignables", "Reachable"),
        "field": ("Champ", "Field"),
        "filled": ("Rempli", "Filled"),
        "valid": ("Valide", "Valid"),
        "problem": ("Problème", "Problem"),
        "action": ("Action", "Action"),
        "band": ("Score", "Score"),
        "count": ("Contacts", "Contacts"),
    }
    w = {k: v[i] for k, v in words.items()}
    avg = data["averages"]
    summary = Table(title=w["title"], show_header=False)
    summary.add_column("what")
    summary.add_column("value", justify="right")
    summary.add_row(w["active"], format_count(data["contacts"]["active"], lang))
    if data["contacts"].get("deceased"):
        summary.add_row(w["deceased"], format_count(data["contacts"]["deceased"], lang))
    # One decimal, so that a cleaning shows even when it moves the average a little.
    score = "—" if avg["score"] is None else f"{avg['score']:.1f} / 100"
    summary.add_row(w["score"], score.replace(".", ",") if lang == "fr" else score)
    for key in ("completeness", "validity", "freshness"):
        summary.add_row(w[key], format_share(avg[key], lang))
    for ch in CHANNELS:
        r = data["reach"][ch]
        summary.add_row(
            f"{w['reach']} · {CHANNEL_LABELS[ch][i]}",
            f"{format_count(r['reachable'], lang)} / {format_count(r['usable'], lang)}",
        )
    obsolete = data["obsolete"]
    summary.add_row(w["obsolete"].format(obsolete["years"]), format_count(obsolete["count"], lang))
    summary.add_row(w["duplicates"], format_count(data["duplicates"]["estimated_contacts"], lang))
    console.print(summary)
    if data["problems"]:
        problems = Table(title=w["problem"] + "s")
        problems.add_column("#", justify="right")
        problems.add_column(w["problem"], overflow="fold")
        problems.add_column(w["action"], overflow="fold")
        for k, p in enumerate(data["problems"], 1):
            problems.add_row(str(k), p["title"], p["action"].replace("`", ""))
        console.print(problems)
    fields = Table(title=w["field"] + "s")
    fields.add_column(w["field"])
    fields.add_column(w["filled"], justify="right")
    fields.add_column(w["valid"], justify="right")
    for f in data["fields"]:
        fields.add_row(
            f["label"], format_share(f["fill_rate"], lang), format_share(f["validity_rate"], lang)
        )
    console.print(fields)
    bands = Table(title=w["band"])
    bands.add_column(w["band"])
    bands.add_column(w["count"], justify="right")
    top = max((b["count"] for b in data["distribution"]), default=0) or 1
    bands.add_column("")
    for b in data["distribution"]:
        bar = "█" * round(30 * b["count"] / top)
        bands.add_row(f"{b['from']}–{b['to']}", format_count(b["count"], lang), bar)
    console.print(bands)


def _fix(ctx: typer.Context, kind: str, dry_run: bool, as_json: bool) -> None:
    with errors():
        result = open_workspace(ctx).apply_fix(kind, dry_run=dry_run)
    if as_json:
        print_json(result.to_dict())
        return
    table = Table(title=f"{kind}: {len(result.suggestions)} suggestion(s)")
    for column in ("contact", "old", "new"):
        table.add_column(column, overflow="fold")
    for x in result.suggestions[:50]:
        table.add_row(str(x.contact_id), x.old, x.new)
    console.print(table)
    if len(result.suggestions) > 50:
        console.print(f"[dim]… and {len(result.suggestions) - 50} more[/]")
    if dry_run:
        console.print("Dry run: nothing changed.")
    elif result.fix_id is not None:
        console.print(
            f"Applied {result.applied} change(s) as fix [bold]{result.fix_id}[/]; "
            f"undo with `carnet fix undo {result.fix_id}`."
        )
    else:
        console.print("Nothing to fix.")


DryRun = Annotated[bool, typer.Option("--dry-run", help="Only list what would change.")]


@fix_app.command("email-typos")
def fix_email_typos(
    ctx: typer.Context, dry_run: DryRun = False, as_json: JsonOption = False
) -> None:
    """Replace emails with a likely typo (gmial.com, hotmial.fr …) by the suggested address.

    Example: carnet fix email-typos --dry-run
    """
    _fix(ctx, "email-typos", dry_run, as_json)


@fix_app.command("postcodes")
def fix_postcodes(ctx: typer.Context, dry_run: DryRun = False, as_json: JsonOption = False) -> None:
    """Replace postcodes that do not match their city by the city's only postcode.

    Needs La Poste's table: carnet refdata load postcodes FILE.

    Example: carnet fix postcodes --dry-run
    """
    _fix(ctx, "postcodes", dry_run, as_json)


@fix_app.command("undo")
def fix_undo(
    ctx: typer.Context,
    fix_id: Annotated[int, typer.Argument(help="The fix id printed when it was applied.")],
    as_json: JsonOption = False,
) -> None:
    """Undo a fix: remove the values it added and restore the ones it replaced.

    Example: carnet fix undo 12
    """
    with errors():
        result = open_workspace(ctx).undo_fix(fix_id)
    if as_json:
        print_json(result.to_dict())
        return
    console.print(
        f"Undid fix {fix_id} ({result.kind}) on {len(result.contact_ids)} contact(s)."
    )


@fix_app.command("list")
def fix_list(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """List the latest fix runs, with their ids for review or undo.

    Example: carnet fix list --json
    """
    with errors():
        runs = open_workspace(ctx).fix_runs()
    if as_json:
        print_json(runs)
        return
    table = Table(title="Fixes")
    for column in ("id", "kind", "when", "by", "changes", "undone"):
        table.add_column(column)
    for r in runs:
        table.add_row(
            str(r["fix_id"]),
            r["kind"],
            r["at"],
            r["actor"],
            str(r["count"]),
            "yes" if r["undone"] else "",
        )
    console.print(table)


def register(app: typer.Typer) -> None:
    """Add ``carnet quality`` and ``carnet fix …`` to the main app."""
    app.command("quality")(quality_command)
    app.add_typer(fix_app, name="fix")


assert set(KINDS) == {"email-typos", "postcodes"}

__all__ = ["fix_app", "quality_command", "register"]
