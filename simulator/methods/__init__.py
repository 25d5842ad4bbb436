"""Bitrix24 method handlers, one module per REST scope; importing this package registers all of them."""

from __future__ import annotations

from simulator.methods import batch, bizproc, crm, disk, im, log, sonet, system, tasks, users

__all__ = ["batch", "bizproc", "crm", "disk", "im", "log", "sonet", "system", "tasks", "users"]
