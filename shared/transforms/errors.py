"""The one error a transform raises: the record cannot become a canonical model, and why."""

from __future__ import annotations

from shared.errors import MigrationError, Permanent


class TransformError(MigrationError, Permanent):
    """A raw record is unusable; ``source_id`` names it for the dead-letter queue."""

    def __init__(self, source_id: str, reason: str) -> None:
        super().__init__(f"{source_id}: {reason}")
        self.source_id = source_id
        self.reason = reason
