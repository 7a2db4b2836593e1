"""Signed, expiring link tokens for the public pages (confirm, unsubscribe, preferences).

A token is an `itsdangerous <https://itsdangerous.palletsprojects.com/>`_ URL-safe
timed signature, keyed with ``CARNET_SECRET_KEY`` and *salted with the action*,
so a token made for one action is refused by every other. It carries the contact
id, a random token id (``jti``) and a few action details, never a personal value
(tokens end up in URLs and server logs).

Lifetimes: ``confirm`` 7 days, ``preferences`` 30 days, ``unsubscribe`` 1 year
(unsubscribe links must keep working long after the message was sent).

``confirm`` and ``preferences`` tokens are single-use: :func:`consume` records the
token id in the audit log and refuses it the second time. Unsubscribing is
idempotent, so an unsubscribe link works again and says "already unsubscribed".

>>> token = make_token("s3cret", 42, "unsubscribe", purpose="newsletter")
>>> read_token("s3cret", token, "unsubscribe").contact_id
42
>>> read_token("s3cret", token, "confirm")
Traceback (most recent call last):
    ...
carnet.consent.errors.InvalidTokenError: This link is not valid; it may have been cut or altered.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from itsdangerous import BadData, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy.engine import Connection

from carnet.consent._util import as_utc, utcnow, write_lock
from carnet.consent.errors import ExpiredTokenError, InvalidTokenError, UsedTokenError
from carnet.consent.suppression import require_secret
from carnet.errors import InvalidValueError
from carnet.store import schema as s

LIFETIMES: dict[str, timedelta] = {
    "confirm": timedelta(days=7),
    "preferences": timedelta(days=30),
    "unsubscribe": timedelta(days=365),
}
SINGLE_USE: frozenset[str] = frozenset({"confirm", "preferences"})
_AUDIT_ACTION = "token_used"
_AUDIT_ENTITY = "link_token"


@dataclass(frozen=True)
class LinkToken:
    """A verified token.

    Attributes:
        contact_id: the person the link is for.
        action: ``confirm``, ``unsubscribe`` or ``preferences``.
        jti: random token id (for single use).
        issued_at: when it was signed.
        data: action details (purpose, campaign id, request event ids ...).
    """

    contact_id: int
    action: str
    jti: str
    issued_at: datetime
    data: Mapping[str, Any] = field(default_factory=dict)


def _serializer(secret: str, action: str) -> URLSafeTimedSerializer:
    if action not in LIFETIMES:
        raise InvalidValueError(
            f"Link action '{action}' is unknown; use one of {', '.join(LIFETIMES)}."
        )
    return URLSafeTimedSerializer(require_secret(secret), salt=f"carnet.link.{action}")


def make_token(secret: str, contact_id: int, action: str, **data: Any) -> str:
    """Sign a token for ``contact_id`` and ``action`` with JSON-able ``data``."""
    payload = {"c": int(contact_id), "j": secrets.token_urlsafe(12), "d": data}
    token = _serializer(secret, action).dumps(payload)
    return str(token)


def read_token(
    secret: str, token: str, action: str, *, max_age: timedelta | None = None
) -> LinkToken:
    """Check a token's signature, action and age.

    Raises:
        InvalidTokenError: forged, damaged or made for another action.
        ExpiredTokenError: older than its lifetime.
    """
    age = max_age or LIFETIMES.get(action, timedelta(0))
    try:
        payload, signed_at = _serializer(secret, action).loads(
            token, max_age=int(age.total_seconds()), return_timestamp=True
        )
    except SignatureExpired as exc:
        raise ExpiredTokenError() from exc
    except (BadData, UnicodeError, ValueError, TypeError) as exc:
        raise InvalidTokenError() from exc
    if (
        not isinstance(payload, dict)
        or not isinstance(payload.get("c"), int)
        or not isinstance(payload.get("j"), str)
        or not isinstance(payload.get("d", {}), dict)
    ):
        raise InvalidTokenError()
    issued = as_utc(signed_at)
    assert issued is not None
    return LinkToken(payload["c"], action, payload["j"], issued, payload.get("d", {}))


def is_used(conn: Connection, token: LinkToken) -> bool:
    """True when this single-use token was already consumed."""
    t = s.audit_log
    found = conn.execute(
        sa.select(t.c.id)
        .where(
            # The time bound lets the ``at`` index narrow the search.
            t.c.at >= token.issued_at - timedelta(minutes=5),
            t.c.action == _AUDIT_ACTION,
            t.c.entity == _AUDIT_ENTITY,
            t.c.entity_id == token.jti,
        )
        .limit(1)
    ).first()
    return found is not None


def consume(conn: Connection, token: LinkToken, *, actor: str = "public") -> None:
    """Mark a single-use token as used, in the caller's transaction.

    Raises:
        UsedTokenError: when it was used before.
    """
    write_lock(conn, f"carnet.token.{token.jti}")
    if is_used(conn, token):
        raise UsedTokenError()
    conn.execute(
        s.audit_log.insert().values(
            actor=actor,
            action=_AUDIT_ACTION,
            entity=_AUDIT_ENTITY,
            entity_id=token.jti,
            count=1,
            details={"action": token.action, "contact_id": token.contact_id},
            at=utcnow(),
        )
    )


__all__ = [
    "LIFETIMES",
    "SINGLE_USE",
    "LinkToken",
    "consume",
    "is_used",
    "make_token",
    "read_token",
]
