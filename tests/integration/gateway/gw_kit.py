"""Test kit of the gateway tests: paths, items, and a small recording Bitrix24-like portal.

The portal serves gateway tests of write methods the simulator lacks.

It answers JSON POSTs on ``/rest/1/<code>/<method>``, keeps records per method family in memory, records every
call, and has no ``batch`` (so the gateway's single-call fallback is exercised).
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import threading
from collections.abc import Callable
from typing import Any

from aiohttp import web

CODE = "portalcode"
IMPORT_CODE = "import-code-0123456789abcdef"


class FakePortal:
    """Users plus one store per other family, with the create/update/lookup methods the gateway calls."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.users: dict[int, dict[str, Any]] = {}
        self.stores: dict[str, dict[int, dict[str, Any]]] = {}
        self.fail_next: int = 0
        self.app = web.Application()
        self.app.router.add_post("/rest/1/{code}/{method}", self._handle)

    async def _handle(self, request: web.Request) -> web.Response:
        if request.match_info["code"] != CODE:
            return web.json_response({"error": "NO_AUTH_FOUND", "error_description": "Wrong auth"}, status=401)
        method = request.match_info["method"].lower()
        params = await request.json()
        self.calls.append((method, params))
        if self.fail_next:
            self.fail_next -= 1
            return web.json_response({"error": "INTERNAL_SERVER_ERROR", "error_description": "boom"}, status=500)
        parts = method.split(".")
        if len(parts) == 3 and parts[0] == "crm" and parts[1] in ("company", "contact", "deal"):
            result = self._crm(parts[1], parts[2], params)
            if isinstance(result, web.Response):
                return result
            return web.json_response({"result": result, "time": {}})
        handler = getattr(self, "_" + method.replace(".", "_"), None)
        if handler is None:
            return web.json_response({"error": "ERROR_METHOD_NOT_FOUND", "error_description": "Method not found!"},
                                     status=404)
        result = handler(params)
        if isinstance(result, web.Response):
            return result
        return web.json_response({"result": result, "time": {}})

    def _user_add(self, params: dict[str, Any]) -> Any:
        if any(u["EMAIL"] == params.get("EMAIL") for u in self.users.values()):
            return web.json_response({"error": "ERROR_CORE", "error_description": "email already exists"},
                                     status=400)
        new_id = len(self.users) + 10
        self.users[new_id] = {**params, "ID": str(new_id)}
        return new_id

    def _user_update(self, params: dict[str, Any]) -> Any:
        uid = int(params["ID"])
        self.users[uid].update({k: v for k, v in params.items() if k != "ID"})
        return True

    def _user_get(self, params: dict[str, Any]) -> Any:
        wanted = params.get("FILTER", {}).get("XML_ID")
        return [u for u in self.users.values() if wanted is None or u.get("XML_ID") == wanted]

    def store(self, name: str) -> dict[int, dict[str, Any]]:
        """Records of one store (``groups``, ``tasks``, ``deal``, ...)."""
        return self.stores.setdefault(name, {})

    def _create(self, name: str, fields: dict[str, Any]) -> int:
        rows = self.store(name)
        new_id = 100 + sum(len(r) for r in self.stores.values())
        rows[new_id] = {**fields, "ID": new_id}
        return new_id

    def _update(self, name: str, rid: Any, fields: dict[str, Any]) -> Any:
        rows = self.store(name)
        if int(rid) not in rows:
            return web.json_response({"error": "NOT_FOUND", "error_description": "not found"}, status=400)
        rows[int(rid)].update(fields)
        return True

    def _find(self, name: str, field: str, value: Any) -> list[dict[str, Any]]:
        rows = self.store(name).values()
        return [{"ID": r["ID"], "id": r["ID"], field: value} for r in rows if r.get(field) == value]

    def _sonet_group_create(self, p: dict[str, Any]) -> Any:
        return self._create("groups", p)

    def _sonet_group_update(self, p: dict[str, Any]) -> Any:
        return self._update("groups", p["GROUP_ID"], p)

    def _sonet_group_get(self, p: dict[str, Any]) -> Any:
        return self._find("groups", "XML_ID", p["FILTER"]["XML_ID"])

    def _sonet_group_user_add(self, p: dict[str, Any]) -> Any:
        members = self.store("groups")[int(p["GROUP_ID"])].setdefault("members", {})
        if p["USER_ID"] in members:
            return web.json_response({"error": "ERROR_CORE", "error_description": "already a member"}, status=400)
        members[p["USER_ID"]] = "K"
        return True

    def _sonet_group_user_update(self, p: dict[str, Any]) -> Any:
        self.store("groups")[int(p["GROUP_ID"])]["members"][p["USER_ID"]] = p["ROLE"]
        return True

    def _im_chat_add(self, p: dict[str, Any]) -> Any:
        return self._create("chats", p)

    def _im_chat_get(self, p: dict[str, Any]) -> Any:
        rows = self._find("chats", "ENTITY_ID", p["ENTITY_ID"])
        return {"ID": rows[0]["ID"]} if rows else None

    def _im_chat_updatetitle(self, p: dict[str, Any]) -> Any:
        return self._update("chats", p["CHAT_ID"], {"TITLE": p["TITLE"]})

    def _im_chat_user_add(self, p: dict[str, Any]) -> Any:
        self.store("chats")[int(p["CHAT_ID"])]["USERS"].extend(p["USERS"])
        return True

    def _im_message_add(self, p: dict[str, Any]) -> Any:
        return self._create("messages", p)

    def _im_message_update(self, p: dict[str, Any]) -> Any:
        return self._update("messages", p["MESSAGE_ID"], {"MESSAGE": p["MESSAGE"]})

    def _disk_folder_uploadfile(self, p: dict[str, Any]) -> Any:
        new_id = self._create("files", {"NAME": p["data"]["NAME"], "CONTENT": p["fileContent"][1]})
        return {"ID": new_id, "NAME": p["data"]["NAME"]}

    def _disk_folder_getchildren(self, p: dict[str, Any]) -> Any:
        return self._find("files", "NAME", p["filter"]["NAME"])

    def _log_blogpost_add(self, p: dict[str, Any]) -> Any:
        return self._create("posts", p)

    def _log_blogpost_update(self, p: dict[str, Any]) -> Any:
        return self._update("posts", p["POST_ID"], p)

    def _log_blogcomment_add(self, p: dict[str, Any]) -> Any:
        return self._create("comments", p)

    def _task_item_add(self, p: dict[str, Any]) -> Any:
        return self._create("tasks", p["TASKDATA"])

    def _task_item_update(self, p: dict[str, Any]) -> Any:
        return self._update("tasks", p["TASKID"], p["TASKDATA"])

    def _tasks_task_list(self, p: dict[str, Any]) -> Any:
        return {"tasks": self._find("tasks", "XML_ID", p["filter"]["XML_ID"])}

    def _task_commentitem_add(self, p: dict[str, Any]) -> Any:
        return self._create("task_comments", {"TASKID": p["TASKID"], **p["FIELDS"]})

    def _task_commentitem_update(self, p: dict[str, Any]) -> Any:
        return self._update("task_comments", p["ITEMID"], p["FIELDS"])

    def _crm(self, entity: str, action: str, p: dict[str, Any]) -> Any:
        if action == "add":
            return self._create(entity, p["fields"])
        if action == "update":
            return self._update(entity, p["id"], p["fields"])
        return self._find(entity, "ORIGIN_ID", p["filter"]["ORIGIN_ID"])

    def _crm_item_add(self, p: dict[str, Any]) -> Any:
        return {"item": {"id": self._create("sp", {**p["fields"], "entityTypeId": p["entityTypeId"]})}}

    def _crm_item_update(self, p: dict[str, Any]) -> Any:
        return self._update("sp", p["id"], p["fields"])

    def _crm_item_list(self, p: dict[str, Any]) -> Any:
        return {"items": self._find("sp", "xmlId", p["filter"]["xmlId"])}

    def _bizproc_workflow_template_add(self, p: dict[str, Any]) -> Any:
        return self._create("tpls", p)

    def _bizproc_workflow_template_update(self, p: dict[str, Any]) -> Any:
        return self._update("tpls", p["ID"], p["FIELDS"])

    def count(self, method: str) -> int:
        """How many times ``method`` was called."""
        return sum(1 for m, _ in self.calls if m == method)


