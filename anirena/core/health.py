"""Health checks reported by /healthz. Other components add theirs with `register`."""

import logging
from collections.abc import Callable

from django.db import connection

logger = logging.getLogger(__name__)

_CHECKS: dict[str, Callable[[], dict]] = {}


def register(name: str, check: Callable[[], dict]) -> None:
    _CHECKS[name] = check


def check_database() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # any driver error means the database is unusable
        logger.warning("health check: database unreachable: %s", error)
        return {"ok": False, "vendor": connection.vendor, "error": str(error)}
    return {"ok": True, "vendor": connection.vendor}


register("database", check_database)


def run_checks() -> dict[str, dict]:
    return {name: check() for name, check in _CHECKS.items()}
