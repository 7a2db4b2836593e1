"""The import run: read → map → check → upsert → account, batch by batch, resumable.

Each batch is written in one transaction together with its rows' outcomes and
the import's resume point (``imports.last_row``), so a run killed at any moment
(even ``kill -9``) loses nothing: running the same file again for the same
source resumes after the last committed batch, and what was committed is not
written twice. At the end the rejected rows are written to
``<name>.rejected.csv`` beside the input, with the reason as a column, ready to
fix and re-import.
"""

from __future__ import annotations

import gc
import re
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from carnet.consent.purposes import load_purposes
from carnet.crypto import SEALED, seal, unseal
from carnet.errors import ConfigError, InputFileError, InvalidValueError, MappingError
from carnet.fields import email as email_field
from carnet.fields import phone as phone_field
from carnet.fields.catalog import Kind, Storage
from carnet.fields.dates import written_month_first, zone_of
from carnet.fields.postcodes import PostcodeTable
from carnet.ingest.batch import OrganisationIndex, suppression_source
from carnet.ingest.mapping import (
    REASON_COLUMN,
    ROW_COLUMN,
    ColumnMapping,
    build_mapping,
    load_mapping_file,
)
from carnet.ingest.readers import ColumnBatch, Table, open_table
from carnet.ingest.readers._base import gc_paused
from carnet.ingest.rows import RowBuilder, RowRecord
from carnet.ingest.upsert import OUTCOMES, BatchWriter, Outcome
from carnet.ingest.write_consent import channel_purposes, dated_flag
from carnet.ingest.write_deaths import DeathTally
from carnet.ingest.write_suppressions import SuppressionListWriter, list_reason
from carnet.privacy import audit
from carnet.store import schema as s
from carnet.store.engine import import_page_cache

if TYPE_CHECKING:
    from carnet.ingest.facade import IngestMixin as Carnet


#: Allocations between two young-generation garbage collections during an import.
#: A batch allocates millions of small objects that live until it is written; at
#: Python's default (700) the collector runs thousands of times per batch and
#: rescans them, a fifth of the import's time on the demo files.
GC_YOUNG_THRESHOLD = 100_000


@contextmanager
def _fewer_collections() -> Iterator[None]:
    """Collect garbage less often for the duration of an import (cycles still go)."""
    before = gc.get_threshold()
    gc.set_threshold(max(before[0], GC_YOUNG_THRESHOLD), *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)


@dataclass(frozen=True)
class ImportOptions:
    """How to read and map one file.

    Attributes:
        source: the source name (default: the file name without extension).
        mapping: header → field (or ``attribute:key``) pairs that override guessing.
        mapping_file: a JSON/TOML file of such pairs.
        country: default country for phones and addresses (default: the workspace's).
        timezone: the time zone (IANA name: ``Europe/Paris``, ``UTC``) of the file's
            times written without an offset (default: the country's, except for
            exports of tools that write UTC, see :func:`written_zone`).
        id_column: the column holding the source's own id.
        encoding: force an encoding instead of detecting it.
        delimiter: force a CSV delimiter instead of sniffing it.
        sheet: a workbook's sheet name or index (default: the first visible one).
        format: read the file as ``csv``, ``xlsx``, ``xls``, ``xlsb``, ``ods``, ``json`` or
            ``ndjson`` whatever its extension (a CSV named ``.txt`` by the tool that wrote
            it); a workbook is known by its content anyway.
        batch_size: rows per transaction.
        rejected_dir: where to write ``<name>.rejected.csv`` (default: beside the file).
        match_duplicates: once a duplicate search has trained a model, match the
            contacts this import creates against the file (sure ones merged,
            uncertain ones queued for review).
        suppression_list: the file is not customers but a list to suppress, as the
            user knows and says (never guessed): ``unsubscribes``, ``bounces`` or
            ``complaints``. Every e-mail and phone in it goes on the suppression
            list with that reason, dated by the row's date column; the contacts
            holding one have the channel withdrawn (a bounced address is marked
            bounced instead); no contact is created
            (:class:`carnet.ingest.write_suppressions.SuppressionListWriter`).
    """

    source: str | None = None
    mapping: Mapping[str, str] | None = None
    mapping_file: Path | None = None
    country: str | None = None
    timezone: str | None = None
    id_column: str | None = None
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | int | None = None
    format: str | None = None
    batch_size: int = 5000
    rejected_dir: Path | None = None
    match_duplicates: bool = True
    suppression_list: str | None = None


