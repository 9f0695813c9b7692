import pytest
from django.http import QueryDict

from anirena.search.params import InvalidSearchParams, SearchParams


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({}, SearchParams()),
        ({"q": "  frieren  "}, SearchParams(q="frieren")),
        ({"category": "Anime", "sub_category": "RAW"}, SearchParams(category="anime", sub_category="raw")),
        ({"languages": "ja, en,ja"}, SearchParams(languages=("ja", "en"))),
        ({"languages": ["ja", "en,fr"]}, SearchParams(languages=("ja", "en", "fr"))),
        ({"sort": "title", "order": "ASC"}, SearchParams(sort="name", order="asc")),
        ({"sort": "downloads"}, SearchParams(sort="completed")),
        ({"page": "3", "per_page": 250}, SearchParams(page=3, per_page=250)),
        ({"hide_adult": False, "show_dead": "yes"}, SearchParams(hide_adult=False, show_dead=True)),
        ({"hide_adult": "0", "show_dead": "off"}, SearchParams(hide_adult=False, show_dead=False)),
        ({"user": "alice", "group": "subs"}, SearchParams(user="alice", group="subs")),
        ({"unknown": "ignored"}, SearchParams()),
        ({"hide_adult": "", "page": "", "sort": ""}, SearchParams()),
    ],
)
def test_valid_parameters(data, expected):
    assert SearchParams.from_data(data) == expected


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"per_page": "0"}, "per_page", "Must be between 1 and 250, got 0."),
        ({"per_page": 251}, "per_page", "Must be between 1 and 250, got 251."),
        ({"page": "0"}, "page", "Must be at least 1, got 0."),
        ({"page": "two"}, "page", "Expected a whole number, got 'two'."),
        ({"page": 1.5}, "page", "Expected a whole number, got 1.5."),
        ({"page": True}, "page", "Expected a whole number, got True."),
        ({"sort": "popular"}, "sort", "Unknown value 'popular'; use one of: date, name, title, size"),
        ({"order": "up"}, "order", "Unknown value 'up'; use one of: asc, desc."),
        ({"hide_adult": "maybe"}, "hide_adult", "Expected true or false (1/0, yes/no, on/off), got 'maybe'."),
        ({"q": "x" * 501}, "q", "501 characters is too long; the limit is 500."),
        ({"q": 5}, "q", "Expected text."),
        ({"languages": [1]}, "languages", "Expected language codes such as en or ja."),
        ({"languages": ",".join(f"l{index}" for index in range(21))}, "languages", "21 languages is too many"),
        ({"sub_category": "raw"}, "sub_category", "Choose a category too"),
    ],
)
def test_invalid_parameters(data, field, message):
    with pytest.raises(InvalidSearchParams) as raised:
        SearchParams.from_data(data)
    assert message in raised.value.errors[field]


def test_all_errors_are_reported_together():
    with pytest.raises(InvalidSearchParams) as raised:
        SearchParams.from_data({"per_page": "0", "page": "-1", "sort": "x"})
    assert set(raised.value.errors) == {"per_page", "page", "sort"}


def test_query_dict_takes_the_last_checkbox_value():
    params = SearchParams.from_data(QueryDict("hide_adult=0&hide_adult=1&languages=ja&languages=en"))
    assert params.hide_adult is True
    assert params.languages == ("ja", "en")
