"""Seeded fault injection for `--faults SPEC`.

A spec looks like `503:0.05,500:0.01,timeout:0.01,reset:0.005,badjson:0.005,html:0.005`.

Each REST request draws once from a seeded generator; the cumulative probabilities decide which fault, if any, it gets.
The same seed and the same request sequence give the same faults, so a flaky run can be replayed.
"""

from __future__ import annotations

import random

KINDS = ("503", "500", "timeout", "reset", "badjson", "html")


def parse_spec(spec: str) -> list[tuple[str, float]]:
    """`"503:0.05,reset:0.01"` → `[("503", 0.05), ("reset", 0.01)]`; raises ValueError on anything else."""
    plan: list[tuple[str, float]] = []
    for part in (p.strip() for p in spec.split(",")):
        if not part:
            continue
        kind, _, probability = part.partition(":")
        kind = kind.strip().lower()
        if kind not in KINDS:
            raise ValueError(f"unknown fault {kind!r}; expected one of {', '.join(KINDS)}")
        try:
            value = float(probability)
        except ValueError:
            raise ValueError(f"fault probability is not a number: {part!r}") from None
        if not 0.0 <= value <= 1.0:
            raise ValueError(f"fault probability out of range: {part!r}")
        plan.append((kind, value))
    if sum(p for _, p in plan) > 1.0:
        raise ValueError("fault probabilities add up to more than 1")
    return plan


class Faults:
    """Draws the fault of the next request."""

    def __init__(self, spec: str, seed: int) -> None:
        self.plan = parse_spec(spec)
        self._rng = random.Random(f"faults:{seed}")

    def draw(self) -> str | None:
        if not self.plan:
            return None
        roll = self._rng.random()
        edge = 0.0
        for kind, probability in self.plan:
            edge += probability
            if roll < edge:
                return kind
        return None
