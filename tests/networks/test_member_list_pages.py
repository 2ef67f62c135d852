"""The member list pages by keyset: every member once, walking either way, whatever the
cursor in the address says."""

import base64
import re
from html import unescape

import pytest
from django.urls import reverse

from core import keyset
from members.models import User
from networks import services, views
from networks.models import Membership
from tests import factories

pytestmark = pytest.mark.django_db

PAGE_SIZE = 4
# Shared surnames and first names, so the order needs every part of its key.
NAMES = [("Ann", "Smith"), ("Bob", "Smith"), ("Ann", "Smith"), ("Cy", "Adams"), ("Ann", "Jones")]


@pytest.fixture
def small_pages(monkeypatch):
    monkeypatch.setattr(views, "MEMBERS_PAGE_SIZE", PAGE_SIZE)


@pytest.fixture
def crowd(network, member):
    """Seventeen more members, some with the same names, and people who are not members."""
    for number in range(17):
        first, last = NAMES[number % len(NAMES)]
        person = factories.make_head(first_name=first, last_name=last)
        factories.make_membership(person=person, network=network)
    factories.make_membership(
        person=factories.make_head(last_name="Pending"),
        network=network,
        status=Membership.Status.PENDING,
    )
    factories.make_membership(person=factories.make_head(last_name="Elsewhere"), network=network)
    Membership.objects.filter(person__last_name="Elsewhere").update(status="left")
    return network


def _expected(network) -> list[int]:
    memberships = network.memberships.active().order_by(
        "person__last_name", "person__first_name", "person_id"
    )
    return list(memberships.values_list("person_id", flat=True))


def _get(client, network, **query):
    response = client.get(reverse("networks:members", args=[network.slug]), query)
    assert response.status_code == 200
    return response


def _ids(response) -> list[int]:
    """The members listed, in order, by the links to their pages."""
    links = re.findall(r'<td><a href="/people/(\d+)/">', response.content.decode())
    return [int(pk) for pk in links]


def _link(response, label: str) -> dict | None:
    """The query of the pagination link with that label, or None if the page has none."""
    html = response.content.decode()
    match = re.search(rf'href="\?([^"]*)"[^>]*>{label}<', html)
    if match is None:
        return None
    pairs = (part.split("=", 1) for part in unescape(match.group(1)).split("&") if part)
    return dict(pairs)


def test_walking_forward_shows_every_member_once_in_name_order(client, crowd, member, small_pages):
    client.force_login(member)
    response = _get(client, crowd)
    seen = _ids(response)
    assert _link(response, "Previous") is None
    while (query := _link(response, "Next")) is not None:
        response = _get(client, crowd, **query)
        assert len(_ids(response)) <= PAGE_SIZE
        seen += _ids(response)

    assert seen == _expected(crowd)
    assert len(seen) == 18
    assert _link(response, "Last") is None


def test_walking_backward_from_the_last_page_shows_every_member_once(
    client, crowd, member, small_pages
):
    client.force_login(member)
    response = _get(client, crowd, page="last")
    pages = [_ids(response)]
    assert _link(response, "Next") is None
    while (query := _link(response, "Previous")) is not None:
        response = _get(client, crowd, **query)
        pages.insert(0, _ids(response))

    assert [person for page in pages for person in page] == _expected(crowd)
    assert _link(response, "First") is None


def test_the_last_page_holds_the_last_members_and_says_where_it_is(
    client, crowd, member, small_pages
):
    client.force_login(member)

    response = _get(client, crowd, page="last")

    assert _ids(response) == _expected(crowd)[-PAGE_SIZE:]
    assert "Showing members 15 to 18 of 18." in response.content.decode()
    first = _get(client, crowd).content.decode()
    assert "Showing members 1 to 4 of 18." in first
    assert 'aria-label="Member list pages"' in first


def test_a_page_in_the_middle_is_placed_by_the_names_it_starts_and_ends_with(
    client, crowd, member, small_pages
):
    client.force_login(member)
    query = _link(_get(client, crowd), "Next")

    response = _get(client, crowd, **query)

    ids = _ids(response)
    first, last = (User.objects.get(pk=pk).get_full_name() for pk in (ids[0], ids[-1]))
    assert f"Showing 4 members, from {first} to {last}." in response.content.decode()


