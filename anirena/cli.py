"""The `anirena` command: Django management commands, with dashes allowed in their names.

``anirena serve`` runs the whole site; ``anirena import-torrents`` imports a
collection; any other Django command (migrate, createsuperuser, shell, ...)
passes straight through.
"""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anirena.settings")
    argv = list(sys.argv)
    if len(argv) > 1 and not argv[1].startswith("-"):
        argv[1] = argv[1].replace("-", "_")
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
