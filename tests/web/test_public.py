"""The public app: double opt-in through a real SMTP server, one-click unsubscribe,
preference centre, bad links, languages, and the one JSON problem shape."""

from __future__ import annotations

import html
import re
import socket
import time
from collections.abc import Iterator
from email import message_from_bytes
from email.message import Message
from typing import Any

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller
from fastapi.testclient import TestClient

from carnet.consent import tokens
from carnet.store import schema as s
from carnet.web.public import create_app
from carnet.workspace import Carnet


class _Inbox:
    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(message_from_bytes(envelope.content))
        return "250 Message accepted for delivery"

    def wait(self, count: int = 1, timeout: float = 5.0) -> list[Message]:
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        assert len(self.messages) >= count, "no email arrived"
        return self.messages


@pytest.fixture
def inbox(monkeypatch: pytest.MonkeyPatch) -> Iterator[_Inbox]:
    """A local SMTP server (aiosmtpd); carnet is configured to send to it."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    handler = _Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setenv("CARNET_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("CARNET_SMTP_PORT", str(port))
    monkeypatch.setenv("CARNET_SMTP_TLS", "none")
    monkeypatch.setenv("CARNET_MAIL_FROM", "Boutique <bonjour@boutique.example>")
    monkeypatch.setenv("CARNET_PUBLIC_URL", "http://testserver")
    try:
        yield handler
    finally:
        controller.stop()


@pytest.fixture
def client(ws: Carnet) -> TestClient:
    return TestClient(create_app(ws))


def _body(message: Message) -> str:
    part = message.get_body(("plain",)) if hasattr(message, "get_body") else message
    payload = part.get_payload(decode=True) if part is not None else b""
    return payload.decode("utf-8") if isinstance(payload, bytes) else str(payload)


def _text_part(message: Message) -> str:
    for part in message.walk():
        if part.get_content_type() == "text/plain":
            payload = part.get_payload(decode=True)
            assert isinstance(payload, bytes)
            return payload.decode(part.get_content_charset() or "utf-8")
    raise AssertionError("no text part")


def _confirm_path(message: Message) -> str:
    found = re.search(r"http://testserver(/confirm/[\w.\-]+)", _text_part(message))
    assert found, _text_part(message)
    return found.group(1)


def test_double_opt_in_end_to_end(ws: Carnet, client: TestClient, inbox: _Inbox) -> None:
    page = client.get("/signup?lang=fr")
    assert page.status_code == 200 and "lettre d'information" in html.unescape(page.text)
    assert '<html lang="fr">' in page.text
    response = client.post(
        "/signup",
        data={"email": " Jeanne.Martin@Orange.fr ", "first_name": "Jeanne",
              "purposes": ["newsletter", "offers"], "lang": "fr", "form": "footer"},
        headers={"user-agent": "pytest-browser/1.0"},
    )
    assert response.status_code == 200 and "Vérifiez votre boîte" in response.text
    (message,) = inbox.wait()
    assert message["To"] == "jeanne.martin@orange.fr"
    assert message["Subject"] == "Confirmez votre inscription"
    contact = ws.list_contacts(filters={"email": "jeanne.martin@orange.fr"}).items[0]
    decision = ws.may_contact(contact.id, "newsletter", "email")
    assert not decision and "awaiting double opt-in" in decision.reason

    path = _confirm_path(message)
    landing = client.get(path)  # a link scanner's GET confirms nothing
    assert landing.status_code == 200 and "Je confirme" in landing.text
    assert not ws.may_contact(contact.id, "newsletter", "email")
    done = client.post(path)
    assert done.status_code == 200 and "Inscription confirmée" in done.text
    for purpose in ("newsletter", "offers"):
        decision = ws.may_contact(contact.id, purpose, "email")
        assert decision and decision.reason.startswith("confirmed")
    history = ws.consent_history(contact.id)
    confirmed = [e for e in history if e["action"] == "confirmed"]
    requested = [e for e in history if e["action"] == "requested"]
    assert requested[0]["proof"]["user_agent"] == "pytest-browser/1.0"
    assert confirmed[0]["proof"]["user_agent"] == "testclient"
    assert confirmed[0]["proof"]["request_event_id"] == requested[0]["id"]
    assert requested[0]["wording_text"].startswith("J'accepte")
    # The link works once.
    again = client.post(path)
    assert again.status_code == 409 and "déjà été utilisé" in again.text
    assert client.get(path).status_code == 409
    assert ws.verify_consent_ledger().ok


def test_signup_in_english_and_invalid_email(client: TestClient, inbox: _Inbox) -> None:
    page = client.get("/signup", headers={"accept-language": "en-GB,en;q=0.9,fr;q=0.5"})
    assert '<html lang="en">' in page.text and "Sign me up" in page.text
    bad = client.post("/signup?lang=en", data={"email": "nope", "purposes": ["newsletter"],
                                               "lang": "en"})
    assert bad.status_code == 422 and "cannot be used" in bad.text
    ok = client.post("/signup", data={"email": "anna@example.org", "purposes": ["newsletter"],
                                      "lang": "en"})
    assert ok.status_code == 200 and "Check your inbox" in ok.text
    (message,) = inbox.wait()
    assert message["Subject"] == "Please confirm your subscription"


def test_resubscribing_after_unsubscribe_lifts_the_suppression(
    ws: Carnet, client: TestClient, inbox: _Inbox
) -> None:
    client.post("/signup", data={"email": "paul@example.org", "purposes": ["newsletter"]})
    client.post(_confirm_path(inbox.wait(1)[0]))
    contact_id = ws.list_contacts(filters={"email": "paul@example.org"}).items[0].id
    token = ws.link_token(contact_id, "unsubscribe", p=None, ch="email", cmp=None)
    client.post(f"/unsubscribe/{token}", data={"List-Unsubscribe": "One-Click"})
    assert ws.is_suppressed("paul@example.org") is not None
    client.post("/signup", data={"email": "paul@example.org", "purposes": ["newsletter"]})
    client.post(_confirm_path(inbox.wait(2)[1]))
    assert ws.is_suppressed("paul@example.org") is None
    assert ws.may_contact(contact_id, "newsletter", "email")


def _subscriber(ws: Carnet, email: str = "lea@example.org") -> int:
    cid = ws.add_contact({"first_name": "Léa", "last_name": "Petit", "email": email}).id
    ws.grant_consent(cid, "newsletter", "email")
    ws.grant_consent(cid, "offers", "email")
    return cid


def test_one_click_unsubscribe_rfc8058(ws: Carnet, client: TestClient) -> None:
    cid = _subscriber(ws)
    headers = ws.unsubscribe_headers(cid, "newsletter", campaign_id=12)
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = re.match(r"<http://127\.0\.0\.1:8000(/unsubscribe/[^>]+)>", headers["List-Unsubscribe"])
    assert url
    response = client.post(url.group(1), content=b"List-Unsubscribe=One-Click",
                           headers={"content-type": "application/x-www-form-urlencoded"})
    assert response.status_code == 200
    decision = ws.may_contact(cid, "newsletter", "email")
    assert not decision
    assert decision.reason.startswith("withdrawn") and "campaign 12" in decision.reason
    assert "one-click unsubscribe" in decision.reason
    assert ws.may_contact(cid, "offers", "email")  # only the message's purpose
    assert ws.is_suppressed("lea@example.org") is None
    # Repeating is harmless.
    assert client.post(url.group(1), data={"List-Unsubscribe": "One-Click"}).status_code == 200


def test_unsubscribe_page_asks_then_confirms(ws: Carnet, client: TestClient) -> None:
    cid = _subscriber(ws)
    token = ws.link_token(cid, "unsubscribe", p="newsletter", ch="email", cmp=None)
    page = client.get(f"/unsubscribe/{token}?lang=en")
    assert page.status_code == 200 and "Newsletter" in page.text
    assert ws.may_contact(cid, "newsletter", "email")  # GET changes nothing
    done = client.post(f"/unsubscribe/{token}?lang=en", data={"page": "1", "scope": "all"})
    assert done.status_code == 200 and "You are unsubscribed" in done.text
    assert not ws.may_contact(cid, "offers", "email")
    assert ws.is_suppressed("lea@example.org") is not None  # nothing left: suppressed
    again = client.post(f"/unsubscribe/{token}?lang=en", data={"page": "1"})
    assert "already unsubscribed" in again.text


def test_preference_centre(ws: Carnet, client: TestClient) -> None:
    cid = _subscriber(ws)
    token = ws.link_token(cid, "preferences")
    page = client.get(f"/preferences/{token}")
    assert page.status_code == 200 and "Mes préférences" in page.text
    assert 'value="newsletter:email" checked' in page.text
    response = client.post(
        f"/preferences/{token}",
        data={"consent": ["offers:email", "offers:sms"], "city": "Lyon", "postcode": "69003",
              "address_line1": "12 rue Paul Bert", "mobile": "06 12 34 56 78",
              "first_name": "Léa", "last_name": "Petit"},
    )
    assert response.status_code == 200 and "préférences sont enregistrées" in response.text
    assert not ws.may_contact(cid, "newsletter", "email")
    assert ws.may_contact(cid, "offers", "email") and ws.may_contact(cid, "offers", "sms")
    contact = ws.get_contact(cid)
    assert contact.phone == "+33612345678" and contact.addresses[0].city == "Lyon"
    assert any(h.source == "preference centre" and h.field == "phone"
               for h in ws.history(cid))
    # The link was used up; the page carries a fresh one.
    assert client.get(f"/preferences/{token}").status_code == 409
    fresh = re.search(r'action="/preferences/([\w.\-]+)\?', response.text)
    assert fresh and fresh.group(1) != token
    assert client.get(f"/preferences/{fresh.group(1)}").status_code == 200
    actions = {e.action for e in ws.audit_entries(actor="public")}
    assert {"read", "change"} <= actions


def test_invalid_detail_shows_the_form_again(ws: Carnet, client: TestClient) -> None:
    cid = _subscriber(ws)
    token = ws.link_token(cid, "preferences")
    response = client.post(f"/preferences/{token}", data={"mobile": "12", "postcode": "xx"})
    assert response.status_code == 422 and 'role="alert"' in response.text
    assert client.get(f"/preferences/{token}").status_code == 200  # not used up


@pytest.mark.parametrize("path", ["/confirm/{t}", "/unsubscribe/{t}", "/preferences/{t}"])
def test_forged_expired_and_foreign_links_get_clear_pages(
    ws: Carnet, client: TestClient, path: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    forged = tokens.make_token("not-the-secret", 1, path.split("/")[1])
    response = client.get(path.format(t=forged))
    assert response.status_code == 400 and "Lien non valide" in response.text
    assert client.post(path.format(t="garbage")).status_code == 400
    wrong_action = ws.link_token(1, "unsubscribe" if "confirm" in path else "confirm")
    assert client.get(path.format(t=wrong_action)).status_code == 400
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() - 400 * 86400)
    old = ws.link_token(1, path.split("/")[1])
    monkeypatch.setattr(time, "time", real)
    expired = client.get(path.format(t=old) + "?lang=en")
    assert expired.status_code == 410 and "Link expired" in expired.text


def test_pages_are_self_contained_and_accessible(ws: Carnet, client: TestClient) -> None:
    cid = _subscriber(ws)
    for path in ("/signup", f"/preferences/{ws.link_token(cid, 'preferences')}",
                 f"/unsubscribe/{ws.link_token(cid, 'unsubscribe', p='newsletter')}"):
        page = client.get(path)
        assert page.status_code == 200
        assert not re.search(r"(src|href)=\"https?://", page.text)
        assert "<script" not in page.text
        assert "default-src 'none'" in page.headers["content-security-policy"]
        assert page.headers["referrer-policy"] == "no-referrer"
        for input_id in re.findall(r'<input type="(?:text|email|tel|checkbox|radio)" id="([^"]+)"',
                                   page.text):
            assert f'for="{input_id}"' in page.text, input_id


def test_json_routes_answer_with_one_problem_shape(ws: Carnet, client: TestClient,
                                                   inbox: _Inbox) -> None:
    ok = client.post("/api/signup", json={"email": "api@example.org", "purposes": ["newsletter"]})
    assert ok.status_code == 202 and ok.json() == {"status": "pending_confirmation"}
    shapes = [
        client.post("/api/signup", json={"email": "nope", "purposes": ["newsletter"]}),
        client.post("/api/signup", json={"email": "a@example.org", "purposes": ["astrology"]}),
        client.post("/api/signup", json={"purposes": []}),
        client.get("/api/nothing-here"),
    ]
    for response in shapes:
        body = response.json()
        assert response.headers["content-type"].startswith("application/problem+json")
        assert set(body) >= {"type", "title", "status", "detail", "code"}
        assert body["status"] == response.status_code
    assert [r.status_code for r in shapes] == [422, 422, 422, 404]
    assert shapes[0].json()["code"] == "invalid_value"


def test_unknown_page_is_a_page(client: TestClient) -> None:
    response = client.get("/nothing?lang=en")
    assert response.status_code == 404 and "Page not found" in response.text


def test_used_token_row_holds_no_personal_value(ws: Carnet, client: TestClient) -> None:
    cid = _subscriber(ws)
    token = ws.link_token(cid, "preferences")
    client.post(f"/preferences/{token}", data={"consent": ["newsletter:email"]})
    with ws.engine.connect() as conn:
        details = conn.execute(sa.select(s.audit_log.c.details)).scalars().all()
    assert "lea@example.org" not in str(details)
