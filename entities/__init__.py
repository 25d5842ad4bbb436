"""Durable entities: small coordination state with pure reducers; no I/O, clocks or randomness."""
