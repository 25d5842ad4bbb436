"""Introspection methods: `method.get`, `scope`, `methods`, `profile`, `app.info`, `server.time`.

They cost almost nothing and answer from the method table and the webhook's scopes, which is how a client checks a
webhook before a long run (`profile` is the documented cheapest self-check).
"""

from __future__ import annotations

from simulator.params import truthy
from simulator.registry import METHODS, Call, Reply, method
from simulator.settings import ALL_SCOPES


@method("method.get")
def method_get(call: Call) -> Reply:
    name = str(call.get("name", "") or "").strip().lower()
    found = METHODS.get(name) if name else None
    if found is None:
        return Reply({"isExisting": False, "isAvailable": False}, cost_s=0.0005)
    available = not found.scopes or bool(set(found.scopes) & call.portal.scopes)
    return Reply({"isExisting": True, "isAvailable": available}, cost_s=0.0005)


@method("scope")
def scope(call: Call) -> Reply:
    if truthy(call.get("full", False)):
        return Reply(list(ALL_SCOPES), cost_s=0.0005)
    return Reply(sorted(call.portal.scopes), cost_s=0.0005)


@method("methods")
def methods(call: Call) -> Reply:
    wanted = call.get("scope")
    names = []
    for found in METHODS.values():
        # private methods are callable but never listed, as on the real server
        if found.name in ("log.blogcomment.user.get",):
            continue
        if wanted is None or (wanted == "" and not found.scopes) or wanted in found.scopes:
            names.append(found.name)
    return Reply(sorted(names), cost_s=0.0005)


@method("profile")
def profile(call: Call) -> Reply:
    user = call.portal.table("users").get(call.user_id) or {}
    return Reply(
        {
            "ID": str(call.user_id),
            "ADMIN": call.portal.is_admin(call.user_id),
            "NAME": user.get("NAME", ""),
            "LAST_NAME": user.get("LAST_NAME", ""),
            "PERSONAL_GENDER": user.get("PERSONAL_GENDER", ""),
            "TIME_ZONE": user.get("TIME_ZONE", ""),
            "TIME_ZONE_OFFSET": user.get("TIME_ZONE_OFFSET", 0),
        },
        cost_s=0.0005,
    )


@method("app.info")
def app_info(call: Call) -> Reply:
    return Reply({"SCOPE": sorted(call.portal.scopes), "LICENSE": f"ru_{call.portal.info.get('plan', 'standard')}"})


@method("server.time")
def server_time(call: Call) -> Reply:
    return Reply(call.portal.now_iso(), cost_s=0.0001)
