"""The read-only Bitrix24 REST transport: client, limiter, batch encoding, keyset reader and typed errors.

Import the pieces from their modules (``shared.bitrix24.client``, ``shared.bitrix24.keyset``, …); this
package re-exports the names other rooms use most.
"""

from __future__ import annotations

from shared.bitrix24.client import Bitrix24Client
from shared.bitrix24.errors import Bitrix24APIError, WriteRefused
from shared.bitrix24.keyset import KeysetChunk, fetch_keyset_chunk
from shared.bitrix24.responses import B24Response, BatchResponse, ClientStats

__all__ = [
    "B24Response",
    "BatchResponse",
    "Bitrix24APIError",
    "Bitrix24Client",
    "ClientStats",
    "KeysetChunk",
    "WriteRefused",
    "fetch_keyset_chunk",
]
