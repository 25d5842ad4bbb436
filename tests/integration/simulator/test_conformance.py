"""Independent real clients against the simulator: fast_bitrix24 (aiohttp, plain HTTP) and b24pysdk (requests, HTTPS).

Both are dev-only dependencies.  They must get exactly the records and counts `/_sim/counts` reports, through their own
paging strategies (fast_bitrix24: a counted first page then batches of offsets; b24pysdk: offsets via `as_list`, keyset
`start=-1` chains via `as_list_fast`).  b24pysdk only speaks HTTPS, so its simulator runs with a throwaway certificate.
"""

from __future__ import annotations

import asyncio
import json
import ssl
import subprocess
import urllib.request
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from b24pysdk import BitrixWebhook, Client
from fast_bitrix24 import BitrixAsync

from simulator.app import create_app
from simulator.settings import SimSettings


async def _serve(settings: SimSettings, context: ssl.SSLContext | None = None) -> tuple[web.AppRunner, int]:
    runner = web.AppRunner(create_app(settings), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0, ssl_context=context)
    await site.start()
    sockets = getattr(site._server, "sockets", None)
    assert sockets
    return runner, int(sockets[0].getsockname()[1])


@pytest.fixture
async def plain() -> AsyncIterator[str]:
    runner, port = await _serve(SimSettings(profile="small", seed=11))
    yield f"http://127.0.0.1:{port}"
    await runner.cleanup()


def _certificate(directory: Path) -> tuple[Path, Path]:
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-keyout",
            str(key),
            "-out",
            str(cert),
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


@pytest.fixture
async def tls(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[tuple[str, str]]:
    cert, key = _certificate(tmp_path)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(cert))
    runner, port = await _serve(SimSettings(profile="small", seed=12), context)
    yield f"127.0.0.1:{port}", str(cert)
    await runner.cleanup()


async def _control(base: str, route: str, cafile: str | None = None) -> Any:
    context = ssl.create_default_context(cafile=cafile) if cafile else None

    def fetch() -> Any:
        with urllib.request.urlopen(f"{base}{route}", timeout=30, context=context) as response:
            return json.loads(response.read())

    return await asyncio.to_thread(fetch)


@pytest.mark.filterwarnings("ignore:You are selecting all fields")
async def test_fast_bitrix24_get_all_matches_counts(plain: str) -> None:
    counts = await _control(plain, "/_sim/counts")
    client = BitrixAsync(f"{plain}/rest/1/simcode/", verbose=False)
    deals = await client.get_all("crm.deal.list", {"select": ["*", "UF_*"], "filter": {">ID": 0}})
    assert len(deals) == counts["crm_deals"] == len({d["ID"] for d in deals})
    users = await client.get_all("user.get")
    assert sorted(int(u["ID"]) for u in users) == sorted(
        int(u["ID"]) for u in (await _control(plain, "/_sim/dump"))["users"]
    )
    tasks = await client.get_all("tasks.task.list", {"select": ["ID", "TITLE"]})
    assert len(tasks) == counts["tasks"] == len({t["id"] for t in tasks})
    stats = await _control(plain, "/_sim/stats")
    assert stats["errors"] == {}


async def test_fast_bitrix24_call_adds_contacts_in_target_mode() -> None:
    runner, port = await _serve(SimSettings(mode="target"))
    try:
        base = f"http://127.0.0.1:{port}"
        client = BitrixAsync(f"{base}/rest/1/simcode/", verbose=False)
        items = [
            {"fields": {"NAME": f"Имя {i}", "LAST_NAME": "Тест", "ORIGIN_ID": f"cloud:crm:contact:{i}"}}
            for i in range(1, 121)
        ]
        ids = await client.call("crm.contact.add", items)
        assert sorted(ids) == list(range(1, 121))
        counts = await _control(base, "/_sim/counts")
        assert counts["crm_contacts"] == 120
        back = await client.get_all("crm.contact.list", {"filter": {"ORIGIN_ID": "cloud:crm:contact:77"}})
        assert [c["NAME"] for c in back] == ["Имя 77"]
    finally:
        await runner.cleanup()


async def test_b24pysdk_lists_match_counts(tls: tuple[str, str]) -> None:
    domain, cafile = tls
    counts = await _control(f"https://{domain}", "/_sim/counts", cafile)

    def read() -> dict[str, int]:
        client = Client(BitrixWebhook(domain=domain, webhook_token="1/simcode"))
        found = {
            "users_list": len(list(client.user.get().as_list().result)),
            "users_fast": len({u["ID"] for u in client.user.get().as_list_fast().result}),
            "deals_list": len(list(client.crm.item.list(2).as_list().result)),
            "deals_fast": len({d["id"] for d in client.crm.item.list(2).as_list_fast().result}),
        }
        types = client.crm.type.list().result
        sp_types = types["types"] if isinstance(types, dict) else types
        found["sp_fast"] = sum(
            len(list(client.crm.item.list(t["entityTypeId"]).as_list_fast().result)) for t in sp_types
        )
        return found

    found = await asyncio.to_thread(read)
    assert found["users_list"] == found["users_fast"] == counts["users"]
    assert found["deals_list"] == found["deals_fast"] == counts["crm_deals"]
    assert found["sp_fast"] == counts["crm_sp_items"]
