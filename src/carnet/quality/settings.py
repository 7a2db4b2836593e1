"""Settings of the quality scores and report, read from ``[carnet.quality]`` in carnet.toml.

::

    [carnet.quality]
    obsolete_years = 3          # no activity for this long makes a contact obsolete
    stale_below = 0.5           # a value fresher than this share is not called stale
    weights = { completeness = 0.4, validity = 0.3, freshness = 0.2, reachability = 0.1 }
    reach_purposes = { email = "newsletter", sms = "sms_alerts", post = "offers" }

Every problem is collected and raised at once.

>>> QualitySettings.from_extra({}).obsolete_years
3
>>> QualitySettings.from_extra({"quality": {"obsolete_years": 5}}).obsolete_years
5
>>> QualitySettings.from_extra({"quality": {"obsolete_years": -1, "stale_below": 2}})
Traceback (most recent call last):
    ...
carnet.errors.ConfigError: Invalid [carnet.quality] settings: obsolete_years must be a whole number of years from 1 to 50; stale_below must be a number between 0 and 1.
"""  # noqa: E501

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from carnet.errors import ConfigError

#: Channels that have a reachability flag, and the consent purpose each needs by default.
DEFAULT_REACH_PURPOSES: Mapping[str, str] = {
    "email": "newsletter",
    "sms": "sms_alerts",
    "post": "offers",
}

DEFAULT_WEIGHTS: Mapping[str, float] = {
    "completeness": 0.4,
    "validity": 0.3,
    "freshness": 0.2,
    "reachability": 0.1,
}


@dataclass(frozen=True)
class QualitySettings:
    """How scores are computed and what the report calls obsolete.

    Attributes:
        obsolete_years: contacts with no activity for this many years are obsolete.
        stale_below: a present value whose freshness is below this share is "stale"
            in the explanation (0.5: older than its half-life).
        weights: the overall score is
            ``100 × (C × (wc + wv × V + wf × F) + wr × R)`` with these weights
            (they must add up to 1).
        reach_purposes: channel → the consent purpose whose grant makes the
            channel reachable (``email``, ``sms``, ``post``).
    """

    obsolete_years: int = 3
    stale_below: float = 0.5
    weights: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    reach_purposes: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_REACH_PURPOSES))

    @classmethod
    def from_extra(cls, extra: Mapping[str, Any]) -> QualitySettings:
        """Read ``extra["quality"]`` (the ``[carnet.quality]`` table).

        Raises:
            ConfigError: listing every problem.
        """
        table = extra.get("quality", {})
        if not isinstance(table, Mapping):
            raise ConfigError("[carnet.quality] must be a table.")
        problems: list[str] = []
        unknown = sorted(
            set(table) - {"obsolete_years", "stale_below", "weights", "reach_purposes"}
        )
        if unknown:
            problems.append(f"unknown keys {', '.join(unknown)}")
        years = table.get("obsolete_years", 3)
        if isinstance(years, bool) or not isinstance(years, int) or not 1 <= years <= 50:
            problems.append("obsolete_years must be a whole number of years from 1 to 50")
            years = 3
        stale = table.get("stale_below", 0.5)
        if isinstance(stale, bool) or not isinstance(stale, int | float) or not 0 <= stale <= 1:
            problems.append("stale_below must be a number between 0 and 1")
            stale = 0.5
        weights = dict(DEFAULT_WEIGHTS)
        given = table.get("weights", {})
        if not isinstance(given, Mapping):
            problems.append("weights must be a table")
        else:
            for key, value in given.items():
                if key not in weights:
                    problems.append(f"weights.{key} is unknown; use {', '.join(DEFAULT_WEIGHTS)}")
                elif isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
                    problems.append(f"weights.{key} must be a positive number")
                else:
                    weights[key] = float(value)
            if abs(sum(weights.values()) - 1.0) > 1e-6:
                problems.append("weights must add up to 1")
        purposes = dict(DEFAULT_REACH_PURPOSES)
        given_purposes = table.get("reach_purposes", {})
        if not isinstance(given_purposes, Mapping):
            problems.append("reach_purposes must be a table")
        else:
            for channel, purpose in given_purposes.items():
                if channel not in purposes:
                    problems.append(f"reach_purposes.{channel} is unknown; use email, sms, post")
                elif not isinstance(purpose, str) or not purpose:
                    problems.append(f"reach_purposes.{channel} must name a consent purpose")
                else:
                    purposes[channel] = purpose
        if problems:
            raise ConfigError("Invalid [carnet.quality] settings: " + "; ".join(problems) + ".")
        return cls(int(years), float(stale), weights, purposes)


__all__ = ["DEFAULT_REACH_PURPOSES", "DEFAULT_WEIGHTS", "QualitySettings"]
