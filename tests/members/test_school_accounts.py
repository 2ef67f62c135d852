"""Evidence from signing in with a school's own account (issue 27): what a Microsoft,
Google or DfE Sign-in account proves about a person's claimed posts, and where the
evidence is shown (their profile, their data, the claim pages, the audit trail)."""

import datetime

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEvent
from members import school_accounts, services
from members.models import Post, PostDecision
from members.privacy import personal_data
from members.school_accounts import take_evidence
from networks.models import Membership, Network
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
DEPUTY = Post.Role.SENIOR_LEADER


@pytest.fixture
def oakfield():
    """A school whose website is the whole of its own domain, oakfield.sch.uk."""
    return factories.make_school(
        name="Oakfield Primary", urn=123456, website="https://www.oakfield.sch.uk/"
    )


@pytest.fixture
def person():
    """Signed up with an address at home: nothing about them proves a school."""
    return factories.make_user(email="jo.bright@home.example", first_name="Jo", last_name="Bright")


def _claim(person, school, role=DEPUTY):
    return factories.make_post(person=person, school=school, role=role, verified=False)


def _microsoft(person, email="jo.bright@oakfield.sch.uk", proved=True):
    take_evidence(person, provider="microsoft", email=email, email_proved=proved)


def _decision(post):
    return PostDecision.objects.get(post=post)


def test_the_real_function_is_not_the_stub():
    assert not hasattr(take_evidence, "is_stub")


# Microsoft and Google --------------------------------------------------------------------


def test_a_proved_microsoft_address_at_the_schools_own_domain_verifies_a_deputys_claim(
    person, oakfield
):
    post = _claim(person, oakfield)

    _microsoft(person)

    post.refresh_from_db()
    assert (post.verification, post.verified_how) == ("verified", Post.How.SCHOOL_DOMAIN)
    decision = _decision(post)
    assert (decision.evidence_provider, decision.evidence_detail) == (
        "microsoft",
        "oakfield.sch.uk",
    )
    assert decision.decided_by is None
    assert decision.account_label == "Microsoft account at oakfield.sch.uk"


def test_an_unproved_microsoft_address_verifies_nothing(person, oakfield):
    post = _claim(person, oakfield)

    _microsoft(person, proved=False)

    post.refresh_from_db()
    assert post.is_claim
    assert not PostDecision.objects.exists() and not AuditEvent.objects.exists()


def test_the_address_is_evidence_and_is_not_added_to_the_account(person, oakfield):
    _claim(person, oakfield)

    _microsoft(person)

    assert list(EmailAddress.objects.filter(user=person).values_list("email", flat=True)) == [
        "jo.bright@home.example"
    ]


def test_a_google_workspace_address_at_the_schools_own_domain_verifies_the_claim(person, oakfield):
    post = _claim(person, oakfield)

    take_evidence(
        person,
        provider="google",
        email="Jo.Bright@Oakfield.sch.uk",
        email_proved=True,
        hosted_domain="oakfield.sch.uk",
    )

    post.refresh_from_db()
    assert post.verified_how == Post.How.SCHOOL_DOMAIN
    assert _decision(post).account_label == "Google account at oakfield.sch.uk"


@pytest.mark.parametrize(
    ("hosted_domain", "proved"),
    [
        ("", True),  # a personal Google account opened with the school address
        ("another.sch.uk", True),  # a Workspace, but not the one the address is at
        ("oakfield.sch.uk", False),  # Google did not prove the address
    ],
)
def test_a_google_address_without_its_workspace_or_proof_verifies_nothing(
    person, oakfield, hosted_domain, proved
):
    post = _claim(person, oakfield)

    take_evidence(
        person,
        provider="google",
        email="jo.bright@oakfield.sch.uk",
        email_proved=proved,
        hosted_domain=hosted_domain,
    )

    post.refresh_from_db()
    assert post.is_claim


def test_a_gmail_address_proves_no_school(person):
    # Even a school whose website were at gmail.com would not own it: nobody's site is.
    school = factories.make_school(website="https://gmail.com/")
    post = _claim(person, school)

    take_evidence(
        person, provider="google", email="jo@gmail.com", email_proved=True, hosted_domain=""
    )

    post.refresh_from_db()
    assert post.is_claim


