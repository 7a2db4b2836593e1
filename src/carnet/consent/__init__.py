"""Consent: the proof ledger, the one decision, suppression and signed links.

The workspace methods live in :class:`carnet.consent.facade.ConsentMixin`; the
import pipeline uses the module functions re-exported here.
"""

from carnet.consent.ledger import ConsentEventIn, append_events
from carnet.consent.purposes import ACTIONS, CHANNELS, DEFAULT_PURPOSES, LEGAL_BASES, Purpose
from carnet.consent.rules import Decision, describe_event
from carnet.consent.suppression import suppress, suppressed_values

__all__ = [
    "ACTIONS",
    "CHANNELS",
    "DEFAULT_PURPOSES",
    "LEGAL_BASES",
    "ConsentEventIn",
    "Decision",
    "Purpose",
    "append_events",
    "describe_event",
    "suppress",
    "suppressed_values",
]
