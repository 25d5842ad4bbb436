"""Six-field NCRONTAB schedules as Azure Functions timer triggers use them (``sec min hour day month dow``).

Supports ``*``, single values, ranges ``a-b``, steps ``*/n`` and ``a-b/n``, lists, month and weekday
names, ``%SETTING%`` references resolved from the environment (as the Functions host does), and the
``hh:mm:ss`` TimeSpan form meaning "every interval". Day-of-month and day-of-week combine with AND,
as in NCrontab (unlike Vixie cron).
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass

_NAMES = {
    4: {n: i for i, n in enumerate(("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT",
                                    "NOV", "DEC"), start=1)},
    5: {n: i for i, n in enumerate(("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"))},
}
_BOUNDS = ((0, 59), (0, 59), (0, 23), (1, 31), (1, 12), (0, 6))
_TIMESPAN = re.compile(r"^(?:(\d+)\.)?(\d{1,2}):(\d{2}):(\d{2})$")
_SETTING = re.compile(r"^%([^%]+)%$")


def _value(text: str, field: int) -> int:
    names = _NAMES.get(field, {})
    return names[text.upper()] if text.upper() in names else int(text)


def _parse_field(text: str, field: int) -> frozenset[int]:
    lo, hi = _BOUNDS[field]
    values: set[int] = set()
    for part in text.split(","):
        base, _, step_text = part.partition("/")
        step = int(step_text) if step_text else 1
        if step < 1:
            raise ValueError(f"bad step in {text!r}")
        if base == "*":
            start, end = lo, hi
        elif "-" in base:
            first, last = base.split("-", 1)
            start, end = _value(first, field), _value(last, field)
        else:
            start = _value(base, field)
            end = hi if step_text else start
        if field == 5 and end == 7:  # 7 is Sunday too
            values.add(0)
            end = 6
        if not (lo <= start <= hi and lo <= end <= hi and start <= end):
            raise ValueError(f"{text!r} is out of range {lo}-{hi}")
        values.update(range(start, end + 1, step))
    return frozenset(values)


@dataclass(frozen=True)
class Schedule:
    """A parsed timer schedule; ``interval`` is set for the TimeSpan form."""

    fields: tuple[frozenset[int], ...] = ()
    interval: dt.timedelta | None = None

    @classmethod
    def parse(cls, text: str) -> Schedule:
        """Parse a six-field NCRONTAB expression, a TimeSpan, or a ``%SETTING%`` naming one."""
        text = text.strip()
        setting = _SETTING.match(text)
        if setting:
            value = os.environ.get(setting.group(1))
            if value is None:
                raise ValueError(f"app setting {setting.group(1)!r} is not set")
            text = value.strip()
        span = _TIMESPAN.match(text)
        if span:
            days, hours, minutes, seconds = (int(g) if g else 0 for g in span.groups())
            interval = dt.timedelta(days=days, hours=hours, minutes=minutes, seconds=seconds)
            if interval <= dt.timedelta(0):
                raise ValueError("a TimeSpan schedule must be positive")
            return cls(interval=interval)
        parts = text.split()
        if len(parts) != 6:
            raise ValueError(f"NCRONTAB needs six fields (sec min hour day month dow), got {text!r}")
        return cls(fields=tuple(_parse_field(p, i) for i, p in enumerate(parts)))

    def matches(self, when: dt.datetime) -> bool:
        """Whether ``when`` (to the second) is an occurrence."""
        sec, minute, hour, day, month, dow = self.fields
        weekday = (when.weekday() + 1) % 7  # Python: Monday=0; cron: Sunday=0
        return (when.second in sec and when.minute in minute and when.hour in hour and when.day in day
                and when.month in month and weekday in dow)

    def next_after(self, after: dt.datetime) -> dt.datetime:
        """The first occurrence strictly after ``after``."""
        if self.interval is not None:
            return after + self.interval
        sec, minute, hour, day, month, _ = self.fields
        when = after.replace(microsecond=0) + dt.timedelta(seconds=1)
        limit = after + dt.timedelta(days=366 * 5)
        while when <= limit:
            if when.month not in month:
                when = (when.replace(day=1, hour=0, minute=0, second=0) + dt.timedelta(days=32)).replace(day=1)
            elif when.day not in day or not self.matches(when.replace(hour=min(hour), minute=min(minute),
                                                                       second=min(sec))):
                when = when.replace(hour=0, minute=0, second=0) + dt.timedelta(days=1)
            elif when.hour not in hour:
                when = when.replace(minute=0, second=0) + dt.timedelta(hours=1)
            elif when.minute not in minute:
                when = when.replace(second=0) + dt.timedelta(minutes=1)
            elif when.second not in sec:
                when += dt.timedelta(seconds=1)
            else:
                return when
        raise ValueError("schedule has no occurrence within five years")
