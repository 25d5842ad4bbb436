"""The source reader stays framework-free: importing it never loads Azure Functions or Durable Functions."""

from __future__ import annotations

import subprocess
import sys

MODULES = [
    "shared.errors", "shared.clock", "shared.redaction", "shared.bitrix24", "shared.bitrix24.client",
    "shared.bitrix24.keyset", "shared.bitrix24.ranges", "shared.bitrix24.batching", "shared.bitrix24.children",
    "shared.bitrix24.feed", "shared.bitrix24.export", "shared.bitrix24.steps", "shared.families",
]


def test_no_azure_functions_imports() -> None:
    code = (
        "import importlib, sys\n"
        f"for name in {MODULES!r}:\n"
        "    importlib.import_module(name)\n"
        "print(sorted(m for m in sys.modules if m.startswith(('azure.functions', 'azure.durable_functions'))))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
