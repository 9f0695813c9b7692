"""The `anirena` command: Django management commands, with dashes allowed in their names.

``anirena serve`` runs the whole site; ``anirena import-torrents`` imports a
collection; any other Django command (migrate, createsuperuser, shell, ...)
passes straight through.
"""

import argparse
import os
import sys

_ANY_ADDRESS = {"", "0.0.0.0", "::", "[::]"}


def serve_site_url(args: list[str]) -> str:
    """Return the site address that `anirena serve ARGS` listens on, for when ANIRENA_SITE_URL is unset.

    Links in pages and mails and the default announce URL must reach the port
    the site serves. A wildcard address becomes 127.0.0.1.
    """
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", default="8000")
    known, _ = parser.parse_known_args(args)
    host = "127.0.0.1" if known.host in _ANY_ADDRESS else known.host
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"http://{host}:{known.port}"


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anirena.settings")
    argv = list(sys.argv)
    if len(argv) > 1 and not argv[1].startswith("-"):
        argv[1] = argv[1].replace("-", "_")
    if len(argv) > 1 and argv[1] == "serve" and not os.environ.get("ANIRENA_SITE_URL"):
        os.environ["ANIRENA_SITE_URL"] = serve_site_url(argv[2:])
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
