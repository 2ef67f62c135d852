"""Every persona against the portal's pages about people: login redirect, 404 or 200.

A person's page is for those who share a network with them (as its member list
allows), coordinators of their networks, and staff; a post can be ended only by
its holder; data and closure are always the signed-in person's own.
"""

import pytest
from django.urls import reverse

from networks.models import Membership, Network
from tests import factories

pytestmark = pytest.mark.django_db

LOGIN = "login"
REAUTHENTICATE = "reauthenticate"


@pytest.fixture
def colleague(network):
    """An active member of `network`: the person whose page and post are asked about."""
    person = factories.make_head(email="colleague@school.example")
    factories.make_membership(person=person, network=network)
    return person


@pytest.fixture
def as_persona(client, request):
    def sign_in(persona: str):
        if persona != "visitor":
            client.force_login(request.getfixturevalue(persona))

    return sign_in


def _outcome(response) -> str | int:
    if response.status_code == 302:
        if reverse("account_login") in response["Location"]:
            return LOGIN
        if reverse("account_reauthenticate") in response["Location"]:
            return REAUTHENTICATE
    return response.status_code


EVERYONE_SIGNED_IN = [
    "head",
    "member",
    "coordinator",
    "administrator",
    "outsider_member",
    "outsider_coordinator",
    "outsider_administrator",
    "staff",
]


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("visitor", LOGIN),
        ("head", 404),
        ("member", 200),
        ("coordinator", 200),
        ("administrator", 200),
        ("outsider_member", 404),
        ("outsider_coordinator", 404),
        ("outsider_administrator", 404),
        ("staff", 200),
    ],
)
def test_who_may_see_a_person_s_page(client, as_persona, colleague, persona, expected):
    as_persona(persona)

    response = client.get(reverse("portal:person", args=[colleague.pk]))

    assert _outcome(response) == expected


@pytest.mark.parametrize(("persona", "expected"), [("member", 404), ("coordinator", 200)])
def test_a_list_kept_for_coordinators_keeps_people_s_pages_from_members(
    client, as_persona, colleague, network, persona, expected
):
    network.member_list_visibility = Network.MemberListVisibility.COORDINATORS
    network.save()
    as_persona(persona)

    response = client.get(reverse("portal:person", args=[colleague.pk]))

    assert _outcome(response) == expected


def test_an_administrator_sees_the_page_of_someone_asking_to_join(client, administrator, network):
    applicant = factories.make_head()
    factories.make_membership(person=applicant, network=network, status=Membership.Status.PENDING)
    client.force_login(administrator)

    assert client.get(reverse("portal:person", args=[applicant.pk])).status_code == 200


def test_a_person_always_sees_their_own_page(client, head):
    client.force_login(head)

    assert client.get(reverse("portal:person", args=[head.pk])).status_code == 200


@pytest.mark.parametrize("persona", ["visitor", *EVERYONE_SIGNED_IN])
def test_only_its_holder_can_end_a_post(client, as_persona, colleague, persona):
    post = colleague.posts.get()
    as_persona(persona)

    get = client.get(reverse("portal:post_end", args=[post.pk]))
    post_response = client.post(
        reverse("portal:post_end", args=[post.pk]), {"ended_on": "2020-01-01"}
    )

    expected = LOGIN if persona == "visitor" else 404
    assert _outcome(get) == expected
    assert _outcome(post_response) == expected
    post.refresh_from_db()
    assert post.ended_on is None


@pytest.mark.parametrize(
    ("url_name", "signed_in"),
    [
        ("portal:profile", 200),
        ("portal:post_add", 200),
        ("portal:my_data", 200),
        ("portal:data_download", REAUTHENTICATE),
        ("portal:account_close", REAUTHENTICATE),
    ],
)
@pytest.mark.parametrize("persona", ["visitor", *EVERYONE_SIGNED_IN])
def test_own_pages_ask_visitors_to_sign_in_and_show_others_only_their_own(
    client, as_persona, persona, url_name, signed_in
):
    as_persona(persona)

    response = client.get(reverse(url_name))

    assert _outcome(response) == (LOGIN if persona == "visitor" else signed_in)
