"""The Django admin for schools and people, as site staff use it."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from members.models import Designation, LocalAuthority, Post, School, User
from tests.factories import make_head, make_la, make_post, make_school

pytestmark = pytest.mark.django_db

SCHOOLS = reverse("admin:members_school_changelist")


@pytest.fixture
def schools():
    oxfordshire = make_la()
    oldham = make_la(code="353", name="Oldham")
    return {
        "cherwell": make_school(
            name="Cherwell Valley Primary", urn=123456, la=oxfordshire, town="Banbury"
        ),
        "thames": make_school(
            name="Thames Meadow Secondary",
            urn=234567,
            la=oxfordshire,
            town="Abingdon",
            sector=School.Sector.SECONDARY,
        ),
        "moor": make_school(
            name="Moorside Primary",
            urn=345678,
            la=oldham,
            town="Oldham",
            status=School.Status.CLOSED,
        ),
    }


def _listed(client, params) -> set[str]:
    response = client.get(SCHOOLS, params)
    assert response.status_code == 200
    return {school.name for school in response.context["cl"].result_list}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("123456", {"Cherwell Valley Primary"}),
        ("meadow", {"Thames Meadow Secondary"}),
        ("Oldham", {"Moorside Primary"}),
        ("Primary", {"Cherwell Valley Primary", "Moorside Primary"}),
    ],
)
def test_staff_search_schools_by_urn_name_or_town(client, staff, schools, query, expected):
    client.force_login(staff)

    assert _listed(client, {"q": query}) == expected


def test_a_partial_urn_does_not_match_in_the_admin(client, staff, schools):
    client.force_login(staff)

    assert _listed(client, {"q": "12345"}) == set()


def test_staff_filter_schools_by_local_authority_phase_and_status(client, staff, schools):
    client.force_login(staff)
    oldham = LocalAuthority.objects.get(code="353")

    assert _listed(client, {"local_authority__id__exact": oldham.pk}) == {"Moorside Primary"}
    assert _listed(client, {"phase__exact": School.Phase.SECONDARY}) == {"Thames Meadow Secondary"}
    assert _listed(client, {"status__exact": School.Status.CLOSED}) == {"Moorside Primary"}
    assert _listed(client, {"status__exact": School.Status.OPEN, "q": "Primary"}) == {
        "Cherwell Valley Primary"
    }


def test_the_school_list_shows_each_school_s_local_authority(client, staff, schools):
    client.force_login(staff)

    response = client.get(SCHOOLS)

    assert b"Oxfordshire" in response.content
    assert b"Oldham" in response.content


def test_the_school_list_query_count_does_not_grow_with_schools(
    client, staff, schools, django_assert_max_num_queries
):
    client.force_login(staff)
    with CaptureQueriesContext(connection) as few:
        client.get(SCHOOLS)
    for number in range(40):
        make_school(la=make_la(code=f"{900 + number}", name=f"Area {number}"))

    with django_assert_max_num_queries(len(few)):
        response = client.get(SCHOOLS)

    assert len(response.context["cl"].result_list) == 43


def test_admin_site_user_without_permissions_cannot_see_schools(client, schools):
    admin_site_user = make_head(is_staff=True)
    client.force_login(admin_site_user)

    response = client.get(SCHOOLS)

    assert response.status_code == 403


def test_a_person_s_admin_page_shows_their_posts_and_designations(client, staff):
    person = make_head(email="ruth.marlowe@school.example")
    post = person.posts.get()
    make_post(
        person=person,
        school=make_school(name="Former Primary"),
        role=Post.Role.SENIOR_LEADER,
        started_on=post.started_on.replace(year=2005),
        ended_on=post.started_on.replace(year=2010),
    )
    Designation.objects.create(person=person, kind=Designation.Kind.ADVISORY_HEAD)
    client.force_login(staff)

    response = client.get(reverse("admin:members_user_change", args=[person.pk]))

    assert response.status_code == 200
    content = response.content.decode()
    assert "ruth.marlowe@school.example" in content
    posts = next(
        formset
        for formset in response.context["inline_admin_formsets"]
        if formset.formset.prefix == "posts"
    )
    assert [form.instance for form in posts.formset.forms] == list(person.posts.all())
    assert post.school.name in content
    assert "Former Primary" in content
    assert 'value="advisory_head" selected' in content


def test_staff_can_add_a_person_in_the_admin(client, staff):
    client.force_login(staff)

    response = client.post(
        reverse("admin:members_user_add"),
        {
            "email": "New.Head@School.example",
            "usable_password": "true",
            "password1": "a-long-enough-password-2026",
            "password2": "a-long-enough-password-2026",
            "posts-TOTAL_FORMS": "0",
            "posts-INITIAL_FORMS": "0",
            "designations-TOTAL_FORMS": "0",
            "designations-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 302
    person = User.objects.get(email="new.head@school.example")
    assert person.check_password("a-long-enough-password-2026")


def test_the_post_and_local_authority_lists_open_for_staff(client, staff):
    make_head()
    client.force_login(staff)

    for name in ["members_post_changelist", "members_localauthority_changelist"]:
        response = client.get(reverse(f"admin:{name}"), {"q": "Number"})
        assert response.status_code == 200, name


def test_staff_cannot_pass_a_schools_seats_by_editing_a_post(client, staff):
    """Issue 19, finding 1: only a decision on the claim page moves a school's seats."""
    post = make_post(person=make_head(), school=make_school())
    Post.objects.filter(pk=post.pk).update(seat_question=Post.SeatQuestion.ASKED)
    client.force_login(staff)
    url = reverse("admin:members_post_change", args=[post.pk])

    page = client.get(url).content.decode()
    client.post(
        url,
        {
            "person": post.person_id,
            "school": post.school_id,
            "role": post.role,
            "started_on": post.started_on.isoformat(),
            "seat_question": "passed",
            "decisions-TOTAL_FORMS": "0",
            "decisions-INITIAL_FORMS": "0",
        },
    )

    post.refresh_from_db()
    assert post.seat_question == Post.SeatQuestion.ASKED
    assert 'name="seat_question"' not in page
    assert (
        "Pass the school&#x27;s seats, or keep them"
        in client.get(reverse("admin:members_post_changelist")).content.decode()
    )


def test_staff_cannot_move_a_confirmed_headship_or_end_or_delete_it_in_the_admin(client, staff):
    """The post's school, role and dates move seats and memberships: only services may."""
    post = make_post(person=make_head(), school=make_school())
    elsewhere = make_school()
    client.force_login(staff)
    url = reverse("admin:members_post_change", args=[post.pk])

    page = client.get(url).content.decode()
    client.post(
        url,
        {
            "person": post.person_id,
            "school": elsewhere.pk,
            "role": Post.Role.SENIOR_LEADER,
            "started_on": post.started_on.isoformat(),
            "ended_on": "2020-01-01",
            "decisions-TOTAL_FORMS": "0",
            "decisions-INITIAL_FORMS": "0",
        },
    )
    deleted = client.post(reverse("admin:members_post_delete", args=[post.pk]), {"post": "yes"})

    post.refresh_from_db()
    assert (post.school_id, post.role, post.ended_on) == (post.school_id, "headteacher", None)
    assert post.school != elsewhere
    assert 'name="school"' not in page and 'name="ended_on"' not in page
    assert deleted.status_code == 403
