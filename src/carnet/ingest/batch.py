"""What every part of a batch write shares: the run's context, targets, history, helpers."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from carnet.clock import as_utc
from carnet.crypto import FieldCipher
from carnet.fields.phone import SOMEONE_ELSES
from carnet.ingest.rows import RowRecord
from carnet.model import ON_FILE
from carnet.organisation_links import Candidate
from carnet.store import schema as s
from carnet.store.bulk import bulk_insert, execute_many
from carnet.store.lookups import lacks_flag, one_of


@dataclass
class Outcome:
    """What became of one input row."""

    number: int
    outcome: str
    contact_id: int | None = None
    reason: str | None = None


@dataclass
class Target:
    """The person a row belongs to: an existing contact or a new one of this batch."""

    contact_id: int | None = None
    slot: int | None = None
    own: bool = False
    records: list[RowRecord] = field(default_factory=list)
    # True when this batch changed an existing contact (values, points, activity ...).
    changed: bool = False
    # The person's first name as far as the batch knows it (the stored contact's, else
    # that of its first row having one): rows sharing an email or phone join it only
    # when their first names agree.
    first_name: str | None = None
    # Likewise its birth date: a phone shared with a row born another day is a
    # household's line (a father and his son of the same name), not the same person.
    birth_date: date | None = None
    # And its last name: a row whose only name, in the first-name box, is this last
    # name ("DESCHAMPS" on a sign-up form) names no first name.
    last_name: str | None = None
    # And its sex, when a row or the contact says it (gender, or a civility's): M. and
    # Mme Claude Dupuis on one line and one family mailbox are two people.
    sex: str | None = None
    # And its generation, when a name's suffix says it (fields.name.suffix_generation):
    # Gérard Fleury fils and Gérard Fleury père on one line are two people.
    generation: str | None = None


class OrganisationIndex:
    """The organisations one import run has looked up or made, shared by its batches.

    Ids by SIRET and by SIREN (the first found), ids by name key (every active
    organisation, read once, on the first name to look up), and for the
    organisations a name-only match weighed: SIREN, legal form, places and mail
    domains.
    """

    def __init__(self) -> None:
        self.by_siret: dict[str, int] = {}
        self.by_siren: dict[str, int] = {}
        self.by_name: dict[str, list[int]] | None = None
        self.known: dict[int, Candidate] = {}


class BatchBase:
    """The context of one import run's batch writes (see :class:`BatchWriter`)."""

    def __init__(
        self,
        conn: Connection,
        *,
        import_id: int,
        source: str,
        source_id: int,
        now: datetime,
        secret: str | None,
        cipher: FieldCipher | None,
        actor: str,
        file_name: str,
        organisations: OrganisationIndex | None = None,
        dated_consent: str | None = "optin_newsletter",
        channel_purposes: Mapping[str, tuple[str, ...]] | None = None,
        suppression_list: str | None = None,
        unsuppressed: set[int] | None = None,
    ) -> None:
        self.conn = conn
        self.import_id = import_id
        self.source = source
        self.source_id = source_id
        self.now = now
        self.secret = secret
        self.cipher = cipher
        self.actor = actor
        self.file_name = file_name
        # The consent flag the file's opt-in and opt-out dates belong to (see
        # carnet.ingest.write_consent.dated_flag); None: they date no flag.
        self.dated_consent = dated_consent
        # The purposes a channel-wide opt-out withdraws, per channel (see
        # carnet.ingest.write_consent.channel_purposes); None: the default purposes'.
        self.channel_purposes = channel_purposes
        # What the file is when it is a list to suppress rather than customers
        # (carnet.ingest.write_suppressions.LISTS), else None.
        self.suppression_list = suppression_list
        # Contacts whose closed channel could not be suppressed for want of a secret (the
        # run warns of them), shared by its batches.
        self.unsuppressed = set() if unsuppressed is None else unsuppressed
        # The organisations the run has looked up or made, shared by its batches.
        self._orgs = OrganisationIndex() if organisations is None else organisations

    def _history(
        self,
        changes: Iterable[tuple[int | None, str, str | None, str | None, str | None]],
        *,
        entity: str = "contact",
    ) -> None:
        rows = [
            {
                "entity": entity,
                "entity_id": entity_id,
                "field": field_name,
                "old_value": old,
                "new_value": new,
                "source": self.source,
                "import_id": self.import_id,
                "reason": reason or f"import {self.import_id}",
                "actor": self.actor,
                "changed_at": self.now,
            }
            for entity_id, field_name, old, new, reason in changes
            if entity_id is not None
        ]
        if rows:
            bulk_insert(self.conn, s.history, rows)

    @property
    def suppression_source(self) -> str:
        """The ``source`` of the suppression entries this import adds."""
        return suppression_source(self.import_id, self.file_name)

    def _write_row_outcomes(
        self,
        records: Sequence[RowRecord],
        outcomes: Mapping[int, Outcome],
        *,
        without_raw: Collection[int] = (),
    ) -> None:
        """Store each row's outcome with its raw values (except rows in ``without_raw``)."""
        rows = []
        for r in records:
            outcome = outcomes[r.number]
            rows.append(
                {
                    "import_id": self.import_id,
                    "row_number": r.number,
                    "outcome": outcome.outcome,
                    "contact_id": outcome.contact_id,
                    "reason": outcome.reason,
                    "raw": None if r.number in without_raw else _jsonable(r.raw),
                }
            )
        if rows:
            bulk_insert(self.conn, s.import_rows, rows)

    def _touch_activity(self, latest: dict[int, datetime]) -> None:
        """Move each contact's last activity forward to ``latest[contact]`` (never back)."""
        if not latest:
            return
        c = s.contacts
        when = sa.bindparam("when", type_=c.c.last_activity.type)
        execute_many(
            self.conn,
            c.update()
            .where(
                c.c.id == sa.bindparam("cid"),
                sa.or_(c.c.last_activity.is_(None), c.c.last_activity < when),
            )
            .values(last_activity=when),
            [{"cid": cid, "when": moment} for cid, moment in latest.items()],
        )


    def _lookup_points(
        self, kind: str, values: set[str], *, own_only: bool = False
    ) -> dict[str, list[tuple[int, str | None, str | None, date | None]]]:
        """The contacts on file (active or deceased) holding each of these normalised
        values of a kind: (id, first name, last name, birth date), in id order.
        ``own_only`` leaves out a number held as someone else's ("portable de sa
        fille"): it names no one by itself."""
        cp, c = s.contact_points, s.contacts
        own = (
            lacks_flag(cp.c.flags, SOMEONE_ELSES)
            if own_only
            else sa.true()
        )
        found: dict[str, list[tuple[int, str | None, str | None, date | None]]]
        found = defaultdict(list)
        for chunk in chunks(sorted(values)):
            rows = self.conn.execute(
                sa.select(
                    cp.c.normalised, c.c.id, c.c.first_name, c.c.last_name, c.c.birth_date
                )
                .join(c, c.c.id == cp.c.contact_id)
                .where(
                    cp.c.kind == kind,
                    one_of(self.conn, cp.c.normalised, chunk),
                    # a deceased customer is the same person, not a new active twin
                    c.c.status.in_(ON_FILE),
                    own,
                )
                .order_by(c.c.id)
            )
            for normalised, contact_id, first_name, last_name, birth_date in rows:
                found[normalised].append((int(contact_id), first_name, last_name, birth_date))
        return found

