"""A declared post is a claim until verified: by evidence weighed together (issue 19,
finding 1: the register's head name and a verified address at the school's own domain for
a headship where no verified head is in post; the address alone for a deputy, business
leader or chair of governors), or by someone entitled to decide (tested in networks)."""

import datetime

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from members import services
from members.models import Post, PostDecision, School
from members.school_import import import_schools
from tests import factories
from tests.members.test_import_schools import SYNTHETIC

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def _claim(person, school, role=Post.Role.HEADTEACHER):
    post, created = services.record_post(person=person, school=school, role=role, started_on=TODAY)
    assert created
    return post


def _with_school_address(person, domain="larkwell.sch.uk"):
    EmailAddress.objects.create(user=person, email=f"head.{person.pk}@{domain}", verified=True)
    return person


def test_a_headship_with_the_registers_name_and_a_school_address_is_verified_whatever_the_case_and_spacing():  # noqa: E501
    school = factories.make_school(website="www.larkwell.sch.uk")
    school.head_title, school.head_first_name, school.head_last_name = (
        "Mrs",
        " Ann ",
        "SMITH  JONES",
    )
    school.save()
    person = _with_school_address(factories.make_user(first_name="ann", last_name="Smith Jones"))

    post = _claim(person, school)

    assert post.is_verified
    assert post.verified_how == Post.How.REGISTER_AND_DOMAIN
    decision = PostDecision.objects.get(post=post)
    assert (decision.outcome, decision.how, decision.decided_by) == (
        "verified",
        "register_and_domain",
        None,
    )


def test_the_registers_name_alone_verifies_no_headship():
    person = factories.make_user(first_name="Ann", last_name="Smith")
    school = factories.make_school(website="www.larkwell.sch.uk")
    factories.name_in_register(school, person)

    post = _claim(person, school)

    assert post.verification == Post.Verification.UNVERIFIED
    assert not post.decisions.exists()


@pytest.mark.parametrize("role", Post.HEAD_ROLES)
def test_a_school_address_alone_verifies_no_headship(role):
    school = factories.make_school(website="www.larkwell.sch.uk")
    assistant = factories.make_user(email="ta@larkwell.sch.uk")

    assert not _claim(assistant, school, role).is_verified


@pytest.mark.parametrize(
    ("first", "last"), [("Ann", "Smythe"), ("Anne", "Smith"), ("", ""), ("Ann", "")]
)
def test_a_headship_the_register_does_not_name_stays_a_claim(first, last):
    school = factories.make_school(website="www.larkwell.sch.uk")
    school.head_first_name, school.head_last_name = first, last
    school.save()
    person = _with_school_address(factories.make_user(first_name="Ann", last_name="Smith"))

    post = _claim(person, school)

    assert post.verification == Post.Verification.UNVERIFIED
    assert not post.decisions.exists()


def test_no_evidence_verifies_a_headship_where_a_verified_head_is_in_post():
    school = factories.make_school(website="www.larkwell.sch.uk")
    factories.make_head(school=school)  # verified by staff, with another name
    person = _with_school_address(factories.make_user(first_name="Ann", last_name="Smith"))
    factories.name_in_register(school, person)

    assert not _claim(person, school).is_verified


def test_a_second_person_with_the_verified_heads_registered_name_is_not_verified_by_it():
    head = factories.make_user(first_name="Ann", last_name="Smith")
    school = factories.make_school(head=head)
    assert _claim(head, school).is_verified
    namesake = factories.make_user(first_name="Ann", last_name="Smith")
    _with_school_address(namesake, school.own_domain())

    assert not _claim(namesake, school).is_verified


@pytest.mark.parametrize(
    "website",
    [
        "www.larkwell.sch.uk",
        "https://www.larkwell.sch.uk/",
        "http://larkwell.sch.uk/index.php",
        "LARKWELL.SCH.UK",
    ],
)
@pytest.mark.parametrize("role", Post.ROLES_AN_ADDRESS_PROVES)
def test_a_verified_address_at_the_schools_own_domain_verifies_a_post_below_the_head(website, role):
    school = factories.make_school(website=website)
    person = factories.make_user(email="bursar@larkwell.sch.uk")

    post = _claim(person, school, role)

    assert post.is_verified
    assert post.verified_how == Post.How.SCHOOL_DOMAIN


def test_a_school_address_does_not_verify_a_local_authority_officers_post():
    school = factories.make_school(website="www.larkwell.sch.uk")
    person = factories.make_user(email="officer@larkwell.sch.uk")

    assert not _claim(person, school, Post.Role.LA_OFFICER).is_verified


def test_a_second_verified_address_at_the_domain_counts_too():
    school = factories.make_school(website="www.larkwell.sch.uk")
    person = factories.make_user(email="ann@home.example")
    EmailAddress.objects.create(user=person, email="deputy@larkwell.sch.uk", verified=True)

    assert _claim(person, school, Post.Role.SENIOR_LEADER).is_verified


def test_an_unverified_address_at_the_domain_does_not_count():
    school = factories.make_school(website="www.larkwell.sch.uk")
    person = factories.make_user(email="deputy@larkwell.sch.uk", verified=False)

    assert not _claim(person, school, Post.Role.SENIOR_LEADER).is_verified


