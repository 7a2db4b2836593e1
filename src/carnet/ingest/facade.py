"""Import, preview, export and reference data: the workspace's ingest methods."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from carnet.directory.activity import ActivityMixin
from carnet.errors import InvalidValueError
from carnet.fields.postcodes import PostcodeTable
from carnet.ingest.export import export_contacts
from carnet.ingest.pipeline import ImportOptions, ImportReport, ImportRun, Progress
from carnet.ingest.readers import open_table
from carnet.privacy import audit as audit_log
from carnet.quality.facade import QualityMixin
from carnet.store import schema as s

if TYPE_CHECKING:
    from carnet.dedupe.facade import DedupeReport
    from carnet.match import MatchModel


class IngestMixin(ActivityMixin, QualityMixin):
    """Import and export methods of :class:`carnet.Carnet`."""

    if TYPE_CHECKING:  # provided by the workspace (carnet.dedupe.facade.DedupeMixin)

        def match_model(self) -> MatchModel | None: ...

        def match_new_contacts(
            self,
            contact_ids: Sequence[int],
            *,
            auto_threshold: float | None = None,
            review_threshold: float | None = None,
        ) -> DedupeReport: ...

    def import_file(
        self,
        path: str | Path,
        *,
        options: ImportOptions | None = None,
        progress: Progress | None = None,
        **kwargs: Any,
    ) -> ImportReport:
        """Import one CSV, Excel (XLSX, XLS, XLSB), ODS, JSON or NDJSON file.

        Every row ends as inserted, updated, unchanged, merged, suppressed or rejected
        with a reason; the counts add up and are stored with the import. Re-importing
        the same file changes nothing; an interrupted run resumes.

        Args:
            path: the file.
            options: how to read and map it (or pass the same names as keywords:
                ``source``, ``mapping``, ``mapping_file``, ``country``, ``timezone``, ``id_column``,
                ``encoding``, ``delimiter``, ``sheet``, ``batch_size``, ``rejected_dir``,
                ``suppression_list``: ``"unsubscribes"``, ``"bounces"`` or
                ``"complaints"`` for a file that lists addresses to suppress).
            progress: called with the number of rows done after each batch.

        Raises:
            InputFileError: when the file cannot be read (or a list to suppress has no
                header row).
            MappingError: when a mapping names unknown columns or fields (or a list to
                suppress has no e-mail or phone column).
            ConfigError: when the file puts addresses on the suppression list and
                CARNET_SECRET_KEY is not set.

        Example:
            >>> ws.import_file("desinscrits.csv", suppression_list="unsubscribes")
            ... # doctest: +SKIP
        """
        opts = options or ImportOptions(**kwargs)
        if opts.sheet == "*":
            raise InvalidValueError(
                "import_file reads one sheet; use import_files (or the CLI) with sheet='*' "
                "to import every sheet of a workbook."
            )
        report = ImportRun(self, Path(path), opts).run(progress)
        if opts.match_duplicates and report.import_id is not None:
            report.duplicates = self._match_imported(report.import_id)
        return report

    def _match_imported(self, import_id: int) -> dict[str, int] | None:
        """Match the contacts an import created against the file (None: no model yet)."""
        if self.match_model() is None:
            return None
        r = s.import_rows
        with self.engine.connect() as conn:
            created = [
                int(i)
                for i in conn.execute(
                    sa.select(r.c.contact_id)
                    .where(
                        r.c.import_id == import_id,
                        r.c.outcome == "inserted",
                        r.c.contact_id.is_not(None),
                    )
                    .distinct()
                ).scalars()
            ]
        found = self.match_new_contacts(created)
        return {"contacts_merged": found.contacts_merged, "review": found.review}

    def import_files(
        self,
        paths: Sequence[str | Path],
        *,
        options: ImportOptions | None = None,
        progress: Progress | None = None,
        **kwargs: Any,
    ) -> list[ImportReport]:
        """Import several files in turn (see :meth:`import_file`); with ``sheet="*"`` every
        sheet of a workbook is imported as a source of its own (``file:sheet``)."""
        opts = options or ImportOptions(**kwargs)
        reports = []
        for path in paths:
            for sheet_options in self.sheet_runs(Path(path), opts):
                reports.append(self.import_file(path, options=sheet_options, progress=progress))
        return reports

    def sheet_runs(self, path: Path, options: ImportOptions) -> list[ImportOptions]:
        """The import runs a file needs: one, or one per sheet for ``sheet="*"``."""
        if options.sheet != "*":
            return [options]
        table = open_table(path, sheet="*", format=options.format)
        names = list(getattr(table, "sheet_headers", {}) or [])
        if not names:
            raise InvalidValueError(
                f"'{path.name}' has no sheets to read; sheet='*' is for workbooks "
                "(XLSX, XLS, XLSB, ODS)."
            )
        return [
            replace(options, sheet=name, source=f"{options.source or path.stem}:{name}")
            for name in names
        ]

    def preview_import(
        self,
        path: str | Path,
        *,
        options: ImportOptions | None = None,
        sample_rows: int = 10,
        **kwargs: Any,
    ) -> ImportReport:
        """What :meth:`import_file` would do (mapping, sample verdicts, counts); writes nothing."""
        opts = options or ImportOptions(**kwargs)
        return ImportRun(self, Path(path), opts).preview(sample_rows=sample_rows)

    def list_imports(self, *, limit: int = 50) -> list[dict[str, Any]]:
        """The most recent import runs with their counts."""
        i, src = s.imports, s.sources
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(i, src.c.name.label("source"))
                .join(src, src.c.id == i.c.source_id)
                .where(i.c.fingerprint != "preview")
                .order_by(i.c.id.desc())
                .limit(limit)
            ).mappings()
            return [dict(r) for r in rows]

    def export_contacts(
        self,
        path: str | Path,
        *,
        fields: Sequence[str] | None = None,
        raw: bool = False,
        with_sources: bool = False,
        delimiter: str = ";",
        living_only: bool = False,
    ) -> int:
        """Export contacts to CSV/XLSX/JSON (by extension); returns how many.

        Deceased contacts are written with ``deceased`` at "yes"; ``living_only``
        leaves them out (a mailing made from the file must not reach them).

        CSV is Excel-friendly (UTF-8 with BOM, ``;`` by default) and every cell that
        a spreadsheet would run as a formula is neutralised. ``with_sources`` adds
        ``source_rows`` and ``source_ids``: every input row and source id folded
        into the contact, merged contacts included.
        """
        count = export_contacts(
            self,
            Path(path),
            fields=fields,
            raw=raw,
            with_sources=with_sources,
            delimiter=delimiter,
            living_only=living_only,
        )
        with self.engine.begin() as conn:
            audit_log.write(
                conn,
                actor=self.actor,
                action="export",
                entity="contacts",
                count=count,
                details={"file": Path(path).name},
            )
        return count

    def load_postcodes(self, path: str | Path) -> int:
        """Load La Poste's official postcode table (either published layout), replacing
        the one loaded before; returns the number of rows.

        Raises:
            InputFileError: when the file cannot be read or lacks the needed columns.
        """
        table = PostcodeTable.from_laposte_csv(Path(path))
        rows = [
            {
                "postcode": r.postcode,
                "commune": r.name,
                "routing_label": r.label,
                "line5": r.line5 or None,
                "insee_code": r.insee or None,
            }
            for r in table
        ]
        with self.engine.begin() as conn:
            conn.execute(s.ref_postcodes.delete())
            for start in range(0, len(rows), 5000):
                conn.execute(s.ref_postcodes.insert(), rows[start : start + 5000])
        return len(rows)
