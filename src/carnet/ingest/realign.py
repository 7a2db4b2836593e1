"""Rows shifted by a delimiter inside an unquoted value, read again.

``Dupont;Jean;12 rue de la Paix; bât B;75002;Paris;jean@free.fr`` under a
six-column header has one cell too many: the ``;`` in the address shifted the
postcode into the city column and the e-mail out of the table. Each way of
joining the extra cells back to a neighbour is scored by the columns' own
checks (a usable value counts +1, an invalid one -1); the row is read again the
best way when that way is strictly better than the row as read and no other
way scores as well. Otherwise it stays as read, its extra cells kept.

>>> score = {"Nom": lambda v: 1 if v.isalpha() else -1,
...          "CP": lambda v: 1 if v.strip().isdigit() else -1,
...          "Email": lambda v: 1 if "@" in v else -1}
>>> realign(["Nom", "Adresse", "CP", "Email"], ["Dupont", "12 rue X", " bât B", "75002"],
...         ("jean@free.fr",), ";", lambda h, v: score[h](v) if h in score else 0)
(['Dupont', '12 rue X; bât B', '75002', 'jean@free.fr'], (1,))
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from itertools import combinations

#: Beyond this many extra cells the row stays as read (the ways to join grow fast).
MOST_EXTRA = 2

#: A value's score in its column: +1 usable, -1 invalid, 0 empty or unchecked.
Scorer = Callable[[str, str], int]


def realign(
    headers: Sequence[str],
    cells: Sequence[str | None],
    extra: Sequence[str],
    delimiter: str,
    score: Scorer,
) -> tuple[list[str | None], tuple[int, ...]] | None:
    """The row's cells with its extra ones joined back, and where (the 0-based
    indexes of the cells that absorbed their right neighbour), or None when no
    way of joining is clearly the best."""
    if not extra or len(extra) > MOST_EXTRA or not headers:
        return None
    every = [*cells, *extra]
    memo: dict[tuple[str, str], int] = {}

    def total(reading: Sequence[str | None]) -> int:
        points = 0
        for header, value in zip(headers, reading, strict=True):
            if value is None or not value.strip():
                continue
            key = (header, value)
            if key not in memo:
                memo[key] = score(header, value)
            points += memo[key]
        return points

    as_read = total(cells)
    best: tuple[int, list[str | None], tuple[int, ...]] | None = None
    tied = False
    for gaps in combinations(range(len(every) - 1), len(extra)):
        reading = _joined(every, gaps, delimiter)
        points = total(reading)
        if best is None or points > best[0]:
            best, tied = (points, reading, gaps), False
        elif points == best[0]:
            tied = True
    if best is None or tied or best[0] <= as_read:
        return None
    return best[1], _absorbing(best[2])


def _joined(cells: list[str | None], gaps: tuple[int, ...], delimiter: str) -> list[str | None]:
    """``cells`` with each gap ``g`` (between cells g and g + 1) closed by ``delimiter``."""
    out: list[str | None] = []
    closing = set(gaps)
    for i, cell in enumerate(cells):
        if i - 1 in closing:
            out[-1] = f"{out[-1] or ''}{delimiter}{cell or ''}"
        else:
            out.append(cell)
    return out


def _absorbing(gaps: tuple[int, ...]) -> tuple[int, ...]:
    """The indexes, in the realigned row, of the cells that were joined."""
    out: list[int] = []
    for gap in gaps:
        index = gap - len([g for g in gaps if g < gap])
        if index not in out:
            out.append(index)
    return tuple(out)
