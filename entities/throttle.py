"""``throttle_entity``: the adaptive batch size and cool-down shared by every family of one run.

Additive increase, multiplicative decrease: every clean load step grows the batch by ``STEP`` after a streak of
three, every throttled step (the gateway answered 429) halves it and asks callers to cool down. Operations are
pure reducers over ``ThrottleState``; the entity validates before ``set_state`` because the Python SDK does not
roll state back when an operation raises.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import azure.durable_functions as df
from shared.contracts import ThrottleReport, ThrottleState

bp = df.Blueprint()

STEP = 10
STREAK = 3
MAX_COOLDOWN_S = 60


def report(state: ThrottleState, payload: Any) -> ThrottleState:
    """Fold one load step's outcome into the state."""
    rep = ThrottleReport.model_validate(payload)
    if rep.throttled > 0:
        return state.model_copy(
            update={
                "batch_size": max(state.min_batch, state.batch_size // 2),
                "good_streak": 0,
                "throttled_total": state.throttled_total + rep.throttled,
                "cooldown_s": min(MAX_COOLDOWN_S, 2 ** min(rep.throttled, 6)),
            }
        )
    streak = state.good_streak + 1
    size = state.batch_size
    if streak >= STREAK:
        size, streak = min(state.max_batch, size + STEP), 0
    return state.model_copy(update={"batch_size": size, "good_streak": streak, "cooldown_s": 0})


def reset(state: ThrottleState, payload: Any) -> ThrottleState:
    """Back to the defaults (an operator's lever after a gateway outage)."""
    return ThrottleState()


REDUCERS: dict[str, Callable[[ThrottleState, Any], ThrottleState]] = {"report": report, "reset": reset}


@bp.entity_trigger(context_name="context")
def throttle_entity(context: df.DurableEntityContext) -> None:
    """Dispatch one operation: ``get`` returns the state; others go through ``REDUCERS``."""
    raw = context.get_state(lambda: None)
    state = ThrottleState.model_validate(raw) if raw else ThrottleState()
    op = context.operation_name
    if op == "get":
        context.set_result(state.model_dump(mode="json"))
        return
    reducer = REDUCERS.get(op or "")
    if reducer is None:
        raise ValueError(f"unknown throttle operation {op!r}")
    new_state = reducer(state, context.get_input())
    context.set_state(new_state.model_dump(mode="json"))
    context.set_result(new_state.model_dump(mode="json"))
