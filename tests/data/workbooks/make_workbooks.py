"""Write clients.xlsx with openpyxl, then clients.xls and clients.ods from it with LibreOffice.

Run from this folder (LibreOffice's ``soffice`` on the PATH; Debian:
``apt-get install libreoffice-calc-nogui``)::

    python make_workbooks.py

The workbook is what a French association's old customer file looks like: a
hidden sheet of lists first, then the customers under a title block, with a
postcode and phones stored as numbers, birth and order dates, accents, a blank
row and a row without a valid e-mail; a second visible sheet of prospects.
"""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

from openpyxl import Workbook

HERE = Path(__file__).parent
HEADER = [
    "Civilité", "Prénom", "Nom", "Société", "E-mail", "Téléphone", "Code postal", "Ville",
    "Date de naissance", "N° client", "N° commande", "Date de commande", "Montant TTC",
]
CUSTOMERS: list[list[object]] = [
    ["Mme", "Hélène", "Dupré", "Société Générale", "helene.dupre@societegenerale.fr",
     612345678, 1000, "Bourg-en-Bresse", dt.date(1975, 7, 14), "C001", "CMD-1001",
     dt.datetime(2024, 2, 3, 10, 15), 129.9],
    ["M.", "François", "Lefèvre", "Œuvre d'Orient", "francois.lefevre@orange.fr",
     "06 98 76 54 32", "75007", "Paris", dt.date(1988, 3, 2), "C002", "CMD-1002",
     dt.date(2024, 2, 5), 45.5],
    [],
    ["Mme", "Zoé", "Œillet", None, "zoe.oeillet@free.fr", 33781234567, 69003, "Lyon",
     dt.date(1990, 11, 5), "C003", "CMD-1003", dt.date(2024, 3, 1), 12],
    [None, None, None, None, "pas-un-email", None, None, None, None, "C004", None, None, None],
]
PROSPECTS = [
    ["Prénom", "Nom", "E-mail"],
    ["Élodie", "Martin", "elodie.martin@laposte.net"],
    ["Noël", "Duval", "noel.duval@sfr.fr"],
]


def write_xlsx(path: Path) -> None:
    book = Workbook()
    lists = book.active
    assert lists is not None
    lists.title = "Listes"
    for value in ["Civilités", "M.", "Mme"]:
        lists.append([value])
    lists.sheet_state = "hidden"
    clients = book.create_sheet("Clients")
    clients.append(["Fichier clients - Association Les Amis de l'Œuvre"])
    clients.append(["Exporté le", dt.datetime(2024, 3, 12, 9, 30)])
    clients.append([])
    clients.append(HEADER)
    for row in CUSTOMERS:
        clients.append(row)
    clients["B2"].number_format = "DD/MM/YYYY HH:MM"
    for row in clients.iter_rows(min_row=5):
        row[6].number_format = "00000"  # Code postal: 1000 shows as 01000
        row[8].number_format = "DD/MM/YYYY"
        row[11].number_format = "DD/MM/YYYY HH:MM"
        row[12].number_format = "#,##0.00"
    clients["F5"].number_format = "0# ## ## ## ##"  # a phone that lost its 0, shown with it
    prospects = book.create_sheet("Prospects")
    for row in PROSPECTS:
        prospects.append(row)
    book.active = 1
    book.save(path)


if __name__ == "__main__":
    source = HERE / "clients.xlsx"
    write_xlsx(source)
    for target in ("xls", "ods"):
        subprocess.run(
            ["soffice", "--headless", "--convert-to", target, "--outdir", str(HERE), str(source)],
            check=True,
        )