def _jsonable(raw: dict[str, Any]) -> dict[str, Any]:
    # Readers give text, None and the list of extra cells: most rows need no copy.
    if _PLAIN_TYPES.issuperset(map(type, raw.values())):
        return raw
    return {k: (v if v is None or isinstance(v, str | list) else str(v)) for k, v in raw.items()}


_PLAIN_TYPES = frozenset({str, type(None), list})


def suppression_source(import_id: int, file_name: str) -> str:
    """The ``source`` of the suppression entries an import adds: it names the import, so
    that the run can count them and a reader see where an entry came from.

    >>> suppression_source(12, "desinscrits.csv")
    'import 12: desinscrits.csv'
    """
    return f"import {import_id}: {file_name}"[:200]


def is_new(target: Target) -> bool:
    return target.slot is not None


def later(a: Any, b: Any) -> bool:
    if isinstance(a, datetime) and isinstance(b, datetime):
        aa, bb = as_utc(a), as_utc(b)
        assert aa is not None and bb is not None
        return aa > bb
    return bool(a > b)


def moment_key(value: Any) -> str:
    if isinstance(value, datetime):
        moment = as_utc(value)
        assert moment is not None
        return moment.replace(microsecond=0).isoformat()
    return str(value)


def chunks(values: Sequence[Any], size: int = 900) -> Iterable[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]
