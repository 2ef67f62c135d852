"""/me/ is kept for its person (portal.mine): each kind of write it shows shows at once, to
that person, and never on another person's /me/."""

import datetime
import pickle

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core import pagecache
from fees import services as fee_services
from fees.models import FeeScheme
from meetings import services as meeting_services
from meetings.models import Meeting
from members import suppression
from networks import services as network_services
from networks.models import Membership, Network
from networks.services.workhubs import join_workhub
from tests import factories

pytestmark = pytest.mark.django_db

PUBLIC = Meeting.Audience.PUBLIC
SPREADSHEET_COLUMNS = {"name": 0, "email": 1, "urn": 2, "role": 3}


def _me(client, person) -> str:
    client.force_login(person)
    response = client.get(reverse("me"))
    assert response.status_code == 200
    return response.content.decode()


def _kept(client, person) -> str:
    """Their /me/, now kept: asked again, it costs only the query for the signed-in user."""
    _me(client, person)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("me")).content.decode()
    assert len(queries) == 1, [query["sql"][:80] for query in queries]
    return page


def _section(page: str, heading: str) -> str:
    start = page.index(f'aria-labelledby="{heading}"')
    return page[start : page.index("</section>", start)]


def test_a_network_joined_shows_on_my_page_and_on_nobody_elses(client, head, member):
    network = factories.make_network(name="Cherwell Primary Heads")
    assert "Cherwell Primary Heads" not in _section(_kept(client, head), "mine-heading")
    before = _section(_kept(client, member), "mine-heading")

    network_services.join_network(person=head, network=network)

    assert "Cherwell Primary Heads" in _section(_me(client, head), "mine-heading")
    assert _section(_me(client, member), "mine-heading") == before


def test_a_network_left_goes_from_my_page(client, member, network):
    assert network.display_name in _section(_kept(client, member), "mine-heading")

    network_services.leave_network(person=member, network=network)

    assert network.display_name not in _section(_me(client, member), "mine-heading")


def test_a_renamed_network_shows_its_new_name(client, member, network):
    _kept(client, member)

    network.name = "North Oxfordshire Primary Heads"  # as the admin's form saves it
    network.save()

    assert "North Oxfordshire Primary Heads" in _me(client, member)


def test_a_workhub_place_shows_on_my_page_only(client, member, network):
    workhub = factories.make_workhub(network=network, name="Early Reading")
    other = factories.make_user(email="other.member@school.example")
    factories.make_membership(person=other, network=network)
    _kept(client, member)
    _kept(client, other)

    join_workhub(person=member, workhub=workhub)

    assert "Your workhubs" in _me(client, member)
    assert "Your workhubs" not in _me(client, other)


def test_a_meeting_of_my_network_shows_in_my_schedule_not_an_outsiders(
    client, member, network, outsider_member
):
    _kept(client, member)
    _kept(client, outsider_member)

    factories.make_meeting(network=network, title="Spring term briefing")

    assert "Spring term briefing" in _section(_me(client, member), "schedule-heading")
    assert "Spring term briefing" not in _me(client, outsider_member)


def test_another_persons_registration_shows_in_the_places_left(client, member, network):
    meeting = factories.make_meeting(network=network, capacity=10)
    assert "10 places left" in _kept(client, member)

    factories.make_registration(meeting=meeting, person=factories.make_user())

    assert "9 places left" in _me(client, member)


def test_a_meeting_i_registered_for_outside_my_networks_follows_its_changes(
    client, member, other_network
):
    meeting = factories.make_meeting(network=other_network, title="Open day", audience=PUBLIC)
    _kept(client, member)

    meeting_services.register(meeting=meeting, person=member)
    assert "Open day" in _section(_kept(client, member), "schedule-heading")

    meeting.title = "Open day, moved to the hall"
    meeting.save()

    assert "Open day, moved to the hall" in _me(client, member)


def test_a_past_meeting_leaves_my_schedule_within_the_kept_time(client, member, network):
    now = timezone.now()
    meeting = factories.make_meeting(
        network=network, title="Soon over", starts_at=now + datetime.timedelta(hours=1)
    )
    assert "Soon over" in _kept(client, member)

    later = meeting.ends_at + datetime.timedelta(seconds=pagecache.PAGE_SECONDS + 1)
    with time_machine.travel(later, tick=False):
        assert "Soon over" not in _me(client, member)


def test_a_request_to_join_shows_to_the_networks_administrator_not_its_members(
    client, administrator, member, network
):
    Network.objects.filter(pk=network.pk).update(join_policy=Network.JoinPolicy.APPROVAL)
    _kept(client, administrator)
    _kept(client, member)

    factories.make_membership(person=factories.make_head(), network=network, status="pending")

    assert "1 request to decide" in _me(client, administrator)
    assert "request to decide" not in _me(client, member)


