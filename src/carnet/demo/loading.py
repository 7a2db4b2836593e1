"""Importing the generator's person files into a workspace, as ``make demo`` does.

The e-shop export goes first, with its customer number as the source's id
column (``N° client``); the event sheet, the old CRM, the survey answers and the
newsletter list follow. Order lines are left out: they are purchases, not
person rows. Benchmarks and the matcher's reference u import the files this way.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from carnet import Carnet

__all__ = ["ESHOP_ID_COLUMN", "PERSON_FILES", "import_person_files"]

#: The person files of :func:`carnet.demo.generate`, in the order they are imported.
PERSON_FILES: tuple[str, ...] = (
    "eshop_customers.csv",
    "event_signups.xlsx",
    "old_crm.csv",
    "survey_answers.csv",
    "newsletter.csv",
)
#: The e-shop export's customer number: its rows' id in their source.
ESHOP_ID_COLUMN = "N° client"


def import_person_files(
    ws: Carnet, directory: Path, names: Sequence[str] = PERSON_FILES
) -> None:
    """Import ``names`` (the person files by default) from ``directory`` into ``ws``.

    The e-shop export, when among them, goes first with its id column.
    """
    eshop = PERSON_FILES[0]
    if eshop in names:
        ws.import_file(directory / eshop, id_column=ESHOP_ID_COLUMN)
    rest = [directory / name for name in names if name != eshop]
    if rest:
        ws.import_files(rest)
