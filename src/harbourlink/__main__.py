"""``python -m harbourlink`` is the ``harbourlink`` command."""

from harbourlink.cli import main

main()
