"""Tasks and task comments, for both task cards.

Tasks are listed with the legacy ``task.item.list`` the plan names (positional ``ORDER``, ``FILTER``,
``PARAMS``, ``SELECT``; ``NAV_PARAMS`` of 50, always with an order because filtering without one returns
everything) by keyset on ``ID``. Comments of the old card come from ``task.commentitem.getlist`` (no
paging, one call per task, 50 tasks per batch); the new card (tasks ≥ 25.700.0) keeps comments as messages
of the task chat, read with ``im.dialog.messages.get`` on ``chat<CHAT_ID>`` (bitrix24-api.md §13).
"""

from __future__ import annotations

from types import MappingProxyType

from shared.families.spec import FamilySpec

TASKS = FamilySpec(
    name="tasks",
    list_method="task.item.list",
    id_field="ID",
    import_method="import.tasks.batch",
    order_param="ORDER",
    filter_param="FILTER",
    base_params=MappingProxyType({"PARAMS": {"NAV_PARAMS": {"nPageSize": 50}}}),
    select_param="SELECT",
    delta_field="CHANGED_DATE",
    parents=("users", "groups"),
    detail_methods=("task.item.getdata", "tasks.task.get"),
    notes="legacy task.item.list as the plan requires (task.item.get does not exist: task.item.getdata)",
)

TASK_COMMENTS = FamilySpec(
    name="task_comments",
    list_method="task.commentitem.getlist",
    id_field="ID",
    import_method="import.task.comments",
    paging="children",
    parents=("users", "tasks"),
    parent_family="tasks",
    parent_param="TASKID",
    parent_field="TASK_ID",
    filter_param="FILTER",
    delta_field="POST_DATE",
    detail_methods=("tasks.task.get", "im.dialog.messages.get"),
    notes="old card: task.commentitem.getlist per task; new card: messages of the task chat (CHAT_ID)",
)
