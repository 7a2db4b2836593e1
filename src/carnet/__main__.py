"""``python -m carnet`` runs the command line."""

from carnet.cli import main

main()
