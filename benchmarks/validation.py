"""Validation benchmark: ``check_column`` against ``check_many`` and a naive per-cell loop.

    python benchmarks/validation.py N [--seed S] [--workdir DIR]

Draws about N realistic email and phone cells from the demo generator's files
(``carnet.demo.generate``; the columns found by the header catalogue, as the
import does), then times, each with cold caches:

(a) naive loop: ``email_validator.validate_email`` on every email cell and
    ``phonenumbers.parse`` / ``is_valid_number`` / ``number_type`` /
    ``format_number`` on every phone cell;
(b) ``email.check_many`` + ``phone.check_many`` (once per distinct value);
(c) ``email.check_column`` + ``phone.check_column``.

Prints one JSON line: cells, naive_seconds, check_many_seconds,
check_column_seconds, speedup (a / c), the same three in CPU seconds
(``time.process_time``, all threads) and their speedup,
agreement_with_check (share of cells where (c) equals ``check``: must be 1.0)
and validity_agreement_with_naive (share of cells where (c) and the naive loop
agree on usable / not usable; carnet repairs some values the naive loop
refuses, and refuses some it accepts). A benchmark, not a test.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
from demo_files import email_and_phone_cells

CELLS_PER_PERSON = 3.6  # email and phone cells the demo files hold per person


def cells(n: int, seed: int, workdir: Path) -> tuple[list[str], list[str]]:
    """About ``n`` non-empty email and phone cells of the demo files, in file order."""
    from carnet.demo import generate
    generate(workdir, people=max(50, int(n / CELLS_PER_PERSON) + 50), seed=seed)
    emails, phones = email_and_phone_cells(workdir)
    share = len(emails) / max(1, len(emails) + len(phones))
    n_emails = min(len(emails), round(n * share))
    return emails[:n_emails], phones[: min(len(phones), n - n_emails)]


def naive(emails: list[str], phones: list[str]) -> list[bool]:
    """(a) the per-cell libraries: is each cell valid?"""
    import phonenumbers
    from email_validator import EmailNotValidError, validate_email

    ok: list[bool] = []
    for value in emails:
        try:
            validate_email(value, check_deliverability=False)
            ok.append(True)
        except EmailNotValidError:
            ok.append(False)
    for value in phones:
        try:
            number = phonenumbers.parse(value, "FR")
            valid = phonenumbers.is_valid_number(number)
            phonenumbers.number_type(number)
            phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
            ok.append(valid)
        except phonenumbers.NumberParseException:
            ok.append(False)
    return ok


def _cold() -> None:
    """Empty every cache the checks keep, so each part pays its own warm-up."""
    from carnet.fields import email, phone

    email.suggest_domain.cache_clear()
    email.is_disposable_domain.cache_clear()
    phone._classify.cache_clear()
    phone._decided_prefixes.cache_clear()


def _timed(fn: Callable[[], Any]) -> tuple[Any, float, float]:
    _cold()
    wall, cpu = time.perf_counter(), time.process_time()
    result = fn()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def run(n: int, seed: int, workdir: Path) -> dict[str, Any]:
    from carnet.fields import email, phone

    emails, phones = cells(n, seed, workdir)
    naive_ok, naive_wall, naive_cpu = _timed(lambda: naive(emails, phones))
    _, many_wall, many_cpu = _timed(lambda: (email.check_many(emails), phone.check_many(phones)))
    column, column_wall, column_cpu = _timed(
        lambda: email.check_column(emails) + phone.check_column(phones)
    )
    expected = [email.check(v) for v in emails] + [phone.check(v) for v in phones]
    total = len(emails) + len(phones)
    return {
        "cells": total,
        "email_cells": len(emails),
        "phone_cells": len(phones),
        "distinct_values": len(set(emails)) + len(set(phones)),
        "naive_seconds": round(naive_wall, 3),
        "check_many_seconds": round(many_wall, 3),
        "check_column_seconds": round(column_wall, 3),
        "speedup": round(naive_wall / max(column_wall, 1e-9), 1),
        "naive_cpu_seconds": round(naive_cpu, 3),
        "check_many_cpu_seconds": round(many_cpu, 3),
        "check_column_cpu_seconds": round(column_cpu, 3),
        "cpu_speedup": round(naive_cpu / max(column_cpu, 1e-9), 1),
        "agreement_with_check": sum(a == b for a, b in zip(column, expected, strict=True))
        / max(1, total),
        "validity_agreement_with_naive": round(
            sum(v.ok == ok for v, ok in zip(column, naive_ok, strict=True)) / max(1, total), 4
        ),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int, help="number of email and phone cells")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--workdir", type=Path, help="where the demo files go (default: temp)")
    args = parser.parse_args()
    if args.workdir is not None:
        args.workdir.mkdir(parents=True, exist_ok=True)
        result = run(args.n, args.seed, args.workdir)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            result = run(args.n, args.seed, Path(tmp))
    json.dump(result, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
