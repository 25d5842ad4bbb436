"""Task comments, smart-process items and business-process templates → canonical models."""

from __future__ import annotations

from typing import Any

from shared.models.base import source_id
from shared.models.crm import SpItem
from shared.models.tasks import TaskComment
from shared.models.workflows import WorkflowTemplate
from shared.sanitize import sanitize_html
from shared.transforms.errors import TransformError
from shared.transforms.guard import build, record_source_id
from shared.transforms.refs import ref, refs
from shared.transforms.values import to_int, to_str, to_utc_iso

_SP_KNOWN = {"id", "entityTypeId", "title", "stageId", "categoryId", "opportunity", "currencyId", "companyId",
             "contactId", "contactIds", "assignedById", "begindate", "closedate"}


def task_comment_from_raw(raw: dict[str, Any]) -> TaskComment:
    """``task.commentitem.getlist`` item with its ``TASK_ID``."""
    sid = record_source_id("task:comment", raw)
    return build(sid, lambda: TaskComment(
        sourceId=sid, taskSourceId=ref("task", raw.get("TASK_ID")) or "",
        authorSourceId=ref("user", raw.get("AUTHOR_ID")) or "", text=sanitize_html(to_str(raw.get("POST_MESSAGE"))),
        dateCreate=to_utc_iso(raw.get("POST_DATE")),
    ))


def sp_item_from_raw(raw: dict[str, Any]) -> SpItem:
    """``crm.item.list`` item (typed camelCase); custom ``uf*`` fields are carried as they are."""
    type_id = to_int(raw.get("entityTypeId"))
    rid = to_int(raw.get("id"))
    if type_id <= 0 or rid <= 0:
        raise TransformError(source_id("crm:sp", f"{type_id}:{raw.get('id')}"), "item has no entityTypeId or id")
    sid = source_id(f"crm:sp:{type_id}", rid)
    contacts = refs("crm:contact", raw.get("contactIds") or raw.get("contactId"))
    money = raw.get("opportunity")
    return build(sid, lambda: SpItem(
        sourceId=sid, entityTypeId=type_id, title=to_str(raw.get("title")), stageId=to_str(raw.get("stageId")),
        categoryId=raw.get("categoryId"), opportunity=None if money in (None, "") else float(money),
        currencyId=to_str(raw.get("currencyId")), companySourceId=ref("crm:company", raw.get("companyId")),
        contactSourceIds=contacts, assignedSourceId=ref("user", raw.get("assignedById")),
        begindate=to_utc_iso(raw.get("begindate")), closedate=to_utc_iso(raw.get("closedate")),
        fields={k: v for k, v in raw.items() if k.startswith("uf")},
    ))


def workflow_template_from_raw(raw: dict[str, Any]) -> WorkflowTemplate:
    """``bizproc.workflow.template.list`` item with every documented ``SELECT`` field."""
    sid = record_source_id("workflow:tpl", raw)
    return build(sid, lambda: WorkflowTemplate(
        sourceId=sid, name=to_str(raw.get("NAME")), description=to_str(raw.get("DESCRIPTION")),
        moduleId=to_str(raw.get("MODULE_ID")), entity=to_str(raw.get("ENTITY")),
        documentType=[to_str(x) for x in raw.get("DOCUMENT_TYPE") or []], autoExecute=to_int(raw.get("AUTO_EXECUTE")),
        template=raw.get("TEMPLATE"), templateDataB64=to_str(raw.get("TEMPLATE_DATA_B64")),
        parameters=raw.get("PARAMETERS"), variables=raw.get("VARIABLES"), constants=raw.get("CONSTANTS"),
        userSourceId=ref("user", raw.get("USER_ID")),
    ))
