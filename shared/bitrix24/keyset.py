"""Keyset export in chained batches: up to 50 ``start=-1`` pages (2,500 records) per HTTP request.

Command ``req_0`` asks for the records after ``after_id``; command ``req_k`` filters ``>ID`` on
``$result[req_{k-1}][49][ID]``, the id of the last row of the previous page, so the portal walks the whole
chain server-side without counting rows (bitrix24-api.md §5.2, §9). The batch runs with ``halt`` so a
failing command stops the chain instead of feeding a broken reference to the next one; the pages before
it are kept and the next chunk resumes after their last id. A short page ends the family (``done``);
commands after it are ignored because their reference points past the end of the data.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from shared.bitrix24.client import MAX_BATCH, Bitrix24Client
from shared.bitrix24.errors import OperationTimeLimit
from shared.errors import InvalidResponse, Transient
from shared.families.spec import FamilySpec


@dataclass(frozen=True, slots=True)
class KeysetChunk:
    """The records of one chained batch.

    Attributes:
        records: records in ascending id order, each exactly once, as the portal returned them.
        last_id: the id of the last record (the ``after_id`` given when the chunk is empty): the checkpoint.
        done: a page came back short, so nothing is left after ``last_id`` (within ``extra_filter``).
        http_requests: HTTP requests the chunk took, retries included.
    """

    records: list[dict[str, Any]]
    last_id: int
    done: bool
    http_requests: int


def chain_commands(
    spec: FamilySpec, after_id: int, pages: int, extra_filter: Mapping[str, Any] | None = None
) -> dict[str, tuple[str, Mapping[str, Any]]]:
    """The ``batch`` commands of one chain of ``pages`` keyset pages after ``after_id``."""
    commands: dict[str, tuple[str, Mapping[str, Any]]] = {}
    for k in range(pages):
        after: int | str = after_id if k == 0 else spec.reference(f"req_{k - 1}")
        commands[f"req_{k}"] = (spec.list_method, spec.keyset_params(after, extra_filter))
    return commands


async def fetch_keyset_chunk(
    client: Bitrix24Client,
    spec: FamilySpec,
    after_id: int,
    *,
    max_pages: int = 50,
    extra_filter: Mapping[str, Any] | None = None,
) -> KeysetChunk:
    """Read up to ``max_pages`` pages after ``after_id`` in ONE ``batch`` request.

    A transient failure of a command inside the batch (a 503 or 429 for that command) keeps the pages
    before it; if the very first page fails, the chunk is retried (after the method's block, for a 429)
    within the client's retry budget.

    Args:
        client: the read-only client of the source portal.
        spec: the family (its method, id field, sort/filter spelling, wrapping).
        after_id: the checkpoint: read records with ids strictly greater than this.
        max_pages: pages chained in the batch (1..50).
        extra_filter: extra filter conditions, e.g. ``{"<=ID": upper}`` for an id range or a delta filter.

    Returns:
        The chunk; call again with ``last_id`` until ``done``.

    Raises:
        Bitrix24APIError: a permanent error of the method (scope, access, bad argument).
        TransportError: the batch request itself failed beyond the retry budget.
    """
    pages = max(1, min(max_pages, MAX_BATCH))
    http_requests = 0
    failures = 0
    while True:
        response = await client.batch(chain_commands(spec, after_id, pages, extra_filter), halt=True)
        http_requests += response.http_requests
        records: list[dict[str, Any]] = []
        last_id = after_id
        done = False
        failed: Exception | None = None
        for k in range(pages):
            key = f"req_{k}"
            if key in response.errors:
                failed = response.errors[key]
                break
            if key not in response.results:
                break
            page = spec.records_of(response.results[key])
            for record in page:
                record_id = spec.record_id(record)
                # the chain is strictly increasing; anything else is a portal quirk we must not duplicate
                if record_id > last_id:
                    records.append(record)
                    last_id = record_id
            if len(page) < spec.page_size:
                done = True
                break
        if failed is not None and not isinstance(failed, Transient):
            raise failed
        if records or done:
            return KeysetChunk(records=records, last_id=last_id, done=done, http_requests=http_requests)
        if failed is None:
            failed = InvalidResponse(
                f"{spec.list_method} on {client.portal}: the first page of the chain came back with neither "
                "a result nor an error", portal=client.portal, method=spec.list_method,
            )
        # the first page itself failed transiently: nothing gained, so retry the chunk
        failures += 1
        if failures >= client.max_tries:
            raise failed
        if isinstance(failed, OperationTimeLimit):
            await client.wait_out_block(spec.list_method, failed)
        else:
            await client.clock.sleep(min(30.0, 0.5 * 2 ** (failures - 1)))
