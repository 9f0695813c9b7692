import datetime

import pytest
from django.test import override_settings
from django.urls import reverse

from anirena.stats import charts, services
from anirena.torrents.models import Torrent
from tests.community_factories import make_group, upload
from tests.factories import make_user

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2024, 3, 20, 15, 0, tzinfo=datetime.timezone.utc)


def set_date(torrent, *date_parts):
    Torrent.objects.filter(pk=torrent.pk).update(
        uploaded_at=datetime.datetime(*date_parts, 12, 0, tzinfo=datetime.timezone.utc))


def test_totals(uploader):
    first, second = upload(uploader), upload(uploader, category="audio")
    Torrent.objects.filter(pk=first.pk).update(seeders=5, leechers=2, completed=10)
    Torrent.objects.filter(pk=second.pk).update(seeders=1, leechers=0, completed=3)
    make_group(uploader, name="Stat Subs")
    make_user("inactive", active=False)
    totals = services.site_totals()
    assert totals == {"torrents": 2, "seeders": 6, "leechers": 2, "completed": 13, "users": 1, "groups": 1}


def test_totals_on_empty_site(db):
    assert services.site_totals()["seeders"] == 0


def test_uploads_per_day_fills_gaps(uploader):
    for torrent, day in zip([upload(uploader) for _ in range(3)], (18, 18, 20)):
        set_date(torrent, 2024, 3, day)
    series = services.uploads_over_time("day", now=NOW)
    assert len(series) == 30
    assert series[-3:] == [(datetime.date(2024, 3, 18), 2), (datetime.date(2024, 3, 19), 0),
                           (datetime.date(2024, 3, 20), 1)]


def test_uploads_per_week_and_month(uploader):
    torrents = [upload(uploader) for _ in range(3)]
    set_date(torrents[0], 2024, 3, 18)
    set_date(torrents[1], 2024, 3, 11)
    set_date(torrents[2], 2024, 1, 5)
    weeks = services.uploads_over_time("week", now=NOW)
    months = services.uploads_over_time("month", now=NOW)
    assert weeks[-2:] == [(datetime.date(2024, 3, 11), 1), (datetime.date(2024, 3, 18), 1)]
    assert months[-3:] == [(datetime.date(2024, 1, 1), 1), (datetime.date(2024, 2, 1), 0),
                           (datetime.date(2024, 3, 1), 2)]
    assert len(months) == 24


@pytest.mark.parametrize(("period", "first"), [
    ("day", datetime.date(2024, 2, 20)),
    ("week", datetime.date(2023, 9, 25)),
    ("month", datetime.date(2022, 4, 1)),
])
def test_period_starts(period, first):
    count = services.PERIODS[period][1]
    starts = services.period_starts(period, count, NOW.date())
    assert starts[0] == first
    assert len(starts) == count


def test_uploads_per_category(uploader):
    upload(uploader)
    upload(uploader)
    upload(uploader, category="audio")
    totals = {category.slug: total for category, total in services.uploads_per_category()}
    assert totals["anime"] == 2
    assert totals["audio"] == 1
    assert totals["software"] == 0
    assert len(totals) == 9


@pytest.mark.parametrize(("max_value", "step"), [(0, 1), (4, 1), (9, 2), (50, 10), (73, 20), (1234, 500)])
def test_nice_step(max_value, step):
    assert charts.nice_step(max_value) == step


def test_column_chart_geometry():
    chart = charts.column_chart([("a", 0), ("b", 5), ("c", 10)])
    assert [bar.height for bar in chart.bars][0] == 0
    assert chart.bars[2].height == pytest.approx(2 * chart.bars[1].height)
    assert chart.bars[2].y + chart.bars[2].height == chart.plot_bottom
    assert chart.y_ticks[-1].label == "10"


def test_bar_rows_scale_to_largest():
    rows, height = charts.bar_rows([("Anime", 30), ("Audio", 15), ("Other", 0)])
    assert rows[1].bar_width == pytest.approx(rows[0].bar_width / 2)
    assert rows[2].bar_width == 0
    assert rows[0].share == pytest.approx(2 / 3)
    assert height == 3 * charts.ROW_HEIGHT


def test_stats_page_renders_svg_charts(client, uploader):
    upload(uploader)
    response = client.get(reverse("stats:stats"), {"period": "week"})
    body = response.content.decode()
    assert response.status_code == 200
    assert body.count("<svg") == 2
    assert "Uploads over time" in body
    assert "Anime: 1" in body
    assert '<strong aria-current="true">Per week</strong>' in body


def test_stats_page_unknown_period_uses_days(client, db):
    body = client.get(reverse("stats:stats"), {"period": "century"}).content.decode()
    assert '<strong aria-current="true">Per day</strong>' in body


@override_settings(STATS_CACHE_SECONDS=300)
def test_figures_are_cached(client, uploader, django_assert_max_num_queries):
    upload(uploader)
    client.get(reverse("stats:stats"))
    upload(uploader)
    with django_assert_max_num_queries(4):
        body = client.get(reverse("stats:stats")).content.decode()
    assert "Anime: 1" in body


def test_nav_links_to_stats_and_groups(client, db):
    body = client.get(reverse("torrents:home")).content.decode()
    assert reverse("stats:stats") in body
    assert reverse("groups:directory") in body
