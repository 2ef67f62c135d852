"""Public pages are served from the cache to visitors, and never older than the data."""

import gzip

import pytest
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.db import connection
from django.db.models.deletion import Collector
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from core import audit, pagecache
from core.models import AuditEvent, OutgoingEmail
from leaders.models import LeaderMessage
from meetings import services as meeting_services
from meetings.models import Meeting
from members.school_import import import_schools
from networks.models import Membership
from support.models import SupportNote, SupportRequestOpening
from tests import factories
from tests.members.test_import_schools import school_row, write_register

pytestmark = pytest.mark.django_db


def _get(client, url, **headers):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, headers=headers)
    assert response.status_code in (200, 304)
    return response, len(queries)


def test_a_visitor_gets_the_second_view_of_a_page_from_the_cache(client):
    network = factories.make_network(name="Cherwell Primary Heads")
    url = reverse("networks:detail", args=[network.slug])

    first, first_queries = _get(client, url)
    second, second_queries = _get(client, url)

    assert first_queries > 0
    assert second_queries == 0
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]


def test_a_change_to_a_network_shows_at_once(client):
    network = factories.make_network(name="Cherwell Primary Heads")
    url = reverse("networks:detail", args=[network.slug])
    _get(client, url)

    network.name = "North Oxfordshire Primary Heads"
    network.save()

    assert "North Oxfordshire Primary Heads" in client.get(url).content.decode()


def test_a_new_area_on_a_network_shows_in_the_filtered_directory_at_once(client):
    network = factories.make_network(name="Cherwell Primary Heads")
    oldham = factories.make_la(code="353", name="Oldham")
    factories.make_network(name="Oldham Heads", areas=[oldham])
    url = reverse("networks:directory") + "?area=353"
    assert "Cherwell Primary Heads" not in client.get(url).content.decode()

    network.areas.add(oldham)  # a many-to-many change sends no save signal

    assert "Cherwell Primary Heads" in client.get(url).content.decode()


def test_a_cancelled_meeting_shows_as_cancelled_in_the_cached_feed(client):
    network = factories.make_network()
    meeting = factories.make_meeting(
        network=network, title="Spring term meeting", audience=Meeting.Audience.PUBLIC
    )
    url = reverse("meetings:network_feed", args=[network.slug])
    assert "STATUS:CANCELLED" not in client.get(url).content.decode()

    meeting_services.cancel_meeting(meeting=meeting, reason="Snow")

    assert Meeting.objects.get(pk=meeting.pk).state == Meeting.State.CANCELLED
    assert "STATUS:CANCELLED" in client.get(url).content.decode()


def test_a_calendar_app_asking_whether_the_feed_changed_gets_304_from_the_cache(client):
    network = factories.make_network()
    factories.make_meeting(network=network)
    url = reverse("meetings:network_feed", args=[network.slug])
    first, _ = _get(client, url)

    again, queries = _get(client, url, if_none_match=first["ETag"])

    assert again.status_code == 304
    assert queries == 0


def test_a_reset_personal_feed_address_stops_working_even_when_cached(client):
    person = factories.make_head()
    feed = meeting_services.calendar_feed_for(person)
    old_url = feed.get_absolute_url()
    _get(client, old_url)

    meeting_services.reset_calendar_token(person=person)

    assert client.get(old_url).status_code == 404


def test_a_school_renamed_by_the_register_import_shows_at_once(client, tmp_path):
    school = factories.make_school(name="Bicester Primary School")
    network = factories.make_network()
    factories.make_membership(
        person=factories.make_head(school=school),
        network=network,
        role=Membership.Role.COORDINATOR,
    )
    url = reverse("networks:detail", args=[network.slug])
    assert "Bicester Primary School" in client.get(url).content.decode()

    register = write_register(
        tmp_path / "register.csv", [school_row(school.urn, "Bicester Hill School")]
    )
    import_schools(register)

    page = client.get(url).content.decode()
    assert "Bicester Hill School" in page
    assert "Bicester Primary School" not in page


def test_signed_in_people_never_get_a_visitors_page(client):
    network = factories.make_network(name="Cherwell Primary Heads")
    url = reverse("networks:detail", args=[network.slug])
    _get(client, url)
    member = factories.make_head()
    factories.make_membership(person=member, network=network)
    client.force_login(member)

    response, queries = _get(client, url)

    assert queries > 0
    assert response.context["perms"].is_member


