"""Turn the ``AzureWebJobsStorage`` setting into endpoints and credentials for the three storage SDKs.

Accepts a full connection string, ``UseDevelopmentStorage=true`` (Azurite on its default ports), or, on Azure,
an account name for identity-based access. The account key never leaves this module's return value.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

AZURITE_ACCOUNT = "devstoreaccount1"
# the well-known public development key of the storage emulator (documented by Microsoft; not a secret)
AZURITE_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="


def azurite_connection_string(blob_port: int, queue_port: int, table_port: int, host: str = "127.0.0.1") -> str:
    """The explicit connection string of an Azurite instance on the given ports."""
    return (
        f"DefaultEndpointsProtocol=http;AccountName={AZURITE_ACCOUNT};AccountKey={AZURITE_KEY};"
        f"BlobEndpoint=http://{host}:{blob_port}/{AZURITE_ACCOUNT};"
        f"QueueEndpoint=http://{host}:{queue_port}/{AZURITE_ACCOUNT};"
        f"TableEndpoint=http://{host}:{table_port}/{AZURITE_ACCOUNT};"
    )


@dataclass(frozen=True)
class StorageEndpoints:
    """Where the blob, queue and table services are, and how to authenticate."""

    blob: str
    queue: str
    table: str
    account_name: str
    account_key: str | None = field(default=None, repr=False)

    def credential(self) -> Any:
        """A credential object accepted by all three SDKs."""
        if self.account_key is not None:
            from azure.core.credentials import AzureNamedKeyCredential

            return AzureNamedKeyCredential(self.account_name, self.account_key)
        from azure.identity.aio import DefaultAzureCredential

        return DefaultAzureCredential()


def parse_connection(connection: str | None, account_name: str | None = None) -> StorageEndpoints:
    """Resolve the storage setting.

    Raises:
        ValueError: when the connection string lacks an account or endpoints cannot be derived.
    """
    if account_name:
        return StorageEndpoints(
            blob=f"https://{account_name}.blob.core.windows.net",
            queue=f"https://{account_name}.queue.core.windows.net",
            table=f"https://{account_name}.table.core.windows.net",
            account_name=account_name,
        )
    raw = (connection or "").strip()
    if raw.lower().replace(" ", "") in ("usedevelopmentstorage=true", "usedevelopmentstorage=true;"):
        raw = azurite_connection_string(10000, 10001, 10002)
    parts = dict(p.split("=", 1) for p in raw.split(";") if "=" in p)
    name = parts.get("AccountName")
    if not name:
        raise ValueError("storage connection string has no AccountName")
    protocol = parts.get("DefaultEndpointsProtocol", "https")
    suffix = parts.get("EndpointSuffix", "core.windows.net")

    def endpoint(kind: str) -> str:
        return parts.get(f"{kind.capitalize()}Endpoint") or f"{protocol}://{name}.{kind}.{suffix}"

    return StorageEndpoints(
        blob=endpoint("blob").rstrip("/"),
        queue=endpoint("queue").rstrip("/"),
        table=endpoint("table").rstrip("/"),
        account_name=name,
        account_key=parts.get("AccountKey"),
    )
