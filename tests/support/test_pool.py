"""Who serves in the confidential roles: coaches and brokers are added and removed only
through support.coaching and support.mentoring, never by the person themselves, with a
record and a word to the pool (security test findings 5 and 7, and the review's)."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from core.models import AuditEvent
from networks import services as network_services
from support import coaching, mentoring
from support.models import Broker, Coach, MentoringScheme
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def stranger(db):
    """Someone in none of anybody's networks."""
    return factories.make_user(
        email="zebedee@elsewhere.example", first_name="Zebedee", last_name="Strangeways"
    )


def _assert_nothing_of(person, page: str):
    for detail in (person.first_name, person.last_name, person.email):
        assert detail not in page, detail


def test_a_network_administrator_posting_a_stranger_s_id_to_the_coach_form_learns_nothing(
    client, network, administrator, stranger
):
    """Finding 7: the raw-id widget printed the chosen person's name for any id."""
    client.force_login(administrator)
    for data in (
        {"network": "", "person": stranger.pk},
        {"person": stranger.pk, "email": ""},
        {"network": network.pk, "person": stranger.pk},
    ):
        response = client.post(reverse("admin:support_coach_add"), data)
        assert response.status_code == 200  # the form again, with its errors
        _assert_nothing_of(stranger, response.content.decode())
    assert not Coach.objects.exists()


def test_a_network_administrator_posting_a_stranger_s_id_as_a_broker_learns_nothing(
    client, network, administrator, stranger
):
    scheme = MentoringScheme.objects.create(name="Mentoring", slug="mentoring", network=network)
    client.force_login(administrator)
    inline = {
        "brokers-TOTAL_FORMS": "1", "brokers-INITIAL_FORMS": "0", "brokers-MIN_NUM_FORMS": "0",
        "brokers-MAX_NUM_FORMS": "1000", "brokers-0-person": stranger.pk, "brokers-0-scheme": "",
    }  # fmt: skip
    response = client.post(
        reverse("admin:support_mentoringscheme_change", args=[scheme.pk]),
        {"name": "", "slug": scheme.slug, "network": network.pk, **inline},
    )
    _assert_nothing_of(stranger, response.content.decode())
    assert not Broker.objects.exists()
    add = client.post(
        reverse("admin:support_broker_add"), {"scheme": scheme.pk, "person": stranger.pk}
    )
    _assert_nothing_of(stranger, add.content.decode())
    assert not Broker.objects.exists()


# Finding 5: nobody enrols themselves; every change is recorded and told to the pool ------

SECRET = "My head of governors shouts at me"


@pytest.fixture
def waiting(heads_up, coach, other_coach, requester):
    """A request waiting for the pool (the coaches' emails about it already sent)."""
    item = coaching.ask_for_support(
        network=heads_up, requester=requester, help="talk", contact_by="phone",
        contact_details="07700 900555", contact_when="After nine", note=SECRET,
    )  # fmt: skip
    mail.outbox.clear()
    return item


@pytest.fixture
def heads_up_administrator(heads_up):
    person = factories.make_user(email="hu.admin@school.example", first_name="Hal", last_name="Ad")
    factories.make_membership(person=person, network=heads_up, role="administrator")
    network_services.sync_admin_site_access(person)
    return person


def _sees_nothing_of(client, person, item):
    client.force_login(person)
    assert client.get(reverse("support:coach", args=[item.network.slug])).status_code == 404
    url = reverse("support:request", args=[item.network.slug, item.pk])
    assert client.get(url).status_code == 404


def _pool_mail(subject_part: str) -> dict[str, str]:
    """{recipient: body} of the emails about a change to a pool."""
    found = {}
    for message in mail.outbox:
        if subject_part in message.subject:
            (recipient,) = message.to
            found[recipient] = message.body
    return found


@pytest.mark.parametrize("who", ["staff", "heads_up_administrator"])
def test_nobody_makes_themselves_a_coach_in_the_admin_so_nobody_reads_requests_that_way(
    client, request, who, waiting
):
    """Finding 5: a superuser (or the network's administrator) added themselves as a coach
    in the admin and read the waiting request: who asked, their number, what help."""
    person = request.getfixturevalue(who)
    client.force_login(person)
    response = client.post(
        reverse("admin:support_coach_add"),
        {"network": waiting.network.pk, "person": person.pk, "email": person.email},
    )
    assert response.status_code == 200
    assert "Nobody adds themselves to a coach pool" in response.content.decode()
    assert not Coach.objects.filter(person=person).exists()
    _sees_nothing_of(client, person, waiting)
    with pytest.raises(ValidationError):
        coaching.add_coach(network=waiting.network, person=person, by=person)