def test_a_visitor_with_a_message_waiting_gets_it_and_nobody_else_does(client):
    network = factories.make_network(name="Cherwell Primary Heads")
    url = reverse("networks:detail", args=[network.slug])
    person = factories.make_user()
    client.force_login(person)
    client.post(reverse("account_logout"))  # leaves "You have signed out." waiting

    with_message = client.get(url).content.decode()
    after = client.get(url)

    assert "signed out" in with_message
    assert "signed out" not in after.content.decode()


def _view_using_the_csrf_token(request):
    return HttpResponse(f"<input value='{get_token(request)}'>")


def _view_adding_a_message(request):
    from django.contrib import messages

    messages.info(request, "Welcome")
    return HttpResponse("page")


@pytest.mark.parametrize("view", [_view_using_the_csrf_token, _view_adding_a_message])
def test_a_page_that_belongs_to_one_visitor_is_not_kept(rf: RequestFactory, view):
    calls = []

    def counted(request):
        calls.append(request)
        return view(request)

    cached = pagecache.cached_for_visitors(pagecache.SITE)(counted)
    for _ in range(2):
        request = _visitor_request(rf)
        assert cached(request).status_code == 200

    assert len(calls) == 2  # rendered each time, never served from the cache
    assert list(get_messages(request)) or view is _view_using_the_csrf_token


def _visitor_request(rf, **headers):
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.contrib.sessions.backends.cache import SessionStore

    request = rf.get("/a-page/", **headers)
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request


def _version(scope: str) -> str | None:
    return cache.get(pagecache._version_key(scope))


def test_a_write_in_a_transaction_replaces_the_version_again_when_it_commits(
    django_capture_on_commit_callbacks,
):
    network = factories.make_network()
    scope = f"network:{network.slug}"
    before = _version(scope)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        network.summary = "Heads of the primary schools of Cherwell"
        network.save()
        during = _version(scope)
    for callback in callbacks:
        callback()

    assert during != before
    assert _version(scope) not in (before, during)


def test_records_no_page_shows_leave_the_cache_alone():
    network = factories.make_network()
    cache.set(pagecache._version_key(pagecache.SITE), "before", None)
    cache.set(pagecache._version_key(f"network:{network.slug}"), "before", None)

    audit.record(obj=network, action="test", summary="Something happened")

    assert _version(pagecache.SITE) == "before"
    assert _version(f"network:{network.slug}") == "before"


def test_records_no_page_shows_keep_djangos_fast_delete():
    """Deleting old tasks, email and closed coaching requests is one DELETE, not a signal a row."""
    collector = Collector(using="default")

    for model in (
        DBTaskResult,
        OutgoingEmail,
        AuditEvent,
        SupportNote,
        SupportRequestOpening,
        LeaderMessage,
    ):
        assert collector.can_fast_delete(model.objects.all()), model


def test_pages_are_still_forgotten_when_a_watched_model_is_deleted(client):
    network = factories.make_network(name="Cherwell Primary Heads")
    doomed = factories.make_network(name="Wantage Heads Together")
    url = reverse("networks:directory")
    assert "Wantage Heads Together" in client.get(url).content.decode()

    doomed.delete()

    assert "Wantage Heads Together" not in client.get(url).content.decode()
    assert network.name in client.get(url).content.decode()


def _large_page(request):
    return HttpResponse("<p>A long page.</p>" * 2000, headers={"ETag": '"page-1"'})


def test_a_large_page_is_served_gzipped_to_those_who_accept_it_and_plain_to_others(rf):
    cached = pagecache.cached_for_visitors(pagecache.SITE)(_large_page)
    plain = cached(_visitor_request(rf)).content  # built, and kept

    hit = cached(_visitor_request(rf, HTTP_ACCEPT_ENCODING="gzip, deflate, br"))
    no_gzip = cached(_visitor_request(rf))

    assert hit["Content-Encoding"] == "gzip"
    assert gzip.decompress(hit.content) == plain
    assert len(hit.content) < len(plain) / 10
    assert hit["Vary"] == "Accept-Encoding"
    assert hit["ETag"] == 'W/"page-1"'  # other bytes than the page's own
    assert not no_gzip.has_header("Content-Encoding")
    assert no_gzip.content == plain
    assert no_gzip["ETag"] == '"page-1"'


