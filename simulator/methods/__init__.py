"""Bitrix24 method handlers, one module per REST scope; importing this package registers all of them."""

from __future__ import annotations

from simulator.methods import batch, system, users

__all__ = ["batch", "system", "users"]
