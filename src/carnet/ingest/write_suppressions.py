"""What an import does with the suppression list.

- **Rows already on the list.** The list closes channels, not the customer file:
  :func:`carnet.consent.rules.may_contact` refuses every listed address whatever a
  file says, so the row of a customer who unsubscribed, bounced or complained is
  imported (the shop's next export still brings their orders), with a note. Left
  out (``suppressed``) are the rows of a person who was erased or whom the
  retention rule removed (``erased``, ``expired``: they must not come back), and
  those of an unknown prospect whose address is listed and who brings no order:
  the workspace has no reason to keep what they were asked to stop receiving.
  A row carrying the person's own double opt-in, confirmed after an unsubscribe
  (Mailchimp's ``CONFIRM_TIME`` later than the entry's date), lifts the
  unsubscribe, as a confirmation through carnet's own form does
  (:meth:`carnet.Carnet.confirm_signup`). A later plain "oui" does not lift it;
  nothing in a file lifts a bounce, a complaint, an erasure or a retention expiry.
- **Bounces in a file.** A hard-bounce date (Mailchimp's ``CLEAN_TIME``) marks the
  row's e-mail ``bounced`` and suppresses it as ``hard_bounce``, dated then, as
  bounce processing does (:func:`carnet.consent.suppression.record_bounces`).
- **A list declared as such** (``carnet import FILE --as unsubscribes``, ``bounces``
  or ``complaints``): :class:`SuppressionListWriter`. Nothing guesses that a file is
  such a list, not even its name: the user says so.

Every entry an import adds names the import in its ``source`` (``import 12:
desinscrits.csv``), so that the run can count them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import NamedTuple

import sqlalchemy as sa

from carnet.consent import ledger, suppression
from carnet.errors import ConfigError, InvalidValueError
from carnet.fields.verdict import Status
from carnet.ingest.batch import BatchBase, Outcome, Target, chunks, later
from carnet.ingest.rows import RowRecord
from carnet.ingest.write_consent import (
    CHANNEL_OPT_OUTS,
    CONSENT_FLAGS,
    ConsentWriter,
    Proposed,
)
from carnet.privacy import audit
from carnet.store import schema as s
from carnet.store.lookups import one_of

#: The lists a user can declare a file to be, and the suppression reason of their values.
LISTS: dict[str, str] = {
    "unsubscribes": "unsubscribed",
    "bounces": "hard_bounce",
    "complaints": "complaint",
}
#: How the withdrawals of a list's people are described in their proof.
_VIA = {"unsubscribed": "unsubscribe list", "complaint": "complaint list"}
#: The opposition field a list's withdrawal on a channel stands for (so that an older
#: undated "oui" does not reopen it, as for an opposition column).
_OPT_OUT_OF = {
    channel: column
    for column, channels in CHANNEL_OPT_OUTS.items()
    if len(channels) == 1
    for channel in channels
}
_LABELS = {"email": "e-mail", "phone": "phone"}
#: Reasons whose people an import leaves out: they asked to be forgotten, or the
#: retention rule removed them.
LEFT_OUT: frozenset[str] = frozenset({"erased", "expired"})


def _listed_note(entry: suppression.Suppression) -> str:
    """What a row's note says of one of its listed values."""
    return (
        f"{_LABELS[entry.kind]} on the suppression list ({entry.reason.replace('_', ' ')}) "
        f"since {entry.created_at.date().isoformat()}: never contacted there"
    )


class _Withdrawals(NamedTuple):
    """The withdrawals a batch of a list proposed, and those new to the ledger."""

    proposed: list[ledger.ConsentEventIn]
    recorded: list[ledger.ConsentEventIn]


def list_reason(name: str) -> str:
    """The suppression reason of a declared list's values.

    >>> list_reason("bounces")
    'hard_bounce'

    Raises:
        InvalidValueError: when ``name`` is not a list carnet knows.
    """
    if name not in LISTS:
        raise InvalidValueError(
            f"A list to suppress is {', '.join(repr(k) for k in LISTS)}, not '{name}'."
        )
    return LISTS[name]