def test_a_member_who_changes_their_name_moves_and_nobody_is_lost(
    client, crowd, member, small_pages
):
    client.force_login(member)
    response = _get(client, crowd)
    seen = _ids(response)
    query = _link(response, "Next")
    # Someone not yet shown renames themselves to the start of the list; someone already
    # shown to the end. The walk goes on from where it was.
    later = _expected(crowd)[-1]
    earlier = seen[0]
    for pk, last_name in ((later, "Aaron"), (earlier, "Zephyr")):
        person = User.objects.get(pk=pk)
        person.last_name = last_name
        person.save()  # as the profile page saves it
    response = _get(client, crowd, **query)
    seen += _ids(response)
    while (query := _link(response, "Next")) is not None:
        response = _get(client, crowd, **query)
        seen += _ids(response)

    # A walk under way sees the renamed people where they are now: one shown again at
    # the end, one never reached; everyone else exactly once, and no error.
    assert seen.count(earlier) == 2
    assert later not in seen
    others = [person for person in _expected(crowd) if person not in (earlier, later)]
    assert sorted(person for person in seen if person != earlier) == sorted(others)
    assert _ids(_get(client, crowd))[0] == later


def _cursor(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "cursor",
    [
        "not a cursor",
        "!!!",
        _cursor("[1, 2"),
        _cursor('{"a": 1}'),
        _cursor('["Smith", "Ann"]'),
        _cursor('["Smith", "Ann", "seven"]'),
        _cursor('["Smith", "Ann", 1.5]'),
        _cursor('["Smith", "Ann", true]'),
        _cursor('["Smith", null, 3]'),
        _cursor('["Sm\\u0000ith", "Ann", 3]'),
        _cursor('["Smith", "Ann", 99999999999999999999999]'),
        _cursor('["' + "x" * 200 + '", "Ann", 3]'),
        "é",
    ],
)
@pytest.mark.parametrize("direction", ["after", "before"])
def test_a_bad_cursor_gives_the_first_page(client, crowd, member, small_pages, cursor, direction):
    client.force_login(member)

    response = _get(client, crowd, **{direction: cursor})

    assert _ids(response) == _expected(crowd)[:PAGE_SIZE]


def test_a_cursor_past_the_end_gives_the_last_page(client, crowd, member, small_pages):
    client.force_login(member)
    beyond = keyset.encode_cursor(["Zzz", "Zzz", 10**6])

    response = _get(client, crowd, after=beyond)

    assert _ids(response) == _expected(crowd)[-PAGE_SIZE:]
    assert _ids(_get(client, crowd, before=keyset.encode_cursor(["A", "A", 1])))


def test_a_short_list_has_one_page_and_no_page_links(client, network, member):
    client.force_login(member)

    response = _get(client, network, page="last")

    assert _ids(response) == [member.pk]
    html = response.content.decode()
    assert "Showing all 1 member." in html
    assert "Member list pages" not in html


def test_cursors_read_back_what_they_hold():
    fields = [keyset._field_at(Membership, key) for key in views.MEMBERS_ORDER]

    cursor = keyset.encode_cursor(["Ó Súilleabháin", "Siobhán", 42])

    assert keyset.decode_cursor(cursor, fields) == ["Ó Súilleabháin", "Siobhán", 42]


def test_the_total_follows_a_member_joining_and_leaving_at_once(client, network, member):
    """The total is kept in the cache: each change of membership shows on the next page."""
    url = reverse("networks:members", args=[network.slug])
    client.force_login(member)
    assert "1 member, by surname" in client.get(url).content.decode()
    newcomer = factories.make_head()

    services.join_network(person=newcomer, network=network)
    assert "2 members, by surname" in client.get(url).content.decode()

    services.leave_network(person=newcomer, network=network)
    assert "1 member, by surname" in client.get(url).content.decode()
