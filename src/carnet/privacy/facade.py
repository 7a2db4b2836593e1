"""The privacy methods of the workspace (mixed into :class:`carnet.Carnet`).

>>> receipt = ws.erase_contact(42)            # doctest: +SKIP
>>> ws.retention_plan().counts                 # doctest: +SKIP
{'reconsent': 120, 'anonymise': 8, 'delete': 31}
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from carnet.config import Settings
from carnet.consent import ledger, suppression
from carnet.consent._util import as_utc, chunks, utcnow
from carnet.consent.ledger import ConsentEventIn
from carnet.consent.purposes import ALLOWING, load_purposes
from carnet.errors import InvalidValueError, NotFoundError
from carnet.fields.catalog import Catalog
from carnet.privacy import audit as audit_log
from carnet.privacy import erasure, export, register, retention
from carnet.privacy.audit import AuditEntry
from carnet.privacy.retention import RetentionPlan, RetentionPolicy
from carnet.store import schema as s


@dataclass(frozen=True)
class ErasureReceipt:
    """Proof that a person's data was erased or anonymised (holds no personal value).

    Attributes:
        receipt_id: random id, also in the audit log.
        contact_id: the contact asked for.
        contact_ids: it and the contacts merged into it.
        mode: ``delete`` or ``anonymise``.
        at / actor / reason: when, who and why.
        counts: rows touched per table.
    """

    receipt_id: str
    contact_id: int
    contact_ids: tuple[int, ...]
    mode: str
    at: datetime
    actor: str
    reason: str | None
    counts: Mapping[str, int]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-friendly dictionary."""
        return {
            "receipt_id": self.receipt_id,
            "contact_id": self.contact_id,
            "contact_ids": list(self.contact_ids),
            "mode": self.mode,
            "at": self.at.isoformat(),
            "actor": self.actor,
            "reason": self.reason,
            "counts": dict(self.counts),
        }


@dataclass(frozen=True)
class RetentionResult:
    """What :meth:`PrivacyMixin.apply_retention` did (or would do, with ``dry_run``)."""

    plan: RetentionPlan
    dry_run: bool
    done: Mapping[str, int] = field(default_factory=dict)
    emails_sent: int = 0

    def to_dict(self) -> dict[str, Any]:
        """A JSON-friendly dictionary."""
        return {"dry_run": self.dry_run, "done": dict(self.done),
                "emails_sent": self.emails_sent, "plan": self.plan.to_dict()}


