"""The throttle entity's reducers: additive increase, multiplicative decrease, cool-down."""

from __future__ import annotations

from entities.throttle import MAX_COOLDOWN_S, STEP, STREAK, report, reset
from shared.contracts import ThrottleReport, ThrottleState


def _rep(throttled: int = 0) -> dict[str, object]:
    return ThrottleReport(family="users", throttled=throttled, items=10).model_dump()


def test_clean_streak_grows_batch_by_step() -> None:
    state = ThrottleState(batch_size=50)
    for _ in range(STREAK):
        state = report(state, _rep())
    assert state.batch_size == 50 + STEP
    assert state.good_streak == 0 and state.cooldown_s == 0


def test_growth_stops_at_max_batch() -> None:
    state = ThrottleState(batch_size=95, max_batch=100)
    for _ in range(STREAK * 3):
        state = report(state, _rep())
    assert state.batch_size == 100


def test_throttled_step_halves_batch_and_asks_for_cooldown() -> None:
    state = report(ThrottleState(batch_size=60, good_streak=2), _rep(throttled=2))
    assert state.batch_size == 30
    assert state.good_streak == 0
    assert state.throttled_total == 2
    assert 0 < state.cooldown_s <= MAX_COOLDOWN_S


def test_batch_never_below_minimum() -> None:
    state = ThrottleState(batch_size=6, min_batch=5)
    for _ in range(5):
        state = report(state, _rep(throttled=1))
    assert state.batch_size == 5


def test_reset_restores_defaults() -> None:
    assert reset(ThrottleState(batch_size=7, throttled_total=9), None) == ThrottleState()