class SuppressionWriter(BatchBase):
    """The suppression list's part in an ordinary import (see the module docstring)."""

    def _drop_suppressed(
        self, records: list[RowRecord], outcomes: dict[int, Outcome]
    ) -> list[RowRecord]:
        """Account suppressed rows as such; return the rows to import."""
        emails = {e for r in records for e in r.usable_emails}
        phones = {p for r in records for p in r.usable_phones}
        if not emails and not phones:
            return records
        # An empty list blocks nothing: skip hashing every email and phone of the batch.
        if self.conn.execute(sa.select(s.suppressions.c.id).limit(1)).first() is None:
            return records
        if self.secret is None:
            raise ConfigError(
                "The suppression list cannot be checked without CARNET_SECRET_KEY; set it to "
                "the workspace's key before importing."
            )
        found = {
            **suppression.suppression_records(self.conn, "email", emails, self.secret),
            **suppression.suppression_records(self.conn, "phone", phones, self.secret),
        }
        if not found:
            return records
        # A listed value is a customer's when an active contact holds it or a row of
        # the batch brings an order with it.
        customers = self._held_by_contacts(found) | {
            v
            for r in records
            if r.order
            for v in (*r.usable_emails, *r.usable_phones)
            if v in found
        }
        kept = []
        lifted = 0
        for record in records:
            hits = {
                v: found[v] for v in (*record.usable_emails, *record.usable_phones) if v in found
            }
            if hits and self._lift_for_reoptin(record, hits):
                lifted += len(hits)
                hits = {}
            if not hits:
                kept.append(record)
                continue
            gone = sorted({entry.reason for entry in hits.values()} & LEFT_OUT)
            if gone:
                reason = (
                    f"on the suppression list ({', '.join(gone)}): the person was removed "
                    "from the workspace and is not imported again"
                )
            elif any(v in customers for v in hits):
                record.notes.extend(_listed_note(entry) for entry in hits.values())
                kept.append(record)
                continue
            else:
                labels = " and ".join(sorted({_LABELS[e.kind] for e in hits.values()}))
                why = ", ".join(sorted({e.reason.replace("_", " ") for e in hits.values()}))
                reason = (
                    f"a new prospect whose {labels} is on the suppression list ({why}) "
                    "and who brings no order: not imported"
                )
            outcomes[record.number] = Outcome(record.number, "suppressed", reason=reason)
        if lifted:
            audit.write(self.conn, actor=self.actor, action="suppress", entity="import",
                        entity_id=self.import_id, count=lifted,
                        details={"lifted": "unsubscribed", "file": self.file_name,
                                 "why": "double opt-in confirmed after the unsubscribe"})
        return kept

    def _held_by_contacts(self, found: Mapping[str, suppression.Suppression]) -> set[str]:
        """The listed values an active contact of the workspace holds."""
        held: set[str] = set()
        for kind in suppression.KINDS:
            held.update(self._lookup_points(kind, {v for v, e in found.items() if e.kind == kind}))
        return held

    def _lift_for_reoptin(
        self, record: RowRecord, hits: Mapping[str, suppression.Suppression]
    ) -> bool:
        """Lift the row's unsubscribed e-mails when its double opt-in was confirmed after
        every one of them; True when it did."""
        confirmed = confirmed_reoptin(record, self.dated_consent)
        if confirmed is None:
            return False
        if any(
            entry.kind != "email"
            or entry.reason != "unsubscribed"
            or not later(confirmed, entry.created_at)
            for entry in hits.values()
        ):
            return False
        assert self.secret is not None
        for value in hits:
            suppression.lift(self.conn, "email", value, self.secret, ("unsubscribed",))
        since = min(entry.created_at for entry in hits.values())
        record.notes.append(
            f"double opt-in confirmed {confirmed.date().isoformat()}, after the unsubscribe of "
            f"{since.date().isoformat()}: the e-mail is no longer suppressed"
        )
        return True

    def _write_bounces(self, targets: list[Target]) -> None:
        """A row's hard-bounce date marks its e-mail bounced and suppresses it."""
        dated: dict[str, datetime] = {}
        bouncing = [
            r for t in targets if t.contact_id is not None for r in t.records
            if self._bounced_at(r) is not None
        ]
        # A bounce already listed (the same file imported again) is no news.
        listed = (
            suppression.suppression_records(
                self.conn, "email", {e for r in bouncing for e in r.usable_emails}, self.secret
            )
            if bouncing and self.secret is not None
            else {}
        )
        known_bounces: set[str] = set()
        for target in targets:
            if target.contact_id is None:
                continue
            for record in target.records:
                when = self._bounced_at(record)
                if when is None:
                    continue
                emails = record.usable_emails
                if len(emails) == 1 and getattr(listed.get(emails[0]), "reason", None) == (
                    "hard_bounce"
                ):
                    known_bounces.add(emails[0])
                    continue
                if len(emails) != 1:
                    record.notes.append(
                        "a hard-bounce date, but "
                        + ("no usable e-mail" if not emails else
                           f"{len(emails)} e-mails and nothing says which one bounced")
                        + ": none marked bounced"
                    )
                    continue
                dated[emails[0]] = min(dated.get(emails[0], when), when)
                record.notes.append(
                    f"e-mail hard bounced {when.date().isoformat()}: marked bounced, suppressed"
                )
                target.changed = True
        # (a point new to the workspace that holds a listed bounce is marked too)
        suppression.mark_bounced(self.conn, "email", known_bounces)
        if dated and self.secret is None:
            # no key for the list: the addresses are marked bounced (no campaign is sent
            # to them) and the run tells the user to set the key
            suppression.mark_bounced(self.conn, "email", dated)
            self.unsuppressed.update(
                t.contact_id for t in targets if t.contact_id is not None
                and any(e in dated for r in t.records for e in r.usable_emails)
            )
        elif dated:
            suppression.record_bounces(
                self.conn, "email", dated, self.secret, self.suppression_source
            )


    def _bounced_at(self, record: RowRecord) -> datetime | None:
        """When the row's e-mail hard bounced: its bounce date, or the import's moment for
        a member status that says so without a date (Mailchimp's "cleaned")."""
        when = record.consent.get("bounced_at")
        if isinstance(when, datetime):
            return when
        return self.now if record.consent.get("bounced") else None


