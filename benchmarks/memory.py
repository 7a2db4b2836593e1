"""Peak memory of the running process, as the benchmark scripts report it."""

from __future__ import annotations

import resource
from pathlib import Path


def peak_rss_mb() -> float:
    """This process's peak resident set size in MB.

    Linux's ``ru_maxrss`` survives ``exec``: a benchmark part started by
    ``subprocess`` from a parent that had just generated a million people would
    report the parent's peak as its own. ``VmHWM`` (``/proc/self/status``) is the
    high-water mark of this process's own memory since it started; other systems
    fall back to ``ru_maxrss``.
    """
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
