"""``carnet import``, ``carnet export``, ``carnet imports`` and ``carnet refdata``."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

from carnet.cli_support import console, errors, open_workspace
from carnet.errors import InvalidValueError
from carnet.ingest.pipeline import ImportOptions, ImportReport
from carnet.model import DECEASED

refdata_app = typer.Typer(help="Load reference data (La Poste postcodes).", no_args_is_help=True)
refdata_load_app = typer.Typer(help="Load a reference table.", no_args_is_help=True)
refdata_app.add_typer(refdata_load_app, name="load")


def import_command(
    ctx: typer.Context,
    files: Annotated[
        list[Path], typer.Argument(help="CSV, Excel (XLSX, XLS, XLSB), ODS, JSON or NDJSON files.")
    ],
    source: Annotated[
        str | None, typer.Option(help="Source name (default: each file's name).")
    ] = None,
    mapping: Annotated[
        Path | None, typer.Option(help="Mapping file (JSON/TOML: header = field).")
    ] = None,
    country: Annotated[str | None, typer.Option(help="Default country (ISO code).")] = None,
    timezone: Annotated[
        str | None,
        typer.Option(
            help="Time zone of times written without an offset (Europe/Paris, UTC; "
            "default: the country's)."
        ),
    ] = None,
    id_column: Annotated[
        str | None, typer.Option("--id-column", help="Column holding the source's own id.")
    ] = None,
    encoding: Annotated[str | None, typer.Option(help="Force an encoding (cp1252...).")] = None,
    delimiter: Annotated[str | None, typer.Option(help="Force a CSV delimiter.")] = None,
    sheet: Annotated[
        str | None, typer.Option(help="Workbook sheet name or index; '*' for every sheet.")
    ] = None,
    file_format: Annotated[
        str | None,
        typer.Option(
            "--format",
            help="Read as csv, xlsx, xls, xlsb, ods, json or ndjson whatever the extension.",
        ),
    ] = None,
    rejected_dir: Annotated[
        Path | None, typer.Option(help="Folder for <name>.rejected.csv (default: beside).")
    ] = None,
    as_list: Annotated[
        str | None,
        typer.Option(
            "--as",
            help="The file is a list to suppress, not customers: unsubscribes, bounces or "
            "complaints. Its e-mails and phones go on the suppression list, dated by its date "
            "column; no contact is created.",
        ),
    ] = None,
    preview: Annotated[
        bool, typer.Option("--preview", help="Show mapping, sample and counts; write nothing.")
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON summary.")] = False,
) -> None:
    """Import customer files: map headers, check every value, upsert, account for every row.

    Example: carnet import eshop_customers.csv --id-column "N° client" --preview

    Example: carnet import desinscrits.csv --as unsubscribes
    """
    with errors():
        ws = open_workspace(ctx)
        sheet_value: str | int | None = int(sheet) if sheet and sheet.isdigit() else sheet
        options = ImportOptions(
            source=source,
            mapping_file=mapping,
            country=country,
            timezone=timezone,
            id_column=id_column,
            encoding=encoding,
            delimiter=delimiter,
            sheet=sheet_value,
            format=file_format,
            rejected_dir=rejected_dir,
            suppression_list=as_list,
        )
        reports: list[ImportReport] = []
        runs = [(path, o) for path in files for o in ws.sheet_runs(path, options)]
        for path, options in runs:
            if preview:
                reports.append(ws.preview_import(path, options=options))
                continue
            if quiet or as_json:
                reports.append(ws.import_file(path, options=options))
                continue
            with Progress(
                TextColumn(f"[bold]{path.name}[/]"),
                BarColumn(),
                TextColumn("{task.completed:,} rows"),
                TextColumn("{task.fields[rate]}"),
                TimeElapsedColumn(),
                console=console,
                transient=True,
            ) as bar:
                task = bar.add_task(path.name, total=None, rate="")

                def advance(done: int, _total: int | None, task: TaskID = task) -> None:
                    elapsed = bar.tasks[task].elapsed or 0.0
                    completed = bar.tasks[task].completed + done
                    rate = f"{completed / elapsed:,.0f} rows/s" if elapsed else ""
                    bar.update(task, advance=done, rate=rate)

                reports.append(ws.import_file(path, options=options, progress=advance))
    if as_json:
        sys.stdout.write(
            json.dumps([r.to_dict() for r in reports], ensure_ascii=False, indent=2, default=str)
            + "\n"
        )
        return
    for report in reports:
        render_report(report)


def render_report(report: ImportReport) -> None:
    """Print an import report: mapping, outcomes, verdicts per field, warnings."""
    title = (
        f"{'Preview of ' if report.preview else ''}{report.path.name} → source '{report.source}'"
        + (f", a list of {report.suppression_list}" if report.suppression_list else "")
    )
    details = [report.format]
    if report.encoding:
        details.append(report.encoding)
    if report.delimiter:
        details.append(f"delimiter {report.delimiter!r}")
    console.rule(f"[bold]{title}[/] ({', '.join(details)})")
    mapping = Table(title="Columns", show_lines=False)
    for column in ("column", "→ field", "how"):
        mapping.add_column(column, overflow="fold")
    for plan in report.mapping.columns:
        how = plan.how + (f" ({plan.note})" if plan.note else "")
        mapping.add_row(plan.header[:60], plan.target, how)
    console.print(mapping)
    outcomes = Table(title=f"{report.rows:,} {'row' if report.rows == 1 else 'rows'}")
    outcomes.add_column("outcome")
    outcomes.add_column("rows", justify="right")
    for outcome, count in report.counts.items():
        if count:
            outcomes.add_row(outcome, f"{count:,}")
    console.print(outcomes)
    if report.verdicts:
        verdicts = Table(title="Verdicts per field (cells)")
        for column in ("field", "valid", "warning", "invalid", "empty"):
            verdicts.add_column(column, justify="right" if column != "field" else "left")
        for name, counts in report.verdicts.items():
            verdicts.add_row(
                name, *(f"{counts.get(k, 0):,}" for k in ("valid", "warning", "invalid", "empty"))
            )
        console.print(verdicts)
    if report.sample:
        sample = Table(title="Sample")
        for column in ("row", "outcome", "values", "contact points"):
            sample.add_column(column, overflow="fold")
        for item in report.sample:
            points = "; ".join(
                f"{p['kind']} {p['normalised'] or p['raw']} ({p['verdict']})"
                for p in item["points"]
            )
            values = ", ".join(f"{k}={v}" for k, v in item["values"].items())
            sample.add_row(str(item["row"]), item["outcome"], values, points)
        console.print(sample)
    for warning in report.warnings:
        console.print(f"[yellow]Warning:[/] {warning}")
    if report.swapped_names:
        n = report.swapped_names
        console.print(
            f"{n:,} {'row' if n == 1 else 'rows'} had first and last names swapped; fixed."
        )
    if report.duplicates and any(report.duplicates.values()):
        console.print(
            f"Duplicates of contacts already in the file: {report.duplicates['contacts_merged']:,}"
            f" merged, {report.duplicates['review']:,} pairs to review (`carnet review`)."
        )
    if report.suppressions:
        reasons = ", ".join(
            f"{reason.replace('_', ' ')} {count:,}" for reason, count in report.suppressions.items()
        )
        console.print(f"Added to the suppression list: {reasons}.")
    if report.rejected_file:
        console.print(f"Rejected rows, with the reason: [bold]{report.rejected_file}[/]")
    if report.resumed_from:
        console.print(f"Resumed an interrupted run after row {report.resumed_from:,}.")
    if not report.preview:
        console.print(
            f"[dim]import #{report.import_id} · {report.seconds:.1f} s · "
            f"{report.rows_per_second:,.0f} rows/s[/]"
        )


def export_command(
    ctx: typer.Context,
    out: Annotated[Path, typer.Argument(help="Output file: .csv, .xlsx, .json or .ndjson.")],
    fields: Annotated[
        str | None, typer.Option(help="Comma-separated fields (default: the usual ones).")
    ] = None,
    raw: Annotated[bool, typer.Option(help="Add the raw email/phone beside the normalised.")] = (
        False
    ),
    comma: Annotated[bool, typer.Option(help="Use ',' instead of ';' in CSV.")] = False,
    with_sources: Annotated[
        bool,
        typer.Option(
            "--with-sources",
            help="Add the input rows (source:row) and source ids merged into each contact.",
        ),
    ] = False,
    living_only: Annotated[
        bool,
        typer.Option(
            "--living-only",
            help="Leave out deceased contacts (for a mailing); by default they are written "
            "with the 'deceased' column at yes.",
        ),
    ] = False,
) -> None:
    """Export contacts to an Excel-friendly CSV, XLSX or JSON file (formula-safe).

    Example: carnet export contacts.csv --fields first_name,last_name,email --raw
    Example: carnet export mailing.csv --living-only   (deceased contacts left out)
    """
    with errors():
        if out.suffix.lower() not in (".csv", ".xlsx", ".json", ".ndjson"):
            raise InvalidValueError(
                f"Cannot export to '{out.suffix}'; use .csv, .xlsx, .json or .ndjson."
            )
        chosen = [f.strip() for f in fields.split(",") if f.strip()] if fields else None
        ws = open_workspace(ctx)
        count = ws.export_contacts(
            out,
            fields=chosen,
            raw=raw,
            with_sources=with_sources,
            delimiter="," if comma else ";",
            living_only=living_only,
        )
        deceased = 0 if living_only else ws.list_contacts(
            filters={"status": DECEASED}, limit=1
        ).total
    console.print(f"Exported {count:,} contacts to [bold]{out}[/].")
    if deceased:
        flagged = "the 'deceased' column says yes" if chosen is None or "deceased" in chosen else (
            "add 'deceased' to --fields to tell them"
        )
        verb = "is" if deceased == 1 else "are"
        console.print(
            f"[yellow]{deceased:,} of them {verb} deceased ({flagged}): "
            "--living-only leaves them out of a mailing.[/]"
        )


def imports_command(
    ctx: typer.Context,
    limit: Annotated[int, typer.Option(help="How many runs.")] = 20,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List recent import runs with their row accounting.

    Example: carnet imports --limit 5
    """
    with errors():
        runs = open_workspace(ctx).list_imports(limit=limit)
    if as_json:
        sys.stdout.write(json.dumps(runs, ensure_ascii=False, indent=2, default=str) + "\n")
        return
    table = Table(title="Imports")
    for column in ("id", "source", "file", "status", "rows", "outcomes", "started"):
        table.add_column(column, overflow="fold")
    for run in runs:
        counts = {k: v for k, v in (run["counts"] or {}).items() if isinstance(v, int) and v}
        table.add_row(
            str(run["id"]),
            run["source"],
            Path(run["file_name"]).name,
            run["status"],
            f"{run['rows_total']:,}",
            ", ".join(f"{k} {v:,}" for k, v in counts.items()),
            str(run["started_at"])[:19],
        )
    console.print(table)


@refdata_load_app.command("postcodes")
def load_postcodes(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="La Poste's laposte_hexasmal CSV.")],
) -> None:
    """Load La Poste's official postcode table, used to check postcodes against cities.

    Example: carnet refdata load postcodes laposte_hexasmal.csv
    """
    with errors():
        count = open_workspace(ctx).load_postcodes(file)
    console.print(f"Loaded {count:,} postcode rows from [bold]{file}[/].")


def register(app: typer.Typer) -> None:
    """Add the ingest commands to the CLI."""
    app.command("import")(import_command)
    app.command("export")(export_command)
    app.command("imports")(imports_command)
    app.add_typer(refdata_app, name="refdata")
