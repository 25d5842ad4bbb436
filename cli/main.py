"""The ``b24migrate`` command: one typer app that mounts the sub-commands of each room.

Each room contributes its own module (``cli/sim.py``, ``cli/gateway.py``, ``cli/host.py``, ...); this module only
wires them together so that ``b24migrate --help`` lists every surface of docs/contracts.md §2.
"""

from __future__ import annotations

import importlib
from types import ModuleType

import typer

app = typer.Typer(help="Migrate a Bitrix24 cloud portal into a self-hosted Bitrix24.", no_args_is_help=True)

# sub-apps mounted as groups: (module, group name)
_GROUPS = (("cli.sim", "sim"), ("cli.gateway", "gateway"), ("cli.host", "host"))
# plain commands: (module, function, command name)
_COMMANDS = (
    ("cli.extract", "extract", "extract"),
    ("cli.demo", "demo", "demo"),
    ("cli.runs", "start", "start"),
    ("cli.runs", "watch", "watch"),
    ("cli.runs", "status", "status"),
    ("cli.runs", "terminate", "terminate"),
    ("cli.runs", "rewind", "rewind"),
    ("cli.runs", "validate", "validate"),
)


def _import(module_name: str) -> ModuleType | None:
    """The room's CLI module, or ``None`` when that room ships none (a broken import still raises)."""
    try:
        return importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name != module_name:
            raise
        return None


def _mount() -> None:
    for module_name, group in _GROUPS:
        if (module := _import(module_name)) is not None:
            app.add_typer(module.app, name=group)
    for module_name, func_name, command in _COMMANDS:
        if (module := _import(module_name)) is not None:
            app.command(command)(getattr(module, func_name))


@app.command()
def version() -> None:
    """Print the installed version."""
    from importlib.metadata import version as dist_version

    typer.echo(dist_version("b24migrate"))


_mount()


def main() -> None:
    """Console-script entry point."""
    app()
