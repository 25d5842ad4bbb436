"""The leaky bucket and the operating budget pace callers on an injected clock (no real sleeping)."""

from __future__ import annotations

import asyncio

import pytest

from shared.bitrix24.throttle import LeakyBucket, OperatingBudget, limit_profile
from shared.clock import FakeClock
from shared.errors import ConfigurationError


async def test_bucket_lets_the_burst_through_then_paces_at_the_drain_rate() -> None:
    clock = FakeClock()
    bucket = LeakyBucket(50, 2.0, clock)
    for _ in range(48):
        assert await bucket.acquire() == 0.0
    assert clock.sleeps == []
    for _ in range(19):
        await bucket.acquire()
    # 19 more requests at 0.95 × 2/s take ten seconds of (fake) waiting
    assert clock.monotonic() == pytest.approx(19 / 1.9, rel=1e-6)
    assert bucket.level <= bucket.capacity + 1e-9
    assert bucket.waited_s == pytest.approx(clock.monotonic())


async def test_bucket_drains_while_idle() -> None:
    clock = FakeClock()
    bucket = LeakyBucket(10, 1.0, clock, burst_margin=0, drain_factor=1.0)
    for _ in range(10):
        await bucket.acquire()
    assert bucket.delay() == pytest.approx(1.0)
    clock.advance(5)
    assert bucket.level == pytest.approx(5.0)
    assert bucket.delay() == 0.0


async def test_concurrent_callers_never_overfill_the_bucket() -> None:
    clock = FakeClock()
    bucket = LeakyBucket(10, 2.0, clock, burst_margin=0, drain_factor=1.0)
    levels: list[float] = []

    async def one() -> None:
        await bucket.acquire()
        levels.append(bucket.level)

    await asyncio.gather(*(one() for _ in range(40)))
    assert max(levels) <= 10.0 + 1e-9
    # 30 requests beyond the burst at 2/s
    assert clock.monotonic() == pytest.approx(15.0)


async def test_saturate_makes_the_next_send_wait() -> None:
    clock = FakeClock()
    bucket = LeakyBucket(50, 2.0, clock)
    await bucket.acquire()
    bucket.saturate()
    assert bucket.delay() == pytest.approx(1 / 1.9)


def test_profiles() -> None:
    assert limit_profile("standard").burst == 50
    assert limit_profile("enterprise").drain_per_s == 5.0
    assert limit_profile("box").burst is None
    with pytest.raises(ConfigurationError):
        limit_profile("platinum")


async def test_budget_waits_until_the_portals_reset_time() -> None:
    clock = FakeClock()
    budget = OperatingBudget(480.0, clock)
    budget.observe("crm.deal.list", {"operating": 100.0, "finish": 5000.0, "operating_reset_at": 5100})
    assert budget.delay("crm.deal.list") == 0.0
    budget.observe("crm.deal.list", {"operating": 440.0, "finish": 5000.0, "operating_reset_at": 5100})
    # above 90 % of 480 s: wait the 100 s the portal announced, measured on the portal's own clock
    assert budget.delay("crm.deal.list") == pytest.approx(100.0)
    assert budget.delay("user.get") == 0.0
    assert await budget.wait("crm.deal.list") == pytest.approx(100.0)
    assert budget.delay("crm.deal.list") == 0.0


async def test_budget_counts_own_measurements_in_a_sliding_window() -> None:
    clock = FakeClock()
    budget = OperatingBudget(10.0, clock, window_s=600.0)
    budget.record("user.get", 5.0)
    clock.advance(100)
    budget.record("user.get", 4.5)
    assert budget.used("user.get") == pytest.approx(9.5)
    # the first measurement leaves the window 500 s later
    assert budget.delay("user.get") == pytest.approx(500.0)
    clock.advance(500)
    assert budget.used("user.get") == pytest.approx(4.5)
    assert budget.snapshot() == {"user.get": 4.5}


async def test_a_429_is_waited_out_and_forgotten() -> None:
    clock = FakeClock()
    budget = OperatingBudget(480.0, clock)
    waited = await budget.wait_out_block("crm.deal.list", {"finish": 100.0, "operating_reset_at": 160})
    assert waited == pytest.approx(60.0)
    assert clock.sleeps == [pytest.approx(60.0)]
    assert budget.delay("crm.deal.list") == 0.0
    # without any reset time the client waits one window-minute
    assert budget.blocked("user.get", None) == pytest.approx(60.0)


async def test_clients_of_one_portal_can_share_one_bucket() -> None:
    from shared.bitrix24.client import Bitrix24Client

    clock = FakeClock()
    bucket = LeakyBucket(50, 2.0, clock)
    first = Bitrix24Client("https://p.bitrix24.ru/rest/1/abc/", clock=clock, bucket=bucket)
    second = Bitrix24Client("https://p.bitrix24.ru/rest/1/abc/", clock=clock, bucket=bucket)
    assert first.bucket is second.bucket is bucket
    for _ in range(48):
        await bucket.acquire()
    assert bucket.delay() > 0
    state = second.limiter_state()
    assert state["portal"] == "p.bitrix24.ru" and state["bucket_level"] == pytest.approx(48.0)
    assert "abc" not in repr(state)
