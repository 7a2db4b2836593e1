"""The quality methods of the workspace: scores, report, snapshots and fixes.

:class:`QualityMixin` is mixed into :class:`carnet.Carnet`::

    ws.compute_quality()                    # every contact (after a big import)
    ws.compute_quality([12, 13])            # after edits or merges
    ws.contact_quality(12).text             # 'manque : date de naissance ; ...'
    report = ws.quality_report(snapshot=True)
    ws.apply_fix("email-typos", dry_run=True)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from carnet.config import Settings
from carnet.directory.base import as_utc, utcnow
from carnet.errors import InvalidValueError, NotFoundError
from carnet.fields.catalog import Catalog, Profile
from carnet.model import Contact
from carnet.quality import fixes, report
from carnet.quality.html import render_html
from carnet.quality.scores import CHANNELS, ScoreEngine, compute
from carnet.quality.settings import QualitySettings
from carnet.quality.tables import quality_scores
from carnet.quality.text import LANGS, explain
from carnet.store import schema as s


class QualityHost(Protocol):
    """What the quality methods need from the workspace they are mixed into."""

    engine: Engine
    settings: Settings
    actor: str
    catalog: Catalog

    @property
    def profile(self) -> Profile: ...

    def update_contact(
        self,
        contact_id: int,
        changes: Mapping[str, Any],
        *,
        source: str = ...,
        reason: str | None = ...,
        strict: bool = ...,
    ) -> Contact: ...

    def remove_contact_point(
        self, point_id: int, *, source: str = ..., reason: str | None = ...
    ) -> None: ...

    def compute_quality(
        self, contact_ids: Iterable[int] | None = ..., *, now: datetime | None = ...
    ) -> int: ...


@dataclass(frozen=True)
class ContactQuality:
    """The stored quality of one contact.

    Attributes:
        contact_id: the contact.
        score: 0–100.
        completeness: share of the profile's fields present (0–1).
        validity: share of present values that are valid (0–1).
        freshness: how recent the present values are (0–1).
        reachable: channel (email, sms, post) → reachable for marketing.
        explanation: codes: ``missing``, ``invalid``, ``stale`` lists.
        text: the explanation as a sentence in the asked language.
        computed_at: when the score was computed.
    """

    contact_id: int
    score: int
    completeness: float
    validity: float
    freshness: float
    reachable: dict[str, bool]
    explanation: dict[str, Any]
    text: str
    computed_at: datetime | None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-friendly dictionary."""
        return {
            "contact_id": self.contact_id,
            "score": self.score,
            "completeness": round(self.completeness, 4),
            "validity": round(self.validity, 4),
            "freshness": round(self.freshness, 4),
            "reachable": self.reachable,
            "explanation": self.explanation,
            "text": self.text,
            "computed_at": self.computed_at.isoformat() if self.computed_at else None,
        }


def _check_lang(lang: str) -> str:
    if lang not in LANGS:
        raise InvalidValueError(f"Language '{lang}' is not fr or en.", field="lang")
    return lang


