import asyncio
import signal

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from anirena.tracker import TrackerConfigError, check_store_for_workers


class Command(BaseCommand):
    help = (
        "Run the tracker alone (HTTP announce and scrape on its own port, and UDP), for scale-out beside "
        "`anirena serve` with ANIRENA_TRACKER_IN_PROCESS=false. Needs the Redis peer store."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
        parser.add_argument("--http-port", type=int, default=6968, help="HTTP announce port (default 6968)")
        parser.add_argument("--udp-port", type=int, default=settings.UDP_TRACKER_PORT,
                            help=f"UDP port (default {settings.UDP_TRACKER_PORT}, from ANIRENA_UDP_TRACKER_PORT)")

    def handle(self, *args, host, http_port, udp_port, **options):
        try:
            # The site's web processes read live counts from the store, so a separate tracker
            # process can only work with a store they share.
            check_store_for_workers(settings.TRACKER_STORE, 2)
        except TrackerConfigError as error:
            raise CommandError(str(error)) from None
        asyncio.run(self._serve(host, http_port, udp_port))

    async def _serve(self, host: str, http_port: int, udp_port: int) -> None:
        from anirena.tracking.runtime import SiteTrackerService, get_tracker

        service = SiteTrackerService(get_tracker(), udp_port=udp_port, http_host=host, http_port=http_port)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signal_number in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signal_number, stop.set)
        await service.start()
        self.stdout.write(f"tracker on http://{host}:{http_port}/announce and udp://{host}:{udp_port}/announce")
        try:
            await stop.wait()
        finally:
            await service.stop()
