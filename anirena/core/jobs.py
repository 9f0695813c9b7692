"""The in-process job consumer that `anirena serve` runs on the embedded default.

huey's own consumer installs signal handlers, which would take SIGINT and
SIGTERM away from uvicorn; this subclass leaves signals to the server and is
started and stopped by the ASGI lifespan instead.
"""

import asyncio
import logging

from django.conf import settings
from huey.consumer import Consumer

from anirena.core import services

logger = logging.getLogger(__name__)


class _QuietConsumer(Consumer):
    def _set_signal_handlers(self):
        pass


class InProcessJobs:
    def __init__(self):
        from huey.contrib.djhuey import HUEY

        options = settings.HUEY.get("consumer", {})
        self.consumer = _QuietConsumer(HUEY, workers=options.get("workers", 2), worker_type="thread", periodic=True)

    async def start(self) -> None:
        self.consumer.start()

    async def stop(self) -> None:
        await asyncio.to_thread(self.consumer.stop, True)


def _factory():
    if not settings.JOBS_IN_PROCESS or settings.JOBS_IMMEDIATE:
        return None
    return InProcessJobs()


services.register(_factory)
