"""Errors of the consent and privacy parts, under :class:`carnet.errors.CarnetError`.

The tree::

    CarnetError
    ├── LinkTokenError               a link token cannot be used
    │   ├── InvalidTokenError        forged, damaged or meant for another action
    │   ├── ExpiredTokenError        older than its lifetime
    │   └── UsedTokenError           single-use and already used
    └── LedgerIntegrityError         the consent ledger's hash chain is broken

The web app turns link errors into clear pages (never a 500); the CLI prints them
as one sentence.
"""

from __future__ import annotations

from carnet.errors import CarnetError


class LinkTokenError(CarnetError):
    """A signed link cannot be used."""

    message = "This link cannot be used; ask for a new one."
    exit_code = 8
    #: HTTP status the public pages answer with.
    status = 400
    #: Stable code for pages and JSON problems.
    code = "invalid_link"


class InvalidTokenError(LinkTokenError):
    """The link was forged, damaged, or made for another action."""

    message = "This link is not valid; it may have been cut or altered."


class ExpiredTokenError(LinkTokenError):
    """The link is older than its lifetime."""

    message = "This link has expired; ask for a new one."
    status = 410
    code = "expired_link"


class UsedTokenError(LinkTokenError):
    """A single-use link was already used."""

    message = "This link has already been used."
    status = 409
    code = "used_link"


class LedgerIntegrityError(CarnetError):
    """The consent ledger's hash chain does not verify."""

    message = "The consent ledger has been altered; `carnet consent verify` shows where."
    exit_code = 9


__all__ = [
    "ExpiredTokenError",
    "InvalidTokenError",
    "LedgerIntegrityError",
    "LinkTokenError",
    "UsedTokenError",
]
