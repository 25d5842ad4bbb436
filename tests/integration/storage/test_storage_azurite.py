"""The storage ports against a real Azurite: blobs round-trip, id map upserts, dead letters queue up."""

from __future__ import annotations

import uuid

import pytest

from shared.storage.connection import parse_connection
from shared.storage.services import StorageServices

pytestmark = pytest.mark.azurite


def _services(conn: str) -> StorageServices:
    suffix = uuid.uuid4().hex[:8]
    return StorageServices(parse_connection(conn), container=f"raw{suffix}", table=f"ids{suffix}",
                           queue=f"dead{suffix}")


async def test_blob_round_trip_and_overwrite(azurite: str) -> None:
    store = _services(azurite)
    try:
        await store.put_json("raw/run-1/users/000000.json", [{"ID": "1", "NAME": "Иван"}])
        await store.put_json("raw/run-1/users/000000.json", [{"ID": "2"}])
        assert await store.get_json("raw/run-1/users/000000.json") == [{"ID": "2"}]
        with pytest.raises(FileNotFoundError):
            await store.get_json("raw/run-1/users/missing.json")
    finally:
        await store.close()


async def test_id_map_upserts_are_idempotent(azurite: str) -> None:
    store = _services(azurite)
    try:
        ids = {f"cloud:user:{i}": 1000 + i for i in range(150)}
        await store.record_ids("users", ids, "run-1")
        await store.record_ids("users", {**ids, "cloud:user:3": 9999}, "run-2")
        assert await store.count_ids("users") == 150
        assert await store.target_id("users", "cloud:user:3") == "9999"
        assert await store.target_id("users", "cloud:user:7") == "1007"
        assert await store.target_id("users", "cloud:user:999") is None
    finally:
        await store.close()


async def test_dead_letters_carry_reason(azurite: str) -> None:
    store = _services(azurite)
    try:
        sent = await store.dead_letter("run-1", "users", [
            {"sourceId": "cloud:user:5", "code": "transform_failed", "reason": "user has no e-mail"},
        ])
        assert sent == 1
        [letter] = await store.peek_dead_letters()
        assert letter == {"run_id": "run-1", "family": "users", "sourceId": "cloud:user:5",
                          "code": "transform_failed", "reason": "user has no e-mail"}
    finally:
        await store.close()


def test_connection_string_never_shows_key() -> None:
    endpoints = parse_connection("DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=c2VjcmV0;")
    assert endpoints.blob == "https://acct.blob.core.windows.net"
    assert "c2VjcmV0" not in repr(endpoints)
