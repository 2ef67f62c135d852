"""Who may join a network: each rule of `networks.eligibility.eligibility_for`, and the words
for it."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils import timezone

from members.models import Post, School
from networks.eligibility import eligibility_for
from networks.models import Membership, Network
from tests import factories

pytestmark = pytest.mark.django_db


def _oldham():
    return factories.make_la(code="353", name="Oldham")


def _person_leading(school: School, role: str = Post.Role.HEADTEACHER):
    person = factories.make_user()
    factories.make_post(person=person, school=school, role=role)
    return person


def test_head_of_a_school_in_the_right_sector_is_eligible():
    network = factories.make_network(sectors=[School.Sector.SPECIAL])
    head = _person_leading(factories.make_school(sector=School.Sector.SPECIAL))

    assert eligibility_for(network, head)


def test_head_of_a_school_in_another_sector_is_not_eligible_and_is_told_why():
    network = factories.make_network(sectors=[School.Sector.SPECIAL])
    school = factories.make_school(name="Cherwell Primary", sector=School.Sector.PRIMARY)
    head = _person_leading(school)

    eligibility = eligibility_for(network, head)

    assert not eligibility
    assert "special schools" in eligibility.reason
    assert "Cherwell Primary" in eligibility.reason


def test_a_post_the_network_does_not_cover_is_not_eligible():
    deputies = factories.make_network(roles=[Post.Role.SENIOR_LEADER])
    school = factories.make_school()

    assert not eligibility_for(deputies, _person_leading(school, Post.Role.HEADTEACHER))
    assert eligibility_for(deputies, _person_leading(school, Post.Role.SENIOR_LEADER))


def test_a_head_outside_the_area_is_not_eligible():
    oxfordshire = factories.make_network()
    oldham_head = _person_leading(factories.make_school(la=_oldham()))

    eligibility = eligibility_for(oxfordshire, oldham_head)

    assert not eligibility
    assert "in Oxfordshire" in eligibility.reason


def test_a_national_network_has_no_area_so_heads_anywhere_are_eligible():
    national = factories.make_network(areas=[])
    oldham_head = _person_leading(factories.make_school(la=_oldham()))

    assert national.is_national
    assert eligibility_for(national, oldham_head)


def test_a_state_funded_only_network_refuses_heads_of_independent_schools():
    network = factories.make_network(state_funded_only=True)
    independent = _person_leading(factories.make_school(state_funded=False))
    state = _person_leading(factories.make_school(state_funded=True))

    assert not eligibility_for(network, independent)
    assert eligibility_for(network, state)


def test_the_head_of_a_closed_school_is_not_eligible():
    network = factories.make_network()
    head = _person_leading(factories.make_school(status=School.Status.CLOSED))

    assert not eligibility_for(network, head)


def test_a_post_that_has_ended_does_not_count():
    network = factories.make_network()
    former_head = factories.make_user()
    factories.make_post(
        person=former_head,
        started_on=timezone.localdate() - datetime.timedelta(days=900),
        ended_on=timezone.localdate() - datetime.timedelta(days=1),
    )

    eligibility = eligibility_for(network, former_head)

    assert not eligibility
    assert "Add your current post" in eligibility.reason


def test_a_person_without_posts_is_told_to_add_one():
    network = factories.make_network()
    person = factories.make_user()

    eligibility = eligibility_for(network, person)

    assert not eligibility
    assert "Add your current post to your profile" in eligibility.reason


def test_anyone_signed_in_may_join_an_open_to_all_network_without_a_post():
    heads_up = factories.make_network(areas=[], sectors=[], roles=[], open_to_all=True)

    assert eligibility_for(heads_up, factories.make_user())


def test_a_visitor_is_asked_to_sign_in():
    eligibility = eligibility_for(factories.make_network(), AnonymousUser())

    assert not eligibility
    assert eligibility.reason == "Sign in to join."


def _subgroup_of_school_based_parent():
    parent = factories.make_network(
        name="Oxfordshire Special Heads",
        short_name="OASSH",
        sectors=[School.Sector.SPECIAL],
        basis=Network.Basis.SCHOOL,
    )
    subgroup = factories.make_network(
        name="OASSH Data Group",
        parent=parent,
        requires_parent_membership=True,
        sectors=[],
        roles=[],
    )
    return parent, subgroup


def test_a_member_of_the_parent_network_may_join_its_subgroup():
    parent, subgroup = _subgroup_of_school_based_parent()
    school = factories.make_school(sector=School.Sector.SPECIAL)
    head = _person_leading(school)
    factories.make_membership(person=head, network=parent, school=school)

    assert eligibility_for(subgroup, head)


def test_staff_of_a_member_school_may_join_the_subgroup():
    parent, subgroup = _subgroup_of_school_based_parent()
    school = factories.make_school(sector=School.Sector.SPECIAL)
    factories.make_membership(person=_person_leading(school), network=parent, school=school)
    data_lead = _person_leading(school, Post.Role.BUSINESS_LEADER)

    assert eligibility_for(subgroup, data_lead)


def test_an_unconfirmed_post_at_a_member_school_does_not_open_the_subgroup(client):
    """Anyone can claim to work at a member school: the claim opens nothing until confirmed."""
    parent, subgroup = _subgroup_of_school_based_parent()
    school = factories.make_school(sector=School.Sector.SPECIAL)
    factories.make_membership(person=_person_leading(school), network=parent, school=school)
    claimant = factories.make_user()
    factories.make_post(person=claimant, school=school, role=Post.Role.SENIOR_LEADER,
                        verified=False)  # fmt: skip

    eligibility = eligibility_for(subgroup, claimant)
    client.force_login(claimant)
    page = client.get(reverse("networks:detail", args=[subgroup.slug])).content.decode()

    assert not eligibility
    assert "You are not a member of OASSH" in eligibility.reason
    assert "You are not a member of OASSH" in page


def test_people_outside_the_parent_network_may_not_join_its_subgroup():
    parent, subgroup = _subgroup_of_school_based_parent()
    outsider = _person_leading(factories.make_school(sector=School.Sector.SPECIAL))

    eligibility = eligibility_for(subgroup, outsider)

    assert not eligibility
    assert "You are not a member of OASSH" in eligibility.reason


def test_a_school_seat_held_by_someone_else_is_not_free_and_the_reason_names_them():
    network = factories.make_network(short_name="OSSHTA", basis=Network.Basis.SCHOOL)
    school = factories.make_school(name="Wheatley Park Primary")
    holder = _person_leading(school)
    holder.first_name, holder.last_name = "Ada", "Holder"
    holder.save()
    factories.make_membership(person=holder, network=network, school=school)
    co_head = _person_leading(school, Post.Role.HEAD_OF_SCHOOL)

    eligibility = eligibility_for(network, co_head)

    assert not eligibility
    assert "Wheatley Park Primary is already a member of OSSHTA" in eligibility.reason
    assert "Ada Holder" in eligibility.reason


def test_the_seat_holder_is_still_eligible_for_their_own_seat():
    network = factories.make_network(basis=Network.Basis.SCHOOL)
    school = factories.make_school()
    holder = _person_leading(school)
    factories.make_membership(person=holder, network=network, school=school)

    eligibility = eligibility_for(network, holder)

    assert eligibility
    assert eligibility.school == school


def test_a_lapsed_seat_is_free_again():
    network = factories.make_network(basis=Network.Basis.SCHOOL)
    school = factories.make_school()
    factories.make_membership(
        person=factories.make_user(),
        network=network,
        school=school,
        status=Membership.Status.LAPSED,
    )

    assert eligibility_for(network, _person_leading(school))


@pytest.mark.parametrize(
    ("rules", "expected"),
    [
        (
            {"sectors": [School.Sector.SPECIAL]},
            "Open to headteachers of special schools in Oxfordshire",
        ),
        (
            {"sectors": ["secondary", "all_through"], "state_funded_only": True},
            "Open to headteachers of state-funded secondary and all-through schools in Oxfordshire",
        ),
        (
            {"sectors": [], "areas": []},
            "Open to headteachers of any school anywhere in England",
        ),
        (
            {"roles": [Post.Role.SENIOR_LEADER], "sectors": [School.Sector.SPECIAL]},
            "Open to deputies and senior leaders of special schools in Oxfordshire",
        ),
        (
            {"roles": [Post.Role.EXECUTIVE_HEAD, Post.Role.HEAD_OF_SCHOOL]},
            "Open to executive heads and heads of school of primary schools in Oxfordshire",
        ),
        (
            {"roles": [*Post.HEAD_ROLES, Post.Role.CHAIR_OF_GOVERNORS], "sectors": []},
            "Open to headteachers and chairs of governors of any school in Oxfordshire",
        ),
        (
            {"open_to_all": True, "areas": []},
            "Open to anyone anywhere in England",
        ),
        (
            {"audience": "Heads past, present and future"},
            "Heads past, present and future",
        ),
    ],
)
def test_who_may_join_is_said_in_words(rules, expected):
    assert factories.make_network(**rules).eligibility_text == expected


def test_a_subgroup_says_it_is_for_the_parents_members():
    _, subgroup = _subgroup_of_school_based_parent()

    assert subgroup.eligibility_text == "Open to members of OASSH and staff of its member schools"
