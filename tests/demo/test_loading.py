"""The generator's person files imported as ``make demo`` and the benchmarks do."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from carnet import Carnet
from carnet.demo import generate
from carnet.demo.loading import PERSON_FILES, import_person_files
from carnet.store import schema as s


def test_the_person_files_are_imported_the_eshop_export_first_with_its_ids(
    carnet: Carnet, tmp_path: Path
) -> None:
    generate(tmp_path, 60, seed=3, workers=1)
    import_person_files(carnet, tmp_path)
    with carnet.engine.connect() as conn:
        files = conn.execute(
            sa.select(s.imports.c.file_name).order_by(s.imports.c.id)
        ).scalars().all()
        eshop_ids = conn.execute(
            sa.select(sa.func.count())
            .select_from(s.external_ids.join(s.sources))
            .where(s.sources.c.name == "eshop_customers")
        ).scalar_one()
    assert [Path(f).name for f in files] == list(PERSON_FILES)
    assert eshop_ids > 0  # the "N° client" column named the e-shop's rows


def test_a_subset_keeps_the_eshop_export_first(carnet: Carnet, tmp_path: Path) -> None:
    generate(tmp_path, 30, seed=3, workers=1)
    import_person_files(carnet, tmp_path, ("old_crm.csv", "eshop_customers.csv"))
    with carnet.engine.connect() as conn:
        files = conn.execute(
            sa.select(s.imports.c.file_name).order_by(s.imports.c.id)
        ).scalars().all()
    assert [Path(f).name for f in files] == ["eshop_customers.csv", "old_crm.csv"]
