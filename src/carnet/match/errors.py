"""Errors raised by the matching engine (part of the :mod:`carnet.errors` tree).

::

    ConfigError
    └── MatchSettingsError      the match settings are invalid (all problems listed)
    InvalidValueError
    └── MatchInputError         the records table lacks a column or has bad ids
    CarnetError
    └── MatchModelError         a saved model cannot be read or does not fit
"""

from __future__ import annotations

from carnet.errors import CarnetError, ConfigError, InvalidValueError

__all__ = ["MatchInputError", "MatchModelError", "MatchSettingsError"]


class MatchSettingsError(ConfigError):
    """The match settings are invalid; ``problems`` lists every one of them."""

    message = "The match settings are invalid."

    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems)
        super().__init__(
            "The match settings are invalid: " + "; ".join(self.problems) + ".",
            problems=self.problems,
        )


class MatchInputError(InvalidValueError):
    """The records given to the matcher do not follow the records schema."""

    message = "The records table does not follow the match input schema."


class MatchModelError(CarnetError):
    """A saved match model cannot be read or does not fit the settings."""

    message = "The match model cannot be read; train it again with Matcher.train()."
