"""What every CLI module shares: consoles, the error guard, opening the workspace, JSON output.

Commands open the workspace, call one method, and render; known errors become one
sentence on stderr with the error's exit code, nothing else is caught.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any

import typer
from rich.console import Console

from carnet.errors import CarnetError
from carnet.workspace import Carnet

console = Console()
err_console = Console(stderr=True)

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]


@contextmanager
def errors() -> Iterator[None]:
    """Print carnet's errors as one sentence and exit with the error's code."""
    try:
        yield
    except CarnetError as exc:
        err_console.print(f"[bold red]Error:[/] {exc}", highlight=False, soft_wrap=True)
        raise typer.Exit(exc.exit_code) from None


def open_workspace(ctx: typer.Context) -> Carnet:
    """The workspace named by ``--db`` (or ``CARNET_DATABASE_URL``)."""
    root = ctx.find_root()
    db = root.obj.get("db") if isinstance(root.obj, dict) else None
    return Carnet(db)


def print_json(data: Any) -> None:
    """Write ``data`` as indented JSON on stdout."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")
