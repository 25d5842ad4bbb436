"""Users: ``import.users.batch`` → ``user.add`` / ``user.update``, found again by ``XML_ID`` = sourceId."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from gateway.families.base import Call, Writer
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
