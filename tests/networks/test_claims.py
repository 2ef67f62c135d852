"""A claimed post takes nothing until it is verified (issue 10, finding 1): no seat, no
automatic network, no school-based network; the school's head and its networks'
administrators decide, and every decision moves seats as a change of head does."""

import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from members.models import Post
from networks import access, services
from networks.models import Membership, Network
from portal import services as portal_services
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture
def osshta():
    """Automatic and school-based, like OSSHTA: every secondary head's school is a member."""
    return factories.make_network(
        name="Secondary Heads Association",
        slug="secondary-heads",
        sectors=["secondary"],
        basis=Network.Basis.SCHOOL,
        join_policy=Network.JoinPolicy.AUTOMATIC,
    )


@pytest.fixture
def school():
    return factories.make_school(name="Larkwell Academy", sector="secondary")


@pytest.fixture
def real_head(osshta, school):
    """The school's verified head, holding its seat and administering the network."""
    head = factories.make_head(school=school, email="real.head@larkwell.example")
    factories.make_membership(
        person=head, network=osshta, school=school, role=Membership.Role.ADMINISTRATOR
    )
    return head


@pytest.fixture
def claimant():
    return factories.make_user(email="claimant@home.example", first_name="Rory", last_name="Pendle")


def _claim_by_signing_up(client, person, school, role=Post.Role.HEADTEACHER):
    """The attack: a fresh account adds a headship dated today through the pages."""
    client.force_login(person)
    client.post(
        f"{reverse('portal:post_add')}?school={school.urn}",
        {"role": role, "started_on": TODAY.isoformat()},
    )
    return Post.objects.get(person=person, school=school)


def test_a_fresh_sign_up_claiming_a_headship_takes_no_seat_and_sees_no_member_list(
    client, osshta, school, real_head, claimant
):
    mail.outbox.clear()

    post = _claim_by_signing_up(client, claimant, school)

    assert post.verification == Post.Verification.UNVERIFIED
    assert not Membership.objects.filter(person=claimant).exists()
    assert client.get(reverse("networks:members", args=[osshta.slug])).status_code == 403
    call_reconcile()
    assert not Membership.objects.filter(person=claimant).exists()
    seat = Membership.objects.live().get(network=osshta, school=school)
    assert (seat.person, seat.status, seat.role) == (real_head, "active", "administrator")
    # The real head hears only that someone claims their school, with a link to decide.
    assert [message.to for message in mail.outbox] == [["real.head@larkwell.example"]]
    assert f"/claims/{post.pk}/" in mail.outbox[0].body
    assert "Rory Pendle" in mail.outbox[0].subject


def call_reconcile():
    services.reconcile_automatic_memberships()


def test_the_real_head_rejects_the_claim_which_ends_it_and_tells_the_claimant(
    client, osshta, school, real_head, claimant
):
    post = _claim_by_signing_up(client, claimant, school)
    mail.outbox.clear()
    client.force_login(real_head)

    response = client.post(reverse("portal:claim_reject", args=[post.pk]))

    assert response.status_code == 302
    post.refresh_from_db()
    assert post.verification == Post.Verification.REJECTED
    assert not post.is_current()
    decision = post.decisions.get()
    assert (decision.how, decision.decided_by) == (Post.How.SCHOOL_HEAD, real_head)
    assert [message.to for message in mail.outbox] == [["claimant@home.example"]]
    seat = Membership.objects.live().get(network=osshta, school=school)
    assert seat.person == real_head


def test_a_network_administrator_confirms_the_claim_and_then_passes_the_seat(
    client, osshta, school, claimant
):
    old_head = factories.make_head(school=school, email="old.head@larkwell.example")
    old_seat = factories.make_membership(person=old_head, network=osshta, school=school)
    administrator = factories.make_user(email="admin@association.example")
    factories.make_membership(
        person=administrator, network=osshta, role=Membership.Role.ADMINISTRATOR
    )
    post = _claim_by_signing_up(client, claimant, school)
    mail.outbox.clear()
    client.force_login(administrator)

    client.post(reverse("portal:claim_confirm", args=[post.pk]))

    post.refresh_from_db()
    assert post.is_verified
    assert post.decisions.get().how == Post.How.NETWORK_ADMINISTRATOR
    # The old head's post is verified and current: the seat waits for a decision, and the
    # sitting head and the administrators are asked.
    old_seat.refresh_from_db()
    assert old_seat.is_active
    assert [sorted(message.to) for message in mail.outbox] == [
        ["admin@association.example", "old.head@larkwell.example"]
    ]
    assert f"/claims/{post.pk}/" in mail.outbox[0].body
    mail.outbox.clear()

    client.post(reverse("portal:claim_seats", args=[post.pk]), {"decision": "pass"})

    old_seat.refresh_from_db()
    assert old_seat.status == Membership.Status.LAPSED
    seat = Membership.objects.live().get(network=osshta, school=school)
    assert seat.person == claimant
    recipients = sorted(address for message in mail.outbox for address in message.to)
    assert recipients == ["claimant@home.example", "old.head@larkwell.example"]


