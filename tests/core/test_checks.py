"""System checks that stop a production start with settings that only work in one process."""

import pytest
from django.core.checks import Error, run_checks
from django.test import override_settings

LOCMEM = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
DUMMY = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
REDIS = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:6379/0",
    }
}
PUBLIC_SITE = "https://headnet.example.org"

pytestmark = pytest.mark.django_db


def _ids() -> set[str]:
    return {message.id for message in run_checks() if isinstance(message, Error)}


@override_settings(DEBUG=False, CACHES=LOCMEM, SITE_URL=PUBLIC_SITE)
def test_a_per_process_memory_cache_is_an_error_in_production():
    assert "core.E001" in _ids()


@override_settings(DEBUG=False, CACHES=DUMMY, SITE_URL=PUBLIC_SITE)
def test_a_dummy_cache_is_an_error_in_production():
    assert "core.E001" in _ids()


@override_settings(DEBUG=False, CACHES=REDIS, SITE_URL="http://127.0.0.1:8000")
def test_the_local_site_url_is_an_error_in_production():
    assert _ids() & {"core.E001", "core.E002"} == {"core.E002"}


@override_settings(DEBUG=False, CACHES=REDIS, SITE_URL=PUBLIC_SITE)
def test_a_shared_cache_and_a_real_site_url_pass():
    assert not _ids() & {"core.E001", "core.E002"}


@override_settings(DEBUG=True, CACHES=LOCMEM, SITE_URL="http://127.0.0.1:8000")
def test_local_development_may_use_memory_and_the_local_address():
    assert not _ids() & {"core.E001", "core.E002"}
