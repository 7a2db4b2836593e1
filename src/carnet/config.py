"""Settings: environment variables, an optional TOML file, and their checks.

Sources, later ones winning: built-in defaults, the TOML file named by
``CARNET_CONFIG`` (or ``./carnet.toml`` when it exists), environment variables,
then explicit keyword arguments.

========================  ===============================================
Environment variable      Meaning
========================  ===============================================
CARNET_DATABASE_URL       database URL (default ``sqlite:///carnet.db``)
CARNET_SECRET_KEY         signs links and keys suppression hashes
CARNET_ENCRYPTION_KEY     encrypts sensitive fields (IBAN) at rest; any
                          passphrase, stretched with HKDF
CARNET_COUNTRY            default country for phones and addresses (FR)
CARNET_CONFIG             path to a TOML file (see below)
========================  ===============================================

The TOML file may hold the same settings in a ``[carnet]`` table
(``database_url``, ``country`` ...) and custom fields::

    [[fields]]
    name = "shoe_size"
    kind = "integer"
    label_fr = "Pointure"
    label_en = "Shoe size"
    synonyms = ["pointure", "taille chaussure"]
    category = "socio-demographic"

Every problem is collected and reported at once in a :class:`ConfigError`.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from carnet.errors import ConfigError

DEFAULT_DATABASE_URL = "sqlite:///carnet.db"


@dataclass(frozen=True)
class Settings:
    """Validated settings of one carnet process.

    Attributes:
        database_url: SQLAlchemy-style URL (``sqlite:///path`` or ``postgresql://...``).
        secret_key: key for signed links and keyed hashes; None when not configured.
        encryption_key: passphrase for sensitive fields; None disables storing them.
        country: ISO 3166 alpha-2 default country.
        custom_fields: raw declarations of custom fields from the TOML file.
        config_path: the TOML file read, if any.
    """

    database_url: str = DEFAULT_DATABASE_URL
    secret_key: str | None = None
    encryption_key: str | None = None
    country: str = "FR"
    custom_fields: tuple[Mapping[str, Any], ...] = ()
    config_path: Path | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def load(cls, *, environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Read settings from the TOML file, the environment and ``overrides``.

        Args:
            environ: environment to read (defaults to ``os.environ``).
            **overrides: explicit values (None values are ignored).

        Raises:
            ConfigError: listing every problem found.
        """
        env = os.environ if environ is None else environ
        problems: list[str] = []
        values: dict[str, Any] = {}

        path_text = env.get("CARNET_CONFIG")
        path = Path(path_text) if path_text else Path("carnet.toml")
        config_path: Path | None = None
        custom: tuple[Mapping[str, Any], ...] = ()
        if path.is_file():
            config_path = path
            try:
                document = tomllib.loads(path.read_text(encoding="utf-8"))
            except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
                raise ConfigError(f"Config file '{path}' is not valid TOML ({exc}).") from exc
            table = document.get("carnet", {})
            if not isinstance(table, dict):
                problems.append(f"[carnet] in '{path}' must be a table")
                table = {}
            values.update(table)
            raw_fields = document.get("fields", [])
            if not isinstance(raw_fields, list) or not all(isinstance(f, dict) for f in raw_fields):
                problems.append(f"[[fields]] in '{path}' must be an array of tables")
            else:
                custom = tuple(raw_fields)
        elif path_text:
            problems.append(f"CARNET_CONFIG names '{path}', which does not exist")

        for key, var in (
            ("database_url", "CARNET_DATABASE_URL"),
            ("secret_key", "CARNET_SECRET_KEY"),
            ("encryption_key", "CARNET_ENCRYPTION_KEY"),
            ("country", "CARNET_COUNTRY"),
        ):
            if env.get(var):
                values[key] = env[var]
        values.update({k: v for k, v in overrides.items() if v is not None})

        known = {"database_url", "secret_key", "encryption_key", "country"}
        extra = {k: v for k, v in values.items() if k not in known}
        country = str(values.get("country", "FR")).upper()
        if len(country) != 2 or not country.isalpha():
            problems.append(f"country '{country}' is not an ISO 3166 alpha-2 code such as FR")
        url = str(values.get("database_url", DEFAULT_DATABASE_URL))
        if "://" not in url:
            problems.append(
                f"database URL '{url}' is not a URL; use sqlite:///file.db or postgresql://..."
            )
        if problems:
            raise ConfigError("Invalid configuration: " + "; ".join(problems) + ".")
        return cls(
            database_url=url,
            secret_key=values.get("secret_key"),
            encryption_key=values.get("encryption_key"),
            country=country,
            custom_fields=custom,
            config_path=config_path,
            extra=extra,
        )
