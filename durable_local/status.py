"""The JSON shapes of the Durable HTTP API: instance status, the check-status payload, client bindings.

Field names follow the Functions host (``HttpApiHandler``): ``name, instanceId, runtimeStatus, input,
customStatus, output, createdTime, lastUpdatedTime, historyEvents``; every URL points at the server
that serves the host, so ``curl`` and the SDK's client follow them back to this process.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from durable_local.model import Instance
from durable_local.wire import Event

WEBHOOK_PATH = "/runtime/webhooks/durabletask"
RPC_PATH = "/durabletask/"

_HISTORY_NAMES = {
    0: "ExecutionStarted", 1: "ExecutionCompleted", 2: "ExecutionFailed", 3: "ExecutionTerminated",
    4: "TaskScheduled", 5: "TaskCompleted", 6: "TaskFailed", 7: "SubOrchestrationInstanceCreated",
    8: "SubOrchestrationInstanceCompleted", 9: "SubOrchestrationInstanceFailed", 10: "TimerCreated",
    11: "TimerFired", 12: "OrchestratorStarted", 13: "OrchestratorCompleted", 14: "EventSent",
    15: "EventRaised", 16: "ContinueAsNew", 17: "GenericEvent", 18: "HistoryState",
    19: "ExecutionSuspended", 20: "ExecutionResumed",
}
# the extension hides the replay bookkeeping and folds the "scheduled" events into their completions
_HIDDEN = {4, 7, 12, 13}
_SCHEDULING = {4, 7}
_COMPLETIONS = {5, 6, 8, 9}


def _decode(raw: str | None) -> Any:
    if raw is None:
        return None
    try:
        return json.loads(raw)
    except (TypeError, json.JSONDecodeError):
        return raw


def public_history(history: list[Event], with_output: bool) -> list[dict[str, Any]]:
    """History in the management API's form.

    As the Functions host shows it: event types by name, ``TaskScheduled`` and
    ``SubOrchestrationInstanceCreated`` folded into their completion events as ``FunctionName`` and
    ``ScheduledTime``, results decoded, and results only with ``showHistoryOutput``.
    """
    scheduled = {e["EventId"]: e for e in history if e["EventType"] in _SCHEDULING}
    events = []
    for event in history:
        etype = event["EventType"]
        if etype in _HIDDEN:
            continue
        item: dict[str, Any] = {"EventType": _HISTORY_NAMES.get(etype, str(etype))}
        if etype == 0:
            item["FunctionName"] = event.get("Name")
        if etype in _COMPLETIONS and event.get("TaskScheduledId") in scheduled:
            origin = scheduled[event["TaskScheduledId"]]
            item["FunctionName"] = origin.get("Name")
            item["ScheduledTime"] = origin.get("Timestamp")
        for key, value in event.items():
            if key in ("EventType", "EventId", "IsPlayed", "Name") and not (key == "Name" and etype == 15):
                continue
            if key == "Result":
                if with_output:
                    item["Result"] = _decode(value)
                continue
            item[key] = value
        events.append(item)
    return events


def instance_status(inst: Instance, *, show_input: bool = True, show_history: bool = False,
                    show_history_output: bool = False) -> dict[str, Any]:
    """The status body of ``GET instances/{id}``."""
    body: dict[str, Any] = {
        "name": inst.name, "instanceId": inst.id, "runtimeStatus": inst.status,
        "input": _decode(inst.input) if show_input else None,
        "customStatus": inst.custom_status, "output": inst.output,
        "createdTime": inst.created, "lastUpdatedTime": inst.updated,
    }
    if show_history:
        body["historyEvents"] = public_history(inst.history, show_history_output)
    return body


def management_urls(base_url: str, instance_id: str, hub: str) -> dict[str, str]:
    """The check-status payload for one instance (``id`` plus the management URLs)."""
    root = f"{base_url.rstrip('/')}{WEBHOOK_PATH}/instances/{quote(instance_id, safe='')}"
    query = f"taskHub={quote(hub)}&connection=Storage"
    return {
        "id": instance_id,
        "statusQueryGetUri": f"{root}?{query}",
        "sendEventPostUri": f"{root}/raiseEvent/{{eventName}}?{query}",
        "terminatePostUri": f"{root}/terminate?reason={{text}}&{query}",
        "rewindPostUri": f"{root}/rewind?reason={{text}}&{query}",
        "purgeHistoryDeleteUri": f"{root}?{query}",
        "restartPostUri": f"{root}/restart?{query}",
        "suspendPostUri": f"{root}/suspend?reason={{text}}&{query}",
        "resumePostUri": f"{root}/resume?reason={{text}}&{query}",
    }


def client_binding(base_url: str, hub: str) -> str:
    """The ``durableClient`` binding JSON the Functions host passes to ``durable_client_input``."""
    placeholder = "INSTANCEID"
    urls = management_urls(base_url, placeholder, hub)
    return json.dumps({
        "taskHubName": hub,
        "creationUrls": {
            "createNewInstancePostUri": f"{base_url.rstrip('/')}{WEBHOOK_PATH}/orchestrators/{{functionName}}"
                                        f"[/{{instanceId}}]?code=",
        },
        "managementUrls": urls,
        "baseUrl": f"{base_url.rstrip('/')}{WEBHOOK_PATH}",
        "requiredQueryStringParameters": "",
        "rpcBaseUrl": f"{base_url.rstrip('/')}{RPC_PATH}",
        "httpBaseUrl": "",
    })
