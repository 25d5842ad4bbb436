"""Workgroups (``sonet_group.get`` + their ``sonet_group.user.get`` members) and tasks (``task.item.list``)."""

from __future__ import annotations

from typing import Any

from shared.models.groups import Group, GroupMember
from shared.models.tasks import Task
from shared.sanitize import sanitize_html
from shared.transforms.guard import build, record_source_id
from shared.transforms.refs import ref, refs
from shared.transforms.values import to_bool, to_int, to_str, to_utc_iso

MEMBERS_KEY = "_members"
"""Where the extract step attaches a group's ``sonet_group.user.get`` rows to the raw group record."""

_ROLES = {"A", "E", "K"}


def group_from_raw(raw: dict[str, Any]) -> Group:
    """One group with its members (owner ``A``, moderators ``E``, members ``K``; requests are dropped)."""
    sid = record_source_id("group", raw)
    members = [
        GroupMember(userSourceId=user, role=str(row.get("ROLE")))  # type: ignore[arg-type]
        for row in raw.get(MEMBERS_KEY) or []
        if str(row.get("ROLE")) in _ROLES and (user := ref("user", row.get("USER_ID")))
    ]
    return build(sid, lambda: Group(
        sourceId=sid, name=to_str(raw.get("NAME")), description=to_str(raw.get("DESCRIPTION")),
        ownerSourceId=ref("user", raw.get("OWNER_ID")) or "", visible=to_bool(raw.get("VISIBLE")),
        opened=to_bool(raw.get("OPENED")), project=to_bool(raw.get("PROJECT")), closed=to_bool(raw.get("CLOSED")),
        keywords=to_str(raw.get("KEYWORDS")), dateCreate=to_utc_iso(raw.get("DATE_CREATE")), members=members,
    ))


def task_from_raw(raw: dict[str, Any]) -> Task:
    """One ``task.item.list`` item (UPPER keys, string numbers, empty dates as ``""``)."""
    sid = record_source_id("task", raw)
    return build(sid, lambda: Task(
        sourceId=sid, title=to_str(raw.get("TITLE")), description=sanitize_html(to_str(raw.get("DESCRIPTION"))),
        responsibleSourceId=ref("user", raw.get("RESPONSIBLE_ID")) or "",
        createdBySourceId=ref("user", raw.get("CREATED_BY")), groupSourceId=ref("group", raw.get("GROUP_ID")),
        parentSourceId=ref("task", raw.get("PARENT_ID")), auditorSourceIds=refs("user", raw.get("AUDITORS")),
        accompliceSourceIds=refs("user", raw.get("ACCOMPLICES")), status=to_int(raw.get("STATUS"), 2),
        priority=to_int(raw.get("PRIORITY"), 1), deadline=to_utc_iso(raw.get("DEADLINE")),
        createdDate=to_utc_iso(raw.get("CREATED_DATE")), closedDate=to_utc_iso(raw.get("CLOSED_DATE")),
        tags=[t for t in (to_str(x) for x in raw.get("TAGS") or []) if t],
    ))
