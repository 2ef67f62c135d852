"""The data migration that re-examined posts verified by evidence alone under the rule of
issue 19, finding 1 (members 0007): those that no longer qualify are claims again."""

import datetime
import importlib

import pytest
from allauth.account.models import EmailAddress
from django.apps import apps
from django.utils import timezone

from core.models import AuditEvent
from members.models import Post, PostDecision
from networks import services
from networks.models import Membership, Network
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
migration = importlib.import_module("members.migrations.0007_reexamine_automatic_verifications")


def _reexamine():
    migration.reexamine(apps, None)


def _verified_automatically(person, school, how, role=Post.Role.HEADTEACHER, **fields):
    """A post as the old rule verified it."""
    return Post.objects.create(
        person=person,
        school=school,
        role=role,
        started_on=fields.pop("started_on", TODAY - datetime.timedelta(days=10)),
        verification=Post.Verification.VERIFIED,
        verified_how=how,
        decided_at=timezone.now(),
        **fields,
    )


@pytest.fixture
def school():
    school = factories.make_school(
        name="Larkwell Academy", sector="secondary", website="www.larkwell.sch.uk"
    )
    school.head_first_name, school.head_last_name = "Lucy", "Drayden"
    school.save()
    return school


def test_an_impostors_headship_by_the_registers_name_becomes_a_claim_and_the_seat_returns(
    school,
):
    network = factories.make_network(sectors=["secondary"], basis=Network.Basis.SCHOOL)
    real_head = factories.make_head(school=school)  # confirmed by staff
    factories.make_membership(
        person=real_head, network=network, school=school, status=Membership.Status.LAPSED
    )
    impostor = factories.make_user(first_name="Lucy", last_name="Drayden")
    post = _verified_automatically(impostor, school, Post.How.REGISTER)
    factories.make_membership(person=impostor, network=network, school=school)

    _reexamine()

    post.refresh_from_db()
    assert (post.verification, post.verified_how, post.decided_at) == ("unverified", "", None)
    assert list(Post.objects.claims()) == [post]
    decision = post.decisions.get()
    assert (decision.outcome, decision.how, decision.decided_by) == (
        "unverified",
        "reexamined",
        None,
    )
    event = AuditEvent.objects.get(action="post.reopened")
    assert (event.subject, event.actor, event.object_id) == (impostor, None, post.pk)
    assert event.object_repr == "Headteacher at Larkwell Academy"
    assert "no longer suffices" in event.summary
    # The nightly reconcile gives the seat back to the verified head.
    services.reconcile_automatic_memberships()
    assert Membership.objects.live().get(network=network, school=school).person == real_head


def test_a_teaching_assistants_interim_headship_by_the_schools_domain_becomes_a_claim(school):
    assistant = factories.make_user(email="ta@larkwell.sch.uk")
    post = _verified_automatically(
        assistant, school, Post.How.SCHOOL_DOMAIN, role=Post.Role.INTERIM_HEAD
    )

    _reexamine()

    post.refresh_from_db()
    assert post.verification == Post.Verification.UNVERIFIED


def test_a_headship_with_both_pieces_of_evidence_and_no_other_head_stands(school):
    head = factories.make_user(email="l.drayden@larkwell.sch.uk", first_name="Lucy",
                               last_name="Drayden")  # fmt: skip
    post = _verified_automatically(head, school, Post.How.REGISTER)

    _reexamine()

    post.refresh_from_db()
    assert (post.verification, post.verified_how) == ("verified", "register")
    assert not PostDecision.objects.exists() and not AuditEvent.objects.exists()


def test_of_two_automatic_headships_at_one_school_only_the_first_stands(school):
    first = factories.make_user(email="l.drayden@larkwell.sch.uk", first_name="Lucy",
                                last_name="Drayden")  # fmt: skip
    second = factories.make_user(first_name="Lucy", last_name="Drayden")
    EmailAddress.objects.create(user=second, email="lucy@larkwell.sch.uk", verified=True)
    kept = _verified_automatically(first, school, Post.How.REGISTER)
    reopened = _verified_automatically(second, school, Post.How.REGISTER)

    _reexamine()

    kept.refresh_from_db()
    reopened.refresh_from_db()
    assert (kept.is_verified, reopened.is_verified) == (True, False)


def test_a_deputy_by_the_schools_own_domain_stands_by_a_councils_does_not():
    own = factories.make_school(website="www.larkwell.sch.uk")
    council = factories.make_school(website="www.oxfordshire.gov.uk/larkwell")
    deputy = factories.make_user(email="deputy@larkwell.sch.uk")
    clerk = factories.make_user(email="clerk@oxfordshire.gov.uk")
    stands = _verified_automatically(
        deputy, own, Post.How.SCHOOL_DOMAIN, role=Post.Role.SENIOR_LEADER
    )
    falls = _verified_automatically(
        clerk, council, Post.How.SCHOOL_DOMAIN, role=Post.Role.SENIOR_LEADER
    )

    _reexamine()

    stands.refresh_from_db()
    falls.refresh_from_db()
    assert (stands.is_verified, falls.is_verified) == (True, False)


def test_ended_posts_and_decisions_by_people_are_left_alone(school):
    impostor = factories.make_user(first_name="Lucy", last_name="Drayden")
    ended = _verified_automatically(
        impostor,
        school,
        Post.How.REGISTER,
        started_on=TODAY - datetime.timedelta(days=400),
        ended_on=TODAY - datetime.timedelta(days=30),
    )
    by_staff = factories.make_post(person=factories.make_user(), school=school)

    _reexamine()

    for post in (ended, by_staff):
        post.refresh_from_db()
        assert post.is_verified
