"""Small helpers that read values out of pycep-parser trees (plain dicts and lists).

pycep renders a Bicep identifier and a string literal both as a Python ``str``; the helpers therefore resolve an
identifier through the file's variables and parameter defaults where a test needs the literal behind it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[3]
BICEP_DIR = ROOT / "bicep"


def walk(node: Any) -> Iterator[Any]:
    """Every dict, list and scalar in a parsed tree, depth first."""
    yield node
    if isinstance(node, dict):
        for value in node.values():
            yield from walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from walk(value)


def decorators(node: dict[str, Any]) -> dict[str, Any]:
    """Decorator type -> argument of a parameter or output (``description``, ``allowed``, ``secure`` …)."""
    return {d["type"]: d.get("argument") for d in node.get("decorators", [])}


def module_output_refs(tree: dict[str, Any], module: str) -> set[str]:
    """Names of outputs read as ``<module>.outputs.<name>`` anywhere in a file."""
    names: set[str] = set()
    for node in walk(tree):
        if not isinstance(node, dict) or node.get("operator", {}).get("type") != "property_accessor":
            continue
        operands = node["operator"]["operands"]
        if operands.get("operand_1") != module:
            continue
        inner = operands.get("operand_2")
        if isinstance(inner, dict) and inner.get("operator", {}).get("type") == "property_accessor":
            inner_ops = inner["operator"]["operands"]
            if inner_ops.get("operand_1") == "outputs" and isinstance(inner_ops.get("operand_2"), str):
                names.add(inner_ops["operand_2"])
    return names


def object_keys(value: Any) -> set[str]:
    """Keys of an object literal, including both branches of a ``cond ? {…} : {…}`` expression."""
    if isinstance(value, dict) and "operator" in value and value["operator"].get("type") == "conditional":
        operands = value["operator"]["operands"]
        return object_keys(operands.get("true_value")) | object_keys(operands.get("false_value"))
    if isinstance(value, dict):
        return {k for k in value if k not in ("operator", "function")}
    return set()


def key_name(key: str) -> str:
    """An object key as Bicep means it: pycep keeps the quotes of a quoted key (``'a.b'``)."""
    return key[1:-1] if len(key) >= 2 and key[0] == key[-1] == "'" else key


def literal(tree: dict[str, Any], value: Any) -> Any:
    """The literal behind an identifier: a variable's value or a parameter's default, else the value itself."""
    if isinstance(value, str):
        if value in tree.get("variables", {}):
            return tree["variables"][value]["value"]
        if value in tree.get("parameters", {}):
            return tree["parameters"][value].get("default")
    return value


def body(node: dict[str, Any]) -> dict[str, Any]:
    """The configuration of a resource or module, unwrapping ``= if (cond) {…}`` deployments."""
    config: dict[str, Any] = node["config"]
    if "condition" in config and isinstance(config.get("config"), dict):
        inner: dict[str, Any] = config["config"]
        return inner
    return config
