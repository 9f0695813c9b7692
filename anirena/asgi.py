"""The ASGI application: the Django site, plus start-up and shutdown of background services.

Django's ASGI handler speaks only HTTP, so this wrapper answers the lifespan
protocol itself and starts what `anirena serve` runs beside the site (the
tracker and the in-process job consumer) through `anirena.core.services`. Pages
for visitors without cookies pass through `anirena.core.page_cache` first.
"""

import logging
import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anirena.settings")

from django.conf import settings  # noqa: E402
from django.core.asgi import get_asgi_application  # noqa: E402

from anirena.core.page_cache import PageCache  # noqa: E402

logger = logging.getLogger(__name__)

django_application = PageCache(get_asgi_application(), settings.PAGE_CACHE_SECONDS)

from anirena.core import services  # noqa: E402


async def _lifespan(receive, send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            try:
                await services.start_all()
            except Exception as error:
                logger.exception("start-up failed")
                await send({"type": "lifespan.startup.failed", "message": str(error)})
                return
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await services.stop_all()
            await send({"type": "lifespan.shutdown.complete"})
            return


async def application(scope, receive, send) -> None:
    if scope["type"] == "lifespan":
        await _lifespan(receive, send)
        return
    await services.http_application(django_application)(scope, receive, send)
