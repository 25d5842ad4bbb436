"""The 200 response of every ``import.*`` method (docs/contracts.md §4), built item by item."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

SKIP_TEST_LIMIT = "test_limit"
SKIP_UNCHANGED = "unchanged"


def _public_id(target_id: str) -> int | str:
    return int(target_id) if target_id.isdigit() else target_id


@dataclass
class ImportResult:
    """Counters and lists of one batch; ``imported`` counts creates and updates."""

    imported: int = 0
    skipped: int = 0
    failed: list[dict[str, str]] = field(default_factory=list)
    duplicate: list[str] = field(default_factory=list)
    ids: dict[str, int | str] = field(default_factory=dict)
    updated: list[str] = field(default_factory=list)
    skipped_items: list[dict[str, str]] = field(default_factory=list)

    def created(self, source_id: str, target_id: str) -> None:
        """A new record in the portal."""
        self.imported += 1
        self.ids[source_id] = _public_id(target_id)

    def changed(self, source_id: str, target_id: str) -> None:
        """An existing record updated because its checksum changed."""
        self.imported += 1
        self.updated.append(source_id)
        self.ids[source_id] = _public_id(target_id)

    def same(self, source_id: str, target_id: str) -> None:
        """Already imported with the same checksum: nothing written."""
        self.duplicate.append(source_id)
        self.ids[source_id] = _public_id(target_id)

    def skip(self, source_id: str, reason: str, target_id: str | None = None) -> None:
        """Not processed: beyond ``test_limit``, or changed but not updatable in the portal."""
        self.skipped += 1
        self.skipped_items.append({"sourceId": source_id, "reason": reason})
        if target_id is not None:
            self.ids[source_id] = _public_id(target_id)

    def fail(self, source_id: str, code: str, reason: str) -> None:
        """A permanent per-item failure; the rest of the batch goes on."""
        self.failed.append({"sourceId": source_id, "code": code, "reason": reason[:500]})

    def as_json(self) -> dict[str, Any]:
        """The response body."""
        return {
            "imported": self.imported,
            "skipped": self.skipped,
            "failed": self.failed,
            "duplicate": self.duplicate,
            "ids": self.ids,
            "updated": self.updated,
            "skipped_items": self.skipped_items,
        }
