"""Entry point of the demo data generator: :func:`generate`.

The run has three steps: draw the true population (:mod:`carnet.demo.people`),
decide who appears in which source and plan the e-shop accounts and orders,
then write the six files (:mod:`carnet.demo.sources`) and ``truth.csv``.

The population is drawn in chunks and the files by writers that each have
their own random stream, so on a machine with several cores and ``fork`` both
steps are shared with forked worker processes; the bytes written are the same
whatever the number of processes. Forked workers inherit module-level state:
run one generation at a time per process (it is not thread-safe).
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Final

from carnet.demo.communes import load_communes
from carnet.demo.faults import FAULT_RATES, Tally
from carnet.demo.people import assign_sources, build_population
from carnet.demo.sources import WRITERS, Plan, plan_eshop
from carnet.errors import InvalidValueError

resource: ModuleType | None
try:
    import resource
except ImportError:  # pragma: no cover - Windows
    resource = None

__all__ = ["GenerationReport", "generate"]

TRUTH_HEADER: Final = "source,row,person_id\n"
_PARALLEL_FROM: Final = 50_000  # below this, worker start-up costs more than it saves
_MAX_WORKERS: Final = 2  # each extra process copies part of the population: bound the memory
# Expected cost order; with two processes the parent writes the second group
# while one forked child writes the first, so both finish at about the same time.
_CHILD_GROUP: Final = ("eshop_customers", "survey_answers", "event_signups")
_PARENT_GROUP: Final = ("order_lines", "newsletter", "old_crm")

_PLAN: Plan | None = None  # what forked workers inherit


@dataclass(frozen=True)
class GenerationReport:
    """What :func:`generate` wrote, and the faults it injected.

    Attributes:
        out_dir: the directory written to.
        people: size of the true population.
        seed: the seed used.
        files: file name → number of data rows written (header not counted),
            for the six data files; ``truth.csv`` is counted in ``truth_rows``.
        truth_rows: data rows of ``truth.csv`` (= the sum of ``files``).
        seconds: wall-clock duration of the generation.
        faults: fault kind → number of faults injected.
        opportunities: fault kind → number of times the fault could have been
            injected; ``faults[k] / opportunities[k]`` estimates
            ``FAULT_RATES[k]``.
        notes: other counts without a documented rate: ``households``,
            ``companies``, ``cp1252_replaced`` (e-shop rows whose name had
            characters cp1252 cannot encode, written as ``?``).
        timings: seconds per step (``population``, ``plan``, ``write``,
            ``truth``): ``<step>`` wall clock, ``<step>_cpu`` CPU time of this
            process, ``<step>_workers_cpu`` CPU time of the worker processes
            that ended during the step (0 on platforms without ``resource``).
    """

    out_dir: Path
    people: int
    seed: int
    files: dict[str, int]
    truth_rows: int
    seconds: float
    faults: dict[str, int] = field(default_factory=dict)
    opportunities: dict[str, int] = field(default_factory=dict)
    notes: dict[str, int] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)

    def fault_rates(self) -> dict[str, float]:
        """Return the observed rate of every fault kind (0.0 where it had no opportunity).

        Compare with :data:`carnet.demo.faults.FAULT_RATES`, the documented rates.
        """
        return {
            kind: (self.faults.get(kind, 0) / count if count else 0.0)
            for kind, count in self.opportunities.items()
        }

    @property
    def rows(self) -> int:
        """Total data rows written to the six data files."""
        return sum(self.files.values())


class _Clock:
    """Wall-clock and CPU time of each step, for the report and the benchmark."""

    def __init__(self) -> None:
        self.timings: dict[str, float] = {}
        self._wall, self._cpu, self._children = (
            time.perf_counter(),
            time.process_time(),
            _children_cpu(),
        )

    def lap(self, step: str) -> None:
        wall, cpu, children = time.perf_counter(), time.process_time(), _children_cpu()
        self.timings[step] = round(wall - self._wall, 3)
        self.timings[f"{step}_cpu"] = round(cpu - self._cpu, 3)
        self.timings[f"{step}_workers_cpu"] = round(children - self._children, 3)
        self._wall, self._cpu, self._children = wall, cpu, children


def _children_cpu() -> float:
    if resource is None:
        return 0.0
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return float(usage.ru_utime + usage.ru_stime)


def _part(out_dir: Path, source: str) -> Path:
    return out_dir / f".truth-{source}.part"


def _write_source(source: str) -> tuple[str, int, Tally]:
    """Write one source file and its truth fragment; runs in a worker or in-process."""
    plan = _PLAN
    assert plan is not None, "the plan is set before writers run"
    tally = Tally()
    _file_name, writer = WRITERS[source]
    pids = writer(plan, tally)
    prefix = source + ","
    with _part(plan.out_dir, source).open("w", encoding="utf-8", newline="") as handle:
        for start in range(0, len(pids), 50_000):
            handle.write(
                "".join(
                    f"{prefix}{row},{pid}\n"
                    for row, pid in enumerate(pids[start : start + 50_000], start=start + 1)
                )
            )
    return source, len(pids), tally


def _workers(people: int, workers: int | None) -> int:
    if (
        "fork" not in multiprocessing.get_all_start_methods()
        or multiprocessing.current_process().daemon  # daemons may not have children
    ):
        return 1
    if workers is not None:
        return max(1, workers)
    if people < _PARALLEL_FROM:
        return 1
    return max(1, min(_MAX_WORKERS, os.cpu_count() or 1))


def generate(
    out_dir: Path, people: int, seed: int = 42, *, workers: int | None = None
) -> GenerationReport:
    """Generate the messy multi-source demo files for a population of ``people``.

    Writes ``eshop_customers.csv``, ``event_signups.xlsx``, ``old_crm.csv``,
    ``survey_answers.csv``, ``order_lines.csv``, ``newsletter.csv`` and
    ``truth.csv`` into ``out_dir`` (created if missing; files of the same name
    are overwritten). The same ``people`` and ``seed`` give byte-identical
    files (with the same Faker and Python versions), whatever ``workers``.
    Layouts and fault rates are documented in ``docs/demo-data.md``.

    Args:
        out_dir: directory to write into.
        people: size of the true population (at least 1).
        seed: random seed.
        workers: processes drawing the population and writing the files (this
            one and forked children); ``None`` picks 2 from 50,000 people on
            machines with several cores. Without ``fork`` (Windows) or inside a
            daemon process, always 1.

    Returns:
        A :class:`GenerationReport` with row counts and injected fault counts.

    Raises:
        InvalidValueError: ``people`` is smaller than 1.

    Example::

        report = generate(Path("demo"), people=10_000, seed=7)
        print(report.files["eshop_customers.csv"], report.fault_rates()["email_domain_typo"])
    """
    global _PLAN
    if isinstance(people, bool) or not isinstance(people, int) or people < 1:
        raise InvalidValueError(
            f"The population size must be a whole number of at least 1, not {people!r}.",
            field="people",
        )
    started = time.perf_counter()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    gc_was_enabled = gc.isenabled()
    gc.disable()  # millions of long-lived objects, no cycles: collection only costs time
    clock = _Clock()
    try:
        tally = Tally()
        count = _workers(people, workers)
        population = build_population(people, seed, tally, workers=count)
        clock.lap("population")
        appearances = assign_sources(population, seed, tally)
        cities = tuple((commune.postcode, commune.city) for commune in load_communes())
        plan = Plan(out_dir, seed, population, appearances, cities)
        plan_eshop(plan)
        _PLAN = plan
        clock.lap("plan")
        if count > 1:
            gc.freeze()  # keep the inherited objects out of the children's collections
            context = multiprocessing.get_context("fork")
            with context.Pool(count - 1) as pool:
                pending = pool.map_async(_write_source, _CHILD_GROUP, chunksize=1)
                results = [_write_source(source) for source in _PARENT_GROUP]
                results += pending.get()
        else:
            results = [_write_source(source) for source in _CHILD_GROUP + _PARENT_GROUP]
        clock.lap("write")
        rows = {source: written for source, written, _tally in results}
        for _source, _written, part in results:
            tally.merge(part)
        files = {WRITERS[source][0]: rows[source] for source in WRITERS}
        with (out_dir / "truth.csv").open("w", encoding="utf-8", newline="") as truth:
            truth.write(TRUTH_HEADER)
            for source in WRITERS:
                with _part(out_dir, source).open(encoding="utf-8", newline="") as part_file:
                    shutil.copyfileobj(part_file, truth, 1 << 20)
        clock.lap("truth")
        tally.note("households", population.households)
        tally.note("companies", len(population.companies))
    finally:
        _PLAN = None
        for source in WRITERS:
            _part(out_dir, source).unlink(missing_ok=True)
        gc.unfreeze()
        if gc_was_enabled:
            gc.enable()
    return GenerationReport(
        out_dir=out_dir,
        people=people,
        seed=seed,
        files=files,
        truth_rows=sum(files.values()),
        seconds=time.perf_counter() - started,
        faults={kind: tally.hits[kind] for kind in FAULT_RATES},
        opportunities={kind: tally.opportunities[kind] for kind in FAULT_RATES},
        notes=dict(tally.notes),
        timings=clock.timings,
    )
