"""Consent events from imported consent columns, with the file and row as proof.

A column that closes a channel ("BLACKLISTED", "STOP SMS", "Ne pas contacter")
withdraws every purpose of the channel and then does what any such withdrawal does
(:func:`carnet.consent.suppression.suppress_closed_channels`): when the ledger
allows the person nothing more on the channel, their e-mails or phones go on the
suppression list. A withdrawal of one purpose ("Newsletter: non") suppresses nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import datetime
from typing import Any, NamedTuple

import sqlalchemy as sa

from carnet.consent import ledger, suppression
from carnet.consent.purposes import DEFAULT_PURPOSES, Purpose
from carnet.ingest.batch import BatchBase, Target, chunks, is_new, later, moment_key
from carnet.ingest.rows import NOTED_OPPOSITIONS, RowRecord
from carnet.store import schema as s
from carnet.store.lookups import one_of

#: Consent flag columns (catalog fields) and the purpose and channel each one records.
CONSENT_FLAGS: dict[str, tuple[str, str]] = {
    "optin_newsletter": ("newsletter", "email"),
    "optin_offers": ("offers", "email"),
    "optin_sms": ("offers", "sms"),
    "optin_phone": ("offers", "phone"),
    "optin_post": ("offers", "post"),
    "optin_partners": ("partners", "email"),
}

#: Opposition columns ("STOP SMS", "Bloctel", "Ne pas contacter") and the channels
#: each one closes: every purpose of :data:`CONSENT_FLAGS` on those channels is
#: withdrawn, whether or not the person had consented (an objection is evidence;
#: the "non" of an opt-in column for someone who never consented is not).
CHANNEL_OPT_OUTS: dict[str, tuple[str, ...]] = {
    "optout_email": ("email",),
    "optout_sms": ("sms",),
    "optout_phone": ("phone",),
    "optout_post": ("post",),
    "optout_all": ("email", "sms", "phone", "post"),
}


def channel_purposes(purposes: Iterable[Purpose] = DEFAULT_PURPOSES) -> dict[str, tuple[str, ...]]:
    """The purposes a channel-wide opt-out withdraws, per channel: every purpose the
    workspace offers on it (as :meth:`carnet.Carnet.withdraw_consent` does for "every
    purpose"), and those the consent columns record there.

    >>> channel_purposes()["sms"]
    ('offers', 'sms_alerts')
    >>> channel_purposes()["email"]
    ('newsletter', 'offers', 'partners', 'profiling')
    """
    out: dict[str, list[str]] = {}
    for purpose in purposes:
        for channel in purpose.channels:
            out.setdefault(channel, []).append(purpose.name)
    for purpose_name, channel in CONSENT_FLAGS.values():
        names = out.setdefault(channel, [])
        if purpose_name not in names:
            names.append(purpose_name)
    return {channel: tuple(names) for channel, names in out.items()}


def dated_flag(fields: Iterable[str]) -> str | None:
    """The flag a file's consent dates belong to, from the fields its columns map to.

    The newsletter flag when the file has it, or when it has no flag at all (a list
    of opt-in dates is a newsletter list) — unless the file has phone numbers and no
    e-mail: an SMS provider's list of dates ("Numéro; Date de désinscription", its STOP
    list) is about SMS, not about an e-mail nobody gave. The file's only flag
    otherwise. With several flags and no newsletter one, nothing says which the dates
    belong to: None, and the flags are recorded as of the import.

    >>> dated_flag(["email", "optin_sms", "optin_date"])
    'optin_sms'
    >>> dated_flag(["email", "optin_date"])
    'optin_newsletter'
    >>> dated_flag(["mobile", "optout_date"])
    'optin_sms'
    >>> dated_flag(["optin_sms", "optin_post", "optin_date"]) is None
    True
    """
    present = set(fields)
    flags = [f for f in CONSENT_FLAGS if f in present]
    if not flags and "email" not in present and present & {"phone", "mobile"}:
        return "optin_sms"
    if "optin_newsletter" in flags or not flags:
        return "optin_newsletter"
    return flags[0] if len(flags) == 1 else None


class Proposed(NamedTuple):
    """A consent event a row proposes, before the ledger is read."""

    event: ledger.ConsentEventIn
    dated: bool  # the file gives its moment
    opposes: bool = False  # from an opposition column (CHANNEL_OPT_OUTS)


class ConsentWriter(BatchBase):
    """Turns a batch's consent columns into ledger events, skipping what is known."""

    def _write_consent(self, targets: list[Target]) -> None:
        proposed: list[Proposed] = []
        for target in targets:
            if target.contact_id is None:
                continue
            for record in target.records:
                if record.consent:
                    proposed.extend(self._consent_events(record, target.contact_id))
        if not proposed:
            return
        events = self._new_consent_only(proposed)
        if events:
            ledger.append_events(self.conn, events, recorded_at=self.now)
            changed = {e.contact_id for e in events}
            for target in targets:
                if target.contact_id in changed and not is_new(target):
                    target.changed = True
        # Every closing the file says, recorded now or by an earlier import: the list
        # follows the ledger, so an entry missing from an older import is made now.
        self._suppress_closed_channels(p.event for p in proposed if p.opposes)

    def _purposes_on(self, channel: str) -> tuple[str, ...]:
        """The purposes a channel-wide opt-out withdraws on ``channel``."""
        return (self.channel_purposes or _DEFAULT_CHANNEL_PURPOSES).get(channel, ())

    def _suppress_closed_channels(self, withdrawals: Iterable[ledger.ConsentEventIn]) -> None:
        """Apply the rule of every withdrawal to the channels the rows closed."""
        closed: dict[str, dict[int, datetime]] = {}
        for event in withdrawals:
            assert event.contact_id is not None
            contacts = closed.setdefault(event.channel, {})
            when = contacts.get(event.contact_id)
            # closed since its latest closing: a re-consent between two would reopen it
            if when is None or later(event.occurred_at, when):
                contacts[event.contact_id] = event.occurred_at
        for channel, contacts in closed.items():
            if self.secret is None:
                # without the list's key the withdrawals still stand (the ledger keeps
                # every campaign away); the run tells the user to set the key
                if channel in suppression.KIND_OF_CHANNEL:
                    self.unsuppressed.update(contacts)
                continue
            suppression.suppress_closed_channels(
                self.conn, contacts, channel, self.secret, self.suppression_source
            )

    def _consent_events(self, record: RowRecord, contact_id: int) -> list[Proposed]:
        """The row's consent facts, each with whether the file dated it."""
        consent = record.consent
        proof = {
            # The keys carnet.consent.rules reads to explain a decision.
            "via": "import",
            "import_id": self.import_id,
            "source_file": self.file_name,
            "row": record.number,
            "source": self.source,
            "operator": self.actor,
        }
        if consent.get("optin_source"):
            proof["form"] = consent["optin_source"]
        out: list[Proposed] = []
        # The row's own moment (a form's "Horodateur", the answer's date) dates what the
        # row says when no consent column gives a date of its own: the proof of when it
        # was given. The order's or registration's date dates a question answered with
        # it ("Would you like to receive our newsletter?"), not a flag an export gives as
        # it stands on the export's day (Shopify's "Accepts Marketing" on every order).
        answer_field, answer_moment = _row_moment(record)

        def propose(
            purpose: str, channel: str, action: str, when: datetime | None, field: str,
            opposes: bool = False, own_proof: Mapping[str, object] | None = None,
        ) -> None:
            dated_by: dict[str, str | None] = {}
            row_field, row_moment = answer_field, answer_moment
            if row_field in _ANSWERED_ONLY and field not in record.answered:
                row_field, row_moment = None, None
            if when is None and row_moment is not None:
                when, dated_by = row_moment, {"dated_by": row_field}
            event = ledger.ConsentEventIn(
                contact_id=contact_id,
                purpose=purpose,
                channel=channel,
                action=action,
                legal_basis="consent",
                occurred_at=when or self.now,
                proof={**proof, **(own_proof or {}), "field": field, **dated_by},
            )
            out.append(Proposed(event, when is not None, opposes))

        def add(
            flag: str, action: str, when: datetime | None,
            own_proof: Mapping[str, object] | None = None,
        ) -> None:
            purpose, channel = CONSENT_FLAGS[flag]
            propose(purpose, channel, action, when, flag, own_proof=own_proof)

        closed: dict[str, str] = {}  # channel -> the opposition column that closes it
        for column, channels in CHANNEL_OPT_OUTS.items():
            if consent.get(column):
                for channel in channels:
                    closed.setdefault(channel, column)
        for channel, column in closed.items():
            # The row's opposition is its last word on the channel, for every purpose.
            for purpose in self._purposes_on(channel):
                propose(purpose, channel, "withdrawn", consent.get("optout_date"), column, True)
        # refusals in words (a phone cell's "ne pas appeler", a note's "pas de SMS"): an
        # opposition as of the row's moment or the import (the file's opt-out date is some
        # other column's); the proof says which cell said it
        noted: dict[str, dict[str, str]] = consent.get(NOTED_OPPOSITIONS) or {}
        for about, where in noted.items():
            if about == "newsletter":
                continue
            flag = "optout_all" if about == "all" else f"optout_{about}"
            for channel in CHANNEL_OPT_OUTS[flag]:
                if channel in closed:
                    continue
                closed[channel] = flag
                for purpose in self._purposes_on(channel):
                    propose(purpose, channel, "withdrawn", None, flag, True, own_proof=where)
        # the newsletter alone, when e-mail is still open: the note's refusal wins over
        # the row's own "Newsletter: oui"
        refused_newsletter = "newsletter" in noted and "email" not in closed
        if refused_newsletter:
            purpose, channel = CONSENT_FLAGS["optin_newsletter"]
            propose(purpose, channel, "withdrawn", None, "optout_newsletter", True,
                    own_proof=noted["newsletter"])
        for flag, (_, channel) in CONSENT_FLAGS.items():
            if channel in closed or (refused_newsletter and flag == "optin_newsletter"):
                continue
            granted = consent.get(flag)
            # "Désabonné: oui" says the opposite of the newsletter opt-in, and says it last.
            unsubscribed = flag == "optin_newsletter" and bool(consent.get("optout_newsletter"))
            if flag != self.dated_consent:
                if unsubscribed:
                    granted = False
                if granted is not None:
                    add(flag, "granted" if granted else "withdrawn", None)
                continue
            # a confirmation time with no yes/no column of its own (Mailchimp's CONFIRM_TIME)
            # says the double opt-in was confirmed then
            confirmed = consent.get("optin_confirmed")
            if confirmed is None and consent.get("optin_confirmed_at"):
                confirmed = True
            if granted is None and (consent.get("optin_date") or confirmed):
                granted = True
            # A grant is no later than its confirmation (Mailchimp gives CONFIRM_TIME
            # alone for the members it imported).
            granted_at = consent.get("optin_date") or consent.get("optin_confirmed_at")
            if granted_at is None and (unsubscribed or consent.get("optout_date")):
                # An undated grant beside a withdrawal: only the latter. Dated by the
                # import, the grant would come after the withdrawal and reopen it.
                granted = False
            if granted:
                add(flag, "granted", granted_at)
                if confirmed:
                    # the confirmation's proof is where it was clicked from (CONFIRM_IP)
                    confirmed_ip = consent.get("optin_confirmed_ip")
                    add(
                        flag,
                        "confirmed",
                        consent.get("optin_confirmed_at") or consent.get("optin_date"),
                        {"ip": confirmed_ip} if confirmed_ip else None,
                    )
            if consent.get("optout_date"):
                add(flag, "withdrawn", consent["optout_date"])
            elif granted is False or unsubscribed:
                add(flag, "withdrawn", None)
        return _with_ip(out, consent.get("optin_ip"))

    def _new_consent_only(self, proposed: list[Proposed]) -> list[ledger.ConsentEventIn]:
        """Keep only what the ledger does not already say, so re-imports add nothing.

        A dated fact is new unless the same action at the same moment is recorded; an
        undated one ("Optin: oui" in a shop export) is new only when it changes the
        current state. An undated "no" for someone who never consented records nothing:
        there is nothing to withdraw; a dated opt-out is always evidence worth keeping,
        and so is an opposition ("STOP SMS: oui"), unless the channel is already
        withdrawn. Each purpose and channel has its own state.
        """
        ce = s.consent_events
        ids = sorted({p.event.contact_id for p in proposed if p.event.contact_id is not None})
        purposes = sorted({p.event.purpose for p in proposed})
        channels = sorted({p.event.channel for p in proposed})
        known: set[tuple[int, str, str, str, str]] = set()
        state: dict[tuple[int, str, str], str] = {}
        # subjects whose last word is an opposition or a dated withdrawal (an unsubscribe
        # link's click, Mailchimp's UNSUB_TIME): an undated "oui" (a shop export of
        # unknown age) is no proof of a consent given since, and does not reopen them
        opposed: set[tuple[int, str, str]] = set()
        for chunk in chunks(ids):
            for r in self.conn.execute(
                sa.select(
                    ce.c.contact_id,
                    ce.c.purpose,
                    ce.c.channel,
                    ce.c.action,
                    ce.c.occurred_at,
                    ce.c.recorded_at,
                    sa.case((ce.c.action == "withdrawn", ce.c.proof), else_=None).label("proof"),
                )
                .where(
                    one_of(self.conn, ce.c.contact_id, chunk),
                    ce.c.purpose.in_(purposes),
                    ce.c.channel.in_(channels),
                )
                .order_by(ce.c.occurred_at, ce.c.id)
            ):
                subject = (int(r.contact_id), r.purpose, r.channel)
                known.add((*subject, r.action, moment_key(r.occurred_at)))
                state[subject] = r.action
                if _is_opposition(r.proof) or _dated_withdrawal(r.proof, r.occurred_at,
                                                                r.recorded_at):
                    opposed.add(subject)
                elif r.action != "withdrawn":
                    opposed.discard(subject)
        out = []
        for event, dated, opposes in proposed:
            assert event.contact_id is not None
            subject = (event.contact_id, event.purpose, event.channel)
            key = (*subject, event.action, moment_key(event.occurred_at))
            current = state.get(subject)
            if dated and key in known:
                # (an undated fact is dated by its import: the state below says whether it
                # is new; two imports in one second must not take a change for a repeat)
                continue
            if opposes and not dated and current in ("withdrawn", "expired"):
                continue
            if (
                event.action == "withdrawn"
                and not dated
                and not opposes
                and current in (None, "withdrawn", "expired")
            ):
                continue
            if (
                not dated
                and event.action == "granted"
                and (current in ("granted", "confirmed") or subject in opposed)
            ):
                continue
            if not dated and event.action == "confirmed" and current == "confirmed":
                continue
            known.add(key)
            state[subject] = event.action
            if opposes or (dated and event.action == "withdrawn"):
                opposed.add(subject)
            elif event.action != "withdrawn":
                opposed.discard(subject)
            out.append(event)
        return out


