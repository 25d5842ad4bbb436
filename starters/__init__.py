"""Client functions: the HTTP starter per phase, the progress endpoint and the delta timer."""
