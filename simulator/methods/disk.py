"""Files: `disk.attachedObject.get`, `disk.file.get`, target-mode `disk.folder.uploadfile`, and the signed downloads.

`DOWNLOAD_URL` links are absolute, signed with a per-process key and expire (`SimSettings.download_ttl_s`); the
HTTP layer serves their bytes at `/rest/download.json` and `/bitrix/tools/disk/uf.php` without a webhook code, as
the real links carry their own credentials.  Records keep the bytes as `CONTENT_B64`, which reads never return.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any
from urllib.parse import quote

from simulator import errors
from simulator.params import as_list, as_map, php_intval
from simulator.registry import Call, Reply, method

SCOPES = ("disk",)


def _link(call: Call, object_id: str, attached: str | None = None) -> str:
    portal = call.portal
    expires = int(portal.clock.now() + portal.settings.download_ttl_s)
    token = quote(portal.sign(f"disk|{object_id}", expires), safe="")
    base = portal.extra.get("base_url", "")
    if attached is not None:
        return f"{base}/bitrix/tools/disk/uf.php?attachedId={attached}&action=download&ncc=1&token={token}"
    return f"{base}/rest/download.json?token={token}"


def _public(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in row.items() if k != "CONTENT_B64"}


@method("disk.attachedObject.get", scopes=SCOPES, family="feed_images")
def disk_attached_object_get(call: Call) -> Reply:
    attached = php_intval(call.get("id", 0))
    if attached <= 0:
        raise errors.RestError("ERROR_ARGUMENT", "Argument 'id' is null or empty", 400)
    row = call.portal.table("feed_images").get(attached)
    if row is None:
        raise errors.RestError("ERROR_NOT_FOUND", "Could not find entity with id 'X'", 400)
    result = _public(row)
    result["DOWNLOAD_URL"] = _link(call, str(row["OBJECT_ID"]), str(row["ID"]))
    return Reply(result, cost_s=0.003)


def disk_file(call: Call, row: dict[str, Any]) -> dict[str, Any]:
    object_id = str(row["OBJECT_ID"])
    return {
        "ID": object_id,
        "NAME": row.get("NAME", ""),
        "CODE": None,
        "STORAGE_ID": "1",
        "TYPE": "file",
        "PARENT_ID": "1",
        "DELETED_TYPE": "0",
        "GLOBAL_CONTENT_VERSION": "1",
        "FILE_ID": object_id,
        "SIZE": str(row.get("SIZE", "0")),
        "CREATE_TIME": row.get("CREATE_TIME", ""),
        "UPDATE_TIME": row.get("CREATE_TIME", ""),
        "DELETE_TIME": None,
        "CREATED_BY": str(row.get("CREATED_BY", "")),
        "UPDATED_BY": str(row.get("CREATED_BY", "")),
        "DELETED_BY": None,
        "DOWNLOAD_URL": _link(call, object_id),
        "DETAIL_URL": f"{call.portal.extra.get('base_url', '')}/docs/file/{quote(str(row.get('NAME', '')))}",
    }


@method("disk.file.get", scopes=SCOPES, family="feed_images")
def disk_file_get(call: Call) -> Reply:
    object_id = str(php_intval(call.get("id", 0)))
    if object_id == "0":
        raise errors.RestError("ERROR_ARGUMENT", "Argument 'id' is null or empty", 400)
    row = next(iter(call.portal.table("feed_images").where("OBJECT_ID", object_id)), None)
    if row is None:
        raise errors.RestError("ERROR_NOT_FOUND", "Could not find entity with id 'X'", 400)
    return Reply(disk_file(call, row), cost_s=0.003)


@method("disk.folder.uploadfile", scopes=SCOPES, write=True, family="feed_images")
def disk_folder_uploadfile(call: Call) -> Reply:
    data = as_map(call.get("data", {}))
    content = as_list(call.get("fileContent"))
    if len(content) < 2:
        raise errors.RestError("ERROR_ARGUMENT", "Argument 'fileContent' is null or empty", 400)
    name = str(data.get("NAME") or content[0])
    try:
        raw = base64.b64decode(str(content[1]), validate=False)
    except (binascii.Error, ValueError):
        raise errors.RestError("ERROR_ARGUMENT", "Invalid file content", 400) from None
    table = call.portal.table("feed_images")
    attached = table.max_id() + 1
    row: dict[str, Any] = {
        "ID": str(attached),
        "OBJECT_ID": str(10000 + attached),
        "MODULE_ID": "disk",
        "ENTITY_TYPE": "",
        "ENTITY_ID": "",
        "CREATE_TIME": call.portal.now_iso(),
        "CREATED_BY": str(call.user_id),
        "NAME": name,
        "SIZE": str(len(raw)),
        "CONTENT_B64": base64.b64encode(raw).decode("ascii"),
    }
    row.update({k: v for k, v in data.items() if k != "NAME"})
    table.insert(row)
    return Reply(disk_file(call, row), cost_s=0.02 + len(raw) / 50e6)
