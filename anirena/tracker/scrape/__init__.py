"""Scrapes of external trackers (BEP 15 over UDP, BEP 48 over HTTP) for the counts that a torrent's other trackers report.

Plain asyncio, like the rest of anirena.tracker: the site's job in
anirena.tracking.external selects torrents and stores the results.
"""

from anirena.tracker.scrape.backoff import TrackerBackoff
from anirena.tracker.scrape.job import RoundResult, scrape_round
from anirena.tracker.scrape.scraper import (
    ExternalScraper,
    ScrapeOptions,
    ScrapeReport,
    TorrentTrackers,
    TrackerResult,
    merge_counts,
)
from anirena.tracker.scrape.urls import TrackerEndpoint, parse_tracker_url

__all__ = [
    "ExternalScraper",
    "RoundResult",
    "ScrapeOptions",
    "ScrapeReport",
    "TorrentTrackers",
    "TrackerBackoff",
    "TrackerEndpoint",
    "TrackerResult",
    "merge_counts",
    "parse_tracker_url",
    "scrape_round",
]
