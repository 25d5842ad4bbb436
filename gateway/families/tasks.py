"""Tasks and task comments: legacy ``task.item.add``/``update`` (``XML_ID`` = sourceId), ``task.commentitem.add``.

The legacy methods are the ones the plan names and every box version has; the lookup after a crash uses
``tasks.task.list`` filtered by ``XML_ID``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from gateway.families.base import Call, Writer, mapped, mapped_list, ref_list, ref_opt
from shared.models.base import CanonicalModel
from shared.models.tasks import Task, TaskComment


def _fields(task: Task, refs: dict[str, str]) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "TITLE": task.title,
        "DESCRIPTION": task.description,
        "RESPONSIBLE_ID": mapped(refs, task.responsibleSourceId),
        "STATUS": task.status,
        "PRIORITY": task.priority,
        "AUDITORS": mapped_list(refs, task.auditorSourceIds),
        "ACCOMPLICES": mapped_list(refs, task.accompliceSourceIds),
        "TAGS": list(task.tags),
        "XML_ID": task.sourceId,
    }
    optional = {
        "CREATED_BY": mapped(refs, task.createdBySourceId),
        "GROUP_ID": mapped(refs, task.groupSourceId),
        "PARENT_ID": mapped(refs, task.parentSourceId),
        "DEADLINE": task.deadline,
        "CREATED_DATE": task.createdDate,
        "CLOSED_DATE": task.closedDate,
    }
    fields.update({k: v for k, v in optional.items() if v is not None})
    return fields


@dataclass(frozen=True)
class TaskWriter(Writer):
    """Responsible, creator, group, parent, auditors and accomplices must already be imported."""

    MODEL: ClassVar[type[CanonicalModel]] = Task

    def references(self, item: Any) -> dict[str, str]:
        """Every user, group and parent-task reference."""
        return {
            "responsibleSourceId": item.responsibleSourceId,
            **ref_opt("createdBySourceId", item.createdBySourceId),
            **ref_opt("groupSourceId", item.groupSourceId),
            **ref_opt("parentSourceId", item.parentSourceId),
            **ref_list("auditorSourceIds", item.auditorSourceIds),
            **ref_list("accompliceSourceIds", item.accompliceSourceIds),
        }

    def add(self, item: Any, refs: dict[str, str]) -> Call:
        """``task.item.add``."""
        return "task.item.add", {"TASKDATA": _fields(item, refs)}

    def update(self, item: Any, target_id: str, refs: dict[str, str]) -> Call | None:
        """``task.item.update``."""
        return "task.item.update", {"TASKID": int(target_id), "TASKDATA": _fields(item, refs)}

    def find(self, item: Any) -> Call | None:
        """``tasks.task.list`` filtered by ``XML_ID``."""
        return "tasks.task.list", {"filter": {"XML_ID": item.sourceId}, "select": ["ID", "XML_ID"]}


@dataclass(frozen=True)
class TaskCommentWriter(Writer):
    """The task must be imported ("skip if there is no task" in the plan: it fails with ``missing_reference``)."""

    MODEL: ClassVar[type[CanonicalModel]] = TaskComment

    def references(self, item: Any) -> dict[str, str]:
        """Task and author."""
        return {"taskSourceId": item.taskSourceId, "authorSourceId": item.authorSourceId}

    def add(self, item: Any, refs: dict[str, str]) -> Call:
        """``task.commentitem.add`` with the original author."""
        fields: dict[str, Any] = {"POST_MESSAGE": item.text, "AUTHOR_ID": mapped(refs, item.authorSourceId)}
        if item.dateCreate:
            fields["POST_DATE"] = item.dateCreate
        return "task.commentitem.add", {"TASKID": int(refs[item.taskSourceId]), "FIELDS": fields}

    def update(self, item: Any, target_id: str, refs: dict[str, str]) -> Call | None:
        """``task.commentitem.update``."""
        return "task.commentitem.update", {
            "TASKID": int(refs[item.taskSourceId]),
            "ITEMID": int(target_id),
            "FIELDS": {"POST_MESSAGE": item.text},
        }
