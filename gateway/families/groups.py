"""Groups: ``import.groups.batch`` → ``sonet_group.create``/``update``, members via ``sonet_group.user.add``.

Members travel nested in the group item. The ledger's ``extra`` for a group keeps the target user ids already
added, so a re-sent or changed group adds only new members (removals are not replayed; docs/limitations.md).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, ClassVar

from gateway.families.base import Call, Writer, mapped, ref_list, yn
from shared.models.base import CanonicalModel
from shared.models.groups import Group


def _fields(group: Group, refs: dict[str, str]) -> dict[str, Any]:
    return {
        "NAME": group.name,
        "DESCRIPTION": group.description,
        "VISIBLE": yn(group.visible),
        "OPENED": yn(group.opened),
        "PROJECT": yn(group.project),
        "CLOSED": yn(group.closed),
        "KEYWORDS": group.keywords,
        "OWNER_ID": mapped(refs, group.ownerSourceId),
        "INITIATE_PERMS": "K",
        "XML_ID": group.sourceId,
    }


@dataclass(frozen=True)
class GroupWriter(Writer):
    """Owner and every member must already be imported users."""

    MODEL: ClassVar[type[CanonicalModel]] = Group

    def references(self, item: Any) -> dict[str, str]:
        """Owner and members."""
        return {"ownerSourceId": item.ownerSourceId,
                **ref_list("members.userSourceId", [m.userSourceId for m in item.members])}

    def add(self, item: Any, refs: dict[str, str]) -> Call:
        """``sonet_group.create`` (owner as ``OWNER_ID``, sourceId as ``XML_ID``)."""
        return "sonet_group.create", _fields(item, refs)

    def update(self, item: Any, target_id: str, refs: dict[str, str]) -> Call | None:
        """``sonet_group.update``."""
        return "sonet_group.update", {"GROUP_ID": int(target_id), **_fields(item, refs)}

    def find(self, item: Any) -> Call | None:
        """``sonet_group.get`` by ``XML_ID`` (``IS_ADMIN`` sees every group)."""
        return "sonet_group.get", {"FILTER": {"XML_ID": item.sourceId}, "IS_ADMIN": "Y"}

    def after(self, item: Any, target_id: str, refs: dict[str, str], state: str) -> tuple[list[Call], str]:
        """Add members not added before; moderators get role ``E``."""
        done = set(json.loads(state)) if state else set()
        owner = mapped(refs, item.ownerSourceId)
        calls: list[Call] = []
        new_members = []
        for member in item.members:
            uid = mapped(refs, member.userSourceId)
            if uid is None or uid == owner or uid in done:
                continue
            new_members.append(uid)
            calls.append(("sonet_group.user.add", {"GROUP_ID": int(target_id), "USER_ID": uid}))
            if member.role == "E":
                calls.append(("sonet_group.user.update", {"GROUP_ID": int(target_id), "USER_ID": uid, "ROLE": "E"}))
        return calls, json.dumps(sorted(done | set(new_members)))
