"""Workgroups: `sonet_group.get`, `sonet_group.user.get`, and target-mode `sonet_group.create`, `sonet_group.user.add`.

`sonet_group.get` is an old CDBResult method: `ORDER` defaults to `ID DESC` and `start` is rounded down to a page
boundary.  Secret groups (`VISIBLE=N`) are hidden unless an admin passes `IS_ADMIN=Y` or the caller is a member.
"""

from __future__ import annotations

from typing import Any

from simulator import errors
from simulator.methods.common import legacy_fields, order_of, page_cost, terms_of
from simulator.params import as_list, php_intval, truthy, upper_keys
from simulator.registry import Call, Reply, method

SCOPES = ("sonet_group", "sonet", "socialnetwork")
_HIDDEN_KEYS = ("INITIATE_PERMS", "SPAM_PERMS", "IMAGE_ID")


def _member_groups(call: Call) -> set[str]:
    rows = call.portal.table("group_members").where("USER_ID", str(call.user_id))
    return {str(r["GROUP_ID"]) for r in rows}


@method("sonet_group.get", scopes=SCOPES, family="groups")
def sonet_group_get(call: Call) -> Reply:
    params = upper_keys(call.params)
    table = call.portal.table("groups")
    order = order_of(params.get("ORDER"), table) or [("ID", True)]
    terms = terms_of(params.get("FILTER"), table)
    if params.get("GROUP_ID") not in (None, ""):
        terms += terms_of({"ID": params["GROUP_ID"]}, table)
    see_all = truthy(params.get("IS_ADMIN")) and call.portal.is_admin(call.user_id)
    rows = None
    if not see_all:
        mine = _member_groups(call)
        rows = [r for r in table if r.get("VISIBLE") != "N" or str(r["ID"]) in mine]
    page = table.query(terms, order, php_intval(params.get("START", 0)), old_style=True, rows=rows)
    result = [{k: v for k, v in r.items() if k not in _HIDDEN_KEYS} for r in page.rows]
    return Reply(result, page.next, page.total, page_cost(page))


@method("sonet_group.user.get", scopes=SCOPES, family="group_members")
def sonet_group_user_get(call: Call) -> Reply:
    group_id = php_intval(call.get("ID", 0))
    if group_id <= 0:
        raise errors.RestError("", "Wrong socialnetwork group ID", 400)
    group = call.portal.table("groups").get(group_id)
    if group is None:
        raise errors.RestError("", "Socialnetwork group not found", 400)
    rows = call.portal.table("group_members").where("GROUP_ID", str(group_id))
    result = [{k: v for k, v in r.items() if k != "GROUP_ID"} for r in rows if r.get("ROLE", "K") <= "K"]
    return Reply(result, cost_s=0.003 + 0.00005 * len(rows))


@method("sonet_group.create", scopes=SCOPES, write=True, family="groups")
def sonet_group_create(call: Call) -> Reply:
    params = upper_keys(call.params)
    if not str(params.get("NAME") or "").strip():
        raise errors.RestError("", "Incorrect input data", 400)
    table = call.portal.table("groups")
    group_id = table.max_id() + 1
    now = call.portal.now_iso()
    # choosing the owner is for administrators only; anyone else becomes the owner themselves (documented)
    wanted = params.get("OWNER_ID")
    owner = str(wanted) if wanted not in (None, "") and call.portal.is_admin(call.user_id) else str(call.user_id)
    row: dict[str, Any] = {
        "ID": str(group_id),
        "SITE_ID": "s1",
        "NAME": "",
        "DESCRIPTION": "",
        "DATE_CREATE": now,
        "DATE_UPDATE": now,
        "ACTIVE": "Y",
        "VISIBLE": "Y",
        "OPENED": "N",
        "CLOSED": "N",
        "SUBJECT_ID": "1",
        "OWNER_ID": owner,
        "KEYWORDS": "",
        "NUMBER_OF_MEMBERS": "1",
        "DATE_ACTIVITY": now,
        "SUBJECT_NAME": "",
        "PROJECT": "N",
        "IS_EXTRANET": "N",
    }
    row.update(legacy_fields({k: v for k, v in params.items() if k not in ("ID", "OWNER_ID")}))
    table.insert(row)
    call.portal.table("group_members").insert({"USER_ID": owner, "ROLE": "A", "GROUP_ID": str(group_id)})
    return Reply(group_id, cost_s=0.03)


@method("sonet_group.user.add", scopes=SCOPES, write=True, family="group_members")
def sonet_group_user_add(call: Call) -> Reply:
    params = upper_keys(call.params)
    group_id = php_intval(params.get("GROUP_ID", 0))
    group = call.portal.table("groups").get(group_id)
    if group is None:
        raise errors.RestError("", "Socialnetwork group not found", 400)
    members = call.portal.table("group_members")
    present = {str(r["USER_ID"]) for r in members.where("GROUP_ID", str(group_id))}
    role = str(params.get("ROLE") or "K")
    for user in as_list(params.get("USER_ID")):
        if str(user) not in present:
            members.insert({"USER_ID": str(user), "ROLE": role, "GROUP_ID": str(group_id)})
            present.add(str(user))
    group["NUMBER_OF_MEMBERS"] = str(len(present))
    return Reply(True, cost_s=0.01)
