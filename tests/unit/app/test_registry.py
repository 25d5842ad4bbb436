"""Every durable name constant the orchestrators use is registered by function_app, under that exact name."""

from __future__ import annotations

import function_app
from shared import contracts


def _registered() -> dict[str, str]:
    app = function_app.app
    app.functions_bindings = None  # get_functions() is not idempotent (it remembers names)
    names = {}
    for fn in app.get_functions():
        trigger = fn.get_trigger()
        names[fn.get_function_name()] = trigger.get_binding_name()
    app.functions_bindings = None
    return names


def test_name_constants_match_registered_functions() -> None:
    registered = _registered()
    expected = {
        contracts.MIGRATION_ORCHESTRATOR: "orchestrationTrigger",
        contracts.FAMILY_ORCHESTRATOR: "orchestrationTrigger",
        contracts.EXTRACT_PAGES: "activityTrigger",
        contracts.TRANSFORM_RECORDS: "activityTrigger",
        contracts.LOAD_BATCH: "activityTrigger",
        contracts.CHECK_SOURCE: "activityTrigger",
        contracts.THROTTLE_ENTITY: "entityTrigger",
    }
    for name, kind in expected.items():
        assert registered.get(name) == kind, name


def test_http_starters_are_registered() -> None:
    registered = _registered()
    assert registered["start_migration"] == "httpTrigger"
    assert registered["migration_status"] == "httpTrigger"