class PrivacyMixin:
    """Audit log, retention, access export, erasure and the processing register."""

    engine: Engine
    settings: Settings
    actor: str
    catalog: Catalog

    # -- audit ------------------------------------------------------------------------------

    def audit(
        self,
        action: str,
        entity: str,
        entity_id: str | int | None = None,
        *,
        count: int = 1,
        details: Mapping[str, Any] | None = None,
    ) -> int:
        """Append an audit entry as the workspace's actor (never put personal values in
        ``details``); returns its id."""
        with self.engine.begin() as conn:
            return audit_log.write(conn, actor=self.actor, action=action, entity=entity,
                                   entity_id=entity_id, count=count, details=details)

    def audit_entries(
        self,
        *,
        actor: str | None = None,
        action: str | None = None,
        entity: str | None = None,
        entity_id: str | int | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int = 100,
    ) -> list[AuditEntry]:
        """Query the audit log, newest first (``carnet audit``)."""
        with self.engine.connect() as conn:
            return audit_log.query(conn, actor=actor, action=action, entity=entity,
                                   entity_id=entity_id, since=since, until=until, limit=limit)

    # -- retention --------------------------------------------------------------------------

    @property
    def retention_policy(self) -> RetentionPolicy:
        """The retention rules from configuration (CNIL defaults)."""
        return RetentionPolicy.from_extra(self.settings.extra)

    def retention_plan(self, at: datetime | None = None) -> RetentionPlan:
        """Who is due for re-consent, anonymisation or deletion (read only)."""
        secret = suppression.require_secret(self.settings.secret_key)
        with self.engine.connect() as conn:
            return retention.make_plan(conn, self.retention_policy, at=as_utc(at) or utcnow(),
                                       secret=secret)

    def apply_retention(
        self, *, dry_run: bool = False, at: datetime | None = None, send_email: bool = False
    ) -> RetentionResult:
        """Carry out the retention plan; everything is logged in the audit log.

        Re-consent requests are recorded as ``reconsent_request`` events (and, with
        ``send_email``, a preference-centre link is emailed); anonymisation and
        deletion expire the remaining consents, suppress the emails and phones
        (reason ``expired``) and purge the values (see :mod:`carnet.privacy.erasure`).
        Old behavioural events are deleted.
        """
        when = as_utc(at) or utcnow()
        plan = self.retention_plan(when)
        if dry_run:
            return RetentionResult(plan, True)
        secret = suppression.require_secret(self.settings.secret_key)
        done = {"reconsent": 0, "anonymise": 0, "delete": 0, "behavioural_events": 0}
        reconsent = [i.contact_id for i in plan.items if i.action == "reconsent"]
        with self.engine.begin() as conn:
            for batch in chunks(reconsent, 1000):
                conn.execute(
                    s.events.insert(),
                    [{"contact_id": cid, "type": retention.RECONSENT_EVENT, "occurred_at": when,
                      "value": None, "properties": {"policy": "retention"},
                      "source": "retention"} for cid in batch],
                )
            done["reconsent"] = len(reconsent)
            for action in ("anonymise", "delete"):
                ids = [i.contact_id for i in plan.items if i.action == action]
                for batch in chunks(ids, 500):
                    self._expire_consents(conn, batch, when)
                    groups = [erasure.related_ids(conn, cid) for cid in batch]
                    erasure.purge(
                        conn, [x for g in groups for x in g], mode=action, secret=secret,
                        suppress_reason="expired", actor=self.actor,
                        note=f"retention policy: {action}",
                    )
                done[action] = len(ids)
            done["behavioural_events"] = retention.delete_old_behaviour(
                conn, plan.policy, when
            )
            audit_log.write(conn, actor=self.actor, action="retention", entity="contact",
                            count=sum(done.values()), details=dict(done))
        sent = self._send_reconsent(reconsent) if send_email and reconsent else 0
        return RetentionResult(plan, False, done, sent)

    def _expire_consents(self, conn: Any, ids: list[int], when: datetime) -> None:
        states = ledger.read_state(conn, ids)
        events = [
            ConsentEventIn(key[0], key[1], key[2], "expired", "consent", when,
                           {"via": "retention policy", "policy": "inactivity"})
            for key, row in sorted(states.items()) if row.status in ALLOWING
        ]
        ledger.append_events(conn, events)

    def _send_reconsent(self, ids: list[int]) -> int:
        from carnet import mail

        sent = 0
        base = mail.public_url(self.settings)
        for cid in ids:
            with self.engine.connect() as conn:
                to = conn.execute(
                    sa.select(s.contact_points.c.normalised).where(
                        s.contact_points.c.contact_id == cid, s.contact_points.c.kind == "email",
                        s.contact_points.c.normalised.is_not(None),
                    ).order_by(s.contact_points.c.is_primary.desc())
                ).scalar()
            if not to:
                continue
            from carnet.consent import tokens

            token = tokens.make_token(suppression.require_secret(self.settings.secret_key),
                                      cid, "preferences")
            url = f"{base}/preferences/{token}"
            mail.send(
                self.settings, to=to, subject="Souhaitez-vous continuer à recevoir nos messages ?",
                text=("Bonjour,\n\nCela fait longtemps que nous n'avons pas eu de nouvelles. "
                      "Pour continuer à recevoir nos messages, confirmez vos choix ici :\n"
                      f"{url}\n\nSans réponse de votre part, vos données seront effacées.\n"),
            )
            sent += 1
        return sent

    # -- access and erasure -----------------------------------------------------------------

    def _controller(self) -> str:
        return str(self.settings.extra.get("organisation_name") or "carnet")

    def export_personal_data(self, contact_id: int, *, lang: str = "fr") -> dict[str, Any]:
        """Everything held about a person, labelled in French or English (logged).

        Raises:
            NotFoundError: when the contact does not exist.
        """
        if lang not in ("fr", "en"):
            raise InvalidValueError(f"Language '{lang}' is not fr or en.")
        secret = suppression.require_secret(self.settings.secret_key)
        with self.engine.begin() as conn:
            document = export.collect(
                conn, contact_id, catalog=self.catalog, purposes=load_purposes(self.settings.extra),
                lang=lang, secret=secret, controller=self._controller(),
            )
            audit_log.write(conn, actor=self.actor, action="export", entity="contact",
                            entity_id=contact_id,
                            details={"sections": sorted(k for k in document if k != "titles")})
        return document

    def write_personal_data(self, contact_id: int, path: Path | str, *, lang: str = "fr") -> Path:
        """Write :meth:`export_personal_data` to ``path`` (``.json`` or ``.zip``)."""
        target = Path(path)
        if target.suffix.lower() not in (".json", ".zip"):
            raise InvalidValueError(f"Export file '{target}' must end in .json or .zip.")
        return export.write(self.export_personal_data(contact_id, lang=lang), target)

    def erase_contact(
        self, contact_id: int, *, keep_statistics: bool = False, reason: str | None = None
    ) -> ErasureReceipt:
        """Erase a person (RGPD art. 17): every personal value everywhere, except the
        suppression hashes of their emails and phones, which block re-import into
        marketing. With ``keep_statistics`` the contact is anonymised instead of
        deleted (orders, amounts, postcode area and age band stay).

        Returns:
            A receipt (no personal value), also written to the audit log.

        Raises:
            NotFoundError: when the contact does not exist.
        """
        secret = suppression.require_secret(self.settings.secret_key)
        mode = "anonymise" if keep_statistics else "delete"
        receipt_id = uuid.uuid4().hex
        now = utcnow()
        with self.engine.begin() as conn:
            status = conn.execute(
                sa.select(s.contacts.c.status).where(s.contacts.c.id == contact_id)
            ).scalar()
            if status is None:
                raise NotFoundError(f"Contact {contact_id} does not exist.", contact_id=contact_id)
            ids = erasure.related_ids(conn, contact_id)
            states = ledger.read_state(conn, ids)
            ledger.append_events(conn, [
                ConsentEventIn(key[0], key[1], key[2], "withdrawn", "consent", now,
                               {"via": "erasure request", "operator": self.actor})
                for key, row in sorted(states.items()) if row.status not in ("withdrawn",)
            ])
            counts = erasure.purge(conn, ids, mode=mode, secret=secret, suppress_reason="erased",
                                   actor=self.actor, note=f"erased, receipt {receipt_id}")
            receipt = ErasureReceipt(receipt_id, contact_id, tuple(ids), mode, now, self.actor,
                                     reason, counts.as_dict())
            audit_log.write(conn, actor=self.actor, action="erase" if mode == "delete"
                            else "anonymise", entity="contact", entity_id=contact_id,
                            count=len(ids), details=receipt.to_dict())
        return receipt

    def find_personal_values(self, values: Iterable[str]) -> list[tuple[str, str, str]]:
        """Where (table, column, value) any of these values still appears, case-insensitive.

        Scans every text and JSON column of every table; used to prove an erasure.
        """
        with self.engine.connect() as conn:
            return erasure.scan_for(conn, values)

    # -- register ---------------------------------------------------------------------------

    def processing_register(self, *, fmt: str = "md") -> str:
        """The records of processing (RGPD art. 30) in French, as Markdown or HTML."""
        if fmt not in ("md", "html"):
            raise InvalidValueError(f"Format '{fmt}' is not md or html.")
        text = register.build(
            catalog=self.catalog,
            purposes=load_purposes(self.settings.extra),
            policy=self.retention_policy,
            extra=self.settings.extra,
            encrypted=bool(self.settings.encryption_key),
            database=self.engine.dialect.name,
        )
        return register.to_html(text) if fmt == "html" else text


__all__ = ["ErasureReceipt", "PrivacyMixin", "RetentionResult"]
