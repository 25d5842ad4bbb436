"""What .funcignore ships must run on Azure: the packaged code imports nothing that stays behind or is not pinned.

The package is function_app.py plus starters/, orchestrators/, activities/, entities/ and shared/ (.funcignore
drops everything else). Every import in those files, lazy ones included, must be the standard library, one of
those packaged folders, or a distribution pinned in requirements.txt, which is what the remote build installs.
"""

from __future__ import annotations

import ast
import sys
from importlib import metadata
from pathlib import Path

from bicep_requirements import parse_pins
from bicep_tree import ROOT
from packaging.utils import canonicalize_name

PACKAGED = ("starters", "orchestrators", "activities", "entities", "shared")
LEFT_BEHIND = ("gateway", "simulator", "durable_local", "cli", "tests", "bench")


def packaged_files() -> list[Path]:
    """Every Python file that the deployment package contains."""
    files = [ROOT / "function_app.py"]
    for folder in PACKAGED:
        files += sorted((ROOT / folder).rglob("*.py"))
    return files


def top_level_imports(path: Path) -> set[str]:
    """Top-level module names a file imports anywhere (module level or inside functions), absolute imports only."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_packaged_code_imports_nothing_that_is_left_behind() -> None:
    for path in packaged_files():
        bad = top_level_imports(path) & set(LEFT_BEHIND)
        assert not bad, f"{path.relative_to(ROOT)} imports {sorted(bad)}, which .funcignore keeps out of the package"


def test_packaged_third_party_imports_are_pinned() -> None:
    pins = parse_pins((ROOT / "requirements.txt").read_text(encoding="utf-8"))
    providers = metadata.packages_distributions()
    local = {"function_app", *PACKAGED}
    for path in packaged_files():
        for name in sorted(top_level_imports(path) - local - set(sys.stdlib_module_names) - {"__future__"}):
            dists = {canonicalize_name(d) for d in providers.get(name, [])}
            assert dists, f"{path.relative_to(ROOT)} imports {name}, which no installed distribution provides"
            assert dists & set(pins), f"{path.relative_to(ROOT)} imports {name} ({sorted(dists)}), not pinned"


def test_the_scan_sees_lazy_imports(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("def f() -> None:\n    from gateway.app import create_app\n    import yaml.loader\n")
    assert top_level_imports(sample) == {"gateway", "yaml"}
