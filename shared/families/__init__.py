"""The family registry: every family spec in dependency order (architecture.md "Families").

Orchestrators iterate ``REGISTRY`` in order; ``get_family`` looks one up by its canonical name.
Adding a family is one module, one line here and its tests.
"""

from __future__ import annotations

from shared.families.spec import FamilySpec, Paging, SortStyle
from shared.families.users import USERS

REGISTRY: tuple[FamilySpec, ...] = (USERS,)
"""All known families, parents before children."""

BY_NAME: dict[str, FamilySpec] = {spec.name: spec for spec in REGISTRY}


def get_family(name: str) -> FamilySpec:
    """The spec of family ``name``.

    Raises:
        KeyError: for an unknown family, naming the known ones.
    """
    try:
        return BY_NAME[name]
    except KeyError:
        raise KeyError(f"unknown family {name!r}; known: {', '.join(BY_NAME)}") from None


__all__ = ["BY_NAME", "REGISTRY", "FamilySpec", "Paging", "SortStyle", "get_family"]
