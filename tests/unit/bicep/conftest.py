"""Fixtures for the offline infrastructure checks: the repository paths and every Bicep file parsed once.

There is no Bicep compiler offline (docs/durable-local-host.md §7), so these tests parse the templates with
pycep-parser and check, from the parsed tree, what the compiler and a reviewer would: wiring between main.bicep and
its modules, descriptions, settings, security properties and roles.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
from pycep import BicepParser

# importlib import mode puts no test folder on sys.path; the helper modules here have room-unique names
sys.path.insert(0, str(Path(__file__).parent))

from bicep_tree import BICEP_DIR


@pytest.fixture(scope="session")
def bicep_parser() -> BicepParser:
    """One Lark-backed parser for the session (building the grammar is the slow part)."""
    return BicepParser()


@pytest.fixture(scope="session")
def bicep_files() -> list[Path]:
    """Every .bicep file under bicep/."""
    files = sorted(BICEP_DIR.rglob("*.bicep"))
    assert files, "no .bicep files found under bicep/"
    return files


@pytest.fixture(scope="session")
def parsed(bicep_parser: BicepParser, bicep_files: list[Path]) -> dict[str, dict[str, Any]]:
    """Parsed tree per file, keyed by the path relative to bicep/ (``main.bicep``, ``modules/storage.bicep``)."""
    # pycep types its result as a TypedDict; the tests read it as the plain nested dict it is at run time
    return {f.relative_to(BICEP_DIR).as_posix(): dict(bicep_parser.parse(file_path=f)) for f in bicep_files}


@pytest.fixture(scope="session")
def main_tree(parsed: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The parsed subscription-scope main.bicep."""
    return parsed["main.bicep"]
