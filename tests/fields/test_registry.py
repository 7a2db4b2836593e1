"""carnet.fields.registry: kinds are found by their verbs."""

from __future__ import annotations

import pytest

from carnet.fields import email, registry


def test_kinds_are_the_modules_with_every_verb() -> None:
    kinds = registry.kinds()
    assert kinds["email"] is email
    for module in kinds.values():
        for verb in registry.VERBS:
            assert callable(getattr(module, verb))
    assert "verdict" not in kinds and "catalog" not in kinds and "registry" not in kinds
    assert not any(name.startswith("_") for name in kinds)


def test_kind_lookup() -> None:
    assert registry.kind("phone").normalise("0612345678") == "+33612345678"
    with pytest.raises(KeyError, match="known kinds"):
        registry.kind("nope")


def test_a_module_satisfies_the_protocol() -> None:
    kind: registry.FieldKind = email  # checked by mypy as well
    assert kind.check("a@b.fr").ok
