"""Wire helpers: action flattening in sequence order, timestamps, the handler's failure payload."""

from __future__ import annotations

import datetime as dt
import json

from durable_local.wire import canon, flatten, format_ts, parse_ts, split_failure


def test_flatten_v1_and_compound_actions_depth_first() -> None:
    a = [{"actionType": 0, "functionName": f"a{i}"} for i in range(4)]
    v1 = [[a[0]], [a[1], a[2]]]
    v3 = [[{"actionType": 12, "compoundActions": [a[0], {"actionType": 11, "compoundActions": [a[1], a[2]]}]},
           a[3]]]
    assert [x["functionName"] for x in flatten(v1)] == ["a0", "a1", "a2"]
    assert [x["functionName"] for x in flatten(v3)] == ["a0", "a1", "a2", "a3"]


def test_timestamps_round_trip_including_dotnet_precision() -> None:
    when = dt.datetime(2026, 12, 3, 10, 0, 0, 123456, tzinfo=dt.UTC)
    assert parse_ts(format_ts(when)) == when
    assert parse_ts("2026-12-03T10:00:00.1234567Z").microsecond == 123456


def test_split_failure_reads_out_of_proc_state() -> None:
    state = {"isDone": False, "actions": [], "error": "nope"}
    message, parsed = split_failure(Exception("nope\n\n$OutOfProcData$:" + json.dumps(state)))
    assert (message, parsed) == ("nope", state)
    assert split_failure(Exception("plain")) == ("plain", {"actions": []})


def test_canon_ignores_cancellation_flag() -> None:
    assert canon({"actionType": 5, "fireAt": "x", "isCanceled": True}) == {"actionType": 5, "fireAt": "x"}
