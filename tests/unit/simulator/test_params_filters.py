"""PHP parameter decoding and filter semantics, the pure parts under every method."""

from __future__ import annotations

from simulator.filters import Term, predicate, split_key
from simulator.params import parse_php_query, php_intval


def test_php_brackets_build_maps_and_lists() -> None:
    parsed = parse_php_query("filter[>ID]=5&select[]=ID&select[]=NAME&order[ID]=ASC&a[b][c]=1&start=-1")
    assert parsed == {
        "filter": {">ID": "5"},
        "select": ["ID", "NAME"],
        "order": {"ID": "ASC"},
        "a": {"b": {"c": "1"}},
        "start": "-1",
    }


def test_intval_like_php() -> None:
    assert [php_intval(v) for v in ("12abc", "-1", "", "x", 7, 3.9, True)] == [12, -1, 0, 0, 7, 3, 1]


def test_prefixes_longest_first() -> None:
    assert split_key(">=DATE_MODIFY") == (">=", "DATE_MODIFY")
    assert split_key("!@ID") == ("!@", "ID")
    assert split_key("EMAIL") == ("=", "EMAIL")


def test_coercion_numbers_dates_lists_bools() -> None:
    row = {
        "ID": "37",
        "DATE": "2024-01-02T10:00:00+03:00",
        "DEPT": [1, 5],
        "ACTIVE": False,
        "TS": "23.01.2024 19:58:38",
    }
    assert predicate(Term("ID", ">", "5"))(row)  # numeric, not text, comparison
    assert predicate(Term("DATE", ">=", "2024-01-02T07:00:00+00:00"))(row)
    assert not predicate(Term("DATE", ">", "2024-01-02T07:00:00Z"))(row)
    assert predicate(Term("DEPT", "=", "5"))(row)
    assert predicate(Term("ACTIVE", "=", "N"))(row) and not predicate(Term("ACTIVE", "=", True))(row)
    assert predicate(Term("ID", "@", ["1", "37"]))(row)
    assert predicate(Term("TS", ">", "2024-01-01"))(row)


def test_naive_dates_are_in_the_portal_zone() -> None:
    from simulator.portal import Portal
    from simulator.settings import SimSettings

    Portal(SimSettings(mode="target", time_zone_offset="+03:00"))
    row = {"TIMESTAMP_X": "23.01.2024 19:58:38"}  # portal-local, i.e. 16:58:38 UTC
    assert predicate(Term("TIMESTAMP_X", ">", "2024-01-23T16:58:00+00:00"))(row)
    assert not predicate(Term("TIMESTAMP_X", ">", "2024-01-23T17:00:00+00:00"))(row)