def test_a_small_page_is_kept_as_it_is():
    cached = pagecache.cached_for_visitors(pagecache.SITE)(lambda request: HttpResponse("ok"))
    rf = RequestFactory()
    cached(_visitor_request(rf))

    hit = cached(_visitor_request(rf, HTTP_ACCEPT_ENCODING="gzip"))

    assert not hit.has_header("Content-Encoding")
    assert hit.content == b"ok"


def test_a_calendar_app_gets_a_large_feed_gzipped_and_its_304_from_the_cache(client):
    network = factories.make_network()
    for _ in range(80):
        factories.make_meeting(network=network, audience=Meeting.Audience.PUBLIC)
    url = reverse("meetings:network_feed", args=[network.slug])
    first, _ = _get(client, url)

    again, queries = _get(client, url, accept_encoding="gzip")
    unchanged, _ = _get(client, url, accept_encoding="gzip", if_none_match=again["ETag"])

    assert len(first.content) >= pagecache.GZIP_FROM_BYTES
    assert queries == 0
    assert again["Content-Encoding"] == "gzip"
    assert gzip.decompress(again.content) == first.content
    assert "BEGIN:VEVENT" in first.content.decode()
    assert unchanged.status_code == 304


def test_a_visitors_kept_page_is_served_before_sessions_csrf_and_authentication(
    client, monkeypatch
):
    network = factories.make_network(name="Cherwell Primary Heads")
    url = reverse("networks:detail", args=[network.slug])
    first = client.get(url)
    # From here, a request that reached the session middleware would fail.
    monkeypatch.setattr(
        "django.contrib.sessions.middleware.SessionMiddleware.process_request",
        lambda self, request: pytest.fail("the session middleware ran on a kept page"),
    )

    second = client.get(url)

    assert second.content == first.content
    # The headers of the middleware above it are there, as on the page first built.
    for header in ("Content-Security-Policy", "X-Frame-Options", "X-Content-Type-Options"):
        assert second[header] == first[header]
    assert second["Content-Length"] == str(len(second.content))


def test_a_page_built_for_a_visitor_asks_the_cache_once_for_the_page_and_its_versions(
    client, monkeypatch
):
    network = factories.make_network(name="Cherwell Primary Heads")
    url = reverse("networks:detail", args=[network.slug])
    lookups = []
    get_many = cache.get_many
    monkeypatch.setattr(cache, "get_many", lambda keys: lookups.append(keys) or get_many(keys))

    client.get(url)  # a miss: the middleware's lookup is the view's too

    page_lookups = [keys for keys in lookups if keys[0].startswith("pagecache:page:")]
    assert len(page_lookups) == 1


def test_signed_in_people_and_other_addresses_pass_the_visitors_middleware_by(client):
    network = factories.make_network(name="Cherwell Primary Heads")
    url = reverse("networks:detail", args=[network.slug])
    client.get(url)
    head = factories.make_head()
    client.force_login(head)

    page = client.get(url).content.decode()

    # The member's page, not the visitor's: it offers them the network, signed in.
    assert "Sign out" in page
    assert client.get("/no-such-page/").status_code == 404


def test_values_kept_together_are_built_again_each_alone_and_after_a_write():
    builds = []

    def build(name):
        return lambda: builds.append(name) or f"{name} {len(builds)}"

    def kept():
        return pagecache.kept_together(
            {"test:one": build("one"), "test:two": build("two")}, ["network:cherwell"]
        )

    assert kept() == {"test:one": "one 1", "test:two": "two 2"}
    assert kept() == {"test:one": "one 1", "test:two": "two 2"}  # nothing built
    cache.delete("test:two")
    assert kept() == {"test:one": "one 1", "test:two": "two 3"}

    pagecache.invalidate("network:cherwell")

    assert kept() == {"test:one": "one 4", "test:two": "two 5"}
    assert builds == ["one", "two", "two", "one", "two"]


def test_a_kept_value_that_no_longer_holds_is_built_again():
    values = iter(["before", "after"])

    def kept():
        return pagecache.kept("test:one", ["network:cherwell"], lambda: next(values), fresh=holds)

    holds = lambda value: True  # noqa: E731
    assert kept() == "before"
    assert kept() == "before"
    holds = lambda value: value != "before"  # noqa: E731

    assert kept() == "after"
