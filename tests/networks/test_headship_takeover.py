"""Issue 19, finding 1: a new account took a school's headship and its seats with public
data. A name match is evidence, not a verdict; the school's own domain proves that
someone works there, not that they lead it; a council's, trust's or host's domain proves
nothing; and a seat never moves away from a verified head in post without a decision.

Each attack is made as the security test made it: a fresh account, the profile's
"add post" pages, then the pages the seat would open."""

import datetime

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEvent
from members.models import Post
from networks import access, services
from networks.models import Membership, Network
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture
def osshta():
    """Automatic and school-based, like OSSHTA."""
    return factories.make_network(
        name="Secondary Heads Association",
        short_name="SHA",
        slug="secondary-heads",
        sectors=["secondary"],
        basis=Network.Basis.SCHOOL,
        join_policy=Network.JoinPolicy.AUTOMATIC,
    )


@pytest.fixture
def oashp():
    """School-based by approval, like OASHP."""
    return factories.make_network(
        name="Secondary Heads by Approval",
        slug="approval-heads",
        sectors=["secondary"],
        basis=Network.Basis.SCHOOL,
        join_policy=Network.JoinPolicy.APPROVAL,
    )


@pytest.fixture
def school():
    """The register names its head Lucy Drayden (it lags: she left last year); its own
    website is www.larkwell.sch.uk."""
    school = factories.make_school(
        name="Larkwell Academy", sector="secondary", website="https://www.larkwell.sch.uk/"
    )
    school.head_first_name, school.head_last_name = "Lucy", "Drayden"
    school.save()
    return school


@pytest.fixture
def real_head(osshta, oashp, school):
    """Marcus Hale: the school's verified head, coordinator of one network, member of two."""
    head = factories.make_user(
        email="marcus.hale@larkwell.sch.uk", first_name="Marcus", last_name="Hale"
    )
    factories.make_post(person=head, school=school)
    factories.make_membership(
        person=head, network=osshta, school=school, role=Membership.Role.COORDINATOR
    )
    factories.make_membership(person=head, network=oashp, school=school)
    return head


@pytest.fixture
def administrator(osshta):
    person = factories.make_user(email="admin@association.example")
    factories.make_membership(person=person, network=osshta, role=Membership.Role.ADMINISTRATOR)
    return person


def _add_post(client, person, school, role=Post.Role.HEADTEACHER):
    """Through the profile's pages, as anyone with an account can."""
    client.force_login(person)
    response = client.post(
        f"{reverse('portal:post_add')}?school={school.urn}",
        {"role": role, "started_on": TODAY.isoformat()},
    )
    assert response.status_code == 302
    return Post.objects.get(person=person, school=school, role=role)


def _seats_of(school):
    return {
        seat.network.slug: (seat.person, seat.role)
        for seat in Membership.objects.live().filter(school=school).select_related("network")
    }


def _assert_the_real_head_keeps_everything(real_head, school):
    assert _seats_of(school) == {
        "secondary-heads": (real_head, Membership.Role.COORDINATOR),
        "approval-heads": (real_head, Membership.Role.MEMBER),
    }
    assert not Membership.objects.filter(person=real_head, status="lapsed").exists()


# The attacks ------------------------------------------------------------------------


def test_a_new_account_with_the_registers_head_name_takes_no_headship_and_no_seat(
    client, osshta, school, real_head
):
    impostor = factories.make_user(
        email="lucy.drayden@freemail.example", first_name="Lucy", last_name="Drayden"
    )
    mail.outbox.clear()

    post = _add_post(client, impostor, school)

    assert post.verification == Post.Verification.UNVERIFIED
    _assert_the_real_head_keeps_everything(real_head, school)
    assert not Membership.objects.filter(person=impostor).exists()
    assert client.get(reverse("networks:members", args=[osshta.slug])).status_code == 403
    assert client.get(reverse("leaders:directory")).status_code == 403
    # The real head is asked, and told nothing has moved.
    assert [message.to for message in mail.outbox] == [["marcus.hale@larkwell.sch.uk"]]
    assert "Lucy Drayden" in mail.outbox[0].subject


