"""Background services that run inside the web process: registered by apps, started by the ASGI lifespan.

A service is an object with async `start()` and `stop()`. An app may also wrap
the HTTP application (the tracker answers /announce and /scrape ahead of
Django this way).
"""

import asyncio
import logging

logger = logging.getLogger(__name__)

STOP_TIMEOUT = 10.0

_factories: list = []
_running: list = []
_http_wrappers: list = []
_wrapped_cache: dict = {}


def register(factory) -> None:
    """Register a callable returning a service, or None when the service is turned off by settings."""
    _factories.append(factory)


def register_http_wrapper(wrapper) -> None:
    """Register ``wrapper(app) -> app`` to put an ASGI application in front of the site."""
    _http_wrappers.append(wrapper)
    _wrapped_cache.clear()


def http_application(django_app):
    app = _wrapped_cache.get(id(django_app))
    if app is None:
        app = django_app
        for wrapper in _http_wrappers:
            app = wrapper(app)
        _wrapped_cache[id(django_app)] = app
    return app


async def start_all() -> None:
    for factory in _factories:
        service = factory()
        if service is None:
            continue
        await service.start()
        _running.append(service)
        logger.info("started %s", type(service).__name__)


async def stop_all() -> None:
    while _running:
        service = _running.pop()
        try:
            await asyncio.wait_for(service.stop(), STOP_TIMEOUT)
            logger.info("stopped %s", type(service).__name__)
        except Exception:
            logger.exception("stopping %s failed", type(service).__name__)
