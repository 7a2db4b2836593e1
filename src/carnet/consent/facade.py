"""The consent methods of the workspace (mixed into :class:`carnet.Carnet`).

>>> ws.grant_consent(12, "newsletter", "email", via="phone call")  # doctest: +SKIP
>>> ws.may_contact(12, "newsletter", "email")                       # doctest: +SKIP
Decision(allowed=True, reason='granted 2025-03-02 via phone call by cli:alice', ...)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from email.message import EmailMessage
from typing import TYPE_CHECKING, Any, cast

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from carnet import mail
from carnet.config import Settings
from carnet.consent import ledger, rules, suppression, tokens
from carnet.consent._util import as_utc, utcnow
from carnet.consent.errors import InvalidTokenError, LedgerIntegrityError
from carnet.consent.ledger import ChainReport, ConsentEventIn, RebuildReport
from carnet.consent.purposes import (
    ALLOWING,
    CHANNELS,
    LEGAL_BASES,
    Purpose,
    check_choice,
    load_purposes,
)
from carnet.consent.rules import Decision
from carnet.errors import InvalidValueError, NotFoundError
from carnet.fields.catalog import Catalog
from carnet.model import Contact
from carnet.privacy import audit
from carnet.store import schema as s

if TYPE_CHECKING:
    from carnet.consent._host import Host

#: Contact fields a person may change in the preference centre.
SELF_SERVICE_FIELDS: tuple[str, ...] = (
    "civility", "first_name", "last_name", "mobile", "address_line1", "address_line2",
    "postcode", "city", "language",
)


@dataclass(frozen=True)
class ConsentLine:
    """One purpose × channel of a contact: ledger status and the resulting decision."""

    purpose: str
    channel: str
    label: str
    status: str | None
    since: datetime | None
    decision: Decision

    @property
    def checked(self) -> bool:
        """True when the ledger allows it (what a preference form shows as ticked)."""
        return self.status in ALLOWING


@dataclass(frozen=True)
class SignupResult:
    """What :meth:`ConsentMixin.signup` did."""

    contact_id: int
    created: bool
    requested: tuple[str, ...]
    already: tuple[str, ...]
    token: str | None
    message: EmailMessage | None = None


@dataclass(frozen=True)
class ConfirmResult:
    """What a double opt-in confirmation did."""

    contact_id: int
    purposes: tuple[str, ...]
    event_ids: tuple[int, ...]
    lifted: tuple[str, ...] = ()


@dataclass(frozen=True)
class UnsubscribeResult:
    """What an unsubscribe did; ``already`` when nothing was left to withdraw."""

    contact_id: int
    purposes: tuple[str, ...]
    already: bool
    suppressed: bool = False


@dataclass(frozen=True)
class PreferenceView:
    """What the preference centre shows: consents, editable details and a fresh token."""

    contact_id: int
    lines: tuple[ConsentLine, ...]
    details: Mapping[str, str]
    token: str
    language: str
    changed: tuple[str, ...] = field(default_factory=tuple)


class ConsentMixin:
    """Consent ledger, decisions, suppression and the public opt-in/opt-out flows."""

    engine: Engine
    settings: Settings
    actor: str
    catalog: Catalog

    # -- configuration --------------------------------------------------------------------

    @property
    def consent_purposes(self) -> list[Purpose]:
        """The configured purposes (defaults: newsletter, offers, partners, profiling,
        sms_alerts)."""
        return load_purposes(self.settings.extra)

    def _secret(self) -> str:
        return suppression.require_secret(self.settings.secret_key)

    def _organisation_name(self, lang: str) -> str:
        name = self.settings.extra.get("organisation_name")
        if name:
            return str(name)
        return "our company" if lang == "en" else "notre société"

    def consent_wording(self, purpose: str, lang: str = "fr") -> tuple[str, str]:
        """The configured consent text of a purpose, stored; returns (hash, text)."""
        p = check_choice(self.consent_purposes, purpose, "email")
        lang = "en" if lang == "en" else "fr"
        text = p.wording(lang, self._organisation_name(lang))
        with self.engine.begin() as conn:
            h = ledger.register_wording(conn, p.name, lang, p.version, text)
        return h, text

    def register_wording(self, purpose: str, language: str, version: str, text: str) -> str:
        """Store a consent text (for forms carnet does not render) and return its hash."""
        check_choice(self.consent_purposes, purpose, "email")
        with self.engine.begin() as conn:
            return ledger.register_wording(conn, purpose, language, version, text)

    # -- the one decision ------------------------------------------------------------------

    def may_contact(
        self,
        contact: Contact | int,
        purpose: str,
        channel: str,
        at: datetime | None = None,
    ) -> Decision:
        """May we contact this person for ``purpose`` on ``channel``? With the reason.

        Args:
            contact: a contact or its id.
            purpose: a configured purpose.
            channel: ``email``, ``sms``, ``phone`` or ``post``.
            at: decide as of this time (default now).

        Raises:
            InvalidValueError: on an unknown purpose or channel.
            ConfigError: when CARNET_SECRET_KEY is not set.
        """
        contact_id = contact.id if isinstance(contact, Contact) else int(contact)
        return self.may_contact_many([contact_id], purpose, channel, at)[contact_id]

    def may_contact_many(
        self,
        contact_ids: Iterable[int],
        purpose: str,
        channel: str,
        at: datetime | None = None,
    ) -> dict[int, Decision]:
        """:meth:`may_contact` for many contacts at once (campaigns, exports)."""
        check_choice(self.consent_purposes, purpose, channel)
        secret = self._secret()
        with self.engine.connect() as conn:
            return rules.decide(conn, contact_ids, purpose, channel, secret=secret, at=at)

    # -- recording --------------------------------------------------------------------------

    def record_consent(self, events: Sequence[ConsentEventIn]) -> list[int]:
        """Append consent events (purposes checked against the configuration).

        Raises:
            InvalidValueError: on an unknown purpose, channel, action or basis.
            NotFoundError: when a contact does not exist.
        """
        purposes = self.consent_purposes
        for e in events:
            check_choice(purposes, e.purpose, e.channel)
        with self.engine.begin() as conn:
            ids = ledger.append_events(conn, events)
            if ids:
                audit.write(conn, actor=self.actor, action="consent", entity="consent_event",
                            entity_id=ids[0], count=len(ids),
                            details={"actions": sorted({e.action for e in events})})
        return ids

    def grant_consent(
        self,
        contact_id: int,
        purpose: str,
        channel: str,
        *,
        legal_basis: str = "consent",
        via: str = "operator",
        proof: Mapping[str, Any] | None = None,
        occurred_at: datetime | None = None,
        confirmed: bool = False,
    ) -> int:
        """Record that a person gave consent (or, with ``legal_basis``, another basis).

        A suppressed email or phone stays suppressed: only the person's own
        confirmed double opt-in lifts it.

        Returns:
            The ledger event id.
        """
        if legal_basis not in LEGAL_BASES:
            raise InvalidValueError(
                f"Legal basis '{legal_basis}' is not one of {', '.join(LEGAL_BASES)}."
            )
        event = ConsentEventIn(
            contact_id, purpose, channel, "confirmed" if confirmed else "granted", legal_basis,
            as_utc(occurred_at) or utcnow(), {"via": via, "operator": self.actor, **(proof or {})},
        )
        return self.record_consent([event])[0]

    def withdraw_consent(
        self,
        contact_id: int,
        purpose: str | None,
        channel: str,
        *,
        via: str = "operator",
        proof: Mapping[str, Any] | None = None,
        occurred_at: datetime | None = None,
    ) -> list[int]:
        """Record a withdrawal for one purpose (or every purpose when None) on a channel.

        When no purpose is left allowed on the channel, the contact's emails (for
        email) or phones (for sms and phone) go on the suppression list.

        Returns:
            The new ledger event ids.
        """
        purposes = self._purposes_on(channel) if purpose is None else [purpose]
        for p in purposes:
            check_choice(self.consent_purposes, p, channel)
        when = as_utc(occurred_at) or utcnow()
        events = [
            ConsentEventIn(contact_id, p, channel, "withdrawn", "consent", when,
                           {"via": via, "operator": self.actor, **(proof or {})})
            for p in purposes
        ]
        with self.engine.begin() as conn:
            ids = ledger.append_events(conn, events)
            self._suppress_if_nothing_left(conn, contact_id, channel, f"withdrawal via {via}",
                                           purposes, when)
            audit.write(conn, actor=self.actor, action="consent", entity="contact",
                        entity_id=contact_id, count=len(ids),
                        details={"withdrawn": purposes, "channel": channel})
        return ids

    def _purposes_on(self, channel: str) -> list[str]:
        return [p.name for p in self.consent_purposes if channel in p.channels]

    def _suppress_if_nothing_left(
        self,
        conn: Connection,
        contact_id: int,
        channel: str,
        source: str,
        purposes: Sequence[str],
        when: datetime | None = None,
    ) -> bool:
        """Apply the rule of every withdrawal (:func:`suppression.suppress_closed_channels`)
        to ``purposes`` withdrawn on ``channel`` at ``when`` (default now)."""
        return contact_id in suppression.suppress_closed_channels(
            conn, {contact_id: when}, channel, self.settings.secret_key, source, purposes
        )

    # -- reading ----------------------------------------------------------------------------

    def consent_overview(self, contact_id: int, lang: str = "fr") -> list[ConsentLine]:
        """Every configured purpose × channel of a contact with status and decision."""
        secret = self._secret()
        lines: list[ConsentLine] = []
        with self.engine.connect() as conn:
            if conn.execute(
                sa.select(s.contacts.c.id).where(s.contacts.c.id == contact_id)
            ).first() is None:
                raise NotFoundError(f"Contact {contact_id} does not exist.", contact_id=contact_id)
            states = ledger.read_state(conn, [contact_id])
            for p in self.consent_purposes:
                for ch in p.channels:
                    row = states.get((contact_id, p.name, ch))
                    decision = rules.may_contact(conn, contact_id, p.name, ch, secret=secret)
                    lines.append(
                        ConsentLine(p.name, ch, p.label(lang), row.status if row else None,
                                    row.since if row else None, decision)
                    )
        return lines

    def consent_history(self, contact_id: int) -> list[dict[str, Any]]:
        """A contact's ledger events, oldest first, with proof and wording."""
        e = s.consent_events
        w = s.consent_wordings
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(e, w.c.text.label("wording_text"), w.c.version.label("wording_version"))
                .select_from(e.outerjoin(w, w.c.hash == e.c.wording_hash))
                .where(e.c.contact_id == contact_id)
                .order_by(e.c.occurred_at, e.c.id)
            ).mappings()
            return [
                {
                    **{k: v for k, v in r.items() if k not in ("occurred_at", "recorded_at")},
                    "occurred_at": as_utc(r["occurred_at"]),
                    "recorded_at": as_utc(r["recorded_at"]),
                    "proof": {k: v for k, v in (r["proof"] or {}).items()
                              if not k.startswith("_")},
                    "description": rules.describe_event(
                        r["action"], r["legal_basis"], as_utc(r["occurred_at"]) or utcnow(),
                        r["proof"] or {},
                    ),
                }
                for r in rows
            ]

    def consent_summary(self) -> dict[str, Any]:
        """The consent state of the whole file: contacts per purpose × channel × status,
        active contacts with no consent recorded, and suppressions per reason."""
        cs, c, sup = s.consent_state, s.contacts, s.suppressions
        with self.engine.connect() as conn:
            states = conn.execute(
                sa.select(cs.c.purpose, cs.c.channel, cs.c.status, sa.func.count())
                .join(c, c.c.id == cs.c.contact_id)
                .where(c.c.status == "active")
                .group_by(cs.c.purpose, cs.c.channel, cs.c.status)
                .order_by(cs.c.purpose, cs.c.channel, cs.c.status)
            ).all()
            active = int(conn.execute(
                sa.select(sa.func.count()).select_from(c).where(c.c.status == "active")
            ).scalar_one())
            without = int(conn.execute(
                sa.select(sa.func.count()).select_from(c).where(
                    c.c.status == "active",
                    ~sa.exists().where(cs.c.contact_id == c.c.id),
                )
            ).scalar_one())
            suppressed = conn.execute(
                sa.select(sup.c.reason, sa.func.count()).group_by(sup.c.reason)
            ).all()
        return {
            "active_contacts": active,
            "without_consent": without,
            "states": [
                {"purpose": p, "channel": ch, "status": st, "contacts": int(n)}
                for p, ch, st, n in states
            ],
            "suppressions": {reason: int(n) for reason, n in suppressed},
        }

    def verify_consent_ledger(self, *, strict: bool = False) -> ChainReport:
        """Check the ledger's hash chain (``carnet consent verify``).

        Raises:
            LedgerIntegrityError: with ``strict``, when the chain does not verify.
        """
        with self.engine.connect() as conn:
            report = ledger.verify_chain(conn)
        if strict and not report.ok:
            raise LedgerIntegrityError(
                f"The consent ledger does not verify: {report.problems[0]}",
                event_id=report.first_bad_id,
            )
        return report

    def rebuild_consent_state(self) -> RebuildReport:
        """Recompute the current consent state from the ledger and fix differences."""
        with self.engine.begin() as conn:
            report = ledger.rebuild_state(conn)
            audit.write(conn, actor=self.actor, action="change", entity="consent_state",
                        count=report.added + report.changed + report.removed,
                        details={"added": report.added, "changed": report.changed,
                                 "removed": report.removed})
        return report

    # -- suppression ------------------------------------------------------------------------

    def _normalise_for_suppression(self, value: str, kind: str | None) -> tuple[str, str]:
        guessed = kind or ("email" if "@" in value else "phone")
        host = cast("Host", self)
        normalised = suppression.normalise(guessed, value, region=host.country)
        if not normalised:
            raise InvalidValueError(f"'{value}' is not a usable {guessed}; nothing to suppress.")
        return guessed, normalised

    def suppress(
        self,
        value: str,
        *,
        kind: str | None = None,
        reason: str = "manual",
        source: str | None = None,
    ) -> bool:
        """Put an email or phone (raw; it is normalised first) on the suppression list.

        Returns:
            True when it was not there yet.
        """
        kind, normalised = self._normalise_for_suppression(value, kind)
        with self.engine.begin() as conn:
            added = suppression.suppress(conn, kind, normalised, reason, self._secret(), source)
            audit.write(conn, actor=self.actor, action="suppress", entity=kind,
                        details={"reason": reason, "new": added})
        return added

    def is_suppressed(
        self, value: str, *, kind: str | None = None
    ) -> suppression.Suppression | None:
        """The suppression entry of an email or phone (raw), or None."""
        kind, normalised = self._normalise_for_suppression(value, kind)
        with self.engine.connect() as conn:
            found = suppression.suppression_records(conn, kind, [normalised], self._secret())
        return found.get(normalised)

    def record_bounce(
        self, value: str, *, kind: str = "email", hard: bool = True, complaint: bool = False
    ) -> bool:
        """Record a hard bounce or a complaint (:func:`suppression.record_bounces`): the
        value is suppressed, and a hard bounce marks its contact points ``bounced``.

        Soft bounces (``hard=False`` and no complaint) change nothing.

        Returns:
            True when the value was not suppressed yet.
        """
        kind, normalised = self._normalise_for_suppression(value, kind)
        reason = "complaint" if complaint else "hard_bounce"
        with self.engine.begin() as conn:
            added = False
            if hard or complaint:
                added = bool(suppression.record_bounces(
                    conn, kind, {normalised: None}, self._secret(), "bounce processing",
                    complaint=complaint,
                ))
            audit.write(conn, actor=self.actor, action="suppress", entity=kind,
                        details={"reason": reason if hard or complaint else "soft_bounce"})
        return added

    # -- links ------------------------------------------------------------------------------

    def link_token(self, contact_id: int, action: str, **data: Any) -> str:
        """A signed token for a public link (``confirm``, ``unsubscribe``, ``preferences``)."""
        return tokens.make_token(self._secret(), contact_id, action, **data)

    def link_url(self, contact_id: int, action: str, **data: Any) -> str:
        """The full public URL for a link (base from CARNET_PUBLIC_URL)."""
        token = self.link_token(contact_id, action, **data)
        return f"{mail.public_url(self.settings)}/{action}/{token}"

    def unsubscribe_headers(
        self,
        contact_id: int,
        purpose: str | None = None,
        *,
        campaign_id: int | str | None = None,
        mailto: str | None = None,
    ) -> dict[str, str]:
        """``List-Unsubscribe`` / ``List-Unsubscribe-Post`` headers for a message to a contact.

        Args:
            contact_id: the recipient.
            purpose: the message's purpose (None: the link withdraws every email purpose).
            campaign_id: recorded in the withdrawal's proof.
            mailto: optional unsubscribe mailbox.
        """
        if purpose is not None:
            check_choice(self.consent_purposes, purpose, "email")
        url = self.link_url(contact_id, "unsubscribe", p=purpose, ch="email", cmp=campaign_id)
        return mail.unsubscribe_headers(url, mailto)

    # -- public flows -----------------------------------------------------------------------

    def signup(
        self,
        email_address: str,
        *,
        purposes: Sequence[str],
        lang: str = "fr",
        first_name: str | None = None,
        last_name: str | None = None,
        form: str = "web",
        ip: str | None = None,
        user_agent: str | None = None,
        send_email: bool = True,
    ) -> SignupResult:
        """Handle a sign-up form: find or create the contact, record ``requested``
        consents with the wording shown, and send the double opt-in email.

        Consent becomes ``confirmed`` only when the person clicks the link
        (:meth:`confirm_signup`). Purposes already allowed are not asked again.

        Raises:
            InvalidValueError: on an unusable email or an unknown purpose.
            MailError: when the confirmation email cannot be sent.
        """
        from carnet.fields import email as email_field

        lang = "en" if lang == "en" else "fr"
        chosen = list(dict.fromkeys(purposes))
        if not chosen:
            raise InvalidValueError("Choose at least one subscription.")
        for p in chosen:
            check_choice(self.consent_purposes, p, "email")
        verdict = email_field.check(email_address)
        if not verdict.ok or not verdict.normalised:
            reasons = "; ".join(verdict.reasons) or "not an email address"
            raise InvalidValueError(f"'{email_address}' cannot be used: {reasons}.", field="email")
        normalised = verdict.normalised
        host = cast("Host", self)
        contact_id, point_id = self._find_by_email(normalised)
        created = contact_id is None
        if contact_id is None:
            values: dict[str, Any] = {"email": normalised, "language": lang}
            if first_name and first_name.strip():
                values["first_name"] = first_name.strip()
            if last_name and last_name.strip():
                values["last_name"] = last_name.strip()
            contact = host.add_contact(values, source=f"sign-up form {form}"[:200])
            contact_id, point_id = self._find_by_email(normalised)
            assert contact_id == contact.id
        assert contact_id is not None
        decisions = {p: self.may_contact(contact_id, p, "email") for p in chosen}
        already = tuple(p for p in chosen if decisions[p].allowed)
        wanted = [p for p in chosen if not decisions[p].allowed]
        if not wanted:
            return SignupResult(contact_id, created, (), already, None)
        now = utcnow()
        proof_base = {"via": "sign-up form", "form": form, "lang": lang, "ip": ip,
                      "user_agent": user_agent, "email": normalised}
        events = []
        for p in wanted:
            h, _text = self.consent_wording(p, lang)
            version = next(x.version for x in self.consent_purposes if x.name == p)
            events.append(ConsentEventIn(contact_id, p, "email", "requested", "consent", now,
                                         {**proof_base, "wording_version": version}, h))
        with self.engine.begin() as conn:
            ids = ledger.append_events(conn, events)
            audit.write(conn, actor="public", action="consent", entity="contact",
                        entity_id=contact_id, count=len(ids),
                        details={"requested": wanted, "form": form, "created": created})
        token = self.link_token(contact_id, "confirm", p=wanted, r=ids, e=point_id)
        message = None
        if send_email:
            message = self._send_confirmation(normalised, token, wanted, lang)
        return SignupResult(contact_id, created, tuple(wanted), already, token, message)

    def _find_by_email(self, normalised: str) -> tuple[int | None, int | None]:
        cp = s.contact_points
        c = s.contacts
        with self.engine.connect() as conn:
            row = conn.execute(
                sa.select(cp.c.contact_id, cp.c.id)
                .join(c, c.c.id == cp.c.contact_id)
                .where(cp.c.kind == "email", cp.c.normalised == normalised, c.c.status == "active")
                .order_by(cp.c.contact_id)
                .limit(1)
            ).first()
        return (int(row[0]), int(row[1])) if row else (None, None)

    def _send_confirmation(
        self, to: str, token: str, purposes: Sequence[str], lang: str
    ) -> EmailMessage:
        from carnet.web.public.i18n import confirmation_email

        url = f"{mail.public_url(self.settings)}/confirm/{token}"
        labels = [p.label(lang) for p in self.consent_purposes if p.name in purposes]
        subject, text, html = confirmation_email(lang, url, labels, self._organisation_name(lang))
        return mail.send(self.settings, to=to, subject=subject, text=text, html=html,
                         language=lang)

    def _live_contact(self, conn: Connection, contact_id: int) -> bool:
        return conn.execute(
            sa.select(s.contacts.c.id).where(
                s.contacts.c.id == contact_id, s.contacts.c.status == "active"
            )
        ).first() is not None

    def confirm_signup(
        self, token: str, *, ip: str | None = None, user_agent: str | None = None
    ) -> ConfirmResult:
        """Confirm a double opt-in from its link: ``confirmed`` events, single use.

        A confirmed opt-in by the address's owner also lifts a suppression of that
        address for an earlier unsubscribe, erasure or expiry.

        Raises:
            InvalidTokenError, ExpiredTokenError, UsedTokenError: on a bad link.
        """
        secret = self._secret()
        link = tokens.read_token(secret, token, "confirm")
        purposes = [str(p) for p in link.data.get("p", [])]
        request_ids = [int(i) for i in link.data.get("r", [])]
        known = {p.name for p in self.consent_purposes}
        if not purposes or not set(purposes) <= known:
            raise InvalidTokenError()
        e = s.consent_events
        with self.engine.begin() as conn:
            tokens.consume(conn, link)
            if not self._live_contact(conn, link.contact_id):
                raise InvalidTokenError("This link is for a subscription that no longer exists.")
            wordings = {
                r.purpose: (r.wording_hash, (r.proof or {}).get("form"))
                for r in conn.execute(
                    sa.select(e.c.purpose, e.c.wording_hash, e.c.proof).where(
                        e.c.id.in_(request_ids), e.c.contact_id == link.contact_id
                    )
                )
            }
            now = utcnow()
            events = [
                ConsentEventIn(
                    link.contact_id, p, "email", "confirmed", "consent", now,
                    {"via": "double opt-in link", "form": wordings.get(p, (None, None))[1],
                     "request_event_id": request_ids[i] if i < len(request_ids) else None,
                     "ip": ip, "user_agent": user_agent},
                    wordings.get(p, (None, None))[0],
                )
                for i, p in enumerate(purposes)
            ]
            ids = ledger.append_events(conn, events)
            lifted: list[str] = []
            point = link.data.get("e")
            if isinstance(point, int):
                value = conn.execute(
                    sa.select(s.contact_points.c.normalised).where(
                        s.contact_points.c.id == point,
                        s.contact_points.c.contact_id == link.contact_id,
                    )
                ).scalar()
                if value:
                    entry = suppression.lift(conn, "email", value, secret)
                    if entry is not None:
                        lifted.append(entry.reason)
            audit.write(conn, actor="public", action="consent", entity="contact",
                        entity_id=link.contact_id, count=len(ids),
                        details={"confirmed": purposes, "lifted_suppression": lifted})
        return ConfirmResult(link.contact_id, tuple(purposes), tuple(ids), tuple(lifted))

    def unsubscribe(
        self,
        token: str,
        *,
        ip: str | None = None,
        user_agent: str | None = None,
        one_click: bool = False,
        everything: bool = False,
    ) -> UnsubscribeResult:
        """Withdraw consent from an unsubscribe link (RFC 8058 one-click or the page).

        Idempotent: a second use withdraws nothing and says ``already``. When no
        email purpose is left allowed, the contact's emails are suppressed.

        Raises:
            InvalidTokenError, ExpiredTokenError: on a bad link.
        """
        link = tokens.read_token(self._secret(), token, "unsubscribe")
        channel = str(link.data.get("ch") or "email")
        if channel not in CHANNELS:
            raise InvalidTokenError()
        purpose = link.data.get("p")
        on_channel = self._purposes_on(channel)
        targets = on_channel if everything or purpose is None else [str(purpose)]
        if not set(targets) <= set(on_channel):
            raise InvalidTokenError()
        with self.engine.begin() as conn:
            if not self._live_contact(conn, link.contact_id):
                return UnsubscribeResult(link.contact_id, tuple(targets), True)
            states = ledger.read_state(conn, [link.contact_id])
            live = [
                p for p in targets
                if (row := states.get((link.contact_id, p, channel))) is not None
                and row.status not in ("withdrawn", "expired")
            ]
            proof: dict[str, Any] = {
                "via": "one-click unsubscribe" if one_click else "unsubscribe link",
                "campaign_id": link.data.get("cmp"), "ip": ip, "user_agent": user_agent,
            }
            now = utcnow()
            ids = ledger.append_events(
                conn,
                [ConsentEventIn(link.contact_id, p, channel, "withdrawn", "consent", now, proof)
                 for p in live],
            )
            source = "unsubscribe link" + (
                f", campaign {link.data['cmp']}" if link.data.get("cmp") is not None else ""
            )
            suppressed = self._suppress_if_nothing_left(conn, link.contact_id, channel, source,
                                                        targets)
            if ids or suppressed:
                audit.write(conn, actor="public", action="consent", entity="contact",
                            entity_id=link.contact_id, count=len(ids),
                            details={"withdrawn": live, "channel": channel,
                                     "one_click": one_click, "suppressed": suppressed})
        return UnsubscribeResult(link.contact_id, tuple(live or targets), not ids, suppressed)

    def preference_view(self, token: str, *, lang: str | None = None) -> PreferenceView:
        """What the preference centre shows for a link (the link is not used up).

        Raises:
            InvalidTokenError, ExpiredTokenError, UsedTokenError: on a bad link.
        """
        link = tokens.read_token(self._secret(), token, "preferences")
        with self.engine.begin() as conn:
            if tokens.is_used(conn, link):
                from carnet.consent.errors import UsedTokenError

                raise UsedTokenError()
            if not self._live_contact(conn, link.contact_id):
                raise InvalidTokenError("This link is for a profile that no longer exists.")
            audit.write(conn, actor="public", action="read", entity="contact",
                        entity_id=link.contact_id, details={"via": "preference centre"})
        return self._preference_view(link.contact_id, token, lang)

    def _preference_view(
        self, contact_id: int, token: str, lang: str | None, changed: Sequence[str] = ()
    ) -> PreferenceView:
        host = cast("Host", self)
        contact = host.get_contact(contact_id)
        language = lang or (contact.language if contact.language in ("fr", "en") else "fr")
        address = contact.addresses[0] if contact.addresses else None
        mobile = next((p for p in contact.phones), None)
        details = {
            "civility": contact.civility or "",
            "first_name": contact.first_name or "",
            "last_name": contact.last_name or "",
            "mobile": (mobile.display if mobile else ""),
            "address_line1": (address.line1 or "") if address else "",
            "address_line2": (address.line2 or "") if address else "",
            "postcode": (address.postcode or "") if address else "",
            "city": (address.city or "") if address else "",
            "language": contact.language or "",
            "email": contact.email or "",
        }
        lines = tuple(self.consent_overview(contact_id, language))
        return PreferenceView(contact_id, lines, details, token, language, tuple(changed))

    def update_preferences(
        self,
        token: str,
        *,
        choices: Iterable[tuple[str, str]],
        details: Mapping[str, str] | None = None,
        ip: str | None = None,
        user_agent: str | None = None,
        lang: str | None = None,
    ) -> PreferenceView:
        """Apply a preference-centre form: consents per purpose × channel and contact details.

        Details go through the normal edit path (:meth:`Carnet.update_contact`, history
        written, source "preference centre"). The link is used up and the returned
        view carries a fresh one.

        Args:
            token: the preferences link token.
            choices: the (purpose, channel) pairs the person ticked; offered pairs not
                ticked are withdrawn if they were allowed.
            details: new values for :data:`SELF_SERVICE_FIELDS`.

        Raises:
            InvalidTokenError, ExpiredTokenError, UsedTokenError: on a bad link.
            InvalidValueError: when a detail is not valid (nothing is changed then).
        """
        secret = self._secret()
        link = tokens.read_token(secret, token, "preferences")
        contact_id = link.contact_id
        with self.engine.connect() as conn:
            if tokens.is_used(conn, link):
                from carnet.consent.errors import UsedTokenError

                raise UsedTokenError()
            if not self._live_contact(conn, contact_id):
                raise InvalidTokenError("This link is for a profile that no longer exists.")
        host = cast("Host", self)
        current = self._preference_view(contact_id, token, lang).details
        changes = {
            k: (v.strip() if isinstance(v, str) else v)
            for k, v in (details or {}).items()
            if k in SELF_SERVICE_FIELDS and (v or "").strip() != current.get(k, "")
        }
        if changes:
            host.update_contact(contact_id, changes, source="preference centre",
                                reason="updated by the person in the preference centre")
        wanted = set(choices)
        now = utcnow()
        proof = {"via": "preference centre", "ip": ip, "user_agent": user_agent}
        changed: list[str] = [f"detail:{k}" for k in changes]
        with self.engine.begin() as conn:
            tokens.consume(conn, link)
            states = ledger.read_state(conn, [contact_id])
            events: list[ConsentEventIn] = []
            for p in self.consent_purposes:
                for ch in p.channels:
                    row = states.get((contact_id, p.name, ch))
                    allowed = row is not None and row.status in ALLOWING
                    if (p.name, ch) in wanted and not allowed:
                        language = lang or "fr"
                        h = ledger.register_wording(
                            conn, p.name, language, p.version,
                            p.wording(language, self._organisation_name(language)),
                        )
                        events.append(ConsentEventIn(contact_id, p.name, ch, "granted",
                                                     "consent", now, dict(proof), h))
                    elif (p.name, ch) not in wanted and allowed:
                        events.append(ConsentEventIn(contact_id, p.name, ch, "withdrawn",
                                                     "consent", now, dict(proof)))
            ledger.append_events(conn, events)
            changed += [f"{e.action}:{e.purpose}/{e.channel}" for e in events]
            for ch in {e.channel for e in events if e.action == "withdrawn"}:
                withdrawn = [e.purpose for e in events if e.channel == ch
                             and e.action == "withdrawn"]
                self._suppress_if_nothing_left(conn, contact_id, ch, "preference centre",
                                               withdrawn)
            for ch in {e.channel for e in events if e.action == "granted"}:
                kind = "email" if ch == "email" else "phone" if ch in ("sms", "phone") else None
                if kind is None:
                    continue
                for value in conn.execute(
                    sa.select(s.contact_points.c.normalised).where(
                        s.contact_points.c.contact_id == contact_id,
                        s.contact_points.c.kind == kind,
                        s.contact_points.c.normalised.is_not(None),
                    )
                ).scalars():
                    suppression.lift(conn, kind, value, secret, ("unsubscribed",))
            audit.write(conn, actor="public", action="change", entity="contact",
                        entity_id=contact_id, count=len(changed),
                        details={"via": "preference centre", "changes": changed})
        fresh = self.link_token(contact_id, "preferences")
        return self._preference_view(contact_id, fresh, lang, changed)


__all__ = [
    "SELF_SERVICE_FIELDS",
    "ConfirmResult",
    "ConsentLine",
    "ConsentMixin",
    "PreferenceView",
    "SignupResult",
    "UnsubscribeResult",
]