def url(method: str, code: str = IMPORT_CODE, user_id: int = 1) -> str:
    """The gateway path of ``method``."""
    return f"/webhook/{user_id}/{code}/{method}"


def user(n: int, **extra: Any) -> dict[str, Any]:
    """A valid canonical user item."""
    return {"sourceId": f"cloud:user:{n}", "email": f"user{n}@example.com", "name": f"User {n}", **extra}


class ServeThread:
    """Serves one aiohttp app on 127.0.0.1 from its own event-loop thread (for sync tests and subprocess peers)."""

    def __init__(self, app: web.Application) -> None:
        self.app = app
        self.base = ""
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._stop: asyncio.Event | None = None
        self._thread = threading.Thread(target=lambda: self._loop.run_until_complete(self._serve()), daemon=True)

    async def _serve(self) -> None:
        self._stop = asyncio.Event()
        runner = web.AppRunner(self.app, access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        host, port = runner.addresses[0][:2]
        self.base = f"http://{host}:{port}"
        self._ready.set()
        await self._stop.wait()
        await runner.cleanup()

    def __enter__(self) -> ServeThread:
        self._thread.start()
        assert self._ready.wait(15), "server did not start"
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._stop is not None
        self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(15)


def target_app() -> tuple[web.Application, FakePortal | None]:
    """The target-mode simulator when the simulator package is there, else the recording portal."""
    try:
        from simulator.app import create_app
        from simulator.settings import SimSettings
    except ImportError:
        portal = FakePortal()
        return portal.app, portal
    return create_app(SimSettings(mode="target", webhook_user_id=1, webhook_code=CODE)), None


PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(64))


