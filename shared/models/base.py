"""The common base of canonical models: strict config, source-id helpers and the content checksum.

The checksum is a sha256 over the model's JSON with sorted keys, excluding the checksum itself, so the
gateway can tell an unchanged record (duplicate) from a changed one (update) without reading the target.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any, ClassVar, Self

from pydantic import BaseModel, ConfigDict, model_validator

SOURCE_PREFIX = "cloud"


def source_id(kind: str, record_id: int | str) -> str:
    """Build a source id such as ``cloud:user:15`` or ``cloud:crm:deal:7``."""
    return f"{SOURCE_PREFIX}:{kind}:{record_id}"


def idempotency_key(kind: str, record_id: int | str) -> str:
    """The plan's per-item idempotency key, e.g. ``source:user:15``."""
    return f"source:{kind}:{record_id}"


def parse_source_id(value: str) -> tuple[str, str]:
    """Split ``cloud:<kind>:<id>`` into ``(kind, id)``; the kind may itself contain colons.

    Raises:
        ValueError: when the value is not a ``cloud:`` source id.
    """
    prefix, _, rest = value.partition(":")
    kind, _, rid = rest.rpartition(":")
    if prefix != SOURCE_PREFIX or not kind or not rid:
        raise ValueError(f"not a source id: {value!r}")
    return kind, rid


def content_checksum(data: dict[str, Any]) -> str:
    """sha256 hex of the record's canonical JSON, without its ``checksum`` key."""
    body = {k: v for k, v in data.items() if k != "checksum"}
    raw = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


class CanonicalModel(BaseModel):
    """Base of every canonical record; ``KIND`` is the plan's singular kind used in ``sourceId``."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    KIND: ClassVar[str] = ""
    KIND_EXACT: ClassVar[bool] = True
    """False when the kind carries a sub-kind (``crm:sp:<type>``), so only its prefix is checked."""

    sourceId: str
    checksum: str = ""

    @model_validator(mode="after")
    def _check_source_id(self) -> Self:
        kind, _ = parse_source_id(self.sourceId)
        wrong = kind != self.KIND if self.KIND_EXACT else not kind.startswith(self.KIND + ":")
        if self.KIND and wrong:
            raise ValueError(f"sourceId {self.sourceId!r} is not of kind {self.KIND!r}")
        return self

    @property
    def source_numeric_id(self) -> str:
        """The id part of ``sourceId``."""
        return parse_source_id(self.sourceId)[1]

    def with_checksum(self) -> Self:
        """A copy whose ``checksum`` is computed from the content."""
        return self.model_copy(update={"checksum": content_checksum(self.model_dump(mode="json"))})
