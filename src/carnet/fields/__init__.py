"""The field catalog and one checker module per field kind.

Every checker module (``email``, ``phone``, ``name``, ``dates``, ``siret`` ...)
offers the same verbs: ``normalise``, ``validate``, ``check`` and ``format``;
``check`` returns a :class:`Verdict` and never raises.
"""

from carnet.fields.catalog import (
    Catalog,
    Category,
    Field,
    Kind,
    Profile,
    Sensitivity,
    Storage,
    default_catalog,
    fold_header,
)
from carnet.fields.verdict import Status, Verdict, blank

__all__ = [
    "Catalog",
    "Category",
    "Field",
    "Kind",
    "Profile",
    "Sensitivity",
    "Status",
    "Storage",
    "Verdict",
    "blank",
    "default_catalog",
    "fold_header",
]
