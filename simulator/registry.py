"""The method table: every Bitrix24 method the simulator serves, with its scope, permissions and handler.

Method modules register handlers with `@method(...)`; the portal looks names up lower-cased, as the real server does.
A handler is a plain function `(Call) -> Reply` so that a `batch` of fifty commands costs fifty function calls and no
extra event-loop round trips.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from simulator.portal import Portal


@dataclass
class Call:
    """One method invocation: the portal it runs on, the decoded parameters and who calls."""

    portal: Portal
    method: str
    params: dict[str, Any]
    user_id: int
    in_batch: bool = False

    def get(self, name: str, default: Any = None) -> Any:
        """A parameter by name in any case (legacy methods upper-case their keys)."""
        if name in self.params:
            return self.params[name]
        lowered = name.lower()
        for key, value in self.params.items():
            if key.lower() == lowered:
                return value
        return default


@dataclass
class Reply:
    """What a handler answers: the `result`, optional paging keys and the simulated server time it cost."""

    result: Any
    next: int | None = None
    total: int | None = None
    cost_s: float = 0.002


Handler = Callable[[Call], Reply]


@dataclass(frozen=True)
class Method:
    """A registered method."""

    name: str
    handler: Handler
    scopes: tuple[str, ...] = ()
    write: bool = False
    admin: bool = False
    batchable: bool = True
    family: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


METHODS: dict[str, Method] = {}


def method(
    name: str,
    scopes: tuple[str, ...] = (),
    write: bool = False,
    admin: bool = False,
    batchable: bool = True,
    family: str | None = None,
) -> Callable[[Handler], Handler]:
    """Register `handler` under `name` (and its lower-case spelling)."""

    def register(handler: Handler) -> Handler:
        METHODS[name.lower()] = Method(name, handler, scopes, write, admin, batchable, family)
        return handler

    return register


def lookup(name: str) -> Method | None:
    return METHODS.get(name.lower())
