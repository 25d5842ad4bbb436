"""Validation reads against two real simulators: counts, field samples and orphan links can all fail."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestServer

from shared.bitrix24.client import Bitrix24Client
from shared.validation import check_references, count_family, sample_family
from simulator.app import create_app
from simulator.settings import SimSettings


async def _serve(settings: SimSettings) -> tuple[TestServer, str]:
    server = TestServer(create_app(settings), host="127.0.0.1")
    await server.start_server()
    return server, f"http://127.0.0.1:{server.port}/rest/1/{settings.webhook_code}/"


@pytest.fixture
async def portals(tmp_path: Path) -> AsyncIterator[tuple[Bitrix24Client, Bitrix24Client]]:
    source_server, source_url = await _serve(SimSettings(profile="tiny", webhook_code="src"))
    async with Bitrix24Client(source_url, limits="off") as source:
        companies = (await source.call("crm.company.list", {"select": ["*"], "start": 0})).result
        # the target holds the first 10 companies as the gateway writes them, one with a changed title,
        # and one contact that links to a company the target does not have
        twins: list[dict[str, Any]] = [
            {**c, "ORIGINATOR_ID": "b24migrate", "ORIGIN_ID": f"cloud:crm:company:{c['ID']}"} for c in companies[:10]
        ]
        twins[3] = {**twins[3], "TITLE": "changed on the way"}
        fixture = tmp_path / "target.json"
        fixture.write_text(json.dumps({"crm_companies": twins, "crm_contacts": [
            {"ID": "1", "NAME": "Orphan", "COMPANY_ID": "999"}, {"ID": "2", "NAME": "Linked", "COMPANY_ID": "1"}]}))
        target_server, target_url = await _serve(SimSettings(mode="target", fixture=fixture, webhook_code="tgt"))
        async with Bitrix24Client(target_url, limits="off") as target:
            yield source, target
        await target_server.close()
    await source_server.close()


async def test_counts_samples_and_orphans_detect_differences(portals: tuple[Bitrix24Client, Bitrix24Client]
                                                              ) -> None:
    source, target = portals
    assert await count_family(source, "crm_companies") == 20
    assert await count_family(target, "crm_companies") == 10
    sampled, mismatches = await sample_family(source, target, "crm_companies", limit=20)
    # 20 sampled: 10 have no twin in the target, one twin has a changed title
    assert (sampled, mismatches) == (20, 11)
    checked, orphans = await check_references(target, ["crm_contacts"])
    assert (checked, orphans) == (2, 1)
