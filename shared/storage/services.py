"""The three stores behind one object: raw/canonical pages (Blob), the id map (Table), dead letters (Queue).

One ``StorageServices`` lives per event loop in a worker; its SDK clients are async and share the loop's
connection pools. Names are deterministic (``raw/<run>/<family>/<step>.json``), and every write is an
overwrite or an upsert, so an activity delivered twice leaves the same state behind.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterable, Mapping
from typing import Any

from azure.core.exceptions import ResourceExistsError, ResourceNotFoundError
from azure.data.tables import UpdateMode
from azure.data.tables.aio import TableServiceClient
from azure.storage.blob.aio import BlobServiceClient
from azure.storage.queue.aio import QueueServiceClient

from shared.storage.connection import StorageEndpoints

# a queue message is at most 64 KB; dead letters are sent one record per message, trimmed to this
_MAX_DEADLETTER_CHARS = 16_000


class StorageServices:
    """Async access to the migration's blob container, id-map table and dead-letter queue."""

    def __init__(self, endpoints: StorageEndpoints, *, container: str, table: str, queue: str) -> None:
        credential = endpoints.credential()
        self._blob = BlobServiceClient(endpoints.blob, credential=credential)
        self._tables = TableServiceClient(endpoint=endpoints.table, credential=credential)
        self._queues = QueueServiceClient(endpoints.queue, credential=credential)
        self._container_name, self._table_name, self._queue_name = container, table, queue
        self._ready = False

    def __repr__(self) -> str:
        return f"StorageServices(container={self._container_name!r}, table={self._table_name!r})"

    async def ensure(self) -> None:
        """Create the container, table and queue if they do not exist (idempotent)."""
        if self._ready:
            return
        with contextlib.suppress(ResourceExistsError):
            await self._blob.create_container(self._container_name)
        await self._tables.create_table_if_not_exists(self._table_name)
        with contextlib.suppress(ResourceExistsError):
            await self._queues.create_queue(self._queue_name)
        self._ready = True

    async def close(self) -> None:
        """Close the SDK clients' connection pools."""
        await self._blob.close()
        await self._tables.close()
        await self._queues.close()

    # pages
    async def put_json(self, name: str, value: Any) -> None:
        """Write (or overwrite) one JSON blob."""
        await self.ensure()
        data = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        blob = self._blob.get_blob_client(self._container_name, name)
        await blob.upload_blob(data, overwrite=True)

    async def put_text(self, name: str, text: str, content_type: str = "text/html; charset=utf-8") -> None:
        """Write (or overwrite) one text blob, e.g. the HTML report."""
        await self.ensure()
        from azure.storage.blob import ContentSettings

        blob = self._blob.get_blob_client(self._container_name, name)
        await blob.upload_blob(text.encode("utf-8"), overwrite=True,
                               content_settings=ContentSettings(content_type=content_type))

    async def get_json(self, name: str) -> Any:
        """Read one JSON blob.

        Raises:
            FileNotFoundError: when the blob does not exist.
        """
        await self.ensure()
        blob = self._blob.get_blob_client(self._container_name, name)
        try:
            stream = await blob.download_blob()
        except ResourceNotFoundError as exc:
            raise FileNotFoundError(f"blob {name!r} not found in {self._container_name!r}") from exc
        return json.loads(await stream.readall())

    # id map
    async def record_ids(self, family: str, ids: Mapping[str, int | str], run_id: str) -> None:
        """Upsert source id → target id pairs for one family."""
        if not ids:
            return
        await self.ensure()
        table = self._tables.get_table_client(self._table_name)
        operations: list[Any] = [
            (
                "upsert",
                {
                    "PartitionKey": family,
                    "RowKey": _row_key(source),
                    "SourceId": source,
                    "TargetId": str(target),
                    "RunId": run_id,
                },
                {"mode": UpdateMode.REPLACE},
            )
            for source, target in ids.items()
        ]
        # an entity-group transaction holds at most 100 operations of one partition
        for start in range(0, len(operations), 100):
            await table.submit_transaction(operations[start : start + 100])

    async def target_id(self, family: str, source: str) -> str | None:
        """The target id recorded for a source id, or ``None``."""
        await self.ensure()
        table = self._tables.get_table_client(self._table_name)
        try:
            entity = await table.get_entity(family, _row_key(source))
        except ResourceNotFoundError:
            return None
        return str(entity["TargetId"])

    async def count_ids(self, family: str) -> int:
        """How many id pairs the map holds for a family."""
        await self.ensure()
        table = self._tables.get_table_client(self._table_name)
        query = table.query_entities(f"PartitionKey eq '{family}'", select=["RowKey"])
        return sum([1 async for _ in query])

    # watermarks
    async def get_watermark(self, name: str) -> str | None:
        """The ISO time a successful run of ``name`` started at, or ``None`` before the first one."""
        await self.ensure()
        table = self._tables.get_table_client(self._table_name)
        try:
            entity = await table.get_entity("_watermark", name)
        except ResourceNotFoundError:
            return None
        return str(entity["Since"])

    async def set_watermark(self, name: str, since: str) -> None:
        """Record that everything changed before ``since`` has been migrated."""
        await self.ensure()
        table = self._tables.get_table_client(self._table_name)
        await table.upsert_entity({"PartitionKey": "_watermark", "RowKey": name, "Since": since},
                                  mode=UpdateMode.REPLACE)

    # dead letters
    async def dead_letter(self, run_id: str, family: str, items: Iterable[Mapping[str, Any]]) -> int:
        """Send permanent failures to the dead-letter queue; returns how many were sent."""
        await self.ensure()
        queue = self._queues.get_queue_client(self._queue_name)
        sent = 0
        for item in items:
            body = json.dumps({"run_id": run_id, "family": family, **item}, ensure_ascii=False)
            await queue.send_message(body[:_MAX_DEADLETTER_CHARS])
            sent += 1
        return sent

    async def peek_dead_letters(self, limit: int = 32) -> list[dict[str, Any]]:
        """Up to ``limit`` dead letters, without removing them (the report and tests read them)."""
        await self.ensure()
        queue = self._queues.get_queue_client(self._queue_name)
        messages = await queue.peek_messages(max_messages=min(limit, 32))
        return [json.loads(m.content) for m in messages]


def _row_key(source_id: str) -> str:
    # table keys forbid / \ # ? and control characters; source ids only ever contain ':' and word characters
    return source_id.replace("/", "_").replace("#", "_").replace("?", "_").replace("\\", "_")
