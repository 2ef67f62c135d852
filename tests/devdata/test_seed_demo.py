"""seed_demo: the networks of docs/product.md and the demo accounts of README.md."""

import datetime
import io

import pytest
from allauth.account.models import EmailAddress
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from announcements.models import Announcement, Delivery
from members.models import Designation, LocalAuthority, Post, School, User
from networks import eligibility
from networks.models import (
    EmailPreference,
    Membership,
    Network,
    NetworkPurpose,
    Workhub,
    WorkhubMembership,
)

pytestmark = pytest.mark.django_db

OXFORDSHIRE, OLDHAM, ESSEX = "931", "353", "881"
DEMO_PASSWORD = "headnet-demo"

OPHN = "Oxfordshire Primary Headteachers' Network"
OSSHTA = "Oxfordshire Secondary Head Teacher Association"
OASSH = "Oxfordshire Association of Special School Headteachers"
OLDHAM_ALLIANCE = "Oldham Schools Alliance"

J, B = Network.JoinPolicy, Network.Basis
# docs/product.md, "The networks it is built for": name, join policy, membership basis, areas.
NETWORKS = [
    (OPHN, J.OPEN, B.PERSON, {OXFORDSHIRE}),
    (OSSHTA, J.AUTOMATIC, B.SCHOOL, {OXFORDSHIRE}),
    (OASSH, J.OPEN, B.SCHOOL, {OXFORDSHIRE}),
    ("OASSH Special School Data User Group", J.OPEN, B.PERSON, {OXFORDSHIRE}),
    ("OASSH Deputies Group", J.OPEN, B.PERSON, {OXFORDSHIRE}),
    (
        "Educational Briefings for Heads and Chairs of Governors",
        J.OPEN,
        B.PERSON,
        {OXFORDSHIRE},
    ),
    (OLDHAM_ALLIANCE, J.AUTOMATIC, B.SCHOOL, {OLDHAM}),
    (
        "Oldham Association of Secondary Headteachers and Principals",
        J.APPROVAL,
        B.SCHOOL,
        {OLDHAM},
    ),
    ("Essex Sustainable Leadership Group", J.APPROVAL, B.PERSON, {ESSEX}),
    ("Heads Up", J.OPEN, B.PERSON, set()),
    ("Headteachers' Roundtable", J.INVITATION, B.PERSON, set()),
]

OLDHAM_WORKHUBS_2016 = {
    "Behaviour and Attendance",
    "Business and Community",
    "Early Years Foundation Stage",
    "Finance",
    "Initial Teacher Training",
    "Safeguarding and Wellbeing",
    "SEND",
    "School to School Support",
    "Teaching and Learning",
    "The Oldham Curriculum",
    "The Oldham Leader",
    "Transition",
}


def _seed(**options) -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out, **options)
    return out.getvalue()


@pytest.fixture
def debug(settings):
    """seed_demo is for local (DEBUG) sites; pytest-django turns DEBUG off."""
    settings.DEBUG = True


@pytest.fixture
def seeded(debug, demo_seeded):
    """The demo, seeded once for the module (tests/devdata/conftest.py)."""


def _account(email: str) -> User:
    return User.objects.get(email=email)


def _current_headship(person: User) -> Post:
    [post] = [post for post in person.current_posts() if post.is_headship]
    return post


def _live_networks(person: User) -> dict[str, Membership]:
    return {
        membership.network.name: membership
        for membership in Membership.objects.live().filter(person=person).select_related("network")
    }


def _counts() -> dict[str, int]:
    models = [
        LocalAuthority,
        School,
        User,
        EmailAddress,
        Post,
        Designation,
        Network,
        NetworkPurpose,
        Membership,
        Workhub,
        WorkhubMembership,
        Announcement,
        Delivery,
        EmailPreference,
    ]
    return {model.__name__: model.objects.count() for model in models}


# Running ----------------------------------------------------------------------


def test_seed_demo_loads_the_demo_and_says_so(debug):
    output = _seed()

    assert "Demo data ready" in output
    assert Network.objects.count() >= len(NETWORKS)
    assert User.objects.filter(email__endswith="@example.org").count() > 7


def test_running_seed_demo_again_creates_nothing_new(debug):
    _seed()
    first = _counts()
    statuses = dict(Membership.objects.values_list("pk", "status"))

    _seed()

    assert _counts() == first
    assert dict(Membership.objects.values_list("pk", "status")) == statuses


def test_seed_demo_refuses_when_debug_is_off(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="DEBUG off"):
        _seed()

    assert not User.objects.exists()
    assert not Network.objects.exists()


