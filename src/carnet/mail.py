"""Sending email over SMTP, and the RFC 8058 one-click unsubscribe headers.

Configuration, environment variables winning over the ``[carnet]`` table of
``carnet.toml`` (``smtp_host = ...``):

=======================  =========================================  ===========
Environment variable     Meaning                                    Default
=======================  =========================================  ===========
CARNET_SMTP_HOST         SMTP server                                (required)
CARNET_SMTP_PORT         port                                       587 / 465 / 25
CARNET_SMTP_TLS          ``none``, ``starttls`` or ``ssl``          starttls
CARNET_SMTP_USER         login (optional)
CARNET_SMTP_PASSWORD     password (optional)
CARNET_MAIL_FROM         sender address                             (required)
CARNET_PUBLIC_URL        base URL of the public pages (links)       http://127.0.0.1:8000
=======================  =========================================  ===========

Every marketing message carnet sends carries, per RFC 2369 and RFC 8058::

    List-Unsubscribe: <https://example.fr/unsubscribe/TOKEN>, <mailto:...>
    List-Unsubscribe-Post: List-Unsubscribe=One-Click

>>> unsubscribe_headers("https://ex.fr/unsubscribe/abc")["List-Unsubscribe-Post"]
'List-Unsubscribe=One-Click'
"""

from __future__ import annotations

import os
import smtplib
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any

from carnet.config import Settings
from carnet.errors import CarnetError, ConfigError

TLS_MODES = ("none", "starttls", "ssl")
DEFAULT_PUBLIC_URL = "http://127.0.0.1:8000"


class MailError(CarnetError):
    """A message could not be handed to the SMTP server."""

    message = "The email could not be sent; check the CARNET_SMTP_* settings."
    exit_code = 10


@dataclass(frozen=True)
class SmtpSettings:
    """Where and how to send email.

    Attributes:
        host / port: the SMTP server.
        tls: ``none`` (plain, for local relays and tests), ``starttls`` or ``ssl``.
        user / password: credentials, when the server wants them.
        sender: the From address.
        timeout: seconds to wait for the server.
    """

    host: str
    port: int
    tls: str
    sender: str
    user: str | None = None
    password: str | None = None
    timeout: float = 30.0

    @classmethod
    def from_settings(
        cls, settings: Settings, *, environ: Mapping[str, str] | None = None
    ) -> SmtpSettings:
        """Read SMTP settings from the environment and ``settings.extra``.

        Raises:
            ConfigError: listing every missing or malformed setting.
        """
        env = os.environ if environ is None else environ
        extra = settings.extra

        def get(key: str, var: str) -> str | None:
            value = env.get(var) or extra.get(key)
            return None if value in (None, "") else str(value)

        problems: list[str] = []
        host = get("smtp_host", "CARNET_SMTP_HOST")
        sender = get("mail_from", "CARNET_MAIL_FROM")
        tls = (get("smtp_tls", "CARNET_SMTP_TLS") or "starttls").lower()
        if not host:
            problems.append("CARNET_SMTP_HOST (the SMTP server) is not set")
        if not sender or "@" not in sender:
            problems.append("CARNET_MAIL_FROM (the sender address) is not set")
        if tls not in TLS_MODES:
            problems.append(f"CARNET_SMTP_TLS '{tls}' is not one of {', '.join(TLS_MODES)}")
        port_text = get("smtp_port", "CARNET_SMTP_PORT")
        default_port = {"ssl": 465, "starttls": 587}.get(tls, 25)
        try:
            port = int(port_text) if port_text else default_port
        except ValueError:
            problems.append(f"CARNET_SMTP_PORT '{port_text}' is not a number")
            port = default_port
        if problems:
            raise ConfigError("Email is not configured: " + "; ".join(problems) + ".")
        assert host is not None and sender is not None
        return cls(
            host=host,
            port=port,
            tls=tls,
            sender=sender,
            user=get("smtp_user", "CARNET_SMTP_USER"),
            password=get("smtp_password", "CARNET_SMTP_PASSWORD"),
        )


def public_url(settings: Settings, *, environ: Mapping[str, str] | None = None) -> str:
    """Base URL of the public pages, without a trailing slash."""
    env = os.environ if environ is None else environ
    value = env.get("CARNET_PUBLIC_URL") or settings.extra.get("public_url") or DEFAULT_PUBLIC_URL
    return str(value).rstrip("/")


def unsubscribe_headers(url: str, mailto: str | None = None) -> dict[str, str]:
    """``List-Unsubscribe`` and ``List-Unsubscribe-Post`` headers for one message.

    Args:
        url: the HTTPS one-click URL (it must work with a bare POST, RFC 8058).
        mailto: an optional unsubscribe mailbox (``unsubscribe@example.fr``).
    """
    targets = [f"<{url}>"]
    if mailto:
        targets.append(f"<mailto:{mailto.removeprefix('mailto:')}?subject=unsubscribe>")
    return {
        "List-Unsubscribe": ", ".join(targets),
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def build_message(
    *,
    sender: str,
    to: str,
    subject: str,
    text: str,
    html: str | None = None,
    headers: Mapping[str, str] | None = None,
    language: str = "fr",
) -> EmailMessage:
    """A MIME message (text, plus HTML when given) with extra headers."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    message["Content-Language"] = language
    message["Auto-Submitted"] = "auto-generated"
    for key, value in (headers or {}).items():
        message[key] = value
    message.set_content(text)
    if html is not None:
        message.add_alternative(html, subtype="html")
    return message


def send_message(smtp: SmtpSettings, message: EmailMessage) -> None:
    """Hand a message to the SMTP server.

    Raises:
        MailError: when the server cannot be reached or refuses the message.
    """
    try:
        client: smtplib.SMTP
        if smtp.tls == "ssl":
            client = smtplib.SMTP_SSL(
                smtp.host, smtp.port, timeout=smtp.timeout, context=ssl.create_default_context()
            )
        else:
            client = smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout)
        with client:
            if smtp.tls == "starttls":
                client.starttls(context=ssl.create_default_context())
            if smtp.user:
                client.login(smtp.user, smtp.password or "")
            client.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        raise MailError(
            f"The email could not be sent through {smtp.host}:{smtp.port} ({exc}); check the "
            "CARNET_SMTP_* settings."
        ) from exc


def send(
    settings: Settings,
    *,
    to: str,
    subject: str,
    text: str,
    html: str | None = None,
    headers: Mapping[str, str] | None = None,
    language: str = "fr",
    **smtp_overrides: Any,
) -> EmailMessage:
    """Build and send one message with the configured SMTP settings; returns it."""
    smtp = SmtpSettings.from_settings(settings)
    if smtp_overrides:
        smtp = SmtpSettings(**{**smtp.__dict__, **smtp_overrides})
    message = build_message(
        sender=smtp.sender, to=to, subject=subject, text=text, html=html, headers=headers,
        language=language,
    )
    send_message(smtp, message)
    return message


__all__ = [
    "MailError",
    "SmtpSettings",
    "build_message",
    "public_url",
    "send",
    "send_message",
    "unsubscribe_headers",
]
