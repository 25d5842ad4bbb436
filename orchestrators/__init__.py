"""Replay-safe orchestrator generators: no I/O, no clocks, no randomness, no environment reads."""