@pytest.mark.parametrize(
    "email",
    ["head@other.sch.uk", "head@larkwell.sch.uk.evil.example", "head@mail.larkwell.sch.uk"],
)
def test_an_address_at_another_domain_does_not_count(email):
    school = factories.make_school(website="www.larkwell.sch.uk")
    person = factories.make_user(email=email)

    assert not _claim(person, school, Post.Role.SENIOR_LEADER).is_verified


def test_a_school_without_a_website_verifies_no_one_by_address():
    school = factories.make_school(website="")
    person = factories.make_user(email="head@school.example")

    assert not _claim(person, school, Post.Role.SENIOR_LEADER).is_verified


@pytest.mark.parametrize(
    ("website", "email"),
    [
        # Pages on the council's site, the council's own domain, a host's subdomain.
        ("www.oxfordshire.gov.uk/schools/larkwell", "clerk@oxfordshire.gov.uk"),
        ("https://www.oxfordshire.gov.uk", "clerk@oxfordshire.gov.uk"),
        ("https://larkwell.oxfordshire.gov.uk", "clerk@larkwell.oxfordshire.gov.uk"),
        ("https://sites.google.com/view/larkwell", "someone@sites.google.com"),
        ("larkwell.wordpress.com", "someone@larkwell.wordpress.com"),
        # The trust's site, which its other school gives too (the case is ignored).
        ("www.rivertrust.org.uk", "finance@rivertrust.org.uk"),
        ("WWW.RIVERTRUST.ORG.UK/larkwell", "finance@rivertrust.org.uk"),
    ],
)
@pytest.mark.parametrize("role", [Post.Role.HEADTEACHER, Post.Role.BUSINESS_LEADER])
def test_a_council_trust_or_hosts_domain_verifies_nothing(website, email, role):
    factories.make_school(name="Other Trust School", website="https://www.RiverTrust.org.uk/")
    school = factories.make_school(website=website)
    person = factories.make_user(email=email, first_name="Ann", last_name="Smith")
    factories.name_in_register(school, person)

    assert not _claim(person, school, role).is_verified


def test_rejecting_a_claim_ends_the_post_records_the_decision_and_emails_the_claimant(staff):
    claimant = factories.make_user(email="claimant@home.example")
    post = _claim(claimant, factories.make_school(name="Larkwell Primary"))

    services.reject_post(post=post, how=Post.How.SITE_STAFF, by=staff)

    post.refresh_from_db()
    assert post.verification == Post.Verification.REJECTED
    assert post.ended_on == TODAY
    assert not post.is_current()
    assert not Post.objects.current().filter(pk=post.pk).exists()
    decision = post.decisions.get()
    assert (decision.outcome, decision.how, decision.decided_by) == (
        "rejected",
        "site_staff",
        staff,
    )
    assert [message.to for message in mail.outbox] == [["claimant@home.example"]]
    assert "Larkwell Primary" in mail.outbox[0].body


def test_a_decided_claim_cannot_be_decided_again(staff):
    post = _claim(factories.make_user(), factories.make_school())
    services.verify_post(post=post, how=Post.How.SITE_STAFF, by=staff)

    with pytest.raises(ValidationError):
        services.reject_post(post=post, how=Post.How.SITE_STAFF, by=staff)
    with pytest.raises(ValidationError):
        services.verify_post(post=post, how=Post.How.SITE_STAFF, by=staff)


def test_a_future_post_rejected_is_never_current(staff):
    post, _ = services.record_post(
        person=factories.make_user(),
        school=factories.make_school(),
        role=Post.Role.HEADTEACHER,
        started_on=TODAY + datetime.timedelta(days=30),
    )

    services.reject_post(post=post, how=Post.How.SITE_STAFF, by=staff)

    post.refresh_from_db()
    assert not post.is_current(TODAY + datetime.timedelta(days=30))


# The register's head names --------------------------------------------------------


def test_import_keeps_the_registers_head_title_and_names():
    import_schools(SYNTHETIC)

    school = School.objects.get(urn=100000)
    assert (school.head_title, school.head_first_name, school.head_last_name) == (
        "Mrs",
        "Lucy",
        "Drayden",
    )


def test_the_registers_head_names_appear_on_no_page(client, staff):
    import_schools(SYNTHETIC)
    school = School.objects.get(urn=100000)
    claimant = factories.make_user(first_name="Rory", last_name="Pendle")
    post = _claim(claimant, school)
    factories.make_membership(
        person=factories.make_head(school=school),
        network=factories.make_network(basis="school", sectors=[]),
        school=school,
    )
    client.force_login(staff)

    pages = [
        f"{reverse('portal:post_add')}?q=Cressbury",
        f"{reverse('portal:post_add')}?school={school.urn}",
        reverse("portal:claim", args=[post.pk]),
        reverse("networks:directory"),
        reverse("admin:members_school_change", args=[school.pk]),
        reverse("admin:members_post_change", args=[post.pk]),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Drayden" not in response.content.decode(), url
