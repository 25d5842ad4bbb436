"""Business processes: `bizproc.workflow.template.list`, `bizproc.workflow.instances` (alias
`bizproc.workflow.instance.list`), and target-mode `bizproc.workflow.template.add`; administrator only.

`SELECT` defaults to `['ID']`, as documented, so a client that forgets to select gets ids only.
"""

from __future__ import annotations

from typing import Any

from simulator import errors
from simulator.methods.common import legacy_fields, order_of, page_cost, terms_of
from simulator.params import as_list, php_intval, upper_keys
from simulator.registry import Call, Reply, method

SCOPES = ("bizproc",)


def _admin(call: Call, status: int) -> None:
    if not call.portal.is_admin(call.user_id):
        raise errors.access_denied(status)


@method("bizproc.workflow.template.list", scopes=SCOPES, family="workflow_templates")
def template_list(call: Call) -> Reply:
    _admin(call, 400)
    params = upper_keys(call.params)
    table = call.portal.table("workflow_templates")
    order = order_of(params.get("ORDER"), table) or [("ID", False)]
    page = table.query(terms_of(params.get("FILTER"), table), order, php_intval(params.get("START", 0)))
    select = [str(s).upper() for s in as_list(params.get("SELECT"))] or ["ID"]
    rows = [{k: v for k, v in r.items() if k.upper() in select} for r in page.rows]
    return Reply(rows, page.next, page.total, page_cost(page))


def _instances(call: Call) -> Reply:
    _admin(call, 403)
    # finished workflows disappear from this list; the simulator models a portal with none running
    return Reply([], None, 0, 0.003)


@method("bizproc.workflow.instances", scopes=SCOPES)
def workflow_instances(call: Call) -> Reply:
    return _instances(call)


@method("bizproc.workflow.instance.list", scopes=SCOPES)
def workflow_instance_list(call: Call) -> Reply:
    return _instances(call)


@method("bizproc.workflow.template.add", scopes=SCOPES, write=True, family="workflow_templates")
def template_add(call: Call) -> Reply:
    _admin(call, 400)
    params = upper_keys(call.params)
    if not str(params.get("NAME") or "").strip():
        raise errors.RestError("ERROR_ACTIVITY_VALIDATION_FAILURE", "Empty template name", 400)
    document_type = as_list(params.get("DOCUMENT_TYPE"))
    table = call.portal.table("workflow_templates")
    template_id = table.max_id() + 1
    row: dict[str, Any] = {
        "ID": str(template_id),
        "MODULE_ID": str(document_type[0]) if document_type else "",
        "ENTITY": str(document_type[1]) if len(document_type) > 1 else "",
        "DOCUMENT_TYPE": document_type,
        "AUTO_EXECUTE": str(params.get("AUTO_EXECUTE", "0")),
        "NAME": str(params["NAME"]),
        "TEMPLATE": [],
        "PARAMETERS": [],
        "VARIABLES": [],
        "CONSTANTS": [],
        "MODIFIED": call.portal.now_iso(),
        "IS_MODIFIED": "N",
        "USER_ID": str(call.user_id),
        "SYSTEM_CODE": "",
    }
    row.update(legacy_fields({k: v for k, v in params.items() if k not in ("ID", "TEMPLATE_DATA")}))
    table.insert(row)
    return Reply(template_id, cost_s=0.05)
