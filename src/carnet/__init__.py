"""carnet — the customer database that keeps itself clean, complete and lawful.

The library is one facade, :class:`Carnet`; everything else is reached through it.

>>> from carnet import Carnet, Verdict  # doctest: +SKIP
"""

from carnet.errors import (
    CarnetError,
    ConfigError,
    ConflictError,
    DatabaseError,
    InputFileError,
    InvalidValueError,
    MappingError,
    NotFoundError,
    SchemaOutdatedError,
)
from carnet.fields.verdict import Status, Verdict
from carnet.workspace import Carnet

__version__ = "0.1.0"

__all__ = [
    "Carnet",
    "CarnetError",
    "ConfigError",
    "ConflictError",
    "DatabaseError",
    "InputFileError",
    "InvalidValueError",
    "MappingError",
    "NotFoundError",
    "SchemaOutdatedError",
    "Status",
    "Verdict",
    "__version__",
]