@dataclass
class ImportReport:
    """What an import did (or, for a preview, would do).

    Attributes:
        counts: rows per outcome (inserted, updated, unchanged, merged, suppressed,
            rejected); they add up to ``rows``.
        verdicts: per field, cells per verdict status.
        sample: for previews, the first rows with their verdicts.
        suppressions: entries the import added to the suppression list, per reason
            (a declared list's values, the addresses of people a column withdrew from
            a whole channel, hard bounces).
    """

    path: Path
    source: str
    format: str
    encoding: str | None
    delimiter: str | None
    mapping: ColumnMapping
    import_id: int | None = None
    rows: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    verdicts: dict[str, dict[str, int]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    #: The time zone the file's times without an offset were read in.
    timezone: str | None = None
    rejected_file: Path | None = None
    resumed_from: int = 0
    seconds: float = 0.0
    swapped_names: int = 0
    preview: bool = False
    sample: list[dict[str, Any]] = field(default_factory=list)
    #: Probabilistic matching of the new contacts: contacts merged, pairs to review.
    duplicates: dict[str, int] | None = None
    suppression_list: str | None = None
    suppressions: dict[str, int] = field(default_factory=dict)
    #: Rows saying the person died; contacts recorded deceased by the run, already so;
    #: rows saying a contact recorded deceased is alive (see carnet.ingest.write_deaths).
    deaths: dict[str, int] = field(default_factory=dict)

    @property
    def rows_per_second(self) -> float:
        """Throughput of this run."""
        return self.rows / self.seconds if self.seconds else 0.0

    def to_dict(self) -> dict[str, Any]:
        """A JSON-friendly summary."""
        return {
            "import_id": self.import_id,
            "file": str(self.path),
            "source": self.source,
            "format": self.format,
            "encoding": self.encoding,
            "delimiter": self.delimiter,
            "preview": self.preview,
            "rows": self.rows,
            "counts": self.counts,
            "verdicts": self.verdicts,
            "mapping": [
                {"column": c.header, "target": c.target, "how": c.how, "note": c.note}
                for c in self.mapping.columns
            ],
            "warnings": self.warnings,
            "timezone": self.timezone,
            "rejected_file": str(self.rejected_file) if self.rejected_file else None,
            "resumed_from": self.resumed_from,
            "swapped_names": self.swapped_names,
            "duplicates": self.duplicates,
            "suppression_list": self.suppression_list,
            "suppressions": self.suppressions,
            "deaths": self.deaths,
            "seconds": round(self.seconds, 3),
            "rows_per_second": round(self.rows_per_second, 1),
            **({"sample": self.sample} if self.preview else {}),
        }


Progress = Callable[[int, int | None], None]


class ImportRun:
    """One file's import into one workspace (see the module docstring)."""

    def __init__(self, ws: Carnet, path: Path, options: ImportOptions) -> None:
        self.ws = ws
        self.path = Path(path)
        self.options = options
        self.country = (options.country or ws.country).upper()
        self.table: Table = open_table(
            self.path,
            encoding=options.encoding,
            delimiter=options.delimiter,
            sheet=options.sheet,
            format=options.format,
        )
        stem = self.path.stem
        if REASON_COLUMN in self.table.headers and stem.endswith(".rejected"):
            # "clients.rejected.csv", fixed: its rows are still the shop's customers
            stem = stem.removesuffix(".rejected")
        self.source = options.source or stem
        explicit = dict(options.mapping or {})
        if options.mapping_file is not None:
            explicit = {**load_mapping_file(options.mapping_file), **explicit}
        sample = next(iter(self.table.batches_columns(size=200)), None)
        self.mapping = build_mapping(
            self.table.headers,
            sample.columns if sample is not None else {},
            ws.catalog,
            explicit=explicit,
            id_column=options.id_column,
        )
        self.zone = (
            _valid_zone(options.timezone)
            or written_zone(self.table.headers)
            or zone_of(self.country)
        )
        # "12/31/2024" among the first rows: a US tool wrote every date of the file so
        self.month_first = written_month_first(
            cell
            for plan in self.mapping.columns
            if plan.field is not None and plan.field.kind in _DATE_KINDS and sample is not None
            for cell in sample.columns.get(plan.header, ())
        )
        # contacts whose closed channel could not go on the suppression list (no secret)
        self.unsuppressed: set[int] = set()
        # the deaths the run recorded, and the rows that contradicted a recorded one
        self.deaths = DeathTally()
        self.builder = RowBuilder(
            self.mapping,
            ws.catalog,
            self.country,
            zone=self.zone,
            delimiter=getattr(self.table, "delimiter", None),
            seal=partial(seal, cipher=ws._cipher),
            postcodes=_postcode_table(ws),
            email_dns_timeout=_email_dns_timeout(ws.settings.extra),
            dayfirst=self.month_first is None,
        )
        # The consent flag the file's consent dates belong to: one answer per file.
        self.dated_consent = dated_flag(
            plan.field.name for plan in self.mapping.columns if plan.field is not None
        )
        self.channel_purposes = channel_purposes(load_purposes(ws.settings.extra))
        if options.suppression_list is not None:
            list_reason(options.suppression_list)
            self._check_list_columns()

    def _check_list_columns(self) -> None:
        """A list to suppress needs an e-mail or phone column, under a header row."""
        name = self.path.name
        for header in self.table.headers:
            if email_field.check(header).ok or phone_field.check(header, region=self.country).ok:
                raise InputFileError(
                    f"'{name}' has no header row: its first line holds an e-mail address or "
                    "a phone number where a column name is expected, and would be lost. Add a "
                    "first line naming the column ('email' or 'telephone') and import again."
                )
        if not any(
            plan.field is not None and plan.field.storage in (Storage.EMAIL, Storage.PHONE)
            for plan in self.mapping.columns
        ):
            raise MappingError(
                f"'{name}' has no e-mail or phone column to suppress (columns: "
                f"{', '.join(self.table.headers)}); name it in a mapping file "
                "(--mapping, e.g. Adresse = \"email\")."
            )

    def report(self) -> ImportReport:
        """An empty report for this file."""
        return ImportReport(
            path=self.path,
            source=self.source,
            format=self.table.format,
            encoding=getattr(self.table, "encoding", None),
            delimiter=getattr(self.table, "delimiter", None),
            mapping=self.mapping,
            warnings=list(self.mapping.warnings),
            timezone=self.zone,
            suppression_list=self.options.suppression_list,
        )

    # -- the real run ---------------------------------------------------------------------

    def run(self, progress: Progress | None = None) -> ImportReport:
        """Import the file, resuming an interrupted run of the same file and source."""
        with _fewer_collections():
            return self._run(progress)

    def _run(self, progress: Progress | None) -> ImportReport:
        started = time.perf_counter()
        report = self.report()
        fingerprint = self.table.fingerprint
        import_id, last_row, counts = self._start(fingerprint)
        report.import_id = import_id
        report.resumed_from = last_row
        total = Counter(counts)
        organisations = OrganisationIndex()
        now = _now()
        batches = self.table.batches_columns(
            size=self.options.batch_size, start=last_row + 1 if last_row else None
        )
        # One connection for the whole run (a transaction per batch), so that its
        # page cache carries the indexes' hot pages from one batch to the next.
        with self.ws.engine.connect() as conn, import_page_cache(conn):
            for batch in batches:
                # what a batch allocates lives until it is written: a collection
                # would only scan it again (its cycles go at the next one, after it)
                with gc_paused():
                    self._write_batch(conn, batch, import_id, now, organisations, total)
                if progress:
                    progress(len(batch.numbers), None)
        report.warnings.extend(self.table.stats.warnings)
        self._warn_of_repairs(report)
        report.rows = sum(total.values())
        report.counts = {k: total.get(k, 0) for k in OUTCOMES}
        report.verdicts = self.builder.summary()
        report.swapped_names = self.builder.swapped
        report.deaths = {"rows": self.builder.deaths, **self.deaths.to_dict()}
        report.rejected_file = self._write_rejected(import_id)
        with self.ws.engine.begin() as conn:
            if self.options.suppression_list is not None:
                self._forget_rejected_values(conn, import_id)
            report.suppressions = self._suppressions_added(conn, import_id)
            if report.suppressions:
                audit.write(
                    conn, actor=self.ws.actor, action="suppress", entity="import",
                    entity_id=import_id, count=sum(report.suppressions.values()),
                    details={"reasons": report.suppressions, "file": self.path.name,
                             **({"list": self.options.suppression_list}
                                if self.options.suppression_list else {})},
                )
            conn.execute(
                s.imports.update()
                .where(s.imports.c.id == import_id)
                .values(
                    status="completed",
                    finished_at=_now(),
                    counts={**report.counts, "verdicts": report.verdicts,
                            "suppressions": report.suppressions},
                    rows_total=report.rows,
                )
            )
        self._refresh_quality(import_id)
        report.seconds = time.perf_counter() - started
        return report

    def _write_batch(
        self,
        conn: Connection,
        batch: ColumnBatch,
        import_id: int,
        now: datetime,
        organisations: OrganisationIndex,
        total: Counter[str],
    ) -> None:
        """Build one batch's records and write them in a transaction of their own."""
        records = self.builder.build(
            batch.numbers, batch.columns, batch.extra, batch.errors, batch.tails
        )
        with conn.begin():
            writer = self._writer(conn, import_id, now, organisations)
            outcomes = writer.write(records)
            total.update(o.outcome for o in outcomes)
            conn.execute(
                s.imports.update()
                .where(s.imports.c.id == import_id)
                .values(
                    last_row=batch.numbers[-1],
                    rows_total=sum(total.values()),
                    counts=dict(total),
                )
            )

    def _suppressions_added(self, conn: Connection, import_id: int) -> dict[str, int]:
        """The entries this import put on the suppression list, per reason (each entry's
        source names the import that added it)."""
        t = s.suppressions
        return {
            str(reason): int(n)
            for reason, n in conn.execute(
                sa.select(t.c.reason, sa.func.count())
                .where(t.c.source == suppression_source(import_id, self.path.name))
                .group_by(t.c.reason)
                .order_by(t.c.reason)
            ).all()
        }

    @staticmethod
    def _forget_rejected_values(conn: Connection, import_id: int) -> None:
        """A list's rejected rows are in the rejected file for the user to mend: the
        workspace keeps no copy of them (only of rows a contact already holds)."""
        r = s.import_rows
        conn.execute(
            r.update()
            .where(r.c.import_id == import_id, r.c.outcome == "rejected",
                   r.c.contact_id.is_(None))
            .values(raw=sa.null())
        )

    def _refresh_quality(self, import_id: int) -> None:
        """Rescore the contacts this import touched, in chunks (not those whose rows
        found them unchanged: a re-import of a shop's export rescores nobody)."""
        r = s.import_rows
        with self.ws.engine.connect() as conn:
            ids = [
                int(i)
                for i in conn.execute(
                    sa.select(r.c.contact_id)
                    .where(
                        r.c.import_id == import_id,
                        r.c.contact_id.is_not(None),
                        r.c.outcome != "unchanged",
                    )
                    .distinct()
                ).scalars()
            ]
        for start in range(0, len(ids), 50_000):
            self.ws.compute_quality(ids[start : start + 50_000])

    def _start(self, fingerprint: str) -> tuple[int, int, dict[str, int]]:
        with self.ws.engine.begin() as conn:
            source_id = self.ws._source_id(conn, self.source)
            # an interrupted run of the same file read the same way (a list or not)
            running = next(
                (
                    run
                    for run in conn.execute(
                        sa.select(s.imports.c.id, s.imports.c.last_row, s.imports.c.options)
                        .where(
                            s.imports.c.source_id == source_id,
                            s.imports.c.fingerprint == fingerprint,
                            s.imports.c.status == "running",
                        )
                        .order_by(s.imports.c.id.desc())
                    ).all()
                    if (run.options or {}).get("suppression_list")
                    == self.options.suppression_list
                ),
                None,
            )
            if running is not None:
                counts: dict[str, int] = dict(
                    conn.execute(
                        sa.select(s.import_rows.c.outcome, sa.func.count())
                        .where(s.import_rows.c.import_id == running.id)
                        .group_by(s.import_rows.c.outcome)
                    ).all()
                )
                return (
                    int(running.id),
                    int(running.last_row),
                    {k: int(v) for k, v in counts.items()},
                )
            import_id = int(
                conn.execute(
                    s.imports.insert()
                    .values(
                        source_id=source_id,
                        file_name=str(self.path),
                        fingerprint=fingerprint,
                        mapping=self.mapping.to_json(),
                        options={
                            "country": self.country,
                            "id_column": self.options.id_column,
                            "encoding": getattr(self.table, "encoding", None),
                            "delimiter": getattr(self.table, "delimiter", None),
                            "suppression_list": self.options.suppression_list,
                        },
                        status="running",
                        counts={},
                        started_at=_now(),
                    )
                    .returning(s.imports.c.id)
                ).scalar_one()
            )
            return import_id, 0, {}

    def _writer(
        self, conn: Connection, import_id: int, now: datetime, organisations: OrganisationIndex
    ) -> BatchWriter | SuppressionListWriter:
        kind = BatchWriter if self.options.suppression_list is None else SuppressionListWriter
        # the deaths the rows mark are recorded by a customer file's writer only
        deaths = {"deaths": self.deaths} if kind is BatchWriter else {}
        writer = kind(
            conn,
            import_id=import_id,
            source=self.source,
            source_id=self.ws._source_id(conn, self.source),
            now=now,
            secret=self.ws.settings.secret_key,
            cipher=self.ws._cipher,
            actor=self.ws.actor,
            file_name=self.path.name,
            organisations=organisations,
            dated_consent=self.dated_consent,
            channel_purposes=self.channel_purposes,
            suppression_list=self.options.suppression_list,
            unsuppressed=self.unsuppressed,
            **deaths,
        )
        return writer

    def _write_rejected(self, import_id: int) -> Path | None:
        r = s.import_rows
        with self.ws.engine.connect() as conn:
            rejected = conn.execute(
                sa.select(r.c.row_number, r.c.reason, r.c.raw)
                .where(r.c.import_id == import_id, r.c.outcome == "rejected")
                .order_by(r.c.row_number)
            ).all()
        target_dir = Path(self.options.rejected_dir or self.path.parent)
        sheet = f".{self.options.sheet}" if isinstance(self.options.sheet, str) else ""
        target = target_dir / f"{self.path.stem}{sheet}.rejected.csv"
        if not rejected:
            if target.exists():
                target.unlink()
            return None
        # a rejected-rows file imported again gets its note replaced, not a second one
        own = [h for h in self.table.headers if h not in (ROW_COLUMN, REASON_COLUMN)]
        extra = max((len((row.raw or {}).get("_extra") or []) for row in rejected), default=0)
        headers = [*own, *(f"extra_{i + 1}" for i in range(extra)), ROW_COLUMN, REASON_COLUMN]

        def rows() -> Any:
            for row in rejected:
                raw = dict(row.raw or {})
                cells = list(raw.pop("_extra", None) or [])
                for header, value in raw.items():
                    if isinstance(value, str) and value.startswith(SEALED):
                        # the user's own file to fix: the sealed cell as the file had it
                        raw[header] = unseal(value, self.ws._cipher)
                out = {h: raw.get(h) for h in own}
                out.update({f"extra_{i + 1}": v for i, v in enumerate(cells)})
                out[ROW_COLUMN] = row.row_number
                out[REASON_COLUMN] = row.reason
                yield out

        from carnet.ingest.writers import write_table

        try:
            write_table(target, headers, rows())
        except OSError as exc:
            raise InputFileError(
                f"Cannot write the rejected rows to '{target}' ({exc.strerror}); "
                "choose another folder with --rejected-dir."
            ) from exc
        return target

    # -- preview --------------------------------------------------------------------------

    def preview(self, *, sample_rows: int = 10) -> ImportReport:
        """Run the whole import in a transaction that is rolled back: exact counts, no writes."""
        started = time.perf_counter()
        report = self.report()
        report.preview = True
        total: Counter[str] = Counter()
        organisations = OrganisationIndex()
        with self.ws.engine.connect() as conn, import_page_cache(conn):
            transaction = conn.begin()
            try:
                source_id = self.ws._source_id(conn, self.source)
                import_id = int(
                    conn.execute(
                        s.imports.insert()
                        .values(
                            source_id=source_id,
                            file_name=str(self.path),
                            fingerprint="preview",
                            mapping={},
                            options={},
                            status="running",
                            counts={},
                            started_at=_now(),
                        )
                        .returning(s.imports.c.id)
                    ).scalar_one()
                )
                writer = self._writer(conn, import_id, _now(), organisations)
                for batch in self.table.batches_columns(size=self.options.batch_size):
                    records = self.builder.build(
                        batch.numbers, batch.columns, batch.extra, batch.errors, batch.tails
                    )
                    outcomes = writer.write(records)
                    total.update(o.outcome for o in outcomes)
                    if len(report.sample) < sample_rows:
                        report.sample.extend(
                            _sample(r, o) for r, o in zip(records, outcomes, strict=True)
                        )
                        del report.sample[sample_rows:]
                report.suppressions = self._suppressions_added(conn, import_id)
            finally:
                transaction.rollback()
        report.rows = sum(total.values())
        report.counts = {k: total.get(k, 0) for k in OUTCOMES}
        report.verdicts = self.builder.summary()
        report.swapped_names = self.builder.swapped
        report.deaths = {"rows": self.builder.deaths, **self.deaths.to_dict()}
        report.warnings.extend(self.table.stats.warnings)
        self._warn_of_repairs(report)
        report.seconds = time.perf_counter() - started
        return report

    def _warn_of_repairs(self, report: ImportReport) -> None:
        if self.month_first is not None:
            report.warnings.append(
                f"The file writes its dates month first ({self.month_first!r} among its first "
                "rows, and no date written day first there): every date of it was read "
                "mm/dd/yyyy. A date that can be read both ways is flagged 'ambiguous'."
            )
        for warning in (
            self.builder.realigned_warning(),
            self.builder.encoding_warning(),
            self.builder.refusals_warning(),
            self.builder.deaths_warning(),
            self.deaths.warning(),
        ):
            if warning is not None:
                report.warnings.append(warning)
        if self.unsuppressed:
            report.warnings.append(
                f"{len(self.unsuppressed):,} contacts closed a channel (an opt-out column) "
                "or had an e-mail bounce: their withdrawals and bounces are recorded, so no "
                "campaign reaches them, but their e-mails and phones are not on the "
                "suppression list, which keeps them out of later imports and lists, because "
                "CARNET_SECRET_KEY is not set: set it (a long random string, kept stable) "
                "and import the file again."
            )


def _sample(record: RowRecord, outcome: Outcome) -> dict[str, Any]:
    return {
        "row": record.number,
        "outcome": outcome.outcome,
        "reason": outcome.reason,
        "values": {k: str(v) for k, v in record.columns.items() if k != "iban"},
        "points": [
            {
                "kind": p.kind,
                "raw": p.verdict.raw,
                "normalised": p.verdict.normalised,
                "verdict": p.verdict.status.value,
                "reasons": list(p.verdict.reasons),
                "suggestions": list(p.verdict.suggestions),
            }
            for p in record.points
        ],
        "invalid": record.invalid_values,
    }


#: The kinds of field whose cells are dates written day or month first.
_DATE_KINDS = frozenset({Kind.DATE, Kind.DATETIME, Kind.BIRTH_DATE})

#: Headers only Mailchimp's audience exports have; their times are in UTC.
_MAILCHIMP_HEADERS = frozenset(
    {"member_rating", "optin_time", "confirm_time", "last_changed", "leid", "euid",
     "unsub_time", "clean_time"}
)


#: A header that names UTC as its zone: "Submit Date (UTC)", "Created at [GMT]".
_SAYS_UTC = re.compile(r"[(\[]\s*(?:utc|gmt)\s*[)\]]")


def written_zone(headers: Iterable[str]) -> str | None:
    """The time zone of a file's times when the tool that wrote it is known to use
    one whatever the user's (None: the workspace's zone).

    >>> written_zone(["Email Address", "MEMBER_RATING", "OPTIN_TIME", "CONFIRM_TIME"])
    'UTC'
    >>> written_zone(["Email", "Date d'inscription"]) is None
    True

    A header that says so is believed too: Typeform's "Submit Date (UTC)".

    >>> written_zone(["#", "Email", "Start Date (UTC)", "Submit Date (UTC)"])
    'UTC'
    """
    names = {header.strip().lower() for header in headers}
    if len(names & _MAILCHIMP_HEADERS) >= 2 or any(_SAYS_UTC.search(n) for n in names):
        return "UTC"
    return None


def _valid_zone(name: str | None) -> str | None:
    """``name`` if it is a time zone this machine knows, else a clear error."""
    if not name:
        return None
    try:
        ZoneInfo(name.strip())
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidValueError(
            f"Unknown time zone {name!r}; use an IANA name such as Europe/Paris, "
            "America/Martinique or UTC."
        ) from None
    return name.strip()


def _email_dns_timeout(extra: Mapping[str, Any]) -> float | None:
    """The DNS timeout when ``[carnet] email_deliverability = true`` is configured."""
    if not extra.get("email_deliverability"):
        return None
    try:
        return float(extra.get("email_dns_timeout", 3))
    except (TypeError, ValueError):
        raise ConfigError("email_dns_timeout must be a number of seconds.") from None


def _postcode_table(ws: Carnet) -> PostcodeTable | None:
    with ws.engine.connect() as conn:
        rows = conn.execute(
            sa.select(
                s.ref_postcodes.c.postcode,
                s.ref_postcodes.c.commune,
                s.ref_postcodes.c.routing_label,
                s.ref_postcodes.c.line5,
                s.ref_postcodes.c.insee_code,
            )
        ).all()
    if not rows:
        return None
    return PostcodeTable(tuple(str(v or "") for v in row) for row in rows)


def _now() -> datetime:
    from carnet.directory.base import utcnow

    return utcnow()
