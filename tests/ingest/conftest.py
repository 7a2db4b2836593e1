"""Messy customer files written the way French offices write them."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

ESHOP_HEADER = [
    "Civilité", "Prénom", "Nom", "E-mail", "Téléphone", "Adresse", "Code postal", "Ville",
    "Date de naissance", "N° client", "Optin newsletter",
]
ESHOP_ROWS = [
    ["M.", "jean-pierre", "DUPONT", " JP.Dupont@Gmail.com ", "06 12 34 56 78",
     "12 rue Paul Bert", "69003", "Lyon", "14/07/1975", "C001", "Oui"],
    ["Mme", "Élodie", "Martin", "elodie.martin@hotmial.fr", "+33 (0)1 42 68 53 00",
     "3 avenue Foch", "75016", "Paris", "02/03/1988", "C002", "Non"],
    ["", "Nicolas", "Petit", "nico.petit@orange.fr", "0033 7 81 23 45 67",
     "5 place Bellecour", "1000", "Bourg-en-Bresse", "1990-11-05", "C003", "1"],
    ["", "", "", "pas-un-email", "", "", "", "", "", "C004", ""],
    ["Mme", "Zoé", "Lefèvre", "zoe.lefevre@free.fr", "06.98.76.54.32", "", "33000",
     "Bordeaux", "31/02/1990", "C005", "oui"],
    ["M.", "Durand", "Paul", "paul.durand@laposte.net", "0678901234", "", "13001",
     "Marseille", "", "C006", ""],
]


def write_csv(path: Path, header: list[str], rows: list[list[str]], *,
              encoding: str = "cp1252", delimiter: str = ";") -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows(rows)
    return path


@pytest.fixture
def eshop_csv(tmp_path: Path) -> Path:
    """An e-shop export: cp1252, ';', French headers, dd/mm/yyyy, typos and bad rows."""
    return write_csv(tmp_path / "eshop.csv", ESHOP_HEADER, ESHOP_ROWS)
