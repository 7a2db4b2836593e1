"""The workspace class with the consent and privacy methods, for the CLI, web app and tests.

Once :class:`carnet.Carnet` inherits :class:`~carnet.consent.facade.ConsentMixin` and
:class:`~carnet.privacy.facade.PrivacyMixin`, :class:`Workspace` adds nothing to it.
"""

from __future__ import annotations

from carnet.consent.facade import ConsentMixin
from carnet.privacy.facade import PrivacyMixin
from carnet.workspace import Carnet


class Workspace(Carnet, ConsentMixin, PrivacyMixin):
    """:class:`carnet.Carnet` with consent and privacy methods."""


__all__ = ["Workspace"]
