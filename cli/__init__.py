"""The b24migrate command line."""
