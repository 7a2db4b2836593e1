"""Shared fixtures: a database URL on SQLite and on PostgreSQL, and an initialised workspace.

Every test that takes ``db_url`` or ``carnet`` runs twice, once per database.
PostgreSQL comes from ``CARNET_TEST_POSTGRES_URL``; each test gets a schema of its
own, dropped afterwards. When the variable is missing the PostgreSQL half is
skipped locally, but fails under CI (``CARNET_REQUIRE_POSTGRES=1`` or ``CI``).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
import sqlalchemy as sa

from carnet import Carnet
from carnet.config import Settings

DATA = Path(__file__).parent / "data"
POSTGRES_URL = os.environ.get("CARNET_TEST_POSTGRES_URL")
REQUIRE_POSTGRES = bool(os.environ.get("CARNET_REQUIRE_POSTGRES") or os.environ.get("CI"))
TEST_KEY = "test-encryption-key-0123456789"


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test reads the developer's CARNET_* settings or a carnet.toml in the cwd."""
    for var in list(os.environ):
        if var.startswith("CARNET_") and var not in (
            "CARNET_TEST_POSTGRES_URL",
            "CARNET_REQUIRE_POSTGRES",
        ):
            monkeypatch.delenv(var, raising=False)
    monkeypatch.chdir(tmp_path)


def _postgres_schema_url() -> Iterator[str]:
    if not POSTGRES_URL:
        if REQUIRE_POSTGRES:
            pytest.fail("CARNET_TEST_POSTGRES_URL is not set but PostgreSQL tests are required.")
        pytest.skip("CARNET_TEST_POSTGRES_URL is not set")
    schema = "t_" + uuid.uuid4().hex[:12]
    admin = sa.create_engine(POSTGRES_URL.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with admin.begin() as conn:
            conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    except sa.exc.OperationalError as exc:
        pytest.fail(f"PostgreSQL at {POSTGRES_URL} is unreachable: {exc}")
    separator = "&" if "?" in POSTGRES_URL else "?"
    try:
        yield f"{POSTGRES_URL}{separator}options={quote(f'-csearch_path={schema}')}"
    finally:
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database URL with nothing in it, on each database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'carnet.db'}"
    else:
        yield from _postgres_schema_url()


@pytest.fixture
def settings(db_url: str) -> Settings:
    """Settings for a test workspace, with an encryption key."""
    return Settings(database_url=db_url, encryption_key=TEST_KEY, secret_key="test-secret")


@pytest.fixture
def carnet(settings: Settings) -> Iterator[Carnet]:
    """An initialised B2C workspace, on each database."""
    ws = Carnet.init(settings=settings, profile="b2c", actor="test")
    try:
        yield ws
    finally:
        ws.close()
