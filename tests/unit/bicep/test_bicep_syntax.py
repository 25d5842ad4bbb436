"""Every Bicep file parses, and the parser is strict enough that a broken template would fail this suite."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from bicep_tree import BICEP_DIR
from pycep import BicepParser


def test_every_bicep_file_parses(parsed: dict[str, dict[str, Any]], bicep_files: list[Path]) -> None:
    assert set(parsed) == {f.relative_to(BICEP_DIR).as_posix() for f in bicep_files}
    for name, tree in parsed.items():
        assert tree.get("parameters"), f"{name} declares no parameters"
        assert tree.get("outputs"), f"{name} declares no outputs"


def test_expected_modules_exist(parsed: dict[str, dict[str, Any]]) -> None:
    expected = {"storage", "functionapp", "keyvault", "monitoring", "rbac", "identity", "network", "alerts"}
    assert {Path(name).stem for name in parsed if name.startswith("modules/")} >= expected


@pytest.mark.parametrize(
    "broken",
    [
        pytest.param(lambda s: s[: len(s) // 2], id="truncated"),
        pytest.param(lambda s: s.replace("param ", "parm ", 1), id="misspelled-keyword"),
        pytest.param(lambda s: s.replace("}", "", 1), id="unbalanced-brace"),
    ],
)
def test_parser_rejects_broken_templates(bicep_parser: BicepParser, broken: Any) -> None:
    text = (BICEP_DIR / "modules" / "storage.bicep").read_text(encoding="utf-8")
    with pytest.raises(Exception):  # noqa: B017 - lark raises several unrelated exception types
        bicep_parser.parse(text=broken(text))


def test_parser_saw_every_declared_resource(parsed: dict[str, dict[str, Any]]) -> None:
    # guards the pycep gap below: a resource the parser silently drops would escape every other check
    for name, tree in parsed.items():
        text = (BICEP_DIR / name).read_text(encoding="utf-8")
        declared = re.findall(r"^\s*resource\s+(\w+)\s+'", text, re.MULTILINE)
        assert len(declared) == len(tree.get("resources", {})), f"{name}: parser kept {sorted(tree['resources'])}"
        modules = re.findall(r"^module\s+(\w+)\s+'", text, re.MULTILINE)
        assert set(modules) == set(tree.get("modules", {}))


def test_known_pycep_gap_nested_sibling_children(bicep_parser: BicepParser) -> None:
    """pycep-parser 0.7.1 keeps only the last of several nested child resources (bicep/README.md).

    The templates therefore declare children top-level with ``parent:``. When this test fails, pycep has fixed
    the gap and nested children are safe to use again.
    """
    text = (
        "resource a 'X.Y/z@2020-01-01' = {\n  name: 'a'\n"
        "  resource b 'c' = {\n    name: 'b'\n  }\n"
        "  resource d 'e' = {\n    name: 'd'\n  }\n}\n"
    )
    assert sorted(bicep_parser.parse(text=text)["resources"]) == ["a", "a__d"]
