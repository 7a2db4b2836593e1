"""Encryption at rest for sensitive fields (IBAN), keyed from configuration.

The key is ``CARNET_ENCRYPTION_KEY``: any passphrase, stretched with HKDF-SHA256
into a Fernet key (AES-128-CBC + HMAC-SHA256). Without a key, sensitive values
cannot be stored: carnet refuses rather than keep them in clear.
"""

from __future__ import annotations

import base64

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from carnet.errors import ConfigError

_INFO = b"carnet sensitive fields v1"


class FieldCipher:
    """Encrypts and decrypts sensitive field values.

    >>> cipher = FieldCipher("correct horse battery staple")
    >>> token = cipher.encrypt("FR7630006000011234567890189")
    >>> token.startswith("gAAAA"), cipher.decrypt(token)
    (True, 'FR7630006000011234567890189')
    """

    def __init__(self, passphrase: str) -> None:
        if len(passphrase) < 12:
            raise ConfigError("CARNET_ENCRYPTION_KEY is too short; use at least 12 characters.")
        raw = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(
            passphrase.encode("utf-8")
        )
        self._fernet = Fernet(base64.urlsafe_b64encode(raw))

    def encrypt(self, value: str) -> str:
        """Encrypt a value to a printable token."""
        return self._fernet.encrypt(value.encode("utf-8")).decode("ascii")

    def decrypt(self, token: str) -> str:
        """Decrypt a token made by :meth:`encrypt`.

        Raises:
            ConfigError: when the token was made with another key.
        """
        try:
            return self._fernet.decrypt(token.encode("ascii")).decode("utf-8")
        except InvalidToken as exc:
            raise ConfigError(
                "A sensitive value cannot be decrypted; CARNET_ENCRYPTION_KEY differs from "
                "the key it was stored with."
            ) from exc


#: How an import's row record keeps a sensitive cell: this prefix, then its token.
SEALED = "encrypted:"


def seal(value: str, cipher: FieldCipher | None) -> str:
    """A sensitive cell as an import's row record keeps it: encrypted with a key,
    masked without one (it is never stored in clear).

    >>> seal("FR7630006000011234567890189", None)
    '***********************0189'
    >>> cipher = FieldCipher("correct horse battery staple")
    >>> unseal(seal("FR76 3000", cipher), cipher)
    'FR76 3000'
    """
    return SEALED + cipher.encrypt(value) if cipher is not None else mask(value)


def unseal(value: str, cipher: FieldCipher | None) -> str:
    """The cell :func:`seal` kept, in clear when it was encrypted and the key is there."""
    if cipher is not None and value.startswith(SEALED):
        return cipher.decrypt(value.removeprefix(SEALED))
    return value


def mask(value: str, keep: int = 4) -> str:
    """Hide all but the last ``keep`` characters.

    >>> mask("FR7630006000011234567890189")
    '***********************0189'
    """
    return "*" * max(len(value) - keep, 0) + value[-keep:]
