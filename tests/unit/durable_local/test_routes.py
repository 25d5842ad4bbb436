"""Functions-style route templates for the app's HTTP functions."""

from __future__ import annotations

import pytest

from durable_local.http_bridge import match_route


@pytest.mark.parametrize(
    ("template", "path", "expected"),
    [
        ("migrations/{phase}", "migrations/users", {"phase": "users"}),
        ("migrations/{phase}", "Migrations/users/", {"phase": "users"}),
        ("migrations/{phase}", "migrations", None),
        ("migrations/{phase}", "migrations/a/b", None),
        ("hello/{who?}", "hello", {}),
        ("items/{id:int}", "items/12", {"id": "12"}),
        ("items/{id:int}", "items/x", None),
        ("files/{*rest}", "files/a/b/c", {"rest": "a/b/c"}),
        ("runs/{instance_id}", "runs/abc:def", {"instance_id": "abc:def"}),
    ],
    ids=["param", "case-and-slash", "missing", "too-long", "optional", "int", "int-mismatch", "catch-all", "colon"],
)
def test_match_route(template: str, path: str, expected: dict[str, str] | None) -> None:
    assert match_route(template, path) == expected
