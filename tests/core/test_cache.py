"""The Redis cache keeps one client a connection pool (made without connecting)."""

from core.cache import RedisCache


def test_the_redis_cache_makes_one_client_and_reuses_it():
    cache = RedisCache("redis://127.0.0.1:6379/15", {})

    first = cache._cache.get_client("a key")

    assert cache._cache.get_client("another key", write=True) is first
    assert first.connection_pool is cache._cache._get_connection_pool(write=False)
