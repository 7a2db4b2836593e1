"""Rows shifted by a delimiter inside an unquoted value, read again.

``Dupont;Jean;12 rue de la Paix; bât B;75002;Paris;jean@free.fr`` under a
six-column header has one cell too many: the ``;`` in the address shifted the
postcode into the city column and the e-mail out of the table. Each way of
joining the extra cells back to a neighbour is scored by the columns' own
checks (a usable value counts +1, an invalid one -1); the row is read again the
best way when that way is strictly better than the row as read and no other
way scores as well (or, of the ways that score as well, it is the only one whose
joined cells each begin with a blank, as a delimiter typed in a value is followed
by one: "a@x.fr; b@y.fr"). Otherwise it stays as read, its extra cells kept.

>>> score = {"Nom": lambda v: 1 if v.isalpha() else -1,
...          "CP": lambda v: 1 if v.strip().isdigit() else -1,
...          "Email": lambda v: 1 if "@" in v else -1}
>>> realign(["Nom", "Adresse", "CP", "Email"], ["Dupont", "12 rue X", " bât B", "75002"],
...         ("jean@free.fr",), ";", lambda h, v: score[h](v) if h in score else 0)
(['Dupont', '12 rue X; bât B', '75002', 'jean@free.fr'], (1,))
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
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
    best: list[tuple[list[str | None], tuple[int, ...]]] = []
    best_points = as_read
    for gaps in combinations(range(len(every) - 1), len(extra)):
        reading = _joined(every, gaps, delimiter)
        points = total(reading)
        if points > best_points:
            best, best_points = [(reading, gaps)], points
        elif points == best_points and best:
            best.append((reading, gaps))
    if len(best) > 1:
        # "a@x.fr; b@y.fr": a delimiter a person typed in a value is followed by a
        # blank, a field boundary is not; the one way that joins only such is right
        typed = [way for way in best if all(_blank_first(every[g + 1]) for g in way[1])]
        best = typed
    if len(best) != 1:
        return None
    reading, gaps = best[0]
    return reading, _absorbing(gaps)


def _blank_first(cell: str | None) -> bool:
    return cell is not None and cell[:1].isspace()


def shifted_tails(tails: Mapping[int, int], rows: int) -> dict[int, tuple[str, ...]]:
    """The rows that may have been shifted into empty cells past the header, with
    those cells: rows with more such cells than the batch's rows usually have.

    A row of ``Dupont;a@x.fr; b@y.fr;Paris;`` under ``Nom;Email;Ville;Notes`` is one
    cell too long, but its extra cell is the empty note, so it reads as if aligned.
    When most rows of a batch end that way (every line ends with the delimiter),
    only the rows with more of them than the usual count are candidates.

    >>> shifted_tails({7: 1}, 100)
    {7: ('',)}
    >>> shifted_tails({n: 1 for n in range(1, 101)} | {50: 2}, 100)
    {50: ('',)}
    """
    if not tails:
        return {}
    usual = Counter(tails.values()).most_common(1)[0][0] if 2 * len(tails) >= rows else 0
    return {
        number: ("",) * (count - usual)
        for number, count in tails.items()
        if usual < count <= usual + MOST_EXTRA
    }


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
