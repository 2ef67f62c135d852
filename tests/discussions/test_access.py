"""Who may read, post in and moderate discussions: the rules directly (docs/rules.md,
"Who reads and writes discussions")."""

import pytest

from discussions import access, services
from networks import services as network_services
from networks.models import Membership, WorkhubMembership
from tests import factories

pytestmark = pytest.mark.django_db


def test_active_members_read_and_post_and_coordinators_also_moderate(
    network, thread, member, coordinator, administrator, staff
):
    for person in [member, coordinator, administrator, staff]:
        reader = access.for_network(person, network)
        assert reader.can_read and reader.can_start and reader.may_post(thread), person.email
    assert not access.for_network(member, network).can_moderate
    for person in [coordinator, administrator, staff]:
        assert access.for_network(person, network).can_moderate, person.email


def test_outsiders_pending_lapsed_and_left_members_read_nothing(
    network, thread, head, outsider_member, outsider_coordinator, lapsed
):
    pending = factories.make_head()
    factories.make_membership(person=pending, network=network, status="pending")
    left = factories.make_head()
    factories.make_membership(person=left, network=network, status="left")
    for person in [head, outsider_member, outsider_coordinator, lapsed, pending, left]:
        reader = access.for_network(person, network)
        assert not reader.can_read, person.email
        assert not reader.may_post(thread), person.email
        assert not reader.can_moderate, person.email
        assert not access.person_may_post(person, thread), person.email


def test_a_member_removed_from_the_network_loses_access_at_once(network, thread, member):
    assert access.person_may_post(member, thread)
    membership = Membership.objects.get(person=member, network=network)
    network_services.end_membership(membership=membership, status=Membership.Status.LAPSED, by=None)
    assert not access.for_network(member, network).can_read
    assert not access.person_may_post(member, thread)


def test_a_sub_group_s_threads_are_its_own_members_not_the_parent_s(network, member):
    sub_group = factories.make_network(name="Data Group", slug="data-group", parent=network)
    insider = factories.make_head()
    factories.make_membership(person=insider, network=sub_group)
    thread = factories.make_thread(network=sub_group, author=insider)
    assert access.for_thread(insider, thread).can_read
    assert not access.for_thread(member, thread).can_read


def test_a_workhub_s_threads_are_for_its_people_and_the_network_s_coordinators(
    network, workhub, workhub_person, member, coordinator, staff, outsider_coordinator
):
    thread = factories.make_thread(network=network, author=workhub_person, workhub=workhub)
    assert access.for_thread(workhub_person, thread).may_post(thread)
    assert access.for_thread(coordinator, thread).can_moderate
    assert access.for_thread(staff, thread).can_read
    assert not access.for_thread(member, thread).can_read
    assert not access.for_thread(outsider_coordinator, thread).can_read


def test_a_workhub_person_who_lapses_from_the_network_reads_its_threads_no_more(
    network, workhub, workhub_person
):
    thread = factories.make_thread(network=network, author=workhub_person, workhub=workhub)
    Membership.objects.filter(person=workhub_person).update(status=Membership.Status.LAPSED)
    assert WorkhubMembership.objects.filter(person=workhub_person).exists()
    assert not access.for_thread(workhub_person, thread).can_read


def test_an_earlier_year_s_workhub_threads_stay_readable_and_take_no_posts(
    network, coordinator, workhub_person
):
    old = factories.make_workhub(network=network, name="Finance", academic_year=2016)
    WorkhubMembership.objects.create(workhub=old, person=workhub_person)
    thread = factories.make_thread(network=network, author=workhub_person)
    thread.workhub = old
    thread.save()
    for person in [workhub_person, coordinator]:
        reader = access.for_thread(person, thread)
        assert reader.can_read and reader.is_archive, person.email
        assert not reader.can_start and not reader.may_post(thread), person.email


def test_a_locked_thread_takes_posts_only_from_moderators(network, thread, member, coordinator):
    services.lock_thread(thread=thread, by=coordinator)
    thread.refresh_from_db()
    assert not access.for_network(member, network).may_post(thread)
    assert access.for_network(coordinator, network).may_post(thread)
    assert not access.person_may_post(member, thread)


def test_only_the_author_edits_and_removes_and_others_report(network, thread, member, coordinator):
    post = thread.posts.get(number=2)
    by_author = access.for_network(member, network)
    by_other = access.for_network(coordinator, network)
    assert by_author.may_edit(post, member) and by_author.may_delete(post, member)
    assert not by_author.may_report(post, member)
    assert not by_other.may_edit(post, coordinator)
    assert not by_other.may_delete(post, coordinator)
    assert by_other.may_report(post, coordinator) and by_other.may_hide(post)


def test_an_author_who_lapses_can_no_longer_edit_or_remove_their_post(network, thread, member):
    post = thread.posts.get(number=2)
    Membership.objects.filter(person=member).update(status=Membership.Status.LAPSED)
    reader = access.for_network(member, network)
    assert not reader.may_edit(post, member)
    assert not reader.may_delete(post, member)