class QualityMixin:
    """Quality scores, the whole-file report, snapshots and fixes."""

    engine: Engine
    settings: Settings
    actor: str
    catalog: Catalog

    @property
    def quality_settings(self) -> QualitySettings:
        """The ``[carnet.quality]`` settings (obsolescence, weights, reach purposes).

        Raises:
            ConfigError: when they are invalid.
        """
        return QualitySettings.from_extra(self.settings.extra)

    def _score_engine(self, dialect: str, now: datetime) -> ScoreEngine:
        profile: Profile = self.profile  # type: ignore[attr-defined]
        return ScoreEngine(dialect, self.catalog, profile, self.quality_settings, now)

    def compute_quality(
        self, contact_ids: Iterable[int] | None = None, *, now: datetime | None = None
    ) -> int:
        """Compute and store the quality scores of some contacts, or of all.

        Call it with the ids an import, merge or edit touched (incremental), or
        without ids for the whole file. The result is the same either way.

        Args:
            contact_ids: contacts to score; None for every contact.
            now: the time ages are measured at (default: now).

        Returns:
            How many scores were written.

        Raises:
            ConfigError: when the suppression list is not empty and
                ``CARNET_SECRET_KEY`` is not set.
        """
        when = as_utc(now) or utcnow()
        profile: Profile = self.profile  # type: ignore[attr-defined]
        with self.engine.begin() as conn:
            return compute(
                conn,
                self.catalog,
                profile,
                self.quality_settings,
                when,
                self.settings.secret_key,
                contact_ids,
                # Nothing is written yet in this transaction: other connections see it all.
                reader=self.engine,
            )

    def contact_quality(self, contact_id: int, *, lang: str = "fr") -> ContactQuality:
        """The quality of one contact (computed first when it has no score yet).

        Raises:
            NotFoundError: when the contact does not exist.
        """
        _check_lang(lang)
        q = quality_scores.c
        query = sa.select(quality_scores).where(q.contact_id == contact_id)
        with self.engine.connect() as conn:
            row = conn.execute(query).mappings().first()
        if row is None:
            self.compute_quality([contact_id])
            with self.engine.connect() as conn:
                row = conn.execute(query).mappings().first()
        if row is None:
            raise NotFoundError(f"Contact {contact_id} does not exist.", contact_id=contact_id)
        explanation = dict(row["explanation"] or {})
        return ContactQuality(
            contact_id=int(row["contact_id"]),
            score=int(row["score"]),
            completeness=float(row["completeness"]),
            validity=float(row["validity"]),
            freshness=float(row["freshness"]),
            reachable={ch: bool(row[f"reachable_{ch}"]) for ch in CHANNELS},
            explanation=explanation,
            text=explain(explanation, self.catalog, lang),
            computed_at=as_utc(row["computed_at"]),
        )

    def quality_report(
        self,
        *,
        lang: str = "fr",
        recompute: bool = False,
        snapshot: bool = False,
        now: datetime | None = None,
    ) -> dict[str, Any]:
        """The whole-file quality report, as a JSON-ready dictionary.

        Contacts without a score are scored first; ``recompute`` rescores all.

        Args:
            lang: language of labels, problem titles and actions (``fr``/``en``).
            recompute: recompute every score first.
            snapshot: store the report's summary as a snapshot (for the trend).
            now: the report's time (default: now).

        Returns:
            ``contacts``, ``averages``, ``distribution``, ``fields``, ``reach``,
            ``duplicates``, ``obsolete``, ``problems`` (ranked, with the action
            carnet offers) and ``trend`` (earlier snapshots).
        """
        _check_lang(lang)
        when = as_utc(now) or utcnow()
        if recompute:
            self.compute_quality(now=when)
        else:
            missing = self._unscored_ids()
            if missing:
                self.compute_quality(missing, now=when)
        with self.engine.begin() as conn:
            trend = report.load_snapshots(conn)
            data = report.build_report(
                conn,
                self._score_engine(conn.dialect.name, when),
                self.catalog,
                self.quality_settings,
                when,
                lang,
                trend,
            )
            if snapshot:
                snapshot_id = report.save_snapshot(conn, data, when)
                data["trend"] = [
                    *trend,
                    {"id": snapshot_id, "taken_at": when.isoformat()[:19], **report.summary(data)},
                ]
        return data

    def _unscored_ids(self) -> list[int]:
        c = s.contacts.c
        q = quality_scores.c
        with self.engine.connect() as conn:
            return [
                int(i)
                for i in conn.execute(
                    sa.select(c.id)
                    .outerjoin(quality_scores, q.contact_id == c.id)
                    .where(q.contact_id.is_(None))
                ).scalars()
            ]

    def quality_snapshots(self, *, limit: int = 24) -> list[dict[str, Any]]:
        """The stored snapshots' summaries, oldest first."""
        with self.engine.connect() as conn:
            return report.load_snapshots(conn, limit)

    def write_quality_html(
        self, path: str | Path, data: dict[str, Any] | None = None, *, lang: str = "fr"
    ) -> Path:
        """Write the report as one self-contained HTML file (inline SVG charts).

        Args:
            path: the file to write.
            data: a report from :meth:`quality_report` (computed when omitted).
            lang: language when the report is computed here.
        """
        report_data = data or self.quality_report(lang=lang)
        target = Path(path)
        target.write_text(render_html(report_data), encoding="utf-8")
        return target

    def fix_suggestions(self, kind: str) -> list[fixes.Suggestion]:
        """The corrections a fix would apply (``email-typos``, ``postcodes``)."""
        return fixes.suggestions(self, kind)  # type: ignore[arg-type]

    def apply_fix(self, kind: str, *, dry_run: bool = False) -> fixes.FixResult:
        """Apply a fix's suggestions through the normal edit path (history written).

        Args:
            kind: ``email-typos`` or ``postcodes``.
            dry_run: only list what would change.

        Returns:
            The fix id (for :meth:`undo_fix`), the suggestions and the counts.
        """
        return fixes.apply(self, kind, dry_run=dry_run)  # type: ignore[arg-type]

    def undo_fix(self, fix_id: int) -> fixes.FixResult:
        """Undo a fix run (its history is replayed backwards).

        Raises:
            NotFoundError: when no fix has this id.
            InvalidValueError: when it was already undone.
        """
        return fixes.undo(self, fix_id)  # type: ignore[arg-type]

    def fix_runs(self, *, limit: int = 20) -> list[dict[str, Any]]:
        """The latest fix runs, newest first."""
        return fixes.runs(self, limit)  # type: ignore[arg-type]


__all__ = ["ContactQuality", "QualityHost", "QualityMixin"]
