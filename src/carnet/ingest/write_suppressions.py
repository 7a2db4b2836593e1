"""What an import does with the suppression list.

- **Rows already on the list.** A row holding a suppressed e-mail or phone is not
  imported (``suppressed``), unless it carries the person's own double opt-in,
  confirmed after an unsubscribe (Mailchimp's ``CONFIRM_TIME`` later than the
  entry's date): that lifts the unsubscribe, as a confirmation through carnet's
  own form does (:meth:`carnet.Carnet.confirm_signup`), and the row is imported. A
  later plain "oui" does not lift it; nothing in a file lifts a bounce, a
  complaint, an erasure or a retention expiry.
- **Bounces in a file.** A hard-bounce date (Mailchimp's ``CLEAN_TIME``) marks the
  row's e-mail ``bounced`` and suppresses it as ``hard_bounce``, dated then, as
  bounce processing does (:func:`carnet.consent.suppression.record_bounces`).

Every entry an import adds names the import in its ``source`` (``import 12:
clients.csv``), so that the run can count them.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

import sqlalchemy as sa

from carnet.consent import suppression
from carnet.errors import ConfigError
from carnet.ingest.batch import BatchBase, Outcome, Target, later
from carnet.ingest.rows import RowRecord
from carnet.ingest.write_consent import CHANNEL_OPT_OUTS, CONSENT_FLAGS
from carnet.privacy import audit
from carnet.store import schema as s


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
        kept = []
        lifted = 0
        for record in records:
            hits = {
                v: found[v] for v in (*record.usable_emails, *record.usable_phones) if v in found
            }
            if hits and self._lift_for_reoptin(record, hits):
                lifted += len(hits)
                hits = {}
            if hits:
                outcomes[record.number] = Outcome(
                    record.number,
                    "suppressed",
                    reason="on the suppression list (unsubscribed, erased or bounced); "
                    "not imported for marketing",
                )
            else:
                kept.append(record)
        if lifted:
            audit.write(self.conn, actor=self.actor, action="suppress", entity="import",
                        entity_id=self.import_id, count=lifted,
                        details={"lifted": "unsubscribed", "file": self.file_name,
                                 "why": "double opt-in confirmed after the unsubscribe"})
        return kept

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
        for target in targets:
            if target.contact_id is None:
                continue
            for record in target.records:
                when = record.consent.get("bounced_at")
                if not isinstance(when, datetime):
                    continue
                emails = record.usable_emails
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
        if dated:
            suppression.record_bounces(
                self.conn, "email", dated, self.secret, self.suppression_source
            )


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


__all__ = [
    "SuppressionWriter",
    "confirmed_reoptin",
]
