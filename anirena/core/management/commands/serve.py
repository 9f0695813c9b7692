import uvicorn
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError


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
        if not no_migrate:
            call_command("migrate", interactive=False, verbosity=1)
        self.stdout.write(f"AniRena on http://{host}:{port}/ (data in {settings.DATA_DIR})")
        uvicorn.run(
            "anirena.asgi:application",
            host=host,
            port=port,
            workers=workers,
            lifespan="on",
            log_level="warning",
            access_log=False,
            proxy_headers=settings.USE_X_FORWARDED_HOST,
        )
