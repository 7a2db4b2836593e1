"""The quality tables, declared in :mod:`carnet.store.schema` with the others."""

from carnet.store.schema import quality_scores, quality_snapshots

__all__ = ["quality_scores", "quality_snapshots"]