def test_nobody_makes_themselves_a_broker_in_the_admin(client, staff, scheme, mentor, new_head):
    """Finding 5: as a broker, a superuser read every pairing and check-in answer."""
    client.force_login(staff)
    client.post(
        reverse("admin:support_broker_add"),
        {"scheme": scheme.pk, "person": staff.pk, "email": staff.email},
    )
    inline = {
        "brokers-TOTAL_FORMS": "1", "brokers-INITIAL_FORMS": "0", "brokers-MIN_NUM_FORMS": "0",
        "brokers-MAX_NUM_FORMS": "1000", "brokers-0-person": staff.pk,
        "brokers-0-scheme": scheme.pk,
    }  # fmt: skip
    client.post(
        reverse("admin:support_mentoringscheme_change", args=[scheme.pk]),
        {"name": scheme.name, "slug": scheme.slug, "network": scheme.network_id,
         "is_open": "on", **inline},
    )  # fmt: skip
    assert not Broker.objects.exists()
    assert client.get(reverse("support:broker", args=[scheme.slug])).status_code == 404
    with pytest.raises(ValidationError):
        mentoring.add_broker(scheme=scheme, person=staff, by=staff)


def test_a_coach_added_by_someone_else_is_recorded_and_the_pool_is_told_who_added_whom(
    client, heads_up, heads_up_administrator, coach, other_coach, waiting
):
    newcomer = factories.make_head(email="newcomer@school.example", first_name="Nell")
    factories.make_membership(person=newcomer, network=heads_up)
    client.force_login(heads_up_administrator)
    response = client.post(
        reverse("admin:support_coach_add"),
        {"network": heads_up.pk, "email": "NEWCOMER@school.example"},
    )

    assert response.status_code == 302
    added = Coach.objects.get(person=newcomer)
    assert added.added_by == heads_up_administrator
    event = AuditEvent.objects.get(action="support.coach_added")
    assert (event.actor, event.subject, event.network_id) == (
        heads_up_administrator, newcomer, heads_up.pk,
    )  # fmt: skip
    assert "Nell" not in event.summary + event.object_repr  # names live in actor and subject
    told = _pool_mail("joined the coach pool of Heads Up")
    assert set(told) == {coach.email, other_coach.email, newcomer.email}
    for body in told.values():
        assert "Nell Number" in body and "Hal Ad" in body
        for detail in (SECRET, "07700", "After nine", "Rhian", "in.crisis"):
            assert detail not in body
    # The administrator sees the pool, never the request; the new coach sees the request.
    _sees_nothing_of(client, heads_up_administrator, waiting)
    client.force_login(newcomer)
    url = reverse("support:request", args=[heads_up.slug, waiting.pk])
    assert SECRET in client.get(url).content.decode()


def test_a_broker_added_by_someone_else_is_recorded_and_the_brokers_are_told(
    client, staff, scheme, broker
):
    newcomer = factories.make_head(email="new.broker@school.example", first_name="Bea")
    client.force_login(staff)
    response = client.post(
        reverse("admin:support_broker_add"), {"scheme": scheme.pk, "email": newcomer.email}
    )
    assert response.status_code == 302
    assert Broker.objects.get(person=newcomer).added_by == staff
    event = AuditEvent.objects.get(action="support.broker_added")
    assert (event.actor, event.subject, event.network_id) == (staff, newcomer, scheme.network_id)
    told = _pool_mail("joined the brokers of OASSH mentoring")
    assert set(told) == {broker.email, newcomer.email}


def test_an_administrator_names_only_members_of_their_networks_and_only_to_their_pools(
    client, heads_up, heads_up_administrator, other_network, stranger, coach
):
    client.force_login(heads_up_administrator)
    response = client.post(
        reverse("admin:support_coach_add"), {"network": heads_up.pk, "email": stranger.email}
    )
    assert "Nobody you may name has that address" in response.content.decode()
    _assert_nothing_of(stranger, response.content.decode().replace(stranger.email, "", 1))
    member = factories.make_head(email="hu.member@school.example")
    factories.make_membership(person=member, network=heads_up)
    response = client.post(
        reverse("admin:support_coach_add"), {"network": other_network.pk, "email": member.email}
    )
    assert response.status_code == 200
    assert list(Coach.objects.values_list("person", flat=True)) == [coach.pk]


def test_a_coach_row_is_never_changed_into_someone_else(client, staff, heads_up, coach):
    row = Coach.objects.get(person=coach)
    client.force_login(staff)
    url = reverse("admin:support_coach_change", args=[row.pk])
    assert client.get(url).status_code == 200  # to read
    client.post(url, {"network": heads_up.pk, "person": staff.pk})
    row.refresh_from_db()
    assert row.person == coach


# Also from review: a removed coach's requests go back to the pool -------------------------


