import pytest

pytestmark = pytest.mark.django_db


def test_healthz_reports_database(client):
    response = client.get("/healthz")
    data = response.json()
    assert response.status_code == 200
    assert data["status"] == "ok"
    assert data["checks"]["database"]["ok"] is True


def test_guide_page(client):
    response = client.get("/guide")
    assert response.status_code == 200
    assert "/torrents/&lt;id&gt;.torrent" in response.content.decode()


def test_categories_and_languages_loaded(db):
    from anirena.torrents.models import Category, Language

    slugs = list(Category.objects.values_list("slug", flat=True))
    assert slugs == ["anime", "manga", "audio", "literature", "live", "pictures", "software", "hentai", "other"]
    assert Category.objects.get(slug="anime").sub_categories.filter(slug="raw").exists()
    assert Language.objects.count() == 199
    assert Language.objects.get(code="ja").country_code == "jp"


def test_markdown_is_sanitised():
    from anirena.core.markdown import render_markdown

    html = render_markdown('[x](javascript:alert(1)) <img src=x onerror=alert(1)> ![a](https://e.org/a.png)')
    assert 'href="javascript' not in html
    assert "<img src=x" not in html
    assert 'src="https://e.org/a.png"' in html


@pytest.mark.parametrize(
    ("size", "expected"),
    [(0, "0 B"), (1023, "1023 B"), (1024, "1.0 KB"), (1503238553, "1.4 GB"), (5 * 1024**4, "5.0 TB")],
)
def test_format_size(size, expected):
    from anirena.core.formatting import format_size

    assert format_size(size) == expected