# Which networks a claim counts for ---------------------------------------------------


def test_approval_into_a_school_based_network_is_refused_for_an_unverified_headship(client, school):
    oashp = factories.make_network(
        sectors=["secondary"], basis=Network.Basis.SCHOOL, join_policy=Network.JoinPolicy.APPROVAL
    )
    administrator = factories.make_user()
    factories.make_membership(person=administrator, network=oashp, role="administrator")
    claimant = factories.make_head(school=school, verified=False)

    with pytest.raises(ValidationError, match="not yet confirmed"):
        services.join_network(person=claimant, network=oashp)
    # A request from before posts were verified cannot be approved either.
    request = factories.make_membership(
        person=claimant, network=oashp, school=school, status=Membership.Status.PENDING
    )
    with pytest.raises(ValidationError, match="not yet confirmed"):
        services.approve_membership(membership=request, by=administrator)

    client.force_login(administrator)
    page = client.get(reverse("networks:requests", args=[oashp.slug])).content.decode()
    assert "post not yet confirmed" in page
    response = client.post(
        reverse("networks:requests", args=[oashp.slug]),
        {"decision": "approve", "membership": [request.pk]},
        follow=True,
    )
    assert "not yet confirmed" in response.content.decode()
    request.refresh_from_db()
    assert request.is_pending


def test_an_open_school_based_network_refuses_an_unverified_headship(client, school):
    oassh = factories.make_network(sectors=["secondary"], basis=Network.Basis.SCHOOL)
    claimant = factories.make_head(school=school, verified=False)
    client.force_login(claimant)

    client.post(reverse("networks:join", args=[oassh.slug]))

    assert not Membership.objects.filter(person=claimant).exists()
    page = client.get(oassh.get_absolute_url()).content.decode()
    assert "is not yet confirmed" in page


def test_an_unverified_post_joins_an_open_person_based_network_marked_unconfirmed(
    client, network, member
):
    claimant = factories.make_head(verified=False, first_name="Rory", last_name="Pendle")
    client.force_login(claimant)

    client.post(reverse("networks:join", args=[network.slug]))

    assert Membership.objects.active().filter(person=claimant, network=network).exists()
    client.force_login(member)
    page = client.get(reverse("networks:members", args=[network.slug])).content.decode()
    row = next(line for line in page.splitlines() if "Rory Pendle" in line)
    assert "Rory Pendle" in page
    assert page.count("post not yet confirmed") == 1
    assert "post not yet confirmed" in page[page.index(row) :]


def test_a_coordinator_with_an_unconfirmed_post_is_marked_on_the_network_page(client, network):
    coordinator = factories.make_head(verified=False, first_name="Rory", last_name="Pendle")
    factories.make_membership(person=coordinator, network=network, role="coordinator")

    page = client.get(network.get_absolute_url()).content.decode()

    assert re.search(r"Rory Pendle[^<]*<span[^>]*>post not yet confirmed", page)


def test_an_automatic_network_enrols_a_head_once_their_claim_is_confirmed(osshta, school, staff):
    claimant = factories.make_user()
    post = portal_services.add_post(
        person=claimant, school=school, role=Post.Role.HEADTEACHER, started_on=TODAY
    )
    assert not Membership.objects.filter(person=claimant).exists()

    services.confirm_claim(post=post, how=Post.How.SITE_STAFF, by=staff)

    assert Membership.objects.active().get(person=claimant).school == school


def test_a_seat_holder_from_before_verification_keeps_the_seat(osshta, school):
    legacy = factories.make_head(school=school, verified=False)
    seat = factories.make_membership(person=legacy, network=osshta, school=school)

    call_reconcile()

    seat.refresh_from_db()
    assert seat.is_active


# Who decides ----------------------------------------------------------------


@pytest.fixture
def claim(school, real_head, claimant):
    return factories.make_post(person=claimant, school=school, started_on=TODAY, verified=False)


@pytest.fixture
def elsewhere_claim(claimant):
    """A claim at a school that is a member of no network."""
    return factories.make_post(
        person=factories.make_user(), school=factories.make_school(), verified=False
    )


