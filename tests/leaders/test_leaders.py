"""The leaders directory: designations claimed with evidence and confirmed by the area's
network administrators, an opt-in listing withdrawn at once, filters, for heads only."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from leaders import services
from leaders.models import Listing
from members.models import Designation, Post, School
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def essex():
    return factories.make_la(code="881", name="Essex")


def _leader(*, la, kind=Designation.Kind.INTERIM_HEAD, availability="available", name="Leader",
            sector=School.Sector.PRIMARY, confirmed=True):  # fmt: skip
    person = factories.make_head(
        school=factories.make_school(la=la, sector=sector), first_name=name, last_name="Head"
    )
    Designation.objects.create(
        person=person,
        kind=kind,
        evidence="DfE list",
        state=Designation.State.CONFIRMED if confirmed else Designation.State.CLAIMED,
    )
    services.list_person(person=person, availability=availability)
    return person


def _directory(client, **query):
    return client.get(reverse("leaders:directory"), query).content.decode()


def test_an_essex_head_finds_an_interim_head_available_in_their_area(client, head, essex):
    _leader(la=essex, name="Iris")
    _leader(la=essex, name="Busy", availability="unavailable")
    _leader(la=factories.make_la(), name="Oxon")
    _leader(la=essex, name="Advisor", kind=Designation.Kind.ADVISORY_HEAD)
    client.force_login(head)

    content = _directory(client, kind="interim_head", area="881", availability="available")

    assert "Iris Head" in content
    assert "Interim head available for deployment" in content
    assert "Busy Head" not in content and "Oxon Head" not in content
    assert "Advisor Head" not in content


def test_the_directory_filters_by_phase(client, head, essex):
    _leader(la=essex, name="Primary")
    _leader(la=essex, name="Special", sector=School.Sector.SPECIAL)
    client.force_login(head)

    content = _directory(client, sector="special")

    assert "Special Head" in content and "Primary Head" not in content


def test_an_unconfirmed_designation_lists_nobody(client, head, essex):
    _leader(la=essex, name="Claimant", confirmed=False)
    client.force_login(head)

    assert "Claimant Head" not in _directory(client)


def test_withdrawing_removes_the_listing_at_once(client, head, essex):
    leader = _leader(la=essex, name="Leaving")
    client.force_login(leader)

    client.post(reverse("leaders:listing_withdraw"))
    client.force_login(head)

    assert not Listing.objects.filter(person=leader).exists()
    assert "Leaving Head" not in _directory(client)


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("visitor", 302), ("administrator", 403), ("head", 200), ("staff", 200)],
)
def test_the_directory_is_for_heads(client, request, persona, expected):
    if persona != "visitor":
        client.force_login(request.getfixturevalue(persona))

    assert client.get(reverse("leaders:directory")).status_code == expected


def test_a_head_whose_post_is_unconfirmed_cannot_see_the_directory(client):
    claimant = factories.make_head(verified=False)
    client.force_login(claimant)

    assert client.get(reverse("leaders:directory")).status_code == 403


def test_a_person_adds_a_designation_with_evidence_and_it_waits(client, head):
    client.force_login(head)

    client.post(
        reverse("leaders:designation_add"),
        {"kind": "lle", "evidence": "Teaching school hub letter, 2022"},
    )

    designation = Designation.objects.get(person=head)
    assert designation.state == Designation.State.CLAIMED
    assert designation.evidence == "Teaching school hub letter, 2022"


def test_a_designation_needs_evidence(head):
    with pytest.raises(ValidationError):
        services.claim_designation(person=head, kind="lle", evidence=" ")


def test_an_administrator_of_a_network_in_the_area_confirms_a_designation(
    client, network, administrator
):
    claimant = factories.make_head()  # at an Oxfordshire school: the network's area
    designation = services.claim_designation(person=claimant, kind="nle", evidence="DfE")
    client.force_login(administrator)

    queue = client.get(reverse("leaders:confirmations")).content.decode()
    client.post(reverse("leaders:confirmation", args=[designation.pk]), {"decision": "confirm"})

    designation.refresh_from_db()
    assert "National leader of education" in queue
    assert designation.state == Designation.State.CONFIRMED
    assert designation.decided_by == administrator


@pytest.mark.parametrize("persona", ["coordinator", "head", "outsider_administrator"])
def test_others_cannot_confirm_a_designation(client, request, network, essex, persona):
    claimant = factories.make_head()
    designation = services.claim_designation(person=claimant, kind="nle", evidence="DfE")
    # Another network's administrator is refused when their network covers another area.
    other = request.getfixturevalue("other_network")
    other.areas.set([essex])
    client.force_login(request.getfixturevalue(persona))

    response = client.post(
        reverse("leaders:confirmation", args=[designation.pk]), {"decision": "confirm"}
    )

    designation.refresh_from_db()
    assert response.status_code == 404
    assert designation.state == Designation.State.CLAIMED


def test_nobody_confirms_their_own_designation(administrator):
    factories.make_post(person=administrator)
    designation = services.claim_designation(person=administrator, kind="nle", evidence="DfE")

    with pytest.raises(ValidationError):
        services.confirm_designation(designation=designation, by=administrator)


def test_a_rejected_designation_can_be_claimed_again_a_confirmed_one_stands(head, staff):
    designation = services.claim_designation(person=head, kind="lle", evidence="One")
    services.reject_designation(designation=designation, by=staff)

    again = services.claim_designation(person=head, kind="lle", evidence="Better evidence")

    assert again.pk == designation.pk
    assert (again.state, again.decided_by) == (Designation.State.CLAIMED, None)
    services.confirm_designation(designation=again, by=staff)
    with pytest.raises(ValidationError):
        services.claim_designation(person=head, kind="lle", evidence="Again")


def test_the_directory_costs_the_same_queries_for_few_and_many(
    client, head, essex, django_assert_max_num_queries
):
    client.force_login(head)
    url = reverse("leaders:directory")
    for number in range(2):
        _leader(la=essex, name=f"Few{number}")
    with django_assert_max_num_queries(12) as few:
        client.get(url, {"area": "881"})
    for number in range(15):
        _leader(la=essex, name=f"Many{number}")
    with django_assert_max_num_queries(12) as many:
        client.get(url, {"area": "881"})

    assert len(few.captured_queries) == len(many.captured_queries)


def test_closing_an_account_removes_the_listing(head):
    from portal.services import close_account, personal_data

    services.list_person(person=head, availability="limited", note="Two days a week")

    data = personal_data(head)
    close_account(person=head)

    assert data["leaders_directory_listing"]["note"] == "Two days a week"
    assert not Listing.objects.exists()


def test_the_area_is_that_of_the_current_school(client, head, essex):
    leader = _leader(la=essex, name="Moved")
    Post.objects.filter(person=leader).update(ended_on="2020-01-01", started_on="2019-01-01")
    factories.make_post(person=leader, school=factories.make_school())  # now in Oxfordshire
    client.force_login(head)

    assert "Moved Head" not in _directory(client, area="881")


def test_a_designation_is_decided_by_the_area_of_the_current_post_not_a_past_one(
    client, network, administrator, essex
):
    """A head who left an Oxfordshire school for Essex is Essex's to confirm, not the
    Oxfordshire network's administrators'."""
    claimant = factories.make_user(first_name="Moved", last_name="Away")
    factories.make_post(
        person=claimant,
        school=factories.make_school(),  # Oxfordshire: the network's area
        started_on=datetime.date(2015, 9, 1),
        ended_on=datetime.date(2020, 8, 31),
    )
    factories.make_post(person=claimant, school=factories.make_school(la=essex))
    designation = services.claim_designation(person=claimant, kind="nle", evidence="DfE")
    client.force_login(administrator)

    queue = client.get(reverse("leaders:confirmations")).content.decode()
    response = client.post(
        reverse("leaders:confirmation", args=[designation.pk]), {"decision": "confirm"}
    )

    assert "Moved Away" not in queue
    assert response.status_code == 404
    designation.refresh_from_db()
    assert designation.state == Designation.State.CLAIMED


# Issue 19, finding 17: a designation goes to the administrators of the area where the
# person's confirmed posts are; a claimed post does not let them pick who decides.


def test_a_claimed_post_does_not_route_a_designation_to_that_areas_administrators(
    client, network, administrator, essex
):
    # Confirmed head in Essex; a claim, nobody has confirmed, at an Oxfordshire school.
    claimant = factories.make_head(school=factories.make_school(la=essex))
    factories.make_post(person=claimant, verified=False)
    designation = services.claim_designation(person=claimant, kind="nle", evidence="DfE")
    client.force_login(administrator)

    queue = client.get(reverse("leaders:confirmations")).content.decode()
    page = client.get(reverse("leaders:confirmation", args=[designation.pk]))
    decided = client.post(
        reverse("leaders:confirmation", args=[designation.pk]), {"decision": "confirm"}
    )

    assert "National leader of education" not in queue
    assert page.status_code == 404 and decided.status_code == 404
    designation.refresh_from_db()
    assert designation.state == Designation.State.CLAIMED


def test_a_confirmed_post_routes_a_designation_to_that_areas_administrators(
    client, network, administrator, essex
):
    # The same person once the Oxfordshire post is confirmed: now it is theirs to decide.
    claimant = factories.make_head(school=factories.make_school(la=essex))
    factories.make_post(person=claimant)
    designation = services.claim_designation(person=claimant, kind="nle", evidence="DfE")
    client.force_login(administrator)

    assert "National leader of education" in client.get(reverse("leaders:confirmations")).text
    client.post(reverse("leaders:confirmation", args=[designation.pk]), {"decision": "confirm"})

    designation.refresh_from_db()
    assert designation.state == Designation.State.CONFIRMED


def test_a_designation_of_someone_with_only_claimed_posts_waits_for_site_staff(
    client, network, administrator, staff
):
    claimant = factories.make_head(verified=False)  # at an Oxfordshire school, unconfirmed
    designation = services.claim_designation(person=claimant, kind="lle", evidence="Letter")

    client.force_login(administrator)
    assert client.get(reverse("leaders:confirmation", args=[designation.pk])).status_code == 404
    client.force_login(staff)
    assert client.get(reverse("leaders:confirmation", args=[designation.pk])).status_code == 200


def test_the_area_filter_offers_the_areas_where_someone_holds_a_post(client, head, essex):
    factories.make_school(la=factories.make_la(code="202", name="Camden"))  # nobody's post
    ended = factories.make_head(school=factories.make_school(la=essex))
    Post.objects.filter(person=ended).update(
        started_on=datetime.date(2001, 9, 1), ended_on=datetime.date(2002, 8, 31)
    )
    client.force_login(head)

    response = client.get(reverse("leaders:directory"))

    form = response.context["form"]

    # Oxfordshire (the head's own post) and Essex (a past post), each once; not Camden.
    expected = [("", "Anywhere"), ("881", "Essex"), ("931", "Oxfordshire")]
    assert form.fields["area"].choices == expected
    # Written as the stock select is, with the classes crispy gives a select.
    html = response.content.decode()
    assert '<select name="area" class="select form-select" id="id_area">' in html
    assert '\n  <option value="881">Essex</option>\n' in html