_DEFAULT_CHANNEL_PURPOSES: Mapping[str, tuple[str, ...]] = channel_purposes()


#: Where a row's own moment is read, in order: an answer's or a registration's date,
#: then the order's (Eventbrite's "Order Date", HelloAsso's "Date"), then the sign-up's
#: (Facebook Lead Ads' "created_time", when the lead's form was sent).
_ROW_MOMENTS = (("events", "activity_date"), ("order", "order_date"), ("columns", "first_seen"))
#: Moments that date only a question answered then, not a flag an export repeats as it
#: stands on the export's day (Shopify's "Accepts Marketing" beside "Created at").
_ANSWERED_ONLY = frozenset({"order_date", "first_seen"})


def _row_moment(record: RowRecord) -> tuple[str | None, datetime | None]:
    """The row's own date and the field it came from, or (None, None)."""
    for where, name in _ROW_MOMENTS:
        moment = getattr(record, where).get(name)
        if isinstance(moment, datetime):
            return name, moment
    return None, None


def _with_ip(proposed: list[Proposed], ip: object) -> list[Proposed]:
    """The row's IP address put in the proof of the events it is the proof of: the
    opt-in's (and its confirmation's, unless the file gives where that was clicked
    from); a withdrawal's only on a row that grants nothing (a list of unsubscribes
    with the IP of each click). Mailchimp's OPTIN_IP is not where the person
    unsubscribed from."""
    if not ip:
        return proposed
    grants = any(p.event.action in ("granted", "confirmed") for p in proposed)
    out = []
    for p in proposed:
        if "ip" not in p.event.proof and (p.event.action != "withdrawn" or not grants):
            p = p._replace(event=replace(p.event, proof={**p.event.proof, "ip": ip}))
        out.append(p)
    return out


def _dated_withdrawal(proof: object, occurred_at: Any, recorded_at: Any) -> bool:
    """A withdrawal the ledger holds with its own moment: made by the person through a
    link or the self-service page, or read from a file that dated it (it happened before
    it was recorded). An import's undated "non" is dated by the import: not this."""
    if not isinstance(proof, dict):
        return False
    if proof.get("via") != "import":
        return True
    return isinstance(occurred_at, datetime) and isinstance(recorded_at, datetime) and later(
        recorded_at, occurred_at
    )


def _is_opposition(proof: object) -> bool:
    """The ledger proof (a dict on SQLite and PostgreSQL) of a withdrawal an opposition
    column recorded."""
    return isinstance(proof, dict) and proof.get("field") in CHANNEL_OPT_OUTS
