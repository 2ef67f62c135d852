"""The thread page reads the person's email choices with their membership (choice_annotations,
hears_of): the same answers as the query of its own (readers_q), for every kind of person."""

import pytest
from django.core.exceptions import PermissionDenied

from discussions import access, notifications, services
from discussions.models import Thread
from discussions.preferences import set_network_choice, set_thread_choice
from networks.models import Membership, WorkhubMembership
from tests import factories


def _people(network, workhub):
    """A person of every kind the rule tells apart, by name."""
    people = {}
    for name, role, status in [
        ("member", Membership.Role.MEMBER, Membership.Status.ACTIVE),
        ("coordinator", Membership.Role.COORDINATOR, Membership.Status.ACTIVE),
        ("pending", Membership.Role.MEMBER, Membership.Status.PENDING),
        ("lapsed", Membership.Role.MEMBER, Membership.Status.LAPSED),
    ]:
        person = factories.make_head(email=f"kind-{name}@school.example")
        factories.make_membership(person=person, network=network, role=role, status=status)
        people[name] = person
    for name in ("member", "coordinator"):
        in_hub = factories.make_head(email=f"kind-{name}-in-hub@school.example")
        role = Membership.Role.MEMBER if name == "member" else Membership.Role.COORDINATOR
        factories.make_membership(person=in_hub, network=network, role=role)
        WorkhubMembership.objects.create(workhub=workhub, person=in_hub)
        people[f"{name} in the workhub"] = in_hub
    closed = factories.make_head(email="kind-closed@school.example")
    factories.make_membership(person=closed, network=network)
    WorkhubMembership.objects.create(workhub=workhub, person=closed)
    closed.is_active = False
    closed.save()
    people["closed account"] = closed
    people["outsider"] = factories.make_head(email="kind-outsider@school.example")
    people["staff"] = factories.make_user(email="kind-staff@headnet.example", is_superuser=True)
    return people


@pytest.mark.django_db
def test_the_page_s_email_choices_are_those_of_their_own_query(network, member):
    workhub = factories.make_workhub(network=network)
    WorkhubMembership.objects.create(workhub=workhub, person=member)
    threads = [
        services.start_thread(network=network, author=member, title="Open", body="Hello"),
        services.start_thread(
            network=network, workhub=workhub, author=member, title="In the hub", body="Hi"
        ),
    ]
    people = _people(network, workhub)
    set_thread_choice(person=people["member"], thread=threads[0], choice="mute")
    set_thread_choice(person=people["member in the workhub"], thread=threads[1], choice="follow")
    set_network_choice(person=people["member"], network=network, choice="posts")
    for thread in threads:
        for name, person in people.items():
            try:
                read, reader = access.get_thread_for_user(person, network.slug, thread.pk)
            except PermissionDenied:  # no page at all for who may not read the thread
                continue
            on_page = notifications.choices_on(
                person, read, reader.perms.membership, reader.in_workhub, reader.also
            )
            assert on_page == notifications.choices_of(person, thread), (name, thread.title)
            assert (on_page is not None) == notifications.may_hear_of(person, thread), name


@pytest.mark.django_db
def test_the_thread_keeps_nothing_of_the_person_who_read_it(network, member):
    """The thread is kept for everyone who reads it (core.pagecache)."""
    thread = services.start_thread(network=network, author=member, title="Open", body="Hi")
    read, reader = access.get_thread_for_user(member, network.slug, thread.pk)
    assert reader.perms.membership is not None
    assert set(reader.also) == set(notifications.CHOICE_NAMES)
    plain = Thread.objects.get(pk=thread.pk)
    assert vars(read).keys() - {"_state"} == vars(plain).keys() - {"_state"}
