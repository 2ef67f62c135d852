"""Django's Redis cache, keeping one client for each connection pool.

Django's backend makes a new redis-py client for every cache call, and a client
sets up some two hundred response callbacks when it is made: on a page served
from the cache (one call in all) that set-up cost more than the call. A client
over a connection pool is safe to share between threads, and the pool itself
notices a fork (gunicorn's workers), so one client a pool is enough.
"""

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class _ReusedClients(RedisCacheClient):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._class = _ReusedClients