@pytest.mark.parametrize(
    ("website", "email"),
    [
        # The school's pages live on the council's site: its addresses are the council's.
        ("https://www.oxfordshire.gov.uk/schools/larkwell", "jo@oxfordshire.gov.uk"),
        ("https://larkwell.oxfordshire.gov.uk", "jo@larkwell.oxfordshire.gov.uk"),
    ],
)
def test_a_councils_domain_proves_nothing(person, website, email):
    post = _claim(person, factories.make_school(website=website))

    _microsoft(person, email=email)

    post.refresh_from_db()
    assert post.is_claim


def test_a_trusts_domain_shared_by_its_schools_proves_nothing(person):
    school = factories.make_school(website="www.rivertrust.org.uk")
    factories.make_school(website="https://rivertrust.org.uk/")
    post = _claim(person, school)

    _microsoft(person, email="jo@rivertrust.org.uk")

    post.refresh_from_db()
    assert post.is_claim


@pytest.mark.parametrize("email", ["", "jo", "jo@", "jo@localhost"])
def test_an_address_without_a_domain_proves_nothing_even_beside_a_verified_one(
    person, oakfield, email
):
    post = _claim(person, oakfield)
    # Added after the claim: only a new look at the evidence would verify it.
    EmailAddress.objects.create(user=person, email="jo@oakfield.sch.uk", verified=True)

    _microsoft(person, email=email)

    post.refresh_from_db()
    assert post.is_claim


def test_an_address_at_another_schools_domain_verifies_nothing_here(person, oakfield):
    factories.make_school(website="www.elmbridge.sch.uk")
    post = _claim(person, oakfield)

    _microsoft(person, email="jo@elmbridge.sch.uk")

    post.refresh_from_db()
    assert post.is_claim


def test_an_address_proves_employment_not_a_council_officers_post(person, oakfield):
    post = _claim(person, oakfield, role=Post.Role.LA_OFFICER)

    _microsoft(person)

    post.refresh_from_db()
    assert post.is_claim


def test_only_the_persons_own_claims_count_and_no_post_is_created(person, oakfield):
    colleague = factories.make_user()
    theirs = _claim(colleague, oakfield)

    _microsoft(person)

    theirs.refresh_from_db()
    assert theirs.is_claim
    assert not person.posts.exists()


def test_an_ended_or_decided_post_is_left_alone(person, oakfield):
    ended = factories.make_post(
        person=person,
        school=oakfield,
        role=DEPUTY,
        started_on=TODAY - datetime.timedelta(days=400),
        ended_on=TODAY - datetime.timedelta(days=1),
        verified=False,
    )
    decided = factories.make_post(person=person, school=oakfield, role=Post.Role.BUSINESS_LEADER)

    _microsoft(person)

    ended.refresh_from_db()
    decided.refresh_from_db()
    assert ended.verification == "unverified"
    assert decided.verified_how == Post.How.SITE_STAFF
    assert not PostDecision.objects.exists()


# Headships ---------------------------------------------------------------------------------


@pytest.fixture
def heads_network():
    """School-based and automatic, like OSSHTA, with an administrator."""
    network = factories.make_network(
        slug="primary-heads",
        sectors=["primary"],
        basis=Network.Basis.SCHOOL,
        join_policy=Network.JoinPolicy.AUTOMATIC,
    )
    administrator = factories.make_user(email="admin@association.example")
    factories.make_membership(
        person=administrator, network=network, role=Membership.Role.ADMINISTRATOR
    )
    return network


def test_the_registers_head_with_a_proved_address_is_verified_takes_the_seat_and_is_reported(
    client, person, oakfield, heads_network
):
    factories.name_in_register(oakfield, person)
    post = _claim(person, oakfield, role=Post.Role.HEADTEACHER)
    mail.outbox.clear()

    _microsoft(person)

    post.refresh_from_db()
    assert post.verified_how == Post.How.REGISTER_AND_DOMAIN and post.is_revocable
    assert _decision(post).evidence_provider == "microsoft"
    # The seats follow, as after any decision, and the administrators are told.
    seat = Membership.objects.active().get(network=heads_network, school=oakfield)
    assert seat.person == person
    told = [message for message in mail.outbox if message.to == ["admin@association.example"]]
    assert len(told) == 1 and f"/claims/{post.pk}/" in told[0].body
    # The administrators' queue and the claim's page name the account.
    client.force_login(Membership.objects.get(role=Membership.Role.ADMINISTRATOR).person)
    page = client.get(reverse("portal:claim", args=[post.pk])).text
    assert "their Microsoft account at oakfield.sch.uk, proved as they signed in" in page
    queue = client.get(reverse("networks:claims", args=[heads_network.slug])).text
    assert "Jo Bright, headteacher at Oakfield Primary" in queue
    assert "(their Microsoft account at oakfield.sch.uk)" in queue


