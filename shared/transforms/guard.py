"""One wrapper for every transform: turn a model's validation error into a ``TransformError`` with the source id."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from pydantic import ValidationError

from shared.models.base import CanonicalModel, source_id
from shared.transforms.errors import TransformError
from shared.transforms.values import to_int

M = TypeVar("M", bound=CanonicalModel)


def record_source_id(kind: str, raw: dict[str, Any], id_field: str = "ID") -> str:
    """The record's ``sourceId``.

    Raises:
        TransformError: when the record has no positive numeric id.
    """
    rid = to_int(raw.get(id_field))
    if rid <= 0:
        raise TransformError(source_id(kind, str(raw.get(id_field) or "?")), "record has no numeric ID")
    return source_id(kind, rid)


def build(sid: str, factory: Callable[[], M]) -> M:
    """Build a model (with its checksum), reporting any field error against ``sid``.

    Raises:
        TransformError: a field is missing or invalid (the first error, shortened).
    """
    try:
        return factory().with_checksum()
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "record"
        raise TransformError(sid, f"invalid field {where}: {first['msg']}") from exc
    except ValueError as exc:
        raise TransformError(sid, f"invalid field: {exc}"[:300]) from exc
