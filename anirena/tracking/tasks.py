"""Periodic jobs of the tracker side, run by huey (in process by default, `run_huey` with Redis)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from anirena.tracking.external import scrape_external_trackers


@db_periodic_task(crontab(minute="*/5"))
def scrape_external_trackers_periodically():
    # Each run scrapes one batch, oldest first; the function returns at once when scrapes are off.
    scrape_external_trackers()
