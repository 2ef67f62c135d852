"""core.pagecache.kept_where_found: a value kept under scopes known only from data."""

import pytest

from core import pagecache

pytestmark = pytest.mark.django_db  # invalidate() acts again on commit


def _keeper(calls: list[str], found_scopes: set[str]):
    def find():
        calls.append("find")
        return "data", found_scopes

    def build(data):
        calls.append("build")
        return f"built from {data} #{calls.count('build')}"

    return lambda: pagecache.kept_where_found("test:found", ["person:1"], find, build)


def test_a_kept_value_is_served_until_a_scope_it_found_changes():
    calls: list[str] = []
    keep = _keeper(calls, {"network:a"})
    first = keep()
    assert keep() == first and calls == ["find", "build"]

    pagecache.invalidate("network:b")  # not one of its scopes
    assert keep() == first

    pagecache.invalidate("network:a")
    assert keep() != first and calls == ["find", "build", "find", "build"]


def test_a_kept_value_is_built_again_when_a_named_scope_or_the_site_changes():
    calls: list[str] = []
    keep = _keeper(calls, {"network:a"})
    first = keep()

    pagecache.invalidate("person:1")
    second = keep()
    assert second != first

    pagecache.invalidate(pagecache.SITE)
    assert keep() != second


def test_a_value_kept_under_other_named_scopes_is_not_served():
    pagecache.kept_where_found("test:found", ["person:1"], lambda: (None, set()), lambda _: 1)

    assert (
        pagecache.kept_where_found("test:found", ["person:2"], lambda: (None, set()), lambda _: 2)
        == 2
    )
