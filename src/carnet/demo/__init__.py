"""Messy multi-source demo data: what real French customer files look like.

:func:`generate` draws a true population (households, homonyms, B2B contacts of
companies) and writes the files a marketing team would pour into carnet — an
e-shop export in cp1252, an event sign-up sheet, an old CRM dump, survey
answers, order lines and a newsletter list — each a faulty view of the truth,
with typos, phone formats, lost leading zeros, swapped names, nicknames,
married names and cross-source duplicates at documented rates
(:data:`FAULT_RATES`, ``docs/demo-data.md``). ``truth.csv`` says which person
every row is, so matching can be measured.

Example::

    from pathlib import Path
    from carnet.demo import generate

    report = generate(Path("demo"), people=10_000, seed=42)
    report.files          # {'eshop_customers.csv': 4321, ...}
    report.fault_rates()  # observed rate of each fault kind
"""

from carnet.demo.faults import FAULT_RATES, PHONE_FORMATS
from carnet.demo.generator import GenerationReport, generate

__all__ = ["FAULT_RATES", "PHONE_FORMATS", "GenerationReport", "generate"]
