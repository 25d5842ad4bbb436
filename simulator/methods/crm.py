"""CRM: legacy `crm.{company,contact,deal}.{list,get,fields,add}`, current `crm.item.{list,get,fields,add}`,
`crm.type.list` and `crm.type.add`.

Legacy methods answer UPPER keys with string values and use old-style pages; `crm.item.*` answers camelCase typed values
in `{"items": [...]}` / `{"item": {...}}`, ORM offsets.  `crm.item.*` with `entityTypeId` 2/3/4 reads the same deals,
contacts and companies through a camelCase view, so both APIs agree on every record.
"""

from __future__ import annotations

import contextlib
from typing import Any

from simulator import errors
from simulator.methods.common import legacy_fields, order_of, page_cost, project, terms_of
from simulator.methods.tasks import camel
from simulator.params import as_map, php_intval, upper_keys
from simulator.registry import Call, Reply, method
from simulator.table import Table

SCOPES = ("crm",)
LEGACY = {"company": ("crm_companies", 4), "contact": ("crm_contacts", 3), "deal": ("crm_deals", 2)}
BY_TYPE = {type_id: family for family, type_id in LEGACY.values()}
_CAMEL_SPECIAL = {
    "ID": "id",
    "DATE_CREATE": "createdTime",
    "DATE_MODIFY": "updatedTime",
    "CREATED_BY_ID": "createdBy",
    "MODIFY_BY_ID": "updatedBy",
    "ASSIGNED_BY_ID": "assignedById",
    "BEGINDATE": "begindate",
    "CLOSEDATE": "closedate",
    "MOVED_TIME": "movedTime",
    "ORIGINATOR_ID": "originatorId",
    "ORIGIN_ID": "originId",
}
_FLOATS = {"OPPORTUNITY", "REVENUE", "TAX_VALUE"}
# multi-fields: `crm.*.list` returns them only when selected by name; `crm.item.*` folds them into `fm`
MULTI_FIELDS = frozenset({"PHONE", "EMAIL", "WEB", "IM"})


def to_item(row: dict[str, Any], entity_type_id: int) -> dict[str, Any]:
    """A legacy UPPER/string record as `crm.item.*` returns it: camelCase, typed."""
    item: dict[str, Any] = {}
    multi: list[dict[str, Any]] = []
    for key, value in row.items():
        if key in MULTI_FIELDS:
            for entry in value if isinstance(value, list) else []:
                multi.append(
                    {
                        "id": php_intval(entry.get("ID", 0)),
                        "typeId": key,
                        "valueType": entry.get("VALUE_TYPE", "WORK"),
                        "value": entry.get("VALUE", ""),
                    }
                )
            continue
        name = _CAMEL_SPECIAL.get(key, camel(key))
        if key in _FLOATS and isinstance(value, str):
            with contextlib.suppress(ValueError):
                value = float(value)
        elif (key == "ID" or key.endswith("_ID") or key.endswith("_BY_ID")) and isinstance(value, str):
            value = int(value) if value.lstrip("-").isdigit() else value
        item[name] = value
    if multi:
        item["fm"] = multi
    item["entityTypeId"] = entity_type_id
    return item


def _legacy_list(call: Call, family: str) -> Reply:
    params = upper_keys(call.params)
    table = call.portal.table(family)
    order = order_of(params.get("ORDER"), table)
    page = table.query(terms_of(params.get("FILTER"), table), order, php_intval(params.get("START", 0)), old_style=True)
    rows = project(page.rows, params.get("SELECT"), "ID", explicit=MULTI_FIELDS)
    return Reply(rows, page.next, page.total, page_cost(page))


def _legacy_get(call: Call, family: str) -> Reply:
    row = call.portal.table(family).get(php_intval(call.get("id", 0)))
    if row is None:
        raise errors.RestError("", "Not found", 400)
    return Reply(dict(row), cost_s=0.003)


