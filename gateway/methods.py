"""The allow-list of ``import.*`` methods with the plan's batch maxima and rates (section 6.2).

Each entry names its family, the canonical model that validates an item, the largest accepted batch and the
request rate per minute; anything not in this table is refused with 403.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from gateway.families.base import Writer
from gateway.families.users import UserWriter

IMPORT_METHOD = re.compile(r"^import\.")


@dataclass(frozen=True)
class MethodSpec:
    """One gateway method: ``max_batch`` items per request, ``rate_per_min`` requests per minute."""

    method: str
    family: str
    max_batch: int
    rate_per_min: int
    writer: Writer


METHODS: dict[str, MethodSpec] = {
    spec.method: spec
    for spec in (
        MethodSpec("import.users.batch", "users", 100, 600, UserWriter()),
    )
}


def lookup(method: str) -> MethodSpec | None:
    """The spec of an allowed method, ``None`` for anything outside the allow-list."""
    if not IMPORT_METHOD.match(method):
        return None
    return METHODS.get(method)