def test_a_teaching_assistants_school_address_does_not_make_them_interim_head(
    client, school, real_head
):
    assistant = factories.make_user(email="ta.jones@larkwell.sch.uk")

    post = _add_post(client, assistant, school, Post.Role.INTERIM_HEAD)

    assert post.verification == Post.Verification.UNVERIFIED
    _assert_the_real_head_keeps_everything(real_head, school)


def test_a_school_address_and_the_registers_name_do_not_verify_a_head_beside_a_verified_one(
    client, school, real_head
):
    namesake = factories.make_user(
        email="l.drayden@larkwell.sch.uk", first_name="Lucy", last_name="Drayden"
    )

    post = _add_post(client, namesake, school)

    assert post.verification == Post.Verification.UNVERIFIED
    _assert_the_real_head_keeps_everything(real_head, school)


@pytest.mark.parametrize(
    ("website", "address"),
    [
        # The school's pages live on its council's site.
        ("https://www.oxfordshire.gov.uk/schools/larkwell", "clerk@oxfordshire.gov.uk"),
        # Its council's own domain, given as its website.
        ("www.oxfordshire.gov.uk", "clerk@oxfordshire.gov.uk"),
        # Its trust's site, which another of the trust's schools gives too.
        ("www.rivertrust.org.uk", "finance@rivertrust.org.uk"),
    ],
)
@pytest.mark.parametrize("role", [Post.Role.HEADTEACHER, Post.Role.SENIOR_LEADER])
def test_a_council_trust_or_hosts_domain_verifies_nothing(client, osshta, website, address, role):
    factories.make_school(name="Another Trust School", website="https://www.rivertrust.org.uk")
    school = factories.make_school(name="Larkwell Academy", sector="secondary", website=website)
    person = factories.make_user(email=address, first_name="Lucy", last_name="Drayden")
    factories.name_in_register(school, person)

    post = _add_post(client, person, school, role)

    assert post.verification == Post.Verification.UNVERIFIED
    assert not Membership.objects.filter(person=person).exists()


def test_an_impostor_confirmed_by_mistake_does_not_outrank_the_sitting_verified_head(
    client, osshta, school, real_head, administrator
):
    impostor = factories.make_user(
        email="lucy.drayden@freemail.example", first_name="Lucy", last_name="Drayden"
    )
    post = _add_post(client, impostor, school)
    mail.outbox.clear()
    client.force_login(administrator)

    client.post(reverse("portal:claim_confirm", args=[post.pk]))

    post.refresh_from_db()
    assert post.is_verified
    _assert_the_real_head_keeps_everything(real_head, school)
    client.force_login(real_head)
    assert client.get(reverse("networks:members", args=[osshta.slug])).status_code == 200
    client.force_login(impostor)
    assert client.get(reverse("networks:members", args=[osshta.slug])).status_code == 403
    # The sitting head and the administrators are asked, once, with a link to decide.
    (question,) = mail.outbox
    assert sorted(question.to) == ["admin@association.example", "marcus.hale@larkwell.sch.uk"]
    assert "Should Larkwell Academy's seats pass to Lucy Drayden?" in question.subject
    assert "stay with Marcus Hale" in question.body
    assert f"/claims/{post.pk}/" in question.body
    client.force_login(real_head)
    assert "pass the school's seats to them, or keep them" in client.get(reverse("me")).text
    client.force_login(administrator)
    queue = client.get(reverse("networks:claims", args=[osshta.slug])).text
    assert "Pass the school's seats or keep them" in queue


# The decision the seat waits for -------------------------------------------------------


@pytest.fixture
def second_head(osshta, school, real_head, administrator):
    """A second verified headship at the school (confirmed by an administrator), waiting for
    the seats its sitting head holds."""
    person = factories.make_user(email="new.head@home.example", first_name="Nia", last_name="New")
    post = factories.make_post(person=person, school=school, started_on=TODAY, verified=False)
    services.confirm_claim(post=post, how=Post.How.NETWORK_ADMINISTRATOR, by=administrator)
    post.refresh_from_db()
    assert post.awaits_seat_decision
    mail.outbox.clear()
    return post


