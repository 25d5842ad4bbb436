"""The simulator never imports the Bitrix24 client it is the ground truth for (checked on the source, not by trust)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_no_module_of_the_simulator_imports_shared_bitrix24() -> None:
    offenders = []
    for path in sorted((ROOT / "simulator").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
            if any(name == "shared.bitrix24" or name.startswith("shared.bitrix24.") for name in names):
                offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []
    assert len(list((ROOT / "simulator").rglob("*.py"))) > 20
