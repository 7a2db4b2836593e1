"""The errors carnet raises, each with a message a user can act on.

The tree::

    CarnetError                      anything carnet reports to a user
    ├── ConfigError                  bad or missing setting (env var, config file)
    ├── DatabaseError                cannot open, create or migrate the database
    │   └── SchemaOutdatedError      the database needs `carnet init` to migrate
    ├── NotFoundError                no such contact / organisation / import ...
    ├── InvalidValueError            a value fails its field's rules
    │   ├── InvalidFormat            wrong characters or shape
    │   ├── InvalidLength            too short or too long
    │   ├── InvalidChecksum          check digit does not match
    │   └── InvalidComponent         a part (domain, country, date) is wrong
    ├── InputFileError               a file cannot be read or mapped
    │   └── MappingError             a header mapping is wrong or ambiguous
    └── ConflictError                the change clashes with existing data

Parts add their own branches beside the code that raises them:
``carnet.consent.errors`` (LinkTokenError and its Invalid/Expired/Used tokens,
exit 8; LedgerIntegrityError, exit 9), ``carnet.mail.MailError`` (exit 10) and
``carnet.match.errors`` (MatchSettingsError under ConfigError, MatchInputError
under InvalidValueError, MatchModelError).

The CLI prints ``str(error)`` as one sentence and exits with ``error.exit_code``;
nothing else is caught there, so a real bug still shows its traceback.
"""

from __future__ import annotations

from typing import Any


class CarnetError(Exception):
    """Base of every error carnet reports to a user."""

    message = "carnet could not complete the operation."
    exit_code = 1

    def __init__(self, message: str | None = None, **context: Any) -> None:
        self.context: dict[str, Any] = context
        super().__init__(message or self.message)

    def __str__(self) -> str:
        return str(self.args[0])


class ConfigError(CarnetError):
    """A setting is missing or malformed."""

    message = "The configuration is invalid; check the CARNET_* environment variables."
    exit_code = 2


class DatabaseError(CarnetError):
    """The database cannot be opened, created or migrated."""

    message = "The database cannot be opened; check --db or CARNET_DATABASE_URL."
    exit_code = 3


class SchemaOutdatedError(DatabaseError):
    """The database schema is older than this version of carnet."""

    message = "The database schema is out of date; run `carnet init` to migrate it."


class NotFoundError(CarnetError):
    """A record asked for by id does not exist."""

    message = "No such record."
    exit_code = 4


class InvalidValueError(CarnetError, ValueError):
    """A value fails the rules of its field."""

    message = "The value is not valid."
    exit_code = 5


class InvalidFormat(InvalidValueError):
    """The value has the wrong characters or shape."""

    message = "The value has an invalid format."


class InvalidLength(InvalidValueError):
    """The value is too short or too long."""

    message = "The value has an invalid length."


class InvalidChecksum(InvalidValueError):
    """The value's check digit does not match."""

    message = "The value's checksum does not match."


class InvalidComponent(InvalidValueError):
    """A part of the value (domain, country, date) is wrong."""

    message = "One of the value's parts is not valid."


class InputFileError(CarnetError):
    """An input file cannot be read."""

    message = "The input file cannot be read."
    exit_code = 6


class MappingError(InputFileError):
    """A header mapping is wrong or ambiguous."""

    message = "The column mapping is not valid."


class ConflictError(CarnetError):
    """The change clashes with data already in the workspace."""

    message = "The change conflicts with existing data."
    exit_code = 7
