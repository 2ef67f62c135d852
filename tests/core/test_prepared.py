"""A query compiled once (core.prepared) answers what its queryset answers, for every
value, on SQLite and PostgreSQL alike."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Count, Exists, OuterRef

from core.prepared import LAST_STAND_IN, Prepared
from networks.models import Membership, WorkhubMembership
from tests import factories

pytestmark = pytest.mark.django_db


def _memberships(person_id, network_id, workhub_id):
    people = WorkhubMembership.objects.filter(workhub_id=workhub_id, person_id=OuterRef("person"))
    return (
        Membership.objects.live()
        .filter(person_id=person_id, network_id=network_id)
        .annotate(in_workhub=Exists(people))
        .order_by("pk")
    )


def test_its_rows_are_the_querysets_for_each_set_of_ids(network, other_network, member):
    workhub = factories.make_workhub(network=network)
    WorkhubMembership.objects.create(workhub=workhub, person=member)
    lapsed = factories.make_head()
    factories.make_membership(person=lapsed, network=network, status="lapsed")
    prepared = Prepared(Membership, _memberships, arity=3)
    cases = [
        (member.pk, network.pk, workhub.pk),  # a member in the workhub
        (member.pk, network.pk, None),  # no workhub: matches no row
        (member.pk, other_network.pk, workhub.pk),  # not a member there
        (lapsed.pk, network.pk, workhub.pk),  # no live membership
    ]
    for ids in cases:
        rows = prepared.rows(*ids)
        expected = list(_memberships(*ids))
        assert [(row.pk, row.role, row.in_workhub) for row in rows] == [
            (row.pk, row.role, row.in_workhub) for row in expected
        ], ids
    assert prepared.first(member.pk, network.pk, workhub.pk).in_workhub is True
    assert prepared.first(member.pk, network.pk, None).in_workhub is False
    assert prepared.first(lapsed.pk, network.pk, None) is None


def test_it_is_built_and_compiled_once(network, member):
    built = []

    def build(person_id, network_id):
        built.append((person_id, network_id))
        return Membership.objects.filter(person_id=person_id, network_id=network_id)

    prepared = Prepared(Membership, build, arity=2)
    for _ in range(3):
        assert [row.person_id for row in prepared.rows(member.pk, network.pk)] == [member.pk]
    # Twice, from two sets of stand-ins, and never from a real id.
    assert len(built) == 2 and (member.pk, network.pk) not in built


def test_a_constant_of_the_query_equal_to_a_stand_in_stays_a_constant(network, member):
    prepared = Prepared(
        Membership,
        lambda person_id: Membership.objects.filter(person_id=person_id).exclude(
            network_id=LAST_STAND_IN
        ),
        arity=1,
    )
    assert [row.network_id for row in prepared.rows(member.pk)] == [network.pk]


def test_a_query_that_does_not_take_each_id_as_a_parameter_is_refused(network, member):
    unused = Prepared(Membership, lambda person_id, network_id: Membership.objects.all(), 2)
    with pytest.raises(ImproperlyConfigured):
        unused.rows(member.pk, network.pk)
    counted = Prepared(
        Membership,
        lambda person_id: Membership.objects.annotate(n=Count("pk")).filter(person_id=person_id),
        arity=1,
    )
    assert counted.rows(member.pk)[0].n == 1
    with pytest.raises(TypeError):
        counted.rows(member.pk, network.pk)