def test_seed_demo_runs_with_debug_off_when_forced(settings):
    settings.DEBUG = False

    _seed(force=True)

    assert User.objects.filter(email="staff@example.org").exists()


# Schools ------------------------------------------------------------------------


@pytest.mark.parametrize("code", [OXFORDSHIRE, OLDHAM, ESSEX])
def test_each_demo_area_has_primary_secondary_and_special_schools_and_a_closed_one(seeded, code):
    schools = School.objects.filter(local_authority__code=code)
    open_sectors = set(schools.open().values_list("sector", flat=True))

    assert {School.Sector.PRIMARY, School.Sector.SECONDARY, School.Sector.SPECIAL} <= (open_sectors)
    assert schools.filter(status=School.Status.CLOSED).exists()


# Demo accounts (README.md) ---------------------------------------------------


def test_the_demo_password_signs_in_to_every_demo_account(seeded, client):
    emails = [
        "primary.head@example.org",
        "secondary.head@example.org",
        "special.head@example.org",
        "coordinator@example.org",
        "administrator@example.org",
        "oldham.head@example.org",
        "staff@example.org",
    ]
    for email in emails:
        assert client.login(email=email, password=DEMO_PASSWORD), email
        client.logout()


def test_a_demo_head_signs_in_through_the_sign_in_page_to_their_networks(seeded, client):
    response = client.post(
        reverse("account_login"),
        {"login": "primary.head@example.org", "password": DEMO_PASSWORD},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("me")


def test_the_password_option_sets_the_demo_password(debug):
    _seed(password="another-demo-password")

    staff = _account("staff@example.org")
    assert staff.check_password("another-demo-password")
    assert not staff.check_password(DEMO_PASSWORD)


def test_primary_head_leads_an_oxfordshire_primary_and_is_in_the_primary_network(seeded):
    person = _account("primary.head@example.org")

    school = _current_headship(person).school
    assert (school.local_authority.code, school.sector) == (OXFORDSHIRE, School.Sector.PRIMARY)
    networks = _live_networks(person)
    assert networks[OPHN].is_active
    assert networks[OPHN].role == Membership.Role.MEMBER
    assert eligibility.eligibility_for(Network.objects.get(name=OPHN), person)


def test_secondary_head_leads_an_oxfordshire_secondary_and_holds_its_osshta_seat(seeded):
    person = _account("secondary.head@example.org")

    school = _current_headship(person).school
    assert (school.local_authority.code, school.sector) == (
        OXFORDSHIRE,
        School.Sector.SECONDARY,
    )
    assert school.state_funded
    seat = _live_networks(person)[OSSHTA]
    assert seat.is_active
    assert seat.school == school


def test_special_head_is_a_new_head_of_an_oxfordshire_special_school_in_no_network(seeded):
    person = _account("special.head@example.org")

    post = _current_headship(person)
    assert (post.school.local_authority.code, post.school.sector) == (
        OXFORDSHIRE,
        School.Sector.SPECIAL,
    )
    # In the first year of headship.
    assert timezone.localdate() - post.started_on < datetime.timedelta(days=365)
    assert person.is_new_head()
    assert not Membership.objects.filter(person=person).exists()
    # ...but OASSH is open to them, so the demo can show joining.
    assert eligibility.eligibility_for(Network.objects.get(name=OASSH), person)


def test_coordinator_is_a_secondary_head_who_coordinates_osshta(seeded):
    person = _account("coordinator@example.org")

    assert _current_headship(person).school.sector == School.Sector.SECONDARY
    membership = _live_networks(person)[OSSHTA]
    assert membership.is_active
    assert membership.role == Membership.Role.COORDINATOR


def test_administrator_administers_osshta_and_can_open_the_admin_site(seeded):
    person = _account("administrator@example.org")

    membership = _live_networks(person)[OSSHTA]
    assert membership.is_active
    assert membership.role == Membership.Role.ADMINISTRATOR
    assert person.is_staff
    assert not person.is_superuser


def test_oldham_head_leads_an_oldham_primary_in_the_alliance_and_leads_a_workhub(seeded):
    person = _account("oldham.head@example.org")

    school = _current_headship(person).school
    assert (school.local_authority.code, school.sector) == (OLDHAM, School.Sector.PRIMARY)
    assert _live_networks(person)[OLDHAM_ALLIANCE].is_active
    lead = WorkhubMembership.objects.get(person=person, is_lead=True)
    assert lead.workhub.network.name == OLDHAM_ALLIANCE


def test_staff_account_is_a_superuser(seeded):
    person = _account("staff@example.org")

    assert person.is_superuser
    assert person.is_staff


def test_demo_accounts_have_verified_addresses(seeded):
    unverified = EmailAddress.objects.filter(user__email__endswith="@example.org", verified=False)

    assert not unverified.exists()


def test_demo_heads_posts_are_verified_and_one_claim_waits_in_osshtas_queue(seeded, client):
    claims = Post.objects.exclude(verification=Post.Verification.VERIFIED)
    [claim] = claims.select_related("person", "school")
    assert claim.person.email == "claimant@example.org"
    assert claim.is_claim and claim.is_headship
    osshta = Network.objects.get(name=OSSHTA)
    seat = Membership.objects.live().get(network=osshta, school=claim.school)
    assert seat.person != claim.person  # the claim has taken nothing
    client.force_login(_account("administrator@example.org"))
    queue = client.get(reverse("networks:claims", args=[osshta.slug])).content.decode()
    assert reverse("portal:claim", args=[claim.pk]) in queue
    assert client.get(reverse("portal:claim", args=[claim.pk])).status_code == 200


def test_fictional_members_hold_only_memberships_the_rules_allow(seeded):

    members = (
        Membership.objects.live()
        .filter(role=Membership.Role.MEMBER)
        .exclude(network__join_policy=Network.JoinPolicy.INVITATION)
        .select_related("network")
    )
    for membership in members:
        person = User.objects.with_posts().get(pk=membership.person_id)
        assert eligibility.eligibility_for(membership.network, person), (
            person.email,
            membership.network,
        )


# Networks (docs/product.md) --------------------------------------------------


@pytest.mark.parametrize(("name", "join_policy", "basis", "areas"), NETWORKS)
def test_every_network_of_the_design_exists_with_its_join_policy_basis_and_area(
    seeded, name, join_policy, basis, areas
):
    network = Network.objects.get(name=name)

    assert network.join_policy == join_policy
    assert network.basis == basis
    assert {area.code for area in network.areas.all()} == areas


def test_osshta_charges_member_schools_an_annual_fee(seeded):
    osshta = Network.objects.get(name=OSSHTA)

    assert osshta.short_name == "OSSHTA"
    assert osshta.fee_scheme.flat_amount_pence > 0
    assert osshta.fee_scheme.has_bank_details
    assert osshta.state_funded_only
    assert [purpose.position for purpose in osshta.purposes.all()] == [0, 1, 2, 3]


def test_oassh_has_its_data_user_group_and_deputies_group(seeded):
    oassh = Network.objects.get(name=OASSH)

    assert {group.name for group in oassh.subgroups.all()} == {
        "OASSH Special School Data User Group",
        "OASSH Deputies Group",
    }
    deputies = Network.objects.get(name="OASSH Deputies Group")
    assert deputies.eligible_roles == [Post.Role.SENIOR_LEADER]


def test_oldham_schools_alliance_has_the_twelve_workhubs_of_2016_17(seeded):
    alliance = Network.objects.get(name=OLDHAM_ALLIANCE)

    workhubs = alliance.workhubs.filter(academic_year=2016)

    assert {workhub.name for workhub in workhubs} == OLDHAM_WORKHUBS_2016
    assert {workhub.academic_year_label for workhub in workhubs} == {"2016/17"}


def test_heads_up_is_open_to_anyone_anywhere(seeded):
    heads_up = Network.objects.get(name="Heads Up")
    special_head = _account("special.head@example.org")

    assert heads_up.open_to_all
    assert eligibility.eligibility_for(heads_up, special_head)


def test_osshtas_coordinating_group_says_what_it_does_and_who_coordinates_it(seeded, client):
    page = client.get(reverse("networks:detail", args=["osshta-coordinating-group"]))
    text = page.content.decode()
    coordinator = _account("coordinator@example.org")

    assert "choose the themes of the termly meetings" in text
    assert "Plan the annual conference" in text
    assert coordinator.get_full_name() in text


def test_the_essex_groups_page_leads_to_the_leaders_directory(seeded, client):
    page = client.get(reverse("networks:detail", args=["essex-sustainable-leadership"]))

    assert f'href="{reverse("leaders:directory")}"' in page.content.decode()


def test_the_oldham_alliance_goes_by_one_name_on_its_workhub_pages(seeded, client):
    alliance = Network.objects.get(name=OLDHAM_ALLIANCE)
    workhub = alliance.workhubs.order_by("-academic_year").first()
    client.force_login(_account("oldham.head@example.org"))

    page = client.get(reverse("networks:workhub", args=[alliance.slug, workhub.slug]))

    assert alliance.label == OLDHAM_ALLIANCE
    assert "Partnership" not in page.content.decode()
