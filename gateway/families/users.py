"""Users: ``import.users.batch`` → ``user.add`` / ``user.update``, found again by ``XML_ID`` = sourceId."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from gateway.families.base import Call, Writer, as_target_id
from shared.models.base import CanonicalModel
from shared.models.users import User

# user.add on an intranet portal needs a department; 1 is the root department every portal has
_ROOT_DEPARTMENT = 1


def _fields(user: User) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "EMAIL": user.email,
        "NAME": user.name,
        "LAST_NAME": user.lastName,
        "SECOND_NAME": user.secondName,
        "ACTIVE": "Y" if user.active else "N",
        "WORK_POSITION": user.workPosition,
        "PERSONAL_MOBILE": user.personalPhone,
        "WORK_PHONE": user.workPhone,
        "UF_DEPARTMENT": list(user.departmentIds) or [_ROOT_DEPARTMENT],
        "XML_ID": user.sourceId,
    }
    if user.timeZone:
        fields["TIME_ZONE"] = user.timeZone
    return fields


@dataclass(frozen=True)
class UserWriter(Writer):
    """Fields go as top-level params, as ``user.add`` and ``user.update`` expect them."""

    MODEL: ClassVar[type[CanonicalModel]] = User

    def add(self, item: Any, refs: dict[str, str]) -> Call:
        """``user.add`` with the sourceId in ``XML_ID``."""
        return "user.add", _fields(item)

    def update(self, item: Any, target_id: str, refs: dict[str, str]) -> Call | None:
        """``user.update`` with every mapped field (``ID`` selects the user)."""
        return "user.update", {"ID": int(target_id), **_fields(item)}

    def find(self, item: Any) -> Call | None:
        """``user.get`` filtered by ``XML_ID``."""
        return "user.get", {"FILTER": {"XML_ID": item.sourceId}}

    def adopt(self, item: Any) -> Call | None:
        """The plan's e-mail check / upsert: a user that already exists with this e-mail is adopted."""
        return "user.get", {"FILTER": {"EMAIL": item.email}}

    def adopted_id(self, result: Any, item: Any) -> str | None:
        """The user whose e-mail matches (case-insensitively) and who is not another migrated user."""
        for row in result if isinstance(result, list) else []:
            if not isinstance(row, dict) or str(row.get("EMAIL", "")).casefold() != item.email.casefold():
                continue
            if row.get("XML_ID") and row["XML_ID"] != item.sourceId:
                # already the target of another source user: two source users share an e-mail
                return None
            return as_target_id(row.get("ID"))
        return None
