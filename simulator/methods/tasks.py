"""Tasks: legacy `task.item.list`, `task.item.getdata`, `task.commentitem.getlist`, current `tasks.task.list`,
`tasks.task.get`, and target-mode `task.item.add`, `task.commentitem.add`.

Legacy methods take positional parameters (`ORDER`, `FILTER`, `PARAMS`, `SELECT`) as a list or by name.  New-card tasks
(`CHAT_ID` not 0) keep their comments in the task chat, so `task.commentitem.getlist` returns nothing for them, as the
docs say it does not work there.  `tasks.task.list` answers camelCase keys inside `{"tasks": [...]}`.
"""

from __future__ import annotations

from typing import Any

from simulator import errors
from simulator.methods.common import legacy_fields, order_of, page_cost, terms_of
from simulator.params import as_map, php_intval, upper_keys
from simulator.registry import Call, Reply, method

SCOPES = ("task", "tasks")


def camel(key: str) -> str:
    """`RESPONSIBLE_ID` → `responsibleId`."""
    head, *rest = key.lower().split("_")
    return head + "".join(part.capitalize() for part in rest)


def positional(call: Call, names: tuple[str, ...]) -> dict[str, Any]:
    """Legacy positional parameters: a JSON list, PHP keys `0..n`, or the names themselves."""
    params = upper_keys(call.params)
    found: dict[str, Any] = {}
    for index, name in enumerate(names):
        if name in params:
            found[name] = params[name]
        elif str(index) in params:
            found[name] = params[str(index)]
    return found


@method("task.item.list", scopes=SCOPES, family="tasks")
def task_item_list(call: Call) -> Reply:
    params = positional(call, ("ORDER", "FILTER", "PARAMS", "SELECT"))
    table = call.portal.table("tasks")
    order = order_of(params.get("ORDER"), table) or [("ID", False)]
    terms = terms_of(params.get("FILTER"), table)
    nav = as_map(as_map(params.get("PARAMS")).get("NAV_PARAMS"))
    size = min(max(php_intval(nav.get("nPageSize", 50)) or 50, 1), 50)
    start = php_intval(call.get("start", 0))
    if nav.get("iNumPage") not in (None, ""):
        start = (max(php_intval(nav["iNumPage"]), 1) - 1) * size
    page = table.query(terms, order, start, old_style=True, page_size=size)
    select = [str(s).upper() for s in as_map(params.get("SELECT")).values()]
    rows = [{k: v for k, v in r.items() if not select or k in select or k == "ID"} for r in page.rows]
    return Reply(rows, page.next, page.total, page_cost(page))


@method("task.item.getdata", scopes=SCOPES, family="tasks")
def task_item_getdata(call: Call) -> Reply:
    task_id = php_intval(positional(call, ("TASKID",)).get("TASKID", 0))
    row = call.portal.table("tasks").get(task_id)
    if row is None:
        raise errors.RestError(
            "ERROR_CORE", "TASKS_ERROR_EXCEPTION_#8; Action failed; 8/TE/ACTION_FAILED_TO_BE_PROCESSED", 400
        )
    return Reply(dict(row), cost_s=0.004)


@method("task.commentitem.getlist", scopes=SCOPES, family="task_comments")
def task_commentitem_getlist(call: Call) -> Reply:
    params = positional(call, ("TASKID", "ORDER", "FILTER"))
    task_id = php_intval(params.get("TASKID", 0))
    task = call.portal.table("tasks").get(task_id)
    if task is None:
        raise errors.RestError("ERROR_CORE", "TASKS_ERROR_EXCEPTION_#256; Task not found or not accessible", 400)
    table = call.portal.table("task_comments")
    rows = table.where("TASK_ID", str(task_id))
    order = order_of(params.get("ORDER"), table) or [("ID", True)]
    page = table.query(terms_of(params.get("FILTER"), table), order, -1, page_size=10**9, rows=rows)
    return Reply(page.rows, cost_s=0.004 + 0.0001 * len(page.rows))


@method("tasks.task.list", scopes=SCOPES, family="tasks")
def tasks_task_list(call: Call) -> Reply:
    table = call.portal.table("tasks")
    order = order_of(call.get("order"), table) or [("ID", True)]
    terms = terms_of({k: v for k, v in as_map(call.get("filter")).items()}, table)
    page = table.query(terms, order, php_intval(call.get("start", 0)))
    select = {str(s).upper() for s in as_map(call.get("select")).values()}
    rows = [
        {camel(k): v for k, v in r.items() if not select or "*" in select or k in select or k == "ID"}
        for r in page.rows
    ]
    return Reply({"tasks": rows}, page.next, page.total, page_cost(page))