def media(n: int, content: bytes = PNG, **extra: Any) -> dict[str, Any]:
    return {"sourceId": f"cloud:feed:image:{n}", "name": f"../pic {n}.png", "contentType": "image/png",
            "size": len(content), "sha256": hashlib.sha256(content).hexdigest(),
            "contentB64": base64.b64encode(content).decode(), **extra}


SEED: list[tuple[str, list[dict[str, Any]]]] = [
    ("import.users.batch", [user(1), user(2), user(3)]),
    ("import.groups.batch", [{"sourceId": "cloud:group:1", "name": "G1", "ownerSourceId": "cloud:user:1"}]),
    ("import.chats.batch", [{"sourceId": "cloud:chat:1", "ownerSourceId": "cloud:user:1",
                             "memberSourceIds": ["cloud:user:1", "cloud:user:2"]}]),
    ("import.media.upload", [media(1)]),
    ("import.feed.posts", [{"sourceId": "cloud:feed:post:1", "authorSourceId": "cloud:user:1", "message": "p"}]),
    ("import.tasks.batch", [{"sourceId": "cloud:task:1", "title": "T1", "responsibleSourceId": "cloud:user:1"}]),
    ("import.crm.companies", [{"sourceId": "cloud:crm:company:1", "title": "ACME"}]),
    ("import.crm.contacts", [{"sourceId": "cloud:crm:contact:1", "name": "Ann"}]),
]

Item = Callable[[int, str], dict[str, Any]]
# method → (item factory(n, variant), the reference to break for missing_reference, max batch)
CASES: dict[str, tuple[Item, str, int]] = {
    "import.users.batch": (lambda n, v: user(n, name=v), "", 100),
    "import.groups.batch": (lambda n, v: {"sourceId": f"cloud:group:{n}", "name": v, "ownerSourceId": "cloud:user:1",
                                          "members": [{"userSourceId": "cloud:user:2", "role": "E"}]},
                            "ownerSourceId", 100),
    "import.chats.batch": (lambda n, v: {"sourceId": f"cloud:chat:{n}", "title": v, "ownerSourceId": "cloud:user:1",
                                         "memberSourceIds": ["cloud:user:2"]}, "ownerSourceId", 50),
    "import.chat.messages": (lambda n, v: {"sourceId": f"cloud:chat:message:{n}", "chatSourceId": "cloud:chat:1",
                                           "authorSourceId": "cloud:user:2", "text": v}, "chatSourceId", 100),
    "import.media.upload": (lambda n, v: media(n, PNG + v.encode()), "", 20),
    "import.feed.posts": (lambda n, v: {"sourceId": f"cloud:feed:post:{n}", "authorSourceId": "cloud:user:2",
                                        "message": v, "groupSourceIds": ["cloud:group:1"]}, "authorSourceId", 50),
    "import.feed.comments": (lambda n, v: {"sourceId": f"cloud:feed:comment:{n}", "postSourceId": "cloud:feed:post:1",
                                           "authorSourceId": "cloud:user:3", "text": v}, "postSourceId", 100),
    "import.tasks.batch": (lambda n, v: {"sourceId": f"cloud:task:{n}", "title": v, "responsibleSourceId":
                                         "cloud:user:2", "parentSourceId": "cloud:task:1",
                                         "groupSourceId": "cloud:group:1"}, "responsibleSourceId", 50),
    "import.task.comments": (lambda n, v: {"sourceId": f"cloud:task:comment:{n}", "taskSourceId": "cloud:task:1",
                                           "authorSourceId": "cloud:user:2", "text": v}, "taskSourceId", 100),
    "import.crm.companies": (lambda n, v: {"sourceId": f"cloud:crm:company:{n}", "title": v,
                                           "assignedSourceId": "cloud:user:1", "phones": ["+1"]},
                             "assignedSourceId", 50),
    "import.crm.contacts": (lambda n, v: {"sourceId": f"cloud:crm:contact:{n}", "name": v,
                                          "companySourceId": "cloud:crm:company:1"}, "companySourceId", 50),
    "import.crm.deals": (lambda n, v: {"sourceId": f"cloud:crm:deal:{n}", "title": v, "opportunity": 10.5,
                                       "companySourceId": "cloud:crm:company:1",
                                       "contactSourceIds": ["cloud:crm:contact:1"]}, "companySourceId", 50),
    "import.crm.spitems": (lambda n, v: {"sourceId": f"cloud:crm:sp:128:{n}", "entityTypeId": 128, "title": v,
                                         "assignedSourceId": "cloud:user:3"}, "assignedSourceId", 50),
    "import.workflows.tpls": (lambda n, v: {"sourceId": f"cloud:workflow:tpl:{n}", "name": v,
                                            "documentType": ["crm", "CCrmDocumentDeal", "DEAL"],
                                            "templateDataB64": "AAAA"}, "", 20),
}
NO_UPDATE = {"import.media.upload", "import.feed.comments"}


async def seed(gw: Any) -> None:
    for method, items in SEED:
        data = await (await gw.post(url(method), json=items)).json()
        assert data["imported"] == len(items), (method, data)