def test_a_claim_at_my_school_shows_to_me_not_to_another_head(client, head):
    other_head = factories.make_head(email="other.head@school.example")
    _kept(client, head)
    _kept(client, other_head)

    factories.make_post(person=factories.make_user(first_name="Cal", last_name="Claimant"),
                        school=head.posts.get().school, verified=False)  # fmt: skip

    assert "Cal Claimant" in _me(client, head)
    assert "Cal Claimant" not in _me(client, other_head)


def test_an_invoice_raised_for_my_school_shows_on_my_page(client, network, staff):
    Network.objects.filter(pk=network.pk).update(basis=Network.Basis.SCHOOL)
    FeeScheme.objects.create(network=network, flat_amount_pence=45000, reference_prefix="OX")
    school = factories.make_school()
    seat_holder = factories.make_head(school=school)
    factories.make_membership(person=seat_holder, network=network, school=school)
    assert "not invoiced yet" in _kept(client, seat_holder)

    fee_services.raise_invoices(network=Network.objects.get(pk=network.pk), by=staff)

    assert "<strong>due</strong>, £450.00" in _me(client, seat_holder)


def test_a_new_network_in_my_area_is_suggested(client, head):
    assert "Banbury Heads Together" not in _kept(client, head)

    factories.make_network(name="Banbury Heads Together")

    assert "Banbury Heads Together" in _section(_me(client, head), "suggested-heading")


def test_an_invitation_shows_to_its_address_only(client, head, member, administrator, network):
    other = factories.make_network(name="Invited Heads", join_policy="invitation")
    factories.make_membership(person=administrator, network=other, role="administrator")
    _kept(client, head)
    _kept(client, member)

    invitation = network_services.invite(network=other, email=head.email.upper(), by=administrator)

    assert "Invitations waiting for you" in _me(client, head)
    assert "Invitations waiting for you" not in _me(client, member)

    invitation.delete()  # withdrawn

    assert "Invitations waiting for you" not in _me(client, head)


def test_stopped_bulk_mail_shows_on_my_page_only_until_lifted(client, member, head):
    _kept(client, member)
    _kept(client, head)

    suppression.record_complaint(member.email)

    assert "reported as spam" in _me(client, member)
    assert "reported as spam" not in _me(client, head)

    suppression.resume_bulk_mail(person=member)

    assert "reported as spam" not in _me(client, member)


def test_a_new_calendar_address_shows_at_once(client, member):
    page = _kept(client, member)
    old = meeting_services.calendar_feed_for(member).token
    assert old in page

    new = meeting_services.reset_calendar_token(person=member).token

    page = _me(client, member)
    assert new in page and old not in page


def test_a_name_given_on_the_profile_stops_the_reminder(client):
    person = factories.make_head(first_name="", last_name="")
    assert "Add your name and your post" in _kept(client, person)

    person.first_name, person.last_name = "Nia", "Named"
    person.save()

    assert "Add your name and your post" not in _me(client, person)


def test_a_role_given_shows_the_network_office_link(client, member, network):
    office = reverse("office:home", args=[network.slug])
    assert office not in _kept(client, member)

    membership = Membership.objects.get(person=member, network=network)
    network_services.set_role(membership=membership, role="coordinator", by=None)

    assert office in _me(client, member)


def test_an_invitation_from_a_member_spreadsheet_shows_to_its_address(
    client, head, administrator, network
):
    school = head.posts.get().school
    _kept(client, head)

    batch = network_services.start_import(
        network=network,
        by=administrator,
        headers=["Name", "Email", "URN", "Role"],
        cells=[["Hal Head", head.email, str(school.urn), "Headteacher"]],
        lines=[2],
        columns=SPREADSHEET_COLUMNS,
    )
    network_services.set_columns(batch=batch, by=administrator, columns=SPREADSHEET_COLUMNS)
    network_services.confirm_import(batch=batch, by=administrator, confirm_posts=False)

    assert "Invitations waiting for you" in _me(client, head)


def test_what_is_kept_for_me_holds_nobody_elses_password_hash(client, head, administrator, network):
    # A claimant, an inviter and a mentor each shown on the head's /me/ and home page.
    claimant = factories.make_user(first_name="Cal", last_name="Claimant")
    factories.make_post(person=claimant, school=head.posts.get().school, verified=False)
    other = factories.make_network(name="Invited Heads", join_policy="invitation")
    factories.make_membership(person=administrator, network=other, role="administrator")
    network_services.invite(network=other, email=head.email, by=administrator)
    page = _me(client, head)
    assert "Cal Claimant" in page and "Invitations waiting for you" in page
    client.get(reverse("home"))

    kept = pickle.dumps(
        [cache.get(f"portal:me:{head.pk}"), cache.get(f"portal:home:own:{head.pk}")]
    )

    assert b"Cal" in kept and b"Invited Heads" in kept  # what the pages show is kept
    for person in (claimant, administrator):
        assert person.password.encode() not in kept
