"""Posts: adding and ending them, the new-head rule, and designations on profiles."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from members.models import Designation, Post
from portal import services as portal_services
from tests.factories import (
    make_head,
    make_membership,
    make_network,
    make_post,
    make_school,
    make_user,
)

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 3, 2)


def _years_ago(years: int, *, on: datetime.date = TODAY) -> datetime.date:
    return on - datetime.timedelta(days=365 * years)


def _add_post_url(school) -> str:
    return f"{reverse('portal:post_add')}?school={school.urn}"


# Adding and ending posts ---------------------------------------------------


def test_a_post_that_ends_before_it_starts_is_refused_on_the_end_date(client):
    person = make_user()
    school = make_school()
    client.force_login(person)

    response = client.post(
        _add_post_url(school),
        {"role": Post.Role.HEADTEACHER, "started_on": "2024-09-01", "ended_on": "2024-08-31"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["ended_on"] == ["A post cannot end before it starts."]
    assert b"A post cannot end before it starts." in response.content
    assert not person.posts.exists()


def test_a_post_starting_more_than_a_year_ahead_is_refused_on_the_start_date(client):
    person = make_user()
    client.force_login(person)
    too_late = timezone.localdate() + datetime.timedelta(days=400)

    response = client.post(
        _add_post_url(make_school()),
        {"role": Post.Role.HEADTEACHER, "started_on": too_late.isoformat()},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["started_on"] == [
        "A post can start at most a year from now."
    ]
    assert not person.posts.exists()


def test_a_post_starting_next_term_is_accepted(client):
    person = make_user()
    school = make_school()
    client.force_login(person)
    next_term = timezone.localdate() + datetime.timedelta(days=120)

    response = client.post(
        _add_post_url(school),
        {"role": Post.Role.SENIOR_LEADER, "started_on": next_term.isoformat()},
    )

    assert response.status_code == 302
    post = person.posts.get()
    assert (post.school, post.role, post.started_on) == (school, "senior_leader", next_term)


def test_a_post_needs_a_role_and_a_start_date(client):
    person = make_user()
    client.force_login(person)

    response = client.post(_add_post_url(make_school()), {"role": "", "started_on": ""})

    assert set(response.context["form"].errors) == {"role", "started_on"}
    assert not person.posts.exists()


def test_ending_a_post_records_its_last_day(client):
    person = make_user()
    post = make_post(person=person, started_on=datetime.date(2020, 9, 1))
    client.force_login(person)

    response = client.post(reverse("portal:post_end", args=[post.pk]), {"ended_on": "2025-08-31"})

    assert response.status_code == 302
    assert response["Location"] == reverse("portal:profile")
    post.refresh_from_db()
    assert post.ended_on == datetime.date(2025, 8, 31)
    profile = client.get(reverse("portal:profile"))
    assert b"From 1 September 2020 to 31 August 2025" in profile.content


def test_a_post_cannot_be_ended_before_it_started(client):
    person = make_user()
    post = make_post(person=person, started_on=datetime.date(2020, 9, 1))
    client.force_login(person)

    response = client.post(reverse("portal:post_end", args=[post.pk]), {"ended_on": "2020-08-31"})

    assert response.status_code == 200
    assert "cannot end before that" in response.context["form"].errors["ended_on"][0]
    post.refresh_from_db()
    assert post.ended_on is None


def test_a_person_cannot_end_someone_else_s_post(client):
    owner = make_head()
    post = owner.posts.get()
    intruder = make_head()
    client.force_login(intruder)

    page = client.get(reverse("portal:post_end", args=[post.pk]))
    response = client.post(
        reverse("portal:post_end", args=[post.pk]), {"ended_on": timezone.localdate()}
    )

    assert page.status_code == 404
    assert response.status_code == 404
    post.refresh_from_db()
    assert post.ended_on is None


def test_a_post_that_has_ended_cannot_be_ended_again(client):
    person = make_user()
    post = make_post(
        person=person, started_on=datetime.date(2015, 9, 1), ended_on=datetime.date(2020, 8, 31)
    )
    client.force_login(person)

    response = client.post(reverse("portal:post_end", args=[post.pk]), {"ended_on": "2024-08-31"})

    assert response.status_code == 404
    post.refresh_from_db()
    assert post.ended_on == datetime.date(2020, 8, 31)


# The new-head rule (docs/rules.md, "Posts and verification": the first two years of headship) --


def test_head_whose_first_headship_began_a_year_ago_is_a_new_head():
    person = make_user()
    make_post(person=person, started_on=_years_ago(1))

    assert person.is_new_head(on=TODAY)


def test_head_whose_first_headship_began_three_years_ago_is_not_a_new_head():
    person = make_user()
    make_post(person=person, started_on=_years_ago(3))

    assert not person.is_new_head(on=TODAY)


def test_headship_stops_being_new_after_two_years():
    person = make_user()
    make_post(person=person, started_on=datetime.date(2024, 3, 1))

    assert person.is_new_head(on=datetime.date(2026, 2, 28))
    assert not person.is_new_head(on=datetime.date(2026, 3, 2))


def test_deputy_in_post_for_a_year_is_not_a_new_head():
    person = make_user()
    make_post(person=person, role=Post.Role.SENIOR_LEADER, started_on=_years_ago(1))

    assert not person.is_new_head(on=TODAY)


def test_head_with_an_earlier_headship_is_not_new_in_a_second_headship():
    person = make_user()
    make_post(person=person, started_on=_years_ago(5), ended_on=_years_ago(2))
    make_post(person=person, started_on=_years_ago(1))

    assert not person.is_new_head(on=TODAY)


def test_deputy_promoted_to_head_a_year_ago_is_a_new_head():
    person = make_user()
    make_post(
        person=person,
        role=Post.Role.SENIOR_LEADER,
        started_on=_years_ago(6),
        ended_on=_years_ago(1),
    )
    make_post(person=person, role=Post.Role.INTERIM_HEAD, started_on=_years_ago(1))

    assert person.is_new_head(on=TODAY)


def test_former_head_with_no_current_headship_is_not_a_new_head():
    person = make_user()
    make_post(person=person, started_on=_years_ago(1), ended_on=TODAY - datetime.timedelta(1))

    assert not person.is_new_head(on=TODAY)


def test_profile_pages_show_the_new_head_badge_only_to_new_heads(client):
    new = make_user()
    make_post(person=new, started_on=timezone.localdate() - datetime.timedelta(days=200))
    experienced = make_head()
    _share_a_network(new, experienced)
    client.force_login(new)

    own_profile = client.get(reverse("portal:profile"))
    new_public = client.get(reverse("portal:person", args=[new.pk]))
    experienced_public = client.get(reverse("portal:person", args=[experienced.pk]))

    assert b"New head" in own_profile.content
    assert b"New head" in new_public.content
    assert b"New head" not in experienced_public.content


# Designations --------------------------------------------------------------


def test_designations_are_shown_on_the_person_s_own_profile(client):
    person = make_head()
    Designation.objects.create(
        person=person, kind=Designation.Kind.NATIONAL_LEADER, since=datetime.date(2019, 9, 1)
    )
    Designation.objects.create(person=person, kind=Designation.Kind.MENTOR)
    client.force_login(person)

    content = client.get(reverse("portal:profile")).content.decode()

    assert "National leader of education since 2019" in content
    assert "Mentor" in content


def test_designations_are_shown_to_others_on_the_person_s_page(client):
    person = make_head(first_name="Ruth", last_name="Marlowe")
    Designation.objects.create(
        person=person, kind=Designation.Kind.LOCAL_LEADER, state=Designation.State.CONFIRMED
    )
    Designation.objects.create(person=person, kind=Designation.Kind.NATIONAL_LEADER)  # a claim
    viewer = make_head()
    _share_a_network(person, viewer)
    client.force_login(viewer)

    response = client.get(reverse("portal:person", args=[person.pk]))

    assert response.status_code == 200
    content = response.content.decode()
    assert "Ruth Marlowe" in content
    assert "Local leader of education" in content
    assert "National leader of education" not in content  # not confirmed yet
    assert "Advisory head" not in content


def test_a_person_s_page_lists_current_posts_not_past_ones(client):
    person = make_user()
    current = make_post(person=person, school=make_school(name="Current Primary"))
    make_post(
        person=person,
        school=make_school(name="Former Primary"),
        started_on=datetime.date(2010, 9, 1),
        ended_on=datetime.date(2015, 8, 31),
    )
    viewer = make_user()
    _share_a_network(person, viewer)
    client.force_login(viewer)

    response = client.get(reverse("portal:person", args=[person.pk]))

    assert response.context["current_posts"] == [current]
    assert b"Headteacher, Current Primary" in response.content
    assert b"Former Primary" not in response.content


def test_adding_the_same_post_twice_records_it_once():
    person = make_user()
    school = make_school()
    started = datetime.date(2024, 9, 1)

    first = portal_services.add_post(
        person=person, school=school, role=Post.Role.HEADTEACHER, started_on=started
    )
    second = portal_services.add_post(
        person=person, school=school, role=Post.Role.HEADTEACHER, started_on=started
    )

    assert first == second
    assert person.posts.count() == 1


def test_a_head_who_started_on_29_february_is_new_for_exactly_two_years():
    person = make_user()
    make_post(person=person, started_on=datetime.date(2024, 2, 29))

    assert person.is_new_head(on=datetime.date(2026, 2, 27))
    assert not person.is_new_head(on=datetime.date(2026, 2, 28))


def _share_a_network(*people):
    """People's pages are for those who share a network with them."""
    network = make_network()
    for person in people:
        make_membership(person=person, network=network)
