"""A network's representatives (voice.representatives): coordinators add them and end
their terms, on the record; everyone, visitors too, sees who represents the network."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEvent
from networks import access as network_access
from tests import factories
from voice import representatives
from voice.models import Representative

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 12, 7)


def _list_url(network):
    return reverse("voice:representative_list", args=[network.slug])


# The rules, directly -----------------------------------------------------------


def test_a_member_named_as_representative_is_listed_under_their_name(network, coordinator, member):
    representative = representatives.add_representative(
        network=network,
        by=coordinator,
        person=member,
        board="  the Schools Forum ",
        term_starts_on=TODAY,
    )

    assert representative.person == member
    assert representative.name == member.get_full_name()
    assert representative.board == "the Schools Forum"
    assert representative.term_ends_on is None


def test_a_member_without_a_name_is_not_listed_by_their_email_address(network, coordinator):
    # "Who represents us" is public: a member who gave no name must not appear there as
    # their address; the coordinator gives the name instead.
    nameless = factories.make_head(first_name="", last_name="", email="nameless@school.example")
    factories.make_membership(person=nameless, network=network)

    with pytest.raises(ValidationError) as refused:
        representatives.add_representative(
            network=network, by=coordinator, person=nameless, board="SACRE", term_starts_on=TODAY
        )

    assert "person" in refused.value.message_dict
    assert "nameless@school.example" not in str(refused.value)
    assert not Representative.objects.exists()


def test_someone_outside_headnet_is_named_by_their_name(network, coordinator):
    representative = representatives.add_representative(
        network=network, by=coordinator, name="Pat Governor", board="SACRE", term_starts_on=TODAY
    )

    assert representative.person is None
    assert representative.name == "Pat Governor"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"name": ""}, "person"),  # neither a member nor a name
        ({"name": "Pat", "person": "member"}, "name"),  # both
        ({"name": "Pat", "board": " "}, "board"),
        ({"name": "Pat", "term_ends_on": TODAY - datetime.timedelta(days=1)}, "term_ends_on"),
    ],
)
def test_a_representative_needs_one_name_a_board_and_a_term_that_ends_after_it_starts(
    network, coordinator, member, fields, field
):
    if fields.get("person") == "member":
        fields = {**fields, "person": member}
    with pytest.raises(ValidationError) as refused:
        representatives.add_representative(
            network=network,
            by=coordinator,
            **{"board": "SACRE", "term_starts_on": TODAY, **fields},
        )
    assert field in refused.value.message_dict
    assert not Representative.objects.exists()


def test_only_an_active_member_of_the_network_can_be_named(
    network, coordinator, outsider_member, head
):
    applicant = factories.make_head()
    factories.make_membership(person=applicant, network=network, status="pending")
    for person in (outsider_member, head, applicant):
        with pytest.raises(ValidationError, match="active member"):
            representatives.add_representative(
                network=network, by=coordinator, person=person, board="SACRE", term_starts_on=TODAY
            )


def test_adding_and_ending_a_term_are_on_the_record(network, coordinator, member):
    representative = representatives.add_representative(
        network=network, by=coordinator, person=member, board="SACRE", term_starts_on=TODAY
    )
    representatives.end_term(
        representative=representative, by=coordinator, ends_on=TODAY + datetime.timedelta(days=1)
    )

    added, ended = AuditEvent.objects.for_object(representative).order_by("pk")
    assert (added.action, ended.action) == ("representative.added", "representative.term_ended")
    assert added.actor == ended.actor == coordinator
    assert added.subject == member
    assert added.network_id == ended.network_id == network.pk
    assert "SACRE" in added.summary
    assert ended.changes == {"Term ends": ["", "2026-12-08"]}


def test_a_term_ended_today_is_past_at_once_and_cannot_be_ended_twice(network, coordinator):
    representative = factories.make_representative(network=network)

    representatives.end_term(representative=representative, by=coordinator)

    representative.refresh_from_db()
    assert representative.term_ends_on == timezone.localdate()
    assert not representatives.is_current(representative)
    assert list(representatives.current_of(network)) == []
    assert list(representatives.past_of(network)) == [representative]
    with pytest.raises(ValidationError, match="already ended"):
        representatives.end_term(representative=representative, by=coordinator)


def test_a_term_cannot_end_before_it_started(network, coordinator):
    representative = factories.make_representative(network=network, term_starts_on=TODAY)
    with pytest.raises(ValidationError):
        representatives.end_term(
            representative=representative,
            by=coordinator,
            ends_on=TODAY - datetime.timedelta(days=1),
        )


def test_the_current_terms_query_and_the_one_in_hand_agree(network):
    today = timezone.localdate()
    for ends in (None, today - datetime.timedelta(days=1), today, today + datetime.timedelta(1)):
        factories.make_representative(network=network, term_ends_on=ends)

    listed = set(representatives.current_of(network))

    assert listed == {
        rep for rep in network.representatives.all() if representatives.is_current(rep)
    }
    assert {rep.term_ends_on for rep in listed} == {None, today + datetime.timedelta(days=1)}


def test_only_coordinators_and_staff_manage_representatives(
    network, member, coordinator, administrator, staff, outsider_coordinator
):
    def manages(user):
        return representatives.can_manage(network_access.for_network(user, network))

    assert [manages(user) for user in (coordinator, administrator, staff)] == [True] * 3
    assert [manages(user) for user in (member, outsider_coordinator)] == [False, False]


# The pages ---------------------------------------------------------------------


def test_a_coordinator_adds_a_member_from_the_list_of_members_only(
    client, network, coordinator, member, outsider_member
):
    client.force_login(coordinator)
    url = reverse("voice:representative_add", args=[network.slug])

    form = client.get(url).content.decode()
    assert member.get_full_name() in form
    assert outsider_member.get_full_name() not in form

    response = client.post(
        url,
        {"person": member.pk, "board": "the Schools Forum", "term_starts_on": "2026-09-01"},
        follow=True,
    )

    assert f"{member.get_full_name()} is listed on the Schools Forum." in response.content.decode()
    assert Representative.objects.get().person == member
    refused = client.post(
        url, {"person": outsider_member.pk, "board": "SACRE", "term_starts_on": "2026-09-01"}
    )
    assert "Select a valid choice" in refused.content.decode()
    assert Representative.objects.count() == 1


def test_a_form_with_neither_a_member_nor_a_name_says_so_at_the_field(client, network, coordinator):
    client.force_login(coordinator)
    response = client.post(
        reverse("voice:representative_add", args=[network.slug]),
        {"board": "SACRE", "term_starts_on": "2026-09-01"},
    )

    assert "Choose the member who represents the network, or give a name." in (
        response.content.decode()
    )
    assert not Representative.objects.exists()


def test_a_member_cannot_add_a_representative_or_end_a_term(client, network, member):
    representative = factories.make_representative(network=network, name="Pat Governor")
    client.force_login(member)

    added = client.post(
        reverse("voice:representative_add", args=[network.slug]),
        {"name": "Me", "board": "SACRE", "term_starts_on": "2026-09-01"},
    )
    ended = client.post(
        reverse("voice:representative_end", args=[network.slug, representative.pk]),
        {"ends_on": timezone.localdate().isoformat()},
    )

    assert (added.status_code, ended.status_code) == (403, 403)
    assert Representative.objects.get().term_ends_on is None


def test_a_coordinator_ends_a_term_and_it_moves_to_past_terms(client, network, coordinator):
    representative = factories.make_representative(network=network, name="Pat Governor")
    client.force_login(coordinator)

    response = client.post(
        reverse("voice:representative_end", args=[network.slug, representative.pk]),
        {"ends_on": timezone.localdate().isoformat()},
        follow=True,
    )

    page = response.content.decode()
    assert "Pat Governor&#x27;s term on the Schools Forum is ended." in page
    assert page.index("Past terms") < page.index('<th scope="row">Pat Governor</th>')


def test_a_visitor_sees_who_represents_the_network_but_no_way_to_reports(client, network):
    factories.make_representative(network=network, name="Pat Governor", board="SACRE")
    factories.make_representative(
        network=network,
        name="Jo Former",
        term_starts_on=TODAY - datetime.timedelta(days=900),
        term_ends_on=timezone.localdate() - datetime.timedelta(days=1),
    )

    network_page = client.get(network.get_absolute_url()).content.decode()
    listing = client.get(_list_url(network)).content.decode()

    assert "Who represents us" in network_page
    assert "Pat Governor, on SACRE" in network_page
    assert "Jo Former" not in network_page  # a past term is on the list page only
    assert "Jo Former" in listing
    for page in (network_page, listing):
        assert reverse("voice:report_list", args=[network.slug]) not in page
        assert "Add a representative" not in page


def test_a_member_is_shown_the_way_to_the_reports(client, network, member):
    factories.make_representative(network=network)
    client.force_login(member)

    page = client.get(network.get_absolute_url()).content.decode()

    assert reverse("voice:report_list", args=[network.slug]) in page


def test_a_visitor_sees_a_new_representative_at_once_though_the_page_is_cached(
    client, network, coordinator
):
    first = client.get(network.get_absolute_url()).content.decode()
    with CaptureQueriesContext(connection) as cached:
        client.get(network.get_absolute_url())
    assert len(cached) == 0  # served from the cache
    assert "Who represents us" not in first

    representatives.add_representative(
        network=network, by=coordinator, name="Pat Governor", board="SACRE", term_starts_on=TODAY
    )

    assert "Pat Governor, on SACRE" in client.get(network.get_absolute_url()).content.decode()


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def _add(network, count):
    for number in range(count):
        factories.make_representative(
            network=network,
            person=factories.make_head() if number % 2 else None,
            board=f"Board {number}",
            term_ends_on=timezone.localdate() - datetime.timedelta(days=1) if number % 3 else None,
        )


@pytest.mark.parametrize("viewer", ["visitor", "member", "coordinator"])
def test_the_list_and_the_network_page_take_as_many_queries_for_many_representatives(
    client, network, viewer, request, django_assert_max_num_queries
):
    if viewer != "visitor":
        client.force_login(request.getfixturevalue(viewer))
    _add(network, 3)
    few = [_queries(client, _list_url(network)), _queries(client, network.get_absolute_url())]

    _add(network, 40)

    with django_assert_max_num_queries(6):
        many_list = _queries(client, _list_url(network))
    assert [many_list, _queries(client, network.get_absolute_url())] == few