def _fields_of(rows: Table, upper: bool) -> dict[str, Any]:
    sample = next(iter(rows), {})
    fields: dict[str, Any] = {}
    for key, value in sample.items():
        fields[key] = {
            "type": "integer"
            if key.upper() in ("ID", "CATEGORY_ID") or key.upper().endswith("_ID")
            else ("double" if isinstance(value, float) else "string"),
            "isRequired": key.upper() in ("TITLE",),
            "isReadOnly": key.upper() in ("ID", "DATE_CREATE", "DATE_MODIFY", "CREATEDTIME", "UPDATEDTIME"),
            "isImmutable": False,
            "isMultiple": isinstance(value, list),
            "isDynamic": key.upper().startswith("UF_"),
            "title": key,
        }
        if not upper:
            fields[key]["upperName"] = key.upper()
    return fields


def _legacy_add(call: Call, family: str) -> Reply:
    fields = {str(k).upper(): v for k, v in as_map(call.get("fields")).items()}
    table = call.portal.table(family)
    if family != "crm_contacts" and not str(fields.get("TITLE") or "").strip():
        fields.setdefault("TITLE", "")
    new_id = table.max_id() + 1
    now = call.portal.now_iso()
    row: dict[str, Any] = {
        "ID": str(new_id),
        "DATE_CREATE": now,
        "DATE_MODIFY": now,
        "ASSIGNED_BY_ID": str(call.user_id),
        "CREATED_BY_ID": str(call.user_id),
        "MODIFY_BY_ID": str(call.user_id),
        "OPENED": "Y",
    }
    row.update(legacy_fields({k: v for k, v in fields.items() if k != "ID"}))
    table.insert(row)
    return Reply(new_id, cost_s=0.03)


def _register_legacy(entity: str, family: str) -> None:
    method(f"crm.{entity}.list", scopes=SCOPES, family=family)(lambda call: _legacy_list(call, family))
    method(f"crm.{entity}.get", scopes=SCOPES, family=family)(lambda call: _legacy_get(call, family))
    method(f"crm.{entity}.fields", scopes=SCOPES, family=family)(
        lambda call: Reply(_fields_of(call.portal.table(family), True), cost_s=0.002)
    )
    method(f"crm.{entity}.add", scopes=SCOPES, write=True, family=family)(lambda call: _legacy_add(call, family))


for _entity, (_family, _type) in LEGACY.items():
    _register_legacy(_entity, _family)


def _type_table(call: Call, entity_type_id: int) -> Table:
    """The rows `crm.item.*` sees for a type: a camelCase view of a legacy family, or the smart-process items."""
    portal = call.portal
    if entity_type_id in BY_TYPE:
        source = portal.table(BY_TYPE[entity_type_id])
        key = f"crm_item_view:{entity_type_id}"
        cached = portal.extra.get(key)
        if cached is None or cached[0] != len(source) or cached[2] != source.max_id():
            cached = (len(source), Table("id", (to_item(r, entity_type_id) for r in source)), source.max_id())
            portal.extra[key] = cached
        view: Table = cached[1]
        return view
    if not any(int(t.get("entityTypeId", 0)) == entity_type_id for t in portal.crm_types):
        raise errors.not_found("Smart process not found")
    key = f"crm_sp_view:{entity_type_id}"
    items = portal.table("crm_sp_items")
    cached = portal.extra.get(key)
    if cached is None or cached[0] != len(items) or cached[2] != items.max_id():
        rows = items.where("entityTypeId", entity_type_id)
        cached = (len(items), Table("id", rows), items.max_id())
        portal.extra[key] = cached
    sp_view: Table = cached[1]
    return sp_view


def _entity_type(call: Call) -> int:
    value = call.get("entityTypeId")
    if value in (None, ""):
        raise errors.argument("entityTypeId is required")
    return php_intval(value)


