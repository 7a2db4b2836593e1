"""Reference u-probabilities: what a small file cannot measure about itself.

u (P(level | different people)) is counted among random pairs of the file's
records. A file of a million records gives a million pairs and a sharp
estimate; a trade-show sheet of 12 people gives 66 pairs, among them the
duplicates themselves: two records of Sophie Lefèvre are one pair in 66 that
agrees on first name, last name, birth date and address, so "first name exact"
would be counted as sharing 1 pair in 66 between *different* people, and
weigh almost nothing. Duplicate search then found nothing in small files.

Each count is therefore smoothed towards a reference: the u of each level in
a French customer file of 100,000 people (the demo generator's five person
files, imported by carnet, one record per contact), given the weight of
``MatchSettings.reference_u_pairs`` random pairs. A file of more than a few
hundred records outweighs it; a file of a dozen is scored with the reference.
The reference holds only what a level says about two different people in
general (two random French people share a first name about 6 times in 1,000),
not the file's own make-up, which its own pairs give once there are enough.

``python -m carnet.match.reference [--people N] [OUT.json]`` rebuilds the
reference from the generator (a few minutes for 100,000 people).
"""

from __future__ import annotations

import argparse
import json
import tempfile
from collections.abc import Mapping
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np

from carnet.match.comparisons import Comparison

__all__ = ["build_reference_u", "reference_u", "reference_vector"]

_FILE = "data/reference_u.json"


@lru_cache(maxsize=1)
def reference_u() -> dict[str, dict[str, float]]:
    """The shipped reference: per comparison name, level label -> u."""
    text = resources.files("carnet.match").joinpath(_FILE).read_text(encoding="utf-8")
    data = json.loads(text)
    return {name: dict(levels) for name, levels in data["u"].items()}


def reference_vector(
    comp: Comparison, reference: Mapping[str, Mapping[str, float]]
) -> np.ndarray | None:
    """The reference u of each of ``comp``'s levels, summing to 1.

    None when the reference does not know every level of the comparison (a
    custom identifier column, a comparison of another library): its u then
    comes from the file alone.
    """
    levels = reference.get(comp.name)
    if levels is None:
        return None
    values = [levels.get(level.label) for level in comp.levels]
    if any(v is None or not v > 0 for v in values):
        return None
    vec: np.ndarray = np.asarray(values, dtype=float)
    out: np.ndarray = vec / vec.sum()
    return out


def build_reference_u(people: int = 100_000, seed: int = 7) -> dict[str, object]:
    """Generate ``people`` people, import them, and measure u on their contacts.

    The files of :func:`carnet.demo.generate` are imported into a temporary
    SQLite workspace as ``make demo`` does; u is estimated on the contacts
    with no reference (``reference_u_pairs=0``), as a large file would be.
    """
    import sqlalchemy as sa

    from carnet import Carnet
    from carnet.dedupe.records import store_records
    from carnet.demo import generate
    from carnet.demo.loading import import_person_files
    from carnet.match import Matcher, MatchSettings

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        generate(out, people=people, seed=seed)
        url = f"sqlite:///{out / 'carnet.db'}"
        ws = Carnet.init(url, profile="b2c", actor="reference")
        import_person_files(ws, out)
        ws.engine.dispose()
        engine = sa.create_engine(url)
        with engine.connect() as conn:
            records = store_records(conn)
        engine.dispose()
    settings = MatchSettings(reference_u_pairs=0)
    model = Matcher(settings).train(records)
    return {
        "source": (
            f"carnet.match.reference: u estimated on {model.n_records:,} contacts imported "
            f"from carnet.demo.generate(people={people}, seed={seed})"
        ),
        "u": {
            comp.name: {
                level.label: model.u[comp.name][i] for i, level in enumerate(comp.levels)
            }
            for comp in settings.comparisons
        },
    }


def main(argv: list[str] | None = None) -> None:  # pragma: no cover - a maintainer's tool
    parser = argparse.ArgumentParser(description="Rebuild carnet's reference u-probabilities.")
    parser.add_argument("out", nargs="?", help="where to write the JSON (default: stdout)")
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    text = json.dumps(build_reference_u(args.people, args.seed), indent=1, ensure_ascii=False)
    if args.out:
        Path(args.out).write_text(text + "\n", encoding="utf-8")
    else:
        print(text)


if __name__ == "__main__":  # pragma: no cover
    main()
