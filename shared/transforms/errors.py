"""The one error a transform raises: the record cannot become a canonical model, and why."""

from __future__ import annotations

from shared.errors import MigrationError, Permanent

UNREADABLE = "source_unreadable"
"""Code of records the source API does not let us read in full (a documented platform limitation)."""


class TransformError(MigrationError, Permanent):
    """A raw record is unusable; ``source_id`` names it for the dead-letter queue, ``code`` classifies it."""

    def __init__(self, source_id: str, reason: str, code: str = "transform_failed") -> None:
        super().__init__(f"{source_id}: {reason}")
        self.source_id = source_id
        self.reason = reason
        self.code = code
