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


#: A trade-fair sign-up sheet typed by hand: the company and the day merged down over
#: the people who came together (A4:A6, F4:F6, A7:A8, F7:F8), a blank row, and an
#: e-mail merged across two columns (D10:E10), which must fill nothing.
SIGNUPS_HEADER = ["Société", "Prénom", "Nom", "E-mail", "Téléphone", "Date"]
SIGNUPS: list[list[object]] = [
    ["ACME SARL", "Jean", "Dupont", "jean.dupont@acme.fr", "06 12 34 56 78",
     dt.date(2024, 5, 22)],
    [None, "Marie", "Durand", "marie.durand@acme.fr", None, None],
    [None, "Paul", "Petit", "paul.petit@acme.fr", None, None],
    ["Boulangerie Martin", "Luc", "Martin", "luc@boulangerie-martin.fr", "04 78 12 34 56",
     dt.date(2024, 5, 23)],
    [None, "Léa", "Martin", "lea@boulangerie-martin.fr", None, None],
    [],
    ["Indépendant", "Zoé", "Roux", "zoe.roux@gmail.com", None, dt.date(2024, 5, 23)],
]


def write_merged_xlsx(path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Inscrits"
    sheet.append(["Salon Vivatech 2024 — inscrits"])
    sheet.merge_cells("A1:F1")
    sheet.append([])
    sheet.append(SIGNUPS_HEADER)
    for row in SIGNUPS:
        sheet.append(row)
    for cells in ("A4:A6", "F4:F6", "A7:A8", "F7:F8", "D10:E10"):
        sheet.merge_cells(cells)
    for row in sheet.iter_rows(min_row=4, min_col=6, max_col=6):
        row[0].number_format = "DD/MM/YYYY"
    book.save(path)


if __name__ == "__main__":
    for source, write in ((HERE / "clients.xlsx", write_xlsx),
                          (HERE / "merged.xlsx", write_merged_xlsx)):
        write(source)
        for target in ("xls", "ods"):
            subprocess.run(
                ["soffice", "--headless", "--convert-to", target, "--outdir", str(HERE),
                 str(source)],
                check=True,
            )