@pytest.fixture
def school_deputy(school):
    person = factories.make_user()
    factories.make_post(person=person, school=school, role=Post.Role.SENIOR_LEADER)
    return person


@pytest.fixture
def network_coordinator(osshta):
    person = factories.make_head(school=factories.make_school(sector="secondary"))
    factories.make_membership(person=person, network=osshta, role="coordinator")
    return person


SEAT_DECIDERS = [
    ("real_head", True),
    ("administrator", True),
    ("staff", True),
    ("newcomer", False),  # never their own
    ("school_deputy", False),
    ("network_coordinator", False),
    ("head", False),
]


@pytest.mark.parametrize(("persona", "allowed"), SEAT_DECIDERS)
def test_who_may_pass_a_schools_seats(client, request, school, real_head, second_head, persona,
                                      allowed):  # fmt: skip
    person = second_head.person if persona == "newcomer" else request.getfixturevalue(persona)
    client.force_login(person)

    page = client.get(reverse("portal:claim", args=[second_head.pk]))
    response = client.post(reverse("portal:claim_seats", args=[second_head.pk]),
                           {"decision": "pass"})  # fmt: skip

    assert page.status_code == (200 if allowed else 404)
    assert response.status_code == (302 if allowed else 404)
    holder = Membership.objects.live().get(network__slug="secondary-heads", school=school).person
    assert holder == (second_head.person if allowed else real_head)


def test_passing_the_seats_is_recorded_and_both_heads_are_told(
    client, school, real_head, second_head, administrator
):
    client.force_login(administrator)

    client.post(reverse("portal:claim_seats", args=[second_head.pk]), {"decision": "pass"})

    assert {seat: holder for seat, (holder, _) in _seats_of(school).items()} == {
        "secondary-heads": second_head.person,
        "approval-heads": second_head.person,
    }
    assert set(Membership.objects.filter(person=real_head).values_list("status", flat=True)) == {
        "lapsed"
    }
    recipients = sorted({address for message in mail.outbox for address in message.to})
    assert recipients == ["marcus.hale@larkwell.sch.uk", "new.head@home.example"]
    event = AuditEvent.objects.filter(action="post.seats_passed").get()
    assert (event.actor, event.subject) == (administrator, second_head.person)
    assert "by an administrator of its network" in event.summary
    # Decided: it is gone from the queue, and cannot be decided again.
    assert client.post(reverse("portal:claim_seats", args=[second_head.pk]),
                       {"decision": "keep"}).status_code == 404  # fmt: skip


def test_the_sitting_head_keeps_the_seats_and_the_new_head_is_told(
    client, school, real_head, second_head
):
    client.force_login(real_head)

    client.post(reverse("portal:claim_seats", args=[second_head.pk]), {"decision": "keep"})

    _assert_the_real_head_keeps_everything(real_head, school)
    (told,) = mail.outbox
    assert told.to == ["new.head@home.example"]
    assert "pass to you when the sitting head's post ends" in told.body
    assert "pass the school's seats" not in client.get(reverse("me")).text
    event = AuditEvent.objects.filter(action="post.seats_kept").get()
    assert (event.actor, event.subject) == (real_head, second_head.person)
    # The nightly reconcile leaves it so, and asks nobody again.
    services.reconcile_automatic_memberships()
    _assert_the_real_head_keeps_everything(real_head, school)
    assert len(mail.outbox) == 1


def test_the_seats_pass_without_a_decision_when_the_sitting_heads_post_ends(
    client, school, real_head, second_head
):
    client.force_login(real_head)
    post = real_head.posts.get()

    client.post(reverse("portal:post_end", args=[post.pk]), {"ended_on": TODAY.isoformat()})
    # Ended today: held until midnight, so the nightly reconcile tomorrow moves the seats.
    Post.objects.filter(pk=post.pk).update(ended_on=TODAY - datetime.timedelta(days=1))
    services.reconcile_automatic_memberships()

    assert {seat: holder for seat, (holder, _) in _seats_of(school).items()} == {
        "secondary-heads": second_head.person,
        "approval-heads": second_head.person,
    }
    second_head.refresh_from_db()
    assert second_head.seat_question == Post.SeatQuestion.NONE  # nothing left to decide


