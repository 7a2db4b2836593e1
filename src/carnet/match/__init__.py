"""Probabilistic matching of person records (Fellegi-Sunter, Splink-style).

Public names are re-exported here; see :mod:`carnet.match.engine` for a tour
and ``docs/matching.md`` for the model, the benchmarks and scaling out.
"""

from carnet.match.blocking import (
    BlockingRule,
    default_blocking_rules,
    default_deterministic_rules,
    default_training_rules,
)
from carnet.match.comparisons import (
    AddressComparison,
    BirthDateComparison,
    Comparison,
    EmailComparison,
    FirstNameComparison,
    IdentifierComparison,
    LastNameComparison,
    Level,
    NameComparison,
    PhoneComparison,
    SirenComparison,
    default_person_comparisons,
)
from carnet.match.engine import Explanation, Matcher, PreparedRecords, explain
from carnet.match.errors import MatchInputError, MatchModelError, MatchSettingsError
from carnet.match.model import MatchModel
from carnet.match.nicknames import NICKNAMES, name_groups
from carnet.match.phonetic import fold, french_phonetic
from carnet.match.records import canonical_email, prepare_records
from carnet.match.settings import MatchSettings

__all__ = [
    "NICKNAMES",
    "AddressComparison",
    "BirthDateComparison",
    "BlockingRule",
    "Comparison",
    "EmailComparison",
    "Explanation",
    "FirstNameComparison",
    "IdentifierComparison",
    "LastNameComparison",
    "Level",
    "MatchInputError",
    "MatchModel",
    "MatchModelError",
    "MatchSettings",
    "MatchSettingsError",
    "Matcher",
    "NameComparison",
    "PhoneComparison",
    "PreparedRecords",
    "SirenComparison",
    "canonical_email",
    "default_blocking_rules",
    "default_deterministic_rules",
    "default_person_comparisons",
    "default_training_rules",
    "explain",
    "fold",
    "french_phonetic",
    "name_groups",
    "prepare_records",
]
