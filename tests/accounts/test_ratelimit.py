import pytest

from anirena.core.ratelimit import RateLimit, RateLimited


@pytest.fixture(autouse=True)
def own_prefix(settings, request):
    settings.RATELIMIT_KEY_PREFIX = f"test-ratelimit-unit-{request.node.name}"


def test_hits_within_limit_allowed():
    limit = RateLimit("unit-a", limit=3, window=60)
    decisions = [limit.hit("k") for _ in range(3)]
    assert [d.allowed for d in decisions] == [True, True, True]
    assert [d.remaining for d in decisions] == [2, 1, 0]


def test_hit_past_limit_reports_wait():
    limit = RateLimit("unit-b", limit=2, window=60)
    limit.hit("k")
    limit.hit("k")
    decision = limit.hit("k")
    assert not decision.allowed
    assert 0 < decision.retry_after <= 60


def test_keys_counted_apart():
    limit = RateLimit("unit-c", limit=1, window=60)
    assert limit.hit("a").allowed
    assert limit.hit("b").allowed
    assert not limit.hit("a").allowed


def test_check_counts_nothing():
    limit = RateLimit("unit-d", limit=1, window=60)
    for _ in range(5):
        limit.check("k")
    assert limit.hit("k").allowed
    with pytest.raises(RateLimited) as raised:
        limit.check("k")
    assert raised.value.retry_after >= 1
    assert raised.value.limit is limit


def test_enforce_raises_past_limit():
    limit = RateLimit("unit-e", limit=1, window=60)
    limit.enforce("k")
    with pytest.raises(RateLimited):
        limit.enforce("k")


def test_reset_forgets_hits():
    limit = RateLimit("unit-f", limit=1, window=60)
    limit.hit("k")
    limit.reset("k")
    assert limit.hit("k").allowed


def test_unusual_keys():
    limit = RateLimit("unit-g", limit=1, window=60)
    for key in ("2001:db8::1", "someone@example.org", "with space and ünïcode", "x" * 500):
        assert limit.hit(key).allowed
