"""Six-field NCRONTAB parsing and next-occurrence computation."""

from __future__ import annotations

import datetime as dt

import pytest

from durable_local.ncrontab import Schedule

T0 = dt.datetime(2026, 1, 1, 0, 0, 0, tzinfo=dt.UTC)  # a Thursday


@pytest.mark.parametrize(
    ("expr", "after", "expected"),
    [
        ("0 */30 * * * *", T0, T0.replace(minute=30)),
        ("*/5 * * * * *", T0, T0.replace(second=5)),
        ("0 0 9 * * MON-FRI", T0, T0.replace(hour=9)),
        ("0 0 9 * * SAT", T0, dt.datetime(2026, 1, 3, 9, tzinfo=dt.UTC)),
        ("0 0 0 1 1 *", T0, dt.datetime(2027, 1, 1, tzinfo=dt.UTC)),
        ("0 15,45 10-11 * * *", T0, T0.replace(hour=10, minute=15)),
        ("30 0 0 29 2 *", T0, dt.datetime(2028, 2, 29, 0, 0, 30, tzinfo=dt.UTC)),
        ("0 0 12 * JUN 0", T0, dt.datetime(2026, 6, 7, 12, tzinfo=dt.UTC)),
        ("00:05:00", T0, T0 + dt.timedelta(minutes=5)),
    ],
    ids=["every-30-min", "every-5-s", "weekdays-9am", "saturday", "new-year", "lists-ranges", "leap-day",
         "sunday-in-june", "timespan"],
)
def test_next_occurrence(expr: str, after: dt.datetime, expected: dt.datetime) -> None:
    assert Schedule.parse(expr).next_after(after) == expected


def test_next_is_strictly_after() -> None:
    schedule = Schedule.parse("0 */30 * * * *")
    at = T0.replace(minute=30)
    assert schedule.next_after(at) == T0.replace(hour=1)


def test_setting_reference(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DELTA_SCHEDULE", "0 0 */2 * * *")
    assert Schedule.parse("%DELTA_SCHEDULE%").next_after(T0) == T0.replace(hour=2)


@pytest.mark.parametrize("expr", ["* * * * *", "61 * * * * *", "0 0 0 32 * *", "*/0 * * * * *", "%NOPE_X%"],
                         ids=["five-fields", "second-range", "day-range", "zero-step", "missing-setting"])
def test_bad_schedules_raise(expr: str) -> None:
    with pytest.raises(ValueError):
        Schedule.parse(expr)