@method("crm.item.list", scopes=SCOPES, family="crm_sp_items")
def crm_item_list(call: Call) -> Reply:
    entity_type_id = _entity_type(call)
    table = _type_table(call, entity_type_id)
    order = order_of(call.get("order"), table)
    page = table.query(terms_of(call.get("filter"), table), order, php_intval(call.get("start", 0)))
    select = call.get("select")
    if select in (None, "", []):
        # without a select, multi-fields (`fm`) are left out: they come with `'*'` or by name
        rows = [{k: v for k, v in r.items() if k != "fm"} if "fm" in r else r for r in page.rows]
    else:
        rows = project(page.rows, select, "id", uf_prefix="")
    return Reply({"items": rows}, page.next, page.total, page_cost(page))


@method("crm.item.get", scopes=SCOPES, family="crm_sp_items")
def crm_item_get(call: Call) -> Reply:
    row = _type_table(call, _entity_type(call)).get(php_intval(call.get("id", 0)))
    if row is None:
        raise errors.not_found("Element not found")
    return Reply({"item": dict(row)}, cost_s=0.003)


@method("crm.item.fields", scopes=SCOPES, family="crm_sp_items")
def crm_item_fields(call: Call) -> Reply:
    return Reply({"fields": _fields_of(_type_table(call, _entity_type(call)), False)}, cost_s=0.002)


@method("crm.item.add", scopes=SCOPES, write=True, family="crm_sp_items")
def crm_item_add(call: Call) -> Reply:
    entity_type_id = _entity_type(call)
    fields = dict(as_map(call.get("fields")))
    portal = call.portal
    now = portal.now_iso()
    if entity_type_id in BY_TYPE:
        upper = {("ID" if k == "id" else k.upper()): v for k, v in fields.items()}
        family = BY_TYPE[entity_type_id]
        new_id = portal.table(family).max_id() + 1
        row = {
            "ID": str(new_id),
            "DATE_CREATE": now,
            "DATE_MODIFY": now,
            **legacy_fields({k: v for k, v in upper.items() if k != "ID"}),
        }
        portal.table(family).insert(row)
        return Reply({"item": to_item(row, entity_type_id)}, cost_s=0.03)
    _type_table(call, entity_type_id)
    table = portal.table("crm_sp_items")
    new_id = table.max_id() + 1
    item: dict[str, Any] = {
        "id": new_id,
        "createdTime": now,
        "updatedTime": now,
        "createdBy": call.user_id,
        "updatedBy": call.user_id,
        "assignedById": call.user_id,
        "opened": "Y",
    }
    item.update({k: v for k, v in fields.items() if k != "id"})
    item["entityTypeId"] = entity_type_id
    table.insert(item)
    return Reply({"item": item}, cost_s=0.03)


@method("crm.type.list", scopes=SCOPES)
def crm_type_list(call: Call) -> Reply:
    if not call.portal.is_admin(call.user_id):
        raise errors.access_denied(400)
    table = Table("id", call.portal.crm_types)
    page = table.query(
        terms_of(call.get("filter"), table), order_of(call.get("order"), table), php_intval(call.get("start", 0))
    )
    return Reply({"types": page.rows}, page.next, page.total, page_cost(page))


@method("crm.type.add", scopes=SCOPES, write=True)
def crm_type_add(call: Call) -> Reply:
    fields = dict(as_map(call.get("fields")))
    if not str(fields.get("title") or "").strip():
        raise errors.argument("title is required")
    portal = call.portal
    used = {int(t.get("entityTypeId", 0)) for t in portal.crm_types}
    entity_type_id = php_intval(fields.get("entityTypeId", 0)) or 128
    while entity_type_id in used:
        entity_type_id += 2
    now = portal.now_iso()
    created = {
        "id": len(portal.crm_types) + 1,
        "createdBy": call.user_id,
        "createdTime": now,
        "updatedTime": now,
        "updatedBy": call.user_id,
        **fields,
        "entityTypeId": entity_type_id,
    }
    portal.crm_types.append(created)
    return Reply({"type": created}, cost_s=0.05)
