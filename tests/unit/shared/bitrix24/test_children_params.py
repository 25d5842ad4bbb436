"""Per-parent call params, cursor advancement and how many pages a range still needs."""

from __future__ import annotations

from shared.bitrix24.children import _next_cursor, child_params, page_limit
from shared.bitrix24.ranges import IdRange
from shared.families import get_family

MESSAGES = get_family("chat_messages")
COMMENTS = get_family("feed_comments")
MEMBERS = get_family("group_members")


def test_child_params_per_family() -> None:
    assert child_params(MEMBERS, "12", None) == {"ID": "12"}
    assert child_params(MESSAGES, "7", None) == {"DIALOG_ID": "chat7", "LIMIT": 50}
    assert child_params(MESSAGES, "7", 900) == {"DIALOG_ID": "chat7", "LIMIT": 50, "LAST_ID": 900}
    assert child_params(COMMENTS, "3", 55) == {"USER_ID": "3", "LIMIT": 100, "LAST_ID": 55}
    assert child_params(get_family("task_comments"), "9", None) == {"TASKID": "9"}
    assert page_limit(MESSAGES) == 50 and page_limit(COMMENTS) == 100


def test_backward_cursor_stops_on_a_short_page() -> None:
    full = [{"id": i} for i in range(1000, 950, -1)]
    assert _next_cursor(MESSAGES, full, None) == 951
    assert _next_cursor(MESSAGES, full[:10], 1001) is None
    assert _next_cursor(MESSAGES, [], 951) is None
    # a portal that ignores the cursor would loop forever: a non-advancing cursor ends the parent
    assert _next_cursor(MESSAGES, full, 951) is None


def test_children_without_cursor_finish_after_one_call() -> None:
    assert _next_cursor(MEMBERS, [{"USER_ID": "1"}] * 60, None) is None


def test_pages_needed_stops_chaining_past_the_bound() -> None:
    assert IdRange(0, 0, 10_000).pages_needed(50, 50) == 50
    assert IdRange(0, 9_000, 10_000).pages_needed(50, 50) == 21
    assert IdRange(0, 10_000, 10_000).pages_needed(50, 50) == 1
    assert IdRange(3, 99_990, None, hint=100_000).pages_needed(50, 50) == 2
    assert IdRange(3, 0, None).pages_needed(50, 50) == 50
