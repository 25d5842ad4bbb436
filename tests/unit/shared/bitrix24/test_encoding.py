"""PHP bracket encoding round-trips through a parse_str-style decoder and keeps batch references readable."""

from __future__ import annotations

from urllib.parse import parse_qsl

import pytest

from shared.bitrix24.encoding import batch_command, php_pairs, php_query
from shared.bitrix24.errors import WriteRefused
from shared.bitrix24.readonly import ensure_read, is_read_method


def test_nested_maps_and_lists_flatten_to_brackets() -> None:
    pairs = php_pairs({"FILTER": {">ID": 5, "@STATUS": [1, 2]}, "select": ["ID", "NAME"], "start": -1})
    assert pairs == [
        ("FILTER[>ID]", "5"),
        ("FILTER[@STATUS][0]", "1"),
        ("FILTER[@STATUS][1]", "2"),
        ("select[0]", "ID"),
        ("select[1]", "NAME"),
        ("start", "-1"),
    ]


def test_scalars_follow_http_build_query() -> None:
    assert php_pairs({"a": True, "b": False, "c": None, "d": 2.0, "e": 2.5}) == [
        ("a", "1"), ("b", "0"), ("d", "2"), ("e", "2.5"),
    ]


def test_query_escapes_values_but_keeps_references() -> None:
    query = php_query({"filter": {">ID": "$result[req_0][49][ID]", "%NAME": "a&b=c d"}})
    assert "filter[>ID]=$result[req_0][49][ID]" in query.replace("%3E", ">")
    decoded = dict(parse_qsl(query))
    assert decoded == {"filter[>ID]": "$result[req_0][49][ID]", "filter[%NAME]": "a&b=c d"}


def test_batch_command_shape() -> None:
    assert batch_command("user.get") == "user.get"
    assert batch_command("user.get", {"start": -1}) == "user.get?start=-1"


@pytest.mark.parametrize("method", ["user.get", "USER.GET", "crm.item.list", "im.dialog.messages.get", "user.get.json"])
def test_read_methods_are_allowed(method: str) -> None:
    assert is_read_method(method)
    ensure_read(method)


@pytest.mark.parametrize("method", ["user.add", "crm.deal.update", "batch", "disk.file.delete", "crm.deal.list/../add",
                                    "im.message.add", ""])
def test_other_methods_are_refused(method: str) -> None:
    assert not is_read_method(method)
    with pytest.raises(WriteRefused):
        ensure_read(method, "p")
