"""The azd and Functions packaging files: azure.yaml, .funcignore, requirements.txt."""

from __future__ import annotations

import fnmatch
import re
from importlib import metadata

import pytest
from bicep_requirements import parse_pins, project_requirements, runtime_closure
from bicep_tree import ROOT
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

DEV_TOOLS = {"pytest", "pytest-asyncio", "aioresponses", "ruff", "mypy", "pycep-parser", "pluggy", "iniconfig"}
PACKAGED = [
    "function_app.py", "host.json", "requirements.txt", "starters", "orchestrators", "activities", "entities", "shared"
]
EXCLUDED = ["tests", "simulator", "gateway", "durable_local", "cli", "bicep", "bench", "docs", ".venv", "node_modules"]


def top_level_yaml(text: str) -> dict[str, str]:
    """``key: value`` pairs of a deliberately flat YAML block, by dotted path (no PyYAML in the venv)."""
    values: dict[str, str] = {}
    stack: list[tuple[int, str]] = []
    for raw in text.splitlines():
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        indent = len(raw) - len(raw.lstrip(" "))
        key, _, value = raw.strip().partition(":")
        while stack and stack[-1][0] >= indent:
            stack.pop()
        path = ".".join([k for _, k in stack] + [key])
        if value.strip():
            values[path] = value.strip()
        else:
            stack.append((indent, key))
    return values


def funcignore_patterns() -> list[str]:
    """Non-comment lines of .funcignore."""
    lines = (ROOT / ".funcignore").read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def ignored(path: str, patterns: list[str]) -> bool:
    """Whether a top-level path is matched by a gitignore-style pattern list (top-level names only)."""
    return any(fnmatch.fnmatch(path, p.strip("/")) for p in patterns)


def test_azure_yaml_points_azd_at_bicep() -> None:
    values = top_level_yaml((ROOT / "azure.yaml").read_text(encoding="utf-8"))
    assert values["infra.provider"] == "bicep"
    assert values["infra.path"] == "bicep"
    assert values["infra.module"] == "main"
    services = {k.split(".")[1] for k in values if k.startswith("services.")}
    assert len(services) == 1
    service = services.pop()
    assert values[f"services.{service}.host"] == "function"
    assert values[f"services.{service}.language"] == "python"
    project = values[f"services.{service}.project"]
    assert (ROOT / project / "function_app.py").is_file()
    assert (ROOT / "bicep" / f"{values['infra.module']}.bicep").is_file()


@pytest.mark.parametrize("path", EXCLUDED)
def test_funcignore_keeps_tooling_out_of_the_package(path: str) -> None:
    assert ignored(path, funcignore_patterns()), f".funcignore does not exclude {path}"


@pytest.mark.parametrize("path", PACKAGED)
def test_funcignore_keeps_the_app_in_the_package(path: str) -> None:
    assert not ignored(path, funcignore_patterns()), f".funcignore would drop {path} from the package"
    assert (ROOT / path).exists()


def test_no_packaged_file_is_ignored_at_any_depth() -> None:
    # unanchored patterns match a name at any depth (gitignore rules); anchored ones only at the top
    unanchored = [p for p in funcignore_patterns() if not p.startswith("/")]
    for folder in PACKAGED:
        for path in (ROOT / folder).rglob("*") if (ROOT / folder).is_dir() else [ROOT / folder]:
            rel = path.relative_to(ROOT)
            if "__pycache__" in rel.parts or ".ruff_cache" in rel.parts or ".mypy_cache" in rel.parts:
                continue
            hits = [p for p in unanchored for part in rel.parts if fnmatch.fnmatch(part, p.rstrip("/"))]
            assert not hits, f".funcignore pattern {hits[0]!r} would drop {rel} from the package"


def test_funcignore_drops_local_secrets() -> None:
    patterns = funcignore_patterns()
    assert ignored("local.settings.json", patterns)
    assert ignored("demo.sqlite", patterns)


def test_requirements_cover_the_runtime_closure() -> None:
    committed = parse_pins((ROOT / "requirements.txt").read_text(encoding="utf-8"))
    closure = runtime_closure(project_requirements())
    missing = set(closure) - set(committed)
    assert not missing, f"requirements.txt lacks {sorted(missing)}: regenerate with bicep_requirements.py"
    for root in project_requirements():
        # the direct dependencies are pinned exactly as pyproject.toml pins them
        assert committed[canonicalize_name(root.name)] in root.specifier, f"{root.name} differs from pyproject"


def test_requirements_pins_are_mutually_consistent() -> None:
    # every dependency edge of a pinned package accepts the pinned version of its target, so pip on the Functions
    # build resolves exactly this set (checked for packages whose metadata is the installed version)
    committed = parse_pins((ROOT / "requirements.txt").read_text(encoding="utf-8"))
    for name, version in committed.items():
        dist = metadata.distribution(name)
        if dist.version != version:
            continue
        for raw in dist.requires or []:
            child = Requirement(raw)
            if child.marker is not None and not child.marker.evaluate({"extra": ""}):
                continue
            target = canonicalize_name(child.name)
            assert target in committed, f"{name} needs {child.name}, which is not pinned"
            assert child.specifier.contains(committed[target], prereleases=True), f"{name} needs {child}"


def test_requirements_hold_no_dev_tools_or_editable_lines() -> None:
    text = (ROOT / "requirements.txt").read_text(encoding="utf-8")
    assert not re.search(r"^\s*-e\s", text, re.MULTILINE)
    assert "b24migrate" not in parse_pins(text)
    assert not DEV_TOOLS & set(parse_pins(text))
    for root in project_requirements():
        assert root.name.lower().replace("_", "-") in parse_pins(text)


def test_pin_parser_rejects_loose_lines() -> None:
    with pytest.raises(ValueError):
        parse_pins("aiohttp>=3\n")
