"""Test kit of the gateway tests: paths, items, and a small recording Bitrix24-like portal.

The portal serves gateway tests of write methods the simulator lacks.

It answers JSON POSTs on ``/rest/1/<code>/<method>``, keeps records per method family in memory, records every
call, and has no ``batch`` (so the gateway's single-call fallback is exercised).
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

CODE = "portalcode"
IMPORT_CODE = "import-code-0123456789abcdef"


class FakePortal:
    """Users (``user.add``/``user.update``/``user.get``) plus a generic store for other ``*.add`` methods."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.users: dict[int, dict[str, Any]] = {}
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

    def count(self, method: str) -> int:
        """How many times ``method`` was called."""
        return sum(1 for m, _ in self.calls if m == method)


def url(method: str, code: str = IMPORT_CODE, user_id: int = 1) -> str:
    """The gateway path of ``method``."""
    return f"/webhook/{user_id}/{code}/{method}"


def user(n: int, **extra: Any) -> dict[str, Any]:
    """A valid canonical user item."""
    return {"sourceId": f"cloud:user:{n}", "email": f"user{n}@example.com", "name": f"User {n}", **extra}