def test_removing_a_coach_in_the_admin_hands_their_requests_back_to_the_pool(
    client, staff, heads_up, coach, other_coach, waiting
):
    coaching.take_request(support_request=waiting, coach=coach)
    mail.outbox.clear()
    client.force_login(staff)
    row = Coach.objects.get(person=coach)
    response = client.post(
        reverse("admin:support_coach_delete", args=[row.pk]), {"post": "yes"}, follow=True
    )
    assert "waiting for the pool again" in response.content.decode()

    waiting.refresh_from_db()
    assert (waiting.state, waiting.coach, waiting.taken_at) == ("waiting", None, None)
    assert not Coach.objects.filter(person=coach).exists()
    event = AuditEvent.objects.get(action="support.coach_removed")
    assert (event.actor, event.subject) == (staff, coach)
    # The pool is told, without detail: the neutral email that something waits, and who
    # removed whom (to the removed coach too).
    assert [m.to for m in mail.outbox if "request is waiting" in m.subject] == [[other_coach.email]]
    assert set(_pool_mail("left the coach pool of Heads Up")) == {coach.email, other_coach.email}
    for message in mail.outbox:
        for detail in (SECRET, "07700", "Rhian"):
            assert detail not in message.subject + message.body
    _sees_nothing_of(client, coach, waiting)
    coaching.take_request(support_request=waiting, coach=other_coach)


def test_removing_coaches_in_bulk_goes_through_the_service_too(
    client, staff, heads_up, coach, other_coach, waiting
):
    coaching.take_request(support_request=waiting, coach=coach)
    client.force_login(staff)
    client.post(
        reverse("admin:support_coach_changelist"),
        {"action": "delete_selected", "_selected_action": [Coach.objects.get(person=coach).pk],
         "post": "yes"},
    )  # fmt: skip
    waiting.refresh_from_db()
    assert (waiting.state, waiting.coach) == ("waiting", None)
    assert AuditEvent.objects.filter(action="support.coach_removed").count() == 1


def test_removing_a_coach_from_one_pool_leaves_what_they_hold_in_another(
    staff, heads_up, network, coach, requester, waiting
):
    Coach.objects.create(network=network, person=coach)
    elsewhere = coaching.ask_for_support(
        network=network, requester=requester, help="talk", contact_by="email"
    )
    coaching.take_request(support_request=waiting, coach=coach)
    coaching.take_request(support_request=elsewhere, coach=coach)
    coaching.remove_coach(coach=Coach.objects.get(network=heads_up, person=coach), by=staff)
    waiting.refresh_from_db()
    elsewhere.refresh_from_db()
    assert (waiting.state, waiting.coach) == ("waiting", None)
    assert (elsewhere.state, elsewhere.coach) == ("taken", coach)


def test_a_coach_out_of_the_pool_takes_nothing(heads_up, coach, staff, waiting):
    coaching.remove_coach(coach=Coach.objects.get(person=coach), by=staff)
    with pytest.raises(ValidationError, match="Only the network's coaches"):
        coaching.take_request(support_request=waiting, coach=coach)


def test_only_the_coach_holding_a_request_notes_or_closes_it(coach, other_coach, waiting):
    """Who holds a request is coaching's rule (it stood in a view)."""
    coaching.take_request(support_request=waiting, coach=coach)
    with pytest.raises(ValidationError, match="Take the request first"):
        coaching.add_note(support_request=waiting, author=other_coach, text="Mine now")
    with pytest.raises(ValidationError, match="Take the request first"):
        coaching.close_request(support_request=waiting, coach=other_coach)
    coaching.add_note(support_request=waiting, author=coach, text="Called")
    assert coaching.close_request(support_request=waiting, coach=coach).state == "closed"


def test_a_coach_out_of_the_pool_no_longer_opens_a_request_they_closed(
    client, staff, coach, waiting
):
    """Issue 20's mutation: a coach kept access to a request after leaving the pool."""
    coaching.take_request(support_request=waiting, coach=coach)
    coaching.close_request(support_request=waiting, coach=coach)
    client.force_login(coach)
    url = reverse("support:request", args=[waiting.network.slug, waiting.pk])
    assert client.get(url).status_code == 200
    coaching.remove_coach(coach=Coach.objects.get(person=coach), by=staff)
    assert client.get(url).status_code == 404


def test_a_scheme_page_lists_its_brokers_to_read_and_still_saves(client, staff, scheme, broker):
    client.force_login(staff)
    url = reverse("admin:support_mentoringscheme_change", args=[scheme.pk])
    page = client.get(url).content.decode()
    assert "Bo Ker" in page and 'name="brokers-0-person"' not in page
    management = {
        "brokers-TOTAL_FORMS": "1", "brokers-INITIAL_FORMS": "1", "brokers-MIN_NUM_FORMS": "0",
        "brokers-MAX_NUM_FORMS": "1000", "brokers-0-id": Broker.objects.get().pk,
        "brokers-0-scheme": scheme.pk,
    }  # fmt: skip
    response = client.post(
        url,
        {"name": "OASSH mentoring for new heads", "slug": scheme.slug,
         "network": scheme.network_id, "is_open": "on", **management},
    )  # fmt: skip
    assert response.status_code == 302
    scheme.refresh_from_db()
    assert scheme.name == "OASSH mentoring for new heads"
    assert list(Broker.objects.values_list("person", flat=True)) == [broker.pk]
