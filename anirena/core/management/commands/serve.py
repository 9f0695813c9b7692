import os

import uvicorn
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from anirena.tracker import TrackerConfigError, check_store_for_workers
from anirena.tracker.http_protocol import RawTargetHttpToolsProtocol


class Command(BaseCommand):
    help = "Apply migrations, then serve the site, API, tracker and jobs from one process."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1", help="Address to listen on (default 127.0.0.1).")
        parser.add_argument("--port", type=int, default=8000, help="HTTP port (default 8000).")
        parser.add_argument("--workers", type=int, default=1,
                            help="Web worker processes (default 1; more than one needs ANIRENA_REDIS_URL).")
        parser.add_argument("--no-migrate", action="store_true", help="Skip applying database migrations.")

    def handle(self, *args, host, port, workers, no_migrate, **options):
        if workers < 1:
            raise CommandError("--workers must be at least 1")
        if workers > 1 and not settings.REDIS_URL:
            raise CommandError(
                "Several workers cannot share the in-process peer store, cache and job queue. "
                "Set ANIRENA_REDIS_URL to use Redis, or run with --workers 1."
            )
        if settings.TRACKER_ENABLED and settings.TRACKER_IN_PROCESS:
            try:
                check_store_for_workers(settings.TRACKER_STORE, workers)
            except TrackerConfigError as error:
                raise CommandError(str(error)) from None
        if "ANIRENA_UDP_TRACKER_HOST" not in os.environ:
            # The UDP tracker listens where the site does; worker processes read it from the environment.
            os.environ["ANIRENA_UDP_TRACKER_HOST"] = host
            settings.TRACKER_UDP_HOST = host
        if not no_migrate:
            call_command("migrate", interactive=False, verbosity=1)
        self.stdout.write(f"AniRena on http://{host}:{port}/ (data in {settings.DATA_DIR})")
        if settings.TRACKER_ENABLED and settings.TRACKER_IN_PROCESS:
            self.stdout.write(f"tracker on http://{host}:{port}/announce and udp://{settings.TRACKER_UDP_HOST}:"
                              f"{settings.UDP_TRACKER_PORT}/announce ({settings.TRACKER_STORE} peer store)")
        uvicorn.run(
            "anirena.asgi:application",
            host=host,
            port=port,
            workers=workers,
            lifespan="on",
            log_level="warning",
            access_log=False,
            proxy_headers=settings.USE_X_FORWARDED_HOST,
            # Announces may carry raw binary bytes in the URL; see anirena.tracker.http_protocol.
            http=RawTargetHttpToolsProtocol,
        )
