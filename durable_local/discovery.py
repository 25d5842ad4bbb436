"""Finds the durable and plain functions of a v2 ``FunctionApp``/``DFApp`` the way the Functions host does.

``discover(app)`` returns a ``Registry`` keyed by the names the Durable extension registers (trigger
attribute > ``@function_name`` > Python name; entity names lowercased, as scheduler ids carry them),
so the host can fail an unknown activity or orchestrator name at once instead of hanging.
"""

from __future__ import annotations

import importlib
import inspect
import sys
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class FunctionSpec:
    """One discovered function: its registered name, the callable to invoke and its binding names."""

    name: str
    kind: str
    handler: Callable[..., Any]
    trigger_param: str
    client_params: tuple[str, ...] = ()
    route: str | None = None
    methods: tuple[str, ...] = ()
    schedule: str | None = None
    run_on_startup: bool = False


@dataclass(frozen=True)
class InvocationContext:
    """What a function gets for a ``context: func.Context`` parameter (the fields scripts use)."""

    invocation_id: str
    function_name: str
    function_directory: str = ""
    trace_context: Any = None
    retry_context: Any = None


def with_context(spec: FunctionSpec, kwargs: dict[str, Any]) -> dict[str, Any]:
    """Add ``context`` when the user function declares it, as the Functions worker does."""
    try:
        params = inspect.signature(spec.handler).parameters
    except (TypeError, ValueError):
        return kwargs
    if "context" in params and "context" not in kwargs:
        kwargs["context"] = InvocationContext(invocation_id=uuid.uuid4().hex, function_name=spec.name)
    return kwargs


@dataclass
class Registry:
    """Everything the host can run, by registered name."""

    orchestrators: dict[str, FunctionSpec] = field(default_factory=dict)
    activities: dict[str, FunctionSpec] = field(default_factory=dict)
    entities: dict[str, FunctionSpec] = field(default_factory=dict)
    http: dict[str, FunctionSpec] = field(default_factory=dict)
    timers: dict[str, FunctionSpec] = field(default_factory=dict)

    def entity(self, name: str) -> FunctionSpec | None:
        """Entity lookup is case-insensitive because scheduler ids lowercase the name."""
        return self.entities.get(name.lower())


_KINDS = {
    "orchestrationTrigger": "orchestrators",
    "activityTrigger": "activities",
    "entityTrigger": "entities",
    "httpTrigger": "http",
    "timerTrigger": "timers",
}


def _method_names(trigger: Any) -> tuple[str, ...]:
    methods = getattr(trigger, "methods", None) or ()
    return tuple(str(getattr(m, "value", m)).upper() for m in methods)


def discover(app: Any) -> Registry:
    """Read the functions of ``app`` into a ``Registry``.

    ``get_functions()`` is not idempotent (its duplicate-name check remembers earlier calls), so the
    remembered names are reset first (durable-local-host.md §4, pitfall 1).
    """
    app.functions_bindings = None
    registry = Registry()
    for function in app.get_functions():
        trigger = function.get_trigger()
        kind = trigger.get_binding_name()
        bucket = _KINDS.get(kind)
        if bucket is None:
            continue
        name = (
            getattr(trigger, "orchestration", None)
            or getattr(trigger, "activity", None)
            or getattr(trigger, "entity_name", None)
            or function.get_function_name()
        )
        if kind == "entityTrigger":
            name = name.lower()
        clients = tuple(b.name for b in function.get_bindings() if b.get_binding_name() == "durableClient")
        spec = FunctionSpec(
            name=name,
            kind=kind,
            handler=function.get_user_function(),
            trigger_param=trigger.name,
            client_params=clients,
            route=getattr(trigger, "route", None) if kind == "httpTrigger" else None,
            methods=_method_names(trigger),
            schedule=getattr(trigger, "schedule", None),
            run_on_startup=bool(getattr(trigger, "run_on_startup", False)),
        )
        getattr(registry, bucket)[name] = spec
    return registry


def load_app(target: str, cwd: Path | None = None) -> Any:
    """Import ``MODULE:ATTR`` (default attribute ``app``) with the working directory on ``sys.path``."""
    module_name, _, attr = target.partition(":")
    base = str((cwd or Path.cwd()).resolve())
    if base not in sys.path:
        sys.path.insert(0, base)
    module = importlib.import_module(module_name)
    return getattr(module, attr or "app")
