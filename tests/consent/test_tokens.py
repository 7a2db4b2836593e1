"""Signed links: forgery, other action, expiry, replay."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest

from carnet.consent import tokens
from carnet.consent.errors import ExpiredTokenError, InvalidTokenError, UsedTokenError
from carnet.workspace import Carnet


def test_round_trip_and_scope() -> None:
    token = tokens.make_token("secret", 7, "confirm", p=["newsletter"], r=[1])
    link = tokens.read_token("secret", token, "confirm")
    assert (link.contact_id, link.action, dict(link.data)) == (
        7, "confirm", {"p": ["newsletter"], "r": [1]}
    )
    with pytest.raises(InvalidTokenError):
        tokens.read_token("secret", token, "unsubscribe")


@pytest.mark.parametrize(
    "mangle",
    [
        lambda t: t[:-2] + ("AA" if not t.endswith("AA") else "BB"),
        lambda t: t[: len(t) // 2],
        lambda t: "",
        lambda t: "not-a-token",
        lambda t: t.replace(".", "", 1),
        lambda t: "é" + t,
    ],
)
def test_forged_or_damaged_tokens(mangle: object) -> None:
    token = tokens.make_token("secret", 7, "preferences")
    with pytest.raises(InvalidTokenError):
        tokens.read_token("secret", mangle(token), "preferences")  # type: ignore[operator]


def test_a_token_signed_with_another_key_is_refused() -> None:
    token = tokens.make_token("attacker-key", 7, "unsubscribe")
    with pytest.raises(InvalidTokenError):
        tokens.read_token("secret", token, "unsubscribe")


def test_expiry(monkeypatch: pytest.MonkeyPatch) -> None:
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() - 8 * 86400)
    token = tokens.make_token("secret", 7, "confirm")
    monkeypatch.setattr(time, "time", real)
    with pytest.raises(ExpiredTokenError):
        tokens.read_token("secret", token, "confirm")
    assert tokens.read_token("secret", token, "confirm", max_age=timedelta(days=9)).contact_id == 7


def test_replay_is_refused(ws: Carnet) -> None:
    link = tokens.read_token("test-secret", tokens.make_token("test-secret", 1, "confirm"),
                             "confirm")
    with ws.engine.begin() as conn:
        tokens.consume(conn, link)
    with ws.engine.begin() as conn, pytest.raises(UsedTokenError):
        tokens.consume(conn, link)
    other = tokens.read_token("test-secret", tokens.make_token("test-secret", 1, "confirm"),
                              "confirm")
    with ws.engine.connect() as conn:
        assert tokens.is_used(conn, link) and not tokens.is_used(conn, other)