@pytest.fixture
def other_administrator(school):
    """Administrator of another school-based network, where this school has no seat."""
    other = factories.make_network(basis=Network.Basis.SCHOOL, sectors=["secondary"])
    person = factories.make_user()
    factories.make_membership(person=person, network=other, role="administrator")
    factories.make_membership(
        person=factories.make_head(school=factories.make_school(sector="secondary")),
        network=other,
        school=factories.make_school(sector="secondary"),
    )
    return person


@pytest.fixture
def network_coordinator(osshta):
    person = factories.make_head(school=factories.make_school(sector="secondary"))
    factories.make_membership(person=person, network=osshta, role="coordinator")
    return person


@pytest.fixture
def deputy(school):
    """A verified deputy at the school: not its head."""
    person = factories.make_user()
    factories.make_post(person=person, school=school, role=Post.Role.SENIOR_LEADER)
    return person


DECIDERS = [
    ("real_head", 200),  # the school's verified head (and the network's administrator)
    ("staff", 200),
    ("claimant", 404),
    ("deputy", 404),
    ("network_coordinator", 404),
    ("other_administrator", 404),
    ("head", 404),
]


@pytest.mark.parametrize(("persona", "expected"), DECIDERS)
def test_who_may_see_a_claim(client, request, claim, persona, expected):
    client.force_login(request.getfixturevalue(persona))

    assert client.get(reverse("portal:claim", args=[claim.pk])).status_code == expected


@pytest.mark.parametrize(("persona", "expected"), DECIDERS)
@pytest.mark.parametrize("decision", ["claim_confirm", "claim_reject"])
def test_who_may_decide_a_claim(client, request, claim, persona, expected, decision):
    client.force_login(request.getfixturevalue(persona))

    response = client.post(reverse(f"portal:{decision}", args=[claim.pk]))

    assert response.status_code == (302 if expected == 200 else 404)
    claim.refresh_from_db()
    assert (claim.verification == "unverified") == (expected == 404)


def test_a_visitor_is_asked_to_sign_in_for_a_claim(client, claim):
    response = client.get(reverse("portal:claim", args=[claim.pk]))

    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


@pytest.mark.parametrize("decision", ["claim_confirm", "claim_reject"])
def test_deciding_is_post_only(client, claim, real_head, decision):
    client.force_login(real_head)

    assert client.get(reverse(f"portal:{decision}", args=[claim.pk])).status_code == 405


def test_staff_decide_claims_anywhere_and_network_administrators_only_at_member_schools(
    client, staff, real_head, elsewhere_claim
):
    assert access.how_user_may_decide(real_head, elsewhere_claim) == ""
    assert access.how_user_may_decide(staff, elsewhere_claim) == Post.How.SITE_STAFF


def test_a_rejected_claim_is_gone_for_everyone(client, staff, real_head, claim):
    services.reject_claim(post=claim, how=Post.How.SITE_STAFF, by=staff)

    for person in (staff, real_head):
        client.force_login(person)
        assert client.get(reverse("portal:claim", args=[claim.pk])).status_code == 404


def test_a_confirmed_claim_cannot_be_decided_again(client, staff, claim):
    services.confirm_claim(post=claim, how=Post.How.SITE_STAFF, by=staff)
    client.force_login(staff)

    assert client.post(reverse("portal:claim_reject", args=[claim.pk])).status_code == 404
    assert client.post(reverse("portal:claim_confirm", args=[claim.pk])).status_code == 404
    # What is left is the school's seats, which its sitting head still holds.
    page = client.get(reverse("portal:claim", args=[claim.pk])).content.decode()
    assert "Pass the seats to" in page and ">Reject<" not in page
    claim.refresh_from_db()
    assert claim.is_verified


# The network's queue --------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("real_head", 200),
        ("staff", 200),
        ("network_coordinator", 403),
        ("other_administrator", 403),
        ("claimant", 403),
    ],
)
def test_who_may_see_the_networks_claims(client, request, osshta, claim, persona, expected):
    client.force_login(request.getfixturevalue(persona))

    response = client.get(reverse("networks:claims", args=[osshta.slug]))

    assert response.status_code == expected


def test_the_queue_lists_claims_at_member_schools_only(
    client, osshta, real_head, claim, elsewhere_claim, other_administrator
):
    client.force_login(real_head)

    page = client.get(reverse("networks:claims", args=[osshta.slug])).content.decode()

    assert reverse("portal:claim", args=[claim.pk]) in page
    assert reverse("portal:claim", args=[elsewhere_claim.pk]) not in page
    assert list(access.claims_for_network(osshta)) == [claim]


def test_the_network_page_links_its_administrators_to_the_queue(client, osshta, real_head):
    url = reverse("networks:claims", args=[osshta.slug])
    client.force_login(real_head)

    assert url in client.get(osshta.get_absolute_url()).content.decode()
