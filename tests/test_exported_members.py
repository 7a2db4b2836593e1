"""The public API is what ``carnet.__all__`` says, and nothing is missing from it."""

import carnet


def test_all_names_exist() -> None:
    for name in carnet.__all__:
        assert hasattr(carnet, name), name


def test_facade_and_errors_are_exported() -> None:
    assert {"Carnet", "Verdict", "CarnetError"} <= set(carnet.__all__)
    errors = {n for n in dir(carnet) if n.endswith("Error") and not n.startswith("_")}
    assert errors <= set(carnet.__all__)