def test_a_reconcile_never_moves_a_verified_heads_seat_and_asks_only_once(
    school, real_head, second_head
):
    services.reconcile_automatic_memberships()
    services.reconcile_automatic_memberships()

    _assert_the_real_head_keeps_everything(real_head, school)
    assert not mail.outbox


# A headship verified by its evidence alone ------------------------------------------------


@pytest.fixture
def vacant_school(osshta):
    """A member school whose head has left: the seat waits for the next one."""
    school = factories.make_school(
        name="Cherwell School", sector="secondary", website="www.cherwell.sch.uk"
    )
    old_head = factories.make_user()
    factories.make_post(
        person=old_head, school=school, ended_on=TODAY - datetime.timedelta(days=30)
    )
    factories.make_membership(
        person=old_head, network=osshta, school=school, status=Membership.Status.LAPSED
    )
    school.head_first_name, school.head_last_name = "Rhian", "Owens"
    school.save()
    return school


def test_the_registers_head_with_the_schools_address_is_verified_and_administrators_are_told(
    client, osshta, vacant_school, administrator
):
    head = factories.make_user(email="r.owens@cherwell.sch.uk", first_name="Rhian",
                               last_name="Owens")  # fmt: skip
    mail.outbox.clear()

    post = _add_post(client, head, vacant_school)

    assert post.verified_how == Post.How.REGISTER_AND_DOMAIN
    assert Membership.objects.active().get(network=osshta, school=vacant_school).person == head
    told = [message for message in mail.outbox if message.to == ["admin@association.example"]]
    assert len(told) == 1
    assert "Rhian Owens was confirmed automatically as headteacher" in told[0].subject
    assert f"/claims/{post.pk}/" in told[0].body
    client.force_login(administrator)
    queue = client.get(reverse("networks:claims", args=[osshta.slug])).text
    assert "Rhian Owens, headteacher at Cherwell School" in queue


@pytest.mark.parametrize(
    ("persona", "allowed"),
    [("administrator", True), ("staff", True), ("network_coordinator", False),
     ("owner", False), ("head", False)],
)  # fmt: skip
def test_who_may_revoke_a_headship_verified_automatically(
    client, request, osshta, vacant_school, administrator, persona, allowed
):
    head = factories.make_user(email="r.owens@cherwell.sch.uk", first_name="Rhian",
                               last_name="Owens")  # fmt: skip
    post = _add_post(client, head, vacant_school)
    mail.outbox.clear()
    client.force_login(head if persona == "owner" else request.getfixturevalue(persona))

    page = client.get(reverse("portal:claim", args=[post.pk]))
    response = client.post(reverse("portal:claim_revoke", args=[post.pk]))

    assert page.status_code == (200 if allowed else 404)
    assert response.status_code == (302 if allowed else 404)
    post.refresh_from_db()
    if not allowed:
        assert post.is_verified
        return
    assert post.verification == Post.Verification.REJECTED
    assert not Membership.objects.live().filter(person=head).exists()
    (told,) = [message for message in mail.outbox if "was revoked" in message.subject]
    assert told.to == ["r.owens@cherwell.sch.uk"]
    assert "has revoked that confirmation" in told.body
    assert post.decisions.first().how in (Post.How.NETWORK_ADMINISTRATOR, Post.How.SITE_STAFF)
    event = AuditEvent.objects.get(action="post.revoked")
    assert (event.actor, event.subject) == (request.getfixturevalue(persona), head)


def test_a_headship_confirmed_by_a_person_cannot_be_revoked(client, school, real_head, staff):
    client.force_login(staff)

    assert (
        client.post(reverse("portal:claim_revoke", args=[real_head.posts.get().pk])).status_code
        == 404
    )


