"""Start-request validation of the HTTP starter: good bodies become inputs, bad ones a readable 400 message."""

from __future__ import annotations

import pytest

from shared.contracts import MigrationInput
from starters.migrations import parse_start


def test_empty_body_starts_all_families() -> None:
    parsed = parse_start("all", b"")
    assert isinstance(parsed, MigrationInput)
    assert parsed.phase == "all" and parsed.families == [] and parsed.run_id.startswith("run-")


def test_body_fields_are_carried() -> None:
    parsed = parse_start("users", b'{"test_limit": 5, "families": ["users"]}')
    assert isinstance(parsed, MigrationInput)
    assert parsed.test_limit == 5 and parsed.families == ["users"]


@pytest.mark.parametrize(
    ("phase", "body", "needle"),
    [
        ("everything", b"", "unknown phase"),
        ("all", b"{not json", "not valid JSON"),
        ("all", b'{"test_limit": 0}', "test_limit"),
        ("all", b'{"families": ["usrs"]}', "unknown families: usrs"),
        ("all", b'{"colour": "red"}', "colour"),
        ("delta", b"{}", "since"),
    ],
    ids=["phase", "json", "limit", "family", "extra-field", "delta-without-since"],
)
def test_bad_requests_explain_themselves(phase: str, body: bytes, needle: str) -> None:
    parsed = parse_start(phase, body)
    assert isinstance(parsed, str) and needle in parsed
