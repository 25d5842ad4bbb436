"""Activity functions: thin adapters that validate a contract, call one shared service and return a contract."""