# Only a verified headship takes a seat or is approved into a school-based network ---------


def test_a_verified_deputy_post_does_not_let_a_claimed_headship_be_approved(
    oashp, school, real_head
):
    Membership.objects.filter(network=oashp).delete()
    administrator = factories.make_user()
    factories.make_membership(person=administrator, network=oashp, role="administrator")
    person = factories.make_user()
    factories.make_post(person=person, school=school, role=Post.Role.SENIOR_LEADER)
    factories.make_post(person=person, school=school, started_on=TODAY, verified=False)
    request = factories.make_membership(
        person=person, network=oashp, school=school, status=Membership.Status.PENDING
    )

    with pytest.raises(ValidationError, match="not yet confirmed"):
        services.approve_membership(membership=request, by=administrator)


def test_a_school_based_network_that_lists_deputies_gives_them_no_seat(client, school):
    open_to_all_roles = factories.make_network(
        sectors=["secondary"], roles=[], basis=Network.Basis.SCHOOL, slug="any-role"
    )
    deputy = factories.make_user()
    factories.make_post(person=deputy, school=school, role=Post.Role.SENIOR_LEADER)
    client.force_login(deputy)

    client.post(reverse("networks:join", args=[open_to_all_roles.slug]))

    assert not Membership.objects.filter(person=deputy).exists()


def test_an_impostor_cannot_reject_a_real_deputys_claim(client, school, real_head):
    deputy = factories.make_user(email="deputy@home.example", first_name="Dee", last_name="Puty")
    claim = factories.make_post(
        person=deputy, school=school, role=Post.Role.SENIOR_LEADER, verified=False
    )
    impostor = factories.make_user(
        email="lucy.drayden@freemail.example", first_name="Lucy", last_name="Drayden"
    )
    _add_post(client, impostor, school)

    assert client.get(reverse("portal:claim", args=[claim.pk])).status_code == 404
    assert client.post(reverse("portal:claim_reject", args=[claim.pk])).status_code == 404
    assert "Dee Puty" not in client.get(reverse("me")).content.decode()
    claim.refresh_from_db()
    assert claim.verification == Post.Verification.UNVERIFIED


def test_a_deputys_address_at_the_schools_own_domain_verifies_their_post(client, school):
    deputy = factories.make_user(email="deputy@larkwell.sch.uk")
    EmailAddress.objects.filter(user=deputy).update(verified=True)

    post = _add_post(client, deputy, school, Post.Role.SENIOR_LEADER)

    assert post.is_verified
    assert post.verified_how == Post.How.SCHOOL_DOMAIN


def test_a_claim_beside_a_seated_head_is_promised_no_seat(client, osshta, school, real_head):
    claimant = factories.make_user(first_name="Nia", last_name="New")
    client.force_login(claimant)

    response = client.post(
        f"{reverse('portal:post_add')}?school={school.urn}",
        {"role": Post.Role.HEADTEACHER, "started_on": TODAY.isoformat()},
        follow=True,
    )

    text = response.content.decode()
    assert "waiting for confirmation by the school&#x27;s head" in text
    assert "you will be a member of" not in text


def test_the_queue_lists_only_the_latest_automatic_headships(client, osshta, administrator):
    for number in range(access.RECENT_AUTOMATIC_SHOWN + 1):
        school = factories.make_school(sector="secondary", name=f"Automatic School {number}")
        head = factories.make_head(school=school, first_name="Auto", last_name=f"Head{number}")
        Post.objects.filter(person=head).update(
            verified_how=Post.How.REGISTER_AND_DOMAIN, decided_at=timezone.now()
        )
        factories.make_membership(person=head, network=osshta, school=school)
    client.force_login(administrator)

    queue = client.get(reverse("networks:claims", args=[osshta.slug])).text

    assert queue.count("Auto Head") == access.RECENT_AUTOMATIC_SHOWN
    assert f"Auto Head{access.RECENT_AUTOMATIC_SHOWN}," in queue  # the newest
    assert "Auto Head0," not in queue
