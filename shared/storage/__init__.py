"""Storage ports of the migration: raw and canonical pages in Blob, the id map in Table, dead letters in Queue.

Production runs against Azure Storage (connection string or managed identity); local runs and tests against
Azurite, the official emulator, through the same SDK calls. ``StorageServices`` bundles the three stores and
creates the containers, table and queue on first use.
"""

from shared.storage.services import StorageServices

__all__ = ["StorageServices"]
