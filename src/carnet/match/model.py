"""The trained match model: m, u, prior and term frequencies, as JSON."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Any

from carnet.match.comparisons import Comparison
from carnet.match.errors import MatchModelError
from carnet.match.settings import MatchSettings

__all__ = ["MODEL_FORMAT", "MatchModel"]

MODEL_FORMAT = "carnet.match/1"


@dataclass
class MatchModel:
    """Fellegi-Sunter parameters estimated from the data.

    Attributes:
        settings: the settings the model was trained with.
        m: per comparison, P(level | same person), in level order.
        u: per comparison, P(level | different people), from random pairs.
        prior: P(two random records are the same person) (lambda).
        tf_tables: relative frequency of each first name, last name, postcode.
        n_records: how many records the model was trained on.
        diagnostics: how training went (pairs, EM iterations, skipped keys).
    """

    settings: MatchSettings
    m: dict[str, list[float]]
    u: dict[str, list[float]]
    prior: float
    tf_tables: dict[str, dict[str, float]] = field(default_factory=dict)
    n_records: int = 0
    diagnostics: dict[str, Any] = field(default_factory=dict)

    @property
    def prior_weight(self) -> float:
        """log2 prior odds: the match weight of a pair with no evidence."""
        return math.log2(self.prior / (1.0 - self.prior))

    @property
    def tf_confidence(self) -> float:
        """Share of the term-frequency adjustment applied: ``n / (n + n0)``.

        ``n0`` is ``settings.tf_confidence_records``; 0 applies it whole.
        """
        n0 = self.settings.tf_confidence_records
        return 1.0 if n0 == 0 else self.n_records / (self.n_records + n0)

    def level_weights(self, comparison: Comparison) -> list[float]:
        """log2(m/u) of each level of a comparison (before tf adjustment)."""
        m, u = self.m[comparison.name], self.u[comparison.name]
        return [math.log2(mi / ui) for mi, ui in zip(m, u, strict=True)]

    def describe(self) -> list[dict[str, Any]]:
        """One row per comparison level: label, m, u and weight."""
        rows: list[dict[str, Any]] = []
        for comp in self.settings.comparisons:
            for lvl, m, u, w in zip(
                comp.levels,
                self.m[comp.name],
                self.u[comp.name],
                self.level_weights(comp),
                strict=True,
            ):
                rows.append(
                    {
                        "comparison": comp.name,
                        "level": lvl.label,
                        "m": m,
                        "u": u,
                        "weight": w,
                        "tf_adjusted": lvl.tf_column is not None,
                    }
                )
        return rows

    def to_json(self) -> str:
        """Serialise the model (settings included) to a JSON string."""
        return json.dumps(
            {
                "format": MODEL_FORMAT,
                "settings": self.settings.to_dict(),
                "m": self.m,
                "u": self.u,
                "prior": self.prior,
                "tf_tables": self.tf_tables,
                "n_records": self.n_records,
                "diagnostics": self.diagnostics,
            },
            ensure_ascii=False,
        )

    @classmethod
    def from_json(cls, text: str) -> MatchModel:
        """Read a model written by :meth:`to_json`.

        Raises:
            MatchModelError: the text is not a carnet match model or its
                parameters do not fit its comparisons.
        """
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise MatchModelError(f"The match model is not valid JSON: {exc}.") from exc
        if not isinstance(data, dict) or data.get("format") != MODEL_FORMAT:
            raise MatchModelError(
                f"This is not a carnet match model (expected format {MODEL_FORMAT})."
            )
        settings = MatchSettings.from_dict(data["settings"])
        model = cls(
            settings=settings,
            m={k: [float(x) for x in v] for k, v in data["m"].items()},
            u={k: [float(x) for x in v] for k, v in data["u"].items()},
            prior=float(data["prior"]),
            tf_tables=data.get("tf_tables", {}),
            n_records=int(data.get("n_records", 0)),
            diagnostics=data.get("diagnostics", {}),
        )
        model.check()
        return model

    def check(self) -> None:
        """Raise :class:`MatchModelError` unless m and u fit the comparisons."""
        problems = []
        for comp in self.settings.comparisons:
            for name, table in (("m", self.m), ("u", self.u)):
                values = table.get(comp.name)
                if values is None or len(values) != len(comp.levels):
                    problems.append(f"{name} of '{comp.name}' does not fit its levels")
                elif any(not 0.0 < v <= 1.0 for v in values):
                    problems.append(f"{name} of '{comp.name}' has a value outside (0, 1]")
        if not 0.0 < self.prior < 1.0:
            problems.append("the prior must be in (0, 1)")
        if problems:
            raise MatchModelError("The match model is not usable: " + "; ".join(problems) + ".")