def test_a_proved_address_takes_no_headship_from_a_verified_head_in_post(person, oakfield):
    sitting = factories.make_head(school=oakfield)
    factories.name_in_register(oakfield, person)
    post = _claim(person, oakfield, role=Post.Role.HEADTEACHER)

    _microsoft(person)

    post.refresh_from_db()
    assert post.is_claim
    assert Post.objects.current().verified().headships().get(school=oakfield).person == sitting


def test_a_proved_address_without_the_registers_name_verifies_no_headship(person, oakfield):
    post = _claim(person, oakfield, role=Post.Role.HEADTEACHER)

    _microsoft(person)

    post.refresh_from_db()
    assert post.is_claim


# DfE Sign-in ---------------------------------------------------------------------------------


def _dfe(person, urn="123456"):
    take_evidence(person, provider="dfe", email="jo@anywhere.example", email_proved=True,
                  dfe_urn=urn)  # fmt: skip


@pytest.mark.parametrize("role", [DEPUTY, Post.Role.BUSINESS_LEADER, Post.Role.CHAIR_OF_GOVERNORS])
def test_dfe_sign_in_for_the_persons_school_verifies_that_they_work_there(person, oakfield, role):
    post = _claim(person, oakfield, role=role)

    _dfe(person)

    post.refresh_from_db()
    assert post.verified_how == Post.How.DFE_SIGN_IN
    decision = _decision(post)
    assert (decision.evidence_provider, decision.evidence_detail) == ("dfe", "123456")
    assert decision.account_label == "DfE Sign-in account, organisation URN 123456"


@pytest.mark.parametrize("urn", ["654321", "999999", "", "12a456", "１２３４５６"])
def test_dfe_sign_in_for_another_or_no_school_verifies_nothing(person, oakfield, urn):
    factories.make_school(urn=654321)
    post = _claim(person, oakfield)

    _dfe(person, urn=urn)

    post.refresh_from_db()
    assert post.is_claim


def test_dfe_sign_in_creates_no_post_where_the_person_claims_none(person, oakfield):
    _dfe(person)

    assert not Post.objects.exists() and not AuditEvent.objects.exists()


def test_dfe_sign_in_alone_verifies_no_headship_even_with_the_registers_name(person, oakfield):
    factories.name_in_register(oakfield, person)
    post = _claim(person, oakfield, role=Post.Role.HEADTEACHER)

    _dfe(person)

    post.refresh_from_db()
    assert post.is_claim


def test_dfe_sign_in_verifies_no_council_officers_post(person, oakfield):
    post = _claim(person, oakfield, role=Post.Role.LA_OFFICER)

    _dfe(person)

    post.refresh_from_db()
    assert post.is_claim


def test_an_unknown_provider_is_a_mistake_in_the_caller():
    with pytest.raises(ValueError, match="Unknown provider"):
        take_evidence(factories.make_user(), provider="github", email="a@b.c", email_proved=True)


# Idempotence and the record ------------------------------------------------------------------


@pytest.mark.parametrize("sign_in", [_microsoft, _dfe])
def test_signing_in_twice_changes_nothing_more(person, oakfield, sign_in):
    post = _claim(person, oakfield)

    sign_in(person)
    sign_in(person)

    assert PostDecision.objects.filter(post=post).count() == 1
    assert AuditEvent.objects.filter(action="post.verified").count() == 1


def test_the_audit_line_names_the_account_and_no_one_as_the_actor(person, oakfield):
    post = _claim(person, oakfield)

    _microsoft(person)

    event = AuditEvent.objects.get(action="post.verified")
    assert event.object_id == post.pk and event.subject_id == person.pk
    assert event.actor_id is None
    assert event.summary == (
        "Post confirmed (verified address at the school's own web domain: "
        "Microsoft account at oakfield.sch.uk)"
    )


def test_the_audit_line_for_dfe_sign_in_keeps_dfes_capitals(person, oakfield):
    _claim(person, oakfield)

    _dfe(person)

    assert AuditEvent.objects.get(action="post.verified").summary == (
        "Post confirmed (an account in the school's organisation in DfE Sign-in: "
        "DfE Sign-in account, organisation URN 123456)"
    )


