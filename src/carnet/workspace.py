"""The workspace: ``Carnet(url)``, the one facade the CLI and the web app call.

Every change goes through here and is written to the history with its source.

>>> import tempfile, os
>>> url = "sqlite:///" + os.path.join(tempfile.mkdtemp(), "doc.db")
>>> ws = Carnet.init(url, profile="b2c")
>>> c = ws.add_contact({"first_name": "jean-pierre", "last_name": "DUPONT",
...                     "email": "JP.Dupont@Gmail.com"}, source="doctest")
>>> c.first_name, c.last_name, c.email
('Jean-Pierre', 'Dupont', 'jp.dupont@gmail.com')
>>> ws.update_contact(c.id, {"job_title": "Acheteur"}, source="doctest").job_title
'Acheteur'
>>> [h.field for h in ws.history(c.id)][-1]
'job_title'
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from carnet.config import Settings
from carnet.consent.facade import ConsentMixin
from carnet.crypto import FieldCipher
from carnet.dedupe.facade import DedupeMixin
from carnet.dedupe.organisation_facade import OrganisationDedupeMixin
from carnet.directory.base import HistoryEntry, _user, as_utc, utcnow
from carnet.errors import ConfigError
from carnet.fields.catalog import Catalog, Profile, default_catalog
from carnet.fields.values import check_value
from carnet.ingest.facade import IngestMixin
from carnet.model import Contact
from carnet.privacy.facade import PrivacyMixin
from carnet.store import engine as store_engine
from carnet.store import schema as s


@dataclass(frozen=True)
class InitResult:
    """What ``carnet init`` did."""

    url: str
    revision_before: str | None
    revision_after: str
    profile: str
    country: str

    @property
    def created(self) -> bool:
        """True when the database was empty before."""
        return self.revision_before is None


class Carnet(IngestMixin, ConsentMixin, PrivacyMixin, DedupeMixin, OrganisationDedupeMixin):
    """A carnet workspace on one database.

    Args:
        url: database URL; defaults to ``CARNET_DATABASE_URL`` or ``sqlite:///carnet.db``.
        settings: settings to use instead of reading the environment.
        actor: who acts, recorded in history and audit ("cli:alice", "api:key-3").

    Raises:
        DatabaseError: when the database is unreachable or not initialised.
        SchemaOutdatedError: when it needs ``carnet init`` to migrate.
    """

    def __init__(
        self,
        url: str | None = None,
        *,
        settings: Settings | None = None,
        actor: str | None = None,
        _check: bool = True,
    ) -> None:
        self.settings = settings or Settings.load(database_url=url)
        if url is not None and self.settings.database_url != url:
            self.settings = Settings(**{**self.settings.__dict__, "database_url": url})
        self.url = self.settings.database_url
        self.actor = actor or f"cli:{_user()}"
        self.engine: Engine = store_engine.make_engine(self.url)
        if _check:
            store_engine.check_schema(self.engine)
        self.catalog: Catalog = default_catalog().with_custom(self.settings.custom_fields)
        self._cipher: FieldCipher | None = (
            FieldCipher(self.settings.encryption_key) if self.settings.encryption_key else None
        )
        self._meta: dict[str, Any] | None = None

    @classmethod
    def init(
        cls,
        url: str | None = None,
        *,
        profile: str | None = None,
        country: str | None = None,
        settings: Settings | None = None,
        actor: str | None = None,
    ) -> Carnet:
        """Create the workspace's tables, or migrate them, and record its profile.

        Args:
            url: database URL.
            profile: "b2c" or "b2b"; kept when omitted on an existing workspace (default b2c).
            country: default country (ISO alpha-2); kept when omitted (default FR).

        Returns:
            The open workspace; ``workspace.last_init`` tells what was done.
        """
        ws = cls(url, settings=settings, actor=actor, _check=False)
        before, after = store_engine.upgrade(ws.engine)
        with ws.engine.begin() as conn:
            current = dict(conn.execute(sa.select(s.settings.c.key, s.settings.c.value)).all())
            chosen_profile = Profile(profile or current.get("profile") or "b2c").value
            chosen_country = (country or current.get("country") or ws.settings.country).upper()
            check = check_value(ws.catalog["country"], chosen_country)
            if not check.ok or check.normalised is None:
                raise ConfigError(f"Country '{chosen_country}' is not an ISO code such as FR.")
            wanted = {
                "profile": chosen_profile,
                "country": check.normalised,
                "created_at": current.get("created_at") or utcnow().isoformat(),
            }
            for key, value in wanted.items():
                if key in current:
                    conn.execute(
                        s.settings.update().where(s.settings.c.key == key).values(value=value)
                    )
                else:
                    conn.execute(s.settings.insert().values(key=key, value=value))
        ws.last_init = InitResult(ws.url, before, after, chosen_profile, wanted["country"])
        return ws

    last_init: InitResult | None = None

    def close(self) -> None:
        """Release the database connections."""
        self.engine.dispose()

    def __enter__(self) -> Carnet:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # -- edits keep the quality scores current ---------------------------------------------

    def add_contact(
        self, values: Mapping[str, Any], *, source: str = "manual", strict: bool = True
    ) -> Contact:
        """Create a contact (see :meth:`ContactsMixin.add_contact`) and score it."""
        contact = super().add_contact(values, source=source, strict=strict)
        self.compute_quality([contact.id])
        return contact

    def update_contact(
        self,
        contact_id: int,
        changes: Mapping[str, Any],
        *,
        source: str = "manual",
        reason: str | None = None,
        strict: bool = True,
    ) -> Contact:
        """Change a contact (see :meth:`ContactsMixin.update_contact`) and rescore it."""
        contact = super().update_contact(
            contact_id, changes, source=source, reason=reason, strict=strict
        )
        self.compute_quality([contact.id])
        return contact

    def remove_contact_point(
        self, point_id: int, *, source: str = "manual", reason: str | None = None
    ) -> None:
        """Delete an email, phone or address (see :meth:`ContactsMixin.remove_contact_point`)
        and rescore its contact."""
        with self.engine.connect() as conn:
            owner = conn.execute(
                sa.select(s.contact_points.c.contact_id).where(s.contact_points.c.id == point_id)
            ).scalar_one_or_none()
        super().remove_contact_point(point_id, source=source, reason=reason)
        if owner is not None:
            self.compute_quality([int(owner)])

    def stats(self) -> dict[str, Any]:
        """Counts that describe the workspace: contacts by status, contact points by kind
        and verdict, organisations, events, orders, imports and sources."""
        with self.engine.connect() as conn:
            by_status: dict[str, int] = dict(
                conn.execute(
                    sa.select(s.contacts.c.status, sa.func.count()).group_by(s.contacts.c.status)
                ).all()
            )
            points: dict[str, dict[str, int]] = {}
            for kind, verdict, count in conn.execute(
                sa.select(
                    s.contact_points.c.kind, s.contact_points.c.verdict, sa.func.count()
                ).group_by(s.contact_points.c.kind, s.contact_points.c.verdict)
            ).all():
                points.setdefault(kind, {})[verdict] = int(count)
            reachable = {}
            for kind in ("email", "phone", "address"):
                reachable[kind] = int(
                    conn.execute(
                        sa.select(sa.func.count(sa.distinct(s.contact_points.c.contact_id)))
                        .join(s.contacts, s.contacts.c.id == s.contact_points.c.contact_id)
                        .where(
                            s.contact_points.c.kind == kind,
                            s.contact_points.c.verdict.in_(("valid", "warning")),
                            s.contacts.c.status == "active",
                        )
                    ).scalar_one()
                )

            def count(table: sa.Table) -> int:
                return int(conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())

            return {
                "database": self.engine.url.render_as_string(hide_password=True),
                "profile": self.profile.value,
                "country": self.country,
                "contacts": {k: int(v) for k, v in by_status.items()},
                "contacts_total": int(sum(by_status.values())),
                "contact_points": points,
                "contacts_with_valid": reachable,
                "organisations": count(s.organisations),
                "events": count(s.events),
                "orders": count(s.orders),
                "products": count(s.products),
                "consent_events": count(s.consent_events),
                "imports": count(s.imports),
                "sources": count(s.sources),
                "history_entries": count(s.history),
            }


__all__ = ["Carnet", "HistoryEntry", "InitResult", "as_utc", "utcnow"]
