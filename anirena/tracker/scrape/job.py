"""One scrape round on plain data, for a scheduler such as the site's periodic jobs."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, NamedTuple

from anirena.tracker.scrape.backoff import TrackerBackoff
from anirena.tracker.scrape.responses import Counts
from anirena.tracker.scrape.scraper import ExternalScraper, ScrapeOptions, ScrapeReport, TorrentTrackers


class RoundResult(NamedTuple):
    # (seeders, leechers) per torrent key, only for torrents that some tracker reported.
    counts: dict[str, Counts]
    # Backoff state to pass to the next round (JSON-serialisable).
    backoff_state: dict[str, list[float]]
    report: ScrapeReport


async def scrape_round(
    torrents: Iterable[tuple[str, Sequence[bytes], Sequence[str]]],
    *,
    exclude_urls: Iterable[str] = (),
    backoff_state: Mapping[str, Any] | None = None,
    options: ScrapeOptions | None = None,
) -> RoundResult:
    """Scrape the external trackers of `torrents`, given as (key, 20-byte hashes, announce URLs).

    `backoff_state` is the state that the previous round returned, or None
    for none. Trackers that failed recently are skipped until their backoff
    ends.
    """
    backoff = TrackerBackoff()
    backoff.load_state(backoff_state)
    scraper = ExternalScraper(options, exclude_urls=exclude_urls, backoff=backoff)
    report = await scraper.scrape(
        TorrentTrackers(key, tuple(info_hashes), tuple(urls)) for key, info_hashes, urls in torrents
    )
    return RoundResult(report.counts, backoff.to_state(), report)
