"""Every persona against the network in hand: login redirect, 403, 405 or 200."""

import pytest
from django.urls import reverse

from networks.models import Membership, Network
from tests import factories

pytestmark = pytest.mark.django_db

PERSONAS = [
    "visitor",
    "head",
    "member",
    "coordinator",
    "administrator",
    "outsider_member",
    "outsider_coordinator",
    "outsider_administrator",
    "staff",
]
LOGIN = "login"


@pytest.fixture
def as_persona(client, request):
    """The test client signed in as the persona (or not at all, for the visitor)."""

    def sign_in(persona: str):
        if persona == "visitor":
            return None
        person = request.getfixturevalue(persona)
        client.force_login(person)
        return person

    return sign_in


def _outcome(response) -> str | int:
    if response.status_code == 302 and reverse("account_login") in response["Location"]:
        return LOGIN
    return response.status_code


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("visitor", LOGIN),
        ("head", 403),
        ("member", 200),
        ("coordinator", 200),
        ("administrator", 200),
        ("outsider_member", 403),
        ("outsider_coordinator", 403),
        ("outsider_administrator", 403),
        ("staff", 200),
    ],
)
def test_who_may_see_the_member_list(client, as_persona, network, persona, expected):
    as_persona(persona)

    response = client.get(reverse("networks:members", args=[network.slug]))

    assert _outcome(response) == expected


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("member", 403), ("coordinator", 200), ("administrator", 200), ("staff", 200)],
)
def test_a_member_list_kept_for_coordinators_is_refused_to_ordinary_members(
    client, as_persona, network, persona, expected
):
    network.member_list_visibility = Network.MemberListVisibility.COORDINATORS
    network.save()
    as_persona(persona)

    response = client.get(reverse("networks:members", args=[network.slug]))

    assert response.status_code == expected


def test_a_pending_member_cannot_see_the_member_list(client, network, head):
    Membership.objects.create(person=head, network=network, status=Membership.Status.PENDING)
    client.force_login(head)

    assert client.get(reverse("networks:members", args=[network.slug])).status_code == 403


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("visitor", LOGIN),
        ("head", 403),
        ("member", 403),
        ("coordinator", 403),
        ("administrator", 200),
        ("outsider_member", 403),
        ("outsider_coordinator", 403),
        ("outsider_administrator", 403),
        ("staff", 200),
    ],
)
def test_who_may_see_the_join_requests(client, as_persona, network, persona, expected):
    as_persona(persona)

    response = client.get(reverse("networks:requests", args=[network.slug]))

    assert _outcome(response) == expected


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("visitor", LOGIN),
        ("head", 403),
        ("member", 403),
        ("coordinator", 403),
        ("administrator", 302),
        ("outsider_member", 403),
        ("outsider_coordinator", 403),
        ("outsider_administrator", 403),
        ("staff", 302),
    ],
)
def test_who_may_invite_people(client, as_persona, network, persona, expected):
    as_persona(persona)

    response = client.post(
        reverse("networks:invite", args=[network.slug]), {"email": "invited@school.example"}
    )

    assert _outcome(response) == expected
    assert network.invitations.exists() == (expected == 302)


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("visitor", LOGIN),
        ("head", 403),
        ("member", 403),
        ("coordinator", 403),
        ("administrator", 302),
        ("outsider_member", 403),
        ("outsider_coordinator", 403),
        ("outsider_administrator", 403),
        ("staff", 302),
    ],
)
def test_who_may_decide_join_requests(client, as_persona, network, persona, expected, head):
    request = Membership.objects.create(
        person=head, network=network, status=Membership.Status.PENDING
    )
    as_persona(persona)

    response = client.post(
        reverse("networks:requests", args=[network.slug]),
        {"decision": "approve", "membership": [request.pk]},
    )

    assert _outcome(response) == expected
    request.refresh_from_db()
    assert request.is_active == (expected == 302)


@pytest.mark.parametrize("persona", PERSONAS)
def test_join_and_leave_are_post_only(client, as_persona, network, persona):
    as_persona(persona)

    for name in ("networks:join", "networks:leave"):
        assert client.get(reverse(name, args=[network.slug])).status_code == 405


# After joining: the people who end up with a live membership of `network`. Staff
# have no post, so the rules do not let them in; the others are Oxfordshire heads,
# or already in.
JOINED = {
    "head": True,
    "member": True,
    "coordinator": True,
    "administrator": True,
    "outsider_member": True,
    "outsider_coordinator": True,
    "outsider_administrator": False,
    "staff": False,
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_joining_asks_visitors_to_sign_in_and_applies_the_rules_to_everyone_else(
    client, as_persona, network, persona
):
    person = as_persona(persona)

    response = client.post(reverse("networks:join", args=[network.slug]))

    if person is None:
        assert _outcome(response) == LOGIN
        return
    assert response.status_code == 302
    assert response["Location"] == network.get_absolute_url()
    live = Membership.objects.live().filter(network=network, person=person)
    assert live.exists() == JOINED[persona]


@pytest.mark.parametrize("persona", PERSONAS)
def test_leaving_asks_visitors_to_sign_in_and_ends_only_a_membership_of_this_network(
    client, as_persona, network, other_network, persona
):
    person = as_persona(persona)
    elsewhere = (
        list(Membership.objects.live().filter(person=person, network=other_network))
        if person
        else []
    )

    response = client.post(reverse("networks:leave", args=[network.slug]))

    if person is None:
        assert _outcome(response) == LOGIN
        return
    assert response.status_code == 302
    assert not Membership.objects.live().filter(network=network, person=person).exists()
    # Leaving this network never touches a membership of another.
    for membership in elsewhere:
        membership.refresh_from_db()
        assert membership.is_live


@pytest.mark.parametrize("persona", PERSONAS)
def test_everyone_may_contact_the_coordinators(client, as_persona, network, persona):
    person = as_persona(persona)
    # Someone must be there to read it (without coordinators: site staff).
    factories.make_user(email="reader@headnet.example", is_superuser=True)
    url = reverse("networks:contact", args=[network.slug])
    form = {"subject": "A question", "message": "Hello."}
    if person is None:
        form |= {"name": "A Visitor", "email": "visitor@home.example"}

    assert client.get(url).status_code == 200
    response = client.post(url, form)

    assert response.status_code == 302
    assert network.contact_messages.count() == 1


@pytest.mark.parametrize("persona", ["visitor", "head", "outsider_coordinator", "staff"])
@pytest.mark.parametrize(
    "name", ["detail", "join", "leave", "members", "requests", "invite", "contact"]
)
def test_an_unknown_network_is_404_or_asks_visitors_to_sign_in(client, as_persona, persona, name):
    as_persona(persona)
    url = reverse(f"networks:{name}", args=["no-such-network"])

    response = client.post(url) if name in {"join", "leave", "invite"} else client.get(url)

    if persona == "visitor" and name not in {"detail", "contact"}:
        assert _outcome(response) == LOGIN
    else:
        assert response.status_code == 404
