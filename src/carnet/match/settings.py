"""Typed, validated match settings.

:class:`MatchSettings` is checked when it is built: every problem is collected
and reported at once in one :class:`~carnet.match.errors.MatchSettingsError`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from carnet.match.blocking import (
    BlockingRule,
    default_blocking_rules,
    default_deterministic_rules,
    default_training_rules,
)
from carnet.match.comparisons import (
    Comparison,
    FirstNameComparison,
    IdentifierComparison,
    comparison_from_dict,
    default_person_comparisons,
)
from carnet.match.errors import MatchSettingsError

__all__ = ["PREPARED_COLUMNS", "MatchSettings"]

#: Columns :func:`carnet.match.records.prepare_records` produces (besides ``id_*``),
#: as blocking rules name them: a narrow list (``emails``) is stored as
#: ``emails_1`` and ``emails_many`` (:data:`carnet.match.records.NARROW_LISTS`).
PREPARED_COLUMNS: tuple[str, ...] = (
    "record_id",
    "fn",
    "ln",
    "bn",
    "postcode",
    "city",
    "street",
    "siren",
    "source",
    "dob",
    "dob_year",
    "dob_swap",
    "fn_initial",
    "ln_tokens",
    "street_number",
    "fn_ph",
    "ln_ph",
    "fn_groups",
    "ln_groups",
    "fn_known",
    "ln_known",
    "emails",
    "email_users",
    "emails_canon",
    "emails_fixed",
    "email_locals",
    "email1",
    "email1_local",
    "phones",
    "phones8",
    "mobiles",
    "tf_fn",
    "tf_ln",
    "tf_postcode",
    "tf_email",
    "email_n",
    "fn_key",
    "ln_key",
    "email_letters",
    "name_pairs",
)


@dataclass(frozen=True)
class MatchSettings:
    """How records are compared, blocked, trained and scored.

    Attributes:
        comparisons: the comparison library to use (order = output order).
        blocking_rules: rules generating candidate pairs for prediction.
        training_rules: one EM session per rule to estimate m-probabilities.
        deterministic_rules: near-certain rules estimating the prior.
        deterministic_recall: share of true matches those rules are assumed
            to find.
        refine_prior: re-estimate the prior from the scored candidate pairs
            (the fixed point of lambda = expected matches / possible pairs),
            starting from the deterministic estimate. Needed on a store whose
            exact duplicates the import already merged, where the
            deterministic rules find almost nothing.
        candidate_em: after the training-rule sessions, re-estimate m by EM
            on the candidate pairs of a record sample (matching and
            non-matching classes both estimated; see
            :func:`carnet.match.estimate.estimate_m_on_candidates`).
        prior_sample_records: records sampled for ``refine_prior`` and
            ``candidate_em``.
        link_type: ``"dedupe"`` compares every pair; ``"link"`` only pairs of
            records with a different ``source``.
        match_threshold: match probability from which a pair is merged.
        review_threshold: match probability from which a pair is worth a look.
        u_sample_pairs: random pairs drawn to estimate u-probabilities.
        em_sample_records: records sampled for each EM session (bounds time).
        em_max_iterations: EM iterations per session.
        household_guard: cap the evidence households share (see scoring).
        household_cap: the cap, in log2 Bayes-factor units.
        workplace_guard: cap the evidence colleagues share when the SIRENs
            agree and the last names differ (see scoring; needs a last-name and
            a SIREN comparison, else nothing).
        max_shared_contact_point: e-mails/phones held by more records are
            placeholders.
        tf_minimum: smallest term frequency used (caps rare-value weights).
        reference_u_pairs: weight, in random pairs, of the reference
            u-probabilities each u count is smoothed towards
            (:mod:`carnet.match.reference`): a small file is scored with the
            reference, a large one with its own counts; 0 uses the file alone.
        tf_confidence_records: how far the term-frequency adjustment is
            trusted: a file of ``n`` records gets ``n / (n + this)`` of it.
            Frequencies counted in a dozen records are noise, and the
            duplicates themselves make a name look common.
        seed: random seed (sampling).
    """

    comparisons: tuple[Comparison, ...] = field(default_factory=default_person_comparisons)
    blocking_rules: tuple[BlockingRule, ...] = field(default_factory=default_blocking_rules)
    training_rules: tuple[BlockingRule, ...] = field(default_factory=default_training_rules)
    deterministic_rules: tuple[BlockingRule, ...] = field(
        default_factory=default_deterministic_rules
    )
    deterministic_recall: float = 0.8
    refine_prior: bool = True
    candidate_em: bool = False
    prior_sample_records: int = 50_000
    link_type: Literal["dedupe", "link"] = "dedupe"
    match_threshold: float = 0.9
    review_threshold: float = 0.5
    u_sample_pairs: int = 1_000_000
    em_sample_records: int = 300_000
    em_max_iterations: int = 30
    household_guard: bool = True
    household_cap: float = 0.0
    workplace_guard: bool = True
    max_shared_contact_point: int = 50
    tf_minimum: float = 1e-6
    reference_u_pairs: int = 1000
    tf_confidence_records: int = 50
    seed: int = 42

    def __post_init__(self) -> None:
        problems: list[str] = []
        comps = tuple(self.comparisons)
        object.__setattr__(self, "comparisons", comps)
        object.__setattr__(self, "blocking_rules", tuple(self.blocking_rules))
        object.__setattr__(self, "training_rules", tuple(self.training_rules))
        object.__setattr__(self, "deterministic_rules", tuple(self.deterministic_rules))
        if not comps:
            problems.append("at least one comparison is needed")
        names = [c.name for c in comps]
        for name in sorted({n for n in names if names.count(n) > 1}):
            problems.append(f"two comparisons are named '{name}'")
        for c in comps:
            if not isinstance(c, Comparison):
                problems.append(f"{c!r} is not a Comparison")
        if self.link_type not in ("dedupe", "link"):
            problems.append(f"link_type must be 'dedupe' or 'link', not {self.link_type!r}")
        if not 0.0 < self.review_threshold <= self.match_threshold < 1.0:
            problems.append(
                "thresholds must satisfy 0 < review_threshold <= match_threshold < 1 "
                f"(got {self.review_threshold} and {self.match_threshold})"
            )
        if not 0.0 < self.deterministic_recall <= 1.0:
            problems.append("deterministic_recall must be in (0, 1]")
        if not self.blocking_rules:
            problems.append("at least one blocking rule is needed")
        if self.u_sample_pairs < 1000:
            problems.append("u_sample_pairs must be at least 1000")
        if self.prior_sample_records < 100:
            problems.append("prior_sample_records must be at least 100")
        if self.em_sample_records < 100:
            problems.append("em_sample_records must be at least 100")
        if self.em_max_iterations < 1:
            problems.append("em_max_iterations must be at least 1")
        if self.max_shared_contact_point < 2:
            problems.append("max_shared_contact_point must be at least 2")
        if not 0.0 < self.tf_minimum < 1.0:
            problems.append("tf_minimum must be in (0, 1)")
        if self.reference_u_pairs < 0:
            problems.append("reference_u_pairs must be 0 or more")
        if self.tf_confidence_records < 0:
            problems.append("tf_confidence_records must be 0 or more")
        if self.household_guard and not any(isinstance(c, FirstNameComparison) for c in comps):
            problems.append("the household guard needs a FirstNameComparison")
        available = (*PREPARED_COLUMNS, *(f"id_{c}" for c in self.identifier_columns))
        for rule in (*self.blocking_rules, *self.training_rules, *self.deterministic_rules):
            if not isinstance(rule, BlockingRule):
                problems.append(f"{rule!r} is not a BlockingRule")
                continue
            problems.extend(rule.problems(available))
        if problems:
            raise MatchSettingsError(problems)

    @property
    def identifier_columns(self) -> tuple[str, ...]:
        """Extra identifier columns the comparisons read."""
        return tuple(c.column for c in self.comparisons if isinstance(c, IdentifierComparison))

    @property
    def prediction_rules(self) -> tuple[BlockingRule, ...]:
        """Blocking rules plus one exact rule per identifier comparison."""
        extra = tuple(
            BlockingRule((f"id_{c}",), max_block_size=50)
            for c in self.identifier_columns
            if all(r.keys != (f"id_{c}",) for r in self.blocking_rules)
        )
        return (*self.blocking_rules, *extra)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "comparisons": [c.to_dict() for c in self.comparisons],
            "blocking_rules": [r.to_dict() for r in self.blocking_rules],
            "training_rules": [r.to_dict() for r in self.training_rules],
            "deterministic_rules": [r.to_dict() for r in self.deterministic_rules],
            "deterministic_recall": self.deterministic_recall,
            "refine_prior": self.refine_prior,
            "candidate_em": self.candidate_em,
            "prior_sample_records": self.prior_sample_records,
            "link_type": self.link_type,
            "match_threshold": self.match_threshold,
            "review_threshold": self.review_threshold,
            "u_sample_pairs": self.u_sample_pairs,
            "em_sample_records": self.em_sample_records,
            "em_max_iterations": self.em_max_iterations,
            "household_guard": self.household_guard,
            "household_cap": self.household_cap,
            "workplace_guard": self.workplace_guard,
            "max_shared_contact_point": self.max_shared_contact_point,
            "tf_minimum": self.tf_minimum,
            "reference_u_pairs": self.reference_u_pairs,
            "tf_confidence_records": self.tf_confidence_records,
            "seed": self.seed,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> MatchSettings:
        """Inverse of :meth:`to_dict`."""
        data = dict(data)
        data["comparisons"] = tuple(comparison_from_dict(c) for c in data["comparisons"])
        for key in ("blocking_rules", "training_rules", "deterministic_rules"):
            data[key] = tuple(BlockingRule.from_dict(r) for r in data[key])
        return cls(**data)
