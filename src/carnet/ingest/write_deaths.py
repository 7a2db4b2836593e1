"""Recording the deaths a file marks: the contact becomes ``deceased``, with its proof.

A row that says the person died (:class:`carnet.ingest.rows.DeathMark`: a flag,
a date of death, a note, La Poste's return reason, a marker in a name cell) turns
its contact's status from ``active`` to ``deceased``. Nothing is deleted: the
contact keeps every value, point and consent event, and
:func:`carnet.consent.rules.decide` refuses them every message. The date of
death, when given, is the ``death_date`` attribute at the precision written
(``2021``, ``2021-03``, ``2021-03-14``); the history keeps the proof (file, row,
column, the cell as written).

A death is not undone by a file: a later row without a marker, or one that says
"Décédé : Non", leaves the contact deceased (an export's blank or "Non" is
rarely a correction). The run counts such rows and warns of them; a death
recorded by mistake is corrected by hand (``carnet contacts edit ID -s deceased=Non``,
:meth:`carnet.Carnet.update_contact`), and a death learnt by phone recorded so
(``-s deceased=Oui`` or ``-s death_date=03/2024``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from carnet.ingest.batch import BatchBase, Target, chunks
from carnet.ingest.rows import DeathMark, RowRecord
from carnet.model import ACTIVE, DECEASED
from carnet.store import schema as s
from carnet.store.lookups import one_of


@dataclass
class DeathTally:
    """What one import run did with deaths, shared by its batches.

    Attributes:
        recorded: contacts the run recorded deceased.
        already: contacts a row said died who were already recorded so.
        contradicted: rows saying a contact recorded deceased is alive ("Décédé : Non").
        contradiction_example: the first such row and the contact.
    """

    recorded: int = 0
    already: int = 0
    contradicted: int = 0
    contradiction_example: tuple[int, int] | None = None

    def to_dict(self) -> dict[str, int]:
        """Counts for the import's JSON summary."""
        return {
            "recorded": self.recorded,
            "already": self.already,
            "contradicted": self.contradicted,
        }

    def warning(self) -> str | None:
        """What to tell the user of rows contradicting a recorded death, else None."""
        if self.contradiction_example is None:
            return None
        row, contact_id = self.contradiction_example
        return (
            f"{self.contradicted:,} rows say a person recorded deceased is alive, e.g. row "
            f"{row} (contact {contact_id}). They stay deceased: a blank or 'Non' in an "
            "export is rarely a correction. Each row's note says so; if one is a mistake, "
            f"correct it by hand: carnet contacts edit {contact_id} -s deceased=Non "
            "--reason \"...\"."
        )


class DeathWriter(BatchBase):
    """Turns the batch's death marks into ``deceased`` contacts (see the module)."""

    def __init__(self, *args: Any, deaths: DeathTally | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.deaths = DeathTally() if deaths is None else deaths

    def _write_deaths(self, targets: list[Target]) -> None:
        told = [t for t in targets if t.contact_id is not None and _says_anything(t.records)]
        if not told:
            return
        c = s.contacts
        ids = sorted({t.contact_id for t in told if t.contact_id is not None})
        current: dict[int, tuple[str, dict[str, Any]]] = {}
        for chunk in chunks(ids):
            for contact_id, status, attributes in self.conn.execute(
                sa.select(c.c.id, c.c.status, c.c.attributes).where(
                    one_of(self.conn, c.c.id, chunk)
                )
            ):
                current[int(contact_id)] = (status, dict(attributes or {}))
        history: list[tuple[int | None, str, str | None, str | None, str | None]] = []
        for target in told:
            assert target.contact_id is not None
            status, attributes = current[target.contact_id]
            marks = [(r, m) for r in target.records for m in r.deaths]
            if marks and status in (ACTIVE, DECEASED):
                history.extend(self._record_death(target, status, attributes, marks))
                status = DECEASED
            if status == DECEASED:
                self._count_denials(target)
        if history:
            self._history(history)

    def _record_death(
        self,
        target: Target,
        status: str,
        attributes: dict[str, Any],
        marks: list[tuple[RowRecord, DeathMark]],
    ) -> list[tuple[int | None, str, str | None, str | None, str | None]]:
        """Set the contact deceased (and its date of death when it has none); returns the
        history rows, each with the row that proves it."""
        record, mark = marks[0]
        dated = next(((r, m) for r, m in marks if m.date), None)
        values: dict[str, Any] = {}
        history: list[tuple[int | None, str, str | None, str | None, str | None]] = []
        if status == ACTIVE:
            values["status"] = DECEASED
            history.append(
                (target.contact_id, "status", ACTIVE, DECEASED, self._proof(record, mark))
            )
            self.deaths.recorded += 1
        else:
            self.deaths.already += 1
        if dated is not None and not attributes.get("death_date"):
            values["attributes"] = {**attributes, "death_date": dated[1].date}
            history.append(
                (target.contact_id, "death_date", None, dated[1].date, self._proof(*dated))
            )
        if values:
            c = s.contacts
            self.conn.execute(
                c.update()
                .where(c.c.id == target.contact_id)
                .values(**values, updated_at=self.now)
            )
            target.changed = True
        return history

    def _count_denials(self, target: Target) -> None:
        for record in target.records:
            if record.death_denied is None or record.deaths:
                continue
            self.deaths.contradicted += 1
            if self.deaths.contradiction_example is None:
                assert target.contact_id is not None
                self.deaths.contradiction_example = (record.number, target.contact_id)
            record.notes.append(
                f"'{record.death_denied}' says the person is alive, but their death is "
                "recorded: they stay deceased"
            )

    def _proof(self, record: RowRecord, mark: DeathMark) -> str:
        """The proof of a death as the history keeps it: file, row, column, cell."""
        return (
            f"death: {self.file_name} row {record.number}, column '{mark.written_in}': "
            f"{mark.raw!r}"
        )[:500]


def _says_anything(records: list[RowRecord]) -> bool:
    return any(r.deaths or r.death_denied for r in records)
