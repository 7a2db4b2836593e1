"""Quality: per-contact scores (complete, valid, fresh, reachable), the whole-file report,
snapshots for the trend, and fixes that apply suggestions with history.

The workspace methods live in :class:`carnet.quality.facade.QualityMixin`; the
formulas are documented in :mod:`carnet.quality.scores`.
"""

from carnet.quality.facade import ContactQuality, QualityMixin
from carnet.quality.settings import QualitySettings

__all__ = ["ContactQuality", "QualityMixin", "QualitySettings"]