def test_the_person_sees_which_account_confirmed_their_post(client, person, oakfield):
    claim = _claim(person, oakfield)
    confirmed_by_staff = factories.make_post(
        person=person, school=factories.make_school(name="Elm School"), role=DEPUTY
    )
    _microsoft(person)
    client.force_login(person)

    page = client.get(reverse("portal:profile")).text

    today = timezone.localdate().strftime("%-d %b %Y")
    assert f"Confirmed: your Microsoft account at oakfield.sch.uk ({today})." in page
    assert page.count("Confirmed: your") == 1  # not on the post staff confirmed
    assert claim.pk and confirmed_by_staff.pk


def test_the_person_sees_that_dfe_sign_in_confirmed_their_post(client, person, oakfield):
    _claim(person, oakfield)
    _dfe(person)
    client.force_login(person)

    page = client.get(reverse("portal:profile")).text

    today = timezone.localdate().strftime("%-d %b %Y")
    assert f"Confirmed: your DfE Sign-in account, organisation URN 123456 ({today})." in page


def test_a_claim_not_yet_confirmed_shows_no_account(client, person, oakfield):
    _claim(person, oakfield)
    _microsoft(person, proved=False)
    client.force_login(person)

    page = client.get(reverse("portal:profile")).text

    assert "Confirmed: your" not in page


def test_the_profile_costs_the_same_however_many_posts_an_account_confirmed(client, person):
    def _profile_queries():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("portal:profile")).status_code == 200
        return len(queries)

    client.force_login(person)
    first = factories.make_school(website=f"www.school-{person.pk}-0.sch.uk")
    _claim(person, first)
    _microsoft(person, email=f"jo@school-{person.pk}-0.sch.uk")
    few = _profile_queries()
    for number in range(1, 6):
        school = factories.make_school(website=f"www.school-{person.pk}-{number}.sch.uk")
        _claim(person, school)
        _microsoft(person, email=f"jo@school-{person.pk}-{number}.sch.uk")
    assert Post.objects.filter(person=person, verified_how=Post.How.SCHOOL_DOMAIN).count() == 6

    assert _profile_queries() == few


def test_my_data_includes_each_decision_with_how_when_and_the_account(person, oakfield):
    _claim(person, oakfield)
    _microsoft(person)

    [post] = personal_data(person)["posts"]

    [decision] = post["decisions"]
    assert decision["outcome"] == "Confirmed"
    assert decision["how"] == "Verified address at the school's own web domain"
    assert decision["evidence_provider"] == "Microsoft account"
    assert decision["evidence"] == "Microsoft account at oakfield.sch.uk"
    assert decision["decided_at"] == PostDecision.objects.get().decided_at.isoformat()


def test_my_data_shows_no_account_for_a_decision_someone_made(person, oakfield):
    post = _claim(person, oakfield)

    services.verify_post(post=post, how=Post.How.SITE_STAFF, by=factories.make_user())

    [decision] = personal_data(person)["posts"][0]["decisions"]
    assert decision["evidence_provider"] == decision["evidence"] == ""
    assert "decided_by" not in decision


def test_followers_registered_twice_run_once(person, oakfield):
    calls = []

    def follower(post):
        calls.append(post.pk)

    school_accounts.follow(follower)
    school_accounts.follow(follower)
    try:
        _claim(person, oakfield)
        _microsoft(person)
    finally:
        school_accounts._verification_followers.remove(follower)

    assert len(calls) == 1


def test_the_administrators_queue_costs_the_same_however_many_accounts_it_names(
    client, heads_network
):
    def _headship_by_microsoft(number):
        school = factories.make_school(website=f"www.queue-{number}.sch.uk")
        head = factories.make_user(first_name="Queue", last_name=f"Head{number}")
        factories.name_in_register(school, head)
        _claim(head, school, role=Post.Role.HEADTEACHER)
        _microsoft(head, email=f"head@queue-{number}.sch.uk")

    def _queue_queries():
        with CaptureQueriesContext(connection) as queries:
            queue = client.get(reverse("networks:claims", args=[heads_network.slug])).text
        return len(queries), queue.count("(their Microsoft account at queue-")

    client.force_login(Membership.objects.get(role=Membership.Role.ADMINISTRATOR).person)
    _headship_by_microsoft(0)
    few, named = _queue_queries()
    assert named == 1
    for number in range(1, 6):
        _headship_by_microsoft(number)

    assert _queue_queries() == (few, 6)