def confirmed_reoptin(record: RowRecord, dated_consent: str | None) -> datetime | None:
    """When the row's double opt-in to an e-mail purpose was confirmed, or None.

    Only a confirmation the file dates counts, on a row that says nothing against it
    (no e-mail opposition, no "non", no later unsubscribe date).
    """
    if dated_consent is None or CONSENT_FLAGS[dated_consent][1] != "email":
        return None
    consent = record.consent
    if any(consent.get(column) for column, chs in CHANNEL_OPT_OUTS.items() if "email" in chs):
        return None
    if consent.get(dated_consent) is False or consent.get("optin_confirmed") is False:
        return None
    if consent.get("optout_newsletter"):
        return None
    moment = consent.get("optin_confirmed_at")
    if moment is None and consent.get("optin_confirmed"):
        moment = consent.get("optin_date")
    if not isinstance(moment, datetime):
        return None
    withdrawn = consent.get("optout_date")
    if isinstance(withdrawn, datetime) and not later(moment, withdrawn):
        return None
    return moment


class SuppressionListWriter(ConsentWriter):
    """Writes a batch of a declared list of unsubscribes, bounces or complaints.

    Each row's e-mails and phones go on the suppression list with the list's reason,
    dated by the row's date (a bounce, opt-out or plain date column; the import's
    time when there is none). No contact is created: the list keeps a keyed hash,
    which is how one lawfully remembers an address not to contact without keeping
    it. The contacts holding a listed value:

    - of an unsubscribe or complaint list, have every purpose of the value's channels
      withdrawn (e-mail; SMS and phone for a phone number), with the file and row as
      proof. An unsubscribe then follows the rule of every withdrawal
      (:func:`carnet.consent.suppression.suppress_closed_channels`): a person whose
      double opt-in was confirmed after the row's date is not suppressed (the row
      says why); a plain "oui" recorded since does not count;
    - of a bounce list, have the address marked ``bounced``; a bounce is nobody's
      withdrawal, the ledger is not touched.

    Outcomes: ``suppressed`` (the values are on the list, new or already),
    ``unchanged`` (not suppressed, with the reason), ``rejected`` (no usable e-mail
    or phone: the invalid values are reported, never dropped). The row's values are
    kept in ``import_rows`` only when a contact already holds them.
    """

    def write(self, records: Sequence[RowRecord]) -> list[Outcome]:
        """Write one batch; returns one outcome per record, in order."""
        assert self.suppression_list is not None
        reason = list_reason(self.suppression_list)
        secret = suppression.require_secret(self.secret)
        outcomes: dict[int, Outcome] = {}
        rows: list[tuple[RowRecord, list[tuple[str, str]], datetime, bool]] = []
        for record in records:
            values = [("email", e) for e in record.usable_emails]
            values += [("phone", p) for p in record.usable_phones]
            if record.error:
                outcomes[record.number] = Outcome(
                    record.number, "rejected", reason=f"unreadable row: {record.error}"
                )
            elif not values:
                outcomes[record.number] = Outcome(
                    record.number, "rejected", reason=_nothing_to_suppress(record)
                )
            else:
                when, dated = self._row_date(record)
                rows.append((record, values, when, dated))
        wanted: dict[str, set[str]] = {kind: set() for kind in suppression.KINDS}
        for _, values, _, _ in rows:
            for kind, value in values:
                wanted[kind].add(value)
        before = {
            kind: suppression.suppression_records(self.conn, kind, found, secret)
            for kind, found in wanted.items()
        }
        holders = {kind: self._holders(kind, found) for kind, found in wanted.items()}
        withdrawals = self._withdraw(rows, holders, reason)
        self._suppress(rows, holders, reason, withdrawals)
        after = {
            kind: suppression.suppression_records(self.conn, kind, found, secret)
            for kind, found in wanted.items()
        }
        withdrawn_for: dict[int, set[int]] = defaultdict(set)
        for event in withdrawals.recorded:
            assert event.contact_id is not None
            withdrawn_for[int(event.proof["row"])].add(event.contact_id)
        unheld: set[int] = set()
        for record, values, when, dated in rows:
            held = sorted({cid for kind, v in values for cid in holders[kind].get(v, ())})
            if not held:
                unheld.add(record.number)
            parts = [
                self._value_fate(kind, value, when, before[kind], after[kind])
                for kind, value in values
            ]
            if record.number in withdrawn_for:
                who = _contacts(sorted(withdrawn_for[record.number]))
                channels = sorted({ch for kind, _ in values
                                   for ch in suppression.CHANNELS_OF_KIND[kind]})
                parts.append(f"consent by {', '.join(channels)} withdrawn for {who}")
            elif held and reason == "hard_bounce" and any(k == "email" for k, _ in values):
                parts.append(f"e-mail marked bounced for {_contacts(held)}")
            parts.extend(_invalid_values(record))
            parts.extend(record.notes)
            if not dated:
                parts.append("no date in the row: dated at the import")
            on_list = any(value in after[kind] for kind, value in values)
            outcomes[record.number] = Outcome(
                record.number,
                "suppressed" if on_list else "unchanged",
                held[0] if held else None,
                "; ".join(parts),
            )
        self._write_row_outcomes(records, outcomes, without_raw=unheld)
        return [outcomes[r.number] for r in records]

    def _row_date(self, record: RowRecord) -> tuple[datetime, bool]:
        """The row's date (when the address bounced, unsubscribed, complained), and
        whether the file gave it; a date yet to come is the import's, with a note."""
        for found in (
            record.consent.get("bounced_at"),
            record.consent.get("optout_date"),
            record.events.get("activity_date"),
        ):
            if isinstance(found, datetime):
                if later(found, self.now):
                    record.notes.append(
                        f"its date {found.date().isoformat()} is yet to come: dated at the import"
                    )
                    return self.now, True
                return found, True
        return self.now, False

    def _holders(self, kind: str, values: set[str]) -> dict[str, list[int]]:
        """The active contacts holding each value."""
        cp, c = s.contact_points, s.contacts
        found: dict[str, list[int]] = defaultdict(list)
        for chunk in chunks(sorted(values)):
            for value, contact_id in self.conn.execute(
                sa.select(cp.c.normalised, cp.c.contact_id)
                .join(c, c.c.id == cp.c.contact_id)
                .where(
                    cp.c.kind == kind,
                    one_of(self.conn, cp.c.normalised, chunk),
                    c.c.status == "active",
                )
                .distinct()
                .order_by(cp.c.contact_id)
            ):
                if int(contact_id) not in found[value]:
                    found[value].append(int(contact_id))
        return found

    def _withdraw(
        self,
        rows: list[tuple[RowRecord, list[tuple[str, str]], datetime, bool]],
        holders: Mapping[str, Mapping[str, list[int]]],
        reason: str,
    ) -> _Withdrawals:
        """Every purpose of a listed value's channels withdrawn for the contacts holding it
        (not for a bounce, which is nobody's withdrawal)."""
        if reason not in _VIA:
            return _Withdrawals([], [])
        proposed: list[Proposed] = []
        for record, values, when, dated in rows:
            proof = {
                "via": _VIA[reason],
                "import_id": self.import_id,
                "source_file": self.file_name,
                "row": record.number,
                "source": self.source,
                "operator": self.actor,
            }
            for kind, value in values:
                for contact_id in holders[kind].get(value, ()):
                    for channel in suppression.CHANNELS_OF_KIND[kind]:
                        for purpose in self._purposes_on(channel):
                            event = ledger.ConsentEventIn(
                                contact_id, purpose, channel, "withdrawn", "consent", when,
                                {**proof, "field": _OPT_OUT_OF[channel]},
                            )
                            proposed.append(Proposed(event, dated, opposes=True))
        events = self._new_consent_only(proposed) if proposed else []
        if events:
            ledger.append_events(self.conn, events, recorded_at=self.now)
        return _Withdrawals([p.event for p in proposed], events)

    def _suppress(
        self,
        rows: list[tuple[RowRecord, list[tuple[str, str]], datetime, bool]],
        holders: Mapping[str, Mapping[str, list[int]]],
        reason: str,
        withdrawals: _Withdrawals,
    ) -> None:
        dated: dict[str, dict[str, datetime]] = {kind: {} for kind in suppression.KINDS}
        for _, values, when, _ in rows:
            for kind, value in values:
                known = dated[kind].get(value)
                dated[kind][value] = when if known is None else min(known, when)
        source = self.suppression_source
        for kind, listed in dated.items():
            if not listed:
                continue
            if reason == "unsubscribed":
                # A contact's unsubscribe follows the rule of every withdrawal (below);
                # an address nobody holds is simply remembered.
                unheld = {v: w for v, w in listed.items() if not holders[kind].get(v)}
                if unheld:
                    suppression.suppress_dated(
                        self.conn, kind, unheld, reason,
                        suppression.require_secret(self.secret), source,
                    )
            else:
                suppression.record_bounces(
                    self.conn, kind, listed, self.secret, source,
                    complaint=reason == "complaint",
                )
        # the channels the list closed, as any withdrawal closes them
        self._suppress_closed_channels(withdrawals.proposed)

    @staticmethod
    def _value_fate(
        kind: str,
        value: str,
        when: datetime,
        before: Mapping[str, suppression.Suppression],
        after: Mapping[str, suppression.Suppression],
    ) -> str:
        """What became of one listed value, in words (without the value)."""
        label = _LABELS[kind]
        entry = after.get(value)
        if entry is None:
            return (
                f"{label} not suppressed: its holder confirmed a double opt-in after "
                f"{when.date().isoformat()}, which lifts an unsubscribe"
            )
        words = f"{entry.reason.replace('_', ' ')} since {entry.created_at.date().isoformat()}"
        if value in before:
            return f"{label} already on the suppression list ({words})"
        return f"{label} added to the suppression list ({words})"


def _contacts(ids: Sequence[int]) -> str:
    return ("contact " if len(ids) == 1 else "contacts ") + ", ".join(map(str, ids))


def _invalid_values(record: RowRecord) -> list[str]:
    """The row's e-mails and phones that are not valid, in words (without the value)."""
    return [
        f"{_LABELS[p.kind]} not valid ({'; '.join(p.verdict.reasons) or 'invalid'}): "
        "not suppressed"
        for p in record.points
        if p.kind in _LABELS and p.verdict.status is Status.INVALID
    ]


def _nothing_to_suppress(record: RowRecord) -> str:
    """Why a row of a list has nothing to suppress."""
    bad = [
        f"{_LABELS[p.kind]} not valid ({'; '.join(p.verdict.reasons) or 'invalid'})"
        for p in record.points
        if p.kind in _LABELS and p.verdict.status is Status.INVALID
    ]
    return "no usable e-mail or phone to suppress" + (f": {', '.join(bad)}" if bad else "")


__all__ = [
    "LISTS",
    "SuppressionListWriter",
    "SuppressionWriter",
    "confirmed_reoptin",
    "list_reason",
]
