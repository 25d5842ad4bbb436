"""Idempotency keys, rate limits, code rotation and revocation, IP allow-list, size limit, access log."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path
from typing import Any

import pytest

from gateway.methods import METHODS

sys.path.insert(0, str(Path(__file__).parent))
from gw_kit import IMPORT_CODE, FakePortal, url, user

USERS = "import.users.batch"


async def test_idempotency_key_replays_and_conflicts(fake_portal: tuple[FakePortal, str], make_gateway: Any) -> None:
    portal, target = fake_portal
    gw = await make_gateway(target)
    headers = {"X-Idempotency-Key": "batch-users-1-2"}
    first = await gw.post(url(USERS), json=[user(1), user(2)], headers=headers)
    body = await first.read()
    replay = await gw.post(url(USERS), json=[user(1), user(2)], headers=headers)
    assert replay.status == 200 and await replay.read() == body
    assert replay.headers.get("X-Idempotent-Replay") == "true"
    assert portal.count("user.add") == 2
    conflict = await gw.post(url(USERS), json=[user(3)], headers=headers)
    assert conflict.status == 409
    assert portal.count("user.add") == 2
    # the same key on another method is a different batch
    other = await gw.post(url("import.crm.companies"), json=[], headers=headers)
    assert other.status == 200


async def test_rate_limit_answers_429_with_retry_after(fake_portal: tuple[FakePortal, str], make_gateway: Any) -> None:
    _, target = fake_portal
    gw = await make_gateway(target, rate_overrides={USERS: 3})
    statuses = [(await gw.post(url(USERS), json=[])).status for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    resp = await gw.post(url(USERS), json=[])
    assert resp.status == 429 and int(resp.headers["Retry-After"]) >= 1
    # other methods have their own budget
    assert (await gw.post(url("import.crm.deals"), json=[])).status == 200


async def test_rate_limits_can_be_switched_off(fake_portal: tuple[FakePortal, str], make_gateway: Any) -> None:
    _, target = fake_portal
    gw = await make_gateway(target, rate_limits=False, rate_overrides={USERS: 1})
    assert {(await gw.post(url(USERS), json=[])).status for _ in range(5)} == {200}


async def test_codes_file_rotation_and_revocation_without_restart(
    fake_portal: tuple[FakePortal, str], make_gateway: Any, tmp_path: Path
) -> None:
    _, target = fake_portal
    codes = tmp_path / "codes.txt"
    codes.write_text("# active codes\nold-code-0001\n")
    gw = await make_gateway(target, import_codes=[], codes_file=codes)
    assert (await gw.post(url(USERS, code="old-code-0001"), json=[])).status == 200
    assert (await gw.post(url(USERS, code="new-code-0002"), json=[])).status == 403
    # rotation: add the new code next to the old one
    codes.write_text("old-code-0001\nnew-code-0002\n")
    os.utime(codes, ns=(1, 2_000_000_000_000_000_000))
    assert (await gw.post(url(USERS, code="new-code-0002"), json=[])).status == 200
    assert (await gw.post(url(USERS, code="old-code-0001"), json=[])).status == 200
    # revocation: drop the old one
    codes.write_text("new-code-0002\n")
    os.utime(codes, ns=(1, 3_000_000_000_000_000_000))
    assert (await gw.post(url(USERS, code="old-code-0001"), json=[])).status == 403
    assert (await gw.post(url(USERS, code="new-code-0002"), json=[])).status == 200
    codes.unlink()
    assert (await gw.post(url(USERS, code="new-code-0002"), json=[])).status == 403


async def test_several_codes_are_active_at_once(fake_portal: tuple[FakePortal, str], make_gateway: Any) -> None:
    _, target = fake_portal
    gw = await make_gateway(target, import_codes=["code-a-123", "code-b-456"])
    assert (await gw.post(url(USERS, code="code-a-123"), json=[])).status == 200
    assert (await gw.post(url(USERS, code="code-b-456"), json=[])).status == 200
    assert (await gw.post(url(USERS, code="code-a-12"), json=[])).status == 403


@pytest.mark.parametrize(("networks", "status"), [(["10.0.0.0/8"], 403), (["127.0.0.0/8", "10.0.0.0/8"], 200)],
                         ids=["outside", "inside"])
async def test_ip_allow_list(fake_portal: tuple[FakePortal, str], make_gateway: Any, networks: list[str],
                             status: int) -> None:
    _, target = fake_portal
    gw = await make_gateway(target, allowed_networks=networks)
    assert (await gw.post(url(USERS), json=[])).status == status


async def test_request_size_limit(fake_portal: tuple[FakePortal, str], make_gateway: Any) -> None:
    portal, target = fake_portal
    gw = await make_gateway(target, max_body_bytes=2048)
    resp = await gw.post(url(USERS), json=[user(1, workPosition="x" * 4096)])
    assert resp.status == 413
    assert portal.calls == []


async def test_access_log_is_structured_and_holds_no_secret(
    fake_portal: tuple[FakePortal, str], make_gateway: Any, caplog: pytest.LogCaptureFixture
) -> None:
    _, target = fake_portal
    gw = await make_gateway(target)
    with caplog.at_level(logging.INFO, logger="gateway.access"):
        await gw.post(url(USERS), json=[user(1, name="Secret Name")])
        await gw.post(url(USERS, code="wrong-code-x"), json=[])
    lines = [r.getMessage() for r in caplog.records if r.name == "gateway.access"]
    assert len(lines) == 2
    assert '"path":"/webhook/1/***/import.users.batch"' in lines[0] and '"status":200' in lines[0]
    assert '"items":1' in lines[0] and '"imported":1' in lines[0]
    everything = "\n".join(r.getMessage() for r in caplog.records)
    for secret in (IMPORT_CODE, "wrong-code-x", "portalcode", "Secret Name"):
        assert secret not in everything


async def test_wrong_user_id_and_wrong_code_take_the_same_time(
    fake_portal: tuple[FakePortal, str], make_gateway: Any
) -> None:
    import statistics
    import time

    _, target = fake_portal
    gw = await make_gateway(target, import_codes=[IMPORT_CODE, "second-code-abcdefghijklmnop"])

    async def median_ms(path: str) -> float:
        samples = []
        for _ in range(60):
            started = time.perf_counter()
            resp = await gw.post(path, data=b"[]")
            await resp.read()
            samples.append((time.perf_counter() - started) * 1000)
        return statistics.median(samples)

    wrong_uid = await median_ms(url(USERS, user_id=7))
    wrong_code = await median_ms(url(USERS, code=IMPORT_CODE[:-1] + "X"))
    # same code path and the same bytes; loopback noise is the only difference
    assert max(wrong_uid, wrong_code) < 3 * min(wrong_uid, wrong_code) + 1.0


@pytest.mark.parametrize("method", sorted(METHODS), ids=str)
async def test_every_method_guards_its_door(
    method: str, fake_portal: tuple[FakePortal, str], make_gateway: Any
) -> None:
    portal, target = fake_portal
    gw = await make_gateway(target, rate_overrides={method: 3})
    assert (await gw.post(url(method, code="nope"), json=[])).status == 403
    assert (await gw.post(url(method), data=b"{oops")).status == 400
    headers = {"X-Idempotency-Key": f"k-{method}"}
    assert (await gw.post(url(method), json=[], headers=headers)).status == 200
    assert (await gw.post(url(method), json={"items": []}, headers=headers)).status == 409
    limited = await gw.post(url(method), json=[])
    assert limited.status == 429 and "Retry-After" in limited.headers
    assert portal.calls == []


async def test_an_expired_idempotency_key_is_processed_afresh(
    fake_portal: tuple[FakePortal, str], make_gateway: Any
) -> None:
    _, target = fake_portal
    gw = await make_gateway(target, batch_key_ttl_s=0.0)
    headers = {"X-Idempotency-Key": "rerun-key"}
    first = await (await gw.post(url(USERS), json=[user(1)], headers=headers)).json()
    second = await (await gw.post(url(USERS), json=[user(1)], headers=headers)).json()
    assert first["imported"] == 1 and second["imported"] == 0 and second["duplicate"] == ["cloud:user:1"]
    assert (await gw.post(url(USERS), json=[user(2)], headers=headers)).status == 200
