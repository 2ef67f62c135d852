"""A poll's results are refused to everyone before the poll's rule lets them see it
(voice.results), and then shown plainly."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from networks.access import for_network
from networks.models import Membership, Network
from tests import factories
from voice import results

pytestmark = pytest.mark.django_db

EVERYONE = ["head", "member", "coordinator", "administrator", "outsider_member", "staff"]


def _url(poll):
    return reverse("voice:poll_results", args=[poll.network.slug, poll.pk])


def _answers(client, request, poll, people):
    """{persona: status (or "login")} for the results page."""
    got = {}
    for persona in people:
        client.logout()
        if persona != "visitor":
            client.force_login(request.getfixturevalue(persona))
        response = client.get(_url(poll))
        got[persona] = "login" if response.status_code == 302 else response.status_code
    return got


@pytest.fixture
def proposal(network, coordinator, member):
    """An open proposal started by the coordinator, in which the member has voted."""
    poll = factories.make_poll_record(network=network, created_by=coordinator, title="Meet monthly")
    factories.cast_ballot(poll, person=member, position="block", text="Exam season.")
    return poll


def test_an_open_poll_shown_when_it_closes_is_refused_to_everyone(client, request, proposal):
    got = _answers(client, request, proposal, ["visitor", *EVERYONE])
    assert got == {"visitor": "login", **dict.fromkeys(EVERYONE, 403)}


def test_the_refusal_says_when_the_results_will_be_shown(client, member, proposal):
    client.force_login(member)
    response = client.get(_url(proposal))
    assert b"The results are shown when the poll closes." in response.content
    assert b"Exam season" not in response.content


def test_shown_after_voting_only_the_voter_sees_them_while_the_poll_is_open(
    client, request, proposal
):
    proposal.results_shown = "after_voting"
    proposal.save()
    got = _answers(client, request, proposal, EVERYONE)
    # The starter (the coordinator) and staff wait like everyone else who has not voted.
    assert got == {**dict.fromkeys(EVERYONE, 403), "member": 200}


def test_a_starter_who_votes_sees_them_as_any_voter_does(client, coordinator, proposal):
    proposal.results_shown = "after_voting"
    proposal.save()
    factories.cast_ballot(proposal, person=coordinator, position="agree")
    client.force_login(coordinator)
    assert client.get(_url(proposal)).status_code == 200


def test_a_voter_who_has_left_the_network_is_refused(client, member, proposal):
    proposal.results_shown = "after_voting"
    proposal.save()
    Membership.objects.filter(person=member).update(status=Membership.Status.LEFT)
    client.force_login(member)
    assert client.get(_url(proposal)).status_code == 403


def test_a_closed_poll_is_shown_to_members_and_staff_only(client, request, proposal):
    proposal.state = "closed"
    proposal.save()
    got = _answers(client, request, proposal, ["visitor", *EVERYONE])
    assert got == {
        "visitor": "login",
        "head": 403,
        "outsider_member": 403,
        "member": 200,
        "coordinator": 200,
        "administrator": 200,
        "staff": 200,
    }


def test_a_draft_and_another_network_s_poll_are_not_found(client, staff, network, other_network):
    draft = factories.make_poll_record(network=network, state="draft")
    elsewhere = factories.make_poll_record(network=other_network, state="closed")
    client.force_login(staff)
    assert client.get(_url(draft)).status_code == 404
    crossed = reverse("voice:poll_results", args=[network.slug, elsewhere.pk])
    assert client.get(crossed).status_code == 404


def test_a_school_poll_shows_them_to_the_seat_holder_once_the_school_has_voted(
    client, network, member
):
    Network.objects.filter(pk=network.pk).update(basis=Network.Basis.SCHOOL)
    school = member.posts.get().school
    Membership.objects.filter(person=member).update(school=school)
    poll = factories.make_poll_record(
        network=network, voters="schools", results_shown="after_voting"
    )
    client.force_login(member)
    assert client.get(_url(poll)).status_code == 403
    # The school's vote, cast by a head who has since passed the seat on, counts as its.
    former = factories.make_head(school=school)
    factories.cast_ballot(poll, person=former, school=school, position="agree")
    assert client.get(_url(poll)).status_code == 200


def test_the_rule_directly(network, member, proposal):
    perms = for_network(member, network)
    assert not results.may_see_results(proposal, perms, voted=True)
    proposal.results_shown = "after_voting"
    assert results.may_see_results(proposal, perms, voted=True)
    assert not results.may_see_results(proposal, perms, voted=False)
    proposal.state = "closed"
    assert results.may_see_results(proposal, perms, voted=False)
    proposal.state = "draft"
    assert not results.may_see_results(proposal, perms, voted=True)


def test_a_closed_proposal_shows_its_count_and_named_reasons(client, member, proposal):
    proposal.state = "closed"
    proposal.save()
    client.force_login(member)
    page = client.get(_url(proposal)).content.decode()
    assert "Positions, from 1 vote" in page
    assert '<th scope="row">Block</th><td class="text-end">1</td>' in page
    assert "Exam season." in page
    assert member.get_full_name() in page


def test_a_ranked_poll_shows_each_round(client, network, member):
    poll = factories.make_poll_record(
        network=network, kind="ranked", options=["Reading", "Maths", "Art"], state="closed"
    )
    for ranking in (["Reading"], ["Reading"], ["Maths"], ["Maths"], ["Art", "Maths"]):
        factories.cast_ballot(poll, person=factories.make_user(), ranked=ranking)
    client.force_login(member)
    page = client.get(_url(poll)).content.decode()
    assert "Chosen: Maths" in page
    assert "Round 1: Art eliminated" in page
    assert "Round 2</caption>" in page


def test_a_secret_poll_shows_no_names(client, network, member):
    poll = factories.make_poll_record(network=network, kind="question", secret=True, state="closed")
    voter = factories.make_user(first_name="Quentin", last_name="Voter")
    factories.cast_ballot(poll, person=voter, text="More on attendance.")
    client.force_login(member)
    page = client.get(_url(poll)).content.decode()
    assert "More on attendance." in page
    assert "Quentin" not in page


def test_the_results_page_s_queries_do_not_grow_with_the_ballots(client, network, member):
    poll = factories.make_poll_record(network=network, kind="proposal", state="closed")
    factories.cast_ballot(poll, person=factories.make_user(), position="agree", text="Yes")
    client.force_login(member)
    with CaptureQueriesContext(connection) as few:
        client.get(_url(poll))
    for _ in range(15):
        factories.cast_ballot(poll, person=factories.make_user(), position="block", text="No")
    with CaptureQueriesContext(connection) as many:
        client.get(_url(poll))
    assert len(many) == len(few) <= 12