@method("tasks.task.get", scopes=SCOPES, family="tasks")
def tasks_task_get(call: Call) -> Reply:
    row = call.portal.table("tasks").get(php_intval(call.get("taskId", 0)))
    if row is None:
        raise errors.RestError("ERROR_CORE", "Task not found", 400)
    optional = ("UF_TASK_WEBDAV_FILES", "UF_CRM_TASK", "UF_MAIL_MESSAGE")
    select = {str(s).upper() for s in as_map(call.get("select")).values()}
    task = {camel(k): v for k, v in row.items() if k not in optional or k in select}
    return Reply({"task": task}, cost_s=0.004)


@method("task.item.add", scopes=SCOPES, write=True, family="tasks")
def task_item_add(call: Call) -> Reply:
    data = {str(k).upper(): v for k, v in as_map(positional(call, ("TASKDATA",)).get("TASKDATA")).items()}
    if not str(data.get("TITLE") or "").strip():
        raise errors.RestError("ERROR_CORE", "TASKS_ERROR_EXCEPTION_#256; Title is empty", 400)
    if not data.get("RESPONSIBLE_ID"):
        raise errors.RestError("ERROR_CORE", "TASKS_ERROR_EXCEPTION_#256; Responsible is not set", 400)
    table = call.portal.table("tasks")
    task_id = table.max_id() + 1
    now = call.portal.now_iso()
    row: dict[str, Any] = {
        "ID": str(task_id),
        "PARENT_ID": "0",
        "TITLE": "",
        "DESCRIPTION": "",
        "DESCRIPTION_IN_BBCODE": "Y",
        "PRIORITY": "1",
        "STATUS": "2",
        "REAL_STATUS": "2",
        "RESPONSIBLE_ID": "",
        "CREATED_BY": str(call.user_id),
        "CREATED_DATE": now,
        "CHANGED_BY": str(call.user_id),
        "CHANGED_DATE": now,
        "CLOSED_DATE": "",
        "DEADLINE": "",
        "GROUP_ID": "0",
        "ACCOMPLICES": [],
        "AUDITORS": [],
        "UF_CRM_TASK": [],
        "UF_TASK_WEBDAV_FILES": [],
        "CHAT_ID": "0",
    }
    row.update(legacy_fields({k: v for k, v in data.items() if k != "ID"}))
    table.insert(row)
    return Reply(task_id, cost_s=0.03)


@method("task.commentitem.add", scopes=SCOPES, write=True, family="task_comments")
def task_commentitem_add(call: Call) -> Reply:
    params = positional(call, ("TASKID", "FIELDS"))
    task_id = php_intval(params.get("TASKID", 0))
    if call.portal.table("tasks").get(task_id) is None:
        raise errors.RestError("ERROR_CORE", "TASKS_ERROR_EXCEPTION_#256; Task not found or not accessible", 400)
    fields = {str(k).upper(): v for k, v in as_map(params.get("FIELDS")).items()}
    message = str(fields.get("POST_MESSAGE") or "")
    if not message:
        raise errors.RestError("ERROR_CORE", "TASKS_ERROR_EXCEPTION_#256; Message is empty", 400)
    table = call.portal.table("task_comments")
    comment_id = table.max_id() + 1
    author = str(fields.get("AUTHOR_ID") or call.user_id)
    user = call.portal.table("users").get(author) or {}
    row: dict[str, Any] = {
        "ID": str(comment_id),
        "TASK_ID": str(task_id),
        "AUTHOR_ID": author,
        "AUTHOR_NAME": f"{user.get('NAME', '')} {user.get('LAST_NAME', '')}".strip(),
        "AUTHOR_EMAIL": user.get("EMAIL", ""),
        "POST_DATE": str(fields.get("POST_DATE") or call.portal.now_iso()),
        "POST_MESSAGE": message,
        "POST_MESSAGE_HTML": message,
        "ATTACHED_OBJECTS": [],
    }
    row.update(legacy_fields({k: v for k, v in fields.items() if k not in ("ID", "TASK_ID")}))
    table.insert(row)
    return Reply(comment_id, cost_s=0.02)
