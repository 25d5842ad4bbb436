"""Reference helpers: a source record's foreign id → the referenced record's ``sourceId`` (or ``None``)."""

from __future__ import annotations

from typing import Any

from shared.models.base import source_id
from shared.transforms.values import to_int, to_int_list


def ref(kind: str, value: Any) -> str | None:
    """``ref("user", "15")`` → ``cloud:user:15``; 0, empty or non-numeric → ``None`` (Bitrix24's "no link")."""
    rid = to_int(value)
    return source_id(kind, rid) if rid > 0 else None


def refs(kind: str, value: Any) -> list[str]:
    """The ``sourceId`` of every positive id in a list (or comma-separated string) of ids."""
    return [source_id(kind, i) for i in to_int_list(value) if i > 0]


def multifield(value: Any) -> list[str]:
    """CRM multi-fields (``PHONE``/``EMAIL``: ``[{"VALUE": ..., "VALUE_TYPE": ...}]``) → plain values."""
    if not isinstance(value, list):
        return []
    return [str(v.get("VALUE", "")).strip() for v in value if isinstance(v, dict) and v.get("VALUE")]
