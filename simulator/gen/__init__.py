"""Deterministic generation of a whole portal for a profile and a seed (`tiny`, `small`, `medium`, `large`)."""

from __future__ import annotations
