"""Pure parts: the leaky bucket and operating windows on a driven clock, batch references, table paging."""

from __future__ import annotations

import pytest

from simulator.clock import Clock
from simulator.errors import RestError
from simulator.filters import Term
from simulator.limits import Limiter
from simulator.methods.batch import _substitute
from simulator.table import Table


def test_bucket_admits_burst_then_drains() -> None:
    clock = Clock(speed=0.0)  # frozen: only `advance` moves it
    limiter = Limiter("standard", clock, 480.0)
    for _ in range(50):
        limiter.admit()
    with pytest.raises(RestError) as caught:
        limiter.admit()
    assert (caught.value.code, caught.value.status) == ("QUERY_LIMIT_EXCEEDED", 503)
    clock.advance(1.0)  # drains 2
    limiter.admit()
    limiter.admit()
    with pytest.raises(RestError):
        limiter.admit()


def test_operating_window_blocks_and_resets() -> None:
    clock = Clock(speed=0.0)
    limiter = Limiter("enterprise", clock, 10.0)
    limiter.charge("crm.deal.list", 6.0)
    clock.advance(120)
    limiter.charge("crm.deal.list", 6.0)
    with pytest.raises(RestError) as caught:
        limiter.check("crm.deal.list")
    assert (caught.value.code, caught.value.status) == ("OPERATION_TIME_LIMIT", 429)
    limiter.check("user.get")
    operating = limiter.operating("crm.deal.list")
    assert operating is not None and operating[0] == 12.0
    clock.advance(operating[1] - clock.now() + 1)  # the first minute bucket drops out
    limiter.check("crm.deal.list")
    assert Limiter("off", clock, 1.0).operating("x") is None


def test_references_substitute_raw_values_and_text() -> None:
    maps = {
        "result": {"a": [{"ID": "7"}], "b": {"items": [{"id": 3}]}},
        "next": {"a": 50},
        "total": {},
        "time": {},
        "error": {},
    }
    params = {"filter": {">ID": "$result[a][0][ID]", "x": "id=$result[b][items][0][id]!"}, "start": "$next[a]"}
    assert _substitute(params, maps) == {"filter": {">ID": "7", "x": "id=3!"}, "start": 50}
    assert _substitute({"v": "$result[a]"}, maps) == {"v": [{"ID": "7"}]}
    assert _substitute({"v": "$result[a][49][ID]"}, maps) == {"v": ""}


def test_table_paging_styles_and_id_slices() -> None:
    table = Table("ID", ({"ID": str(i), "K": i % 3} for i in range(1, 121)))
    orm = table.query([], [], 73)
    assert orm.rows[0]["ID"] == "74" and len(orm.rows) == 47 and orm.next is None and orm.total == 120
    assert table.query([], [], 20).next == 70
    old = table.query([], [], 73, old_style=True)
    assert old.rows[0]["ID"] == "51" and old.next == 100
    keyset = table.query([Term("ID", ">", "100")], [], -1)
    assert [r["ID"] for r in keyset.rows] == [str(i) for i in range(101, 121)] and keyset.total == 0
    filtered = table.query([Term("K", "=", 0), Term("ID", "<=", "30")], [("ID", True)], 0)
    assert [r["ID"] for r in filtered.rows] == [str(i) for i in range(30, 0, -3)] and filtered.total == 10
    assert table.query([Term("ID", ">", "")], [], -1).rows == []
