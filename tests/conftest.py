"""Session-wide fixtures: one Azurite for the whole test run, started and stopped by the suite itself."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from cli.processes import start_azurite
from shared.storage.connection import azurite_connection_string


@pytest.fixture(scope="session")
def azurite(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A running Azurite (blob, queue, table) on free ports; yields its connection string."""
    base: Path = tmp_path_factory.mktemp("azurite")
    child, ports = start_azurite(base / "logs", base / "data")
    try:
        yield azurite_connection_string(*ports)
    finally:
        child.stop()
