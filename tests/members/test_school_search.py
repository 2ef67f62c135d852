"""Finding a school to add a post: a plain GET form searched on the server."""

import re

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from members.models import School
from members.school_import import import_schools
from tests.factories import make_school, make_user

pytestmark = pytest.mark.django_db

SEARCH = reverse("portal:post_add")


@pytest.fixture
def signed_in(client):
    client.force_login(make_user())
    return client


def _search(client, q: str):
    response = client.get(SEARCH, {"q": q})
    assert response.status_code == 200
    return response


def test_visitor_is_asked_to_sign_in_before_searching(client):
    response = client.get(SEARCH, {"q": "Cherwell"})

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_search_by_urn_finds_that_school_only(signed_in):
    wanted = make_school(name="Cherwell Valley Primary", urn=123456)
    make_school(name="Next Door Primary", urn=123457)

    response = _search(signed_in, "123456")

    assert response.context["results"] == [wanted]


def test_part_of_a_urn_is_not_a_match(signed_in):
    make_school(name="Cherwell Valley Primary", urn=123456)

    response = _search(signed_in, "12345")

    assert response.context["results"] == []
    assert b"No schools found" in response.content


def test_search_by_part_of_the_name_ignores_case(signed_in):
    wanted = make_school(name="Cherwell Valley Primary", town="Banbury")
    make_school(name="Thames Meadow Primary", town="Abingdon")

    response = _search(signed_in, "VALLEY prim")

    assert response.context["results"] == [wanted]


def test_search_by_town_lists_the_town_s_schools(signed_in):
    first = make_school(name="Alpha Primary", town="Bicester")
    second = make_school(name="Beta Secondary", town="Bicester", sector=School.Sector.SECONDARY)
    make_school(name="Gamma Primary", town="Witney")

    response = _search(signed_in, "bicester")

    assert response.context["results"] == [first, second]


def test_closed_schools_are_not_listed(signed_in):
    make_school(name="Old Mill Primary", status=School.Status.CLOSED)
    open_school = make_school(name="Old Mill Academy")

    response = _search(signed_in, "Old Mill")

    assert response.context["results"] == [open_school]
    assert b"Old Mill Primary" not in response.content


def test_a_search_of_fewer_than_three_characters_is_refused_with_a_reason(signed_in):
    make_school(name="Ab Primary")

    response = _search(signed_in, "Ab")

    assert response.context["results"] is None
    assert "at least 3 characters" in response.context["search"].errors["q"][0]
    assert b"at least 3 characters" in response.content


def test_a_search_symbol_that_looks_like_a_digit_finds_nothing_and_does_not_fail(signed_in):
    # "²".isdigit() is true but it is not a number a URN could be.
    response = _search(signed_in, "²²²")

    assert response.context["results"] == []


def test_more_than_twenty_five_matches_shows_the_first_twenty_five_and_says_so(signed_in):
    for number in range(30):
        make_school(name=f"Riverside School {number:02d}")

    response = _search(signed_in, "Riverside")

    assert len(response.context["results"]) == 25
    assert b"25+ schools found" in response.content
    assert b"Showing the first 25" in response.content


def test_twenty_five_matches_are_all_shown_without_a_warning(signed_in):
    for number in range(25):
        make_school(name=f"Riverside School {number:02d}")

    response = _search(signed_in, "Riverside")

    assert len(response.context["results"]) == 25
    assert b"Showing the first" not in response.content


def test_each_result_has_a_plain_link_to_choose_it(signed_in):
    school = make_school(name="Cherwell Valley Primary", urn=123456)

    response = _search(signed_in, "Cherwell")

    # A link, not a script: the journey works with JavaScript off.
    assert f'href="{SEARCH}?school=123456"'.encode() in response.content
    assert b"Choose" in response.content
    assert b'<form method="get"' in response.content
    assert school.name.encode() in response.content


def test_search_uses_the_same_number_of_queries_for_five_or_a_hundred_schools(
    signed_in, django_assert_max_num_queries
):
    for number in range(5):
        make_school(name=f"Few Primary {number}")
    with CaptureQueriesContext(connection) as few:
        assert len(_search(signed_in, "Few Primary").context["results"]) == 5

    for number in range(100):
        make_school(name=f"Many Primary {number}")
    with django_assert_max_num_queries(len(few)):
        assert len(_search(signed_in, "Many Primary").context["results"]) == 25


@pytest.mark.parametrize("urn", ["999999", "not-a-urn"])
def test_choosing_a_school_not_in_the_register_goes_back_to_search_with_a_message(signed_in, urn):
    response = signed_in.get(SEARCH, {"school": urn}, follow=True)

    assert response.redirect_chain == [(SEARCH, 302)]
    assert b"That school is not in the register, or it has closed." in response.content


def test_choosing_a_closed_school_goes_back_to_search_with_a_message(signed_in):
    closed = make_school(name="Old Mill Primary", status=School.Status.CLOSED)

    response = signed_in.get(SEARCH, {"school": closed.urn}, follow=True)

    assert response.redirect_chain == [(SEARCH, 302)]
    assert b"That school is not in the register, or it has closed." in response.content


def test_a_post_cannot_be_added_at_a_closed_school_by_posting_its_urn(signed_in):
    closed = make_school(name="Old Mill Primary", status=School.Status.CLOSED)

    response = signed_in.post(
        SEARCH, {"school": closed.urn, "role": "headteacher", "started_on": "2024-09-01"}
    )

    assert response.status_code == 302
    assert not closed.posts.exists()


# Issue 21, item 10: the hint is true of the register that is loaded (the demo's too), and a
# town finds its schools, alone or with part of a name.

DEMO_REGISTER = settings.BASE_DIR / "data" / "gias-synthetic-oxon-oldham-essex.csv"


def _hint(response) -> str:
    return str(response.context["search"].fields["q"].help_text)


def test_each_example_in_the_hint_finds_its_school_in_the_demo_register(signed_in):
    import_schools(DEMO_REGISTER)

    hint = _hint(signed_in.get(SEARCH))

    name, town, both, urn = re.search(r"“([^”]+)”, “([^”]+)”, “([^”]+)” or (\d{6})", hint).groups()
    assert "Cherwell" not in hint and "Banbury" not in hint  # not in the demo register
    for example in (name, town, both, urn):
        found = _search(signed_in, example).context["results"]
        assert int(urn) in [school.urn for school in found], example


def test_without_a_register_the_hint_names_no_school(signed_in):
    hint = _hint(signed_in.get(SEARCH))

    assert "for example" not in hint and "school's name, its town" in hint


def test_a_name_and_a_town_together_find_the_school(signed_in):
    wanted = make_school(name="Cherwell Valley Primary", town="Banbury")
    make_school(name="Cherwell Meadow Primary", town="Bicester")
    make_school(name="Banbury Road Primary", town="Oxford")

    response = _search(signed_in, "Cherwell, Banbury")

    assert response.context["results"] == [wanted]


def test_a_town_and_part_of_a_name_narrow_to_that_town(signed_in):
    wanted = make_school(name="Alpha Primary", town="Bicester")
    make_school(name="Beta Secondary", town="Bicester", sector=School.Sector.SECONDARY)
    make_school(name="Gamma Primary", town="Witney")

    response = _search(signed_in, "Bicester primary")

    assert response.context["results"] == [wanted]


def test_schools_named_with_the_whole_text_come_first(signed_in):
    in_town = make_school(name="Abbey Primary", town="Mill Green")
    named = make_school(name="Zeal Mill Green School", town="Zeal")

    response = _search(signed_in, "Mill Green")

    assert response.context["results"] == [named, in_town]
