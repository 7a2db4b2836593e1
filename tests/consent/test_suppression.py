"""The suppression list: keyed hashes, batched lookups, lifting by a confirmed opt-in."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from carnet.consent import suppression
from carnet.errors import ConfigError, InvalidValueError
from carnet.store import schema as s
from carnet.workspace import Carnet


def test_values_are_stored_as_keyed_hashes_only(ws: Carnet) -> None:
    with ws.engine.begin() as conn:
        assert suppression.suppress(conn, "email", "a@orange.fr", "unsubscribed", "k1")
        assert not suppression.suppress(conn, "email", " A@Orange.fr ", "complaint", "k1")
        rows = conn.execute(sa.select(s.suppressions)).mappings().all()
    assert len(rows) == 1 and rows[0]["reason"] == "unsubscribed"
    assert "orange" not in str(dict(rows[0]))
    assert rows[0]["key_hash"] == suppression.key_hash("email", "a@orange.fr", "k1")
    assert suppression.key_hash("email", "a@orange.fr", "k2") != rows[0]["key_hash"]


def test_batched_lookup(ws: Carnet) -> None:
    values = [f"person{i}@free.fr" for i in range(1200)]
    with ws.engine.begin() as conn:
        assert suppression.suppress_many(conn, "email", values[::3], "hard_bounce", "k") == 400
        found = suppression.suppressed_values(conn, "email", values, "k")
        phones = suppression.suppressed_values(conn, "phone", values, "k")
    assert found == set(values[::3]) and phones == set()


def test_lift_only_for_reopt_in_reasons(ws: Carnet) -> None:
    with ws.engine.begin() as conn:
        suppression.suppress(conn, "email", "a@free.fr", "unsubscribed", "k")
        suppression.suppress(conn, "email", "b@free.fr", "complaint", "k")
        assert suppression.lift(conn, "email", "a@free.fr", "k") is not None
        assert suppression.lift(conn, "email", "b@free.fr", "k") is None
        assert suppression.suppressed_values(conn, "email", ["a@free.fr", "b@free.fr"], "k") == {
            "b@free.fr"
        }


def test_errors(ws: Carnet) -> None:
    with ws.engine.begin() as conn:
        with pytest.raises(InvalidValueError, match="reason 'bored'"):
            suppression.suppress(conn, "email", "a@free.fr", "bored", "k")
        with pytest.raises(InvalidValueError, match="kind 'fax'"):
            suppression.suppress(conn, "fax", "123", "manual", "k")
        with pytest.raises(ConfigError, match="CARNET_SECRET_KEY"):
            suppression.suppress(conn, "email", "a@free.fr", "manual", "")
    with pytest.raises(InvalidValueError, match="not a usable"):
        ws.suppress("not an address at all", kind="email")


def test_workspace_normalises_raw_values(ws: Carnet) -> None:
    assert ws.suppress(" JP.Dupont@Gmail.com ", reason="unsubscribed")
    assert ws.is_suppressed("jp.dupont@gmail.com") is not None
    assert ws.suppress("06 12 34 56 78")
    assert ws.is_suppressed("+33 6 12 34 56 78") is not None
    assert ws.is_suppressed("07 00 00 00 00") is None
