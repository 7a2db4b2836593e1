"""Duplicate contacts: matching against the store, merges with undo, review queue.

The matching itself is :mod:`carnet.match`; this package applies it to the
workspace: :mod:`~carnet.dedupe.records` reads contacts as matcher input,
:mod:`~carnet.dedupe.decide` turns scored pairs into merges and reviews,
:mod:`~carnet.dedupe.golden` picks the surviving values,
:mod:`~carnet.dedupe.merge` merges and unmerges, and
:mod:`~carnet.dedupe.facade` is the workspace's ``DedupeMixin``.
"""

from carnet.dedupe.facade import DedupeMixin, DedupeReport, MergeInfo, ReviewItem
from carnet.dedupe.merge import MergeResult, UnmergeResult

__all__ = [
    "DedupeMixin",
    "DedupeReport",
    "MergeInfo",
    "MergeResult",
    "ReviewItem",
    "UnmergeResult",
]
