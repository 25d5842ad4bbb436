"""What the importer needs to know about one family: how a canonical item becomes portal calls.

A :class:`Writer` turns a validated canonical model into the portal's create call, update call and lookup call
(by the external id that carries the ``sourceId``), and names the references that must already exist in the
ledger. The importer owns idempotency, batching and the ledger; writers are pure mapping code.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from shared.models.base import CanonicalModel

Call = tuple[str, dict[str, Any]]
"""A portal call: ``(method, params)``."""


def ledger_key(source_id: str) -> str:
    """The plan's idempotency key for a source id: ``cloud:user:15`` → ``source:user:15``."""
    return "source:" + source_id.partition(":")[2]


def as_target_id(value: Any) -> str | None:
    """Normalise an id the portal returned (int, numeric string, or ``{"ID": n}``-like dict) to a string."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | str) and str(value).strip() not in ("", "0"):
        return str(value).strip()
    if isinstance(value, dict):
        for name in ("ID", "id", "item", "task", "chatId", "CHAT_ID", "FILE_ID"):
            if name in value:
                return as_target_id(value[name])
    return None


def _rows(result: Any) -> list[Any]:
    if isinstance(result, dict):
        for wrapper in ("items", "tasks", "result"):
            if isinstance(result.get(wrapper), list):
                return list(result[wrapper])
    return list(result) if isinstance(result, list) else []


def matching_id(result: Any, field: str, expected: str) -> str | None:
    """The id of the record in a list-method result whose external id ``field`` equals ``expected``.

    A portal that ignores an unknown filter returns unrelated rows; only a row carrying the exact external id
    counts, so a lookup can never adopt somebody else's record.
    """
    for row in _rows(result):
        if not isinstance(row, dict):
            continue
        value = next((row[k] for k in (field, field.upper(), _camel(field)) if k in row), None)
        if value is not None and str(value) == expected:
            return as_target_id(row.get("ID", row.get("id")))
    return None


def _camel(field: str) -> str:
    head, *rest = field.lower().split("_")
    return head + "".join(p.title() for p in rest)


def first_found_id(result: Any, *names: str) -> str | None:
    """The id of the first record in a list-method result (a list, or ``{"items": [...]}``/``{"tasks": …}``)."""
    rows = _rows(result)
    if not rows:
        return None
    row = rows[0]
    if isinstance(row, dict):
        for name in names or ("ID", "id"):
            if name in row:
                return as_target_id(row[name])
    return as_target_id(row)


def yn(flag: bool) -> str:
    """Bitrix24's ``Y``/``N`` flag encoding."""
    return "Y" if flag else "N"


@dataclass(frozen=True)
class Writer:
    """Base writer: subclasses set ``MODEL`` and override :meth:`add` and usually :meth:`update`/:meth:`find`."""

    MODEL: ClassVar[type[CanonicalModel]] = CanonicalModel
    BATCHABLE: ClassVar[bool] = True
    """False for calls too large for a ``batch`` query string (file uploads)."""

    def references(self, item: Any) -> dict[str, str]:
        """Required references as ``{field name: referenced sourceId}``; every one must be in the ledger."""
        return {}

    def check(self, item: Any) -> str | None:
        """A reason to refuse the item beyond the model's own validation, or ``None``."""
        return None

    def add(self, item: Any, refs: dict[str, str]) -> Call:
        """The create call; ``refs`` maps referenced sourceIds to target ids."""
        raise NotImplementedError

    def update(self, item: Any, target_id: str, refs: dict[str, str]) -> Call | None:
        """The update call for a changed record, or ``None`` when the portal cannot update this family."""
        return None

    def find(self, item: Any) -> Call | None:
        """A read call that finds the record by its external id, or ``None`` when the family has none."""
        return None

    def after(self, item: Any, target_id: str, refs: dict[str, str], state: str) -> tuple[list[Call], str]:
        """Follow-up calls after a create or update (nested members), and the new ledger ``extra`` state.

        ``state`` is what the previous successful run stored, so follow-ups add only what is new.
        """
        return [], state

    def adopt(self, item: Any) -> Call | None:
        """A lookup by natural key used when the portal refuses a create, or ``None`` (no upsert)."""
        return None

    def adopted_id(self, result: Any, item: Any) -> str | None:
        """The id of the record :meth:`adopt` found."""
        return None

    def created_id(self, result: Any) -> str | None:
        """The target id in the create call's result."""
        return as_target_id(result)

    def found_id(self, result: Any, item: Any) -> str | None:
        """The target id in the lookup call's result, ``None`` when nothing was found.

        The default matches ``XML_ID`` against the item's sourceId.
        """
        return matching_id(result, "XML_ID", item.sourceId)


def ref_list(name: str, source_ids: list[str]) -> dict[str, str]:
    """References of a list field as ``{"name[i]": sourceId}``."""
    return {f"{name}[{i}]": sid for i, sid in enumerate(source_ids)}


def ref_opt(name: str, source_id: str | None) -> dict[str, str]:
    """A reference of an optional field (nothing when ``None``)."""
    return {name: source_id} if source_id else {}


def mapped(refs: dict[str, str], source_id: str | None) -> int | None:
    """The target id of a resolved reference as an int (Bitrix24 ids are numeric), ``None`` when absent."""
    if not source_id:
        return None
    value = refs[source_id]
    return int(value) if value.isdigit() else None


def mapped_list(refs: dict[str, str], source_ids: list[str]) -> list[int]:
    """Target ids of a list of resolved references."""
    return [v for v in (mapped(refs, s) for s in source_ids) if v is not None]
