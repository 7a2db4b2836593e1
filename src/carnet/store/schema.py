"""The tables of a carnet workspace (SQLAlchemy Core), one schema for SQLite and PostgreSQL.

The Alembic migrations in ``carnet/store/migrations`` create and evolve these
tables; this module is the reference they are generated from. Append-only
tables (``history``, ``consent_events``, ``audit_log``) are only ever inserted
into by the workspace.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
)

# Stable constraint names so migrations are identical on both databases.
metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

# SQLite only auto-increments INTEGER PRIMARY KEY; BigInteger elsewhere.
Id = BigInteger().with_variant(Integer(), "sqlite")
Money = Numeric(14, 2)


def _ts(name: str, **kw: object) -> Column[object]:
    return Column(name, DateTime(timezone=True), **kw)  # type: ignore[arg-type]


settings = Table(
    "settings",
    metadata,
    Column("key", String(100), primary_key=True),
    Column("value", JSON, nullable=False),
)

sources = Table(
    "sources",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("name", String(200), nullable=False, unique=True),
    Column("kind", String(50), nullable=False, server_default="file"),
    # Lower number wins in survivorship rules.
    Column("priority", Integer, nullable=False, server_default="100"),
    _ts("created_at", nullable=False),
)

organisations = Table(
    "organisations",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("name", String(300)),
    Column("siren", String(9), index=True),
    Column("siret", String(14), index=True),
    Column("vat_number", String(20)),
    Column("naf_code", String(10)),
    # SARL, SAS, EI ... (carnet.fields.legal_form)
    Column("legal_form", String(20)),
    Column("sector", String(200)),
    Column("size_band", String(20)),
    Column("revenue_band", String(40)),
    Column("website", String(300)),
    Column("line1", String(200)),
    Column("line2", String(200)),
    Column("postcode", String(20)),
    Column("city", String(200)),
    Column("country", String(2)),
    Column("attributes", JSON, nullable=False, default=dict),
    Column("status", String(20), nullable=False, server_default="active"),
    Column("merged_into_id", Id, ForeignKey("organisations.id", ondelete="SET NULL")),
    _ts("created_at", nullable=False),
    _ts("updated_at", nullable=False),
)

contacts = Table(
    "contacts",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("civility", String(10)),
    Column("first_name", String(200)),
    Column("last_name", String(200)),
    Column("birth_date", Date),
    Column("gender", String(10)),
    Column("language", String(5)),
    Column("job_title", String(200)),
    Column("pcs", String(80)),
    Column("organisation_id", Id, ForeignKey("organisations.id", ondelete="SET NULL"), index=True),
    Column("lifecycle_stage", String(30)),
    # active, archived, anonymised, merged
    Column("status", String(20), nullable=False, server_default="active", index=True),
    Column("merged_into_id", Id, ForeignKey("contacts.id", ondelete="SET NULL"), index=True),
    Column("customer_since", Date),
    Column("loyalty_id", String(100), index=True),
    Column("iban_ciphertext", Text),
    Column("interests", JSON, nullable=False, default=list),
    Column("equipment", JSON, nullable=False, default=list),
    Column("tags", JSON, nullable=False, default=list),
    Column("attributes", JSON, nullable=False, default=dict),
    _ts("first_seen", nullable=False),
    _ts("last_activity"),
    _ts("created_at", nullable=False),
    _ts("updated_at", nullable=False),
    Index("ix_contacts_last_first", "last_name", "first_name"),
)

contact_roles = Table(
    "contact_roles",
    metadata,
    Column("contact_id", Id, ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True),
    Column(
        "organisation_id", Id, ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True
    ),
    # decision_maker, buyer, user, billing, other
    Column("role", String(40), primary_key=True),
    Column("title", String(200)),
    _ts("created_at", nullable=False),
)

contact_points = Table(
    "contact_points",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("contact_id", Id, ForeignKey("contacts.id", ondelete="CASCADE"), nullable=False),
    # email, phone, address
    Column("kind", String(10), nullable=False),
    Column("raw", Text),
    Column("normalised", String(320)),
    # valid, warning, invalid, empty, bounced, unassigned ...
    Column("verdict", String(20), nullable=False),
    Column("flags", String(200), nullable=False, server_default=""),
    Column("reasons", Text),
    # phones: mobile, landline ...; emails: personal, professional, role; addresses: home, work
    Column("subtype", String(20)),
    Column("is_primary", Boolean, nullable=False, server_default="0"),
    Column("line1", String(200)),
    Column("line2", String(200)),
    Column("line3", String(200)),
    Column("postcode", String(20)),
    Column("city", String(200)),
    Column("country", String(2)),
    Column("source_id", Id, ForeignKey("sources.id", ondelete="SET NULL")),
    Column("import_id", Id, ForeignKey("imports.id", ondelete="SET NULL")),
    _ts("first_seen", nullable=False),
    _ts("last_seen", nullable=False),
    _ts("last_verified"),
    Index("ix_contact_points_contact", "contact_id", "kind"),
    Index("ix_contact_points_lookup", "kind", "normalised"),
)

external_ids = Table(
    "external_ids",
    metadata,
    Column("source_id", Id, ForeignKey("sources.id", ondelete="CASCADE"), primary_key=True),
    Column("external_id", String(200), primary_key=True),
    Column(
        "contact_id", Id, ForeignKey("contacts.id", ondelete="CASCADE"), nullable=False, index=True
    ),
    _ts("created_at", nullable=False),
    # order lines name their customer by another source's id: looked up across
    # sources, which the primary key (source first) cannot serve
    Index("ix_external_ids_external_id", "external_id"),
)

imports = Table(
    "imports",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("source_id", Id, ForeignKey("sources.id", ondelete="RESTRICT"), nullable=False),
    Column("file_name", String(500), nullable=False),
    Column("fingerprint", String(64), nullable=False, index=True),
    Column("mapping", JSON, nullable=False, default=dict),
    Column("options", JSON, nullable=False, default=dict),
    # running, completed, failed
    Column("status", String(20), nullable=False),
    Column("counts", JSON, nullable=False, default=dict),
    Column("rows_total", Integer, nullable=False, server_default="0"),
    # Highest input row whose outcome is committed: resume point after a crash.
    Column("last_row", Integer, nullable=False, server_default="0"),
    _ts("started_at", nullable=False),
    _ts("finished_at"),
)

import_rows = Table(
    "import_rows",
    metadata,
    Column("import_id", Id, ForeignKey("imports.id", ondelete="CASCADE"), primary_key=True),
    Column("row_number", Integer, primary_key=True),
    # inserted, updated, unchanged, merged, rejected, suppressed
    Column("outcome", String(20), nullable=False),
    Column("contact_id", Id, ForeignKey("contacts.id", ondelete="SET NULL"), index=True),
    Column("reason", Text),
    Column("raw", JSON),
)

history = Table(
    "history",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    # contact, organisation
    Column("entity", String(20), nullable=False),
    Column("entity_id", Id, nullable=False),
    Column("field", String(100), nullable=False),
    Column("old_value", Text),
    Column("new_value", Text),
    Column("source", String(200), nullable=False),
    Column("import_id", Id, ForeignKey("imports.id", ondelete="SET NULL")),
    Column("reason", Text),
    Column("actor", String(200)),
    _ts("changed_at", nullable=False),
    Index("ix_history_entity", "entity", "entity_id", "field"),
)

events = Table(
    "events",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("contact_id", Id, ForeignKey("contacts.id", ondelete="CASCADE"), nullable=False),
    # newsletter_signup, email_open, email_click, page_view, download,
    # event_registration, survey_answer, contest_entry, nps, call_note ...
    Column("type", String(50), nullable=False),
    _ts("occurred_at", nullable=False),
    Column("value", Float),
    Column("properties", JSON, nullable=False, default=dict),
    Column("source", String(200), nullable=False),
    Column("import_id", Id, ForeignKey("imports.id", ondelete="SET NULL")),
    Index("ix_events_contact_time", "contact_id", "occurred_at"),
    Index("ix_events_type_time", "type", "occurred_at"),
)

products = Table(
    "products",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("sku", String(100), nullable=False, unique=True),
    Column("name", String(300)),
    Column("category", String(200)),
    Column("price", Money),
    Column("stock", Integer),
    Column("attributes", JSON, nullable=False, default=dict),
    _ts("created_at", nullable=False),
    _ts("updated_at", nullable=False),
)

product_prices = Table(
    "product_prices",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("product_id", Id, ForeignKey("products.id", ondelete="CASCADE"), nullable=False),
    Column("price", Money, nullable=False),
    Column("stock", Integer),
    _ts("valid_from", nullable=False),
)

orders = Table(
    "orders",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("contact_id", Id, ForeignKey("contacts.id", ondelete="CASCADE"), nullable=False),
    Column("source", String(200), nullable=False),
    Column("external_ref", String(200)),
    _ts("ordered_at", nullable=False),
    # placed, paid, shipped, returned, cancelled
    Column("status", String(20), nullable=False, server_default="placed"),
    Column("total_amount", Money, nullable=False),
    Column("currency", String(3), nullable=False, server_default="EUR"),
    Column("channel", String(40)),
    Column("is_renewal", Boolean, nullable=False, server_default="0"),
    Column("import_id", Id, ForeignKey("imports.id", ondelete="SET NULL")),
    UniqueConstraint("source", "external_ref", name="uq_orders_source_ref"),
    Index("ix_orders_contact_time", "contact_id", "ordered_at"),
)

order_lines = Table(
    "order_lines",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("order_id", Id, ForeignKey("orders.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("product_id", Id, ForeignKey("products.id", ondelete="SET NULL")),
    Column("sku", String(100)),
    Column("product_name", String(300)),
    Column("quantity", Integer, nullable=False, server_default="1"),
    Column("unit_price", Money, nullable=False),
    Column("amount", Money, nullable=False),
    Column("returned_quantity", Integer, nullable=False, server_default="0"),
    # Identifies an imported line within its order, so re-imports add nothing.
    Column("line_ref", String(100)),
    UniqueConstraint("order_id", "line_ref", name="uq_order_lines_order_ref"),
)

carts = Table(
    "carts",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("contact_id", Id, ForeignKey("contacts.id", ondelete="CASCADE"), nullable=False),
    # open, abandoned, converted
    Column("status", String(20), nullable=False),
    Column("total_amount", Money),
    Column("lines", JSON, nullable=False, default=list),
    Column("order_id", Id, ForeignKey("orders.id", ondelete="SET NULL")),
    Column("source", String(200), nullable=False),
    _ts("created_at", nullable=False),
    _ts("updated_at", nullable=False),
)

consent_wordings = Table(
    "consent_wordings",
    metadata,
    Column("hash", String(64), primary_key=True),
    Column("purpose", String(50), nullable=False),
    Column("language", String(5), nullable=False),
    Column("version", String(50), nullable=False),
    Column("text", Text, nullable=False),
    _ts("created_at", nullable=False),
)

consent_events = Table(
    "consent_events",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("contact_id", Id, ForeignKey("contacts.id", ondelete="SET NULL"), index=True),
    Column("purpose", String(50), nullable=False),
    # email, sms, phone, post
    Column("channel", String(10), nullable=False),
    # requested, granted, confirmed, withdrawn, expired
    Column("action", String(20), nullable=False),
    # consent, contract, legitimate_interest
    Column("legal_basis", String(30), nullable=False),
    _ts("occurred_at", nullable=False),
    _ts("recorded_at", nullable=False),
    Column("wording_hash", String(64), ForeignKey("consent_wordings.hash")),
    Column("proof", JSON, nullable=False, default=dict),
    Column("prev_hash", String(64)),
    Column("hash", String(64), nullable=False, unique=True),
)

consent_state = Table(
    "consent_state",
    metadata,
    Column("contact_id", Id, ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True),
    Column("purpose", String(50), primary_key=True),
    Column("channel", String(10), primary_key=True),
    Column("status", String(20), nullable=False),
    _ts("since", nullable=False),
    Column("event_id", Id, ForeignKey("consent_events.id"), nullable=False),
)

suppressions = Table(
    "suppressions",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    # email, phone
    Column("kind", String(10), nullable=False),
    # HMAC-SHA256 of the normalised value, keyed with the workspace secret.
    Column("key_hash", String(64), nullable=False),
    # unsubscribed, erased, hard_bounce, complaint, manual
    Column("reason", String(30), nullable=False),
    Column("source", String(200)),
    _ts("created_at", nullable=False),
    UniqueConstraint("kind", "key_hash", name="uq_suppressions_kind_hash"),
)

match_pairs = Table(
    "match_pairs",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("contact_id_l", Id, nullable=False),
    Column("contact_id_r", Id, nullable=False),
    Column("match_weight", Float, nullable=False),
    Column("probability", Float, nullable=False),
    Column("explanation", JSON, nullable=False, default=list),
    # pending, auto, accepted, rejected
    Column("status", String(20), nullable=False, index=True),
    Column("decided_by", String(200)),
    _ts("decided_at"),
    _ts("created_at", nullable=False),
    UniqueConstraint("contact_id_l", "contact_id_r", name="uq_match_pairs_lr"),
)

merges = Table(
    "merges",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("survivor_id", Id, nullable=False, index=True),
    Column("merged_ids", JSON, nullable=False),
    # Everything needed to restore the merged contacts exactly.
    Column("snapshot", JSON, nullable=False),
    Column("reason", Text),
    Column("decided_by", String(200)),
    _ts("created_at", nullable=False),
    _ts("undone_at"),
)

# Merges of organisations, undone like contact merges (their ids are another series).
organisation_merges = Table(
    "organisation_merges",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("survivor_id", Id, nullable=False, index=True),
    Column("merged_ids", JSON, nullable=False),
    # Everything needed to restore the merged organisations exactly.
    Column("snapshot", JSON, nullable=False),
    Column("reason", Text),
    Column("decided_by", String(200)),
    _ts("created_at", nullable=False),
    _ts("undone_at"),
)

# Organisations a person said are two companies: never proposed or merged together again.
organisation_pairs = Table(
    "organisation_pairs",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("organisation_id_l", Id, nullable=False),
    Column("organisation_id_r", Id, nullable=False),
    # rejected (kept apart)
    Column("status", String(20), nullable=False),
    Column("reason", Text),
    Column("decided_by", String(200)),
    _ts("decided_at", nullable=False),
    UniqueConstraint("organisation_id_l", "organisation_id_r", name="uq_organisation_pairs_lr"),
)

users = Table(
    "users",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("name", String(200), nullable=False, unique=True),
    Column("email", String(320)),
    # admin, editor, viewer
    Column("role", String(20), nullable=False, server_default="viewer"),
    _ts("created_at", nullable=False),
    _ts("disabled_at"),
)

api_keys = Table(
    "api_keys",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("user_id", Id, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(200), nullable=False),
    Column("key_hash", String(64), nullable=False, unique=True),
    _ts("created_at", nullable=False),
    _ts("last_used_at"),
    _ts("revoked_at"),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    # "cli:alice", "api:key-12", "public", "system"
    Column("actor", String(200), nullable=False),
    # read, export, change, erase, import, merge ...
    Column("action", String(40), nullable=False),
    Column("entity", String(40), nullable=False),
    Column("entity_id", String(100)),
    Column("count", Integer, nullable=False, server_default="1"),
    Column("details", JSON, nullable=False, default=dict),
    _ts("at", nullable=False),
    Index("ix_audit_log_at", "at"),
)

ref_postcodes = Table(
    "ref_postcodes",
    metadata,
    # La Poste's official postcode table, loaded by `carnet refdata load postcodes`.
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("postcode", String(10), nullable=False, index=True),
    Column("commune", String(100), nullable=False),
    Column("routing_label", String(100), nullable=False),
    Column("line5", String(100)),
    Column("insee_code", String(10)),
)

quality_scores = Table(
    "quality_scores",
    metadata,
    Column("contact_id", Id, ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True),
    # Shares between 0 and 1 (see carnet.quality.scores for the formulas).
    Column("completeness", Float, nullable=False),
    Column("validity", Float, nullable=False),
    Column("freshness", Float, nullable=False),
    Column("reachable_email", Boolean, nullable=False),
    Column("reachable_sms", Boolean, nullable=False),
    Column("reachable_post", Boolean, nullable=False),
    # 0-100, what segments filter on.
    Column("score", Integer, nullable=False),
    # Codes and parameters ({"missing": [...], "invalid": [...], "stale": [[field, date]]}),
    # rendered to French or English text by carnet.quality.text.
    Column("explanation", JSON, nullable=False),
    Column("computed_at", DateTime(timezone=True), nullable=False),
    Index("ix_quality_scores_score", "score"),
)

quality_snapshots = Table(
    "quality_snapshots",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("taken_at", DateTime(timezone=True), nullable=False),
    # The headline figures of the quality report at that time (see QualityReport.summary).
    Column("summary", JSON, nullable=False),
    Index("ix_quality_snapshots_taken_at", "taken_at"),
)
