"""``python -m cli`` runs the b24migrate command (used for child processes)."""

from cli.main import main

main()
