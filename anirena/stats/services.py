"""Site-wide figures for the statistics page, counted in the database and cached for STATS_CACHE_SECONDS."""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db.models import Count, Sum
from django.db.models.functions import Coalesce, TruncDay, TruncMonth, TruncWeek
from django.utils import timezone

from anirena.groups.models import Group
from anirena.torrents.models import Category, Torrent

# period name: (database truncation, number of periods shown)
PERIODS = {
    "day": (TruncDay, 30),
    "week": (TruncWeek, 26),
    "month": (TruncMonth, 24),
}
DEFAULT_PERIOD = "day"


def site_totals() -> dict:
    """Count torrents, active users, public groups, live peers and completed downloads."""
    sums = Torrent.objects.aggregate(
        torrents=Count("pk"),
        seeders=Coalesce(Sum("seeders"), 0),
        leechers=Coalesce(Sum("leechers"), 0),
        completed=Coalesce(Sum("completed"), 0),
    )
    return {
        **sums,
        "users": get_user_model().objects.filter(is_active=True).count(),
        "groups": Group.objects.filter(enabled=True, locked=False).count(),
    }


def uploads_over_time(period: str, *, now: datetime.datetime | None = None) -> list[tuple[datetime.date, int]]:
    """Return (period start, uploads) for the last periods of `period` (day, week or month), oldest first, gaps as 0."""
    trunc, count = PERIODS[period]
    starts = period_starts(period, count, (now or timezone.now()).date())
    rows = (
        Torrent.objects.filter(uploaded_at__gte=_midnight(starts[0]))
        .annotate(bucket=trunc("uploaded_at")).order_by().values("bucket").annotate(total=Count("pk"))
    )
    totals = {_as_date(row["bucket"]): row["total"] for row in rows}
    return [(start, totals.get(start, 0)) for start in starts]


def period_starts(period: str, count: int, today: datetime.date) -> list[datetime.date]:
    """Return the first days of the `count` periods ending with the one containing `today`, oldest first."""
    if period == "day":
        return [today - datetime.timedelta(days=offset) for offset in range(count - 1, -1, -1)]
    if period == "week":
        monday = today - datetime.timedelta(days=today.weekday())
        return [monday - datetime.timedelta(weeks=offset) for offset in range(count - 1, -1, -1)]
    starts = []
    year, month = today.year, today.month
    for _step in range(count):
        starts.append(datetime.date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return starts[::-1]


def uploads_per_category() -> list[tuple[Category, int]]:
    """Return every category with its number of torrents, in the categories' own order."""
    totals = dict(Torrent.objects.order_by().values_list("category").annotate(total=Count("pk")))
    return [(category, totals.get(category.pk, 0)) for category in Category.objects.all()]


def cached_figures(period: str) -> dict:
    """Return totals and both series for `period`, from the cache when they are younger than STATS_CACHE_SECONDS."""
    key = f"stats:figures:{period}"
    figures = cache.get(key)
    if figures is None:
        figures = {
            "totals": site_totals(),
            "over_time": uploads_over_time(period),
            "per_category": [(category.name, total) for category, total in uploads_per_category()],
            "counted_at": timezone.now(),
        }
        cache.set(key, figures, settings.STATS_CACHE_SECONDS)
    return figures


def _midnight(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=datetime.timezone.utc)


def _as_date(value) -> datetime.date:
    return value.date() if isinstance(value, datetime.datetime) else value
